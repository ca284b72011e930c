use crate::ast::{self, ImportInfo};
use crate::declare_rule;
use crate::edit::{self, Edit};
use crate::parse::Parsed;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::client_common::{auth_export_files, import_of};
use swc_core::common::Span;

declare_rule! {
    /// ## What it does
    /// In a v5 project, finds `getServerSession` (imported from `next-auth` or `next-auth/next`)
    /// and any import of `next-auth/next`, and calls the project's `auth()` instead, imported from
    /// its `auth.ts` (the file that exports `auth` from `NextAuth(…)`) through the path alias.
    ///
    /// ## Why is this bad?
    /// next-auth 5's `next-auth/next` module is a single `throw new ReferenceError('"next-auth/next"
    /// is deprecated…')` (`next-auth/src/next.ts`, exported as `./next` in its package.json), so
    /// importing it crashes every page that does. The main entry has no `getServerSession` export
    /// (`next-auth/src/index.ts`): the import is `undefined` and the call throws a TypeError. v5
    /// reads the session with the `auth()` that `NextAuth(config)` returns.
    ///
    /// ## Example
    /// ```ts
    /// import { getServerSession } from "next-auth/next";
    /// import { authOptions } from "@/lib/auth";
    /// const session = await getServerSession(authOptions);
    /// ```
    /// Use instead:
    /// ```ts
    /// import { auth } from "@/auth";
    /// const session = await auth();
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the code cannot run as written, and `auth()` reads the session with the project's own
    /// v5 config. `getServerSession()` and `getServerSession(options)` become `auth()`; the Pages
    /// Router form `getServerSession(req, res, options)` becomes `auth(req, res)`, which v5 accepts
    /// (`next-auth/src/lib/index.ts`). The options import goes only when nothing else uses it.
    /// No fix when the project has no (or several) `auth.ts` exporting `auth`, when `auth` is
    /// already another name in the file, or when the module imports something else from
    /// `next-auth/next`.
    pub struct GetServerSessionInV5 {
        code: "S003",
        name: "get-server-session-in-v5",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "v5 has no `getServerSession` and `next-auth/next` throws at import: use `auth()`",
    }
}

impl Rule for GetServerSessionInV5 {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major != Some(5) {
            return;
        }
        let mut files: Vec<&str> = project.source_files_containing("next-auth/next").collect();
        for f in project.source_files_containing("getServerSession") {
            if !files.contains(&f) {
                files.push(f);
            }
        }
        files.sort();
        let mut auth_files: Option<Vec<String>> = None;
        for path in files {
            let Some(p) = project.parsed(path) else { continue };
            let text = project.text(path).unwrap();
            for imp in ast::imports(&p) {
                if imp.type_only {
                    continue;
                }
                let gss = imp.specs.iter().find(|s| s.imported == "getServerSession" && !s.type_only);
                let message = if imp.src == "next-auth/next" {
                    "next-auth 5's `next-auth/next` throws a ReferenceError as soon as it is imported, so this module crashes wherever it loads"
                } else if imp.src == "next-auth" && gss.is_some() {
                    "next-auth 5 has no `getServerSession` export: it is `undefined` here, so the call throws a TypeError instead of returning the session"
                } else {
                    continue;
                };
                let d = Diagnostic::new(&Self::META, path, p.lo(imp.span), p.hi(imp.span), message);
                let auth_files = auth_files.get_or_insert_with(|| auth_export_files(project));
                let fix = match (gss, auth_files.as_slice()) {
                    (None, _) => Err("import from `next-auth` instead: v5's `NextAuth(config)` returns `{ handlers, auth, signIn, signOut }` (the route exports `handlers`' `GET`/`POST`) and pages read the session with `auth()`".to_string()),
                    (Some(_), _) if imp.src == "next-auth/next" && imp.specs.iter().any(|s| s.imported != "getServerSession" && !s.type_only) => {
                        Err("this import brings more than `getServerSession` from `next-auth/next`: import those from `next-auth` and call `auth()` from your auth.ts instead".into())
                    }
                    (Some(g), [one]) => make_fix(project, path, text, &p, &imp, &g.local, one),
                    (Some(_), []) => Err("no auth.ts exports `auth` from `NextAuth(…)`: create one (`export const { handlers, auth, signIn, signOut } = NextAuth(config)`) and call `auth()`".into()),
                    (Some(_), many) => Err(format!("several files export `auth` ({}): call `auth()` from the one your route handler uses", many.join(", "))),
                };
                out.push(match fix {
                    Ok(f) => d.with_fix(f),
                    Err(why) => d.with_note(why),
                });
            }
        }
    }
}

fn make_fix(project: &Project, path: &str, text: &str, p: &Parsed, imp: &ImportInfo, gss: &str, auth_file: &str) -> Result<Fix, String> {
    if path == auth_file {
        return Err("this is the file that creates `auth`: read the session with `auth()`".into());
    }
    let imports = ast::imports(p);
    let existing = import_of(project, p, path, auth_file, "auth");
    let auth_name = existing.clone().unwrap_or_else(|| "auth".to_string());
    if existing.is_none() && (ast::top_level_names(p).iter().any(|n| n == "auth") || ast::referenced_outside(p, "auth", &[])) {
        return Err("`auth` is already a name in this file: import `auth` from your auth.ts under another name and call it instead".into());
    }
    let mut edits = Vec::new();
    let mut call_spans: Vec<Span> = Vec::new();
    let mut options_names: Vec<String> = Vec::new();
    for call in ast::calls(p).into_iter().filter(|c| c.callee == gss) {
        let arg = |i: usize| text[p.range(call.args[i])].to_string();
        let new = match call.args.len() {
            0 | 1 => format!("{auth_name}()"),
            3 => format!("{auth_name}({}, {})", arg(0), arg(1)),
            _ => return Err("a `getServerSession` call has an unusual argument list: replace it with `auth()` by hand".into()),
        };
        match call.args.len() {
            1 => options_names.push(arg(0)),
            3 => options_names.push(arg(2)),
            _ => {}
        }
        edits.push(Edit::replace(p.lo(call.span), p.hi(call.span), new));
        call_spans.push(call.span);
    }
    // `getServerSession` used other than by calling it (passed along, re-exported).
    if ast::referenced_outside(p, gss, &call_spans) {
        return Err("`getServerSession` is used here other than by calling it: replace those uses with `auth` by hand".into());
    }
    // The options import goes when nothing else uses it.
    let mut removed: Vec<Span> = Vec::new();
    let mut extra = Vec::new();
    options_names.sort();
    options_names.dedup();
    for name in &options_names {
        if ast::referenced_outside(p, name, &call_spans) {
            continue;
        }
        let Some(oi) = imports.iter().find(|i| i.span != imp.span && i.specs.iter().any(|s| &s.local == name)) else { continue };
        if extra.iter().any(|(s, _): &(Span, Edit)| *s == oi.span) {
            continue; // one removal per import statement
        }
        if let Some(e) = ast::remove_import_spec(p, text, oi, name) {
            if oi.specs.len() == 1 {
                removed.push(oi.span);
            }
            extra.push((oi.span, e));
        }
    }
    edits.extend(extra.into_iter().map(|(_, e)| e));
    let style = project.file_style(path);
    let spec = project.import_specifier(path, auth_file);
    let line = ast::import_line(&style, &format!("{{ {auth_name} }}"), &spec);
    let only_gss = imp.specs.len() == 1;
    match (only_gss, existing.is_some()) {
        (true, false) => edits.push(Edit::replace(p.lo(imp.span), p.hi(imp.span), line)),
        (true, true) => edits.push(edit::delete_statement_lines(text, p.lo(imp.span), p.hi(imp.span))),
        (false, has) => {
            edits.push(ast::remove_import_spec(p, text, imp, gss).ok_or("unexpected import shape")?);
            if !has {
                edits.push(ast::insert_import_avoiding(p, text, &line, &removed));
            }
        }
    }
    Ok(Fix::new(
        Applicability::Safe,
        format!("Call `{auth_name}()` from {auth_file} instead of `getServerSession`"),
        edits.into_iter().map(|e| Change::edit(path, e)).collect(),
    ))
}
