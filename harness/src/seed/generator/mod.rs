//! Column generators: turn one validated [`ColumnSpec`](crate::scenario::column::ColumnSpec)
//! into a deterministic stream of values, one per row, that carries the statistics the planner
//! reads from `pg_stats`: the share of NULLs, the number of distinct values, how skewed they
//! are, and uniqueness. Writing the values (COPY, threads) and ordering tables so parents come
//! first are the seed pipeline's job; this module only decides what each row holds.
//!
//! Each column draws from its own random stream (see `seed/rng.rs`), and which rows are NULL is
//! decided on a second stream, so the non-null values of a column do not move when its null
//! fraction changes. The same seed gives the same values, byte for byte (`pinned` holds them).
//!
//! - `column`: [`ColumnGenerator`], which composes the rest; the one match on `GenKind`.
//! - `generate`: the [`Generate`](generate::Generate) trait each kind implements, and how a
//!   kind says what uniqueness and pools mean for it.
//! - One file per kind: `uuid`, `sha256_hex`, `token`, `text` (the fake texts), `int`,
//!   `float`, `sequence`, `timestamp`, `boolean`, `one_of`.
//! - The modifiers: `nulls` (the null schedule), `pool` (`distinct` pools, uniform or Zipf
//!   `skew`), `reference` (`references`), `unique` (shuffle, rejection, suffix fallback).
//!
//! Adding a generator kind touches: its file here, implementing `Generate` with its tests
//! beside it; one arm in `column::source`; on the scenario side one `GenKind` variant and its
//! registry row, both in `scenario/section/generator.rs`; and one row in the generator table
//! of `scenarios/README.md`.

mod boolean;
mod column;
#[cfg(test)]
mod fixture;
mod float;
mod generate;
mod int;
mod nulls;
mod one_of;
#[cfg(test)]
mod pinned;
mod pool;
mod reference;
mod sequence;
mod sha256_hex;
mod text;
mod timestamp;
mod token;
mod unique;
mod uuid;

pub use column::ColumnGenerator;
