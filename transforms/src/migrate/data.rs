//! The data half of the migration: which tables the Auth.js adapter uses (read from the project:
//! the Prisma schema's models and `@@map`/`@map`, the Drizzle schema, or the adapter's defaults),
//! and the SQL that creates Better Auth 1.7's core tables and copies users and accounts into them.
//!
//! The target DDL follows better-auth 1.7's own migration generator
//! (`better-auth/dist/db/get-migration.mjs`: string ids as `text` / `varchar(36)`, dates as
//! `timestamptz` / `timestamp(3)` / ISO text on SQLite, booleans as `boolean` / `integer`, one
//! index per `index: true` field named `<table>_<column>_idx`), so that Better Auth's
//! `getMigrations` finds nothing left to create afterwards (the migrate browser tier checks this).
//! Auth.js tables whose names collide with Better Auth's (Drizzle's `user`/`account`/`session`,
//! `User` on case-insensitive SQLite) are renamed `authjs_<name>` first and kept as a backup.
use super::model::Adapter;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Mysql,
    Sqlite,
}

impl Dialect {
    pub fn parse(s: &str) -> Option<Dialect> {
        match s {
            "postgres" | "postgresql" | "pg" => Some(Dialect::Postgres),
            "mysql" => Some(Dialect::Mysql),
            "sqlite" => Some(Dialect::Sqlite),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }
    fn q(self, ident: &str) -> String {
        match self {
            Dialect::Mysql => format!("`{ident}`"),
            _ => format!("\"{ident}\""),
        }
    }
}

/// What the project says about its database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Database {
    pub dialect: Option<Dialect>,
    /// The `schema` object the Drizzle adapter gets (`{ user: users, session: sessions, … }`).
    pub drizzle_schema: Option<String>,
}

impl Database {
    pub fn prisma_provider(&self) -> &'static str {
        match self.dialect {
            Some(Dialect::Mysql) => "mysql",
            Some(Dialect::Sqlite) => "sqlite",
            _ => "postgresql",
        }
    }
    pub fn drizzle_provider(&self) -> &'static str {
        match self.dialect {
            Some(Dialect::Mysql) => "mysql",
            Some(Dialect::Sqlite) => "sqlite",
            _ => "pg",
        }
    }
    pub fn kysely_type(&self) -> &'static str {
        self.dialect.unwrap_or(Dialect::Postgres).name()
    }
}

/// One Auth.js table: its name and its columns, logical (the adapter's field name) → physical.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub cols: Vec<(String, String)>,
}

impl Table {
    fn new(name: &str, cols: &[&str]) -> Table {
        Table { name: name.into(), cols: cols.iter().map(|c| (c.to_string(), c.to_string())).collect() }
    }
    pub fn col(&self, logical: &str) -> Option<&str> {
        self.cols.iter().find(|(l, _)| l == logical).map(|(_, p)| p.as_str())
    }
}

pub const USER_COLS: &[&str] = &["id", "name", "email", "emailVerified", "image"];
pub const ACCOUNT_COLS: &[&str] = &[
    "id",
    "userId",
    "type",
    "provider",
    "providerAccountId",
    "refresh_token",
    "access_token",
    "expires_at",
    "token_type",
    "scope",
    "id_token",
    "session_state",
];

/// The Auth.js tables of a project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Where the names came from (for the SQL header and the report).
    pub origin: String,
    pub user: Table,
    pub account: Table,
    /// The other Auth.js tables (sessions, verification tokens): not copied, kept.
    pub others: Vec<String>,
    /// The physical user column holding password hashes, when `authorize` reads one.
    pub password_column: Option<String>,
    /// The user table's own columns (`role`, `plan`…) that the schema keeps on the new user:
    /// added to it with the same type and copied (the password column excepted).
    pub extra_user_cols: Vec<String>,
}

impl Source {
    /// `@auth/pg-adapter`'s schema (its README): `users`, `accounts`, `sessions`, `verification_token`.
    pub fn pg_adapter() -> Source {
        Source {
            origin: "the @auth/pg-adapter schema (users, accounts)".into(),
            user: Table::new("users", USER_COLS),
            account: Table::new("accounts", ACCOUNT_COLS),
            others: vec!["sessions".into(), "verification_token".into()],
            password_column: None,
            extra_user_cols: Vec::new(),
        }
    }
    /// `@auth/kysely-adapter`'s tables: `User`, `Account`, `Session`, `VerificationToken`.
    pub fn kysely_adapter() -> Source {
        Source {
            origin: "the @auth/kysely-adapter schema (User, Account)".into(),
            user: Table::new("User", USER_COLS),
            account: Table::new("Account", ACCOUNT_COLS),
            others: vec!["Session".into(), "VerificationToken".into()],
            password_column: None,
            extra_user_cols: Vec::new(),
        }
    }
    /// `@auth/drizzle-adapter`'s default tables: `user`, `account`, `session`, `verificationToken`.
    pub fn drizzle_defaults() -> Source {
        Source {
            origin: "the @auth/drizzle-adapter default tables (user, account)".into(),
            user: Table::new("user", USER_COLS),
            // Its accounts have no `id`: the key is (provider, providerAccountId).
            account: Table::new("account", &ACCOUNT_COLS[1..]),
            others: vec!["session".into(), "verificationToken".into()],
            password_column: None,
            extra_user_cols: Vec::new(),
        }
    }
}

/// The adapter's tables: from the Prisma schema, the Drizzle schema, or the adapter's defaults.
pub fn source_for(adapter: &Adapter, prisma: Option<&super::prisma::Schema>, drizzle: Option<Source>) -> Option<Source> {
    match adapter {
        Adapter::Pg { .. } => Some(Source::pg_adapter()),
        Adapter::Kysely { .. } => Some(Source::kysely_adapter()),
        Adapter::Prisma { .. } => prisma.and_then(|s| s.authjs_source()),
        Adapter::Drizzle { .. } => drizzle.or_else(|| Some(Source::drizzle_defaults())),
        Adapter::Other { .. } => None,
    }
}

const TARGETS: &[&str] = &["user", "session", "account", "verification"];

/// The SQL for `--emit-sql`: create Better Auth's tables, copy users and accounts (and a
/// `credential` account holding each password hash), inside one transaction.
pub fn emit_sql(src: &Source, dialect: Dialect) -> String {
    let q = |s: &str| dialect.q(s);
    let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let mut out = String::new();
    out.push_str(&format!(
        "-- authfix migrate better-auth: Auth.js tables -> Better Auth 1.7 core schema ({}).\n-- Source tables: {}.\n-- Review it, back up the database, then apply it once (it runs in one transaction).\n-- Sessions are not copied: every user signs in once after the switch.\n\n",
        dialect.name(),
        src.origin
    ));
    let all: Vec<String> = [src.user.name.clone(), src.account.name.clone()].into_iter().chain(src.others.iter().cloned()).collect();
    let collides = |t: &str| TARGETS.iter().any(|x| if dialect == Dialect::Postgres { *x == t } else { x.eq_ignore_ascii_case(t) });
    let user_collides = collides(&src.user.name);
    if dialect == Dialect::Sqlite && user_collides {
        // Renamed the legacy way, the app's own tables' `REFERENCES "user"` keep their text and
        // so point at Better Auth's user table (same ids) instead of following the rename.
        out.push_str("-- The app's tables that reference \"user\" keep referencing it (now Better Auth's, same ids).\nPRAGMA foreign_keys = OFF;\nPRAGMA legacy_alter_table = ON;\n");
    }
    out.push_str(match dialect {
        Dialect::Postgres => "BEGIN;\n\n",
        Dialect::Mysql => "START TRANSACTION;\n\n",
        Dialect::Sqlite => "BEGIN TRANSACTION;\n\n",
    });
    // Rename Auth.js tables that would collide with Better Auth's (case-insensitively: SQLite and
    // MySQL on some systems do not tell `User` from `user`).
    let mut user_t = src.user.name.clone();
    let mut account_t = src.account.name.clone();
    for t in &all {
        if collides(t) {
            let new = format!("authjs_{t}");
            out.push_str(&format!("-- The Auth.js table {t} has the name of a Better Auth table: keep it as {new}.\n"));
            out.push_str(&format!("ALTER TABLE {} RENAME TO {};\n", q(t), q(&new)));
            if *t == user_t {
                user_t = new.clone();
            }
            if *t == account_t {
                account_t = new.clone();
            }
        }
    }
    out.push_str(&create_tables(dialect));
    let extras: Vec<&String> = src.extra_user_cols.iter().filter(|c| Some(*c) != src.password_column.as_ref()).collect();
    if !extras.is_empty() {
        out.push_str(&add_columns(dialect, &user_t, &extras));
    }
    let u = &src.user;
    let a = &src.account;
    let c = |t: &Table, l: &str| t.col(l).map(|p| format!("src.{}", q(p)));
    let text = |e: String| match dialect {
        Dialect::Postgres => format!("CAST({e} AS text)"),
        Dialect::Mysql => format!("CAST({e} AS CHAR)"),
        Dialect::Sqlite => format!("CAST({e} AS TEXT)"),
    };
    let now = match dialect {
        Dialect::Postgres => "CURRENT_TIMESTAMP",
        Dialect::Mysql => "CURRENT_TIMESTAMP(3)",
        Dialect::Sqlite => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    };
    let null = || "NULL".to_string();
    // Users: emailVerified date -> boolean, name required (empty when missing), timestamps filled.
    out.push_str("\n-- Users keep their ids (as text). Better Auth requires an email: users without one are not copied.\n");
    let extra_cols: String = extras.iter().map(|c| format!(", {}", q(c))).collect();
    let extra_vals: String = extras.iter().map(|c| format!(", src.{}", q(c))).collect();
    out.push_str(&format!(
        "INSERT INTO {} ({}, {}, {}, {}, {}, {}, {}{extra_cols})\nSELECT {}, COALESCE({}, ''), {}, {}, {}, {now}, {now}{extra_vals}\nFROM {} src\nWHERE {} IS NOT NULL;\n",
        q("user"),
        q("id"),
        q("name"),
        q("email"),
        q("emailVerified"),
        q("image"),
        q("createdAt"),
        q("updatedAt"),
        text(c(u, "id").unwrap_or_else(null)),
        c(u, "name").unwrap_or_else(|| "NULL".into()),
        c(u, "email").unwrap_or_else(null),
        c(u, "emailVerified")
            .map(|e| format!("({e} IS NOT NULL)"))
            .map(|e| if dialect == Dialect::Postgres { e } else { format!("CASE WHEN {e} THEN 1 ELSE 0 END") })
            .unwrap_or_else(|| "FALSE".into()),
        c(u, "image").unwrap_or_else(null),
        q(&user_t),
        c(u, "email").unwrap_or_else(null),
    ));
    // OAuth accounts: provider -> providerId, providerAccountId -> accountId, tokens camelCase,
    // expires_at (seconds) -> accessTokenExpiresAt.
    let expires = c(a, "expires_at").map(|e| match dialect {
        Dialect::Postgres => format!("CASE WHEN {e} IS NULL THEN NULL ELSE to_timestamp({e}) END"),
        Dialect::Mysql => format!("CASE WHEN {e} IS NULL THEN NULL ELSE FROM_UNIXTIME({e}) END"),
        Dialect::Sqlite => format!("CASE WHEN {e} IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', {e}, 'unixepoch') END"),
    });
    out.push_str("\n-- OAuth accounts, linked to the same users.\n");
    out.push_str(&format!(
        "INSERT INTO {} ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})\nSELECT {}, {}, {}, {}, {}, {}, {}, {}, {}, {now}, {now}\nFROM {} src\nWHERE {} IN (SELECT {} FROM {})",
        q("account"),
        q("id"),
        q("accountId"),
        q("providerId"),
        q("userId"),
        q("accessToken"),
        q("refreshToken"),
        q("idToken"),
        q("accessTokenExpiresAt"),
        q("scope"),
        q("createdAt"),
        q("updatedAt"),
        match c(a, "id") {
            Some(id) => text(id),
            // No id column (Drizzle's default accounts): provider and account id make one.
            None => {
                let (p, acc) = (c(a, "provider").unwrap_or_else(null), text(c(a, "providerAccountId").unwrap_or_else(null)));
                if dialect == Dialect::Mysql {
                    format!("CONCAT({p}, '-', {acc})")
                } else {
                    format!("{p} || '-' || {acc}")
                }
            }
        },
        text(c(a, "providerAccountId").unwrap_or_else(null)),
        c(a, "provider").unwrap_or_else(null),
        text(c(a, "userId").unwrap_or_else(null)),
        c(a, "access_token").unwrap_or_else(null),
        c(a, "refresh_token").unwrap_or_else(null),
        c(a, "id_token").unwrap_or_else(null),
        expires.unwrap_or_else(null),
        c(a, "scope").unwrap_or_else(null),
        q(&account_t),
        text(c(a, "userId").unwrap_or_else(null)),
        q("id"),
        q("user"),
    ));
    if let Some(t) = c(a, "type") {
        out.push_str(&format!("\n  AND {t} <> 'credentials'"));
    }
    out.push_str(";\n");
    // Credentials users: a `credential` account holding their existing hash.
    match &src.password_column {
        Some(col) => {
            let uid = text(format!("src.{}", q(u.col("id").unwrap_or("id"))));
            let pw = format!("src.{}", q(col));
            let id_expr = match dialect {
                Dialect::Mysql => format!("CONCAT('credential-', {uid})"),
                _ => format!("'credential-' || {uid}"),
            };
            out.push_str(&format!("\n-- Credentials users: a `credential` account holding the hash `authorize` checked ({}.{col}).\n", user_t));
            out.push_str(&format!(
                "INSERT INTO {} ({}, {}, {}, {}, {}, {}, {})\nSELECT {id_expr}, {uid}, 'credential', {uid}, {pw}, {now}, {now}\nFROM {} src\nWHERE {pw} IS NOT NULL AND {} IS NOT NULL;\n",
                q("account"),
                q("id"),
                q("accountId"),
                q("providerId"),
                q("userId"),
                q("password"),
                q("createdAt"),
                q("updatedAt"),
                q(&user_t),
                c(u, "email").unwrap_or_else(null),
            ));
        }
        None => out.push_str("\n-- No password column: the app has no credentials users to carry over.\n"),
    }
    let kept: Vec<String> = all.iter().map(|t| if collides(t) { format!("authjs_{t}") } else { t.clone() }).collect();
    match dialect {
        Dialect::Postgres => {
            let own: Vec<String> = kept.iter().map(|t| lit(&q(t))).collect();
            out.push_str(&format!(
                "\n-- Foreign keys of the app's own tables that pointed at the Auth.js users now point at \"user\" (the same ids).\n-- A key whose column is not text (integer ids) is left as it is, with a NOTICE: change that column's type first.\nDO $$\nDECLARE r record;\nBEGIN\n  FOR r IN\n    SELECT c.conname, c.conrelid::regclass AS tbl, pg_get_constraintdef(c.oid) AS def, format_type(a.atttypid, a.atttypmod) AS typ\n    FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]\n    WHERE c.contype = 'f' AND c.confrelid = {}::regclass AND array_length(c.conkey, 1) = 1\n      AND NOT EXISTS (SELECT 1 FROM unnest(ARRAY[{}]) n WHERE to_regclass(n) = c.conrelid)\n  LOOP\n    IF r.typ = 'text' OR r.typ LIKE 'character varying%' THEN\n      EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);\n      EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname, regexp_replace(r.def, 'REFERENCES [^(]+\\(', 'REFERENCES \"user\"('));\n    ELSE\n      RAISE NOTICE 'authfix: % (%) still references the Auth.js users: its column is %, Better Auth ids are text', r.tbl, r.conname, r.typ;\n    END IF;\n  END LOOP;\nEND $$;\n",
                lit(&q(&user_t)),
                own.join(", "),
            ));
        }
        Dialect::Sqlite if user_collides => {}
        _ => out.push_str(&format!(
            "\n-- Tables of your own that reference {} (foreign keys) still do: re-point them to {} (the same ids, as text).\n",
            q(&user_t),
            q("user")
        )),
    }
    out.push_str("\nCOMMIT;\n");
    if dialect == Dialect::Sqlite && user_collides {
        out.push_str("PRAGMA legacy_alter_table = OFF;\n");
    }
    out.push_str(&format!("\n-- The Auth.js tables ({}) are kept: drop them once the new sign-in works.\n", kept.join(", ")));
    out
}

/// Add the Auth.js user table's own columns to `user`, with the type they have in the database
/// (read from the catalog when the SQL runs, so an enum or a `varchar(20)` stays one) and, on
/// PostgreSQL and MySQL, their default. SQLite columns need no type.
fn add_columns(dialect: Dialect, from: &str, cols: &[&String]) -> String {
    let q = |s: &str| dialect.q(s);
    let list: Vec<String> = cols.iter().map(|c| c.to_string()).collect();
    let mut out = format!("\n-- The user table's own columns ({}): added to \"user\" with their type, then copied.\n", list.join(", "));
    let lit = |s: &str| format!("'{}'", s.replace('\'', "''"));
    match dialect {
        Dialect::Postgres => {
            let arr: Vec<String> = cols.iter().map(|c| lit(c)).collect();
            out.push_str(&format!(
                "DO $$\nDECLARE col text; typ text; def text;\nBEGIN\n  FOREACH col IN ARRAY ARRAY[{}] LOOP\n    SELECT format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid) INTO typ, def\n    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum\n    WHERE a.attrelid = {}::regclass AND a.attname = col AND NOT a.attisdropped;\n    EXECUTE format('ALTER TABLE {} ADD COLUMN %I %s', col, typ) || COALESCE(' DEFAULT ' || def, '');\n  END LOOP;\nEND $$;\n",
                arr.join(", "),
                lit(&q(from)),
                q("user").replace('\'', "''"),
            ));
        }
        Dialect::Mysql => {
            for c in cols {
                out.push_str(&format!(
                    "SELECT COLUMN_TYPE, COLUMN_DEFAULT, EXTRA INTO @authfix_t, @authfix_d, @authfix_x FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = {} AND COLUMN_NAME = {};\nSET @authfix_s = CONCAT('ALTER TABLE {} ADD COLUMN {} ', @authfix_t, IF(@authfix_d IS NULL, '', IF(@authfix_x LIKE '%DEFAULT_GENERATED%', CONCAT(' DEFAULT (', @authfix_d, ')'), CONCAT(' DEFAULT ', QUOTE(@authfix_d)))));\nPREPARE authfix_add FROM @authfix_s;\nEXECUTE authfix_add;\nDEALLOCATE PREPARE authfix_add;\n",
                    lit(from),
                    lit(c),
                    q("user"),
                    q(c),
                ));
            }
        }
        Dialect::Sqlite => {
            out.push_str("-- (SQLite cannot read a column's declared type or default here: they come without; the values keep theirs.)\n");
            for c in cols {
                out.push_str(&format!("ALTER TABLE {} ADD COLUMN {};\n", q("user"), q(c)));
            }
        }
    }
    out
}

/// Better Auth 1.7's core tables, as its migration generator creates them.
pub fn create_tables(dialect: Dialect) -> String {
    let q = |s: &str| dialect.q(s);
    // (column, kind, not null, unique, references user, timestamp default)
    #[derive(Clone, Copy)]
    enum K {
        Id,
        Text,
        Sortable,
        Bool,
        Date,
        Fk,
    }
    type Col = (&'static str, K, bool, bool, bool);
    let tables: [(&str, &[Col], &[&str]); 4] = [
        (
            "user",
            &[
                ("id", K::Id, true, false, false),
                ("name", K::Sortable, true, false, false),
                ("email", K::Sortable, true, true, false),
                ("emailVerified", K::Bool, true, false, false),
                ("image", K::Text, false, false, false),
                ("createdAt", K::Date, true, false, true),
                ("updatedAt", K::Date, true, false, true),
            ],
            &[],
        ),
        (
            "session",
            &[
                ("id", K::Id, true, false, false),
                ("expiresAt", K::Date, true, false, false),
                ("token", K::Sortable, true, true, false),
                ("createdAt", K::Date, true, false, true),
                ("updatedAt", K::Date, true, false, false),
                ("ipAddress", K::Text, false, false, false),
                ("userAgent", K::Text, false, false, false),
                ("userId", K::Fk, true, false, false),
            ],
            &["userId"],
        ),
        (
            "account",
            &[
                ("id", K::Id, true, false, false),
                ("accountId", K::Text, true, false, false),
                ("providerId", K::Text, true, false, false),
                ("userId", K::Fk, true, false, false),
                ("accessToken", K::Text, false, false, false),
                ("refreshToken", K::Text, false, false, false),
                ("idToken", K::Text, false, false, false),
                ("accessTokenExpiresAt", K::Date, false, false, false),
                ("refreshTokenExpiresAt", K::Date, false, false, false),
                ("scope", K::Text, false, false, false),
                ("password", K::Text, false, false, false),
                ("createdAt", K::Date, true, false, true),
                ("updatedAt", K::Date, true, false, false),
            ],
            &["userId"],
        ),
        (
            "verification",
            &[
                ("id", K::Id, true, false, false),
                ("identifier", K::Sortable, true, false, false),
                ("value", K::Text, true, false, false),
                ("expiresAt", K::Date, true, false, false),
                ("createdAt", K::Date, true, false, true),
                ("updatedAt", K::Date, true, false, true),
            ],
            &["identifier"],
        ),
    ];
    let mut out = String::new();
    let mut indexes = String::new();
    for (name, cols, idx) in tables {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&format!("CREATE TABLE {} (\n", q(name)));
        let defs: Vec<String> = cols
            .iter()
            .map(|(c, k, nn, uq, ts_default)| {
                let ty = match (k, dialect) {
                    (K::Id | K::Fk, Dialect::Mysql) => "varchar(36)",
                    (K::Sortable, Dialect::Mysql) => "varchar(255)",
                    (K::Id | K::Fk | K::Text | K::Sortable, _) => "text",
                    (K::Bool, Dialect::Sqlite) => "integer",
                    (K::Bool, _) => "boolean",
                    (K::Date, Dialect::Postgres) => "timestamptz",
                    (K::Date, Dialect::Mysql) => "timestamp(3)",
                    (K::Date, Dialect::Sqlite) => "date",
                };
                let mut d = format!("  {} {ty}", q(c));
                if *ts_default && dialect != Dialect::Sqlite {
                    d.push_str(if dialect == Dialect::Mysql { " DEFAULT CURRENT_TIMESTAMP(3)" } else { " DEFAULT CURRENT_TIMESTAMP" });
                }
                if *nn {
                    d.push_str(" NOT NULL");
                }
                if matches!(k, K::Id) {
                    d.push_str(" PRIMARY KEY");
                }
                if *uq {
                    d.push_str(" UNIQUE");
                }
                if matches!(k, K::Fk) {
                    d.push_str(&format!(" REFERENCES {} ({}) ON DELETE CASCADE", q("user"), q("id")));
                }
                d
            })
            .collect();
        out.push_str(&defs.join(",\n"));
        out.push_str("\n);\n");
        for c in idx {
            indexes.push_str(&format!("CREATE INDEX {} ON {} ({});\n", q(&format!("{name}_{c}_idx")), q(name), q(c)));
        }
    }
    out.push('\n');
    out.push_str(&indexes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_colliding_tables_and_copies_passwords() {
        let mut s = Source::drizzle_defaults();
        s.password_column = Some("password".into());
        let sql = emit_sql(&s, Dialect::Postgres);
        assert!(sql.contains("ALTER TABLE \"user\" RENAME TO \"authjs_user\";"), "{sql}");
        assert!(sql.contains("FROM \"authjs_user\" src"), "{sql}");
        assert!(sql.contains("'credential-' || CAST(src.\"id\" AS text), CAST(src.\"id\" AS text), 'credential'"), "{sql}");
        // No collision, nothing renamed.
        let sql = emit_sql(&Source::pg_adapter(), Dialect::Postgres);
        assert!(!sql.contains("RENAME"), "{sql}");
        assert!(sql.contains("No password column"), "{sql}");
        assert!(sql.contains("to_timestamp(src.\"expires_at\")"), "{sql}");
    }

    #[test]
    fn case_insensitive_collisions_outside_postgres() {
        let s = Source::kysely_adapter();
        assert!(!emit_sql(&s, Dialect::Postgres).contains("RENAME"));
        assert!(emit_sql(&s, Dialect::Sqlite).contains("ALTER TABLE \"User\" RENAME TO \"authjs_User\";"));
        assert!(emit_sql(&s, Dialect::Mysql).contains("ALTER TABLE `User` RENAME TO `authjs_User`;"));
    }

    #[test]
    fn dialect_types() {
        assert!(create_tables(Dialect::Mysql).contains("`email` varchar(255) NOT NULL UNIQUE"));
        assert!(create_tables(Dialect::Sqlite).contains("\"emailVerified\" integer NOT NULL"));
        assert!(create_tables(Dialect::Postgres).contains("\"createdAt\" timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL"));
        assert!(create_tables(Dialect::Postgres).contains("CREATE INDEX \"session_userId_idx\" ON \"session\" (\"userId\");"));
    }
}
