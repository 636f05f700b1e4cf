//! Text planproof prints that it did not write itself: an error with its causes on one line.
//! Crate-level because every stage's errors end up printed, in the terminal and in reports.

/// An error and its causes on one line, `: `-separated; a cause whose text the message already
/// holds is not repeated.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("seed")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("column `t.c`: value out of range")]
    struct Inner;

    #[test]
    fn causes_follow_the_message_once() {
        assert_eq!(error_chain(&Outer(Inner)), "seed: column `t.c`: value out of range");
    }
}
