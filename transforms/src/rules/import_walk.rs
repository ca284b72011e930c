//! Following a module's imports transitively (M009: middleware → auth config → adapter / database
//! client / bcrypt / `node:` modules). The one place that walks imports across files: it resolves
//! project modules with [`Project::resolve_import`] (relative and alias specifiers), and reads a
//! bare package import from its specifier. When the module graph lands, this function is the one
//! to switch to it.
use crate::parse::Parsed;
use crate::project::Project;
use std::collections::{BTreeSet, VecDeque};
use std::ops::Range;
use swc_core::ecma::ast::*;

/// One value import (type-only imports are erased by the compiler and never reach a bundle).
#[derive(Clone, Debug)]
pub struct Import {
    pub src: String,
    /// The whole statement (`import …` or `export … from`).
    pub stmt: Range<usize>,
    /// The local names it binds (empty for `export … from` and side-effect imports).
    pub locals: Vec<String>,
}

/// Identifiers used as values (type annotations, interfaces and type aliases skipped).
#[derive(Default)]
struct ValueRefs(BTreeSet<String>);
impl swc_core::ecma::visit::Visit for ValueRefs {
    fn visit_ident(&mut self, i: &Ident) {
        self.0.insert(i.sym.to_string());
    }
    fn visit_ts_type(&mut self, _: &TsType) {}
    fn visit_ts_type_ann(&mut self, _: &TsTypeAnn) {}
    fn visit_ts_interface_decl(&mut self, _: &TsInterfaceDecl) {}
    fn visit_ts_type_alias_decl(&mut self, _: &TsTypeAliasDecl) {}
    fn visit_ts_type_param_instantiation(&mut self, _: &TsTypeParamInstantiation) {}
    fn visit_ts_type_param_decl(&mut self, _: &TsTypeParamDecl) {}
    fn visit_ts_module_decl(&mut self, _: &TsModuleDecl) {}
    fn visit_import_decl(&mut self, _: &ImportDecl) {}
}

/// The value imports of a module, in order. An import whose bindings are all used only as types
/// is left out: the TypeScript compiler erases it (as Next's SWC transform does without
/// `verbatimModuleSyntax`), so it never reaches a bundle.
pub fn value_imports(p: &Parsed) -> Vec<Import> {
    use swc_core::ecma::visit::VisitWith;
    let mut used = ValueRefs::default();
    p.module.visit_with(&mut used);
    let mut out = Vec::new();
    for item in &p.module.body {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::Import(d)) => {
                if d.type_only {
                    continue;
                }
                let mut locals = Vec::new();
                let mut all_types = !d.specifiers.is_empty();
                for s in &d.specifiers {
                    match s {
                        ImportSpecifier::Named(n) if n.is_type_only => {}
                        ImportSpecifier::Named(n) => {
                            all_types = false;
                            locals.push(n.local.sym.to_string())
                        }
                        ImportSpecifier::Default(n) => {
                            all_types = false;
                            locals.push(n.local.sym.to_string())
                        }
                        ImportSpecifier::Namespace(n) => {
                            all_types = false;
                            locals.push(n.local.sym.to_string())
                        }
                    }
                }
                if all_types || !locals.is_empty() && !locals.iter().any(|l| used.0.contains(l)) {
                    continue;
                }
                out.push(Import { src: d.src.value.as_str().unwrap_or("").to_string(), stmt: p.range(d.span), locals });
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(NamedExport { src: Some(s), type_only: false, span, .. })) => {
                out.push(Import { src: s.value.as_str().unwrap_or("").to_string(), stmt: p.range(*span), locals: vec![] })
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportAll(e)) if !e.type_only => {
                out.push(Import { src: e.src.value.as_str().unwrap_or("").to_string(), stmt: p.range(e.span), locals: vec![] })
            }
            _ => {}
        }
    }
    out
}

/// A Node.js-only import reached from the start module.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The package or `node:` module, as written.
    pub spec: String,
    /// Why it cannot run on the Edge runtime.
    pub what: &'static str,
    /// The project files from the start module to the one importing `spec` (start included).
    pub chain: Vec<String>,
}

/// Edge-runtime-compatible Prisma driver adapters: with one of them, `@prisma/client` can run there.
const EDGE_PRISMA_ADAPTERS: &[&str] = &["@prisma/adapter-neon", "@prisma/adapter-planetscale", "@prisma/adapter-d1", "@prisma/adapter-libsql"];

/// Node.js built-ins the Edge runtime provides (Next's edge sandbox: `node:buffer`, `node:events`,
/// `node:assert`, `node:util`, `node:async_hooks`); every other built-in is missing there.
const EDGE_BUILTINS: &[&str] = &["buffer", "events", "assert", "util", "async_hooks"];

const NODE_BUILTINS: &[&str] = &[
    "fs",
    "fs/promises",
    "crypto",
    "os",
    "net",
    "tls",
    "dns",
    "child_process",
    "http",
    "https",
    "http2",
    "zlib",
    "worker_threads",
    "cluster",
    "dgram",
    "v8",
    "vm",
    "perf_hooks",
    "module",
];

/// Whether a bare specifier is Node.js-only, and what it is.
pub fn node_only(spec: &str) -> Option<&'static str> {
    if let Some(m) = spec.strip_prefix("node:") {
        return (!EDGE_BUILTINS.contains(&m)).then_some("a Node.js built-in module");
    }
    if NODE_BUILTINS.contains(&spec) {
        return Some("a Node.js built-in module");
    }
    Some(match spec {
        "pg" | "pg-pool" | "mysql2" | "mysql2/promise" | "mysql" | "mongodb" | "mongoose" | "better-sqlite3" | "sqlite3" | "ioredis" | "typeorm"
        | "sequelize" => "a database driver that opens TCP sockets or native bindings",
        "drizzle-orm/node-postgres" | "drizzle-orm/mysql2" | "drizzle-orm/better-sqlite3" => "a Drizzle driver for a Node.js database client",
        "@prisma/client" => "Prisma Client's Node.js build; the Edge runtime needs a driver adapter",
        "bcrypt" | "argon2" | "@node-rs/argon2" | "@node-rs/bcrypt" => "a native password-hashing module",
        "nodemailer" | "next-auth/providers/nodemailer" | "@auth/core/providers/nodemailer" | "next-auth/providers/email" => {
            "nodemailer (SMTP over Node.js sockets)"
        }
        _ => return None,
    })
}

fn is_project_specifier(project: &Project, spec: &str) -> bool {
    crate::rules::middleware_common::is_project_module(project, spec)
}

/// Every Node.js-only import reached from `start`, breadth first (so each chain is a shortest one),
/// each package reported once with the first chain that reaches it.
pub fn node_only_imports(project: &Project, start: &str) -> Vec<Hit> {
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<Vec<String>> = VecDeque::new();
    let mut hits: Vec<Hit> = Vec::new();
    let mut edge_prisma = false;
    seen.insert(start.to_string());
    queue.push_back(vec![start.to_string()]);
    while let Some(chain) = queue.pop_front() {
        let file = chain.last().unwrap().clone();
        let Some(p) = project.parsed(&file) else { continue };
        for imp in value_imports(&p) {
            if EDGE_PRISMA_ADAPTERS.contains(&imp.src.as_str()) {
                edge_prisma = true;
            }
            if is_project_specifier(project, &imp.src) {
                if chain.len() < 12 {
                    if let Some(t) = project.resolve_import(&file, &imp.src) {
                        if seen.insert(t.clone()) {
                            let mut c = chain.clone();
                            c.push(t);
                            queue.push_back(c);
                        }
                    }
                }
            } else if let Some(what) = node_only(&imp.src) {
                if !hits.iter().any(|h| h.spec == imp.src) {
                    hits.push(Hit { spec: imp.src.clone(), what, chain: chain.clone() });
                }
            }
        }
    }
    if edge_prisma {
        hits.retain(|h| h.spec != "@prisma/client");
    }
    hits
}
