//! Sizes as PostgreSQL writes them (`"8kB"`, `"10MB"`, `"1GB"`): multiples of 1024, the units of
//! `pg_size_pretty` and of memory settings, so a budget reads like what `\di+` prints.

/// Parses a size like `512kB`, `10MB` or `1.5GB` into bytes; the error says what was expected.
pub(crate) fn parse_size(text: &str) -> Result<u64, String> {
    let bad = || {
        format!(
            "invalid size `{text}` (expected a size like `512kB`, `10MB` or `1GB`, in PostgreSQL's 1024-based units)"
        )
    };
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
    let (number, unit) = t.split_at(split);
    let number: f64 = number.parse().map_err(|_| bad())?;
    let factor: u64 = match unit.trim() {
        "B" | "bytes" => 1,
        "kB" => 1 << 10,
        "MB" => 1 << 20,
        "GB" => 1 << 30,
        "TB" => 1 << 40,
        _ => return Err(bad()),
    };
    let bytes = number * factor as f64;
    if !bytes.is_finite() || bytes < 0.0 || bytes > u64::MAX as f64 {
        return Err(bad());
    }
    Ok(bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_postgres_units() {
        for (text, bytes) in
            [("8kB", 8192), ("10MB", 10 << 20), ("1.5GB", 3 << 29), ("100 B", 100), (" 2 MB ", 2 << 20)]
        {
            assert_eq!(parse_size(text), Ok(bytes), "{text}");
        }
    }

    #[test]
    fn rejects_bare_numbers_and_other_units_with_the_expected_form() {
        for text in ["100", "10mb", "10 MiB", "MB", "-1MB", ""] {
            let err = parse_size(text).unwrap_err();
            assert!(err.contains("expected a size like `512kB`"), "{text}: {err}");
        }
    }
}
