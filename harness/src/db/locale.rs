//! The locale a scratch database is created with (`[database] locale`, `lc-collate`,
//! `lc-ctype`, `locale-provider`, `icu-locale`): production databases are rarely C, and some
//! plans depend on it — a B-tree on `text` serves `LIKE 'x%'` under C only, and needs
//! `text_pattern_ops` under any other collation. What the server then reports is read back
//! for the results.

use postgres::Client;

pub use crate::scenario::DatabaseLocale;
use serde::{Deserialize, Serialize};

/// The clauses of `CREATE DATABASE` that ask for it (from `template0`, which any locale
/// may be copied from); empty when it asks for nothing.
pub(crate) fn create_clauses(locale: &DatabaseLocale) -> String {
    if locale.is_default() {
        return String::new();
    }
    let mut sql = String::from(" TEMPLATE template0 ENCODING 'UTF8'");
    for (key, value) in [
        ("LOCALE", &locale.locale),
        ("LC_COLLATE", &locale.lc_collate),
        ("LC_CTYPE", &locale.lc_ctype),
        ("LOCALE_PROVIDER", &locale.provider),
        ("ICU_LOCALE", &locale.icu_locale),
    ] {
        if let Some(v) = value {
            sql.push_str(&format!(" {key} {}", super::backend::quote_literal(v)));
        }
    }
    sql
}

/// The locale a database has, as `pg_database` says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LocaleFacts {
    /// `libc` or `icu` (`libc` before PostgreSQL 15, which has no other).
    pub provider: String,
    pub collate: String,
    pub ctype: String,
    /// The ICU locale, with the `icu` provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icu_locale: Option<String>,
}

impl LocaleFacts {
    /// Whether the database sorts text other than byte by byte.
    pub fn is_c(&self) -> bool {
        self.provider == "libc" && matches!(self.collate.as_str(), "C" | "POSIX" | "C.UTF-8" | "C.utf8")
    }

    /// "ICU en-US" or "libc en_US.UTF-8 (ctype …)", for reports.
    pub fn describe(&self) -> String {
        match (&self.icu_locale, self.provider.as_str()) {
            (Some(icu), "icu") => format!("ICU `{icu}`"),
            _ if self.collate == self.ctype => format!("libc `{}`", self.collate),
            _ => format!("libc collate `{}`, ctype `{}`", self.collate, self.ctype),
        }
    }
}

/// The current database's locale. The catalog's columns moved between versions
/// (`datlocprovider` and `daticulocale` came in 15, `datlocale` replaced the latter in 17), so
/// the row is read as JSON.
pub(crate) fn locale_facts(client: &mut Client) -> Result<LocaleFacts, postgres::Error> {
    let row = client.query_one(
        "SELECT to_jsonb(d) ->> 'datcollate', to_jsonb(d) ->> 'datctype',
                CASE to_jsonb(d) ->> 'datlocprovider' WHEN 'i' THEN 'icu' WHEN 'b' THEN 'builtin' ELSE 'libc' END,
                coalesce(to_jsonb(d) ->> 'datlocale', to_jsonb(d) ->> 'daticulocale')
           FROM pg_database d WHERE d.datname = current_database()",
        &[],
    )?;
    let provider: String = row.get(2);
    Ok(LocaleFacts {
        collate: row.get::<_, Option<String>>(0).unwrap_or_default(),
        ctype: row.get::<_, Option<String>>(1).unwrap_or_default(),
        icu_locale: row.get::<_, Option<String>>(3).filter(|_| provider != "libc"),
        provider,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_clauses_quote_every_value_and_say_nothing_by_default() {
        assert_eq!(create_clauses(&DatabaseLocale::default()), "");
        let icu = DatabaseLocale {
            provider: Some("icu".into()),
            icu_locale: Some("en-US".into()),
            ..DatabaseLocale::default()
        };
        assert_eq!(
            create_clauses(&icu),
            " TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER 'icu' ICU_LOCALE 'en-US'"
        );
        let odd = DatabaseLocale { locale: Some("x'; DROP".into()), ..DatabaseLocale::default() };
        assert_eq!(create_clauses(&odd), " TEMPLATE template0 ENCODING 'UTF8' LOCALE 'x''; DROP'");
    }

    #[test]
    fn a_c_database_is_told_from_one_that_sorts_by_language() {
        let c = LocaleFacts { provider: "libc".into(), collate: "C".into(), ctype: "C".into(), icu_locale: None };
        assert!(c.is_c());
        let icu = LocaleFacts { provider: "icu".into(), icu_locale: Some("en-US".into()), ..c.clone() };
        assert!(!icu.is_c());
        assert_eq!(icu.describe(), "ICU `en-US`");
        let us = LocaleFacts { collate: "en_US.UTF-8".into(), ..c };
        assert_eq!(us.describe(), "libc collate `en_US.UTF-8`, ctype `C`");
    }
}
