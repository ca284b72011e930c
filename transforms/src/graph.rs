//! The project module graph: what each source file imports and exports, resolved the way Next
//! and TypeScript resolve them ([`crate::resolve`]), and the queries the rules ask of it:
//!
//! - [`Project::origin_of_local`] / [`Project::origin_of_export`]: what a name in a file really
//!   is — a function or component declared in some project file, or a package export — through
//!   imports, `export { x as y } from`, `export *` barrels, `const X = memo(Y)` and
//!   `dynamic(() => import("./Y"))`, to any depth;
//! - [`Project::users_of`]: every place a file's function or component is rendered (`<X />`) or
//!   called (`useX()`), in any file, through any chain of re-exports.
//!
//! Everything is lazy and cached per file: a module's summary is computed the first time a rule
//! asks about that file, from the parse the rules share. Only files that mention a module's name
//! are ever read to look for its importers (a SIMD literal search first).
use crate::parse::Parsed;
use crate::project::Project;
use crate::resolve::Target;
use std::collections::HashSet;
use std::rc::Rc;
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

/// What an import binds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Imported {
    Default,
    Named(String),
    Namespace,
}

impl Imported {
    fn name(&self) -> &str {
        match self {
            Imported::Default => "default",
            Imported::Named(n) => n,
            Imported::Namespace => "*",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Import {
    pub local: String,
    pub spec: String,
    pub imported: Imported,
    pub type_only: bool,
}

#[derive(Clone, Debug)]
pub enum ExportTarget {
    /// A binding of this file (declared here, or itself imported).
    Local(String),
    /// `export { x as y } from "spec"`, `export * as ns from "spec"`.
    From { spec: String, imported: Imported },
}

#[derive(Clone, Debug)]
pub struct Export {
    pub name: String,
    pub target: ExportTarget,
}

/// A top-level function of the file: a component, a hook, or any other function (`default` for
/// an anonymous default export).
#[derive(Clone, Debug)]
pub struct Unit {
    pub name: String,
    pub lo: usize,
    pub hi: usize,
}

/// A JSX element.
#[derive(Clone, Debug)]
pub struct Element {
    /// `Foo`, `Foo.Bar`, or an intrinsic `div`.
    pub name: String,
    pub lo: usize,
    pub hi: usize,
    /// The end of the opening tag's name.
    pub name_hi: usize,
    /// The element it is nested in, in this file.
    pub parent: Option<usize>,
    /// The top-level function it is in.
    pub unit: Option<usize>,
    /// It spreads props (`<X {...props} />`): passes `children` on when its unit receives them.
    pub spread: bool,
}

/// A place where a function's `children` are rendered: `{children}`, `{props.children}`.
#[derive(Clone, Debug)]
pub struct ChildrenSlot {
    pub parent: Option<usize>,
    pub unit: Option<usize>,
}

/// A call of a plain identifier, `f(...)`.
#[derive(Clone, Debug)]
pub struct Call {
    pub callee: String,
    pub lo: usize,
    pub hi: usize,
    pub unit: Option<usize>,
    /// The innermost JSX element around the call, if any.
    pub parent: Option<usize>,
}

/// What the rules need to know about one module.
#[derive(Debug, Default)]
pub struct ModuleInfo {
    pub client: bool,
    pub server: bool,
    pub imports: Vec<Import>,
    pub exports: Vec<Export>,
    /// `export * from "spec"`.
    pub stars: Vec<String>,
    /// `const X = memo(Y)`, `const X = Y`, `export default memo(Y)` (as `default`): X → Y.
    pub aliases: Vec<(String, String)>,
    pub units: Vec<Unit>,
    pub elements: Vec<Element>,
    pub slots: Vec<ChildrenSlot>,
    pub calls: Vec<Call>,
}

impl ModuleInfo {
    pub fn unit(&self, name: &str) -> Option<usize> {
        self.units.iter().position(|u| u.name == name)
    }
    pub fn import(&self, local: &str) -> Option<&Import> {
        self.imports.iter().find(|i| i.local == local)
    }
    /// The elements around element `i`, innermost first.
    pub fn ancestors(&self, i: Option<usize>) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(i, move |&j| self.elements[j].parent)
    }
}

/// What a name really is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// A binding declared in a project file (`default` for an anonymous default export, `*` for
    /// a whole module bound by a namespace import).
    Local {
        file: String,
        name: String,
    },
    /// An export of a package outside the project.
    Package {
        module: String,
        name: String,
    },
    Unknown,
}

impl Origin {
    pub fn is_package(&self, module: &str, name: &str) -> bool {
        matches!(self, Origin::Package { module: m, name: n } if m == module && n == name)
    }
}

/// Wrappers that return the component they are given.
const PASS_THROUGH: &[&str] = &["memo", "forwardRef", "observer", "withRouter"];

fn module_export_name(n: &ModuleExportName) -> String {
    match n {
        ModuleExportName::Ident(i) => i.sym.to_string(),
        ModuleExportName::Str(s) => s.value.as_str().unwrap_or("").to_string(),
    }
}

/// `memo(Y)`, `React.memo(Y)`, `forwardRef(Y)` → `Y`; a plain `Y` → `Y`.
fn aliased_ident(e: &Expr) -> Option<String> {
    match crate::ast::unwrap_expr(e) {
        Expr::Ident(i) => Some(i.sym.to_string()),
        Expr::Call(c) => {
            let callee = match &c.callee {
                Callee::Expr(e) => match &**e {
                    Expr::Ident(i) => i.sym.to_string(),
                    Expr::Member(m) => match &m.prop {
                        MemberProp::Ident(p) => p.sym.to_string(),
                        _ => return None,
                    },
                    _ => return None,
                },
                _ => return None,
            };
            if !PASS_THROUGH.contains(&callee.as_str()) {
                return None;
            }
            match c.args.first().map(|a| &*a.expr) {
                Some(Expr::Ident(i)) => Some(i.sym.to_string()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `memo((props) => …)`, `forwardRef(function X() {…})`: the wrapped function, if any.
fn wrapped_fn(e: &Expr) -> Option<&Expr> {
    match crate::ast::unwrap_expr(e) {
        f @ (Expr::Arrow(_) | Expr::Fn(_)) => Some(f),
        Expr::Call(c) => {
            let pass = match &c.callee {
                Callee::Expr(e) => match &**e {
                    Expr::Ident(i) => PASS_THROUGH.contains(&&*i.sym),
                    Expr::Member(m) => matches!(&m.prop, MemberProp::Ident(p) if PASS_THROUGH.contains(&&*p.sym)),
                    _ => false,
                },
                _ => false,
            };
            if !pass {
                return None;
            }
            c.args.first().and_then(|a| wrapped_fn(&a.expr))
        }
        _ => None,
    }
}

/// `dynamic(() => import("./X"))`, `lazy(() => import("./X"))`, with an optional
/// `.then((m) => m.Named)`: the specifier and what is taken from it.
fn dynamic_import(e: &Expr) -> Option<(String, Imported)> {
    let Expr::Call(c) = crate::ast::unwrap_expr(e) else { return None };
    let callee = match &c.callee {
        Callee::Expr(e) => match &**e {
            Expr::Ident(i) => i.sym.to_string(),
            Expr::Member(m) => match &m.prop {
                MemberProp::Ident(p) => p.sym.to_string(),
                _ => return None,
            },
            _ => return None,
        },
        _ => return None,
    };
    if callee != "dynamic" && callee != "lazy" {
        return None;
    }
    let Some(Expr::Arrow(a)) = c.args.first().map(|a| &*a.expr) else { return None };
    let body = match &*a.body {
        ArrowFunctionBody::Expr(e) => &**e,
        ArrowFunctionBody::FunctionBody(_) => return None,
    };
    import_call(body)
}

fn import_call(e: &Expr) -> Option<(String, Imported)> {
    match crate::ast::unwrap_expr(e) {
        Expr::Call(c) if matches!(c.callee, Callee::Import(_)) => match c.args.first().map(|a| &*a.expr) {
            Some(Expr::Lit(Lit::Str(s))) => Some((s.value.as_str().unwrap_or("").to_string(), Imported::Default)),
            _ => None,
        },
        // import("./X").then((m) => m.Named)
        Expr::Call(c) => {
            let Callee::Expr(callee) = &c.callee else { return None };
            let Expr::Member(m) = &**callee else { return None };
            if !matches!(&m.prop, MemberProp::Ident(p) if p.sym == "then") {
                return None;
            }
            let (spec, _) = import_call(&m.obj)?;
            let Some(Expr::Arrow(a)) = c.args.first().map(|a| &*a.expr) else { return Some((spec, Imported::Default)) };
            match &*a.body {
                ArrowFunctionBody::Expr(e) => match &**e {
                    Expr::Member(m) => match &m.prop {
                        MemberProp::Ident(p) => Some((spec, Imported::Named(p.sym.to_string()))),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

fn jsx_name(n: &JSXElementName) -> String {
    match n {
        JSXElementName::Ident(i) => i.sym.to_string(),
        JSXElementName::JSXMemberExpr(m) => {
            fn obj(o: &JSXObject) -> String {
                match o {
                    JSXObject::Ident(i) => i.sym.to_string(),
                    JSXObject::JSXMemberExpr(m) => format!("{}.{}", obj(&m.obj), m.prop.sym),
                }
            }
            format!("{}.{}", obj(&m.obj), m.prop.sym)
        }
        JSXElementName::JSXNamespacedName(n) => format!("{}:{}", n.ns.sym, n.name.sym),
    }
}

fn is_children(e: &Expr) -> bool {
    match crate::ast::unwrap_expr(e) {
        Expr::Ident(i) => i.sym == "children",
        Expr::Member(m) => matches!(&m.prop, MemberProp::Ident(p) if p.sym == "children"),
        _ => false,
    }
}

struct Collector<'a> {
    p: &'a Parsed,
    info: ModuleInfo,
    stack: Vec<usize>,
}

impl Collector<'_> {
    fn unit_at(&self, lo: usize) -> Option<usize> {
        self.info.units.iter().position(|u| u.lo <= lo && lo < u.hi)
    }
}

impl Visit for Collector<'_> {
    fn visit_jsx_element(&mut self, n: &JSXElement) {
        let lo = self.p.lo(n.span);
        let idx = self.info.elements.len();
        self.info.elements.push(Element {
            name: jsx_name(&n.opening.name),
            lo,
            hi: self.p.hi(n.span),
            name_hi: self.p.hi(n.opening.name.span()),
            parent: self.stack.last().copied(),
            unit: self.unit_at(lo),
            spread: n.opening.attrs.iter().any(|a| matches!(a, JSXAttrOrSpread::SpreadElement(_))),
        });
        // `children={children}` passes them on like a nested `{children}`.
        for a in &n.opening.attrs {
            if let JSXAttrOrSpread::JSXAttr(a) = a {
                if matches!(&a.name, JSXAttrName::Ident(i) if i.sym == "children") {
                    if let Some(JSXAttrValue::JSXExprContainer(c)) = &a.value {
                        if let JSXExpr::Expr(e) = &c.expr {
                            if is_children(e) {
                                self.info.slots.push(ChildrenSlot { parent: Some(idx), unit: self.unit_at(lo) });
                            }
                        }
                    }
                }
            }
        }
        n.opening.visit_with(self);
        self.stack.push(idx);
        for c in &n.children {
            c.visit_with(self);
        }
        self.stack.pop();
    }

    fn visit_jsx_expr_container(&mut self, n: &JSXExprContainer) {
        if let JSXExpr::Expr(e) = &n.expr {
            if is_children(e) {
                let lo = self.p.lo(n.span);
                self.info.slots.push(ChildrenSlot { parent: self.stack.last().copied(), unit: self.unit_at(lo) });
            }
        }
        n.visit_children_with(self);
    }

    fn visit_return_stmt(&mut self, n: &ReturnStmt) {
        // `return children` / `return props.children`: a pass-through.
        if let Some(e) = &n.arg {
            if is_children(e) {
                let lo = self.p.lo(n.span);
                self.info.slots.push(ChildrenSlot { parent: None, unit: self.unit_at(lo) });
            }
        }
        n.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, n: &CallExpr) {
        if let Callee::Expr(e) = &n.callee {
            if let Expr::Ident(i) = &**e {
                let lo = self.p.lo(n.span);
                self.info.calls.push(Call { callee: i.sym.to_string(), lo, hi: self.p.hi(n.span), unit: self.unit_at(lo), parent: self.stack.last().copied() });
            }
        }
        n.visit_children_with(self);
    }
}

/// The module summary of a parsed file.
pub fn module_info(p: &Parsed) -> ModuleInfo {
    let mut info = ModuleInfo { client: crate::ast::has_directive(p, "use client"), server: crate::ast::has_directive(p, "use server"), ..Default::default() };
    let range = |s: swc_core::common::Span| (p.lo(s), p.hi(s));
    for item in &p.module.body {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::Import(d)) => {
                let spec = d.src.value.as_str().unwrap_or("").to_string();
                for s in &d.specifiers {
                    let (local, imported, type_only) = match s {
                        ImportSpecifier::Named(n) => (
                            n.local.sym.to_string(),
                            Imported::Named(n.imported.as_ref().map_or_else(|| n.local.sym.to_string(), module_export_name)),
                            n.is_type_only || d.type_only,
                        ),
                        ImportSpecifier::Default(x) => (x.local.sym.to_string(), Imported::Default, d.type_only),
                        ImportSpecifier::Namespace(x) => (x.local.sym.to_string(), Imported::Namespace, d.type_only),
                    };
                    let imported = match imported {
                        Imported::Named(n) if n == "default" => Imported::Default,
                        i => i,
                    };
                    info.imports.push(Import { local, spec: spec.clone(), imported, type_only });
                }
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportAll(e)) if !e.type_only => {
                info.stars.push(e.src.value.as_str().unwrap_or("").to_string());
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(e)) => {
                if e.type_only {
                    continue;
                }
                let src = e.src.as_ref().map(|s| s.value.as_str().unwrap_or("").to_string());
                for s in &e.specifiers {
                    match s {
                        ExportSpecifier::Named(n) => {
                            if n.is_type_only {
                                continue;
                            }
                            let orig = module_export_name(&n.orig);
                            let name = n.exported.as_ref().map_or_else(|| orig.clone(), module_export_name);
                            let target = match &src {
                                Some(spec) => ExportTarget::From {
                                    spec: spec.clone(),
                                    imported: if orig == "default" { Imported::Default } else { Imported::Named(orig) },
                                },
                                None => ExportTarget::Local(orig),
                            };
                            info.exports.push(Export { name, target });
                        }
                        ExportSpecifier::Namespace(n) => {
                            if let Some(spec) = &src {
                                info.exports.push(Export {
                                    name: module_export_name(&n.name),
                                    target: ExportTarget::From { spec: spec.clone(), imported: Imported::Namespace },
                                });
                            }
                        }
                        ExportSpecifier::Default(d) => {
                            if let Some(spec) = &src {
                                info.exports.push(Export {
                                    name: d.exported.sym.to_string(),
                                    target: ExportTarget::From { spec: spec.clone(), imported: Imported::Default },
                                });
                            }
                        }
                    }
                }
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(d)) => {
                let (lo, hi) = range(d.span);
                let name = match &d.decl {
                    DefaultDecl::Fn(f) => f.ident.as_ref().map_or("default".to_string(), |i| i.sym.to_string()),
                    DefaultDecl::Class(c) => c.ident.as_ref().map_or("default".to_string(), |i| i.sym.to_string()),
                    DefaultDecl::TsInterfaceDecl(_) => continue,
                };
                info.units.push(Unit { name: name.clone(), lo, hi });
                info.exports.push(Export { name: "default".into(), target: ExportTarget::Local(name) });
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultExpr(d)) => {
                let (lo, hi) = range(d.span);
                if let Some(target) = aliased_ident(&d.expr) {
                    info.aliases.push(("default".into(), target));
                } else if wrapped_fn(&d.expr).is_some() {
                    info.units.push(Unit { name: "default".into(), lo, hi });
                } else if let Some((spec, imported)) = dynamic_import(&d.expr) {
                    info.imports.push(Import { local: "default".into(), spec, imported, type_only: false });
                }
                info.exports.push(Export { name: "default".into(), target: ExportTarget::Local("default".into()) });
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(d)) => {
                declare(&d.decl, p, &mut info, true);
            }
            ModuleItem::Stmt(Stmt::Decl(d)) => declare(d, p, &mut info, false),
            _ => {}
        }
    }
    let mut c = Collector { p, info, stack: Vec::new() };
    p.module.visit_with(&mut c);
    c.info
}

fn declare(d: &Decl, p: &Parsed, info: &mut ModuleInfo, exported: bool) {
    match d {
        Decl::Fn(f) => {
            let name = f.ident.sym.to_string();
            info.units.push(Unit { name: name.clone(), lo: p.lo(f.function.span), hi: p.hi(f.function.span) });
            if exported {
                info.exports.push(Export { name: name.clone(), target: ExportTarget::Local(name) });
            }
        }
        Decl::Class(c) if exported => {
            let name = c.ident.sym.to_string();
            info.exports.push(Export { name: name.clone(), target: ExportTarget::Local(name) });
        }
        Decl::Var(v) => {
            for decl in &v.decls {
                let mut names = Vec::new();
                crate::ast::collect_pat_names(&decl.name, &mut names);
                if exported {
                    for n in &names {
                        info.exports.push(Export { name: n.clone(), target: ExportTarget::Local(n.clone()) });
                    }
                }
                let (Pat::Ident(id), Some(init)) = (&decl.name, &decl.init) else { continue };
                let name = id.id.sym.to_string();
                if let Some(f) = wrapped_fn(init) {
                    info.units.push(Unit { name, lo: p.lo(f.span()), hi: p.hi(f.span()) });
                } else if let Some((spec, imported)) = dynamic_import(init) {
                    info.imports.push(Import { local: name, spec, imported, type_only: false });
                } else if let Some(target) = aliased_ident(init) {
                    info.aliases.push((name, target));
                }
            }
        }
        _ => {}
    }
}

/// Where a function or component is used.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UseSite {
    pub file: String,
    /// The element (`<X />`) or call (`useX()`) index in that file's [`ModuleInfo`].
    pub kind: UseKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UseKind {
    Element(usize),
    Call(usize),
}

const MAX_DEPTH: usize = 24;

/// The name a module is imported by in specifiers: its file stem, or its folder for `index`.
fn module_stem(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next()?;
    let stem = name.split('.').next()?;
    if stem == "index" {
        let dir = crate::project::parent(path);
        return dir.rsplit('/').next().filter(|d| !d.is_empty() && *d != "..");
    }
    Some(stem).filter(|s| !s.is_empty())
}

/// Whether `text` may import a module named `stem`: the stem inside a quoted specifier, after a
/// `/` or the opening quote and before the closing quote, an extension or `/index`.
fn may_import(text: &str, stem: &str) -> bool {
    let b = text.as_bytes();
    memchr::memmem::find_iter(b, stem.as_bytes()).any(|i| {
        let before = if i == 0 { b' ' } else { b[i - 1] };
        let after = b.get(i + stem.len()).copied().unwrap_or(b' ');
        matches!(before, b'/' | b'"' | b'\'' | b'`' | b'@' | b'~' | b'#' | b':') && matches!(after, b'"' | b'\'' | b'`' | b'.' | b'/')
    })
}

impl Project {
    /// The module summary of a source file that parses (cached until the file changes).
    pub fn module(&self, path: &str) -> Option<Rc<ModuleInfo>> {
        self.module_cached(path, |p| Rc::new(module_info(p)))
    }

    /// What `local` in `file` refers to.
    pub fn origin_of_local(&self, file: &str, local: &str) -> Origin {
        self.origin_local(file, local, 0)
    }

    fn origin_local(&self, file: &str, local: &str, depth: usize) -> Origin {
        if depth > MAX_DEPTH {
            return Origin::Unknown;
        }
        let Some(info) = self.module(file) else { return Origin::Unknown };
        if let Some(imp) = info.import(local) {
            return self.origin_through(file, &imp.spec, &imp.imported, depth + 1);
        }
        if let Some((_, target)) = info.aliases.iter().find(|(a, _)| a == local) {
            if target != local {
                return self.origin_local(file, target, depth + 1);
            }
        }
        Origin::Local { file: file.to_string(), name: local.to_string() }
    }

    fn origin_through(&self, file: &str, spec: &str, imported: &Imported, depth: usize) -> Origin {
        match self.resolve(file, spec) {
            Target::File(f) => match imported {
                Imported::Namespace => Origin::Local { file: f, name: "*".into() },
                i => self.origin_export(&f, i.name(), depth),
            },
            Target::Package(m) => Origin::Package { module: m, name: imported.name().to_string() },
            Target::Unresolved => Origin::Unknown,
        }
    }

    /// What `file` exports under `name` (`default` for the default export).
    pub fn origin_of_export(&self, file: &str, name: &str) -> Origin {
        self.origin_export(file, name, 0)
    }

    fn origin_export(&self, file: &str, name: &str, depth: usize) -> Origin {
        if depth > MAX_DEPTH {
            return Origin::Unknown;
        }
        if let Some(o) = self.export_memo(file, name) {
            return o;
        }
        let o = self.origin_export_uncached(file, name, depth);
        self.set_export_memo(file, name, o.clone());
        o
    }

    fn origin_export_uncached(&self, file: &str, name: &str, depth: usize) -> Origin {
        let Some(info) = self.module(file) else { return Origin::Unknown };
        if let Some(e) = info.exports.iter().find(|e| e.name == name) {
            return match &e.target {
                ExportTarget::Local(l) => self.origin_local(file, l, depth + 1),
                ExportTarget::From { spec, imported } => self.origin_through(file, spec, imported, depth + 1),
            };
        }
        if name == "default" {
            return Origin::Unknown;
        }
        // `export *` barrels: the first that has it (a package star may have anything).
        let mut package_star = None;
        for spec in &info.stars {
            match self.resolve(file, spec) {
                Target::File(f) => match self.origin_export(&f, name, depth + 1) {
                    Origin::Unknown => {}
                    o => return o,
                },
                Target::Package(m) => package_star = package_star.or(Some(m)),
                Target::Unresolved => {}
            }
        }
        match package_star {
            Some(module) => Origin::Package { module, name: name.to_string() },
            None => Origin::Unknown,
        }
    }

    /// Every place the function `name` of `file` (a component or a hook) is rendered or called,
    /// in this file and in every file that imports it, directly or through re-exports.
    pub fn users_of(&self, file: &str, name: &str) -> Vec<UseSite> {
        let target = Origin::Local { file: file.to_string(), name: name.to_string() };
        let mut out = Vec::new();
        let mut searched: HashSet<String> = HashSet::new();
        let mut modules: Vec<String> = vec![file.to_string()];
        let mut candidates: Vec<String> = vec![file.to_string()];
        while let Some(m) = modules.pop() {
            if !searched.insert(m.clone()) || searched.len() > 64 {
                continue;
            }
            let Some(stem) = module_stem(&m) else { continue };
            for k in self.source_files_containing(stem) {
                if !candidates.iter().any(|c| c == k) && self.text(k).is_some_and(|t| may_import(t, stem)) {
                    candidates.push(k.to_string());
                }
            }
            // Files that re-export it are searched for their own importers.
            for k in candidates.clone() {
                if searched.contains(&k) || modules.contains(&k) {
                    continue;
                }
                let Some(info) = self.module(&k) else { continue };
                let reexports = info.exports.iter().any(|e| self.origin_of_export(&k, &e.name) == target)
                    || info.stars.iter().any(|s| matches!(self.resolve(&k, s), Target::File(f) if f == m));
                if reexports {
                    modules.push(k);
                }
            }
        }
        for k in &candidates {
            let Some(info) = self.module(k) else { continue };
            let locals: Vec<&str> = if k == file { vec![name] } else { info.imports.iter().filter(|i| !i.type_only).map(|i| i.local.as_str()).collect() };
            let mut names: Vec<&str> = locals.into_iter().filter(|l| self.origin_of_local(k, l) == target).collect();
            for (a, t) in &info.aliases {
                if names.contains(&t.as_str()) && !names.contains(&a.as_str()) {
                    names.push(a);
                }
            }
            for (i, el) in info.elements.iter().enumerate() {
                if names.contains(&el.name.as_str()) {
                    out.push(UseSite { file: k.clone(), kind: UseKind::Element(i) });
                }
            }
            for (i, c) in info.calls.iter().enumerate() {
                if names.contains(&c.callee.as_str()) {
                    out.push(UseSite { file: k.clone(), kind: UseKind::Call(i) });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> Project {
        let mut p = Project::new(crate::ProjectFacts { typescript: true, ..Default::default() });
        for (f, t) in files {
            p.set_file(*f, *t);
        }
        p
    }

    fn local(file: &str, name: &str) -> Origin {
        Origin::Local { file: file.into(), name: name.into() }
    }

    #[test]
    fn origins_through_barrels_aliases_and_dynamic_imports() {
        let p = project(&[
            ("tsconfig.json", "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./*\"] } } }"),
            ("components/index.ts", "export * from \"./providers/Providers\";\nexport { default as Nav } from \"./Nav\";\nexport * from \"next-auth/react\";\n"),
            ("components/providers/Providers.tsx", "\"use client\";\nimport { SessionProvider } from \"next-auth/react\";\nexport function Providers({ children }) { return <SessionProvider>{children}</SessionProvider>; }\n"),
            ("components/Nav.tsx", "function Nav() { return <nav />; }\nexport default memo(Nav);\n"),
            ("providers/SessionProvider.tsx", "export { SessionProvider as Provider } from \"next-auth/react\";\n"),
            ("app/layout.tsx", "import { Providers, Nav, useSession } from \"@/components\";\nimport { Provider } from \"../providers/SessionProvider\";\nimport * as ns from \"@/components/Nav\";\nconst Lazy = dynamic(() => import(\"@/components/Nav\"));\nexport default function L({ children }) { return <Providers><Nav />{children}</Providers>; }\n"),
        ]);
        assert_eq!(p.origin_of_local("app/layout.tsx", "Providers"), local("components/providers/Providers.tsx", "Providers"));
        assert_eq!(p.origin_of_local("app/layout.tsx", "Nav"), local("components/Nav.tsx", "Nav"));
        assert_eq!(p.origin_of_local("app/layout.tsx", "Lazy"), local("components/Nav.tsx", "Nav"));
        assert_eq!(p.origin_of_local("app/layout.tsx", "ns"), local("components/Nav.tsx", "*"));
        assert!(p.origin_of_local("app/layout.tsx", "Provider").is_package("next-auth/react", "SessionProvider"));
        assert!(p.origin_of_local("app/layout.tsx", "useSession").is_package("next-auth/react", "useSession"));
        assert!(p.origin_of_local("components/providers/Providers.tsx", "SessionProvider").is_package("next-auth/react", "SessionProvider"));
        assert_eq!(p.origin_of_local("app/layout.tsx", "L"), local("app/layout.tsx", "L"));
    }

    #[test]
    fn users_through_barrels_and_in_the_same_file() {
        let p = project(&[
            ("tsconfig.json", "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./*\"] } } }"),
            ("components/index.ts", "export * from \"./UserMenu\";\n"),
            (
                "components/UserMenu.tsx",
                "\"use client\";\nexport function UserMenu() { return <p />; }\nexport function Header() { return <header><UserMenu /></header>; }\n",
            ),
            ("app/page.tsx", "import { UserMenu } from \"@/components\";\nexport default function Page() { return <main><UserMenu /></main>; }\n"),
            ("app/other/page.tsx", "import { UserMenu as Menu } from \"../../components/UserMenu\";\nexport default function P() { return <Menu />; }\n"),
            (
                "app/unrelated/page.tsx",
                "// mentions UserMenu in a comment only\nexport default function P() { return <UserMenu />; }\nfunction UserMenu() { return null; }\n",
            ),
        ]);
        let mut users: Vec<(String, &str)> = p
            .users_of("components/UserMenu.tsx", "UserMenu")
            .into_iter()
            .map(|u| {
                let info = p.module(&u.file).unwrap();
                let unit = match u.kind {
                    UseKind::Element(i) => info.elements[i].unit.map(|x| info.units[x].name.clone()),
                    UseKind::Call(i) => info.calls[i].unit.map(|x| info.units[x].name.clone()),
                };
                (format!("{}:{}", u.file, unit.unwrap_or_default()), "")
            })
            .collect();
        users.sort();
        let got: Vec<&str> = users.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(got, vec!["app/other/page.tsx:P", "app/page.tsx:Page", "components/UserMenu.tsx:Header"]);
    }

    #[test]
    fn module_summary_records_children_slots_and_units() {
        let p = project(&[("a.tsx", "export const A = ({ children }) => <X><Y>{children}</Y></X>;\nexport default function B(props) { return props.children; }\nconst C = memo(function C() { return <Z {...props} />; });\n")]);
        let m = p.module("a.tsx").unwrap();
        assert_eq!(m.units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), vec!["A", "B", "C"]);
        assert_eq!(m.slots.len(), 2);
        let y = m.slots[0].parent.unwrap();
        assert_eq!(m.elements[y].name, "Y");
        assert_eq!(m.ancestors(Some(y)).map(|i| m.elements[i].name.as_str()).collect::<Vec<_>>(), vec!["Y", "X"]);
        assert_eq!(m.slots[1].parent, None);
        assert!(m.elements.iter().any(|e| e.name == "Z" && e.spread));
    }
}
