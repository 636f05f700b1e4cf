//! Random streams for the seed stage. Every column gets its own ChaCha8 stream whose key is
//! derived from the scenario seed and the column's qualified name, so a column's values depend
//! on nothing else: adding a column, reordering columns or changing another column's generator
//! leaves every other column byte-for-byte the same. What is drawn from a stream is the
//! generators' business, not this file's.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

/// Version tag mixed into every key. Changing how streams are derived changes every generated
/// value, so the tag changes with it and old reports can say which derivation they used.
const DOMAIN_TAG: &[u8] = b"planproof/seed/v1";

/// The stream a column's values are drawn from.
pub(crate) fn column_rng(scenario_seed: u64, table: &str, column: &str) -> ChaCha8Rng {
    stream_rng(scenario_seed, table, column, "values")
}

/// A named side stream of a column (for example the one that decides which rows are NULL), so
/// that changing one decision does not shift the values of the other.
pub(crate) fn stream_rng(scenario_seed: u64, table: &str, column: &str, stream: &str) -> ChaCha8Rng {
    let mut hasher = Sha256::new();
    hasher.update(DOMAIN_TAG);
    hasher.update(scenario_seed.to_le_bytes());
    // Length prefixes keep the encoding injective: (`ab`, `c`) and (`a`, `bc`) differ.
    for part in [table, column, stream] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let key: [u8; 32] = hasher.finalize().into();
    ChaCha8Rng::from_seed(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn first_words(mut rng: ChaCha8Rng) -> [u64; 4] {
        [rng.next_u64(), rng.next_u64(), rng.next_u64(), rng.next_u64()]
    }

    #[test]
    fn same_inputs_give_the_same_stream() {
        assert_eq!(
            first_words(column_rng(42, "agents", "pak_hash")),
            first_words(column_rng(42, "agents", "pak_hash"))
        );
    }

    #[test]
    fn any_changed_input_gives_another_stream() {
        let base = first_words(column_rng(42, "agents", "pak_hash"));
        let cases = [
            ("other seed", column_rng(43, "agents", "pak_hash")),
            ("other table", column_rng(42, "generators", "pak_hash")),
            ("other column", column_rng(42, "agents", "deleted_at")),
            ("name boundary moved", column_rng(42, "agentsp", "ak_hash")),
            ("side stream", stream_rng(42, "agents", "pak_hash", "nulls")),
        ];
        for (name, rng) in cases {
            assert_ne!(first_words(rng), base, "{name}");
        }
    }

    #[test]
    fn stream_is_pinned_across_releases() {
        // Reports record the seed; the same seed must keep producing the same rows.
        let mut rng = column_rng(42, "agents", "pak_hash");
        let pinned = rng.next_u64();
        let mut again = column_rng(42, "agents", "pak_hash");
        assert_eq!(again.next_u64(), pinned);
        assert_eq!(pinned, PINNED_FIRST_WORD, "stream derivation changed");
    }

    /// First word of `column_rng(42, "agents", "pak_hash")`; update only with a new DOMAIN_TAG.
    const PINNED_FIRST_WORD: u64 = 1_521_410_833_520_054_937;
}
