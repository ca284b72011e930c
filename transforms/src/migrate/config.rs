//! Writing the Better Auth configuration from the model: the `betterAuth({…})` call, its imports,
//! and the marked TODO block that carries every option with no mechanical equivalent.
use super::model::{Adapter, AuthConfig, HashBinding, HashLib, Provider};
use super::Database;

/// The marker every TODO authfix writes starts with (a second run finds it and changes nothing).
pub const TODO: &str = "TODO(authfix migrate)";

pub struct Written {
    /// Import lines (without style: `"` and `;`), deduplicated.
    pub imports: Vec<String>,
    /// `export const auth = betterAuth({…});` with the TODO block above it.
    pub body: String,
    /// Whether the genericOAuth plugin is used.
    pub generic_oauth: bool,
    /// Whether email and password sign-in is on.
    pub email_password: bool,
}

fn ts_non_null(expr: &str, typescript: bool) -> String {
    let t = expr.trim();
    if typescript && t.starts_with("process.env.") && !t.ends_with('!') && !t.contains(' ') {
        format!("{t}!")
    } else {
        t.to_string()
    }
}

/// Comment out text as `// ` lines (so that no `*/` inside can end a block comment).
pub fn commented(text: &str, indent: &str) -> String {
    let mut out = String::new();
    // Re-indent: strip the common leading whitespace of continuation lines.
    let lines: Vec<&str> = text.lines().collect();
    let common = lines.iter().skip(1).filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    for (i, l) in lines.iter().enumerate() {
        let l = if i == 0 { l.trim_start() } else { l.get(common.min(l.len() - l.trim_start().len())..).unwrap_or(l) };
        out.push_str(indent);
        out.push_str("//   ");
        out.push_str(l.trim_end());
        out.push('\n');
    }
    out
}

pub fn write(cfg: &AuthConfig, db: &Database, typescript: bool) -> Written {
    let mut imports: Vec<String> = vec!["import { betterAuth } from \"better-auth\";".into()];
    let mut body = String::new();
    let mut todo = String::new();
    let mut plugins: Vec<String> = Vec::new();
    let mut generic: Vec<String> = Vec::new();
    let mut email_password = false;

    // The TODO block: options and provider settings with no mechanical equivalent.
    for u in &cfg.unmapped {
        let hint = match u.key.as_str() {
            "callbacks" => "Auth.js callbacks have no mechanical equivalent: port `session`/`jwt` to the customSession plugin or `user.additionalFields`, `signIn` to `databaseHooks`/`hooks.before`, `redirect` to `callbackURL` at the call sites",
            "events" => "Auth.js events: use `databaseHooks` (user/session create) or `hooks.after`",
            "pages" => "Better Auth has no built-in pages: your sign-in page now calls `authClient.signIn.*`; the error page reads `?error=`",
            "jwt" => "Better Auth sessions are database sessions with a signed cookie (`session.cookieCache` for a stateless cache)",
            "cookies" | "useSecureCookies" => "cookie settings: `advanced.cookies`, `advanced.useSecureCookies`",
            "logger" => "Better Auth's `logger` option takes a different shape",
            _ => "no mechanical Better Auth equivalent",
        };
        todo.push_str(&format!("// {TODO}: `{}`: {hint}. The Auth.js original:\n", u.key));
        todo.push_str(&commented(&u.text, ""));
    }
    let mut social = String::new();
    for pr in &cfg.providers {
        match pr {
            Provider::Social { key, client_id, client_secret, leftovers, authjs_id } => {
                social.push_str(&format!(
                    "    {key}: {{\n      clientId: {},\n      clientSecret: {},\n    }},\n",
                    ts_non_null(client_id, typescript),
                    ts_non_null(client_secret, typescript)
                ));
                if !leftovers.is_empty() {
                    todo.push_str(&format!("// {TODO}: provider `{authjs_id}` options to port to `socialProviders.{key}`:\n"));
                    for l in leftovers {
                        todo.push_str(&commented(l, ""));
                    }
                }
            }
            Provider::Generic { id, name, discovery, client_id, client_secret, leftovers } => {
                let mut c = format!("          providerId: \"{id}\",\n");
                if let Some(n) = name {
                    c.push_str(&format!("          name: \"{n}\",\n"));
                }
                c.push_str(&format!("          discoveryUrl: {},\n", discovery.trim()));
                c.push_str(&format!("          clientId: {},\n", ts_non_null(client_id, typescript)));
                c.push_str(&format!("          clientSecret: {},\n", ts_non_null(client_secret, typescript)));
                c.push_str("          scopes: [\"openid\", \"email\", \"profile\"],\n");
                // Auth.js signed out of the app only; Better Auth would also end the provider's session.
                c.push_str("          disableProviderLogout: true,\n");
                generic.push(format!("        {{\n{c}        }},\n"));
                if !leftovers.is_empty() {
                    todo.push_str(&format!("// {TODO}: provider `{id}` options to port to its genericOAuth entry (`mapProfileToUser` for `profile`):\n"));
                    for l in leftovers {
                        todo.push_str(&commented(l, ""));
                    }
                }
            }
            Provider::Credentials(c) => {
                email_password = true;
                if let Some((module, local)) = &c.hash_import {
                    let clause = if local == "hash" { "hash".to_string() } else { format!("hash as {local}") };
                    imports.push(format!("import {{ {clause} }} from \"{module}\";"));
                }
                let (hash_fn, verify_fn) = match (&c.hash, &c.hash_binding) {
                    (Some(HashLib::Bcrypt { .. }), Some(HashBinding::Namespace(ns))) => {
                        (Some(format!("(password) => {ns}.hash(password, 10)")), Some(format!("({{ hash, password }}) => {ns}.compare(password, hash)")))
                    }
                    (Some(HashLib::Bcrypt { .. }), Some(HashBinding::Named { verify, hash })) => {
                        (hash.as_ref().map(|h| format!("(password) => {h}(password, 10)")), Some(format!("({{ hash, password }}) => {verify}(password, hash)")))
                    }
                    (Some(HashLib::Argon2 { .. }), Some(HashBinding::Namespace(ns))) => {
                        (Some(format!("(password) => {ns}.hash(password)")), Some(format!("({{ hash, password }}) => {ns}.verify(hash, password)")))
                    }
                    (Some(HashLib::Argon2 { .. }), Some(HashBinding::Named { verify, hash })) => {
                        (hash.as_ref().map(|h| format!("(password) => {h}(password)")), Some(format!("({{ hash, password }}) => {verify}(hash, password)")))
                    }
                    _ => (None, None),
                };
                let ann = |s: String| if typescript { s.replace("(password) =>", "(password: string) =>") } else { s };
                let mut ep = "  emailAndPassword: {\n    enabled: true,\n".to_string();
                if let Some(v) = &verify_fn {
                    ep.push_str("    // Existing users keep their password hashes: verify (and hash) as the Auth.js `authorize` did.\n");
                    ep.push_str("    password: {\n");
                    if let Some(h) = hash_fn {
                        ep.push_str(&format!("      hash: {},\n", ann(h)));
                    } else {
                        todo.push_str(&format!("// {TODO}: `password.hash` for new passwords: import the hash function of your library next to `verify`.\n"));
                    }
                    ep.push_str(&format!("      verify: {v},\n"));
                    ep.push_str("    },\n");
                } else {
                    todo.push_str(&format!(
                        "// {TODO}: authfix could not tell how `authorize` checks passwords (bcrypt, bcryptjs or argon2 were not found): set `emailAndPassword.password.verify` so that existing hashes still verify.\n"
                    ));
                }
                ep.push_str("  },\n");
                body.push_str(&ep);
                todo.push_str(&format!("// {TODO}: the Credentials provider `{}` became email and password sign-in. Its `authorize`, for anything it checked besides the password:\n", c.id));
                todo.push_str(&commented(&c.text, ""));
            }
            Provider::Unmapped { id, text, reason } => {
                todo.push_str(&format!(
                    "// {TODO}: provider {} was not migrated ({reason}):\n",
                    id.as_deref().map(|i| format!("`{i}`")).unwrap_or_else(|| "(unnamed)".into())
                ));
                todo.push_str(&commented(text, ""));
            }
        }
    }

    // database
    let mut database = String::new();
    match (&cfg.adapter, db) {
        (Some(Adapter::Prisma { client }), _) => {
            imports.push("import { prismaAdapter } from \"better-auth/adapters/prisma\";".into());
            database = format!("  database: prismaAdapter({client}, {{ provider: \"{}\" }}),\n", db.prisma_provider());
        }
        (Some(Adapter::Drizzle { db: d, .. }), _) => {
            imports.push("import { drizzleAdapter } from \"better-auth/adapters/drizzle\";".into());
            let schema = db.drizzle_schema.as_ref().map(|s| format!(", schema: {s}")).unwrap_or_default();
            database = format!("  database: drizzleAdapter({d}, {{ provider: \"{}\"{schema} }}),\n", db.drizzle_provider());
        }
        (Some(Adapter::Pg { pool }), _) => database = format!("  database: {pool},\n"),
        (Some(Adapter::Kysely { db: d }), _) => database = format!("  database: {{ db: {d}, type: \"{}\" }},\n", db.kysely_type()),
        (Some(Adapter::Other { module, text }), _) => {
            todo.push_str(&format!("// {TODO}: the adapter from `{module}` has no mechanical Better Auth equivalent: see https://www.better-auth.com/docs/concepts/database. The original:\n"));
            todo.push_str(&commented(&format!("adapter: {text}"), ""));
        }
        (None, _) => {}
    }
    let mut out = String::new();
    out.push_str("export const auth = betterAuth({\n");
    out.push_str(&database);
    out.push_str(&body);
    if !social.is_empty() {
        out.push_str("  socialProviders: {\n");
        out.push_str(&social);
        out.push_str("  },\n");
    }
    if cfg.session_max_age.is_some() || cfg.session_update_age.is_some() {
        out.push_str("  session: {\n");
        if let Some(m) = &cfg.session_max_age {
            out.push_str(&format!("    expiresIn: {m},\n"));
        }
        if let Some(u) = &cfg.session_update_age {
            out.push_str(&format!("    updateAge: {u},\n"));
        }
        out.push_str("  },\n");
    }
    if let Some(s) = &cfg.secret {
        out.push_str(&format!("  secret: {s},\n"));
    }
    if !generic.is_empty() {
        imports.push("import { genericOAuth } from \"better-auth/plugins\";".into());
        plugins.push(format!("    genericOAuth({{\n      config: [\n{}      ],\n    }}),\n", generic.concat()));
    }
    imports.push("import { nextCookies } from \"better-auth/next-js\";".into());
    // nextCookies() last: it sets the cookies of server actions' responses.
    plugins.push("    nextCookies(),\n".into());
    out.push_str("  plugins: [\n");
    for p in &plugins {
        out.push_str(p);
    }
    out.push_str("  ],\n");
    out.push_str("});\n");
    let body = if todo.is_empty() { out } else { format!("{todo}{out}") };
    Written { imports, body, generic_oauth: !generic.is_empty(), email_password }
}
