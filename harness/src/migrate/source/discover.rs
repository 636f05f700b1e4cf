//! Finds the migrations of a project folder, in the order their tools apply them: every entry
//! of the folder is shown to the layouts of the registry in their order, after the ones that
//! belong to another migration (down and undo files) are set aside; the first layout to
//! recognise an entry takes it. What each layout recognises is in its own file.

use std::cmp::Ordering;
use std::path::Path;

use super::layout::Entry;
use super::migration::Migration;
use super::registry::{expected_layouts, layouts};
use crate::migrate::error::MigrateError;

/// Lists the migrations in `dir`, in application order.
pub(crate) fn discover(dir: &Path) -> Result<Vec<Migration>, MigrateError> {
    let read_error = |source| MigrateError::ReadDir { path: dir.to_path_buf(), source };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
        let entry = Entry { folder: dir, path: &path, name, is_dir: path.is_dir() };
        if layouts().any(|layout| layout.is_part(&entry)) {
            continue;
        }
        for layout in layouts() {
            if let Some(migration) = layout.recognise(&entry)? {
                found.push(migration);
                break;
            }
        }
    }
    if found.is_empty() {
        return Err(MigrateError::Empty { path: dir.to_path_buf(), expected: expected_layouts() });
    }
    found.sort_by(|a, b| natural_cmp(&a.version, &b.version).then_with(|| a.id.cmp(&b.id)));
    Ok(found)
}

/// Splits the migrations into those before the one under test, and that one.
pub(crate) fn split_at_under_test(
    all: Vec<Migration>,
    name: &str,
    dir: &Path,
) -> Result<(Vec<Migration>, Migration), MigrateError> {
    let Some(i) = all.iter().position(|m| m.is_named(name)) else {
        return Err(MigrateError::UnderTestNotFound {
            name: name.to_string(),
            dir: dir.to_path_buf(),
            available: all.iter().map(|m| format!("`{}`", m.id)).collect::<Vec<_>>().join(", "),
        });
    };
    let mut before = all;
    let mut rest = before.split_off(i);
    let under_test = rest.swap_remove(0);
    Ok((before, under_test))
}

/// Compares versions numerically where both are numbers (`2` before `10`), else as text.
fn natural_cmp(a: &str, b: &str) -> Ordering {
    let num = |s: &str| -> Option<Vec<u64>> { s.split('.').map(|p| p.parse().ok()).collect() };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::super::layout::folder;
    use super::super::registry::Format;
    use super::*;

    fn formats(dir: &Path) -> Vec<(String, Format)> {
        discover(dir).unwrap().into_iter().map(|m| (m.id.clone(), m.format())).collect()
    }

    #[test]
    fn every_layout_in_one_folder_sorts_by_version_numerically() {
        let dir = folder(&[
            ("2_b/up.sql", "x"),
            ("15_pak/up.sql", "x"),
            ("3_c.up.sql", "x"),
            ("3_c.down.sql", "x"),
            ("V4__d.sql", "x"),
            ("U4__d.sql", "x"),
            ("10_e.sql", "x"),
            ("perf.sql", "x"),
            ("notes.txt", "x"),
            ("empty_folder/README", "x"),
        ]);
        assert_eq!(
            formats(dir.path()),
            [
                ("2_b".to_string(), Format::Diesel),
                ("3_c".to_string(), Format::Sqlx),
                ("V4__d".to_string(), Format::Flyway),
                ("10_e".to_string(), Format::Sqlx),
                ("15_pak".to_string(), Format::Diesel),
                ("perf".to_string(), Format::Plain),
            ]
        );
    }

    #[test]
    fn down_and_undo_files_are_never_migrations_of_their_own() {
        // Even without their up file, and even where another layout would take the name.
        let dir = folder(&[("1_a.down.sql", "x"), ("U2__b.sql", "x"), ("U3__c.up.sql", "x"), ("4_d.sql", "x")]);
        assert_eq!(formats(dir.path()), [("4_d".to_string(), Format::Sqlx)]);
    }

    #[test]
    fn a_folder_takes_precedence_over_its_name() {
        // A Diesel folder is a folder holding `up.sql`, whatever its name looks like.
        let dir = folder(&[("1_a.down.sql/up.sql", "x"), ("V2__b.sql/up.sql", "x")]);
        assert_eq!(
            formats(dir.path()),
            [("1_a.down.sql".to_string(), Format::Diesel), ("V2__b.sql".to_string(), Format::Diesel)]
        );
    }

    #[test]
    fn an_empty_folder_says_what_was_expected() {
        let dir = folder(&[("README.md", "x")]);
        let err = discover(dir.path()).unwrap_err().to_string();
        assert!(err.starts_with("no migrations in `"), "{err}");
        // The list itself is the registry's, and pinned by its tests.
        assert!(err.ends_with(&format!("(expected {})", expected_layouts())), "{err}");
    }

    #[test]
    fn under_test_is_found_by_id_version_or_file_name() {
        let dir = folder(&[("1_a/up.sql", "x"), ("2_b/up.sql", "x"), ("3_c/up.sql", "x")]);
        for name in ["2_b", "2"] {
            let (before, m) = split_at_under_test(discover(dir.path()).unwrap(), name, dir.path()).unwrap();
            assert_eq!((before.len(), m.id.as_str()), (1, "2_b"));
        }
        let err = split_at_under_test(discover(dir.path()).unwrap(), "9_z", dir.path()).unwrap_err();
        assert!(err.to_string().contains("expected one of `1_a`, `2_b`, `3_c`"), "{err}");
    }

    #[test]
    fn versions_compare_as_numbers_when_both_are() {
        assert_eq!(natural_cmp("2", "10"), Ordering::Less);
        assert_eq!(natural_cmp("1.10", "1.2"), Ordering::Greater);
        assert_eq!(natural_cmp("a", "10"), Ordering::Greater);
    }
}
