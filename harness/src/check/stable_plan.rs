//! A plan must be the same in every measured run: when it changed (statistics or caches moved
//! while measuring), the timings mix two plans and the pattern checks saw only one of them.

use super::finding::Finding;
use super::registry::Check;

/// A warning when the measured runs saw more than one plan shape (`unstable` lists them).
pub(crate) fn stable_plan(unstable: &[String]) -> Option<Finding> {
    (!unstable.is_empty()).then(|| {
        Finding::warning(
            Check::StablePlan,
            format!("the plan changed between measured runs ({} shapes)", unstable.len()),
            Some("statistics or caches moved during the runs; see `unstable` in results.json for each shape".into()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shape_is_stable_two_are_not() {
        assert_eq!(stable_plan(&[]), None);
        let finding = stable_plan(&["Seq Scan on t".into(), "Index Scan using i on t".into()]).unwrap();
        assert_eq!(finding.message, "the plan changed between measured runs (2 shapes)");
    }
}
