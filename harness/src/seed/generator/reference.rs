//! `references`: values of a parent table's column, read after the parent was seeded. Without
//! other modifiers every parent row counts once (a value stored twice is drawn twice as often),
//! uniform or skewed; with `distinct = N`, a random subset of N distinct parent values; with
//! `unique`, a one-to-one draw without replacement. A NULL parent key cannot be referenced.
//! Reading the parent's values is the seed pipeline's job; picking and shuffling are `pool`'s
//! and `unique`'s.

use std::collections::HashSet;

use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::Listed;
use super::pool::Pool;
use super::unique::UniqueDraw;
use crate::scenario::column::ColumnSpec;

/// How a reference's rows are drawn: from a pool, or one-to-one.
pub(super) enum ReferenceDraw {
    Pool(Pool),
    Unique(UniqueDraw),
    /// No parent values, and no non-null rows that would need one.
    Nothing,
}

/// The reference of `spec` to `parent` (`table.column`) over `parents`, its values in a
/// deterministic order, for `non_null` non-null rows.
pub(super) fn reference_draw(
    spec: &ColumnSpec,
    column: &str,
    parent: &str,
    parents: Vec<Value>,
    non_null: u64,
    rng: &mut ChaCha8Rng,
) -> Result<ReferenceDraw, SeedError> {
    let parents: Vec<Value> = parents.into_iter().filter(|v| *v != Value::Null).collect();
    if parents.is_empty() {
        return if non_null == 0 {
            Ok(ReferenceDraw::Nothing)
        } else {
            Err(SeedError::EmptyParent { column: column.to_string(), parent: parent.to_string() })
        };
    }
    if !spec.unique && spec.distinct.is_none() {
        return Pool::new(parents, spec.skew, column).map(ReferenceDraw::Pool);
    }

    let mut seen = HashSet::with_capacity(parents.len());
    let distinct_parents: Vec<Value> = parents.into_iter().filter(|v| seen.insert(v.fingerprint())).collect();
    let (requirement, needed) = match spec.distinct {
        Some(size) => (format!("`distinct = {size}`"), size),
        None => ("`unique`".to_string(), non_null),
    };
    let domain = Box::new(Listed::new(distinct_parents, format!("parent column `{parent}`")));
    let draw = UniqueDraw::shuffle(domain, column, &requirement, needed)?;
    match spec.distinct {
        None => Ok(ReferenceDraw::Unique(draw)),
        Some(size) => Pool::new(Pool::fill(draw, size, rng, column)?, spec.skew, column).map(ReferenceDraw::Pool),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{build_error, distinct_count, generate_with, parents, spec, with};
    use super::*;
    use crate::scenario::column::GenKind;

    fn reference() -> ColumnSpec {
        spec("user_id", GenKind::Ref { table: "users".into(), column: "id".into() })
    }

    #[test]
    fn references_draw_only_parent_values() {
        let keys: Vec<Value> =
            vec![Value::Text("a".into()), Value::Null, Value::Text("b".into()), Value::Text("c".into())];
        let values = generate_with(&reference(), 1, 1000, Some(keys));
        assert!(values.iter().all(|v| matches!(v, Value::Text(t) if ["a", "b", "c"].contains(&t.as_str()))));
        assert_eq!(distinct_count(&values), 3);

        let one_to_one = with(reference(), |s| s.unique = true);
        let values = generate_with(&one_to_one, 1, 500, Some(parents(500)));
        assert_eq!(distinct_count(&values), 500, "a unique reference uses every parent once");

        let subset = with(reference(), |s| s.distinct = Some(10));
        let values = generate_with(&subset, 1, 5000, Some(parents(500)));
        assert_eq!(distinct_count(&values), 10);
        assert!(values.iter().all(|v| matches!(v, Value::Int(1..=500))));
    }

    #[test]
    fn all_null_columns_need_no_parent() {
        let s = with(reference(), |s| s.null_fraction = 1.0);
        assert_eq!(generate_with(&s, 1, 5, Some(Vec::new())), vec![Value::Null; 5]);
    }

    #[test]
    fn impossible_references_are_named_errors() {
        // (case, column, rows, parent values, error)
        type Case = (&'static str, ColumnSpec, u64, Option<Vec<Value>>, &'static str);
        let cases: Vec<Case> = vec![
            (
                "unique reference with too few parents",
                with(reference(), |s| s.unique = true),
                10,
                Some(parents(5)),
                "`t.user_id`: `unique` needs 10 different values but parent column `users.id` has only 5",
            ),
            (
                "missing parent values",
                reference(),
                10,
                None,
                "`t.user_id`: references `users.id` but its values were not given (expected the parent table to be seeded first)",
            ),
            (
                "parent with only nulls",
                reference(),
                10,
                Some(vec![Value::Null]),
                "`t.user_id`: references `users.id`, which has no non-null values (expected at least one parent row)",
            ),
            (
                "parent values for a non-reference",
                spec("n", GenKind::Int { min: 0, max: 9 }),
                10,
                Some(parents(3)),
                "`t.n`: parent values were given but the column is not a reference",
            ),
            (
                "negative skew",
                with(reference(), |s| s.skew = Some(-1.0)),
                10,
                Some(parents(3)),
                "`t.user_id`: invalid skew `-1` (expected a finite number `>= 0`)",
            ),
        ];
        for (name, s, rows, parent_values, expected) in cases {
            assert_eq!(build_error(&s, rows, parent_values), expected, "{name}");
        }
    }
}
