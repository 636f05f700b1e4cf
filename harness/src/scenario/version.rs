//! PostgreSQL major versions as a scenario names them: one major (`"17"`), an inclusive range
//! (`"13-16"`), a bound (`"<= 17"`, `">= 16"`, `"< 18"`, `"> 13"`), or a list of those. Used by
//! `[[queries.when]]` to say which majors an expectation is for, and by `[matrix]`.

use std::fmt;

/// The majors planproof knows of: a bound like `>= 16` means 16 up to this.
const HIGHEST: u32 = 99;
const LOWEST: u32 = 10;

/// A set of PostgreSQL majors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSet {
    /// `from..=to` ranges, both ends inclusive.
    ranges: Vec<(u32, u32)>,
    /// As written, for reports: `<= 17`, `13-14, 16`.
    text: String,
}

impl VersionSet {
    /// Parses every item of a list (a single string is a list of one).
    pub fn parse(items: &[String]) -> Result<VersionSet, String> {
        Self::parse_items(items).map_err(|(_, message)| message)
    }

    /// As [`VersionSet::parse`], and on error which item it is about (`None`: the list).
    pub(crate) fn parse_items(items: &[String]) -> Result<VersionSet, (Option<usize>, String)> {
        if items.is_empty() {
            return Err((None, "empty list of versions (expected a major like \"17\", a range like \"13-16\" or a bound like \"<= 17\")".into()));
        }
        let mut parsed = Vec::new();
        for (i, text) in items.iter().enumerate() {
            parsed.push(parse_item(text).map_err(|m| (Some(i), m))?);
        }
        let text =
            items.iter().map(|i| i.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join(", ");
        Ok(VersionSet { ranges: parsed, text })
    }

    pub(crate) fn contains(&self, major: u32) -> bool {
        self.ranges.iter().any(|(from, to)| (*from..=*to).contains(&major))
    }

    /// The majors both sets hold, lowest first (for "two entries cover 15" errors).
    pub(crate) fn overlap(&self, other: &VersionSet) -> Vec<u32> {
        (LOWEST..=HIGHEST).filter(|&m| self.contains(m) && other.contains(m)).collect()
    }
}

impl fmt::Display for VersionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn parse_item(text: &str) -> Result<(u32, u32), String> {
    let expected = "(expected a major like \"17\", a range like \"13-16\" or a bound like \"<= 17\")";
    let bad = || format!("invalid version `{text}` {expected}");
    let major = |s: &str| -> Result<u32, String> {
        match s.trim().parse::<u32>() {
            Ok(m) if (LOWEST..=HIGHEST).contains(&m) => Ok(m),
            _ => Err(bad()),
        }
    };
    let t = text.trim();
    let (from, to) = if let Some(rest) = t.strip_prefix("<=") {
        (LOWEST, major(rest)?)
    } else if let Some(rest) = t.strip_prefix(">=") {
        (major(rest)?, HIGHEST)
    } else if let Some(rest) = t.strip_prefix('<') {
        (LOWEST, major(rest)?.checked_sub(1).ok_or_else(bad)?)
    } else if let Some(rest) = t.strip_prefix('>') {
        (major(rest)? + 1, HIGHEST)
    } else if let Some((from, to)) = t.split_once('-') {
        let (from, to) = (major(from)?, major(to)?);
        if from > to {
            return Err(format!("invalid version range `{text}` (expected the lower major first, like \"13-16\")"));
        }
        (from, to)
    } else {
        let m = major(t)?;
        (m, m)
    };
    if from > to {
        return Err(format!("version `{text}` matches no major (expected a bound within {LOWEST}-{HIGHEST})"));
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> VersionSet {
        VersionSet::parse(&items.iter().map(std::string::ToString::to_string).collect::<Vec<_>>()).unwrap()
    }

    fn err(items: &[&str]) -> String {
        VersionSet::parse(&items.iter().map(std::string::ToString::to_string).collect::<Vec<_>>()).unwrap_err()
    }

    #[test]
    fn one_major_matches_only_itself() {
        let s = set(&["17"]);
        assert!(s.contains(17));
        assert!(!s.contains(16) && !s.contains(18));
    }

    #[test]
    fn bounds_are_inclusive_or_strict_as_written() {
        assert!(set(&["<= 17"]).contains(17) && set(&["<= 17"]).contains(13) && !set(&["<= 17"]).contains(18));
        assert!(!set(&["< 17"]).contains(17) && set(&["< 17"]).contains(16));
        assert!(set(&[">=16"]).contains(16) && set(&[">=16"]).contains(18) && !set(&[">=16"]).contains(15));
        assert!(!set(&["> 16"]).contains(16) && set(&["> 16"]).contains(17));
    }

    #[test]
    fn ranges_and_lists() {
        let s = set(&["13-14", "16"]);
        assert_eq!((13..=18).filter(|&m| s.contains(m)).collect::<Vec<_>>(), vec![13, 14, 16]);
        assert_eq!(s.to_string(), "13-14, 16");
    }

    #[test]
    fn overlap_lists_the_shared_majors() {
        assert_eq!(set(&["<= 15"]).overlap(&set(&["14-16"])), vec![14, 15]);
        assert!(set(&["<= 15"]).overlap(&set(&[">= 16"])).is_empty());
    }

    #[test]
    fn bad_specifications_say_what_was_expected() {
        assert!(err(&["latest"]).contains("invalid version `latest` (expected a major like"));
        assert!(err(&["16-13"]).contains("lower major first"));
        assert!(err(&["<= 9"]).contains("invalid version"));
        assert!(err(&["< 10"]).contains("matches no major"));
        assert!(err(&[]).contains("empty list"));
        assert!(err(&["16", "x"]).contains("`x`"));
    }
}
