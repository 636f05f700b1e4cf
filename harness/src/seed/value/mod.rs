//! One generated cell and how it travels to and from PostgreSQL: the value type, the column
//! type's binary format, writing for COPY, reading a parent's keys, and NUMERIC through
//! `rust_decimal`. Deciding which value goes in which row is the generators' job.

mod cell;
mod decode;
mod encode;
mod numeric;
#[cfg(test)]
mod round_trip;
mod target;

pub use cell::Value;
pub(crate) use encode::{encode_row, COPY_HEADER, COPY_TRAILER};
