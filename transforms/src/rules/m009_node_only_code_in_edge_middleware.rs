use crate::ast;
use crate::declare_rule;
use crate::edit::{self, Edit};
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::config_common::{self as cfg, Value};
use crate::rules::import_walk::{self, Hit};
use crate::rules::middleware_common::{self as mw, Kind, MwFile};
use std::ops::Range;
use swc_core::ecma::ast::*;

declare_rule! {
    /// ## What it does
    /// Finds a `middleware.ts` that runs on the Edge runtime and imports — directly, or
    /// transitively through the auth config — code that only runs on Node.js: a database driver
    /// (`pg`, `mysql2`, `mongodb`, `mongoose`, `better-sqlite3`, Drizzle's Node drivers, Prisma
    /// Client without an edge driver adapter), a native password hash (`bcrypt`, `argon2`),
    /// nodemailer, or a Node.js built-in (`node:crypto`, `fs`, `net`, …).
    ///
    /// ## Why is this bad?
    /// A middleware file runs on the Edge runtime unless its config asks for Node.js: Next builds
    /// it for the edge server when `pageRuntime !== "nodejs"` (`runDependingOnPageType` in
    /// `next/dist/build/entries.js`, the runtime read statically from `export const config` /
    /// `export const runtime`). Next 16 still does this for the deprecated `middleware.ts`; only
    /// `proxy.ts` always runs on Node.js. The edge bundle cannot load Node.js modules: with
    /// `pg` imported through `auth.ts`, `next build` succeeds and every request the middleware
    /// matches answers 500 with "Failed to load external module node:util/types: TypeError: Native
    /// module not found" (next 16.4.6, seen in the proof tier). `export { auth as middleware }`
    /// from an `auth.ts` that holds the adapter is the usual way in.
    ///
    /// ## Example
    /// ```ts
    /// // middleware.ts
    /// export { auth as middleware } from "@/auth"; // auth.ts: NextAuth({ adapter: PostgresAdapter(pool), … })
    /// ```
    /// Use instead (the split Auth.js documents for edge middleware):
    /// ```ts
    /// // auth.config.ts: everything the middleware needs, no adapter
    /// export default { pages, callbacks, session: { strategy: "jwt" }, providers: [] } satisfies NextAuthConfig;
    /// // auth.ts
    /// export const { handlers, auth } = NextAuth({ ...authConfig, adapter: PostgresAdapter(pool), providers: [...] });
    /// // middleware.ts
    /// import NextAuth from "next-auth";
    /// import authConfig from "@/auth.config";
    /// const { auth } = NextAuth(authConfig);
    /// export { auth as middleware };
    /// ```
    /// On Next 16, moving the file to `proxy.ts` (M005) is the other way out: a proxy runs on Node.js.
    ///
    /// ## Fix safety
    /// Unsafe. For a v5 middleware that takes only `auth` from the auth config module, the fix
    /// creates `auth.config.<ext>` beside it with every option the middleware needs (`pages`,
    /// `callbacks`, `session`, `jwt`, `cookies`, `secret`, `trustHost`, `basePath`,
    /// `useSecureCookies`) moved out of the `NextAuth({ … })` object, `providers: []` and
    /// `session.strategy` set to "jwt"; the full config spreads it back, so the route handler keeps
    /// its providers and adapter. The session strategy becomes JWT (the edge cannot reach the
    /// database): with a database adapter, signed-in users sign in again once, and a `session`
    /// callback that reads `user` gets `token`. When one of those options itself uses the
    /// Node.js-only code (a `jwt` callback querying the database), when the config is not an
    /// object literal in that module, or the middleware imports the Node.js code another way, the
    /// diagnostic names the chain and the fix is left to the user. `runtime: "nodejs"` middleware
    /// and `proxy.ts` are not reported.
    pub struct NodeOnlyCodeInEdgeMiddleware {
        code: "M009",
        name: "node-only-code-in-edge-middleware",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Error,
        summary: "Edge-runtime middleware imports Node.js-only code (adapter, database client, bcrypt, `node:` modules): it fails at run time",
    }
}

/// The options the middleware's `auth` needs to read and check the session the way the route
/// handler wrote it.
const EDGE_KEYS: &[&str] =
    &["pages", "callbacks", "session", "jwt", "cookies", "secret", "trustHost", "basePath", "useSecureCookies", "redirectProxyUrl", "experimental"];

impl Rule for NodeOnlyCodeInEdgeMiddleware {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        for f in mw::loaded_files(project) {
            if f.kind != Kind::Middleware {
                continue;
            }
            let Some(p) = project.parsed(&f.path) else { continue };
            if runs_on_node(&p) {
                continue;
            }
            let hits = import_walk::node_only_imports(project, &f.path);
            let Some(first) = hits.first() else { continue };
            let imports = import_walk::value_imports(&p);
            // The middleware's own import that starts the chain.
            let anchor = match first.chain.get(1) {
                Some(next) => imports.iter().find(|i| project.resolve_import(&f.path, &i.src).as_deref() == Some(next.as_str())),
                None => imports.iter().find(|i| i.src == first.spec),
            };
            let range = anchor.map(|i| i.stmt.clone()).unwrap_or(0..0);
            let via = |h: &Hit| if h.chain.len() > 1 { format!(" (through {})", h.chain[1..].join(" → ")) } else { String::new() };
            let listed: Vec<String> = hits.iter().take(3).map(|h| format!("`{}` ({}){}", h.spec, h.what, via(h))).collect();
            let message = format!(
                "`{}` runs on the Edge runtime, but it imports {}: the edge bundle cannot load Node.js-only code, so every request the middleware matches fails (500, \"Native module not found\")",
                f.path,
                listed.join(", "),
            );
            let d = Diagnostic::new(&Self::META, &f.path, range.start, range.end, message);
            match split_fix(project, &f, &hits) {
                Ok(fix) => out.push(d.with_fix(fix)),
                Err(why) => out.push(d.with_note(why)),
            }
        }
    }
}

/// `export const config = { runtime: "nodejs" }` or `export const runtime = "nodejs"`.
fn runs_on_node(p: &crate::parse::Parsed) -> bool {
    if let Some((_, o)) = mw::config_object(p) {
        if let Some((_, kv)) = mw::find_prop(o, "runtime") {
            return mw::str_value(&kv.value).as_deref() == Some("nodejs");
        }
    }
    mw::exports(p).iter().any(|e| e.name == "runtime" && matches!(&e.val, mw::ExportVal::Expr(x) if mw::str_value(x).as_deref() == Some("nodejs")))
}

const MANUAL: &str = "Split the auth config: an `auth.config.ts` without the adapter and the Node.js-only providers (`session: { strategy: \"jwt\" }`), spread into `auth.ts`, and a middleware built from it with `NextAuth(authConfig)` — or, on Next 16, move the file to `proxy.ts` (Node.js).";

fn split_fix(project: &Project, f: &MwFile, hits: &[Hit]) -> Result<Fix, String> {
    if project.facts.auth_major != Some(5) {
        return Err(MANUAL.into());
    }
    // Every chain must go through one auth module, the middleware's only way to the Node.js code.
    let auth_file = hits[0].chain.get(1).cloned().ok_or(MANUAL)?;
    if hits.iter().any(|h| h.chain.get(1) != Some(&auth_file)) {
        return Err(MANUAL.into());
    }
    let mtext = project.text(&f.path).ok_or(MANUAL)?;
    let mp = project.parsed(&f.path).ok_or(MANUAL)?;
    // The middleware takes only `auth` from it.
    let mut form: Option<(Range<usize>, String)> = None; // (statement, replacement tail)
    for item in &mp.module.body {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::Import(d))
                if project.resolve_import(&f.path, d.src.value.as_str().unwrap_or("")).as_deref() == Some(auth_file.as_str()) =>
            {
                let [ImportSpecifier::Named(n)] = d.specifiers.as_slice() else { return Err(MANUAL.into()) };
                let imported = n.imported.as_ref().map(|x| match x {
                    ModuleExportName::Ident(i) => i.sym.to_string(),
                    ModuleExportName::Str(s) => s.value.as_str().unwrap_or("").to_string(),
                });
                if imported.as_deref().unwrap_or(&n.local.sym) != "auth" || form.is_some() {
                    return Err(MANUAL.into());
                }
                let bind = if &*n.local.sym == "auth" { "auth".to_string() } else { format!("auth: {}", n.local.sym) };
                form = Some((mp.range(d.span), format!("const {{ {bind} }} = NextAuth(authConfig)")));
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(NamedExport { src: Some(s), specifiers, span, .. }))
                if project.resolve_import(&f.path, s.value.as_str().unwrap_or("")).as_deref() == Some(auth_file.as_str()) =>
            {
                let [ExportSpecifier::Named(n)] = specifiers.as_slice() else { return Err(MANUAL.into()) };
                let (ModuleExportName::Ident(orig), Some(ModuleExportName::Ident(exported))) = (&n.orig, &n.exported) else { return Err(MANUAL.into()) };
                if &*orig.sym != "auth" || form.is_some() {
                    return Err(MANUAL.into());
                }
                form = Some((mp.range(*span), format!("const {{ auth }} = NextAuth(authConfig){{SEMI}}\nexport {{ auth as {} }}", exported.sym)));
            }
            _ => {}
        }
    }
    let (mstmt, tail) = form.ok_or(MANUAL)?;
    let names = ast::top_level_names(&mp);
    if names.iter().any(|n| n == "NextAuth" || n == "authConfig") || (tail.contains("export { auth as") && names.iter().any(|n| n == "auth")) {
        return Err(MANUAL.into());
    }
    // The config: an object literal written in the auth module.
    let config = cfg::auth_configs(project).into_iter().find(|c| c.call.0 == auth_file && c.file == auth_file).ok_or(MANUAL)?;
    let atext = project.text(&auth_file).ok_or(MANUAL)?;
    let ap = project.parsed(&auth_file).ok_or(MANUAL)?;
    let own = |p: &cfg::Prop| p.file == auth_file && p.range.start > config.range.start && p.range.end < config.range.end;
    if !config.complete || !config.props.iter().all(own) {
        return Err(MANUAL.into());
    }
    // Names of the auth module that lead to Node.js-only code.
    let aimports = import_walk::value_imports(&ap);
    let mut node_names: Vec<String> = Vec::new();
    for imp in &aimports {
        let bad = import_walk::node_only(&imp.src).is_some()
            || project.resolve_import(&auth_file, &imp.src).is_some_and(|t| !import_walk::node_only_imports(project, &t).is_empty());
        if bad {
            node_names.extend(imp.locals.iter().cloned());
        }
    }
    let top_locals: Vec<String> = {
        let imported: Vec<String> = ast::imports(&ap).into_iter().flat_map(|i| i.specs).map(|s| s.local).collect();
        ast::top_level_names(&ap).into_iter().filter(|n| !imported.contains(n)).collect()
    };
    let refs = ast::ident_refs(&ap.module);
    let refs_in = |r: &Range<usize>| -> Vec<String> {
        let mut v: Vec<String> = refs.iter().filter(|(_, s)| ap.lo(*s) >= r.start && ap.hi(*s) <= r.end).map(|(n, _)| n.clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    let moved: Vec<&cfg::Prop> = config.props.iter().filter(|p| EDGE_KEYS.contains(&p.key.as_str())).collect();
    let mut needed_imports: Vec<String> = Vec::new();
    for p in &moved {
        for n in refs_in(&p.range) {
            if node_names.contains(&n) {
                return Err(format!("The `{}` option uses `{n}`, which reaches Node.js-only code, and the middleware needs that option: move what it does out of the edge path, then split the config. {MANUAL}", p.key));
            }
            if top_locals.contains(&n) {
                return Err(format!("The `{}` option uses `{n}`, declared in {auth_file}: {MANUAL}", p.key));
            }
            if !needed_imports.contains(&n) && aimports.iter().any(|i| i.locals.contains(&n)) {
                needed_imports.push(n);
            }
        }
    }
    let top_names = ast::top_level_names(&ap);
    if top_names.iter().any(|n| n == "authConfig") {
        return Err(MANUAL.into());
    }
    // The new module, beside the auth module.
    let (dir, ext) = match auth_file.rsplit_once('.') {
        Some((stem, ext)) => (crate::project::parent(stem).to_string(), ext.to_string()),
        None => return Err(MANUAL.into()),
    };
    let new_path = if dir.is_empty() { format!("auth.config.{ext}") } else { format!("{dir}/auth.config.{ext}") };
    if project.exists(&new_path) {
        return Err(format!("`{new_path}` exists already: {MANUAL}"));
    }
    let style = project.file_style(&auth_file);
    let semi = style.semi();
    let ts = matches!(ext.as_str(), "ts" | "tsx" | "mts" | "cts");
    let mut content = String::new();
    if ts {
        content.push_str(&format!("import type {{ NextAuthConfig }} from {}{semi}\n", style.quote("next-auth")));
    }
    for imp in ast::imports(&ap) {
        let specs: Vec<&ast::ImportSpec> = imp.specs.iter().filter(|s| needed_imports.contains(&s.local)).collect();
        if specs.is_empty() {
            continue;
        }
        let default = specs.iter().find(|s| s.imported == "default").map(|s| s.local.clone());
        let star = specs.iter().find(|s| s.imported == "*").map(|s| format!("* as {}", s.local));
        let named: Vec<String> = specs
            .iter()
            .filter(|s| s.imported != "default" && s.imported != "*")
            .map(|s| if s.imported == s.local { s.local.clone() } else { format!("{} as {}", s.imported, s.local) })
            .collect();
        let mut clause: Vec<String> = default.into_iter().chain(star).collect();
        if !named.is_empty() {
            clause.push(format!("{{ {} }}", named.join(", ")));
        }
        content.push_str(&ast::import_line(&style, &clause.join(", "), &imp.src));
        content.push('\n');
    }
    if !content.is_empty() {
        content.push('\n');
    }
    content.push_str("// What the middleware needs to read the session, without the adapter and the providers:\n// the middleware runs on the Edge runtime, which cannot load the database code (authfix M009).\nexport default {\n");
    let mut has_session = false;
    for p in &moved {
        let mut t = atext[p.range.clone()].to_string();
        if p.key == "session" {
            has_session = true;
            t = with_jwt_strategy(p, atext, &style).ok_or(MANUAL)?;
        }
        content.push_str(&format!("  {t},\n"));
    }
    if !has_session {
        content.push_str(&format!("  session: {{ strategy: {} }},\n", style.quote("jwt")));
    }
    content.push_str("  providers: [],\n");
    content.push_str(if ts { "} satisfies NextAuthConfig" } else { "}" });
    content.push_str(semi);
    content.push('\n');

    // auth module: moved options out, `...authConfig` in, the import.
    let mut aedits: Vec<Edit> = Vec::new();
    let props = &config.props;
    for p in &moved {
        let idx = props.iter().position(|x| x.range == p.range).unwrap_or(0);
        let prev_end = (idx > 0).then(|| props[idx - 1].range.end);
        aedits.push(edit::delete_list_element(atext, p.range.start, p.range.end, prev_end));
    }
    let first = crate::edit::skip_trivia(atext, config.range.start + 1);
    if atext[config.range.start + 1..first].contains('\n') {
        let indent = crate::rules::client_common::indent_at(atext, first).to_string();
        aedits.push(Edit::insert(config.range.start + 1, format!("\n{indent}...authConfig,")));
    } else {
        aedits.push(Edit::insert(first, "...authConfig, "));
    }
    let import_spec = project.import_specifier(&auth_file, &new_path);
    let import_spec = if import_spec.starts_with("./") || import_spec.starts_with("../") { import_spec } else { "./auth.config".to_string() };
    aedits.push(ast::insert_import(&ap, atext, &ast::import_line(&style, "authConfig", &import_spec)));
    for (i, a) in aedits.iter().enumerate() {
        if aedits[i + 1..].iter().any(|b| a.conflicts(b)) {
            return Err(MANUAL.into());
        }
    }

    // middleware: built from the edge config.
    let mstyle = project.file_style(&f.path);
    let cfg_spec = project.import_specifier(&f.path, &new_path);
    let tail = tail.replace("{SEMI}", mstyle.semi());
    let imports_text = format!("{}\n{}", ast::import_line(&mstyle, "NextAuth", "next-auth"), ast::import_line(&mstyle, "authConfig", &cfg_spec));
    let tail = format!("{tail}{}", mstyle.semi());
    // `const { auth } = …` after the last import (an `export … from` form stays where it was).
    let last_import_end = mp
        .module
        .body
        .iter()
        .filter_map(|i| match i {
            ModuleItem::ModuleDecl(ModuleDecl::Import(d)) => Some(mp.range(d.span)),
            _ => None,
        })
        .next_back();
    let mut medits = Vec::new();
    match last_import_end {
        Some(last) if !tail.contains("export {") && last != mstmt => {
            medits.push(Edit::replace(mstmt.start, mstmt.end, imports_text));
            medits.push(Edit::insert(last.end, format!("\n\n{tail}")));
        }
        _ => medits.push(Edit::replace(mstmt.start, mstmt.end, format!("{imports_text}\n\n{tail}"))),
    }
    let _ = mtext;
    let mut changes = vec![Change::Create { file: new_path.clone(), content }];
    changes.extend(aedits.into_iter().map(|e| Change::edit(&auth_file, e)));
    changes.extend(medits.into_iter().map(|e| Change::edit(&f.path, e)));
    Ok(Fix::new(
        Applicability::Unsafe,
        format!("Split the auth config: `{new_path}` for the middleware (no adapter, JWT sessions), spread into `{auth_file}`"),
        changes,
    ))
}

/// The `session: { … }` property's text with `strategy: "jwt"`.
fn with_jwt_strategy(p: &cfg::Prop, text: &str, style: &crate::style::Style) -> Option<String> {
    let Value::Object(_) = &p.value else { return None };
    let whole = &text[p.range.clone()];
    let rel = |r: &Range<usize>| (r.start - p.range.start)..(r.end - p.range.start);
    if let Some(st) = p.sub("strategy") {
        let r = rel(&st.value_range);
        return Some(format!("{}{}{}", &whole[..r.start], style.quote("jwt"), &whole[r.end..]));
    }
    let open = p.value_range.start - p.range.start;
    if !whole[open..].starts_with('{') {
        return None;
    }
    Some(format!("{}{{ strategy: {},{}", &whole[..open], style.quote("jwt"), &whole[open + 1..]))
}
