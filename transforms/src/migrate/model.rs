//! Reading the Auth.js configuration into a plain model: where it lives, its providers, adapter,
//! session settings and everything that has no mechanical Better Auth equivalent.
//!
//! Forms read: v4 `export const authOptions = {…}` (typed `NextAuthOptions`/`AuthOptions`, or
//! passed to `NextAuth(x)`), an options object inline in the v4 route (`NextAuth({…})`), v5
//! `export const { handlers, auth, signIn, signOut } = NextAuth({…})` with an optional
//! `...authConfig` spread from a split `auth.config.ts`. Anything else (a config computed by a
//! function of the request, a spread of an unknown value, computed keys) is refused with the
//! reason: authfix never guesses at a configuration it cannot read.
use crate::ast;
use crate::ast::{prop_name, unwrap_expr};
use crate::parse::Parsed;
use crate::project::Project;
use crate::rules::client_common::const_str;
use std::ops::Range;
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;

/// Modules whose imports leave with Auth.js.
pub fn is_authjs_module(src: &str) -> bool {
    src == "next-auth" || src.starts_with("next-auth/") || src.starts_with("@auth/") || src.starts_with("@next-auth/")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HashLib {
    /// `bcrypt`, `bcryptjs`, `@node-rs/bcrypt`: `compare(password, hash)` / `hash(password, rounds)`.
    Bcrypt { module: String },
    /// `argon2`, `@node-rs/argon2`: `verify(hash, password)` / `hash(password)`.
    Argon2 { module: String },
}

#[derive(Clone, Debug)]
pub struct Credentials {
    /// The provider's id (`credentials` unless it sets `id`).
    pub id: String,
    pub hash: Option<HashLib>,
    /// The local name the config file binds the hash module to (`bcrypt` in `import bcrypt from "bcryptjs"`),
    /// or the named functions (`compare`, `hash`) it imports.
    pub hash_binding: Option<HashBinding>,
    /// `(module, local)`: the hash function to import, when the file imports only `compare`/`verify`.
    pub hash_import: Option<(String, String)>,
    /// The user column holding the hash, from `compare(password, user.<column>)` in `authorize`.
    pub password_column: Option<String>,
    /// The original provider text (kept in the TODO block: `authorize` may check more than the password).
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HashBinding {
    /// `import bcrypt from "bcryptjs"` / `import * as argon2 from "argon2"`: `bcrypt.compare(…)`.
    Namespace(String),
    /// `import { compare, hash } from "bcrypt"`: local names of `compare`/`verify` and `hash` (if imported).
    Named { verify: String, hash: Option<String> },
}

#[derive(Clone, Debug)]
pub enum Provider {
    /// A built-in OAuth provider with a Better Auth `socialProviders` entry.
    Social {
        key: String,
        authjs_id: String,
        client_id: String,
        client_secret: String,
        leftovers: Vec<String>,
    },
    /// An OpenID Connect / OAuth provider found by discovery (`issuer`, `wellKnown`): Better Auth's
    /// `genericOAuth` plugin.
    Generic {
        id: String,
        name: Option<String>,
        discovery: String,
        client_id: String,
        client_secret: String,
        leftovers: Vec<String>,
    },
    Credentials(Credentials),
    /// Anything else: kept as a TODO with the original text.
    Unmapped {
        id: Option<String>,
        text: String,
        reason: String,
    },
}

impl Provider {
    pub fn id(&self) -> Option<&str> {
        match self {
            Provider::Social { authjs_id, .. } => Some(authjs_id),
            Provider::Generic { id, .. } => Some(id),
            Provider::Credentials(c) => Some(&c.id),
            Provider::Unmapped { id, .. } => id.as_deref(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Adapter {
    /// `PrismaAdapter(prisma)`: the client expression.
    Prisma { client: String },
    /// `DrizzleAdapter(db, {...})`: the db expression and the table variables passed, if any.
    Drizzle { db: String, tables: Vec<(String, String)> },
    /// `PostgresAdapter(pool)` (`@auth/pg-adapter`): the pool expression.
    Pg { pool: String },
    /// `KyselyAdapter(db)`.
    Kysely { db: String },
    /// Any other adapter: no mechanical equivalent here.
    Other { module: String, text: String },
}

#[derive(Clone, Debug)]
pub struct Unmapped {
    /// The option's key (`callbacks`, `events`, `pages`, `jwt`, …).
    pub key: String,
    pub text: String,
}

/// Which statement of the config file holds the options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// v4: `[export] const <name> = {…}`.
    V4Options { name: String },
    /// v4: options inline in the route (`const handler = NextAuth({…})`).
    V4Inline,
    /// v5: `export const { … } = NextAuth({…})`.
    V5,
}

#[derive(Clone, Debug)]
pub struct AuthConfig {
    pub major: u8,
    /// The file holding the options (and, for v5, the `NextAuth` call).
    pub file: String,
    pub shape: Shape,
    /// The statement(s) that leave the config file (the options declaration, the `NextAuth` call,
    /// the v4 route's handler export), as byte ranges.
    pub statements: Vec<Range<usize>>,
    /// Where the new `export const auth = betterAuth({…})` goes.
    pub insert_at: usize,
    /// A split `auth.config.ts` whose options were merged in.
    pub split_file: Option<String>,
    pub providers: Vec<Provider>,
    pub adapter: Option<Adapter>,
    pub session_max_age: Option<String>,
    pub session_update_age: Option<String>,
    /// `strategy: "database"` or `"jwt"`.
    pub session_strategy: Option<String>,
    /// `secret:` unless it is the environment variable Better Auth reads anyway.
    pub secret: Option<String>,
    /// `pages.signIn`, when a constant.
    pub sign_in_page: Option<String>,
    pub base_path: Option<String>,
    pub unmapped: Vec<Unmapped>,
    /// Options dropped because Better Auth does it by itself (`trustHost`, `debug`…), with why.
    pub dropped: Vec<(String, &'static str)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// No Auth.js configuration was found.
    NotFound,
    /// The configuration exists but authfix cannot read it: file and reason.
    Unreadable { file: String, reason: String },
}

fn unreadable(file: &str, reason: impl Into<String>) -> ReadError {
    ReadError::Unreadable { file: file.to_string(), reason: reason.into() }
}

/// One property of the options, with the file whose imports resolve its identifiers.
struct OptProp<'a> {
    key: String,
    value: Option<&'a Expr>,
    span: Range<usize>,
}

/// Find and read the project's Auth.js configuration.
pub fn read(project: &Project) -> Result<AuthConfig, ReadError> {
    let major = project.facts.auth_major.unwrap_or(4);
    // v5: `export const { … } = NextAuth(...)` (prefer it), v4: the options object.
    let mut nextauth_files: Vec<&str> = project.source_files_containing("NextAuth").filter(|f| !f.contains("node_modules")).collect();
    nextauth_files.sort_by_key(|f| (f.contains("[...nextauth]"), f.len()));
    let mut v4_candidates: Vec<(String, String)> = Vec::new();
    let mut route_inline: Option<String> = None;
    for f in &nextauth_files {
        let Some(p) = project.parsed(f) else {
            if let Some(Err(e)) = project.parse_result(f).as_deref() {
                return Err(unreadable(f, format!("it does not parse ({})", e.message)));
            }
            continue;
        };
        let Some(na) = ast::local_name(&p, &["next-auth"], "default") else { continue };
        for item in &p.module.body {
            let var = match item {
                ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), .. })) => v,
                ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => v,
                _ => continue,
            };
            for d in &var.decls {
                let Some(Expr::Call(c)) = d.init.as_deref().map(unwrap_expr) else { continue };
                if !matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if i.sym == na.as_str())) {
                    continue;
                }
                let Some(arg) = c.args.first() else { continue };
                match (&d.name, unwrap_expr(&arg.expr)) {
                    (Pat::Object(_), Expr::Object(obj)) => return read_object(project, f, &p, obj, Shape::V5, vec![p.range(item.span())], major.max(5)),
                    (Pat::Object(_), Expr::Ident(i)) => {
                        // `NextAuth(config)` with a local object.
                        if let Some((obj, decl_range)) = local_object(&p, &i.sym) {
                            return read_object(project, f, &p, obj, Shape::V5, vec![decl_range, p.range(item.span())], major.max(5));
                        }
                        return Err(unreadable(f, format!("`NextAuth({})` takes a value authfix cannot follow", i.sym)));
                    }
                    (Pat::Object(_), Expr::Arrow(_) | Expr::Fn(_)) => {
                        return Err(unreadable(f, "the configuration is a function of the request (`NextAuth((req) => …)`): port it by hand"));
                    }
                    (Pat::Object(_), _) => return Err(unreadable(f, "`NextAuth(…)` takes an expression authfix cannot read")),
                    (Pat::Ident(_), Expr::Ident(i)) => v4_candidates.push((f.to_string(), i.sym.to_string())),
                    (Pat::Ident(_), Expr::Object(_)) => route_inline = Some(f.to_string()),
                    _ => {}
                }
            }
        }
    }
    // v4: the options the route passes (`NextAuth(authOptions)`), through its import.
    let decls = crate::options::exported_options(project);
    let mut chosen = crate::options::used_by_route(project, &decls);
    if chosen.is_none() {
        for (file, name) in &v4_candidates {
            if let Some(o) = crate::options::options_in(project, file).into_iter().find(|o| &o.name == name) {
                chosen = Some(o);
                break;
            }
        }
    }
    if chosen.is_none() && decls.len() == 1 {
        chosen = decls.into_iter().next();
    }
    if let Some(o) = chosen {
        let p = project.parsed(&o.file).ok_or_else(|| unreadable(&o.file, "it does not parse"))?;
        let (obj, range) = local_object(&p, &o.name).ok_or_else(|| unreadable(&o.file, format!("`{}` is not an object literal", o.name)))?;
        let mut stmts = vec![range];
        // In the route itself: the handler statements go too.
        stmts.extend(handler_statements(&p));
        return read_object(project, &o.file, &p, obj, Shape::V4Options { name: o.name.clone() }, stmts, 4);
    }
    if let Some(f) = route_inline {
        let p = project.parsed(&f).ok_or_else(|| unreadable(&f, "it does not parse"))?;
        let na = ast::local_name(&p, &["next-auth"], "default").unwrap_or_default();
        for item in &p.module.body {
            let ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) = item else { continue };
            for d in &v.decls {
                let Some(Expr::Call(c)) = d.init.as_deref().map(unwrap_expr) else { continue };
                if !matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if i.sym == na.as_str())) {
                    continue;
                }
                if let Some(Expr::Object(obj)) = c.args.first().map(|a| unwrap_expr(&a.expr)) {
                    let mut stmts = vec![p.range(item.span())];
                    stmts.extend(handler_statements(&p).into_iter().filter(|r| r.start != p.lo(item.span())));
                    return read_object(project, &f, &p, obj, Shape::V4Inline, stmts, 4);
                }
            }
        }
    }
    Err(ReadError::NotFound)
}

/// `const <name> = {…}` (also `satisfies X`, `as X`, typed) at the top level: the object and the
/// statement's range.
fn local_object<'a>(p: &'a Parsed, name: &str) -> Option<(&'a ObjectLit, Range<usize>)> {
    for item in &p.module.body {
        let var = match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), .. })) => v,
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => v,
            _ => continue,
        };
        for d in &var.decls {
            let Pat::Ident(i) = &d.name else { continue };
            if i.id.sym != name {
                continue;
            }
            if let Some(Expr::Object(o)) = d.init.as_deref().map(unwrap_expr) {
                return Some((o, p.range(item.span())));
            }
        }
    }
    None
}

/// The object a module exports as its default or under `name` (a split `auth.config.ts`).
fn exported_object<'a>(p: &'a Parsed, name: &str) -> Option<&'a ObjectLit> {
    for item in &p.module.body {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(e)) if name == "default" => {
                return match unwrap_expr(&e.expr) {
                    Expr::Object(o) => Some(o),
                    Expr::Ident(i) => local_object(p, &i.sym).map(|x| x.0),
                    _ => None,
                };
            }
            _ => {}
        }
    }
    local_object(p, name).map(|x| x.0)
}

/// v4 route statements: `const handler = NextAuth(…)` and `export { handler as GET, handler as POST }`.
fn handler_statements(p: &Parsed) -> Vec<Range<usize>> {
    let Some(na) = ast::local_name(p, &["next-auth"], "default") else { return vec![] };
    let mut handler: Option<String> = None;
    let mut out = Vec::new();
    for item in &p.module.body {
        match item {
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) | ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), .. })) => {
                for d in &v.decls {
                    if let (Pat::Ident(i), Some(Expr::Call(c))) = (&d.name, d.init.as_deref().map(unwrap_expr)) {
                        if matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(x) if x.sym == na.as_str())) {
                            handler = Some(i.id.sym.to_string());
                            out.push(p.range(item.span()));
                        }
                    }
                }
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(n)) if n.src.is_none() => {
                let names_handler = n.specifiers.iter().any(|s| match s {
                    ExportSpecifier::Named(ns) => matches!(&ns.orig, ModuleExportName::Ident(i) if Some(i.sym.as_str()) == handler.as_deref()),
                    _ => false,
                });
                if names_handler {
                    out.push(p.range(item.span()));
                }
            }
            _ => {}
        }
    }
    out
}

fn props_of<'a>(file: &str, p: &Parsed, obj: &'a ObjectLit) -> Result<(Vec<OptProp<'a>>, Vec<&'a Expr>), ReadError> {
    let mut out = Vec::new();
    let mut spreads = Vec::new();
    for prop in &obj.props {
        match prop {
            PropOrSpread::Spread(s) => spreads.push(&*s.expr),
            PropOrSpread::Prop(pr) => match &**pr {
                Prop::KeyValue(kv) => {
                    let key = prop_name(&kv.key).ok_or_else(|| unreadable(file, "the options use a computed key"))?;
                    out.push(OptProp { key, value: Some(&kv.value), span: p.range(kv.span()) });
                }
                Prop::Shorthand(i) => out.push(OptProp { key: i.sym.to_string(), value: None, span: p.range(i.span) }),
                Prop::Method(m) => {
                    let key = prop_name(&m.key).ok_or_else(|| unreadable(file, "the options use a computed key"))?;
                    out.push(OptProp { key, value: None, span: p.range(m.span()) });
                }
                other => out.push(OptProp { key: "?".into(), value: None, span: p.range(other.span()) }),
            },
        }
    }
    Ok((out, spreads))
}

#[allow(clippy::too_many_arguments)]
fn read_object(
    project: &Project,
    file: &str,
    p: &Parsed,
    obj: &ObjectLit,
    shape: Shape,
    statements: Vec<Range<usize>>,
    major: u8,
) -> Result<AuthConfig, ReadError> {
    let text = project.text(file).unwrap_or("");
    let (own, spreads) = props_of(file, p, obj)?;
    let mut split_file = None;
    let mut cfg = AuthConfig {
        major,
        file: file.to_string(),
        shape,
        insert_at: statements.iter().map(|r| r.start).min().unwrap_or(0),
        statements,
        split_file: None,
        providers: vec![],
        adapter: None,
        session_max_age: None,
        session_update_age: None,
        session_strategy: None,
        secret: None,
        sign_in_page: None,
        base_path: None,
        unmapped: vec![],
        dropped: vec![],
    };
    // `...authConfig` from a split config file: its options first, this file's override them.
    for s in spreads {
        let Expr::Ident(i) = unwrap_expr(s) else { return Err(unreadable(file, "the options spread a value authfix cannot follow")) };
        let imp = ast::imports(p).into_iter().find(|im| im.specs.iter().any(|sp| sp.local == i.sym.as_str()));
        let (other, name) = match &imp {
            Some(im) => {
                let spec = im.specs.iter().find(|sp| sp.local == i.sym.as_str()).unwrap();
                let target = project.resolve_import(file, &im.src).ok_or_else(|| unreadable(file, format!("cannot find `{}`", im.src)))?;
                (target, spec.imported.clone())
            }
            None => (file.to_string(), i.sym.to_string()),
        };
        let op = project.parsed(&other).ok_or_else(|| unreadable(&other, "it does not parse"))?;
        let otext = project.text(&other).unwrap_or("");
        let o = exported_object(&op, &name).ok_or_else(|| unreadable(&other, format!("`{name}` is not an object literal")))?;
        let (props, more) = props_of(&other, &op, o)?;
        if !more.is_empty() {
            return Err(unreadable(&other, "the split configuration spreads another value"));
        }
        for pr in &props {
            absorb(&other, &op, otext, pr, &mut cfg)?;
        }
        if other != file {
            split_file = Some(other);
        }
    }
    for pr in &own {
        absorb(file, p, text, pr, &mut cfg)?;
    }
    cfg.split_file = split_file;
    Ok(cfg)
}

fn absorb(file: &str, p: &Parsed, text: &str, pr: &OptProp, cfg: &mut AuthConfig) -> Result<(), ReadError> {
    let value_text = |e: &Expr| text[p.range(e.span())].to_string();
    let whole = text[pr.span.clone()].to_string();
    match (pr.key.as_str(), pr.value.map(unwrap_expr)) {
        ("providers", Some(Expr::Array(a))) => {
            cfg.providers.clear();
            for el in a.elems.iter().flatten() {
                if el.spread.is_some() {
                    cfg.providers.push(Provider::Unmapped { id: None, text: text[p.range(el.span())].to_string(), reason: "a spread of providers".into() });
                    continue;
                }
                cfg.providers.push(read_provider(p, text, &el.expr, cfg.major));
            }
        }
        ("providers", _) => return Err(unreadable(file, "`providers` is not an array literal")),
        ("adapter", Some(e)) => cfg.adapter = Some(read_adapter(p, text, e)),
        ("session", Some(Expr::Object(o))) => {
            for (_, k, kv) in crate::rules::client_common::kv_props(o) {
                match k.as_str() {
                    "maxAge" => cfg.session_max_age = Some(value_text(&kv.value)),
                    "updateAge" => cfg.session_update_age = Some(value_text(&kv.value)),
                    "strategy" => cfg.session_strategy = const_str(&kv.value).or(Some(value_text(&kv.value))),
                    _ => cfg.unmapped.push(Unmapped { key: format!("session.{k}"), text: text[p.range(kv.span())].to_string() }),
                }
            }
        }
        ("secret", Some(e)) => {
            let env = crate::rules::env_common::secret::env_read(e);
            cfg.secret = match env.as_deref() {
                Some("AUTH_SECRET" | "NEXTAUTH_SECRET" | "BETTER_AUTH_SECRET") => None,
                _ => Some(value_text(e)),
            };
        }
        ("pages", Some(Expr::Object(o))) => {
            for (_, k, kv) in crate::rules::client_common::kv_props(o) {
                if k == "signIn" {
                    cfg.sign_in_page = const_str(&kv.value);
                }
            }
            cfg.unmapped.push(Unmapped { key: "pages".into(), text: whole });
        }
        ("basePath", Some(e)) => cfg.base_path = const_str(e),
        ("trustHost", _) => {
            cfg.dropped.push(("trustHost".into(), "Better Auth takes its origin from BETTER_AUTH_URL (or the request) and checks `trustedOrigins`"))
        }
        ("debug", _) => cfg.dropped.push(("debug".into(), "Better Auth logs through its `logger` option")),
        ("theme", _) => cfg.dropped.push(("theme".into(), "Better Auth has no built-in pages to theme")),
        (k, _) => cfg.unmapped.push(Unmapped { key: k.to_string(), text: whole }),
    }
    Ok(())
}

/// Auth.js provider ids → Better Auth `socialProviders` keys.
fn social_key(id: &str) -> Option<&'static str> {
    const SAME: &[&str] = &[
        "apple",
        "atlassian",
        "cognito",
        "discord",
        "dropbox",
        "facebook",
        "figma",
        "github",
        "gitlab",
        "google",
        "huggingface",
        "kakao",
        "line",
        "linkedin",
        "naver",
        "notion",
        "paypal",
        "reddit",
        "roblox",
        "salesforce",
        "slack",
        "spotify",
        "tiktok",
        "twitch",
        "twitter",
        "vk",
        "zoom",
        "vercel",
    ];
    match id {
        "azure-ad" | "microsoft-entra-id" => Some("microsoft"),
        _ => SAME.iter().find(|s| **s == id).copied(),
    }
}

/// The provider module a local identifier was imported from (`next-auth/providers/github` → `github`).
fn provider_module(p: &Parsed, local: &str) -> Option<String> {
    let imp = ast::imports(p).into_iter().find(|i| i.specs.iter().any(|s| s.local == local))?;
    let rest = imp.src.strip_prefix("next-auth/providers/").or_else(|| imp.src.strip_prefix("@auth/core/providers/"))?;
    Some(rest.to_string())
}

fn read_provider(p: &Parsed, text: &str, e: &Expr, major: u8) -> Provider {
    let whole = text[p.range(e.span())].to_string();
    let (callee, args): (Option<&str>, Option<&ObjectLit>) = match unwrap_expr(e) {
        Expr::Ident(i) => (Some(&*i.sym), None),
        Expr::Call(c) => {
            let callee = crate::rules::client_common::callee_ident(c);
            let obj = c.args.first().and_then(|a| match unwrap_expr(&a.expr) {
                Expr::Object(o) => Some(o),
                _ => None,
            });
            if c.args.len() > 1 || (!c.args.is_empty() && obj.is_none()) {
                return Provider::Unmapped { id: None, text: whole, reason: "its options are not an object literal".into() };
            }
            (callee, obj)
        }
        Expr::Object(o) => (None, Some(o)),
        _ => return Provider::Unmapped { id: None, text: whole, reason: "not a provider call authfix can read".into() },
    };
    let module = callee.and_then(|c| provider_module(p, c));
    let props: Vec<(String, &Expr)> =
        args.map(|o| crate::rules::client_common::kv_props(o).into_iter().map(|(_, k, kv)| (k, &*kv.value)).collect()).unwrap_or_default();
    let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| *v);
    let get_text = |k: &str| get(k).map(|v| text[p.range(v.span())].to_string());
    let own_id = get("id").and_then(const_str);
    if module.as_deref() == Some("credentials") {
        let id = own_id.unwrap_or_else(|| "credentials".into());
        return Provider::Credentials(read_credentials(p, text, id, &whole));
    }
    let leftovers = |skip: &[&str]| -> Vec<String> {
        args.map(|o| {
            o.props
                .iter()
                .filter(|pp| match pp {
                    PropOrSpread::Prop(pr) => match &**pr {
                        Prop::KeyValue(kv) => !prop_name(&kv.key).is_some_and(|k| skip.contains(&k.as_str())),
                        Prop::Shorthand(i) => !skip.contains(&&*i.sym),
                        _ => true,
                    },
                    _ => true,
                })
                .map(|pp| text[p.range(pp.span())].to_string())
                .collect()
        })
        .unwrap_or_default()
    };
    let id = own_id.clone().or(module.clone());
    // Issuer-based providers (OIDC discovery): the generic OAuth plugin.
    let issuer = get("issuer");
    let well_known = get("wellKnown");
    if issuer.is_some() || well_known.is_some() {
        let Some(id) = id else { return Provider::Unmapped { id: None, text: whole, reason: "an OIDC provider without an `id`".into() } };
        let discovery = match (well_known, issuer) {
            (Some(w), _) => text[p.range(w.span())].to_string(),
            (None, Some(i)) => match const_str(i) {
                Some(s) => format!("\"{}/.well-known/openid-configuration\"", s.trim_end_matches('/')),
                None => format!("`${{{}}}/.well-known/openid-configuration`", text[p.range(i.span())].trim()),
            },
            _ => unreachable!(),
        };
        let (Some(client_id), client_secret) =
            (get_text("clientId").or_else(|| default_env(major, &id, "ID")), get_text("clientSecret").or_else(|| default_env(major, &id, "SECRET")))
        else {
            return Provider::Unmapped { id: Some(id), text: whole, reason: "no `clientId`".into() };
        };
        return Provider::Generic {
            name: get("name").and_then(const_str),
            id,
            discovery,
            client_id,
            client_secret: client_secret.unwrap_or_else(|| "undefined".into()),
            leftovers: leftovers(&["id", "name", "type", "issuer", "wellKnown", "clientId", "clientSecret", "checks", "idToken", "authorization", "profile"])
                .into_iter()
                .chain(get_text("profile").map(|t| format!("profile: {t}")))
                .collect(),
        };
    }
    let Some(module) = module else {
        return Provider::Unmapped { id, text: whole, reason: "a custom provider without `issuer` or `wellKnown`".into() };
    };
    let Some(key) = social_key(&module) else {
        return Provider::Unmapped {
            id: Some(module.clone()),
            text: whole,
            reason: format!("Better Auth has no built-in `{module}` provider (use the genericOAuth plugin)"),
        };
    };
    // v5 reads AUTH_<ID>_ID / AUTH_<ID>_SECRET by itself; the new config names the variables it reads.
    let client_id = get_text("clientId").unwrap_or_else(|| format!("process.env.{}_CLIENT_ID", key.to_ascii_uppercase()));
    let client_secret = get_text("clientSecret").unwrap_or_else(|| format!("process.env.{}_CLIENT_SECRET", key.to_ascii_uppercase()));
    Provider::Social {
        key: key.to_string(),
        authjs_id: own_id.unwrap_or(module),
        client_id,
        client_secret,
        leftovers: leftovers(&["clientId", "clientSecret", "id"]),
    }
}

/// The environment variable v5 reads for a provider that names none (`AUTH_<ID>_ID`), as code.
fn default_env(major: u8, id: &str, what: &str) -> Option<String> {
    (major >= 5).then(|| format!("process.env.AUTH_{}_{what}", id.to_ascii_uppercase().replace('-', "_")))
}

fn read_credentials(p: &Parsed, text: &str, id: String, whole: &str) -> Credentials {
    // The hash library and how the file binds it.
    let mut hash = None;
    let mut binding = None;
    let mut hash_import = None;
    for imp in ast::imports(p) {
        let lib = match imp.src.as_str() {
            "bcrypt" | "bcryptjs" | "@node-rs/bcrypt" => HashLib::Bcrypt { module: imp.src.clone() },
            "argon2" | "@node-rs/argon2" => HashLib::Argon2 { module: imp.src.clone() },
            _ => continue,
        };
        let verify_name = if matches!(lib, HashLib::Bcrypt { .. }) { "compare" } else { "verify" };
        if let Some(ns) = imp.specs.iter().find(|s| s.imported == "default" || s.imported == "*") {
            binding = Some(HashBinding::Namespace(ns.local.clone()));
        } else if let Some(v) = imp.specs.iter().find(|s| s.imported == verify_name) {
            let hash = match imp.specs.iter().find(|s| s.imported == "hash") {
                Some(h) => Some(h.local.clone()),
                None => {
                    // Not imported: import it (under a name the file does not use), so new
                    // passwords get the same format as the old ones.
                    let taken = ast::top_level_names(p);
                    let local = ["hash", "hashPassword", "authfixHash"].iter().find(|n| !taken.iter().any(|t| t == *n)).map(|n| n.to_string());
                    hash_import = local.as_ref().map(|l| (imp.src.clone(), l.clone()));
                    local
                }
            };
            binding = Some(HashBinding::Named { verify: v.local.clone(), hash });
        } else {
            continue;
        }
        hash = Some(lib);
        break;
    }
    // The column: the hash argument of compare(password, X.col) / verify(X.col, password).
    let mut column = None;
    if let Some(b) = &binding {
        let verify_name = match (&hash, b) {
            (_, HashBinding::Named { verify, .. }) => verify.clone(),
            (Some(HashLib::Bcrypt { .. }), HashBinding::Namespace(ns)) => format!("{ns}.compare"),
            (_, HashBinding::Namespace(ns)) => format!("{ns}.verify"),
        };
        let hash_arg = if matches!(hash, Some(HashLib::Bcrypt { .. })) { 1 } else { 0 };
        let mut finder = CallText { callee: verify_name, found: None, text, p, arg: hash_arg };
        use swc_core::ecma::visit::VisitWith;
        p.module.visit_with(&mut finder);
        column = finder.found;
    }
    Credentials { id, hash, hash_binding: binding, hash_import, password_column: column, text: whole.to_string() }
}

/// Finds the first call to `callee` (`compare` or `bcrypt.compare`) and the last property name of
/// its `arg`-th argument (`user.passwordHash` → `passwordHash`).
struct CallText<'a> {
    callee: String,
    found: Option<String>,
    text: &'a str,
    p: &'a Parsed,
    arg: usize,
}

impl swc_core::ecma::visit::Visit for CallText<'_> {
    fn visit_call_expr(&mut self, n: &CallExpr) {
        use swc_core::ecma::visit::VisitWith;
        if self.found.is_none() {
            if let Callee::Expr(e) = &n.callee {
                if self.text[self.p.range(e.span())].replace(char::is_whitespace, "") == self.callee {
                    if let Some(a) = n.args.get(self.arg) {
                        if let Expr::Member(m) = unwrap_expr(&a.expr) {
                            if let MemberProp::Ident(i) = &m.prop {
                                self.found = Some(i.sym.to_string());
                            }
                        }
                        if let Expr::OptChain(oc) = unwrap_expr(&a.expr) {
                            if let OptChainBase::Member(m) = &*oc.base {
                                if let MemberProp::Ident(i) = &m.prop {
                                    self.found = Some(i.sym.to_string());
                                }
                            }
                        }
                    }
                }
            }
        }
        n.visit_children_with(self);
    }
}

fn read_adapter(p: &Parsed, text: &str, e: &Expr) -> Adapter {
    let whole = text[p.range(e.span())].to_string();
    let Expr::Call(c) = unwrap_expr(e) else { return Adapter::Other { module: String::new(), text: whole } };
    let Some(callee) = crate::rules::client_common::callee_ident(c) else { return Adapter::Other { module: String::new(), text: whole } };
    let module = ast::imports(p).into_iter().find(|i| i.specs.iter().any(|s| s.local == callee)).map(|i| i.src).unwrap_or_default();
    let arg0 = c.args.first().map(|a| text[p.range(a.expr.span())].to_string());
    match (module.as_str(), arg0) {
        ("@auth/prisma-adapter" | "@next-auth/prisma-adapter", Some(client)) => Adapter::Prisma { client },
        ("@auth/drizzle-adapter" | "@next-auth/drizzle-adapter", Some(db)) => {
            let mut tables = Vec::new();
            if let Some(Expr::Object(o)) = c.args.get(1).map(|a| unwrap_expr(&a.expr)) {
                for (_, k, kv) in crate::rules::client_common::kv_props(o) {
                    tables.push((k, text[p.range(kv.value.span())].to_string()));
                }
            }
            Adapter::Drizzle { db, tables }
        }
        ("@auth/pg-adapter", Some(pool)) => Adapter::Pg { pool },
        ("@auth/kysely-adapter" | "@next-auth/kysely-adapter", Some(db)) => Adapter::Kysely { db },
        _ => Adapter::Other { module, text: whole },
    }
}
