//! Drizzle schema files: the Auth.js tables (`pgTable("user", { … })`, `mysqlTable`,
//! `sqliteTable`) read from the syntax tree, with their SQL names and columns (the key is the
//! field name @auth/drizzle-adapter uses, the builder's first argument the column), and replaced
//! in place with Better Auth's tables. The variable names stay, so the app's own queries and
//! relations keep compiling; the column names match the SQL `--emit-sql` writes (camelCase, as
//! Better Auth's own migrations create them), and the keys are Better Auth's field names (its
//! Drizzle adapter addresses columns by key).
use super::data::{Dialect, Source, Table, ACCOUNT_COLS, USER_COLS};
use super::model::Adapter;
use crate::ast;
use crate::edit::Edit;
use crate::parse::Parsed;
use crate::project::Project;
use crate::style::Style;
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Core {
    Pg,
    Mysql,
    Sqlite,
}

impl Core {
    fn from_module(m: &str) -> Option<Core> {
        match m {
            "drizzle-orm/pg-core" => Some(Core::Pg),
            "drizzle-orm/mysql-core" => Some(Core::Mysql),
            "drizzle-orm/sqlite-core" => Some(Core::Sqlite),
            _ => None,
        }
    }
    fn table_fn(self) -> &'static str {
        match self {
            Core::Pg => "pgTable",
            Core::Mysql => "mysqlTable",
            Core::Sqlite => "sqliteTable",
        }
    }
    fn module(self) -> &'static str {
        match self {
            Core::Pg => "drizzle-orm/pg-core",
            Core::Mysql => "drizzle-orm/mysql-core",
            Core::Sqlite => "drizzle-orm/sqlite-core",
        }
    }
    pub fn dialect(self) -> Dialect {
        match self {
            Core::Pg => Dialect::Postgres,
            Core::Mysql => Dialect::Mysql,
            Core::Sqlite => Dialect::Sqlite,
        }
    }
    /// The column builders the Better Auth tables use.
    fn builders(self) -> &'static [&'static str] {
        match self {
            Core::Pg => &["pgTable", "text", "boolean", "timestamp", "index"],
            Core::Mysql => &["mysqlTable", "varchar", "text", "boolean", "timestamp", "index"],
            Core::Sqlite => &["sqliteTable", "text", "integer", "index"],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The property key (the adapter's field name).
    pub key: String,
    /// The SQL column (the builder's first argument, else the key).
    pub physical: String,
    /// The property's text range (`role: text("role").default("user")`).
    pub range: std::ops::Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DTable {
    pub var: String,
    pub sql_name: String,
    pub cols: Vec<Column>,
    /// The whole `export const … = pgTable(…);` statement.
    pub stmt: std::ops::Range<usize>,
    /// The third argument returns an array (`(t) => [index(…)]`, drizzle-orm >= 0.36) rather
    /// than an object (`(t) => ({ … })`); `None` without one.
    pub extra_is_array: Option<bool>,
}

impl DTable {
    fn key(&self, k: &str) -> bool {
        self.cols.iter().any(|c| c.key == k)
    }
    fn table(&self, logical: &[&str]) -> Table {
        Table {
            name: self.sql_name.clone(),
            cols: self.cols.iter().filter(|c| logical.contains(&c.key.as_str())).map(|c| (c.key.clone(), c.physical.clone())).collect(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    User,
    Account,
    Session,
    VerificationToken,
    Authenticator,
}

/// The Auth.js tables of a Drizzle schema file.
#[derive(Clone, Debug)]
pub struct Schema {
    pub file: String,
    pub core: Core,
    pub user: DTable,
    pub account: DTable,
    pub session: Option<DTable>,
    pub verification_token: Option<DTable>,
    pub authenticator: Option<DTable>,
    /// The file's other tables that reference the user table (`.references(() => users.id)`).
    pub referencing_user: Vec<String>,
}

/// The Drizzle tables a file declares: `export const x = pgTable("name", { … }, extra?)`.
pub fn tables(p: &Parsed) -> Option<(Core, Vec<DTable>)> {
    let (core, table_fn) = ast::imports(p).iter().find_map(|i| {
        let core = Core::from_module(&i.src)?;
        let local = i.specs.iter().find(|s| s.imported == core.table_fn())?.local.clone();
        Some((core, local))
    })?;
    let mut out = Vec::new();
    for item in &p.module.body {
        let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), span })) = item else { continue };
        let [d] = v.decls.as_slice() else { continue };
        let Pat::Ident(var) = &d.name else { continue };
        let Some(Expr::Call(c)) = d.init.as_deref().map(ast::unwrap_expr) else { continue };
        if crate::rules::client_common::callee_ident(c) != Some(table_fn.as_str()) {
            continue;
        }
        let Some(sql_name) = c.args.first().and_then(|a| crate::rules::client_common::const_str(&a.expr)) else { continue };
        let Some(Expr::Object(o)) = c.args.get(1).map(|a| ast::unwrap_expr(&a.expr)) else { continue };
        // Only plain `key: builder(…)` columns: a spread or a computed key makes the table one
        // authfix does not read.
        let cols: Option<Vec<Column>> = o
            .props
            .iter()
            .map(|prop| {
                let PropOrSpread::Prop(pr) = prop else { return None };
                let Prop::KeyValue(kv) = &**pr else { return None };
                let key = ast::prop_name(&kv.key)?;
                Some(Column { physical: column_name(&kv.value).unwrap_or_else(|| key.clone()), key, range: p.range(kv.span()) })
            })
            .collect();
        let Some(cols) = cols else { continue };
        let extra_is_array = c.args.get(2).and_then(|a| match ast::unwrap_expr(&a.expr) {
            Expr::Arrow(f) => Some(match &*f.body {
                ArrowFunctionBody::Expr(e) => matches!(ast::unwrap_expr(e), Expr::Array(_)),
                ArrowFunctionBody::FunctionBody(_) => true,
            }),
            _ => None,
        });
        out.push(DTable { var: var.id.sym.to_string(), sql_name, cols, stmt: p.range(*span), extra_is_array });
    }
    Some((core, out))
}

/// The column a builder chain names: `text("userId").notNull()` → `userId`.
fn column_name(e: &Expr) -> Option<String> {
    let mut e = ast::unwrap_expr(e);
    loop {
        let Expr::Call(c) = e else { return None };
        match &c.callee {
            Callee::Expr(callee) => match ast::unwrap_expr(callee) {
                Expr::Member(m) => e = ast::unwrap_expr(&m.obj),
                Expr::Ident(_) => return c.args.first().and_then(|a| crate::rules::client_common::const_str(&a.expr)),
                _ => return None,
            },
            _ => return None,
        }
    }
}

fn role_of(t: &DTable) -> Option<Role> {
    if t.key("providerAccountId") && t.key("provider") && t.key("userId") {
        Some(Role::Account)
    } else if t.key("sessionToken") && t.key("expires") {
        Some(Role::Session)
    } else if t.key("identifier") && t.key("token") && t.key("expires") {
        Some(Role::VerificationToken)
    } else if t.key("credentialID") {
        Some(Role::Authenticator)
    } else if t.key("email") && t.key("emailVerified") && t.key("id") {
        Some(Role::User)
    } else {
        None
    }
}

/// Why the Drizzle schema could not be read (the report says it; nothing is edited).
pub type NotFound = String;

/// Find the Auth.js tables: the ones passed to `DrizzleAdapter(db, { usersTable, … })` (resolved
/// through the config file's imports), else the tables shaped like Auth.js's in any file.
pub fn find(project: &Project, cfg_file: &str, adapter: &Adapter) -> Result<Schema, NotFound> {
    let Adapter::Drizzle { tables: passed, .. } = adapter else { return Err("not a Drizzle adapter".into()) };
    let mut named: Vec<(Role, String, String)> = Vec::new();
    if let Some(p) = project.parsed(cfg_file) {
        for (k, v) in passed {
            let role = match k.as_str() {
                "usersTable" => Role::User,
                "accountsTable" => Role::Account,
                "sessionsTable" => Role::Session,
                "verificationTokensTable" => Role::VerificationToken,
                "authenticatorsTable" => Role::Authenticator,
                _ => continue,
            };
            let Some((file, export)) = ast::imports(&p).iter().find_map(|i| {
                let s = i.specs.iter().find(|s| s.local == *v)?;
                Some((project.resolve_import(cfg_file, &i.src)?, s.imported.clone()))
            }) else {
                return Err(format!("`{k}: {v}` is not imported from a schema file authfix can read"));
            };
            named.push((role, file, export));
        }
    }
    let files: Vec<String> = if let Some((_, f, _)) = named.iter().find(|(r, _, _)| *r == Role::User) {
        vec![f.clone()]
    } else {
        let mut fs: Vec<String> = ["drizzle-orm/pg-core", "drizzle-orm/mysql-core", "drizzle-orm/sqlite-core"]
            .iter()
            .flat_map(|n| project.source_files_containing(n).map(String::from).collect::<Vec<_>>())
            .collect();
        fs.sort();
        fs.dedup();
        fs
    };
    for f in files {
        let (Some(p), Some(text)) = (project.parsed(&f), project.text(&f)) else { continue };
        let Some((core, all)) = tables(&p) else { continue };
        let pick = |role: Role| -> Option<DTable> {
            match named.iter().find(|(r, _, _)| *r == role) {
                Some((_, file, export)) if *file == f => all.iter().find(|t| t.var == *export).cloned(),
                Some(_) => None,
                None => all.iter().find(|t| role_of(t) == Some(role)).cloned(),
            }
        };
        let (Some(user), Some(account)) = (pick(Role::User), pick(Role::Account)) else { continue };
        let referencing_user = all
            .iter()
            .filter(|t| t.var != user.var && role_of(t).is_none())
            .filter(|t| text[t.stmt.clone()].contains(&format!("{}.id", user.var)))
            .map(|t| t.var.clone())
            .collect();
        return Ok(Schema {
            file: f.clone(),
            core,
            user,
            account,
            session: pick(Role::Session),
            verification_token: pick(Role::VerificationToken),
            authenticator: pick(Role::Authenticator),
            referencing_user,
        });
    }
    Err("no Drizzle table shaped like Auth.js's users and accounts tables (`pgTable`/`mysqlTable`/`sqliteTable` with `email`, `emailVerified` / `provider`, `providerAccountId`) in the project".into())
}

/// The user table's own columns (not Auth.js's, not the timestamps Better Auth brings), which
/// the new table keeps and the SQL carries over; the password column moves to `account.password`.
const USER_OWN: &[&str] = &["id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt"];

impl Schema {
    pub fn source(&self) -> Source {
        let mut others: Vec<String> = Vec::new();
        for t in [&self.session, &self.verification_token, &self.authenticator].into_iter().flatten() {
            others.push(t.sql_name.clone());
        }
        Source {
            origin: format!("{} (tables {}, {})", self.file, self.user.sql_name, self.account.sql_name),
            user: self.user.table(USER_COLS),
            account: self.account.table(ACCOUNT_COLS),
            others,
            password_column: None,
            extra_user_cols: self.user.cols.iter().filter(|c| !USER_OWN.contains(&c.key.as_str())).map(|c| c.physical.clone()).collect(),
        }
    }

    /// The physical column of a user key (`passwordHash` → `password_hash`).
    pub fn user_column(&self, key: &str) -> Option<String> {
        self.user.cols.iter().find(|c| c.key == key).map(|c| c.physical.clone())
    }

    /// The variables the adapter's `schema` option maps (`{ user: users, session: sessions, … }`).
    pub fn vars(&self, taken: &[String]) -> [(&'static str, String); 4] {
        let verification = match &self.verification_token {
            Some(t) => t.var.clone(),
            None => ["verification", "verifications", "authVerification"].iter().find(|n| !taken.iter().any(|t| t == *n)).unwrap().to_string(),
        };
        let session = match &self.session {
            Some(t) => t.var.clone(),
            None => ["session", "sessions", "authSession"].iter().find(|n| !taken.iter().any(|t| t == *n)).unwrap().to_string(),
        };
        [("user", self.user.var.clone()), ("session", session), ("account", self.account.var.clone()), ("verification", verification)]
    }

    /// Replace the Auth.js tables with Better Auth's in the schema file; `password_key` is the
    /// user key holding password hashes (dropped: it becomes `account.password`).
    pub fn edits(&self, p: &Parsed, text: &str, style: &Style, password_key: Option<&str>) -> Vec<Edit> {
        let taken = ast::top_level_names(p);
        let [(_, user_v), (_, session_v), (_, account_v), (_, verification_v)] = self.vars(&taken);
        let array = self.account.extra_is_array.or(self.session.as_ref().and_then(|s| s.extra_is_array)).unwrap_or(true);
        let g = Gen { core: self.core, array, user: &user_v };
        let indent = style.fit("  x").trim_end_matches('x').to_string();
        let fit = |code: &str| code.split('\n').map(|l| style.fit(l)).collect::<Vec<_>>().join("\n");
        let mut user = fit(&g.user());
        let own: Vec<String> = self
            .user
            .cols
            .iter()
            .filter(|c| !USER_OWN.contains(&c.key.as_str()) && Some(c.key.as_str()) != password_key)
            .map(|c| format!("{indent}{},", &text[c.range.clone()]))
            .collect();
        user = user.replace(&format!("{indent}{MARK}\n"), &own.iter().map(|l| format!("{l}\n")).collect::<String>());
        let mut out = vec![
            Edit::replace(self.user.stmt.start, self.user.stmt.end, user.trim_end_matches('\n').to_string()),
            Edit::replace(self.account.stmt.start, self.account.stmt.end, fit(&g.account(&account_v)).trim_end_matches('\n').to_string()),
        ];
        let mut append = String::new();
        match &self.session {
            Some(s) => out.push(Edit::replace(s.stmt.start, s.stmt.end, fit(&g.session(&session_v)).trim_end_matches('\n').to_string())),
            None => append.push_str(&format!("\n{}", fit(&g.session(&session_v)))),
        }
        match &self.verification_token {
            Some(v) => out.push(Edit::replace(v.stmt.start, v.stmt.end, fit(&g.verification(&verification_v)).trim_end_matches('\n').to_string())),
            None => append.push_str(&format!("\n{}", fit(&g.verification(&verification_v)))),
        }
        if !append.is_empty() {
            let sep = if text.ends_with('\n') { "" } else { "\n" };
            out.push(Edit::insert(text.len(), format!("{sep}{append}")));
        }
        // The builders the new tables use, added to the core import; the ones only the old
        // tables used, removed.
        let replaced: Vec<swc_core::common::Span> = p
            .module
            .body
            .iter()
            .filter(|i| {
                [&self.user, &self.account].into_iter().chain(self.session.iter()).chain(self.verification_token.iter()).any(|t| p.range(i.span()) == t.stmt)
            })
            .map(|i| i.span())
            .collect();
        // Imports from Auth.js (`AdapterAccountType`) go with the tables that used them.
        for imp in ast::imports(p).into_iter().filter(|i| super::model::is_authjs_module(&i.src)) {
            if imp.specs.iter().all(|s| !ast::referenced_outside(p, &s.local, &replaced)) {
                out.push(crate::edit::delete_statement_lines(text, p.lo(imp.span), p.hi(imp.span)));
            } else {
                out.push(super::code::todo_line(text, p.lo(imp.span), &format!("`{}` is gone with Auth.js: port what uses it", imp.src)));
            }
        }
        if let Some(imp) = ast::imports(p).into_iter().find(|i| i.src == self.core.module() && !i.type_only) {
            let have: Vec<String> = imp.specs.iter().map(|s| s.imported.clone()).collect();
            let keep: Vec<String> = imp
                .specs
                .iter()
                .filter(|s| self.core.builders().contains(&s.imported.as_str()) || ast::referenced_outside(p, &s.local, &replaced))
                .map(|s| text[p.range(s.span)].to_string())
                .collect();
            let mut names = keep;
            for b in self.core.builders() {
                if !have.iter().any(|h| h == b) {
                    names.push(b.to_string());
                }
            }
            let clause = format!("{{ {} }}", names.join(", "));
            let new = ast::import_line(style, &clause, self.core.module());
            if text[p.range(imp.span)] != *new {
                out.push(Edit::replace(p.lo(imp.span), p.hi(imp.span), new));
            }
        }
        out
    }
}

const MARK: &str = "/*authfix:own-columns*/";

/// Better Auth 1.7's core tables in Drizzle, with the columns `--emit-sql` creates.
struct Gen<'a> {
    core: Core,
    array: bool,
    user: &'a str,
}

impl Gen<'_> {
    fn table_fn(&self) -> &'static str {
        self.core.table_fn()
    }
    fn id(&self, name: &str) -> String {
        match self.core {
            Core::Mysql => format!("varchar(\"{name}\", {{ length: 36 }})"),
            _ => format!("text(\"{name}\")"),
        }
    }
    fn sortable(&self, name: &str) -> String {
        match self.core {
            Core::Mysql => format!("varchar(\"{name}\", {{ length: 255 }})"),
            _ => format!("text(\"{name}\")"),
        }
    }
    fn text(&self, name: &str) -> String {
        format!("text(\"{name}\")")
    }
    fn bool(&self, name: &str) -> String {
        match self.core {
            Core::Sqlite => format!("integer(\"{name}\", {{ mode: \"boolean\" }})"),
            _ => format!("boolean(\"{name}\")"),
        }
    }
    /// A date; `default_now`: the SQL gives it `DEFAULT CURRENT_TIMESTAMP` (SQLite: none, the
    /// dates are ISO text, which Better Auth's Drizzle adapter reads and writes for text columns).
    fn date(&self, name: &str, default_now: bool, on_update: bool) -> String {
        let mut s = match self.core {
            Core::Pg => format!("timestamp(\"{name}\", {{ withTimezone: true }})"),
            Core::Mysql => format!("timestamp(\"{name}\", {{ fsp: 3 }})"),
            Core::Sqlite => format!("text(\"{name}\")"),
        };
        if default_now && self.core != Core::Sqlite {
            s.push_str(".defaultNow()");
        }
        if on_update && self.core != Core::Sqlite {
            s.push_str(".$onUpdate(() => new Date())");
        }
        s
    }
    fn fk(&self) -> String {
        format!("{}.notNull().references(() => {}.id, {{ onDelete: \"cascade\" }})", self.id("userId"), self.user)
    }
    fn index(&self, table: &str, col: &str) -> String {
        let i = format!("index(\"{table}_{col}_idx\").on(table.{col})");
        if self.array {
            format!(", (table) => [{i}]")
        } else {
            format!(", (table) => ({{ {col}Idx: {i} }})")
        }
    }
    fn user(&self) -> String {
        format!(
            "export const {} = {}(\"user\", {{\n  id: {}.primaryKey(),\n  name: {}.notNull(),\n  email: {}.notNull().unique(),\n  emailVerified: {}.notNull(),\n  image: {},\n  createdAt: {}.notNull(),\n  updatedAt: {}.notNull(),\n  {MARK}\n}});",
            self.user,
            self.table_fn(),
            self.id("id"),
            self.sortable("name"),
            self.sortable("email"),
            self.bool("emailVerified"),
            self.text("image"),
            self.date("createdAt", true, false),
            self.date("updatedAt", true, true),
        )
    }
    fn session(&self, var: &str) -> String {
        format!(
            "export const {var} = {}(\"session\", {{\n  id: {}.primaryKey(),\n  expiresAt: {}.notNull(),\n  token: {}.notNull().unique(),\n  createdAt: {}.notNull(),\n  updatedAt: {}.notNull(),\n  ipAddress: {},\n  userAgent: {},\n  userId: {},\n}}{});",
            self.table_fn(),
            self.id("id"),
            self.date("expiresAt", false, false),
            self.sortable("token"),
            self.date("createdAt", true, false),
            self.date("updatedAt", false, true),
            self.text("ipAddress"),
            self.text("userAgent"),
            self.fk(),
            self.index("session", "userId"),
        )
    }
    fn account(&self, var: &str) -> String {
        format!(
            "export const {var} = {}(\"account\", {{\n  id: {}.primaryKey(),\n  accountId: {}.notNull(),\n  providerId: {}.notNull(),\n  userId: {},\n  accessToken: {},\n  refreshToken: {},\n  idToken: {},\n  accessTokenExpiresAt: {},\n  refreshTokenExpiresAt: {},\n  scope: {},\n  password: {},\n  createdAt: {}.notNull(),\n  updatedAt: {}.notNull(),\n}}{});",
            self.table_fn(),
            self.id("id"),
            self.text("accountId"),
            self.text("providerId"),
            self.fk(),
            self.text("accessToken"),
            self.text("refreshToken"),
            self.text("idToken"),
            self.date("accessTokenExpiresAt", false, false),
            self.date("refreshTokenExpiresAt", false, false),
            self.text("scope"),
            self.text("password"),
            self.date("createdAt", true, false),
            self.date("updatedAt", false, true),
            self.index("account", "userId"),
        )
    }
    fn verification(&self, var: &str) -> String {
        format!(
            "export const {var} = {}(\"verification\", {{\n  id: {}.primaryKey(),\n  identifier: {}.notNull(),\n  value: {}.notNull(),\n  expiresAt: {}.notNull(),\n  createdAt: {}.notNull(),\n  updatedAt: {}.notNull(),\n}}{});",
            self.table_fn(),
            self.id("id"),
            self.sortable("identifier"),
            self.text("value"),
            self.date("expiresAt", false, false),
            self.date("createdAt", true, false),
            self.date("updatedAt", true, true),
            self.index("verification", "identifier"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MYSQL: &str = "import { mysqlTable, varchar, int, primaryKey, timestamp } from \"drizzle-orm/mysql-core\";\n\nexport const users = mysqlTable(\"users\", {\n  id: varchar(\"id\", { length: 255 }).primaryKey(),\n  name: varchar({ length: 255 }),\n  email: varchar(\"email\", { length: 255 }).notNull(),\n  emailVerified: timestamp(\"email_verified\", { mode: \"date\", fsp: 3 }),\n  image: varchar(\"image\", { length: 255 }),\n});\n\nexport const accounts = mysqlTable(\n  \"accounts\",\n  {\n    userId: varchar(\"user_id\", { length: 255 }).notNull(),\n    type: varchar(\"type\", { length: 255 }).notNull(),\n    provider: varchar(\"provider\", { length: 255 }).notNull(),\n    providerAccountId: varchar(\"provider_account_id\", { length: 255 }).notNull(),\n    expires_at: int(\"expires_at\"),\n  },\n  (account) => ({ compoundKey: primaryKey({ columns: [account.provider, account.providerAccountId] }) }),\n);\n";

    #[test]
    fn reads_names_columns_and_the_extra_argument_style() {
        let p = crate::parse::parse("db/schema.ts", MYSQL).unwrap();
        let (core, t) = tables(&p).unwrap();
        assert_eq!(core, Core::Mysql);
        assert_eq!(t.iter().map(|t| (t.var.as_str(), t.sql_name.as_str())).collect::<Vec<_>>(), [("users", "users"), ("accounts", "accounts")]);
        // A builder without a name takes the key.
        assert_eq!(
            t[0].cols.iter().map(|c| (c.key.as_str(), c.physical.as_str())).collect::<Vec<_>>()[1..4],
            [("name", "name"), ("email", "email"), ("emailVerified", "email_verified")]
        );
        assert_eq!(role_of(&t[0]), Some(Role::User));
        assert_eq!(role_of(&t[1]), Some(Role::Account));
        assert_eq!(t[1].extra_is_array, Some(false));
        assert_eq!(t[0].extra_is_array, None);
    }

    #[test]
    fn writes_better_auth_tables_in_the_files_dialect_and_style() {
        let mut project = Project::new(Default::default());
        project.set_file("db/schema.ts", MYSQL);
        project.set_file("auth.ts", "import { DrizzleAdapter } from \"@auth/drizzle-adapter\";\n");
        let s = find(&project, "auth.ts", &Adapter::Drizzle { db: "db".into(), tables: vec![] }).unwrap();
        let p = project.parsed("db/schema.ts").unwrap();
        let e = s.edits(&p, MYSQL, &Style::detect(MYSQL), None);
        let out = crate::edit::apply(MYSQL, &e, "\n");
        crate::parse::parse("db/schema.ts", &out).unwrap();
        // The core import: what the new tables use, without what only the old ones used.
        assert!(out.starts_with("import { mysqlTable, varchar, timestamp, text, boolean, index } from \"drizzle-orm/mysql-core\";\n"), "{out}");
        assert!(out.contains("export const users = mysqlTable(\"user\", {\n  id: varchar(\"id\", { length: 36 }).primaryKey(),"), "{out}");
        assert!(out.contains("  emailVerified: boolean(\"emailVerified\").notNull(),"), "{out}");
        assert!(out.contains("  createdAt: timestamp(\"createdAt\", { fsp: 3 }).defaultNow().notNull(),"), "{out}");
        // The object style of the file's own extra argument (drizzle-orm before 0.36).
        assert!(out.contains("}, (table) => ({ userIdIdx: index(\"account_userId_idx\").on(table.userId) }));"), "{out}");
        // No session or verification table in the file: appended, under free names.
        assert!(
            out.contains("export const session = mysqlTable(\"session\", {") && out.contains("export const verification = mysqlTable(\"verification\", {"),
            "{out}"
        );
        assert_eq!(s.vars(&ast::top_level_names(&p)).map(|(_, v)| v), ["users", "session", "accounts", "verification"]);
        let src = s.source();
        assert_eq!((src.user.name.as_str(), src.user.col("emailVerified")), ("users", Some("email_verified")));
        assert_eq!(src.account.col("providerAccountId"), Some("provider_account_id"));
    }
}
