use crate::ast;
use crate::declare_rule;
use crate::edit::{self, Edit};
use crate::options;
use crate::parse::Parsed;
use crate::project::{self, Project};
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::style::Style;
use swc_core::common::comments::Comments;
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;

declare_rule! {
    /// ## What it does
    /// Finds a v4 options object defined in the App Router route handler
    /// (`app/api/auth/[...nextauth]/route.ts`), moves it to `lib/auth.ts` (`src/lib/auth.ts` under
    /// `src/`), leaves the route as `const handler = NextAuth(authOptions); export { handler as GET,
    /// handler as POST }`, and rewrites every import of it.
    ///
    /// ## Why is this bad?
    /// Next's route type check allows only HTTP methods and segment config as route exports, so
    /// `export const authOptions` in `route.ts` fails `next build`; and without exporting it,
    /// `getServerSession` cannot get the options (see S001). Importing a route file from pages
    /// also drags the whole handler into them.
    ///
    /// ## Example
    /// ```ts
    /// // app/api/auth/[...nextauth]/route.ts
    /// export const authOptions: NextAuthOptions = { providers: [GitHub({...})] };
    /// const handler = NextAuth(authOptions);
    /// export { handler as GET, handler as POST };
    /// ```
    /// Use instead:
    /// ```ts
    /// // lib/auth.ts
    /// export const authOptions: NextAuthOptions = { providers: [GitHub({...})] };
    /// // app/api/auth/[...nextauth]/route.ts
    /// import { authOptions } from "@/lib/auth";
    /// const handler = NextAuth(authOptions);
    /// export { handler as GET, handler as POST };
    /// ```
    ///
    /// Options kept inside the route (inline, or a local `const`) are reported only when some
    /// server code calls `getServerSession` (it needs them); exported options in a JavaScript app
    /// only then too (the route export check is TypeScript's).
    ///
    /// ## Fix safety
    /// Safe: the object's text moves unchanged with the imports and helper declarations it uses
    /// (relative import paths are recomputed), and every file that imported it from the route
    /// imports it from the new module. When a helper it uses is still needed by the route, or
    /// `lib/auth` already defines the same name, the diagnostic says so and nothing moves.
    pub struct AuthOptionsInRoute {
        code: "S002",
        name: "auth-options-in-route",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "v4 options defined in the route handler: exporting them fails `next build`, and server code cannot import them",
    }
}

impl Rule for AuthOptionsInRoute {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major == Some(5) {
            return;
        }
        let routes: Vec<String> = project.paths().filter(|p| options::is_app_auth_route(project, p)).map(String::from).collect();
        for route in routes {
            let Some(p) = project.parsed(&route) else { continue };
            let text = project.text(&route).unwrap();
            let Some(nextauth) = ast::local_name(&p, &["next-auth"], "default") else { continue };
            let Some(call) = ast::calls(&p).into_iter().find(|c| c.callee == nextauth && c.args.len() == 1) else { continue };
            let arg = call.args[0];
            let arg_text = text[p.range(arg)].trim();
            let target = if arg_text.starts_with('{') {
                Target::Inline(arg)
            } else if let Some((stmt, exported, init)) = find_decl(&p, arg_text) {
                if !text[p.range(init)].trim_start().starts_with('{') && !text[p.range(init)].contains("satisfies") {
                    continue;
                }
                Target::Decl { name: arg_text.to_string(), stmt, exported }
            } else {
                continue;
            };
            // Options the route keeps to itself break nothing until some server code needs
            // them: a `getServerSession` call elsewhere (App or Pages Router). Exported options
            // break `next build` through the route export check, which is a TypeScript check.
            let needed = project.source_files_containing("getServerSession").any(|f| f != route && !f.ends_with(".d.ts"));
            match &target {
                Target::Decl { exported: true, .. } if !project.facts.typescript && !needed => continue,
                Target::Decl { exported: false, .. } | Target::Inline(_) if !needed => continue,
                _ => {}
            }
            let (span, msg) = match &target {
                Target::Inline(s) => (*s, "the NextAuth options are written inline in the route handler: server components cannot import them, so `getServerSession` runs without them".to_string()),
                Target::Decl { name, stmt, exported: true } => (*stmt, format!("`{name}` is exported from the route handler: Next's route export check fails `next build` (routes may only export HTTP methods and segment config)")),
                Target::Decl { name, stmt, .. } => (*stmt, format!("`{name}` is defined in the route handler: server components cannot import it, so `getServerSession` runs without it")),
            };
            let d = Diagnostic::new(&Self::META, &route, p.lo(span), p.lo(span) + text[p.range(span)].find('\n').unwrap_or(text[p.range(span)].len()), msg);
            out.push(match move_fix(project, &route, text, &p, &target) {
                Ok(f) => d.with_fix(f),
                Err(why) => d.with_note(why),
            });
        }
    }
}

enum Target {
    Inline(Span),
    Decl { name: String, stmt: Span, exported: bool },
}

/// The top-level statement declaring `name`: (statement span, exported, initializer span).
fn find_decl(p: &Parsed, name: &str) -> Option<(Span, bool, Span)> {
    for item in &p.module.body {
        let (var, exported, span) = match item {
            ModuleItem::Stmt(Stmt::Decl(Decl::Var(v))) => (v, false, v.span),
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => match &e.decl {
                Decl::Var(v) => (v, true, e.span),
                _ => continue,
            },
            _ => continue,
        };
        if var.decls.len() != 1 {
            continue;
        }
        let d = &var.decls[0];
        if matches!(&d.name, Pat::Ident(i) if i.id.sym == name) {
            return Some((span, exported, d.init.as_ref()?.span()));
        }
    }
    None
}

/// Top-level statements (other than imports) with the names they declare.
fn top_decls(p: &Parsed) -> Vec<(Span, Vec<String>)> {
    let mut out = Vec::new();
    for item in &p.module.body {
        let (decl, span) = match item {
            ModuleItem::Stmt(Stmt::Decl(d)) => (d, d.span()),
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(e)) => (&e.decl, e.span),
            _ => continue,
        };
        let mut names = Vec::new();
        match decl {
            Decl::Var(v) => v.decls.iter().for_each(|d| ast::collect_pat_names(&d.name, &mut names)),
            Decl::Fn(f) => names.push(f.ident.sym.to_string()),
            Decl::Class(c) => names.push(c.ident.sym.to_string()),
            _ => continue,
        }
        out.push((span, names));
    }
    out
}

/// Start of a statement including the own-line comments right above it.
fn start_with_comments(p: &Parsed, text: &str, span: Span) -> usize {
    let mut start = p.lo(span);
    if let Some(cs) = p.comments.get_leading(span.lo) {
        for c in cs.iter().rev() {
            let between = &text[p.hi(c.span)..start];
            if between.trim().is_empty() && between.matches('\n').count() <= 1 && edit::only_ws_before(text, p.lo(c.span)) {
                start = p.lo(c.span);
            } else {
                break;
            }
        }
    }
    start
}

fn rewrite_relative(spec: &str, from_file: &str, to_file: &str) -> String {
    if !(spec.starts_with("./") || spec.starts_with("../")) {
        return spec.to_string();
    }
    match project::normalize(&format!("{}/{}", project::parent(from_file), spec)) {
        Some(abs) => project::relative(project::parent(to_file), &abs),
        None => spec.to_string(),
    }
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.lo <= inner.lo && inner.hi <= outer.hi
}

fn move_fix(project: &Project, route: &str, text: &str, p: &Parsed, target: &Target) -> Result<Fix, String> {
    let ts = !(route.ends_with(".js") || route.ends_with(".jsx") || route.ends_with(".mjs"));
    let lib = format!("{}lib/auth.{}", project.code_root(), if ts { "ts" } else { "js" });
    let name = match target {
        Target::Inline(_) => "authOptions".to_string(),
        Target::Decl { name, .. } => name.clone(),
    };
    let moved_span = match target {
        Target::Inline(s) => *s,
        Target::Decl { stmt, .. } => *stmt,
    };
    // What the moved code refers to.
    let refs: Vec<(String, Span)> = ast::ident_refs(&p.module).into_iter().filter(|(_, s)| contains(moved_span, *s)).collect();
    let ref_names: Vec<&str> = refs.iter().map(|(n, _)| n.as_str()).collect();
    // Helper declarations it uses move along, when nothing else in the route needs them.
    let mut moved_stmts: Vec<Span> = Vec::new();
    if let Target::Decl { stmt, .. } = target {
        moved_stmts.push(*stmt);
    }
    for (span, names) in top_decls(p) {
        if moved_stmts.contains(&span) || contains(span, moved_span) {
            continue;
        }
        if names.iter().any(|n| ref_names.contains(&n.as_str())) {
            let excluded: Vec<Span> = vec![moved_span, span];
            if names.iter().any(|n| ast::referenced_outside(p, n, &excluded)) {
                return Err(format!("`{}` is used by the options and by the route: move the options to {lib} by hand", names.join("`, `")));
            }
            moved_stmts.push(span);
        }
    }
    moved_stmts.sort_by_key(|s| s.lo);
    let all_refs: Vec<String> = ast::ident_refs(&p.module)
        .into_iter()
        .filter(|(_, s)| moved_stmts.iter().any(|m| contains(*m, *s)) || contains(moved_span, *s))
        .map(|(n, _)| n)
        .collect();

    let style = project.file_style(route);
    // Imports the moved code needs, rewritten for the new location.
    let mut lib_imports: Vec<String> = Vec::new();
    let mut route_edits: Vec<Edit> = Vec::new();
    let mut removed_imports: Vec<Span> = Vec::new();
    let excluded: Vec<Span> = moved_stmts.iter().copied().chain(std::iter::once(moved_span)).collect();
    for imp in ast::imports(p) {
        let needed: Vec<&ast::ImportSpec> = imp.specs.iter().filter(|s| all_refs.contains(&s.local)).collect();
        if needed.is_empty() {
            continue;
        }
        let src = rewrite_relative(&imp.src, route, &lib);
        let mut named = Vec::new();
        let mut head = Vec::new();
        for s in &needed {
            let t = text[p.range(s.span)].to_string();
            match s.imported.as_str() {
                "default" | "*" => head.push(t),
                _ => named.push(t),
            }
        }
        if !named.is_empty() {
            head.push(format!("{{ {} }}", named.join(", ")));
        }
        let kw = if imp.type_only { "import type" } else { "import" };
        lib_imports.push(format!("{kw} {} from {}{}", head.join(", "), style.quote(&src), style.semi()));
        // In the route, drop what is no longer used.
        let unused: Vec<&&ast::ImportSpec> = needed.iter().filter(|s| !ast::referenced_outside(p, &s.local, &excluded)).collect();
        if unused.len() == imp.specs.len() {
            route_edits.push(edit::delete_statement_lines(text, p.lo(imp.span), p.hi(imp.span)));
            removed_imports.push(imp.span);
        } else {
            for s in unused {
                if let Some(e) = ast::remove_import_spec(p, text, &imp, &s.local) {
                    route_edits.push(e);
                }
            }
        }
    }
    // The moved declarations' text.
    let mut body = Vec::new();
    for s in &moved_stmts {
        let start = start_with_comments(p, text, *s);
        let mut t = text[start..p.hi(*s)].to_string();
        let is_target = matches!(target, Target::Decl { stmt, .. } if stmt == s);
        if is_target && !t[p.lo(*s) - start..].starts_with("export ") {
            let at = p.lo(*s) - start;
            t.insert_str(at, "export ");
        }
        body.push(t.replace("\r\n", "\n"));
        route_edits.push(edit::delete_statement_lines(text, start, p.hi(*s)));
    }
    if let Target::Inline(span) = target {
        let obj = text[p.range(*span)].replace("\r\n", "\n");
        if ts {
            lib_imports.insert(0, format!("import type {{ NextAuthOptions }} from {}{}", style.quote("next-auth"), style.semi()));
            body.push(format!("export const authOptions: NextAuthOptions = {obj}{}", style.semi()));
        } else {
            body.push(format!("/** @type {{import(\"next-auth\").NextAuthOptions}} */\nexport const authOptions = {obj}{}", style.semi()));
        }
        route_edits.push(Edit::replace(p.lo(*span), p.hi(*span), "authOptions"));
    }
    let spec = project.import_specifier(route, &lib);
    route_edits.push(ast::insert_import_avoiding(p, text, &ast::import_line(&style, &format!("{{ {name} }}"), &spec), &removed_imports));

    let mut changes: Vec<Change> = route_edits.into_iter().map(|e| Change::edit(route, e)).collect();
    // The new module, or an addition to an existing lib/auth.
    match project.text(&lib) {
        None => {
            let mut content = String::new();
            for i in &lib_imports {
                content.push_str(i);
                content.push('\n');
            }
            if !lib_imports.is_empty() {
                content.push('\n');
            }
            content.push_str(&body.join("\n\n"));
            content.push('\n');
            changes.push(Change::Create { file: lib.clone(), content });
        }
        Some(lib_text) => {
            let lp = project.parsed(&lib).ok_or_else(|| format!("{lib} does not parse"))?;
            if ast::top_level_names(&lp).contains(&name) {
                return Err(format!("{lib} already defines `{name}`: merge the two by hand"));
            }
            let existing: Vec<String> = ast::imports(&lp).iter().map(|i| lib_text[lp.range(i.span)].to_string()).collect();
            let new_imports: Vec<&String> = lib_imports.iter().filter(|i| !existing.contains(i)).collect();
            if !new_imports.is_empty() {
                let block = new_imports.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n");
                changes.push(Change::edit(&lib, ast::insert_import(&lp, lib_text, &block)));
            }
            let sep = if lib_text.ends_with('\n') { "\n" } else { "\n\n" };
            changes.push(Change::edit(&lib, Edit::insert(lib_text.len(), format!("{sep}{}\n", body.join("\n\n")))));
        }
    }
    // Every import of the options from the route now comes from the new module.
    let mut importers = 0;
    let files: Vec<&str> = project.source_files_containing("nextauth").filter(|f| *f != route).collect();
    for f in files {
        let Some(fp) = project.parsed(f) else { continue };
        let ftext = project.text(f).unwrap();
        for imp in ast::imports(&fp) {
            if project.resolve_import(f, &imp.src).as_deref() != Some(route) {
                continue;
            }
            let Some(spec_i) = imp.specs.iter().find(|s| s.imported == name) else { continue };
            importers += 1;
            let new_spec =
                if imp.src.starts_with('.') { project::relative(project::parent(f), &project::strip_ext(&lib)) } else { project.import_specifier(f, &lib) };
            let fstyle = Style::detect(ftext);
            if imp.specs.len() == 1 {
                let q = ftext[fp.range(imp.src_span)].chars().next().unwrap_or('"');
                changes.push(Change::edit(f, Edit::replace(fp.lo(imp.src_span), fp.hi(imp.src_span), format!("{q}{new_spec}{q}"))));
            } else {
                if let Some(e) = ast::remove_import_spec(&fp, ftext, &imp, &spec_i.local) {
                    changes.push(Change::edit(f, e));
                }
                let clause = if spec_i.local == name { format!("{{ {name} }}") } else { format!("{{ {name} as {} }}", spec_i.local) };
                changes.push(Change::edit(f, Edit::insert(fp.hi(imp.span), format!("\n{}", ast::import_line(&fstyle, &clause, &new_spec)))));
            }
        }
    }
    let title = if importers > 0 {
        format!("Move `{name}` to {lib} and import it in the route and {importers} other file(s)")
    } else {
        format!("Move `{name}` to {lib} and import it in the route")
    };
    Ok(Fix::new(Applicability::Safe, title, changes))
}
