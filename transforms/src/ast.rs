//! Small AST queries the rules share: directives, imports, JSX elements, calls, and the edits that
//! add or remove an import while keeping the file's layout.
use crate::edit::{self, Edit};
use crate::parse::Parsed;
use crate::style::Style;
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

/// Leading directive statements (`"use client"`, `"use server"`), with their spans.
pub fn directives(p: &Parsed) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for item in &p.module.body {
        match item {
            ModuleItem::Stmt(Stmt::Expr(ExprStmt { expr, span })) => match &**expr {
                Expr::Lit(Lit::Str(s)) => out.push((s.value.as_str().unwrap_or("").to_string(), *span)),
                _ => break,
            },
            _ => break,
        }
    }
    out
}

pub fn has_directive(p: &Parsed, name: &str) -> bool {
    directives(p).iter().any(|(d, _)| d == name)
}

#[derive(Clone, Debug)]
pub struct ImportSpec {
    /// `default`, `*`, or the imported name.
    pub imported: String,
    pub local: String,
    pub span: Span,
    pub type_only: bool,
}

#[derive(Clone, Debug)]
pub struct ImportInfo {
    pub span: Span,
    pub src: String,
    pub src_span: Span,
    pub type_only: bool,
    pub specs: Vec<ImportSpec>,
}

pub fn imports(p: &Parsed) -> Vec<ImportInfo> {
    let mut out = Vec::new();
    for item in &p.module.body {
        if let ModuleItem::ModuleDecl(ModuleDecl::Import(d)) = item {
            let specs = d
                .specifiers
                .iter()
                .map(|s| match s {
                    ImportSpecifier::Named(n) => ImportSpec {
                        imported: match &n.imported {
                            Some(ModuleExportName::Ident(i)) => i.sym.to_string(),
                            Some(ModuleExportName::Str(s)) => s.value.as_str().unwrap_or("").to_string(),
                            None => n.local.sym.to_string(),
                        },
                        local: n.local.sym.to_string(),
                        span: n.span,
                        type_only: n.is_type_only,
                    },
                    ImportSpecifier::Default(d) => ImportSpec { imported: "default".into(), local: d.local.sym.to_string(), span: d.span, type_only: false },
                    ImportSpecifier::Namespace(n) => ImportSpec { imported: "*".into(), local: n.local.sym.to_string(), span: n.span, type_only: false },
                })
                .collect();
            out.push(ImportInfo { span: d.span, src: d.src.value.as_str().unwrap_or("").to_string(), src_span: d.src.span, type_only: d.type_only, specs });
        }
    }
    out
}

/// The local name bound to `name` imported from one of `modules` (`name` may be `default`).
pub fn local_name(p: &Parsed, modules: &[&str], name: &str) -> Option<String> {
    imports(p).into_iter().filter(|i| modules.contains(&i.src.as_str())).flat_map(|i| i.specs).find(|s| s.imported == name && !s.type_only).map(|s| s.local)
}

/// Names bound at the top level (imports and declarations).
pub fn top_level_names(p: &Parsed) -> Vec<String> {
    let mut out: Vec<String> = imports(p).into_iter().flat_map(|i| i.specs).map(|s| s.local).collect();
    for item in &p.module.body {
        let decl = match item {
            ModuleItem::Stmt(Stmt::Decl(d)) => Some(d),
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => Some(&e.decl),
            _ => None,
        };
        match decl {
            Some(Decl::Var(v)) => {
                for d in &v.decls {
                    collect_pat_names(&d.name, &mut out);
                }
            }
            Some(Decl::Fn(f)) => out.push(f.ident.sym.to_string()),
            Some(Decl::Class(c)) => out.push(c.ident.sym.to_string()),
            _ => {}
        }
        if let ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(d)) = item {
            if let DefaultDecl::Fn(FnExpr { ident: Some(i), .. }) = &d.decl {
                out.push(i.sym.to_string());
            }
        }
    }
    out
}

pub fn collect_pat_names(p: &Pat, out: &mut Vec<String>) {
    match p {
        Pat::Ident(i) => out.push(i.id.sym.to_string()),
        Pat::Array(a) => a.elems.iter().flatten().for_each(|e| collect_pat_names(e, out)),
        Pat::Object(o) => {
            for prop in &o.props {
                match prop {
                    ObjectPatProp::KeyValue(kv) => collect_pat_names(&kv.value, out),
                    ObjectPatProp::Assign(a) => out.push(a.key.sym.to_string()),
                    ObjectPatProp::Rest(r) => collect_pat_names(&r.arg, out),
                }
            }
        }
        Pat::Rest(r) => collect_pat_names(&r.arg, out),
        Pat::Assign(a) => collect_pat_names(&a.left, out),
        _ => {}
    }
}

/// Every identifier reference (not property names) under a node.
#[derive(Default)]
pub struct IdentRefs(pub Vec<(String, Span)>);
impl Visit for IdentRefs {
    fn visit_ident(&mut self, i: &Ident) {
        self.0.push((i.sym.to_string(), i.span));
    }
}

pub fn ident_refs<N: VisitWith<IdentRefs>>(n: &N) -> Vec<(String, Span)> {
    let mut v = IdentRefs::default();
    n.visit_with(&mut v);
    v.0
}

/// A JSX element named by a plain identifier.
#[derive(Clone, Debug)]
pub struct JsxEl {
    pub name: String,
    pub span: Span,
    pub opening_name: Span,
    pub closing_name: Option<Span>,
    pub attr_names: Vec<String>,
    pub has_spread: bool,
}

#[derive(Default)]
struct JsxCollector(Vec<JsxEl>);
impl Visit for JsxCollector {
    fn visit_jsx_element(&mut self, n: &JSXElement) {
        if let JSXElementName::Ident(i) = &n.opening.name {
            let mut attr_names = Vec::new();
            let mut has_spread = false;
            for a in &n.opening.attrs {
                match a {
                    JSXAttrOrSpread::JSXAttr(a) => {
                        if let JSXAttrName::Ident(n) = &a.name {
                            attr_names.push(n.sym.to_string());
                        }
                    }
                    JSXAttrOrSpread::SpreadElement(_) => has_spread = true,
                }
            }
            self.0.push(JsxEl {
                name: i.sym.to_string(),
                span: n.span,
                opening_name: i.span,
                closing_name: n.closing.as_ref().map(|c| c.name.span()),
                attr_names,
                has_spread,
            });
        }
        n.visit_children_with(self);
    }
}

pub fn jsx_elements(p: &Parsed) -> Vec<JsxEl> {
    let mut c = JsxCollector::default();
    p.module.visit_with(&mut c);
    c.0
}

/// Calls whose callee is a plain identifier.
#[derive(Clone, Debug)]
pub struct CallInfo {
    pub callee: String,
    pub span: Span,
    pub callee_span: Span,
    pub args: Vec<Span>,
}

#[derive(Default)]
struct CallCollector(Vec<CallInfo>);
impl Visit for CallCollector {
    fn visit_call_expr(&mut self, n: &CallExpr) {
        if let Callee::Expr(e) = &n.callee {
            if let Expr::Ident(i) = &**e {
                self.0.push(CallInfo { callee: i.sym.to_string(), span: n.span, callee_span: i.span, args: n.args.iter().map(|a| a.span()).collect() });
            }
        }
        n.visit_children_with(self);
    }
}

pub fn calls(p: &Parsed) -> Vec<CallInfo> {
    let mut c = CallCollector::default();
    p.module.visit_with(&mut c);
    c.0
}

/// Where a new import goes: after the last import (on a new line), else after the directives,
/// else at the top. Returns the edit inserting `line` (which has no line break).
pub fn insert_import(p: &Parsed, text: &str, line: &str) -> Edit {
    let last_import = p
        .module
        .body
        .iter()
        .filter_map(|i| match i {
            ModuleItem::ModuleDecl(ModuleDecl::Import(d)) => Some(d.span),
            _ => None,
        })
        .next_back();
    if let Some(span) = last_import {
        let end = p.hi(span);
        return Edit::insert(end, format!("\n{line}"));
    }
    if let Some((_, span)) = directives(p).last() {
        let end = p.hi(*span);
        return Edit::insert(end, format!("\n\n{line}"));
    }
    // Before the first statement, after its leading comments.
    let first = p.module.body.first().map(|i| p.lo(i.span())).unwrap_or(text.len());
    let at = edit::line_start(text, first.min(text.len()));
    if at >= text.len() {
        return Edit::insert(at, format!("{line}\n"));
    }
    Edit::insert(at, format!("{line}\n\n"))
}

/// An import line in the file's style.
pub fn import_line(style: &Style, clause: &str, spec: &str) -> String {
    format!("import {clause} from {}{}", style.quote(spec), style.semi())
}

/// Remove one specifier from an import (or the whole import when it is the only one).
pub fn remove_import_spec(p: &Parsed, text: &str, imp: &ImportInfo, local: &str) -> Option<Edit> {
    let idx = imp.specs.iter().position(|s| s.local == local)?;
    if imp.specs.len() == 1 {
        return Some(edit::delete_statement_lines(text, p.lo(imp.span), p.hi(imp.span)));
    }
    let s = &imp.specs[idx];
    let named: Vec<&ImportSpec> = imp.specs.iter().filter(|s| s.imported != "default" && s.imported != "*").collect();
    if s.imported != "default" && named.len() == 1 {
        // `import D, { X } from` -> `import D from`
        let def = imp.specs.iter().find(|s| s.imported == "default")?;
        let brace_end = text[p.hi(s.span)..].find('}')? + p.hi(s.span) + 1;
        return Some(Edit::delete(p.hi(def.span), brace_end));
    }
    let prev_end = if idx > 0 { Some(p.hi(imp.specs[idx - 1].span)) } else { None };
    Some(edit::delete_list_element(text, p.lo(s.span), p.hi(s.span), prev_end))
}

/// True when `name` is referenced outside the given spans (import bindings excluded).
pub fn referenced_outside(p: &Parsed, name: &str, excluded: &[Span]) -> bool {
    let import_spans: Vec<Span> = imports(p).iter().map(|i| i.span).collect();
    ident_refs(&p.module)
        .iter()
        .any(|(n, s)| n == name && !import_spans.iter().any(|x| x.lo <= s.lo && s.hi <= x.hi) && !excluded.iter().any(|x| x.lo <= s.lo && s.hi <= x.hi))
}

/// Like [`insert_import`], but never inside an import that other edits delete: after the last
/// import that stays, or where the first deleted one started.
pub fn insert_import_avoiding(p: &Parsed, text: &str, line: &str, removed: &[Span]) -> Edit {
    let imports: Vec<Span> = p
        .module
        .body
        .iter()
        .filter_map(|i| match i {
            ModuleItem::ModuleDecl(ModuleDecl::Import(d)) => Some(d.span),
            _ => None,
        })
        .collect();
    let kept: Vec<&Span> = imports.iter().filter(|s| !removed.contains(s)).collect();
    if let Some(last) = kept.last() {
        return Edit::insert(p.hi(**last), format!("\n{line}"));
    }
    if let Some(first) = imports.first() {
        return Edit::insert(edit::line_start(text, p.lo(*first)), format!("{line}\n"));
    }
    insert_import(p, text, line)
}

/// Top-level constants whose initializer mentions `needle`, e.g. `const isProd =
/// process.env.NODE_ENV === "production"` for `NODE_ENV`.
pub fn consts_mentioning(p: &Parsed, text: &str, needle: &str) -> Vec<String> {
    let mut out = Vec::new();
    for item in &p.module.body {
        let var = match item {
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => v,
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), .. })) => v,
            _ => continue,
        };
        for d in &var.decls {
            if let (Pat::Ident(i), Some(init)) = (&d.name, &d.init) {
                if text[p.range(init.span())].contains(needle) {
                    out.push(i.id.sym.to_string());
                }
            }
        }
    }
    out
}

/// The name of a plain property key: `a` or `"a"` (computed, numeric and bigint keys give `None`).
pub fn prop_name(k: &PropName) -> Option<String> {
    match k {
        PropName::Ident(i) => Some(i.sym.to_string()),
        PropName::Str(s) => s.value.as_str().map(|s| s.to_string()),
        _ => None,
    }
}

/// The expression under parentheses and TypeScript wrappers that do not change the value:
/// `(x)`, `x as T`, `x satisfies T`, `x!`, `x as const`, `<T>x`.
pub fn unwrap_expr(mut e: &Expr) -> &Expr {
    loop {
        e = match e {
            Expr::Paren(p) => &p.expr,
            Expr::TsAs(a) => &a.expr,
            Expr::TsSatisfies(s) => &s.expr,
            Expr::TsNonNull(n) => &n.expr,
            Expr::TsConstAssertion(c) => &c.expr,
            Expr::TsTypeAssertion(t) => &t.expr,
            _ => return e,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr(src: &str) -> (Parsed, String) {
        let p = crate::parse::parse("x.ts", &format!("const v = {src};")).unwrap();
        (p, src.to_string())
    }

    fn init(p: &Parsed) -> &Expr {
        let ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) = &p.module.body[0] else { panic!("not a const") };
        v.decls[0].init.as_deref().unwrap()
    }

    #[test]
    fn unwraps_parens_and_ts_wrappers() {
        for src in ["a", "(a)", "a as string", "a satisfies X", "a!", "(a as const)", "<T>a", "((a!) as X) satisfies Y"] {
            let (p, _) = expr(src);
            assert!(matches!(unwrap_expr(init(&p)), Expr::Ident(i) if &*i.sym == "a"), "{src}");
        }
        let (p, _) = expr("a + b");
        assert!(matches!(unwrap_expr(init(&p)), Expr::Bin(_)));
    }

    #[test]
    fn property_names() {
        let (p, _) = expr(r#"{ a: 1, "b-c": 2, [d]: 3, 4: 5 }"#);
        let Expr::Object(o) = unwrap_expr(init(&p)) else { panic!() };
        let names: Vec<Option<String>> = o
            .props
            .iter()
            .map(|p| match p {
                PropOrSpread::Prop(p) => match &**p {
                    Prop::KeyValue(kv) => prop_name(&kv.key),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        assert_eq!(names, vec![Some("a".into()), Some("b-c".into()), None, None]);
    }
}
