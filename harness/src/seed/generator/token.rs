//! `token`: a random URL-safe token of `length` characters after a fixed `prefix` (API keys,
//! session tokens). Its values can be numbered (64^length of them), so a unique column shuffles
//! them while that count fits 64 bits, and draws again on a repeat beyond that. NULLs, pools
//! and uniqueness are the modifiers' business.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::{Domain, Fallback, Generate, Uniqueness};

/// URL-safe base64 alphabet (RFC 4648 §5), 64 symbols so one symbol is six random bits.
pub(super) const TOKEN_ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#[derive(Clone)]
pub(super) struct Token {
    prefix: String,
    length: usize,
}

impl Token {
    pub(super) fn new(length: usize, prefix: &str) -> Self {
        Token { prefix: prefix.to_string(), length }
    }

    /// 64^length, saturating.
    fn count(&self) -> u128 {
        u32::try_from(self.length).ok().and_then(|len| 64u128.checked_pow(len)).unwrap_or(u128::MAX)
    }
}

impl Generate for Token {
    fn generate(&mut self, rng: &mut ChaCha8Rng, _row: u64, _column: &str) -> Result<Value, SeedError> {
        let mut token = String::with_capacity(self.prefix.len() + self.length);
        token.push_str(&self.prefix);
        let mut bits = 0u64;
        for i in 0..self.length {
            // Ten six-bit symbols per 64-bit word.
            if i % 10 == 0 {
                bits = rng.next_u64();
            }
            token.push(char::from(TOKEN_ALPHABET[(bits & 63) as usize]));
            bits >>= 6;
        }
        Ok(Value::Text(token))
    }

    fn uniqueness(&self) -> Uniqueness {
        if self.count() <= u128::from(u64::MAX) {
            Uniqueness::Countable(Box::new(self.clone()))
        } else {
            Uniqueness::Rejection(Fallback::Fail)
        }
    }
}

impl Domain for Token {
    fn size(&self) -> u128 {
        self.count()
    }

    fn describe(&self) -> String {
        format!("a token of `{}` characters", self.length)
    }

    /// The token whose symbols are the base-64 digits of `index`, most significant first.
    fn value(&self, index: u64, _column: &str) -> Result<Value, SeedError> {
        let mut token = String::with_capacity(self.prefix.len() + self.length);
        token.push_str(&self.prefix);
        for place in (0..self.length).rev() {
            let symbol = (index >> (6 * place as u32)) & 63;
            token.push(char::from(TOKEN_ALPHABET[symbol as usize]));
        }
        Ok(Value::Text(token))
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{build_error, spec, with};
    use super::super::generate::draws;
    use super::*;
    use crate::scenario::column::GenKind;

    #[test]
    fn values_are_the_prefix_and_url_safe_symbols() {
        let tokens = draws(&mut Token::new(32, "sk_live_"), 1000);
        assert!(tokens.iter().all(|t| match t {
            Value::Text(t) => {
                t.len() == 40 && t.starts_with("sk_live_") && t[8..].bytes().all(|b| TOKEN_ALPHABET.contains(&b))
            }
            _ => false,
        }));
    }

    #[test]
    fn unique_tokens_need_enough_characters() {
        let s = with(spec("code", GenKind::Token { length: 1, prefix: "x".into() }), |s| s.unique = true);
        assert_eq!(
            build_error(&s, 100, None),
            "`t.code`: `unique` needs 100 different values but a token of `1` characters has only 64"
        );
    }
}
