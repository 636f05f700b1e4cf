//! The test suite turns every file of `scenarios/` and `fixtures/invalid-scenarios/` into a
//! test case when it is compiled (rstest's `#[files]`): rebuild when those folders change, so
//! a new scenario is a new test without a `cargo clean`.

fn main() {
    for dir in ["../scenarios", "../fixtures/invalid-scenarios"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
