use crate::ast;
use crate::declare_rule;
use crate::edit::Edit;
use crate::options;
use crate::project::Project;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds v4 `getServerSession()` called with no arguments in App Router code, and passes the
    /// project's options object (`getServerSession(authOptions)`), importing it through the
    /// project's path alias.
    ///
    /// ## Why is this bad?
    /// With no argument, next-auth 4 runs with `Object.assign({}, undefined, { providers: [] })`
    /// (`next-auth/src/next/index.ts`): no callbacks, no adapter, no custom cookies. A `session`
    /// callback that adds `session.user.id` is silently skipped, so the id is missing on every
    /// server page; database sessions come back `null`.
    ///
    /// ## Example
    /// ```ts
    /// const session = await getServerSession();
    /// ```
    /// Use instead:
    /// ```ts
    /// import { authOptions } from "@/lib/auth";
    /// const session = await getServerSession(authOptions);
    /// ```
    ///
    /// ## Fix safety
    /// Safe when exactly one exported options object is found in the project, or when several are
    /// and the route handler passes one of them to `NextAuth`; otherwise the diagnostic lists the
    /// candidates. When the options still live in the route handler, S002
    /// moves them to `lib/auth.ts` first and this fix follows in the next pass. The Pages Router
    /// form `getServerSession(req, res, authOptions)` and `getServerSession(authOptions)` are
    /// left alone.
    pub struct BareGetServerSession {
        code: "S001",
        name: "bare-get-server-session",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "v4 `getServerSession()` without options skips your callbacks: `session.user.id` is missing",
    }
}

impl Rule for BareGetServerSession {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major == Some(5) {
            return;
        }
        let mut candidates: Option<Vec<options::OptionsDecl>> = None;
        for path in project.source_files_containing("getServerSession") {
            if project.in_pages_dir(path) || !project.text_test(path, "S001 bare call", may_have_bare_call) {
                continue;
            }
            let Some(p) = project.parsed(path) else { continue };
            let Some(local) = ast::local_name(&p, &["next-auth", "next-auth/next"], "getServerSession") else { continue };
            let text = project.text(path).unwrap();
            for call in ast::calls(&p).into_iter().filter(|c| c.callee == local && c.args.is_empty()) {
                let cands = candidates.get_or_insert_with(|| {
                    let all = options::exported_options(project);
                    match options::used_by_route(project, &all) {
                        Some(used) if all.len() > 1 => vec![used],
                        _ => all,
                    }
                });
                let d = Diagnostic::new(&Self::META, path, p.lo(call.span), p.hi(call.span),
                    "`getServerSession()` without options runs with empty options: your callbacks, adapter and cookie settings are skipped, so `session.user.id` and database sessions are missing on this page");
                let in_route = project.paths().any(|f| options::is_app_auth_route(project, f) && !options::options_in(project, f).is_empty());
                match cands.as_slice() {
                    [one] => match fix(project, path, text, &p, &call, one) {
                        Ok(f) => out.push(d.with_fix(f)),
                        Err(why) => out.push(d.with_note(why)),
                    },
                    [] if in_route => {
                        out.push(d.with_note("the options object lives in the route handler; S002 moves it to lib/auth first, then this call gets it"))
                    }
                    [] => out.push(d.with_note("no exported options object found: export your `authOptions` (typed `NextAuthOptions`) and pass it")),
                    many => out.push(d.with_note(format!(
                        "several options objects found ({}): pass the one your route handler uses",
                        many.iter().map(|o| format!("`{}` in {}", o.name, o.file)).collect::<Vec<_>>().join(", ")
                    ))),
                }
            }
        }
    }
}

/// A cheap textual test before parsing: a `getServerSession` followed by `()` (or type
/// arguments), or imported under another name. Files with only `getServerSession(x)` are skipped.
fn may_have_bare_call(text: &str) -> bool {
    for i in memchr::memmem::find_iter(text.as_bytes(), b"getServerSession") {
        let rest = text[i + "getServerSession".len()..].trim_start();
        if rest.starts_with("as ") || rest.starts_with('<') {
            return true;
        }
        if let Some(args) = rest.strip_prefix('(') {
            if args.trim_start().starts_with(')') {
                return true;
            }
        }
    }
    false
}

fn fix(project: &Project, path: &str, text: &str, p: &crate::parse::Parsed, call: &ast::CallInfo, opts: &options::OptionsDecl) -> Result<Fix, String> {
    let (cs, ce) = (p.lo(call.span), p.hi(call.span));
    let call_text = &text[cs..ce];
    let close = call_text.rfind(')').ok_or("unexpected call shape")?;
    let open = call_text[..close].rfind('(').ok_or("unexpected call shape")?;
    if !call_text[open + 1..close].trim().is_empty() {
        return Err("unexpected call shape".into());
    }
    let mut changes = Vec::new();
    let mut name = opts.name.clone();
    if opts.file != path {
        let imports = ast::imports(p);
        let existing = imports.iter().find(|i| project.resolve_import(path, &i.src).as_deref() == Some(opts.file.as_str()));
        match existing.and_then(|i| i.specs.iter().find(|s| s.imported == opts.name && !s.type_only)) {
            Some(spec) => name = spec.local.clone(),
            None => {
                if ast::top_level_names(p).contains(&opts.name) {
                    return Err(format!("`{}` is already a name in this file: pass the options from {} by hand", opts.name, opts.file));
                }
                let style = project.file_style(path);
                let spec = project.import_specifier(path, &opts.file);
                let named = existing.filter(|i| !i.type_only).and_then(|i| i.specs.iter().rfind(|s| s.imported != "default" && s.imported != "*"));
                let e = match named {
                    Some(last) => Edit::insert(p.hi(last.span), format!(", {}", opts.name)),
                    None => ast::insert_import(p, text, &ast::import_line(&style, &format!("{{ {} }}", opts.name), &spec)),
                };
                changes.push(Change::edit(path, e));
            }
        }
    }
    changes.push(Change::edit(path, Edit::insert(cs + close, name.clone())));
    Ok(Fix::new(Applicability::Safe, format!("Pass `{name}` from {}", opts.file), changes))
}
