//! `--partition k/n`: a CI matrix runs the same command on n runners, each taking every n-th
//! scenario file (the nextest convention, by position in name order), so the scenarios spread
//! without a scheduler.

use std::str::FromStr;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let expected = || format!("invalid partition `{text}` (expected `k/n` with 1 <= k <= n, like `1/3`)");
        let (k, n) = text.split_once('/').ok_or_else(expected)?;
        let index: usize = k.trim().parse().map_err(|_| expected())?;
        let count: usize = n.trim().parse().map_err(|_| expected())?;
        if index == 0 || count == 0 || index > count {
            return Err(expected());
        }
        Ok(Partition { index, count })
    }
}

impl Partition {
    /// The items of this shard: the k-th, then every n-th after it.
    pub fn select<T>(&self, items: Vec<T>) -> Vec<T> {
        items.into_iter().enumerate().filter(|(i, _)| i % self.count == self.index - 1).map(|(_, item)| item).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_item_once() {
        let items: Vec<u32> = (0..7).collect();
        let shards: Vec<Vec<u32>> = (1..=3).map(|k| Partition { index: k, count: 3 }.select(items.clone())).collect();
        assert_eq!(shards, vec![vec![0, 3, 6], vec![1, 4], vec![2, 5]]);
    }

    #[test]
    fn bad_partitions_say_what_is_expected() {
        for bad in ["0/3", "4/3", "1", "a/b", "1/0"] {
            assert!(bad.parse::<Partition>().unwrap_err().contains("expected `k/n`"), "{bad}");
        }
        assert_eq!("2/5".parse::<Partition>(), Ok(Partition { index: 2, count: 5 }));
    }
}
