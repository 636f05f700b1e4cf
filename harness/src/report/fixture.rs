//! Test-only results for the reports' snapshot tests: a run of five scenarios built by hand,
//! with every part a report can show — plans before and after (captured EXPLAIN JSON from
//! `fixtures/explain/`), budgets and claims, findings of each severity, a reversible
//! migration, a tool that failed as expected beside a violation, a SQL file that failed as
//! expected and nothing else (the outcome `failed-as-expected`), the workload figures, a run
//! that could not finish — and fixed figures, so the snapshots change only when a report does.

use crate::changes::{Affected, ChangedFile, Selection, Status};
use crate::check::{self, BudgetResult, Check, Finding, Severity, Verdict};
use crate::load::{
    ControlSeries, Figures, LoadResult, LockWait, OpKind, Stopped, WindowResult, WorkerResult, WriteSeries,
};
use crate::migrate::{Format, StatementFailure, StatementTime, ToolFailure};
use crate::plan::{fixture, Explain};
use crate::result::*;
use crate::scenario::{Phase, PlanMode, TransactionMode};
use crate::seed::TableSeeded;
use crate::stats::Series;

fn series(samples: &[f64]) -> Series {
    Series::new(samples.to_vec())
}

fn capture(phase: Phase, mode: PlanMode, explain: Explain, execution: &[f64]) -> CaptureResult {
    CaptureResult {
        phase,
        mode,
        plan_tree: explain.render_tree(),
        summary: check::scan_summary(&explain),
        planning: series(&[0.05, 0.06, 0.05]),
        execution: series(execution),
        buffers: explain.buffers(),
        rows_removed: explain.rows_removed(),
        rows_examined: explain.rows_examined(),
        heap_fetches: explain.heap_fetches(),
        unstable: Vec::new(),
        budgets: Vec::new(),
        findings: Vec::new(),
        explain,
    }
}

fn budget(check: Check, budget: &str, measured: &str, verdict: Verdict, gating: bool) -> BudgetResult {
    BudgetResult { check, budget: budget.into(), measured: measured.into(), verdict, gating }
}

/// A scenario that passed: a Seq Scan before, the partial index after, budgets met, a claim
/// the measurement contradicts, a reversible migration and expectations for one major.
fn passed() -> ScenarioResult {
    let mut before = capture(Phase::Before, PlanMode::Custom, fixture::pg15("seq_scan"), &[1.4, 1.5, 1.6, 1.5]);
    before.findings.push(Finding::warning(
        Check::SmallTable,
        "table `agents` has only 900 rows in 8 pages",
        Some("seed at least 1000 rows over 10 pages".into()),
    ));
    let mut after =
        capture(Phase::After, PlanMode::Custom, fixture::pg15("partial_index_scan"), &[0.012, 0.013, 0.013, 0.014]);
    after.budgets = vec![
        budget(Check::Latency, "server p95 <= 2.00ms", "0.014ms ±10%", Verdict::Pass, true),
        budget(
            Check::Speedup,
            "server speedup >= 10x",
            "115.4x (1.50ms before, 0.013ms after, ±21%)",
            Verdict::Pass,
            true,
        ),
        budget(
            Check::ClaimedSpeedup,
            "client speedup >= 500x",
            "12.0x (1.20ms before, 0.100ms after, ±21%)",
            Verdict::Fail,
            false,
        ),
    ];
    after.findings = check::budget_findings(&after.budgets);
    let generic =
        capture(Phase::After, PlanMode::Generic, fixture::pg15("custom_plan_partial_index"), &[0.02, 0.02, 0.03]);
    let rollback = capture(Phase::Rollback, PlanMode::Custom, fixture::pg15("seq_scan"), &[1.5, 1.5, 1.6]);
    ScenarioResult {
        file: "scenarios/brokkr-pak-hash.toml".into(),
        description: "Agent PAK authentication lookups".into(),
        seed: 42,
        backend: "local PostgreSQL 15.18 from /usr/lib/postgresql/15/bin".into(),
        server_version: "15.18".into(),
        settings: [("jit", "off"), ("max_parallel_workers_per_gather", "0")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        outcome: Outcome::Passed,
        seeded: vec![TableSeeded {
            table: "agents".into(),
            rows: 10_000,
            checksum: "0cc175b9c0f1b6a831c399e269772661".into(),
            source: Default::default(),
            database_checksum: None,
            duration_ms: 74.0,
        }],
        round_trip_floor: vec![ClientTiming { phase: Phase::Before, series: series(&[0.09, 0.1, 0.09]) }],
        migration: Some(MigrationResult {
            id: "15_pak_hash_indexes".into(),
            file: "fixtures/brokkr/migrations/15_pak_hash_indexes/up.sql".into(),
            format: Format::Diesel,
            transaction: TransactionMode::PerFile,
            duration_ms: Some(18.0),
            timing: MigrationTiming {
                server_ms: Some(16.5),
                startup_ms: None,
                statements: vec![
                    StatementTime::new("BEGIN", 0.1),
                    StatementTime::new(
                        "CREATE INDEX idx_agents_pak_hash ON agents (pak_hash) WHERE deleted_at IS NULL",
                        16.3,
                    ),
                    StatementTime::new("COMMIT", 0.1),
                ],
                calibration: Some(series(&[3.1, 3.2, 3.4])),
                wal_bytes: Some(401_408),
                budgets: vec![
                    BudgetResult {
                        check: Check::MigrationDuration,
                        budget: "server-side time <= 1000ms".into(),
                        measured: "16.50ms (wall 18.00ms, machine slowness ×1.1)".into(),
                        verdict: Verdict::Pass,
                        gating: true,
                    },
                    BudgetResult {
                        check: Check::Wal,
                        budget: "WAL written <= 4 MB".into(),
                        measured: "392 kB (fewer of 392 kB and 392 kB run again)".into(),
                        verdict: Verdict::Pass,
                        gating: true,
                    },
                ],
            },
            max_duration_ms: Some(1000.0),
            expect_error: None,
            failure: None,
            indexes_after: vec![(
                "idx_agents_pak_hash".into(),
                "CREATE INDEX idx_agents_pak_hash ON public.agents USING btree (pak_hash) WHERE (deleted_at IS NULL)"
                    .into(),
            )],
            down: Some(DownResult {
                file: "fixtures/brokkr/migrations/15_pak_hash_indexes/down.sql".into(),
                duration_ms: Some(4.0),
                server_ms: Some(3.5),
                max_duration_ms: None,
                failure: None,
                reapply_ms: Some(17.0),
                reapply_server_ms: Some(15.9),
                reapply_wal_bytes: Some(401_408),
                reapply_failure: None,
            }),
            tool: None,
        }),
        queries: vec![QueryResult {
            name: "agent-by-pak-hash".into(),
            sql: "SELECT * FROM agents WHERE pak_hash = $1 AND deleted_at IS NULL".into(),
            params: vec![Some("fe7ecc4de28b2c83c016b5c6c2acd826".into())],
            captures: vec![before, after, generic, rollback],
            client: vec![
                ClientTiming { phase: Phase::Before, series: series(&[1.2, 1.3, 1.2]) },
                ClientTiming { phase: Phase::After, series: series(&[0.1, 0.11, 0.1]) },
            ],
            when: vec![WhenApplied { postgres: "<= 17".into(), why: "no skip scan before 18".into() }],
        }],
        duration_ms: 2345.0,
        ..ScenarioResult::placeholder("brokkr-pak-hash")
    }
}

/// A scenario whose shipped migration fails as expected, run by its tool, with a violation
/// on the plan before it.
fn failed() -> ScenarioResult {
    let mut before = capture(Phase::Before, PlanMode::Custom, fixture::pg15("seq_scan"), &[2.0, 2.1, 2.2]);
    before.findings.push(
        Finding::violation(
            Check::IndexUsed,
            "expected an index scan using `idx_api_keys_key_hash`, found: Seq Scan on agents",
            Some("the planner preferred a Seq Scan".into()),
        )
        .or_at("scenarios/factory-api-keys.toml", 31),
    );
    let failure = ToolFailure {
        command: "alembic upgrade 002".into(),
        dir: "fixtures/factory".into(),
        status: "exit status 1".into(),
        message: "sqlalchemy.exc.InternalError: (psycopg.errors.ActiveSqlTransaction) CREATE INDEX CONCURRENTLY cannot run inside a transaction block".into(),
        statement: Some("CREATE INDEX CONCURRENTLY idx_api_keys_key_hash ON api_keys (key_hash)".into()),
        output_tail: "Traceback (most recent call last):\n  ...\nsqlalchemy.exc.InternalError: CREATE INDEX CONCURRENTLY cannot run inside a transaction block".into(),
    };
    ScenarioResult {
        file: "scenarios/factory-api-keys.toml".into(),
        seed: 7,
        backend: "docker PostgreSQL 16.4 from postgres:16".into(),
        server_version: "16.4".into(),
        outcome: Outcome::Failed,
        migration: Some(MigrationResult {
            id: "002".into(),
            file: "fixtures/factory/alembic/versions/002_indexes.py".into(),
            format: Format::Alembic,
            transaction: TransactionMode::Tool,
            duration_ms: None,
            timing: MigrationTiming::default(),
            max_duration_ms: None,
            expect_error: Some("cannot run inside a transaction block".into()),
            failure: None,
            indexes_after: Vec::new(),
            down: None,
            tool: Some(ToolReport {
                command: "alembic upgrade 002".into(),
                down_command: Some("alembic downgrade 001".into()),
                sql: Some("CREATE INDEX CONCURRENTLY idx_api_keys_key_hash ON api_keys (key_hash);".into()),
                failure: Some(failure),
            }),
        }),
        queries: vec![QueryResult {
            name: "key-by-hash".into(),
            sql: "SELECT * FROM api_keys WHERE key_hash = $1".into(),
            params: vec![Some("abc".into())],
            captures: vec![before],
            client: vec![ClientTiming { phase: Phase::Before, series: series(&[2.5, 2.6, 2.4]) }],
            when: Vec::new(),
        }],
        findings: vec![
            Finding::warning(
                Check::MigrationError,
                "migration fails as expected: `alembic upgrade 002` exit status 1",
                Some("Alembic runs each migration in a transaction".into()),
            ),
            Finding::warning(Check::ServerVersion, "the scenario is written for PostgreSQL 15, but ran on 16.4", None)
                .or_at("scenarios/factory-api-keys.toml", 1),
        ],
        duration_ms: 5100.0,
        ..ScenarioResult::placeholder("factory-api-keys")
    }
}

/// A scenario with a workload around a plain `CREATE INDEX`: writers stall, one budget fails.
fn blocked() -> ScenarioResult {
    let figures =
        |operations, stall_ms, longest_ms, p99_ms| Figures { operations, errors: 0, stall_ms, longest_ms, p99_ms };
    let window = WindowResult {
        baseline_ms: 1000.0,
        migration_ms: 2400.0,
        workers: vec![WorkerResult {
            name: "writer 1".into(),
            kind: "writer".into(),
            during: figures(120, 2380.0, 2375.0, 3.1),
            baseline: figures(50, 21.0, 4.0, 1.2),
            covered: true,
            stopped: Stopped::Told,
            first_error: None,
        }],
        locks: vec![LockWait {
            waiter: "writer 1".into(),
            relation: "accounts".into(),
            wanted: "RowExclusiveLock".into(),
            blocker: "migration".into(),
            held: "ShareLock".into(),
            seen: 48,
            first_ms: 1010.0,
            last_ms: 3390.0,
        }],
        monitor_error: None,
        rows_written: 170,
        rows_left: 0,
    };
    let budgets = vec![budget(
        Check::WriteStall,
        "write stall during the migration <= 250ms",
        "2380ms (writer 1; longest stall before the migration 21ms; migration 2400ms)",
        Verdict::Fail,
        true,
    )];
    let load = LoadReport {
        measured: LoadResult {
            writers: 1,
            readers: 0,
            rate: 50,
            tables: vec!["accounts".into()],
            window: Some(window),
            write_series: vec![WriteSeries {
                table: "accounts".into(),
                kind: OpKind::Insert,
                before: series(&[1.0, 1.1, 0.9]),
                after: Some(series(&[1.2, 1.3, 1.1])),
                control: Some(ControlSeries {
                    table: "planproof_control_1".into(),
                    before: series(&[1.0, 1.0, 0.9]),
                    after: Some(series(&[1.1, 1.1, 1.0])),
                }),
            }],
            notes: vec!["write series are measured seconds apart".into()],
        },
        budgets: budgets.clone(),
    };
    ScenarioResult {
        file: "fixtures/blocking/plain.toml".into(),
        seed: 1,
        backend: "local PostgreSQL 15.18".into(),
        server_version: "15.18".into(),
        outcome: Outcome::Failed,
        migration: Some(MigrationResult {
            file: "fixtures/blocking/migrations-plain/1_plain_index/up.sql".into(),
            format: Format::Diesel,
            transaction: TransactionMode::PerFile,
            duration_ms: Some(2400.0),
            timing: MigrationTiming {
                server_ms: Some(2398.0),
                startup_ms: None,
                statements: vec![
                    StatementTime::new("BEGIN", 0.1),
                    StatementTime::new("CREATE INDEX idx_accounts_owner ON accounts (owner_id)", 2397.8),
                    StatementTime::new("COMMIT", 0.1),
                ],
                calibration: Some(series(&[3.0, 3.3, 4.1])),
                wal_bytes: None,
                budgets: Vec::new(),
            },
            ..migration("1_plain_index")
        }),
        findings: check::budget_findings(&budgets)
            .into_iter()
            .chain([Finding::warning(
                Check::BlockingIndexBuild,
                "line 1: `CREATE INDEX idx_accounts_owner` on `accounts` (1000000 rows) blocks every write to the table until the build ends",
                Some("use `CREATE INDEX CONCURRENTLY`, outside a transaction block".into()),
            )])
            .collect(),
        load: Some(load),
        duration_ms: 9000.0,
        ..ScenarioResult::placeholder("blocking-plain")
    }
}

/// A migration under test with nothing run yet: a base for the ones below and the reports'
/// unit tests.
pub(crate) fn migration(id: &str) -> MigrationResult {
    MigrationResult {
        id: id.into(),
        file: String::new(),
        format: Format::Plain,
        transaction: TransactionMode::None,
        duration_ms: None,
        timing: MigrationTiming::default(),
        max_duration_ms: None,
        expect_error: None,
        failure: None,
        indexes_after: Vec::new(),
        down: None,
        tool: None,
    }
}

/// A SQL file kept as it ships, which PostgreSQL refuses as the scenario expects; the plan
/// before is as expected, and nothing else is judged: failed as expected.
fn failed_as_expected() -> ScenarioResult {
    let file = "fixtures/messaging/migrations/2026-01-23_p0_perf_indexes.sql";
    let failure = StatementFailure {
        file: file.into(),
        line: 4,
        statement: "CREATE INDEX CONCURRENTLY idx_security_events_created_at ON security_events (created_at DESC)"
            .into(),
        message: "CREATE INDEX CONCURRENTLY cannot run inside a transaction block".into(),
        code: Some("25001".into()),
        detail: None,
        hint: None,
        note: None,
    };
    let finding = check::expected_error(
        Some("CREATE INDEX CONCURRENTLY cannot run inside a transaction block"),
        Some(&failure),
        Format::Sqlx,
        TransactionMode::None,
    );
    ScenarioResult {
        file: "scenarios/messaging-ops.toml".into(),
        description: "Messaging hot paths: the P0 performance index migration as it ships".into(),
        seed: 3,
        backend: "local PostgreSQL 15.18".into(),
        server_version: "15.18".into(),
        migration: Some(MigrationResult {
            file: file.into(),
            expect_error: Some("CREATE INDEX CONCURRENTLY cannot run inside a transaction block".into()),
            failure: Some(failure),
            // Named like an sqlx file, run by hand with psql: `transaction = "none"`.
            format: Format::Sqlx,
            ..migration("2026-01-23_p0_perf_indexes")
        }),
        queries: vec![QueryResult {
            name: "recent-security-events".into(),
            sql: "SELECT * FROM security_events WHERE created_at > $1 ORDER BY created_at DESC LIMIT 100".into(),
            params: vec![Some("2026-01-22T00:00:00Z".into())],
            captures: vec![capture(Phase::Before, PlanMode::Custom, fixture::pg15("seq_scan"), &[3.0, 3.1, 3.2])],
            client: vec![ClientTiming { phase: Phase::Before, series: series(&[3.4, 3.5, 3.3]) }],
            when: Vec::new(),
        }],
        findings: finding.into_iter().map(|f| f.or_at("scenarios/messaging-ops.toml", 14)).collect(),
        duration_ms: 1900.0,
        ..ScenarioResult::placeholder("messaging-ops")
    }
}

/// A scenario that could not run, its database kept.
fn errored() -> ScenarioResult {
    ScenarioResult {
        file: "scenarios/tenant-auth.toml".into(),
        backend: "local PostgreSQL 15.18".into(),
        server_version: "15.18".into(),
        error: Some("earlier migration `001`: `001_init.sql` line 3: relation \"users\" does not exist (SQLSTATE 42P01)".into()),
        kept: Some("kept database `planproof_tenant_auth_1_0`: psql -h /tmp/planproof-x -p 5432 -U postgres planproof_tenant_auth_1_0".into()),
        findings: vec![Finding {
            severity: Severity::Inconclusive,
            check: Check::Latency,
            message: "expected client p50 <= 1.00ms, measured 0.98ms ±10%: too close to call".into(),
            hint: None,
            at: None,
        }],
        duration_ms: 800.0,
        ..ScenarioResult::placeholder("tenant-auth")
    }
}

/// The five results, in the order a run would report them.
pub(crate) fn results() -> Vec<ScenarioResult> {
    let mut all = vec![passed(), failed(), blocked(), errored(), failed_as_expected()];
    for r in &mut all {
        r.settle();
    }
    all
}

/// The majors the five results ran on.
pub(crate) fn majors() -> Vec<String> {
    ["15", "16", "15", "15", "15"].into_iter().map(String::from).collect()
}

/// What a change since `origin/main` selected: two scenarios, and a migration none tests.
pub(crate) fn selection() -> Selection {
    let changed = |path: &str, status| ChangedFile { path: path.into(), status };
    Selection {
        reference: "origin/main".into(),
        merge_base: "0123456789abcdef0123456789abcdef01234567".into(),
        changed: vec![
            changed("fixtures/brokkr/migrations/2024-05-01-000000_pak_hash/up.sql", Status::Modified),
            changed("fixtures/factory/alembic/versions/002_indexes.py", Status::Modified),
            changed("db/migrations/0031_orphan.sql", Status::Added),
            changed("docs/index.md", Status::Modified),
        ],
        affected: vec![
            Affected {
                file: "scenarios/brokkr-pak-hash.toml".into(),
                because: vec!["fixtures/brokkr/migrations/2024-05-01-000000_pak_hash/up.sql".into()],
            },
            Affected {
                file: "scenarios/factory-api-keys.toml".into(),
                because: vec!["fixtures/factory/alembic/versions/002_indexes.py".into()],
            },
        ],
        unaffected: vec!["scenarios/tenant-auth.toml".into()],
        findings: vec![check::no_scenario("db/migrations/0031_orphan.sql", true)],
    }
}
