//! The header of an invalid-scenario fixture (`fixtures/invalid-scenarios/`): the `# expect:`
//! and `# at:` lines that say the error the file must produce. Shared by the `files` target,
//! which checks each file against it, and the integration tests, which check the folder.

use std::path::Path;

/// What a fixture's header says its error must be.
pub(super) struct Expected {
    pub message: String,
    pub line: usize,
    pub col: usize,
}

/// Reads the `# expect:` and `# at:` lines from the comment block that opens the file.
pub(super) fn expected(path: &Path) -> Result<Expected, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    let value = |key: &str| -> Result<String, String> {
        let prefix = format!("# {key}:");
        let found: Vec<&str> = header.iter().filter_map(|l| l.strip_prefix(&prefix)).collect();
        match found.as_slice() {
            [one] if !one.trim().is_empty() => Ok(one.trim().to_string()),
            [_] => Err(format!("`{prefix}` is empty")),
            [] => Err(format!("no `{prefix}` line in the comments that open the file")),
            _ => Err(format!("`{prefix}` is given {} times", found.len())),
        }
    };
    let message = value("expect")?;
    let at = value("at")?;
    let position = at
        .split_once(':')
        .and_then(|(l, c)| Some((l.parse::<usize>().ok()?, c.parse::<usize>().ok()?)))
        .filter(|(l, c)| *l >= 1 && *c >= 1);
    let Some((line, col)) = position else {
        return Err(format!("`# at: {at}` is not a position like `12:5`"));
    };
    Ok(Expected { message, line, col })
}
