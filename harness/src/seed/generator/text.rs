//! The fake texts, all English, from the `fake` crate: `first-name`, `last-name`, `name`,
//! `email`, `word`, `sentence` and `company`. Their lists are short (a few thousand first
//! names, a few hundred words), so a unique column draws again on a repeat and, once draws keep
//! repeating, adds the draw number in a form the kind itself never produces. NULLs, pools and
//! the unique draws are the modifiers' business.

use fake::faker::company::en::CompanyName;
use fake::faker::internet::en::FreeEmail;
use fake::faker::lorem::en::Word;
use fake::faker::name::en::{FirstName, LastName};
use fake::Fake;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use super::super::error::SeedError;
use super::super::value::Value;
use super::generate::{Fallback, Generate, Uniqueness};

/// The kinds of fake text.
#[derive(Clone, Copy, Debug)]
pub(super) enum TextKind {
    FirstName,
    LastName,
    FullName,
    Email,
    Word,
    Sentence,
    CompanyName,
}

pub(super) struct FakeText(pub(super) TextKind);

impl Generate for FakeText {
    fn generate(&mut self, rng: &mut ChaCha8Rng, _row: u64, _column: &str) -> Result<Value, SeedError> {
        Ok(Value::Text(fake_text(self.0, rng)))
    }

    fn uniqueness(&self) -> Uniqueness {
        Uniqueness::Rejection(Fallback::Suffix(suffix(self.0)))
    }
}

fn fake_text(kind: TextKind, rng: &mut ChaCha8Rng) -> String {
    match kind {
        TextKind::FirstName => FirstName().fake_with_rng::<&str, _>(rng).to_string(),
        TextKind::LastName => LastName().fake_with_rng::<&str, _>(rng).to_string(),
        TextKind::FullName => {
            let first: &str = FirstName().fake_with_rng(rng);
            let last: &str = LastName().fake_with_rng(rng);
            let mut name = String::with_capacity(first.len() + 1 + last.len());
            name.push_str(first);
            name.push(' ');
            name.push_str(last);
            name
        }
        TextKind::Email => FreeEmail().fake_with_rng(rng),
        TextKind::Word => Word().fake_with_rng::<&str, _>(rng).to_string(),
        TextKind::Sentence => {
            // Four to nine words, capitalised, with a full stop; built in one allocation.
            let words = rng.random_range(4..10);
            let mut sentence = String::with_capacity(words * 10);
            for i in 0..words {
                let word: &str = Word().fake_with_rng(rng);
                if i == 0 {
                    let mut chars = word.chars();
                    if let Some(first) = chars.next() {
                        sentence.extend(first.to_uppercase());
                        sentence.push_str(chars.as_str());
                    }
                } else {
                    sentence.push(' ');
                    sentence.push_str(word);
                }
            }
            sentence.push('.');
            sentence
        }
        TextKind::CompanyName => CompanyName().fake_with_rng(rng),
    }
}

/// How a repeated value of `kind` is made unique with a serial. Fake words, names and
/// companies never end in a digit and fake e-mail users never contain `+`, so a suffixed value
/// differs from every unsuffixed one, and from every other suffixed one because serials differ.
fn suffix(kind: TextKind) -> fn(&mut String, u64) {
    match kind {
        TextKind::Email => |text, serial| {
            let at = text.find('@').unwrap_or(text.len());
            text.insert_str(at, &format!("+{serial}"));
        },
        TextKind::Word => |text, serial| text.push_str(&serial.to_string()),
        TextKind::Sentence => |text, serial| {
            if text.ends_with('.') {
                text.pop();
            }
            text.push_str(&format!(" {serial}."));
        },
        TextKind::FirstName | TextKind::LastName | TextKind::FullName | TextKind::CompanyName => {
            |text, serial| text.push_str(&format!(" {serial}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{generate, spec, text, with};
    use super::super::generate::draws;
    use super::*;
    use crate::scenario::column::GenKind;

    fn texts(kind: TextKind, n: u64) -> Vec<String> {
        draws(&mut FakeText(kind), n).iter().map(|v| text(v).to_string()).collect()
    }

    #[test]
    fn texts_have_their_shape() {
        assert!(texts(TextKind::Email, 100).iter().all(|e| e.contains('@')));
        assert!(texts(TextKind::Word, 100).iter().all(|w| w.chars().all(char::is_lowercase)));
        assert!(texts(TextKind::Sentence, 100).iter().all(|s| s.ends_with('.') && s.split(' ').count() >= 4));
        assert!(texts(TextKind::FullName, 100).iter().all(|n| n.split(' ').count() >= 2));
    }

    #[test]
    fn suffixes_are_pinned_for_every_text_kind() {
        // Fake e-mails, sentences and companies repeat only after millions of rows, so the
        // pinned snapshots cannot reach their suffixes: these are the forms they take.
        let cases = [
            (TextKind::FirstName, "Leatha", "Leatha 17"),
            (TextKind::LastName, "Yost", "Yost 17"),
            (TextKind::FullName, "Amir Halvorson", "Amir Halvorson 17"),
            (TextKind::Email, "lacy_et@hotmail.com", "lacy_et+17@hotmail.com"),
            (TextKind::Word, "quas", "quas17"),
            (TextKind::Sentence, "Autem et at dolor.", "Autem et at dolor 17."),
            (TextKind::CompanyName, "Orn and Ferry and Sons", "Orn and Ferry and Sons 17"),
        ];
        for (kind, drawn, suffixed) in cases {
            let mut text = drawn.to_string();
            suffix(kind)(&mut text, 17);
            assert_eq!(text, suffixed, "{kind:?}");
        }
    }

    #[test]
    fn unique_suffixes_keep_the_kind_readable() {
        let emails = generate(&with(spec("email", GenKind::Email), |s| s.unique = true), 2, 20_000);
        for email in &emails {
            let email = text(email);
            assert_eq!(email.matches('@').count(), 1, "{email}");
        }
        let words = generate(&with(spec("tag", GenKind::Word), |s| s.unique = true), 2, 2_000);
        assert!(words.iter().all(|w| !text(w).contains(' ')));
    }
}
