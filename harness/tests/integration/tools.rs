//! Migrations run by the project's own tool, for real: Alembic and Django from the Python
//! environment `make deps` installs (`target/planproof-venv`), and a shell command (psql), each
//! on a scratch database of a temporary local cluster. Each test migrates up to the migration
//! under test, checks the catalog (its indexes exist and are valid), runs it down (they are
//! gone) and up again (they are back).
//!
//! Needs PostgreSQL binaries and the Python tools: without them the tests fail when `CI` is
//! set, and otherwise say loudly that they did not run.

use planproof::check::Check;

use crate::common;

use std::path::{Path, PathBuf};

use planproof::db::{Backend, LocalBackend, ScratchDb};
use planproof::migrate::{MigrateError, MigrationPlan};
use planproof::pipeline::{run_scenario, Keep, RunOptions};
use planproof::scenario::{self, SourceFile};
use planproof::Outcome;

/// Indexes of `names` that exist and are valid, in `names`' order.
fn valid_indexes(db: &ScratchDb, names: &[&str]) -> Vec<String> {
    let mut client = db.connect().expect("connect");
    let mut found = Vec::new();
    for name in names {
        let row = client
            .query_opt(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1",
                &[name],
            )
            .expect("catalog query");
        if let Some(row) = row {
            assert!(row.get::<_, bool>(0), "index `{name}` exists but is INVALID");
            found.push(name.to_string());
        }
    }
    found
}

fn tables(db: &ScratchDb) -> Vec<String> {
    let mut client = db.connect().expect("connect");
    client
        .query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", &[])
        .expect("catalog query")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// The plan of a scenario file of `scenarios/`, checked to have its tool installed.
fn plan_of(file: &str) -> MigrationPlan {
    let scenario = planproof::validate(common::root().join("scenarios").join(file)).expect("the scenario validates");
    let plan = MigrationPlan::resolve(&scenario.database).expect("the migration under test is found");
    plan.check_tool().unwrap_or_else(|e| panic!("{file}: {e}"));
    plan
}

/// Up to the migration under test, down, and up again, checking `indexes` and `earlier_tables`.
fn up_down_up(cluster: &mut LocalBackend, file: &str, earlier_tables: &[&str], indexes: &[&str]) {
    let plan = plan_of(file);
    let db = cluster.create_database(file).expect("a scratch database");
    plan.run_earlier(&db, &|_| {}).map_err(|e| e.source).expect("the earlier migrations run");
    let present = tables(&db);
    for t in earlier_tables {
        assert!(
            present.iter().any(|p| p == t),
            "{file}: table `{t}` missing after the earlier migrations: {present:?}"
        );
    }
    assert!(valid_indexes(&db, indexes).is_empty(), "{file}: the indexes exist before the migration under test");

    let up = plan.apply(&db).unwrap_or_else(|e| panic!("{file}: up: {e}"));
    let run = up.tool.expect("a tool ran it");
    assert!(up.duration.as_millis() > 0 && run.duration == up.duration);
    assert_eq!(valid_indexes(&db, indexes), indexes, "{file}: after up");

    let down = plan.revert(&db).unwrap_or_else(|e| panic!("{file}: down: {e}"));
    assert!(down.tool.is_some());
    assert!(valid_indexes(&db, indexes).is_empty(), "{file}: the down step leaves indexes behind");
    let present = tables(&db);
    for t in earlier_tables {
        assert!(present.iter().any(|p| p == t), "{file}: the down step removed table `{t}`");
    }

    plan.apply(&db).unwrap_or_else(|e| panic!("{file}: up again: {e}"));
    assert_eq!(valid_indexes(&db, indexes), indexes, "{file}: after up again");
    cluster.drop_database(&db).expect("drop");
}

#[test]
fn alembic_revisions_go_up_down_and_up_again() {
    let Some(mut cluster) = common::local_cluster("alembic_revisions_go_up_down_and_up_again") else { return };
    up_down_up(
        &mut cluster,
        "tenant-auth.toml",
        &["alembic_version", "refresh_tokens", "tenants", "user_tenant_membership", "users"],
        &["ix_refresh_tokens_user_tenant", "ix_membership_user_tenant_active", "ix_membership_tenant_active"],
    );
    // CONCURRENTLY inside `autocommit_block()`: up and down outside Alembic's transaction.
    up_down_up(
        &mut cluster,
        "factory-api-keys-corrected.toml",
        &["api_keys", "batches", "products"],
        &[
            "idx_api_keys_key_hash",
            "idx_api_keys_factory_id",
            "idx_batches_product_id",
            "idx_products_sku",
            "idx_api_keys_factory_created",
        ],
    );
}

#[test]
fn django_migrations_go_up_down_and_up_again() {
    let Some(mut cluster) = common::local_cluster("django_migrations_go_up_down_and_up_again") else { return };
    up_down_up(
        &mut cluster,
        "django-permissions-alerts.toml",
        &["django_migrations", "upstream_alertrule", "upstream_customer", "upstream_userprofile"],
        &["userprofile_customer_role_idx", "alertrule_eval_priority_idx"],
    );
}

#[test]
fn the_tools_print_the_sql_they_run() {
    let Some(mut cluster) = common::local_cluster("the_tools_print_the_sql_they_run") else { return };
    for (file, expected) in [
        ("tenant-auth.toml", "CREATE INDEX ix_refresh_tokens_user_tenant ON refresh_tokens (user_id, tenant_id)"),
        (
            "factory-api-keys-corrected.toml",
            "CREATE INDEX CONCURRENTLY idx_api_keys_factory_created ON api_keys (factory_id, created_at DESC)",
        ),
        ("django-permissions-alerts.toml", "CREATE INDEX CONCURRENTLY \"alertrule_eval_priority_idx\""),
    ] {
        let plan = plan_of(file);
        let db = cluster.create_database(file).expect("a scratch database");
        plan.run_earlier(&db, &|_| {}).map_err(|e| e.source).expect("the earlier migrations run");
        let sql = plan.up_sql(&db).expect("the tool prints its SQL").expect("some SQL");
        assert!(sql.contains(expected), "{file}: `{expected}` not in:\n{sql}");
        let inspection = planproof::migrate::inspect(&sql);
        assert!(!inspection.index_builds.is_empty(), "{file}: the inspection finds the index builds");
        assert!(
            valid_indexes(
                &db,
                &["ix_refresh_tokens_user_tenant", "idx_api_keys_key_hash", "alertrule_eval_priority_idx"]
            )
            .is_empty(),
            "{file}: printing the SQL ran it"
        );
        cluster.drop_database(&db).expect("drop");
    }
}

/// A copy of `fixtures/factory` with revision 0002 building its indexes CONCURRENTLY without
/// `autocommit_block()`, inside Alembic's transaction, as a first attempt often does.
fn factory_without_autocommit_block(dir: &Path) -> PathBuf {
    let project = dir.join("factory");
    copy_tree(&common::root().join("fixtures/factory"), &project);
    let revision = project.join("alembic/versions/0002_add_database_indexes.py");
    let text = std::fs::read_to_string(&revision).expect("the revision is readable");
    let broken = text.replace("with op.get_context().autocommit_block():", "if True:");
    assert_ne!(broken, text, "the fixture no longer uses autocommit_block(); update this test");
    std::fs::write(&revision, broken).expect("write");
    project
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

#[test]
fn a_failing_tool_is_reported_with_command_status_and_postgres_message() {
    let Some(mut cluster) = common::local_cluster("a_failing_tool_is_reported") else { return };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let project = factory_without_autocommit_block(dir.path());
    let mut plan = plan_of("factory-api-keys-corrected.toml");
    let MigrationPlan::Tool(tool) = &mut plan else { panic!("a tool plan") };
    tool.project = project.clone();
    let db = cluster.create_database("failing-tool").expect("a scratch database");
    plan.run_earlier(&db, &|_| {}).map_err(|e| e.source).expect("the earlier migrations run");
    let err = plan.apply(&db).expect_err("CONCURRENTLY in Alembic's transaction fails");
    let MigrateError::Tool(failure) = err else { panic!("not a tool failure: {err}") };
    assert_eq!((failure.command.as_str(), failure.status.as_str()), ("alembic upgrade 0002", "exit status 1"));
    assert!(
        failure.message.contains("CREATE INDEX CONCURRENTLY cannot run inside a transaction block"),
        "{}",
        failure.message
    );
    assert!(
        failure.statement.as_deref().is_some_and(|s| s.starts_with("CREATE INDEX CONCURRENTLY idx_api_keys_key_hash")),
        "{failure:?}"
    );
    assert!(failure.output_tail.contains("[SQL: CREATE INDEX CONCURRENTLY"), "{}", failure.output_tail);
    assert!(valid_indexes(&db, &["idx_api_keys_key_hash"]).is_empty(), "the failed transaction left an index");
    cluster.drop_database(&db).expect("drop");

    // Through the pipeline, with `expect-error`: a warning naming Alembic's fix, and the run
    // goes on to report.
    let text = format!(
        "name = \"factory-alembic-without-autocommit\"\n[database]\ntool = \"alembic\"\nmigrations = \"{}\"\nunder-test = \"0002\"\n\
         [tables.api_keys]\nrows = 100\ncolumns.id = {{ gen = \"uuid\" }}\ncolumns.name = {{ gen = \"word\" }}\n\
         columns.key_hash = {{ gen = \"sha256-hex\", unique = true }}\ncolumns.key_prefix = {{ gen = \"token\", length = 8 }}\n\
         columns.factory_id = {{ gen = \"uuid\" }}\n\
         [[queries]]\nname = \"by-hash\"\nsql = \"SELECT * FROM api_keys WHERE key_hash = $1\"\nparams = [{{ sample = \"api_keys.key_hash\" }}]\n\
         [migration]\nexpect-error = \"cannot run inside a transaction block\"\n",
        project.display()
    );
    let scenario = scenario::parse(&SourceFile::new(dir.path().join("s.toml"), text)).expect("the scenario parses");
    let result = run_scenario(&scenario, &mut cluster, &RunOptions { keep: Keep::Never, ..RunOptions::default() });
    let report = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::FailedAsExpected, "{report}");
    assert!(report.starts_with("XFAIL factory-alembic-without-autocommit"), "{report}");
    let finding = result.findings.iter().find(|f| f.check == Check::MigrationError).expect("a migration-error finding");
    assert!(
        finding.message.contains("`alembic upgrade 0002`") && finding.message.contains("exit status 1"),
        "{}",
        finding.message
    );
    assert!(finding.hint.as_deref().is_some_and(|h| h.contains("autocommit_block")), "{finding:?}");
    let tool = result.migration.as_ref().and_then(|m| m.tool.as_ref()).expect("the tool report");
    assert!(tool.failure.is_some() && tool.sql.as_deref().is_some_and(|s| s.contains("CONCURRENTLY")), "{tool:?}");

    // Without `expect-error` the run stops (exit 2) and the report shows what the tool printed.
    let mut strict = scenario.clone();
    strict.migration.expect_error = None;
    let result = run_scenario(&strict, &mut cluster, &RunOptions { keep: Keep::Never, ..RunOptions::default() });
    let report = planproof::report::scenario_text(&result);
    assert_eq!(result.outcome, Outcome::Error, "{report}");
    assert!(report.contains("migration 0002 failed: `alembic upgrade 0002`"), "{report}");
    assert!(
        report.contains("      | [SQL: CREATE INDEX CONCURRENTLY"),
        "the tool's output is shown on failure:\n{report}"
    );
}

#[test]
fn a_python_without_the_tool_says_how_to_install_it() {
    let mut plan = plan_of("django-permissions-alerts.toml");
    let MigrationPlan::Tool(tool) = &mut plan else { panic!("a tool plan") };
    tool.python = PathBuf::from("/nonexistent/python");
    let err = plan.check_tool().expect_err("no such python").to_string();
    assert!(err.contains("`django` cannot run with `/nonexistent/python`") && err.contains("`make deps`"), "{err}");
}

#[test]
fn a_shell_command_migrates_with_the_database_in_its_environment() {
    let Some(mut cluster) = common::local_cluster("a_shell_command_migrates") else { return };
    let bin = planproof::db::find_binaries(None).expect("PostgreSQL binaries");
    let psql = bin.join("psql");
    // psql reads the libpq URL planproof builds, socket folder in its query and all.
    let run = |file: &str| format!("{} \"$DATABASE_URL\" -X -q -v ON_ERROR_STOP=1 -f {file}", psql.display());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let text = format!(
        "name = \"psql-as-a-tool\"\n[database]\nschema = [\"{root}/fixtures/brokkr/schema.sql\"]\ntool = \"command\"\n\
         migrations = \"{root}/fixtures/brokkr\"\nunder-test = \"15_pak_hash_indexes\"\n\
         up-command = '{up}'\ndown-command = '{down}'\nsql-command = \"cat migrations/{{target}}/up.sql\"\n",
        root = common::root().display(),
        up = run("migrations/{target}/up.sql"),
        down = run("migrations/15_pak_hash_indexes/down.sql"),
    );
    let scenario = scenario::parse(&SourceFile::new(dir.path().join("s.toml"), text)).expect("the scenario parses");
    let plan = MigrationPlan::resolve(&scenario.database).expect("a command plan");
    let db = cluster.create_database("psql-as-a-tool").expect("a scratch database");
    let mut client = db.connect().expect("connect");
    planproof::migrate::run_file(&mut client, &scenario.database.schema[0], planproof::scenario::TransactionMode::None)
        .expect("schema");
    let indexes = ["idx_agents_pak_hash", "idx_generators_pak_hash"];
    assert!(plan.up_sql(&db).expect("cat runs").expect("sql-command").contains("CREATE INDEX"));
    let up = plan.apply(&db).unwrap_or_else(|e| panic!("{e}"));
    assert!(up.tool.is_some_and(|t| t.command.contains("-f migrations/15_pak_hash_indexes/up.sql")));
    assert_eq!(valid_indexes(&db, &indexes), indexes);
    plan.revert(&db).unwrap_or_else(|e| panic!("{e}"));
    assert!(valid_indexes(&db, &indexes).is_empty());
    cluster.drop_database(&db).expect("drop");
}

/// The workload's lock monitor knows the migration's session by its name: a tool's session
/// must carry it too (libpq reads `PGAPPNAME`), or a blocked writer's report would say `pid N`
/// instead of `migration`.
#[test]
fn a_tool_s_session_is_named_as_the_migration() {
    let Some(mut cluster) = common::local_cluster("a_tool_s_session_is_named_as_the_migration") else { return };
    let psql = planproof::db::find_binaries(None).expect("PostgreSQL binaries").join("psql");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let up = format!(
        "{} \"$DATABASE_URL\" -X -q -v ON_ERROR_STOP=1 -c \"CREATE TABLE seen_as AS SELECT current_setting('application_name') AS name\"",
        psql.display()
    );
    let text = format!(
        "name = \"named-session\"\n[database]\ntool = \"command\"\nmigrations = \"{root}/fixtures/brokkr\"\nunder-test = \"15_pak_hash_indexes\"\nup-command = '''{up}'''\n",
        root = common::root().display(),
    );
    let scenario = scenario::parse(&SourceFile::new(dir.path().join("s.toml"), text)).expect("the scenario parses");
    let plan = MigrationPlan::resolve(&scenario.database).expect("a command plan");
    let db = cluster.create_database("named-session").expect("a scratch database");
    plan.apply(&db).unwrap_or_else(|e| panic!("{e}"));
    let mut client = db.connect().expect("connect");
    let name: String =
        client.query_one("SELECT name FROM seen_as", &[]).expect("the tool wrote its session's name").get(0);
    assert_eq!(name, planproof::migrate::MIGRATION_APP_NAME);
    drop(client);
    cluster.drop_database(&db).expect("drop");
}
