//! `uuid`: random version-4 UUIDs, 122 random bits each. A repeat is astronomically unlikely,
//! so a unique column draws again on a repeat rather than counting the domain. NULLs, pools and
//! uniqueness are the modifiers' business.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::{Fallback, Generate, Uniqueness};

pub(super) struct Uuid;

impl Generate for Uuid {
    fn generate(&mut self, rng: &mut ChaCha8Rng, _row: u64, _column: &str) -> Result<Value, SeedError> {
        let mut bytes = [0u8; 16];
        rng.fill_bytes(&mut bytes);
        Ok(Value::Uuid(::uuid::Builder::from_random_bytes(bytes).into_uuid()))
    }

    fn uniqueness(&self) -> Uniqueness {
        // A set makes a repeat impossible instead of only unlikely.
        Uniqueness::Rejection(Fallback::Fail)
    }
}

#[cfg(test)]
mod tests {
    use super::super::generate::draws;
    use super::*;

    #[test]
    fn values_are_version_4() {
        let uuids = draws(&mut Uuid, 100);
        assert!(uuids.iter().all(|u| matches!(u, Value::Uuid(u) if u.get_version_num() == 4)));
    }
}
