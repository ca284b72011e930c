//! Finding the project's NextAuth options object (v4 `authOptions`).
use crate::ast;
use crate::parse::Parsed;
use crate::project::Project;
use swc_core::common::Spanned;
use swc_core::ecma::ast::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionsDecl {
    pub file: String,
    pub name: String,
    pub exported: bool,
}

/// `app/api/auth/[...nextauth]/route.ts` (or `src/app/…`, any extension).
pub fn is_app_auth_route(project: &Project, path: &str) -> bool {
    let Some(dir) = project.app_dir() else { return false };
    path.strip_prefix(dir).and_then(|r| r.strip_prefix("/api/auth/[...nextauth]/route.")).is_some_and(|ext| crate::parse::SOURCE_EXTENSIONS.contains(&ext))
}

fn type_text<'a>(p: &Parsed, text: &'a str, t: &TsTypeAnn) -> &'a str {
    &text[p.range(t.span())]
}

/// Top-level `const` declarations that are NextAuth options: typed `…AuthOptions`, `satisfies
/// …AuthOptions`, named `authOptions`, or passed to `NextAuth(x)` in the same file.
pub fn options_in(project: &Project, path: &str) -> Vec<OptionsDecl> {
    let Some(p) = project.parsed(path) else { return vec![] };
    let text = project.text(path).unwrap();
    let nextauth = ast::local_name(&p, &["next-auth"], "default");
    let passed: Vec<String> = ast::calls(&p)
        .into_iter()
        .filter(|c| Some(&c.callee) == nextauth.as_ref() && c.args.len() == 1)
        .map(|c| text[p.range(c.args[0])].trim().to_string())
        .collect();
    let mut out = Vec::new();
    for item in &p.module.body {
        let (var, exported) = match item {
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => (v, false),
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), .. })) => (v, true),
            _ => continue,
        };
        for d in &var.decls {
            let Pat::Ident(id) = &d.name else { continue };
            let name = id.id.sym.to_string();
            let typed = id.type_ann.as_ref().is_some_and(|t| type_text(&p, text, t).trim_end().ends_with("AuthOptions"));
            let satisfies = matches!(d.init.as_deref(), Some(Expr::TsSatisfies(s)) if text[p.range(s.type_ann.span())].ends_with("AuthOptions"));
            if typed || satisfies || name == "authOptions" || passed.contains(&name) {
                out.push(OptionsDecl { file: path.to_string(), name, exported });
            }
        }
    }
    out
}

/// A cheap textual test: can this file declare an options object at all? (`authOptions =`,
/// `authOptions:`, `: NextAuthOptions`, `satisfies AuthOptions`, or a `NextAuth(` call.)
pub fn may_declare_options(text: &str) -> bool {
    use memchr::memmem;
    if memmem::find(text.as_bytes(), b"NextAuth(").is_some() {
        return true;
    }
    for i in memmem::find_iter(text.as_bytes(), b"AuthOptions") {
        let before = text[..i].trim_end();
        if before.ends_with(':') || before.ends_with("satisfies") || before.ends_with(':') {
            return true;
        }
    }
    for i in memmem::find_iter(text.as_bytes(), b"uthOptions") {
        let after = text[i + "uthOptions".len()..].trim_start();
        if after.starts_with('=') || after.starts_with(':') {
            return true;
        }
    }
    // Any other exported const whose type ends with AuthOptions is caught by the first test.
    false
}

/// Every exported options object in the project (outside the App Router auth route).
pub fn exported_options(project: &Project) -> Vec<OptionsDecl> {
    let mut files: Vec<&str> = project.source_files_containing("AuthOptions").collect();
    for f in project.source_files_containing("authOptions") {
        if !files.contains(&f) {
            files.push(f);
        }
    }
    files.sort();
    files
        .into_iter()
        .filter(|f| !is_app_auth_route(project, f) && project.text_test(f, "may declare options", may_declare_options))
        .flat_map(|f| options_in(project, f))
        .filter(|o| o.exported)
        .collect()
}

/// The exported options object the App Router auth route passes to `NextAuth(x)`, if it imports one.
pub fn used_by_route(project: &Project, candidates: &[OptionsDecl]) -> Option<OptionsDecl> {
    let route = project.paths().find(|p| is_app_auth_route(project, p))?;
    let p = project.parsed(route)?;
    let text = project.text(route)?;
    let nextauth = ast::local_name(&p, &["next-auth"], "default")?;
    let call = ast::calls(&p).into_iter().find(|c| c.callee == nextauth && c.args.len() == 1)?;
    let arg = text[p.range(call.args[0])].trim();
    let imp = ast::imports(&p).into_iter().find(|i| i.specs.iter().any(|s| s.local == arg))?;
    let spec = imp.specs.iter().find(|s| s.local == arg)?;
    let file = project.resolve_import(route, &imp.src)?;
    candidates.iter().find(|c| c.file == file && c.name == spec.imported).cloned()
}
