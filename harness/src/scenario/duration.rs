//! Humane duration strings (`"250ms"`, `"1s"`, `"2m"`) as scenario files write them.

use std::time::Duration;

/// Parses a duration like `250ms` or `1.5s`; the error says what was expected.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if let Some(number) = trimmed.strip_suffix("ms").or_else(|| trimmed.strip_suffix('s')) {
        // humantime has no fractional seconds; `1.5s` is common enough to accept here.
        if number.contains('.') && !trimmed.ends_with("ms") {
            if let Ok(secs) = number.trim().parse::<f64>() {
                if secs.is_finite() && secs >= 0.0 {
                    return Ok(Duration::from_secs_f64(secs));
                }
            }
        }
    }
    humantime::parse_duration(trimmed)
        .map_err(|_| format!("invalid duration `{text}` (expected a duration like `250ms`, `1s` or `2m`)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_humane_durations() {
        for (text, millis) in [("250ms", 250), ("1s", 1000), ("1.5s", 1500), ("2m", 120_000)] {
            assert_eq!(parse_duration(text), Ok(Duration::from_millis(millis)), "{text}");
        }
    }

    #[test]
    fn rejects_bare_numbers_with_the_expected_form() {
        let err = parse_duration("100").unwrap_err();
        assert!(err.contains("expected a duration like `250ms`"), "{err}");
    }
}
