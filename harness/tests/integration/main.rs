//! The integration tests, in one binary (ripgrep's layout: one test crate links once): the
//! library and the `planproof` binary against real PostgreSQL servers, Docker, migration tools
//! and the repository's own files. The tests that are files (each scenario, each invalid
//! scenario) are the `files` target. Tests that need PostgreSQL fail, never skip, when `CI` is
//! set; `common.rs` gets them a server.

mod common;

mod architecture;
mod backends;
mod blocking;
mod budgets;
mod cli;
mod cli_output;
mod colour;
mod diagnosis;
mod docker;
mod fuzz;
mod gate;
mod html_browser;
mod index_catalog;
mod init;
mod interrupt;
mod invalid_scenarios;
mod leftovers;
mod load_rows;
mod locale;
mod noisy;
mod phases;
mod regressions;
mod reversible;
mod scenario_reference;
mod seeding;
mod sql_seed;
mod tools;
mod untrusted;
