//! Pins the session settings plans depend on, and reads back what the server then uses, so
//! that the report records the settings every plan was made under.

use postgres::Client;

use super::error::ExplainError;

/// Applies `settings` to the session (`set_config`, so values are bound, never spliced into
/// SQL) and returns them as the server reports them.
pub(crate) fn pin_settings(
    client: &mut Client,
    settings: &[(String, String)],
) -> Result<Vec<(String, String)>, ExplainError> {
    let mut applied = Vec::new();
    for (name, value) in settings {
        let row = client
            .query_one("SELECT set_config($1, $2, false)", &[name, value])
            .map_err(|source| ExplainError::Setting { name: name.clone(), value: value.clone(), source })?;
        applied.push((name.clone(), row.get::<_, String>(0)));
    }
    Ok(applied)
}
