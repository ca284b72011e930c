//! The project's Auth.js configuration as the second-wave rules read it (C005, S007, S009, M009,
//! M010, E010): the object passed to `NextAuth(…)` (v4 route handler or v5 `auth.ts`), found
//! inline, through a local `const`, or imported from a project module, with `...spread`
//! properties followed one module deep. Everything is owned data (ranges into the files), so a
//! rule can hold several configs from several files at once.
use crate::ast;
use crate::ast::{prop_name as key_name, unwrap_expr as strip_parens};
use crate::parse::Parsed;
use crate::project::Project;
use std::ops::Range;
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;

/// What a property's value is, as far as the rules care.
#[derive(Clone, Debug)]
pub enum Value {
    Str(String),
    Object(Vec<Prop>),
    Array(Vec<Element>),
    Other,
}

#[derive(Clone, Debug)]
pub struct Element {
    pub range: Range<usize>,
    /// The callee of a call element (`GitHub` in `GitHub({ … })`, or a bare identifier `GitHub`).
    pub callee: Option<String>,
    /// The module the callee is imported from, when it is imported.
    pub module: Option<String>,
    pub spread: bool,
}

#[derive(Clone, Debug)]
pub struct Prop {
    pub key: String,
    /// The file the property is written in (a spread brings properties from another file).
    pub file: String,
    pub range: Range<usize>,
    pub value_range: Range<usize>,
    pub value: Value,
}

#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// The file holding the object literal passed to `NextAuth` (or its binding).
    pub file: String,
    /// The object literal's range in `file` (braces included).
    pub range: Range<usize>,
    /// Its properties, spreads resolved (a later key wins, as in JavaScript).
    pub props: Vec<Prop>,
    /// False when a spread or the config itself could not be read (a function config, a spread
    /// of something unknown): rules then say nothing about what is missing.
    pub complete: bool,
    /// The `NextAuth(` call's callee range and file.
    pub call: (String, Range<usize>),
}

impl AuthConfig {
    pub fn get(&self, key: &str) -> Option<&Prop> {
        self.props.iter().rev().find(|p| p.key == key)
    }
}

impl Prop {
    pub fn sub(&self, key: &str) -> Option<&Prop> {
        match &self.value {
            Value::Object(ps) => ps.iter().rev().find(|p| p.key == key),
            _ => None,
        }
    }
}

pub const CREDENTIALS_MODULES: &[&str] = &["next-auth/providers/credentials", "@auth/core/providers/credentials"];

impl Element {
    pub fn is_credentials(&self) -> bool {
        self.module.as_deref().is_some_and(|m| CREDENTIALS_MODULES.contains(&m))
            || self.module.is_none() && self.callee.as_deref().is_some_and(|c| c == "Credentials" || c == "CredentialsProvider")
    }
}

/// Every Auth.js config of the project (one per `NextAuth(…)` call), in file order.
pub fn auth_configs(project: &Project) -> Vec<AuthConfig> {
    let mut out: Vec<AuthConfig> = Vec::new();
    for f in project.source_files_containing("next-auth") {
        let text = project.text(f).unwrap_or("");
        if !text.contains("NextAuth") && !text.contains("next-auth\"") && !text.contains("next-auth'") {
            continue;
        }
        let Some(p) = project.parsed(f) else { continue };
        let Some(na) = ast::local_name(&p, &["next-auth"], "default") else { continue };
        let mut calls: Vec<(Range<usize>, Option<Expr>)> = Vec::new();
        collect_calls(&p, &na, &mut calls);
        for (callee, arg) in calls {
            let call = (f.to_string(), callee);
            let Some(arg) = arg else { continue };
            let found = match strip_parens(&arg) {
                Expr::Object(o) => Some((f.to_string(), p.range(o.span), read_object(project, f, &p, o, 0))),
                Expr::Ident(i) => resolve_object(project, f, &p, &i.sym, 0),
                _ => None,
            };
            match found {
                Some((file, range, (props, complete))) => {
                    if !out.iter().any(|c| c.file == file && c.range == range) {
                        out.push(AuthConfig { file, range, props, complete, call });
                    }
                }
                None => out.push(AuthConfig { file: f.to_string(), range: 0..0, props: vec![], complete: false, call }),
            }
        }
    }
    out
}

fn collect_calls(p: &Parsed, na: &str, out: &mut Vec<(Range<usize>, Option<Expr>)>) {
    use swc_core::ecma::visit::{Visit, VisitWith};
    struct V<'a> {
        p: &'a Parsed,
        na: &'a str,
        out: &'a mut Vec<(Range<usize>, Option<Expr>)>,
    }
    impl Visit for V<'_> {
        fn visit_call_expr(&mut self, c: &CallExpr) {
            if let Callee::Expr(e) = &c.callee {
                if let Expr::Ident(i) = &**e {
                    if &*i.sym == self.na {
                        self.out.push((self.p.range(i.span), c.args.first().filter(|a| a.spread.is_none()).map(|a| (*a.expr).clone())));
                    }
                }
            }
            c.visit_children_with(self);
        }
    }
    p.module.visit_with(&mut V { p, na, out });
}

/// An object found for a name: its file, its range there, its properties and whether they are complete.
type Resolved = (String, Range<usize>, (Vec<Prop>, bool));

/// The object literal a name is bound to: a top-level `const x = { … }` (type wrappers allowed) in
/// `file`, or a named/default export of the project module it is imported from.
fn resolve_object(project: &Project, file: &str, p: &Parsed, name: &str, depth: u8) -> Option<Resolved> {
    if depth > 2 {
        return None;
    }
    if let Some(o) = local_object(p, name) {
        return Some((file.to_string(), p.range(o.span), read_object(project, file, p, o, depth)));
    }
    let imp = ast::imports(p).into_iter().find(|i| i.specs.iter().any(|s| s.local == name && !s.type_only))?;
    let spec = imp.specs.iter().find(|s| s.local == name)?;
    let target = project.resolve_import(file, &imp.src)?;
    let tp = project.parsed(&target)?;
    let o = if spec.imported == "default" { default_object(&tp) } else { exported_object(&tp, &spec.imported) }?;
    Some((target.clone(), tp.range(o.span), read_object(project, &target, &tp, o, depth + 1)))
}

fn unwrap_obj(e: &Expr) -> Option<&ObjectLit> {
    match strip_parens(e) {
        Expr::Object(o) => Some(o),
        _ => None,
    }
}

fn local_object<'a>(p: &'a Parsed, name: &str) -> Option<&'a ObjectLit> {
    for item in &p.module.body {
        let v = match item {
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => v,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), .. })) => v,
            _ => continue,
        };
        for d in &v.decls {
            if matches!(&d.name, Pat::Ident(i) if &*i.id.sym == name) {
                return d.init.as_deref().and_then(unwrap_obj);
            }
        }
    }
    None
}

fn exported_object<'a>(p: &'a Parsed, name: &str) -> Option<&'a ObjectLit> {
    for item in &p.module.body {
        if let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), .. })) = item {
            for d in &v.decls {
                if matches!(&d.name, Pat::Ident(i) if &*i.id.sym == name) {
                    return d.init.as_deref().and_then(unwrap_obj);
                }
            }
        }
        if let ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(n)) = item {
            if n.src.is_none() {
                for s in &n.specifiers {
                    if let ExportSpecifier::Named(ns) = s {
                        let exported = ns.exported.as_ref().unwrap_or(&ns.orig);
                        if matches!(exported, ModuleExportName::Ident(i) if &*i.sym == name) {
                            if let ModuleExportName::Ident(o) = &ns.orig {
                                return local_object(p, &o.sym);
                            }
                        }
                    }
                }
            }
        }
    }
    None
}

fn default_object(p: &Parsed) -> Option<&ObjectLit> {
    for item in &p.module.body {
        if let ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(e)) = item {
            return match strip_parens(&e.expr) {
                Expr::Object(o) => Some(o),
                Expr::Ident(i) => local_object(p, &i.sym),
                _ => None,
            };
        }
    }
    None
}

/// The properties of an object literal, spreads resolved; `false` when something could not be read.
fn read_object(project: &Project, file: &str, p: &Parsed, o: &ObjectLit, depth: u8) -> (Vec<Prop>, bool) {
    let mut props = Vec::new();
    let mut complete = true;
    for pp in &o.props {
        match pp {
            PropOrSpread::Spread(s) => match strip_parens(&s.expr) {
                Expr::Ident(i) => match resolve_object(project, file, p, &i.sym, depth + 1) {
                    Some((_, _, (ps, c))) => {
                        props.extend(ps);
                        complete &= c;
                    }
                    None => complete = false,
                },
                _ => complete = false,
            },
            PropOrSpread::Prop(pr) => match &**pr {
                swc_core::ecma::ast::Prop::KeyValue(kv) => {
                    let Some(key) = key_name(&kv.key) else {
                        complete = false;
                        continue;
                    };
                    props.push(Prop {
                        key,
                        file: file.to_string(),
                        range: p.range(kv.span()),
                        value_range: p.range(kv.value.span()),
                        value: read_value(project, file, p, &kv.value, depth),
                    });
                }
                swc_core::ecma::ast::Prop::Shorthand(i) => {
                    let value = match local_object(p, &i.sym) {
                        Some(o) => Value::Object(read_object(project, file, p, o, depth + 1).0),
                        None => Value::Other,
                    };
                    props.push(Prop { key: i.sym.to_string(), file: file.to_string(), range: p.range(i.span), value_range: p.range(i.span), value });
                }
                swc_core::ecma::ast::Prop::Method(m) => {
                    let Some(key) = key_name(&m.key) else { continue };
                    props.push(Prop { key, file: file.to_string(), range: p.range(m.span()), value_range: p.range(m.function.span), value: Value::Other });
                }
                _ => complete = false,
            },
        }
    }
    (props, complete)
}

fn read_value(project: &Project, file: &str, p: &Parsed, e: &Expr, depth: u8) -> Value {
    match strip_parens(e) {
        Expr::Lit(Lit::Str(s)) => Value::Str(s.value.as_str().unwrap_or("").to_string()),
        Expr::Object(o) => {
            let (ps, complete) = read_object(project, file, p, o, depth);
            if complete {
                Value::Object(ps)
            } else {
                Value::Other
            }
        }
        Expr::Array(a) => {
            let imports = ast::imports(p);
            let module_of = |name: &str| imports.iter().find(|i| i.specs.iter().any(|s| s.local == name)).map(|i| i.src.clone());
            Value::Array(
                a.elems
                    .iter()
                    .flatten()
                    .map(|el| {
                        let callee = match strip_parens(&el.expr) {
                            Expr::Call(c) => match &c.callee {
                                Callee::Expr(ce) => match &**ce {
                                    Expr::Ident(i) => Some(i.sym.to_string()),
                                    _ => None,
                                },
                                _ => None,
                            },
                            Expr::Ident(i) => Some(i.sym.to_string()),
                            _ => None,
                        };
                        let module = callee.as_deref().and_then(module_of);
                        Element { range: p.range(el.span()), callee, module, spread: el.spread.is_some() }
                    })
                    .collect(),
            )
        }
        _ => Value::Other,
    }
}

/// `{ a: 1 }` -> the offset right after the last property (or after `{` when empty), and whether a
/// comma must be written before a new property; plus the indent of the properties.
pub fn insert_point(text: &str, range: &Range<usize>, props: &[&Prop]) -> (usize, bool, String, bool) {
    let multiline = text[range.clone()].contains('\n');
    match props.iter().max_by_key(|p| p.range.end) {
        Some(last) => {
            let after = crate::edit::skip_trivia(text, last.range.end);
            let has_comma = text[after..].starts_with(',');
            let indent = crate::rules::client_common::indent_at(text, last.range.start).to_string();
            let at = if has_comma { after + 1 } else { last.range.end };
            (at, !has_comma, indent, multiline)
        }
        None => (range.start + 1, false, String::from("  "), multiline),
    }
}
