//! The scenario names the PostgreSQL major it is written for; running it on another major is
//! allowed (the planner may differ) but said.

use super::finding::Finding;
use super::registry::Check;

pub fn server_version(wanted: Option<&str>, server: &str) -> Option<Finding> {
    let wanted = wanted?;
    let major = server.split(|c: char| !c.is_ascii_digit()).next().unwrap_or_default();
    (major != wanted).then(|| {
        Finding::warning(
            Check::ServerVersion,
            format!("the scenario is written for PostgreSQL {wanted}, but ran on {server}"),
            Some("plans can differ between majors; run on the version production uses".into()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_major_is_a_warning() {
        assert!(server_version(Some("16"), "15.18 (Debian 15.18-0+deb12u1)").is_some());
        assert!(server_version(Some("15"), "15.18 (Debian 15.18-0+deb12u1)").is_none());
        assert!(server_version(None, "15.18").is_none());
    }
}
