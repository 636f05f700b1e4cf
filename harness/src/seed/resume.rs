//! More rows of a seeded table's kind, for writes after seeding (the load stage's workload):
//! the table's generators are rebuilt exactly as seeding built them, run through the seeded
//! rows, then extended, so row numbers continue after the seeded ones. Unique columns stay
//! unique, sequences go on counting, and references draw from the parent rows as seeded.
//! Sending the rows is the caller's business.

use postgres::Client;

use super::error::SeedError;
use super::generator::ColumnGenerator;
use super::table::parent_values;
use super::value::Value;
use crate::scenario::{GenKind, Scenario, TableSpec};

/// Rows of one table beyond its seeded ones.
pub struct RowStream {
    table: TableSpec,
    generators: Vec<ColumnGenerator>,
    next: u64,
    end: u64,
}

impl std::fmt::Debug for RowStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RowStream").field("table", &self.table.name).field("next", &self.next).finish_non_exhaustive()
    }
}

impl RowStream {
    /// The generators of `table`, positioned after its `rows` seeded rows, with room for
    /// `extra` more. Reference columns read their parent's values now: call this while the
    /// parent tables hold what seeding put there.
    pub fn after_seed(
        client: &mut Client,
        scenario: &Scenario,
        table: &TableSpec,
        extra: u64,
    ) -> Result<RowStream, SeedError> {
        let mut generators = Vec::new();
        for entry in &table.columns {
            let parent = match &entry.spec.gen {
                GenKind::Ref { table: parent, column } => {
                    Some(parent_values(client, &scenario.path, table, entry, parent, column)?)
                }
                _ => None,
            };
            let mut generator = ColumnGenerator::new(&entry.spec, &table.name, scenario.seed, table.rows, parent)?;
            for row in 0..table.rows {
                generator.next_value(row)?;
            }
            generator.extend(extra, &entry.spec, &table.name, scenario.seed);
            generators.push(generator);
        }
        Ok(RowStream { table: table.clone(), generators, next: table.rows, end: table.rows + extra })
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table.name
    }

    /// The generated columns, in the order of each row's values.
    pub fn columns(&self) -> Vec<&str> {
        self.table.columns.iter().map(|c| c.spec.name.as_str()).collect()
    }

    /// The next row's values, one per column of [`RowStream::columns`].
    pub fn next_row(&mut self) -> Result<Vec<Value>, SeedError> {
        if self.next >= self.end {
            return Err(SeedError::RowOutOfRange {
                column: format!("{}.*", self.table.name),
                row: self.next,
                rows: self.end,
            });
        }
        let row = self.next;
        self.next += 1;
        self.generators.iter_mut().map(|g| g.next_value(row)).collect()
    }
}
