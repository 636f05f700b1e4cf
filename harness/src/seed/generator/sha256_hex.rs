//! `sha256-hex`: 64 lowercase hex characters, the SHA-256 of a per-row secret (API key and PAK
//! hashes). Each secret includes its draw number, so the hashes are unique by construction,
//! without remembering any of them. NULLs, pools and uniqueness are the modifiers' business.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::{Generate, Uniqueness};

pub(super) struct Sha256Hex {
    drawn: u64,
}

impl Sha256Hex {
    pub(super) fn new() -> Self {
        Sha256Hex { drawn: 0 }
    }
}

impl Generate for Sha256Hex {
    fn generate(&mut self, rng: &mut ChaCha8Rng, _row: u64, _column: &str) -> Result<Value, SeedError> {
        // The secret is 32 random bytes and the draw number: distinct inputs, so the hashes
        // are distinct.
        let mut secret = [0u8; 40];
        rng.fill_bytes(&mut secret[..32]);
        secret[32..].copy_from_slice(&self.drawn.to_le_bytes());
        self.drawn += 1;
        let digest = Sha256::digest(secret);
        let mut hex = String::with_capacity(64);
        for byte in &digest {
            hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
            hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
        }
        Ok(Value::Text(hex))
    }

    fn uniqueness(&self) -> Uniqueness {
        Uniqueness::ByConstruction
    }
}

#[cfg(test)]
mod tests {
    use super::super::generate::draws;
    use super::*;

    #[test]
    fn values_are_64_lowercase_hex_digits() {
        let hashes = draws(&mut Sha256Hex::new(), 1000);
        assert!(hashes.iter().all(|h| match h {
            Value::Text(h) => h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            _ => false,
        }));
    }
}
