use planproof::scenario::{parse, SourceFile};
fn p(text: &str) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/README.md");
    match parse(&SourceFile::new(path, text.to_string())) {
        Ok(s) => format!("OK {:?}", s.tables.iter().map(|t| (&t.name, t.columns.iter().map(|c| format!("{:?}", c.spec)).collect::<Vec<_>>())).collect::<Vec<_>>()),
        Err(e) => format!("ERR {e}"),
    }
}
const HEAD: &str = "name = \"x\"\n[database]\nmigrations = \"../fixtures/brokkr/migrations\"\nunder-test = \"15\"\n";
#[test]
fn scratch() {
    for extra in [
        "[tables.a]\nrows = 10\ncolumns.b = { gen = \"bool\", true-ratio = 1, null-fraction = 0 }",
        "[[queries]]\nname = \"q\"\nsql = \"select 1\"\nbefore = { max-rows-removed = 0, max-buffers = 10 }",
        "[[queries]]\nname = \"q\"\nsql = \"select 1\"\nbefore = { plan = \"index\n  x\" }",
        "[[queries]]\nname = \"q\"\nsql = \"select 1\"\nbefore = { plan = \"index x\",\n  no = \"sort\" }",
        "[tables.a]\nrows = 10\n[tables.a.columns.b]\ngen = \"int\"\nmin = 5\nmax = 1",
        "[tables.a]\nrows = 10\ncolumns.b = { gen = \"sequence\", start = 5 }",
        "[tables.a]\nrows = 10\ncolumns.b = { one-of = [1, \"a\", true, 1.5], distinct = 3, skew = 1.0 }",
        "[tables.a]\nrows = 10\ncolumns.b = { references = \"c.d\", unique = true, skew = 1.0 }",
        "[tables.a]\nrows = 10\ncolumns.b = { gen = \"float\", min = 1, max = 2.5 }",
        "[tables.a]\nrows = 10\ncolumns.b = { gen = \"uuid\", skew = 1.0 }",
        "[tables.a]\nrows = 10\ncolumns.b = { gen = \"uuid\", distinct = 20000000 }",
        "[tables.a]\nrows = 10\ncolumns.b = { gen = \"timestamp\", start = \"2025-01-01T10:00:00+02:00\" }",
        "[tables.a]\nrows = 10\ncolumns.b = { gen = \"token\", prefix = \"x\" , min = 1}",
        "[explain]\nsettings = { enable_seqscan = false, random_page_cost = 1.1, work_mem = \"16MB\", x = 4.0 }",
        "[migration]\nmax-duration = \"1s 500ms\"",
        "[migration]\nmax-duration = \"1.5s\"",
        "[migration]\nmax-duration = \"100\"",
        "[migration]\nexpect-error = \"  \"",
        "[database]\nfoo = 1",
        "bogus = 1",
        "[[queries]]\nname = \"q\"\nsql = \"select $2\"\nparams = [{value = 1}, {value = 2}]",
        "[[queries]]\nname = \"q\"\nsql = \"select '$1' -- $1\"\nparams = []",
        "[[queries]]\nname = \"q\"\nsql = \"select $1\"\nparams = [{value = 1, where = \"x\"}]",
        "[[queries]]\nname = \"q\"\nsql = \"select $1\"\nparams = [{sample = \"a.b.c\"}]",
        "[[queries]]\nname = \"q\"\nsql = \"select 1\"\nafter = { plan = \"index i on t\" }",
        "[[queries]]\nname = \"q\"\nsql = \"select 1\"\nafter = { plan = \"seq-scan using i\" }",
    ] {
        println!("--- {extra:?}\n{}", p(&format!("{HEAD}{extra}\n")));
    }
    for db in ["postgres = 9", "postgres = \"16.2\"", "transaction = \"always\"", "schema = \"../fixtures/nope.sql\""] {
        let t = format!("name = \"x\"\n[database]\nmigrations = \"../fixtures/brokkr/migrations\"\nunder-test = \"15\"\n{db}\n");
        println!("--- {db}\n{}", p(&t));
    }
    println!("{}", p("name = \"x\"\n[database]\nmigrations = \"../fixtures/brokkr/migrations\"\nunder-test = \"15\"\n[explain]\nruns = 0\n"));
    let s = parse(&SourceFile::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/README.md"), format!("{HEAD}[explain]\nsettings = {{ jit = true, random_page_cost = 4.0 }}\n"))).unwrap();
    println!("{:?} {} {}", s.explain.settings, s.explain.warmup, s.explain.runs);
}
