//! Checks a scenario's tables and columns against the schema its SQL files create, without a
//! database, so that `planproof validate` catches a misspelt table or column with its
//! position. The SQL is read with sqlparser; when a file holds anything it cannot follow
//! (syntax it does not parse, renames, `DO` blocks), the check stands aside and the run-time
//! check against the real catalog has the last word.

use std::collections::{BTreeMap, BTreeSet};

use sqlparser::ast::{AlterTableOperation, Ident, ObjectName, ObjectNamePart, ObjectType, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use super::error::{Location, ScenarioError};
use super::model::Scenario;
use super::section::column::GenKind;
use super::section::expectations::Phase;
use super::section::query::ParamSpec;

/// Table name → column names, as the SQL files leave them.
pub type Catalog = BTreeMap<String, BTreeSet<String>>;

/// The tables and columns `files` (SQL texts, in the order they run) create, or `None` when
/// something in them cannot be followed with confidence.
pub fn catalog_of(files: &[String]) -> Option<Catalog> {
    let mut catalog = Catalog::new();
    for sql in files {
        for statement in Parser::parse_sql(&PostgreSqlDialect {}, sql).ok()? {
            match statement {
                Statement::CreateTable(t) => {
                    let columns = t.columns.iter().map(|c| fold(&c.name)).collect();
                    catalog.insert(table_name(&t.name)?, columns);
                }
                Statement::AlterTable(a) => {
                    let table = table_name(&a.name)?;
                    for op in &a.operations {
                        match op {
                            AlterTableOperation::AddColumn { column_def, .. } => {
                                catalog.entry(table.clone()).or_default().insert(fold(&column_def.name));
                            }
                            AlterTableOperation::DropColumn { column_names, .. } => {
                                if let Some(cols) = catalog.get_mut(&table) {
                                    for c in column_names {
                                        cols.remove(&fold(c));
                                    }
                                }
                            }
                            AlterTableOperation::RenameColumn { .. } | AlterTableOperation::RenameTable { .. } => {
                                return None;
                            }
                            _ => {}
                        }
                    }
                }
                Statement::Drop { object_type: ObjectType::Table, names, .. } => {
                    for n in &names {
                        catalog.remove(&table_name(n)?);
                    }
                }
                // Views, functions, `DO` blocks, `CREATE TABLE AS`, partitions… may create
                // tables in ways not followed here.
                Statement::CreateView { .. } | Statement::CreateFunction { .. } | Statement::Execute { .. } => {
                    return None;
                }
                _ => {}
            }
        }
    }
    Some(catalog)
}

/// PostgreSQL folds unquoted names to lower case.
fn fold(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

/// The table's own name, without its schema.
fn table_name(name: &ObjectName) -> Option<String> {
    match name.0.last()? {
        ObjectNamePart::Identifier(ident) => Some(fold(ident)),
        ObjectNamePart::Function(_) => None,
    }
}

/// Every table, column, sampled parameter (of a query that runs before the migration) and
/// reference of `scenario` must exist in `catalog`.
pub fn check_against(scenario: &Scenario, catalog: &Catalog) -> Result<(), ScenarioError> {
    let fail = |at: Location, message: String| ScenarioError::Invalid { path: scenario.path.clone(), at, message };
    let tables = || catalog.keys().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
    let column = |at: Location, what: &str, table: &str, column: &str| -> Result<(), ScenarioError> {
        match catalog.get(table) {
            None => {
                Err(fail(at, format!("{what}: table `{table}` is not in the schema (expected one of {})", tables())))
            }
            Some(cols) if !cols.contains(column) => Err(fail(
                at,
                format!(
                    "{what}: table `{table}` has no column `{column}` (expected one of {})",
                    cols.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                ),
            )),
            Some(_) => Ok(()),
        }
    };
    for t in &scenario.tables {
        if !catalog.contains_key(&t.name) {
            return Err(fail(
                t.at,
                format!(
                    "table `{}` is not in the schema files or the migrations before `{}` (expected one of {})",
                    t.name,
                    scenario.database.under_test,
                    tables()
                ),
            ));
        }
        for c in &t.columns {
            column(c.at, &format!("`tables.{}`", t.name), &t.name, &c.spec.name)?;
            if let GenKind::Ref { table, column: col } = &c.spec.gen {
                column(c.at, &format!("column `{}.{}` references `{table}.{col}`", t.name, c.spec.name), table, col)?;
            }
        }
    }
    // A query that does not run before the migration may sample what the migration adds.
    for q in scenario.queries.iter().filter(|q| q.runs_in(Phase::Before)) {
        for p in &q.params {
            if let ParamSpec::Sample { table, column: col, at, .. } = p {
                column(*at, &format!("query `{}`: `sample`", q.name), table, col)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(sql: &[&str]) -> Option<Catalog> {
        catalog_of(&sql.iter().map(std::string::ToString::to_string).collect::<Vec<_>>())
    }

    #[test]
    fn tables_and_columns_follow_creates_alters_and_drops() {
        let c = catalog(&[
            "CREATE TABLE public.Agents (id uuid PRIMARY KEY, \"PakHash\" text);",
            "ALTER TABLE agents ADD COLUMN deleted_at timestamptz; ALTER TABLE agents DROP COLUMN id; CREATE TABLE gone (x int); DROP TABLE gone;",
        ])
        .unwrap();
        assert_eq!(c.len(), 1);
        assert_eq!(c["agents"], ["PakHash", "deleted_at"].iter().map(std::string::ToString::to_string).collect());
    }

    #[test]
    fn what_cannot_be_followed_disables_the_check() {
        assert!(catalog(&["ALTER TABLE a RENAME COLUMN x TO y;"]).is_none());
        assert!(catalog(&["CREATE TABLE a (x int); \\d a"]).is_none(), "psql meta-commands do not parse");
    }
}
