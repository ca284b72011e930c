//! What the M rules share: where Next looks for `middleware`/`proxy` files, which export it runs,
//! the `config` export, and the edits that rename an export.
//!
//! Locations (`next/dist/build/index.js`, `next/dist/lib/find-pages-dir.js`): Next lists the files
//! directly inside the folder that holds `pages/` (else `app/`), looking at `./pages`/`./app` before
//! `./src/pages`/`./src/app`, and takes `middleware.<ext>` / `proxy.<ext>` with the default page
//! extensions `tsx`, `ts`, `jsx`, `js`. Exports (`next/dist/esm/build/templates/middleware.js`): a
//! proxy file runs `mod.proxy || mod.default`, a middleware file `mod.middleware || mod.default`;
//! `validateMiddlewareProxyExports` (`next/dist/esm/build/analysis/get-page-static-info.js`) fails
//! the build when neither is visible in the AST (a destructured `export const { auth: middleware }`
//! or a bare `export { default } from` is invisible to it).
use crate::ast::{prop_name, unwrap_expr};
use crate::edit::Edit;
use crate::parse::Parsed;
use crate::project::Project;
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;

/// The extensions Next loads a middleware/proxy file with (default `pageExtensions`).
pub const EXTS: &[&str] = &["ts", "tsx", "js", "jsx"];

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Middleware,
    Proxy,
}

impl Kind {
    /// The named export Next runs for this kind of file.
    pub fn export_name(self) -> &'static str {
        match self {
            Kind::Middleware => "middleware",
            Kind::Proxy => "proxy",
        }
    }
}

#[derive(Clone, Debug)]
pub struct MwFile {
    pub path: String,
    pub kind: Kind,
    /// The folder, with its trailing slash (`""`, `"src/"`, `"app/"`, `"src/app/"`).
    pub dir: String,
    pub ext: String,
}

/// Split `dir/stem.ext` into a middleware/proxy file description.
pub fn classify(path: &str) -> Option<MwFile> {
    let (dir, file) = match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    };
    let (stem, ext) = file.rsplit_once('.')?;
    if !EXTS.contains(&ext) {
        return None;
    }
    let kind = match stem {
        "middleware" => Kind::Middleware,
        "proxy" => Kind::Proxy,
        _ => return None,
    };
    Some(MwFile { path: path.to_string(), kind, dir: dir.to_string(), ext: ext.to_string() })
}

fn has_dir(project: &Project, d: &str) -> bool {
    project.has_dir(d)
}

/// The folder Next loads middleware/proxy from: `""` (the app root) or `"src/"`; `None` when the
/// project has neither a pages nor an app folder.
pub fn home(project: &Project) -> Option<&'static str> {
    let pages = if has_dir(project, "pages") {
        Some("")
    } else if has_dir(project, "src/pages") {
        Some("src/")
    } else {
        None
    };
    let app = if has_dir(project, "app") {
        Some("")
    } else if has_dir(project, "src/app") {
        Some("src/")
    } else {
        None
    };
    pages.or(app)
}

/// Middleware/proxy files at the convention level (`./` or `./src/`).
pub fn convention_files(project: &Project) -> Vec<MwFile> {
    // (`classify` only says yes to `middleware.<ext>` / `proxy.<ext>`: a cheap test first.)
    let named = |p: &str| {
        let p = p.strip_prefix("src/").unwrap_or(p);
        p.starts_with("middleware.") || p.starts_with("proxy.")
    };
    project.paths().filter(|p| named(p)).filter_map(classify).filter(|f| f.dir.is_empty() || f.dir == "src/").collect()
}

/// The middleware/proxy files at the folder Next loads them from (see [`home`]); when the project
/// shows no pages/app folder, those at its root. (Next loads `src/middleware.ts` only for an app
/// under `src/`; in a package with neither folder — a monorepo's i18n package exporting its own
/// `src/middleware.ts` helper — that file is an ordinary module.)
pub fn home_files(project: &Project) -> Vec<MwFile> {
    let h = home(project).unwrap_or("");
    convention_files(project).into_iter().filter(|f| f.dir == h).collect()
}

/// The middleware/proxy files Next actually loads: [`home_files`], without `proxy` files on a
/// Next known to be older than 16 (which has no proxy convention).
pub fn loaded_files(project: &Project) -> Vec<MwFile> {
    let old = next_major(project).is_some_and(|m| m < 16);
    home_files(project).into_iter().filter(|f| !(old && f.kind == Kind::Proxy)).collect()
}

/// The Next major version, when known.
pub fn next_major(project: &Project) -> Option<u32> {
    project.facts.next_version.map(|v| v.0)
}

/// Whether the project runs Next >= 16. Unknown versions count as 16 only for a `proxy` file
/// (which only Next 16 loads), so version-dependent claims are never made on a guess.
pub fn is_next16(project: &Project, f: &MwFile) -> bool {
    match next_major(project) {
        Some(m) => m >= 16,
        None => f.kind == Kind::Proxy,
    }
}

/// What an export binds.
#[derive(Clone, Debug)]
pub enum ExportVal<'a> {
    /// `export default <expr>`, `export const x = <expr>`.
    Expr(&'a Expr),
    /// `export function x() {}`, `export default function () {}`.
    Fn(&'a Function),
    /// `export { orig as x } from "src"`.
    ReExport { src: String, orig: String },
    /// `export { local as x }` (no source).
    Local(String),
    /// `export const { key: x } = init`.
    Destructured { key: String, init: Option<&'a Expr> },
    /// Anything else (classes, TS declarations, `let` without init…).
    Other,
}

#[derive(Clone, Debug)]
pub struct Export<'a> {
    /// The exported name (`default` for the default export).
    pub name: String,
    /// The whole export statement.
    pub stmt: Span,
    /// The span of the exported name as written (the identifier to rename), if any.
    pub name_span: Option<Span>,
    /// For `export { a }` without `as`: the specifier's span (renaming needs `a as b`).
    pub bare_spec: Option<Span>,
    /// For `export function x` / `export const x = …` with one declarator: the declaration after
    /// the `export` keyword (so the keyword can be dropped and the binding exported under an alias).
    pub decl_span: Option<Span>,
    pub val: ExportVal<'a>,
}

fn export_name_str(n: &ModuleExportName) -> String {
    match n {
        ModuleExportName::Ident(i) => i.sym.to_string(),
        ModuleExportName::Str(s) => s.value.as_str().unwrap_or("").to_string(),
    }
}

/// The module's value exports (type-only exports left out).
pub fn exports(p: &Parsed) -> Vec<Export<'_>> {
    let mut out = Vec::new();
    for item in &p.module.body {
        let ModuleItem::ModuleDecl(decl) = item else { continue };
        match decl {
            ModuleDecl::ExportDefaultExpr(e) => {
                out.push(Export { name: "default".into(), stmt: e.span, name_span: None, bare_spec: None, decl_span: None, val: ExportVal::Expr(&e.expr) })
            }
            ModuleDecl::ExportDefaultDecl(d) => {
                let val = match &d.decl {
                    DefaultDecl::Fn(f) => ExportVal::Fn(&f.function),
                    _ => ExportVal::Other,
                };
                out.push(Export { name: "default".into(), stmt: d.span, name_span: None, bare_spec: None, decl_span: None, val });
            }
            ModuleDecl::ExportDecl(e) => match &e.decl {
                Decl::Fn(f) => out.push(Export {
                    name: f.ident.sym.to_string(),
                    stmt: e.span,
                    name_span: Some(f.ident.span),
                    bare_spec: None,
                    decl_span: Some(f.function.span),
                    val: ExportVal::Fn(&f.function),
                }),
                Decl::Var(v) => {
                    for d in &v.decls {
                        match &d.name {
                            Pat::Ident(i) => out.push(Export {
                                name: i.id.sym.to_string(),
                                stmt: e.span,
                                name_span: Some(i.id.span),
                                bare_spec: None,
                                decl_span: (v.decls.len() == 1).then_some(v.span),
                                val: d.init.as_deref().map_or(ExportVal::Other, ExportVal::Expr),
                            }),
                            Pat::Object(o) => {
                                for prop in &o.props {
                                    match prop {
                                        ObjectPatProp::KeyValue(kv) => {
                                            if let (PropName::Ident(k), Pat::Ident(v)) = (&kv.key, &*kv.value) {
                                                out.push(Export {
                                                    name: v.id.sym.to_string(),
                                                    stmt: e.span,
                                                    name_span: Some(v.id.span),
                                                    bare_spec: None,
                                                    decl_span: None,
                                                    val: ExportVal::Destructured { key: k.sym.to_string(), init: d.init.as_deref() },
                                                });
                                            }
                                        }
                                        ObjectPatProp::Assign(a) => out.push(Export {
                                            name: a.key.sym.to_string(),
                                            stmt: e.span,
                                            name_span: Some(a.key.span),
                                            bare_spec: None,
                                            decl_span: None,
                                            val: ExportVal::Destructured { key: a.key.sym.to_string(), init: d.init.as_deref() },
                                        }),
                                        ObjectPatProp::Rest(_) => {}
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                Decl::Class(c) => out.push(Export {
                    name: c.ident.sym.to_string(),
                    stmt: e.span,
                    name_span: Some(c.ident.span),
                    bare_spec: None,
                    decl_span: None,
                    val: ExportVal::Other,
                }),
                _ => {}
            },
            ModuleDecl::ExportNamed(n) => {
                if n.type_only {
                    continue;
                }
                let src = n.src.as_ref().map(|s| s.value.as_str().unwrap_or("").to_string());
                for s in &n.specifiers {
                    let ExportSpecifier::Named(ns) = s else { continue };
                    if ns.is_type_only {
                        continue;
                    }
                    let orig = export_name_str(&ns.orig);
                    let (name, name_span, bare) = match &ns.exported {
                        Some(x) => (export_name_str(x), Some(x.span()), None),
                        None => (orig.clone(), Some(ns.orig.span()), Some(ns.span)),
                    };
                    let val = match &src {
                        Some(src) => ExportVal::ReExport { src: src.clone(), orig },
                        None => ExportVal::Local(orig),
                    };
                    out.push(Export { name, stmt: n.span, name_span, bare_spec: bare, decl_span: None, val });
                }
            }
            _ => {}
        }
    }
    out
}

/// The export Next runs for a file of this kind (`proxy`/`middleware` first, then `default`).
pub fn running_export<'a, 'b>(exps: &'b [Export<'a>], kind: Kind) -> Option<&'b Export<'a>> {
    exps.iter().find(|e| e.name == kind.export_name()).or_else(|| exps.iter().find(|e| e.name == "default"))
}

/// Edits renaming the export `from` to `to` (`export function from`, `export const from`,
/// `export { x as from }`, `export { from }`). Declarations are renamed with every reference in
/// the file; when the name `to` is already bound in the file (an import, a local), or a property
/// shorthand would change its key, the declaration keeps its name and is exported under the new
/// one instead (`function middleware() {}` + `export { middleware as proxy };`, as @next/codemod
/// does with its `_proxy1` alias). `None` for forms it does not handle (destructured exports, a
/// declaration with several declarators whose name is taken).
pub fn rename_export(p: &Parsed, text: &str, exp: &Export, to: &str) -> Option<Vec<Edit>> {
    let names = crate::ast::top_level_names(p);
    match &exp.val {
        ExportVal::Destructured { .. } => None,
        ExportVal::ReExport { .. } | ExportVal::Local(_) => {
            if exp.bare_spec.is_some() {
                // `export { middleware }` -> `export { middleware as proxy }`
                let name_span = exp.name_span?;
                return Some(vec![Edit::insert(p.hi(name_span), format!(" as {to}"))]);
            }
            let span = exp.name_span?;
            Some(vec![Edit::replace(p.lo(span), p.hi(span), to)])
        }
        ExportVal::Fn(_) | ExportVal::Expr(_) | ExportVal::Other => {
            let span = exp.name_span?;
            let from = &text[p.range(span)];
            let taken = names.iter().any(|n| n == to) || crate::ast::ident_refs(&p.module).iter().any(|(n, _)| n == to);
            // A property shorthand `{ middleware }` would change its key if renamed.
            let shorthand = text.contains(&format!("{{ {from} }}")) || text.contains(&format!("{{{from}}}"));
            if taken || shorthand {
                return export_under_alias(p, text, exp, from, to);
            }
            // The declaration and every reference to the binding.
            let mut edits: Vec<Edit> =
                crate::ast::ident_refs(&p.module).into_iter().filter(|(n, _)| n == from).map(|(_, s)| Edit::replace(p.lo(s), p.hi(s), to)).collect();
            if !edits.iter().any(|e| e.start == p.lo(span)) {
                edits.push(Edit::replace(p.lo(span), p.hi(span), to));
            }
            edits.sort_by_key(|e| e.start);
            edits.dedup();
            Some(edits)
        }
    }
}

/// `export function from() {}` -> `function from() {}` … `export { from as to };` at the end.
fn export_under_alias(p: &Parsed, text: &str, exp: &Export, from: &str, to: &str) -> Option<Vec<Edit>> {
    let decl = exp.decl_span?;
    let (stmt_lo, decl_lo) = (p.lo(exp.stmt), p.lo(decl));
    if decl_lo <= stmt_lo || !text[stmt_lo..decl_lo].trim().eq("export") {
        return None;
    }
    let style = crate::style::Style::detect(text);
    let line = format!("export {{ {from} as {to} }}{}", style.semi());
    let end = text.len();
    let add = if text.ends_with('\n') { format!("{line}\n") } else { format!("\n{line}\n") };
    Some(vec![Edit::delete(stmt_lo, decl_lo), Edit::insert(end, add)])
}

/// `export const config = { ... }`: the statement and the object.
pub fn config_object(p: &Parsed) -> Option<(Span, &ObjectLit)> {
    for item in &p.module.body {
        let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) = item else { continue };
        let Decl::Var(v) = &e.decl else { continue };
        for d in &v.decls {
            if let Pat::Ident(i) = &d.name {
                if &*i.id.sym == "config" {
                    let mut init = d.init.as_deref()?;
                    // `{ ... } satisfies Config` / `as const`
                    loop {
                        match init {
                            Expr::TsSatisfies(s) => init = &s.expr,
                            Expr::TsAs(s) => init = &s.expr,
                            Expr::TsConstAssertion(s) => init = &s.expr,
                            Expr::Paren(s) => init = &s.expr,
                            _ => break,
                        }
                    }
                    if let Expr::Object(o) = init {
                        return Some((e.span, o));
                    }
                    return None;
                }
            }
        }
    }
    None
}

/// The segment-config names Next reads statically from a middleware/proxy file.
pub const SEGMENT_CONFIG: &[&str] = &["config", "runtime"];

/// A `config`/`runtime` export Next cannot read: exported through a specifier (`export { config }`,
/// `export { runtime } from "./x"`) instead of declared (`export const config = { … }`). Next's
/// static analysis reads only `export const NAME = <literal>` (`extractExportedConstValue`,
/// `next/dist/build/analysis/extract-const-value.js`: the webpack build silently ignores the
/// export, so the matcher is not applied); Turbopack, the default `next build` on Next 16, fails:
/// "Next.js can't recognize the exported `config` field in route. It mustn't be reexported."
#[derive(Clone, Debug)]
pub struct UnreadableSegmentExport {
    /// `config` or `runtime` (the exported name).
    pub name: String,
    /// The specifier (`config`, `c as config`).
    pub spec: Span,
    /// The whole `export { … }` statement.
    pub stmt: Span,
    /// `Some(source)` for `export { config } from "source"`.
    pub src: Option<String>,
    /// The local binding exported (`config` for `export { config }`).
    pub local: String,
    /// Every specifier of the statement, in order (to delete one of them cleanly).
    pub siblings: Vec<Span>,
}

pub fn unreadable_segment_exports(p: &Parsed) -> Vec<UnreadableSegmentExport> {
    let mut out = Vec::new();
    for item in &p.module.body {
        let ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(n)) = item else { continue };
        if n.type_only {
            continue;
        }
        let siblings: Vec<Span> = n.specifiers.iter().map(|s| s.span()).collect();
        for s in &n.specifiers {
            let ExportSpecifier::Named(ns) = s else { continue };
            if ns.is_type_only {
                continue;
            }
            let local = export_name_str(&ns.orig);
            let name = ns.exported.as_ref().map_or_else(|| local.clone(), export_name_str);
            if SEGMENT_CONFIG.contains(&name.as_str()) {
                out.push(UnreadableSegmentExport {
                    name,
                    spec: ns.span,
                    stmt: n.span,
                    src: n.src.as_ref().map(|s| s.value.as_str().unwrap_or("").to_string()),
                    local,
                    siblings: siblings.clone(),
                });
            }
        }
    }
    out
}

/// A top-level, non-exported `const`/`let`/`var` declaring `name`: the statement, the declarator
/// and the declarators of the statement (in order).
pub fn local_var_decl<'a>(p: &'a Parsed, name: &str) -> Option<(Span, &'a VarDeclarator, &'a [VarDeclarator])> {
    for item in &p.module.body {
        let ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) = item else { continue };
        if let Some(d) = v.decls.iter().find(|d| matches!(&d.name, Pat::Ident(i) if &*i.id.sym == name)) {
            return Some((v.span, d, &v.decls));
        }
    }
    None
}

/// Whether `name` is referenced anywhere but in `decl` (its declarator) and `spec` (an export
/// specifier).
pub fn referenced_elsewhere(p: &Parsed, name: &str, decl: Span, spec: Span) -> bool {
    crate::ast::ident_refs(&p.module).iter().any(|(n, s)| n == name && !(decl.lo <= s.lo && s.hi <= decl.hi) && !(spec.lo <= s.lo && s.hi <= spec.hi))
}

/// Whether the module exports `config` in any form (so a missing `export const config = {}` really
/// means no config).
pub fn exports_config(exps: &[Export]) -> bool {
    exps.iter().any(|e| e.name == "config")
}

/// The `key: value` property of an object literal, with its index.
pub fn find_prop<'a>(o: &'a ObjectLit, key: &str) -> Option<(usize, &'a KeyValueProp)> {
    o.props.iter().enumerate().find_map(|(i, p)| match p {
        PropOrSpread::Prop(p) => match &**p {
            Prop::KeyValue(kv) if prop_name(&kv.key).as_deref() == Some(key) => Some((i, kv)),
            _ => None,
        },
        _ => None,
    })
}

/// Whether a property (shorthand, method or key-value) with this key exists.
pub fn has_prop(o: &ObjectLit, key: &str) -> bool {
    o.props.iter().any(|p| match p {
        PropOrSpread::Prop(p) => match &**p {
            Prop::KeyValue(kv) => prop_name(&kv.key).as_deref() == Some(key),
            Prop::Shorthand(i) => &*i.sym == key,
            Prop::Method(m) => prop_name(&m.key).as_deref() == Some(key),
            _ => false,
        },
        _ => false,
    })
}

/// A string literal's value (also a template literal without expressions).
pub fn str_value(e: &Expr) -> Option<String> {
    match unwrap_expr(e) {
        Expr::Lit(Lit::Str(s)) => s.value.as_str().map(String::from),
        Expr::Tpl(t) if t.exprs.is_empty() && t.quasis.len() == 1 => t.quasis[0].cooked.as_ref().and_then(|c| c.as_str()).map(String::from),
        _ => None,
    }
}

/// Whether an import source points into the project (relative, or through the path alias), not
/// at a package such as `next-auth` or `@clerk/nextjs`.
pub fn is_project_module(project: &Project, src: &str) -> bool {
    if src.starts_with("./") || src.starts_with("../") {
        return true;
    }
    match &project.facts.alias {
        Some(a) => src.starts_with(a.prefix.as_str()),
        None => src.starts_with("@/") || src.starts_with("~/"),
    }
}

/// Whether a `middleware`/`proxy` file reads like Next middleware (and not, say, a dev-server
/// proxy script that happens to be called `proxy.js`): it uses `next/server` or Auth.js, exports a
/// matcher config, or re-exports an `auth` function.
pub fn looks_like_next_middleware(text: &str) -> bool {
    ["next/server", "next-auth", "@auth/", "matcher", "{ auth", "auth as ", "auth }", "NextRequest", "NextResponse"].iter().any(|w| text.contains(w))
}

/// next.config keys Next 16 renamed with the proxy convention (the old names still work, with a
/// deprecation warning; both set is an error — `next/dist/server/config.js`): the experimental ones
/// live under `experimental`, `skipMiddlewareUrlNormalize` at the top level. The same list as
/// @next/codemod's `middleware-to-proxy` (`CONFIG_PROPERTY_MAP`).
pub const RENAMED_CONFIG_KEYS: &[(&str, &str, bool)] = &[
    ("middlewarePrefetch", "proxyPrefetch", true),
    ("middlewareClientMaxBodySize", "proxyClientMaxBodySize", true),
    ("externalMiddlewareRewritesResolve", "externalProxyRewritesResolve", true),
    ("skipMiddlewareUrlNormalize", "skipProxyUrlNormalize", false),
];

/// The edits renaming those keys in the app's `next.config.*`: properties of object literals
/// (`experimental: { middlewarePrefetch: … }`, `skipMiddlewareUrlNormalize: true`, in a plain
/// object, a function's returned object or a wrapper's argument) and assignments
/// (`config.experimental.middlewarePrefetch = …`). A key whose new name is already set beside it
/// is left alone (Next refuses both).
pub fn next_config_renames(project: &Project) -> Vec<crate::rule::Change> {
    use swc_core::ecma::visit::{Visit, VisitWith};
    struct V<'a> {
        p: &'a Parsed,
        in_experimental: Vec<bool>,
        edits: Vec<Edit>,
    }
    fn key_of(k: &PropName) -> Option<(String, Span)> {
        match k {
            PropName::Ident(i) => Some((i.sym.to_string(), i.span)),
            PropName::Str(s) => s.value.as_str().map(|v| (v.to_string(), s.span)),
            _ => None,
        }
    }
    fn new_key(k: &PropName, name: &str) -> String {
        match k {
            PropName::Str(s) => {
                let q = if s.raw.as_ref().is_some_and(|r| r.starts_with('\'')) { '\'' } else { '"' };
                format!("{q}{name}{q}")
            }
            _ => name.to_string(),
        }
    }
    impl Visit for V<'_> {
        fn visit_object_lit(&mut self, o: &ObjectLit) {
            let exp = *self.in_experimental.last().unwrap_or(&false);
            let keys: Vec<String> = o
                .props
                .iter()
                .filter_map(|pp| match pp {
                    PropOrSpread::Prop(pp) => match &**pp {
                        Prop::KeyValue(kv) => key_of(&kv.key).map(|k| k.0),
                        Prop::Shorthand(i) => Some(i.sym.to_string()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            for pp in &o.props {
                let PropOrSpread::Prop(pp) = pp else { continue };
                let Prop::KeyValue(kv) = &**pp else { continue };
                let Some((k, span)) = key_of(&kv.key) else { continue };
                if let Some((_, new, under_exp)) = RENAMED_CONFIG_KEYS.iter().find(|(old, _, _)| *old == k) {
                    if *under_exp == exp && !keys.iter().any(|x| x == new) {
                        self.edits.push(Edit::replace(self.p.lo(span), self.p.hi(span), new_key(&kv.key, new)));
                    }
                }
            }
            for pp in &o.props {
                match pp {
                    PropOrSpread::Prop(inner) => match &**inner {
                        Prop::KeyValue(kv) => {
                            let is_exp = key_of(&kv.key).is_some_and(|k| k.0 == "experimental");
                            self.in_experimental.push(is_exp);
                            kv.value.visit_with(self);
                            self.in_experimental.pop();
                        }
                        other => {
                            self.in_experimental.push(false);
                            other.visit_children_with(self);
                            self.in_experimental.pop();
                        }
                    },
                    PropOrSpread::Spread(sp) => {
                        self.in_experimental.push(false);
                        sp.visit_with(self);
                        self.in_experimental.pop();
                    }
                }
            }
        }
        fn visit_assign_expr(&mut self, a: &AssignExpr) {
            if let AssignTarget::Simple(SimpleAssignTarget::Member(m)) = &a.left {
                if let MemberProp::Ident(prop) = &m.prop {
                    let parent_is_exp = matches!(&*m.obj, Expr::Member(pm) if matches!(&pm.prop, MemberProp::Ident(i) if &*i.sym == "experimental"));
                    if let Some((_, new, under_exp)) = RENAMED_CONFIG_KEYS.iter().find(|(old, _, _)| *old == &*prop.sym) {
                        if *under_exp == parent_is_exp {
                            self.edits.push(Edit::replace(self.p.lo(prop.span), self.p.hi(prop.span), *new));
                        }
                    }
                }
            }
            a.visit_children_with(self);
        }
    }
    let mut out = Vec::new();
    for f in ["next.config.ts", "next.config.mts", "next.config.js", "next.config.mjs", "next.config.cjs"] {
        let Some(text) = project.text(f) else { continue };
        if !RENAMED_CONFIG_KEYS.iter().any(|(old, _, _)| text.contains(old)) {
            continue;
        }
        let Some(p) = project.parsed(f) else { continue };
        let mut v = V { p: &p, in_experimental: vec![], edits: vec![] };
        p.module.visit_with(&mut v);
        out.extend(v.edits.into_iter().map(|e| crate::rule::Change::edit(f, e)));
    }
    out
}
