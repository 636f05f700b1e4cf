//! Writes the report files into the report folder, each through a temporary file renamed into
//! place, so a reader never sees half a report.

use std::path::{Path, PathBuf};

use strum::IntoEnumIterator;

use super::Format;
use crate::result::RunReport;

#[derive(Debug, thiserror::Error)]
#[error("cannot write `{}`", path.display())]
pub struct ReportError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Writes every [`Format`] into `dir` (created if missing); returns their paths.
pub fn write_reports(dir: &Path, run: &RunReport) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(dir).map_err(|source| ReportError { path: dir.to_path_buf(), source })?;
    let mut written = Vec::new();
    // One printable copy of the results serves every format (it is a copy of every plan).
    let printable = super::printable::Printable::new(run);
    let printable = printable.report();
    for format in Format::iter() {
        let (name, text) = (format.file_name(), format.render_from(run, &printable));
        let path = dir.join(name);
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|source| ReportError { path: path.clone(), source })?;
        written.push(path);
    }
    Ok(written)
}
