//! The sections of a scenario file, one file each (nextest's `config/elements`): the raw serde
//! struct that mirrors the section key for key, the validated model where it is the section's
//! own, the validation from one to the other, and table tests of that validation. What spans
//! sections (the file as a whole, checks between sections) is `validate`'s; values written in
//! several shapes are `value`'s.

pub(crate) mod column;
pub(crate) mod database;
pub(crate) mod expectations;
pub(crate) mod explain;
pub(crate) mod generator;
pub(crate) mod index;
pub(crate) mod load;
pub(crate) mod matrix;
pub(crate) mod migration;
pub(crate) mod query;
pub(crate) mod table;
pub(crate) mod tool;
