//! The code steps after the config: server session reads, client hooks and calls, the
//! SessionProvider and its wrapper, imports of the moved config, and the middleware/proxy.
//! Each function adds edits for one file; nothing here writes.
use super::config::TODO;
use super::model::{is_authjs_module, Provider};
use super::{Ctx, Report};
use crate::ast;
use crate::ast::unwrap_expr;
use crate::edit::{self, Edit};
use crate::parse::Parsed;
use crate::rules::client_common::const_str;
use crate::style::Style;
use std::collections::BTreeSet;
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

pub const REACT: &str = "next-auth/react";

/// Calls found in a file with whether the enclosing function is async, and JSX elements with
/// whether their parent is a JSX element.
#[derive(Default)]
struct Scan {
    calls: Vec<(CallInfo, bool)>,
    async_stack: Vec<bool>,
    els: Vec<El>,
    jsx_depth: Vec<bool>,
    fn_spans: Vec<Span>,
    /// `const { … } = <useSession local>()` declarators.
    destructures: Vec<Destructure>,
    session_local: Option<String>,
    /// (op is ===/==, negated, ident span, literal, whole span)
    comparisons: Vec<(String, bool, Span, String, Span)>,
    idents: Vec<(String, Span)>,
}

#[derive(Clone, Debug)]
pub struct CallInfo {
    pub callee: String,
    pub span: Span,
    pub callee_span: Span,
    pub args: Vec<Span>,
    /// The first argument's constant string, if any.
    pub arg0_str: Option<String>,
    /// Key/value texts of an object literal argument at index 1 (or 0 for signOut): (key, value span, shorthand).
    pub obj: Vec<(usize, Vec<(String, Span)>)>,
    pub obj_other: Vec<usize>,
}

#[derive(Clone, Debug)]
struct El {
    name: String,
    span: Span,
    opening: Span,
    closing: Option<Span>,
    children: Vec<Span>,
    spread: Option<Span>,
    parent_is_jsx: bool,
}

#[derive(Clone, Debug)]
struct Destructure {
    pat: Span,
    /// (key, local, prop span)
    props: Vec<(String, String, Span)>,
    func: Option<Span>,
}

impl Visit for Scan {
    fn visit_function(&mut self, n: &Function) {
        self.async_stack.push(n.is_async);
        self.fn_spans.push(n.span);
        n.visit_children_with(self);
        self.fn_spans.pop();
        self.async_stack.pop();
    }
    fn visit_arrow_expr(&mut self, n: &ArrowExpr) {
        self.async_stack.push(n.is_async);
        self.fn_spans.push(n.span);
        n.visit_children_with(self);
        self.fn_spans.pop();
        self.async_stack.pop();
    }
    fn visit_call_expr(&mut self, n: &CallExpr) {
        if let Callee::Expr(e) = &n.callee {
            if let Expr::Ident(i) = &**e {
                let mut obj = Vec::new();
                let mut obj_other = Vec::new();
                for (idx, a) in n.args.iter().enumerate() {
                    if let Expr::Object(o) = unwrap_expr(&a.expr) {
                        let mut kvs = Vec::new();
                        let mut other = false;
                        for p in &o.props {
                            match p {
                                PropOrSpread::Prop(p) => match &**p {
                                    Prop::KeyValue(kv) => match crate::ast::prop_name(&kv.key) {
                                        Some(k) => kvs.push((k, kv.value.span())),
                                        None => other = true,
                                    },
                                    Prop::Shorthand(s) => kvs.push((s.sym.to_string(), s.span)),
                                    _ => other = true,
                                },
                                _ => other = true,
                            }
                        }
                        if other {
                            obj_other.push(idx);
                        }
                        obj.push((idx, kvs));
                    }
                }
                let info = CallInfo {
                    callee: i.sym.to_string(),
                    span: n.span,
                    callee_span: i.span,
                    args: n.args.iter().map(|a| a.span()).collect(),
                    arg0_str: n.args.first().and_then(|a| if a.spread.is_none() { const_str(&a.expr) } else { None }),
                    obj,
                    obj_other,
                };
                self.calls.push((info, self.async_stack.last().copied().unwrap_or(false)));
            }
        }
        n.visit_children_with(self);
    }
    fn visit_var_declarator(&mut self, n: &VarDeclarator) {
        if let (Pat::Object(o), Some(init)) = (&n.name, &n.init) {
            let is_hook = match unwrap_expr(init) {
                Expr::Call(c) => {
                    matches!(&c.callee, Callee::Expr(e) if matches!(&**e, Expr::Ident(i) if Some(i.sym.as_str()) == self.session_local.as_deref()))
                }
                _ => false,
            };
            if is_hook {
                let mut props = Vec::new();
                for p in &o.props {
                    match p {
                        ObjectPatProp::Assign(a) if a.value.is_none() => props.push((a.key.sym.to_string(), a.key.sym.to_string(), a.span())),
                        ObjectPatProp::KeyValue(kv) => {
                            if let (Some(k), Pat::Ident(i)) = (prop_key(&kv.key), &*kv.value) {
                                props.push((k, i.id.sym.to_string(), kv.span()));
                            }
                        }
                        _ => {}
                    }
                }
                self.destructures.push(Destructure { pat: o.span, props, func: self.fn_spans.last().copied() });
            }
        }
        n.visit_children_with(self);
    }
    fn visit_bin_expr(&mut self, n: &BinExpr) {
        let eq = matches!(n.op, BinaryOp::EqEqEq | BinaryOp::EqEq);
        let ne = matches!(n.op, BinaryOp::NotEqEq | BinaryOp::NotEq);
        if eq || ne {
            let pair = match (unwrap_expr(&n.left), unwrap_expr(&n.right)) {
                (Expr::Ident(i), r) => const_str(r).map(|s| (i, s)),
                (l, Expr::Ident(i)) => const_str(l).map(|s| (i, s)),
                _ => None,
            };
            if let Some((i, s)) = pair {
                self.comparisons.push((i.sym.to_string(), ne, i.span, s, n.span));
            }
        }
        n.visit_children_with(self);
    }
    fn visit_ident(&mut self, i: &Ident) {
        self.idents.push((i.sym.to_string(), i.span));
    }
    fn visit_jsx_element(&mut self, n: &JSXElement) {
        if let JSXElementName::Ident(i) = &n.opening.name {
            let spread = n.opening.attrs.iter().find_map(|a| match a {
                JSXAttrOrSpread::SpreadElement(s) => Some(s.expr.span()),
                _ => None,
            });
            self.els.push(El {
                name: i.sym.to_string(),
                span: n.span,
                opening: n.opening.span,
                closing: n.closing.as_ref().map(|c| c.span),
                children: n.children.iter().map(|c| c.span()).collect(),
                spread,
                parent_is_jsx: self.jsx_depth.last().copied().unwrap_or(false),
            });
        }
        self.jsx_depth.push(true);
        n.visit_children_with(self);
        self.jsx_depth.pop();
    }
    fn visit_jsx_expr_container(&mut self, n: &JSXExprContainer) {
        self.jsx_depth.push(false);
        n.visit_children_with(self);
        self.jsx_depth.pop();
    }
    fn visit_jsx_attr(&mut self, n: &JSXAttr) {
        self.jsx_depth.push(false);
        n.visit_children_with(self);
        self.jsx_depth.pop();
    }
}

/// A `// TODO(authfix migrate): …` line above the line holding `pos` (once per line).
pub fn todo_line(text: &str, pos: usize, msg: &str) -> Edit {
    let at = edit::line_start(text, pos);
    let indent = crate::rules::client_common::indent_at(text, pos).to_string();
    Edit::insert(at, format!("{indent}// {TODO}: {msg}\n"))
}

fn prop_key(k: &PropName) -> Option<String> {
    crate::ast::prop_name(k)
}

fn scan(p: &Parsed, session_local: Option<String>) -> Scan {
    let mut s = Scan { session_local, ..Default::default() };
    p.module.visit_with(&mut s);
    s
}

fn within(inner: Span, outer: Span) -> bool {
    outer.lo <= inner.lo && inner.hi <= outer.hi
}

/// Imports of `file` resolving to `target`.
fn imports_of<'a>(ctx: &Ctx, file: &str, imps: &'a [ast::ImportInfo], target: &str) -> Vec<&'a ast::ImportInfo> {
    imps.iter().filter(|i| ctx.project.resolve_import(file, &i.src).as_deref() == Some(target)).collect()
}

/// Remove the named specifiers (by local name) from an import, or the whole import when none stays.
fn drop_specs(p: &Parsed, text: &str, imp: &ast::ImportInfo, locals: &[String], out: &mut Vec<Edit>, removed: &mut Vec<Span>) {
    let keep: Vec<&ast::ImportSpec> = imp.specs.iter().filter(|s| !locals.contains(&s.local)).collect();
    if keep.is_empty() {
        out.push(edit::delete_statement_lines(text, p.lo(imp.span), p.hi(imp.span)));
        removed.push(imp.span);
        return;
    }
    // Rebuild the clause: simplest faithful form for the kept specifiers.
    let default = keep.iter().find(|s| s.imported == "default").map(|s| s.local.clone());
    let ns = keep.iter().find(|s| s.imported == "*").map(|s| format!("* as {}", s.local));
    let named: Vec<String> = keep
        .iter()
        .filter(|s| s.imported != "default" && s.imported != "*")
        .map(|s| {
            let t = if s.type_only { "type " } else { "" };
            if s.imported == s.local {
                format!("{t}{}", s.local)
            } else {
                format!("{t}{} as {}", s.imported, s.local)
            }
        })
        .collect();
    let mut parts: Vec<String> = Vec::new();
    if let Some(d) = default {
        parts.push(d);
    }
    if let Some(n) = ns {
        parts.push(n);
    }
    if !named.is_empty() {
        parts.push(format!("{{ {} }}", named.join(", ")));
    }
    let lo = p.lo(imp.span) + "import".len();
    let mut start = lo + (text[lo..].len() - text[lo..].trim_start().len());
    if text[start..].starts_with("type ") {
        start += 5;
        start += text[start..].len() - text[start..].trim_start().len();
    }
    let Some(from) = text[start..p.lo(imp.src_span)].rfind("from").map(|i| start + i) else { return };
    let end = start + text[start..from].trim_end().len();
    out.push(Edit::replace(start, end, parts.join(", ")));
}

/// Server reads: `getServerSession(authOptions)` (v4) and `auth()` (v5) become
/// `auth.api.getSession({ headers: await headers() })`; imports of the config follow it.
pub fn server(ctx: &Ctx, file: &str, out: &mut Vec<Edit>, report: &mut Report) {
    let project = ctx.project;
    let Some(p) = project.parsed(file) else { return };
    let text = project.text(file).unwrap_or("");
    let style = project.file_style(file);
    let imps = ast::imports(&p);
    let gss: Vec<String> = imps
        .iter()
        .filter(|i| i.src == "next-auth" || i.src == "next-auth/next")
        .flat_map(|i| i.specs.iter())
        .filter(|s| s.imported == "getServerSession")
        .map(|s| s.local.clone())
        .collect();
    let cfg_imps = imports_of(ctx, file, &imps, &ctx.main_file);
    let auth5: Option<String> =
        if ctx.major >= 5 { cfg_imps.iter().flat_map(|i| i.specs.iter()).find(|s| s.imported == "auth").map(|s| s.local.clone()) } else { None };
    let options_local: Vec<String> =
        cfg_imps.iter().flat_map(|i| i.specs.iter()).filter(|s| Some(s.imported.as_str()) == ctx.options_name.as_deref()).map(|s| s.local.clone()).collect();
    if gss.is_empty() && auth5.is_none() && cfg_imps.is_empty() {
        return;
    }
    let s = scan(&p, None);
    let mut replaced = 0;
    let mut replaced_spans: Vec<Span> = Vec::new();
    for (c, is_async) in &s.calls {
        let is_gss = gss.contains(&c.callee) && c.args.len() <= 1;
        let is_auth5 = auth5.as_deref() == Some(c.callee.as_str()) && c.args.is_empty();
        if !(is_gss || is_auth5) {
            if gss.contains(&c.callee) || auth5.as_deref() == Some(c.callee.as_str()) {
                let (line, _) = edit::line_col(text, p.lo(c.span));
                report.human(
                    Some(file),
                    format!(
                        "line {line}: `{}` with these arguments has no mechanical equivalent: use `auth.api.getSession({{ headers }})`",
                        &text[p.range(c.span)].lines().next().unwrap_or("")
                    ),
                );
                out.push(todo_line(text, p.lo(c.span), "read the session with `auth.api.getSession({ headers })`"));
                report.todo_in_file(file);
            }
            continue;
        }
        if !is_async {
            let (line, _) = edit::line_col(text, p.lo(c.span));
            report.human(
                Some(file),
                format!("line {line}: the session is read outside an async function; `auth.api.getSession` needs `await headers()`: make the function async"),
            );
            out.push(todo_line(text, p.lo(c.span), "read the session with `await auth.api.getSession({ headers: await headers() })` in an async function"));
            report.todo_in_file(file);
            continue;
        }
        out.push(Edit::replace(p.lo(c.span), p.hi(c.span), "auth.api.getSession({ headers: await headers() })"));
        replaced_spans.push(c.span);
        replaced += 1;
    }
    let mut removed: Vec<Span> = Vec::new();
    let mut new_imports: Vec<String> = Vec::new();
    if replaced > 0 {
        let has_headers = imps.iter().any(|i| i.src == "next/headers" && i.specs.iter().any(|s| s.imported == "headers" && s.local == "headers"));
        if !has_headers {
            new_imports.push(ast::import_line(&style, "{ headers }", "next/headers"));
        }
    }
    // next-auth imports: drop getServerSession (and types the file no longer needs).
    for imp in imps.iter().filter(|i| i.src == "next-auth" || i.src == "next-auth/next") {
        let mut drop: Vec<String> =
            imp.specs.iter().filter(|s| gss.contains(&s.local) && !ast::referenced_outside(&p, &s.local, &replaced_spans)).map(|s| s.local.clone()).collect();
        for s in &imp.specs {
            if s.type_only || imp.type_only {
                let (line, _) = edit::line_col(text, p.lo(imp.span));
                report.human(
                    Some(file),
                    format!("line {line}: the type `{}` from next-auth: use `typeof auth.$Infer.Session` from your Better Auth config", s.imported),
                );
            }
        }
        drop.dedup();
        if !drop.is_empty() {
            drop_specs(&p, text, imp, &drop, out, &mut removed);
        }
    }
    // Imports of the config module: `authOptions` → `auth`; the path follows a move.
    let need_auth = replaced > 0;
    let mut auth_bound = auth5.is_some();
    for imp in &cfg_imps {
        let mut drop: Vec<String> = Vec::new();
        for sp in &imp.specs {
            if options_local.contains(&sp.local) {
                // Used only as getServerSession's argument (now replaced)?
                if !ast::referenced_outside(&p, &sp.local, &replaced_spans) {
                    drop.push(sp.local.clone());
                } else {
                    report.human(
                        Some(file),
                        format!("`{}` (the Auth.js options) is still used here: Better Auth has no options object to pass around; use `auth`", sp.local),
                    );
                }
            }
            if ["handlers", "signIn", "signOut", "unstable_update"].contains(&sp.imported.as_str()) && ast::referenced_outside(&p, &sp.local, &[]) {
                let hint = match sp.imported.as_str() {
                    "signIn" => "server-side sign-in: `auth.api.signInSocial({ body: { provider }, headers })` then `redirect(url)`, or `auth.api.signInEmail`",
                    "signOut" => "server-side sign-out: `await auth.api.signOut({ headers: await headers() })` then `redirect(\"/\")`",
                    _ => "no Better Auth equivalent",
                };
                report.human(Some(file), format!("`{}` imported from the Auth.js config: {hint}", sp.imported));
                out.push(todo_line(text, p.lo(imp.span), &format!("`{}` is gone with Auth.js: {hint}", sp.imported)));
                report.todo_in_file(file);
            }
        }
        let spec_new = project.import_specifier(file, &ctx.lib_auth);
        if need_auth && !auth_bound && !drop.is_empty() && imp.specs.len() == drop.len() {
            // Replace the whole import with `import { auth } from "<lib>"`.
            out.push(Edit::replace(p.lo(imp.span), p.hi(imp.span), ast::import_line(&style, "{ auth }", &spec_new)));
            auth_bound = true;
            continue;
        }
        if !drop.is_empty() {
            drop_specs(&p, text, imp, &drop, out, &mut removed);
        }
        if ctx.moved && !removed.contains(&imp.span) {
            out.push(Edit::replace(p.lo(imp.src_span), p.hi(imp.src_span), style.quote(&spec_new)));
        }
    }
    if need_auth && !auth_bound {
        new_imports.push(ast::import_line(&style, "{ auth }", &project.import_specifier(file, &ctx.lib_auth)));
    }
    if !new_imports.is_empty() {
        out.push(ast::insert_import_avoiding(&p, text, &new_imports.join("\n"), &removed));
    }
    if replaced > 0 {
        report.changed(
            file,
            format!("{replaced} server session read{} now `auth.api.getSession({{ headers: await headers() }})`", if replaced == 1 { "" } else { "s" }),
        );
    }
}

/// What a provider id signs in with on the client.
fn sign_in_call(ctx: &Ctx, style: &Style, id: &str, callback: Option<String>, creds: Option<(String, String)>) -> Option<String> {
    let cb = callback.map(|c| format!(", callbackURL: {c}")).unwrap_or_default();
    match ctx.providers.iter().find(|p| p.id() == Some(id))? {
        Provider::Social { key, .. } => Some(format!("authClient.signIn.social({{ provider: {}{cb} }})", style.quote(key))),
        // better-auth 1.7 registers genericOAuth providers as social providers: the same call.
        Provider::Generic { id, .. } => Some(format!("authClient.signIn.social({{ provider: {}{cb} }})", style.quote(id))),
        Provider::Credentials(_) => {
            let (email, password) = creds?;
            // Auth.js sent any value as a form field; Better Auth's types want strings, and
            // `formData.get("email")` is `FormDataEntryValue | null`: `String(…)` does what the
            // form encoding did.
            let prop = |k: &str, v: String| {
                if v == k {
                    v
                } else if v.contains(".get(") && v.ends_with(')') {
                    format!("{k}: String({v})")
                } else {
                    format!("{k}: {v}")
                }
            };
            Some(format!("authClient.signIn.email({{ {}, {}{cb} }})", prop("email", email), prop("password", password)))
        }
        Provider::Unmapped { .. } => None,
    }
}

/// Client code: `useSession()` → `authClient.useSession()` (with `status` mapped), `signIn(...)` →
/// `authClient.signIn.social/oauth2/email(...)`, `signOut()` → `authClient.signOut(...)`, and the
/// SessionProvider unwrapped.
pub fn client(ctx: &Ctx, file: &str, out: &mut Vec<Edit>, report: &mut Report) {
    let project = ctx.project;
    let Some(p) = project.parsed(file) else { return };
    let text = project.text(file).unwrap_or("");
    let style = project.file_style(file);
    let imps = ast::imports(&p);
    let Some(react) = imps.iter().find(|i| i.src == REACT) else { return };
    let local = |name: &str| react.specs.iter().find(|s| s.imported == name).map(|s| s.local.clone());
    let use_session = local("useSession");
    let sign_in = local("signIn");
    let sign_out = local("signOut");
    let provider = local("SessionProvider");
    let s = scan(&p, use_session.clone());
    let mut handled: Vec<String> = Vec::new();
    let mut uses_client = false;
    let mut unhandled: Vec<String> = Vec::new();
    let line_of = |span: Span| edit::line_col(text, p.lo(span)).0;
    let src = |span: Span| text[p.range(span)].to_string();
    // useSession
    if let Some(us) = &use_session {
        for (c, _) in s.calls.iter().filter(|(c, _)| &c.callee == us) {
            out.push(Edit::replace(p.lo(c.callee_span), p.hi(c.callee_span), "authClient.useSession"));
            uses_client = true;
            if !c.args.is_empty() {
                report.human(
                    Some(file),
                    format!(
                        "line {}: `useSession({})`: Better Auth's hook takes no options (`required`/`onUnauthenticated`: redirect when `!isPending && !data`)",
                        line_of(c.span),
                        src(c.args[0])
                    ),
                );
            }
        }
        for d in &s.destructures {
            let data_local = d.props.iter().find(|(k, _, _)| k == "data").map(|(_, l, _)| l.clone());
            let status = d.props.iter().find(|(k, _, _)| k == "status");
            let update = d.props.iter().find(|(k, _, _)| k == "update");
            if let Some((_, ul, span)) = update {
                out.push(Edit::replace(p.lo(*span), p.hi(*span), if ul == "update" { "refetch: update".to_string() } else { format!("refetch: {ul}") }));
                report.human(
                    Some(file),
                    format!("line {}: `update()` became Better Auth's `refetch()` (it reloads the session; it does not send data)", line_of(*span)),
                );
            }
            let Some((_, sl, sspan)) = status else { continue };
            let func = d.func;
            let in_scope = |sp: Span| func.is_none_or(|f| within(sp, f));
            // The data binding the comparisons need.
            let data = match &data_local {
                Some(dl) => dl.clone(),
                None => {
                    let name = if s.idents.iter().any(|(n, _)| n == "session") { "authSession" } else { "session" };
                    out.push(Edit::insert(p.lo(d.pat) + 1, format!(" data: {name},")));
                    name.to_string()
                }
            };
            let pending = if s.idents.iter().any(|(n, _)| n == "isPending") { "isSessionPending".to_string() } else { "isPending".to_string() };
            out.push(Edit::replace(p.lo(*sspan), p.hi(*sspan), if pending == "isPending" { pending.clone() } else { format!("isPending: {pending}") }));
            let mut mapped_spans: Vec<Span> = Vec::new();
            for (name, neg, ispan, lit, whole) in &s.comparisons {
                if name != sl || !in_scope(*ispan) {
                    continue;
                }
                let expr = match (lit.as_str(), neg) {
                    ("loading", false) => pending.clone(),
                    ("loading", true) => format!("!{pending}"),
                    ("authenticated", false) => format!("!!{data}"),
                    ("authenticated", true) => format!("!{data}"),
                    ("unauthenticated", false) => format!("(!{pending} && !{data})"),
                    ("unauthenticated", true) => format!("({pending} || !!{data})"),
                    _ => continue,
                };
                // `if ((a && b))`: one pair of parentheses is enough.
                let (lo, hi) = (p.lo(*whole), p.hi(*whole));
                let parens = text[..lo].ends_with('(') && text[hi..].starts_with(')');
                let expr = if parens && expr.starts_with('(') { expr[1..expr.len() - 1].to_string() } else { expr };
                out.push(Edit::replace(lo, hi, expr));
                mapped_spans.push(*whole);
            }
            // Any other use of `status`: derive it once, right after the hook.
            let other_use = s.idents.iter().any(|(n, sp)| n == sl && in_scope(*sp) && !within(*sp, d.pat) && !mapped_spans.iter().any(|m| within(*sp, *m)));
            if other_use {
                let mut stmt_end = text[p.hi(d.pat)..].find('\n').map(|i| p.hi(d.pat) + i).unwrap_or(text.len());
                if text[..stmt_end].ends_with('\r') {
                    stmt_end -= 1;
                }
                let indent = crate::rules::client_common::indent_at(text, p.lo(d.pat)).to_string();
                out.push(Edit::insert(
                    stmt_end,
                    format!(
                        "\n{indent}const {sl} = {pending} ? {} : {data} ? {} : {}{}",
                        style.quote("loading"),
                        style.quote("authenticated"),
                        style.quote("unauthenticated"),
                        style.semi()
                    ),
                ));
            }
        }
        handled.push(us.clone());
    }
    // signIn / signOut
    if let Some(si) = &sign_in {
        let mut all = true;
        for (c, _) in s.calls.iter().filter(|(c, _)| &c.callee == si) {
            let opts = c.obj.iter().find(|(i, _)| *i == 1).map(|(_, kv)| kv);
            let get = |k: &str| opts.and_then(|o| o.iter().find(|(n, _)| n == k)).map(|(_, sp)| src(*sp));
            let callback = get("callbackUrl").or_else(|| get("redirectTo"));
            let creds = match (get("email"), get("password")) {
                (Some(e), Some(pw)) => Some((e, pw)),
                _ => None,
            };
            let clean = c.args.len() <= 2 && !c.obj_other.contains(&1) && (c.args.len() < 2 || opts.is_some());
            let new = match (&c.arg0_str, clean) {
                (Some(id), true) => sign_in_call(ctx, &style, id, callback, creds),
                _ => None,
            };
            match new {
                Some(n) => {
                    out.push(Edit::replace(p.lo(c.span), p.hi(c.span), n));
                    uses_client = true;
                }
                None => {
                    all = false;
                    let indent = crate::rules::client_common::indent_at(text, p.lo(c.span)).to_string();
                    let at = edit::line_start(text, p.lo(c.span));
                    if !text[..at].ends_with(&format!("{TODO}: sign in with Better Auth\n")) {
                        out.push(Edit::insert(at, format!("{indent}// {TODO}: sign in with Better Auth (`authClient.signIn.social` or `.email`)\n")));
                    }
                    report.human(
                        Some(file),
                        format!(
                            "line {}: `{}` has no mechanical Better Auth equivalent (Better Auth has no built-in sign-in page)",
                            line_of(c.span),
                            src(c.span).lines().next().unwrap_or("")
                        ),
                    );
                }
            }
        }
        if all {
            handled.push(si.clone());
        } else {
            unhandled.push("signIn".into());
        }
    }
    if let Some(so) = &sign_out {
        for (c, _) in s.calls.iter().filter(|(c, _)| &c.callee == so) {
            let opts = c.obj.iter().find(|(i, _)| *i == 0).map(|(_, kv)| kv);
            let get = |k: &str| opts.and_then(|o| o.iter().find(|(n, _)| n == k)).map(|(_, sp)| src(*sp));
            let redirect_false = get("redirect").as_deref() == Some("false");
            let target = get("callbackUrl").or_else(|| get("redirectTo"));
            let new = if redirect_false {
                "authClient.signOut()".to_string()
            } else if let Some(t) = target {
                format!("authClient.signOut({{ fetchOptions: {{ onSuccess: () => {{ window.location.href = {t}; }} }} }})")
            } else {
                // Auth.js reloads the current page after signing out.
                "authClient.signOut({ fetchOptions: { onSuccess: () => { window.location.reload(); } } })".to_string()
            };
            out.push(Edit::replace(p.lo(c.span), p.hi(c.span), new));
            uses_client = true;
        }
        handled.push(so.clone());
    }
    // SessionProvider: unwrapped wherever it is rendered.
    if let Some(sp) = &provider {
        unwrap_elements(&p, text, &s.els, sp, out);
        handled.push(sp.clone());
    }
    for spec in &react.specs {
        if !handled.contains(&spec.local) && !unhandled.contains(&spec.imported) {
            if ast::referenced_outside(&p, &spec.local, &[]) {
                unhandled.push(spec.imported.clone());
                report.human(
                    Some(file),
                    format!(
                        "`{}` from next-auth/react has no mechanical Better Auth equivalent (`authClient.getSession()` returns `{{ data, error }}`)",
                        spec.imported
                    ),
                );
                out.push(todo_line(text, p.lo(react.span), &format!("`{}` from next-auth/react: port it to `authClient` by hand", spec.imported)));
            } else {
                handled.push(spec.local.clone());
            }
        }
    }
    let mut removed = Vec::new();
    let drop: Vec<String> = react.specs.iter().filter(|s| handled.contains(&s.local)).map(|s| s.local.clone()).collect();
    let need_client = uses_client && !imps.iter().any(|i| i.specs.iter().any(|s| s.local == "authClient"));
    let client_line = ast::import_line(&style, "{ authClient }", &project.import_specifier(file, &ctx.lib_client));
    if need_client && drop.len() == react.specs.len() {
        // The whole next-auth/react import goes: the client import takes its place.
        out.push(Edit::replace(p.lo(react.span), p.hi(react.span), client_line));
    } else {
        if !drop.is_empty() {
            drop_specs(&p, text, react, &drop, out, &mut removed);
        }
        if need_client {
            out.push(ast::insert_import_avoiding(&p, text, &client_line, &removed));
        }
    }
    if !unhandled.is_empty() {
        report.todo_in_file(file);
    }
    let only_provider = react.specs.iter().all(|s| s.imported == "SessionProvider" || s.imported == "SessionProviderProps");
    report.changed(
        file,
        if only_provider {
            "SessionProvider removed (Better Auth's hooks need no provider)".to_string()
        } else {
            "next-auth/react calls now go through `authClient`".to_string()
        },
    );
}

/// Replace `<X …>children</X>` by its children: the lone `{children}` as is inside JSX, a fragment
/// elsewhere (`return <>{children}</>`); `<X {...props} />` by `{props.children}`.
fn unwrap_elements(p: &Parsed, text: &str, els: &[El], name: &str, out: &mut Vec<Edit>) {
    for el in els.iter().filter(|e| e.name == name) {
        match el.closing {
            Some(closing) => {
                let meaningful: Vec<&Span> = el.children.iter().filter(|c| !text[p.range(**c)].trim().is_empty()).collect();
                if el.parent_is_jsx && meaningful.len() == 1 && text[p.range(*meaningful[0])].starts_with('{') {
                    out.push(Edit::replace(p.lo(el.span), p.hi(el.span), text[p.range(*meaningful[0])].to_string()));
                } else {
                    out.push(Edit::replace(p.lo(el.opening), p.hi(el.opening), "<>"));
                    out.push(Edit::replace(p.lo(closing), p.hi(closing), "</>"));
                }
            }
            None => {
                let inner = match el.spread {
                    Some(s) => format!("{{{}.children}}", &text[p.range(s)]),
                    None => "{null}".to_string(),
                };
                let new = if el.parent_is_jsx { inner } else { format!("<>{inner}</>") };
                out.push(Edit::replace(p.lo(el.span), p.hi(el.span), new));
            }
        }
    }
}

/// A pure SessionProvider wrapper: a `"use client"` module whose only import from next-auth is
/// `SessionProvider` (and its props type) and whose one component renders just that element.
pub fn is_pure_wrapper(ctx: &Ctx, file: &str) -> Option<Vec<String>> {
    let p = ctx.project.parsed(file)?;
    if !ast::has_directive(&p, "use client") {
        return None;
    }
    let imps = ast::imports(&p);
    let react = imps.iter().find(|i| i.src == REACT)?;
    if react.specs.iter().any(|s| !["SessionProvider", "SessionProviderProps"].contains(&s.imported.as_str())) {
        return None;
    }
    let sp = react.specs.iter().find(|s| s.imported == "SessionProvider")?.local.clone();
    let els = ast::jsx_elements(&p);
    if els.len() != 1 || els[0].name != sp {
        return None;
    }
    // Other top-level code than imports, directives and one exported component? Then keep the file.
    let mut exports = Vec::new();
    for item in &p.module.body {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::Import(_)) => {}
            ModuleItem::Stmt(Stmt::Expr(e)) if matches!(&*e.expr, Expr::Lit(Lit::Str(_))) => {}
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(_)) => exports.push("default".to_string()),
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(d)) => match &d.decl {
                Decl::Fn(f) => exports.push(f.ident.sym.to_string()),
                Decl::Var(v) if v.decls.len() == 1 => {
                    if let Pat::Ident(i) = &v.decls[0].name {
                        exports.push(i.id.sym.to_string())
                    }
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    (exports.len() == 1).then_some(exports)
}

/// In a file that renders a removed wrapper: unwrap its elements and drop its import.
pub fn unwrap_wrapper_uses(ctx: &Ctx, file: &str, wrapper: &str, exports: &[String], out: &mut Vec<Edit>, report: &mut Report) {
    let project = ctx.project;
    let Some(p) = project.parsed(file) else { return };
    let text = project.text(file).unwrap_or("");
    let imps = ast::imports(&p);
    for imp in imps.iter().filter(|i| project.resolve_import(file, &i.src).as_deref() == Some(wrapper)) {
        let locals: Vec<String> = imp.specs.iter().filter(|s| exports.contains(&s.imported)).map(|s| s.local.clone()).collect();
        let s = scan(&p, None);
        for l in &locals {
            unwrap_elements(&p, text, &s.els, l, out);
        }
        let mut removed = Vec::new();
        drop_specs(&p, text, imp, &locals, out, &mut removed);
        report.changed(file, format!("renders its children without `{}` (SessionProvider is gone: Better Auth's hooks need no provider)", locals.join(", ")));
    }
}

/// The new middleware/proxy: an optimistic cookie check that sends visitors without a session
/// cookie to the sign-in page, keeping the file's `config` (matcher). Pages it protected check
/// the session on the server too.
pub fn middleware(ctx: &Ctx, file: &str, export: &str, report: &mut Report) -> Option<String> {
    let project = ctx.project;
    let p = project.parsed(file)?;
    let text = project.text(file)?;
    let style = project.file_style(file);
    let mut config = None;
    let mut custom: Vec<String> = Vec::new();
    for item in &p.module.body {
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), .. }))
                if v.decls.iter().any(|d| matches!(&d.name, Pat::Ident(i) if i.id.sym == "config")) =>
            {
                config = Some(text[p.range(item.span())].to_string());
            }
            ModuleItem::ModuleDecl(ModuleDecl::Import(_)) => {}
            other => {
                let t = &text[p.range(other.span())];
                // Anything beyond a bare re-export / `withAuth({})` / `auth` export is custom logic.
                let trivial = t.contains("export { default }")
                    || t.contains("export { auth as")
                    || t.replace(char::is_whitespace, "").starts_with("exportdefaultwithAuth({") && !t.contains("function") && !t.contains("=>")
                    || t.replace(char::is_whitespace, "") == "exportdefaultauth;"
                    || t.replace(char::is_whitespace, "").starts_with("exportconstproxy=auth")
                    || t.replace(char::is_whitespace, "").starts_with("exportconstmiddleware=auth");
                if !trivial {
                    custom.push(t.to_string());
                }
            }
        }
    }
    let sign_in = ctx.sign_in_page.clone().unwrap_or_else(|| "/sign-in".into());
    let ts = file.ends_with(".ts") || file.ends_with(".tsx");
    let mut code = String::new();
    code.push_str(if ts { "import { NextResponse, type NextRequest } from \"next/server\";\n" } else { "import { NextResponse } from \"next/server\";\n" });
    code.push_str("import { getSessionCookie } from \"better-auth/cookies\";\n\n");
    code.push_str(
        "// An optimistic check only (it reads the cookie, not the session): every protected page also\n// checks `auth.api.getSession()` on the server.\n",
    );
    if !custom.is_empty() {
        code.push_str(&format!("// {TODO}: the Auth.js middleware did more than require a session; port this by hand:\n"));
        for c in &custom {
            code.push_str(&super::config::commented(c, ""));
        }
        report.human(Some(file), "the middleware had logic of its own (kept as a TODO comment): port it to the new cookie check".to_string());
    }
    let param = if ts { "request: NextRequest" } else { "request" };
    code.push_str(&format!(
        "export function {export}({param}) {{\n  if (!getSessionCookie(request)) {{\n    return NextResponse.redirect(new URL(\"{sign_in}\", request.url));\n  }}\n  return NextResponse.next();\n}}\n"
    ));
    let mut out = style.fit(&code);
    if let Some(c) = config {
        out.push('\n');
        out.push_str(&c);
        out.push('\n');
    }
    if ctx.sign_in_page.is_none() {
        report.human(Some(file), "redirects to /sign-in: Better Auth has no built-in sign-in page; create one (or change the path)".to_string());
    }
    report.changed(file, "now an optimistic session-cookie check (`getSessionCookie` from better-auth/cookies)".to_string());
    Some(out)
}

/// Every module a file imports or re-exports from.
pub fn module_sources(p: &Parsed) -> Vec<String> {
    let mut out = Vec::new();
    for item in &p.module.body {
        let src = match item {
            ModuleItem::ModuleDecl(ModuleDecl::Import(d)) => Some(&d.src),
            ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(NamedExport { src: Some(s), .. })) => Some(s),
            ModuleItem::ModuleDecl(ModuleDecl::ExportAll(e)) => Some(&e.src),
            _ => None,
        };
        if let Some(s) = src.and_then(|s| s.value.as_str()) {
            out.push(s.to_string());
        }
    }
    out
}

/// Whether a file imports Auth.js (or the config being moved) in a way these steps handle.
pub fn imports_authjs(p: &Parsed) -> bool {
    ast::imports(p).iter().any(|i| is_authjs_module(&i.src))
}

/// The lines authfix wrote into a file carry the marker; used by the report.
pub fn has_todo(text: &str) -> bool {
    text.contains(TODO)
}

pub fn style_of(ctx: &Ctx, file: &str) -> Style {
    ctx.project.file_style(file)
}

/// The simple path prefixes a middleware `config.matcher` protects: `"/dashboard/:path*"`,
/// `"/dashboard"`, `["/a/:path+", "/b"]`. `None` when a matcher is anything else (a regex, a
/// negative lookahead, an object, a computed value): then no page is edited, the report asks.
pub fn matcher_prefixes(p: &Parsed, text: &str) -> Option<Vec<String>> {
    for item in &p.module.body {
        let ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl { decl: Decl::Var(v), .. })) = item else { continue };
        for d in &v.decls {
            if !matches!(&d.name, Pat::Ident(i) if i.id.sym == "config") {
                continue;
            }
            let Some(Expr::Object(o)) = d.init.as_deref().map(unwrap_expr) else { return None };
            let (_, _, kv) = crate::rules::client_common::kv_props(o).into_iter().find(|(_, k, _)| k == "matcher")?;
            let values: Vec<String> = match unwrap_expr(&kv.value) {
                Expr::Array(a) => {
                    a.elems.iter().map(|e| e.as_ref().filter(|e| e.spread.is_none()).and_then(|e| const_str(&e.expr))).collect::<Option<Vec<_>>>()?
                }
                e => vec![const_str(e)?],
            };
            let _ = text;
            return values
                .iter()
                .map(|m| {
                    let base = m.strip_suffix("/:path*").or_else(|| m.strip_suffix("/:path+")).or_else(|| m.strip_suffix("/(.*)")).unwrap_or(m);
                    let simple = base.starts_with('/')
                        && base[1..].split('/').all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
                    simple.then(|| base.to_string())
                })
                .collect();
        }
    }
    None
}

/// The URL path of an App Router page file (`app/(shop)/dashboard/[id]/page.tsx` →
/// `/dashboard/[id]`), route groups dropped; `None` for parallel (`@x`) or private (`_x`) folders.
pub fn page_route(app_dir: &str, file: &str) -> Option<String> {
    let rest = file.strip_prefix(app_dir)?.strip_prefix('/')?;
    let (dir, name) = rest.rsplit_once('/').unwrap_or(("", rest));
    if !name.starts_with("page.") {
        return None;
    }
    let mut route = String::new();
    for seg in dir.split('/').filter(|s| !s.is_empty()) {
        if seg.starts_with('(') && seg.ends_with(')') {
            continue;
        }
        if seg.starts_with('@') || seg.starts_with('_') {
            return None;
        }
        route.push('/');
        route.push_str(seg);
    }
    Some(if route.is_empty() { "/".into() } else { route })
}

/// In a server page the middleware protected: a session check on the server, as the middleware
/// now only looks at the cookie (`const session = await auth.api.getSession(…); if (!session)
/// redirect(…)`). Pages that already read the session, client pages and pages whose component is
/// not a plain default-exported function are left alone (the report names them).
pub fn guard_page(ctx: &Ctx, file: &str, sign_in: &str, out: &mut Vec<Edit>, report: &mut Report) {
    let project = ctx.project;
    let Some(p) = project.parsed(file) else { return };
    let text = project.text(file).unwrap_or("");
    let style = project.file_style(file);
    if ast::has_directive(&p, "use client") {
        report.human(
            Some(file),
            format!("a client page the middleware protected: check `authClient.useSession()` and send visitors without a session to {sign_in}"),
        );
        return;
    }
    // Already reads the session (on the server, through the config or next-auth)?
    let imps = ast::imports(&p);
    let reads = imps
        .iter()
        .any(|i| i.src == "next-auth" || i.src == "next-auth/next" || project.resolve_import(file, &i.src).as_deref() == Some(ctx.main_file.as_str()));
    if reads {
        return;
    }
    let func = p.module.body.iter().find_map(|item| match item {
        ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(ExportDefaultDecl { decl: DefaultDecl::Fn(f), .. })) => Some(&f.function),
        _ => None,
    });
    let Some(func) = func.filter(|f| f.body.is_some()) else {
        report.human(Some(file), format!("a page the middleware protected: check the session on the server (`auth.api.getSession`) and redirect to {sign_in}"));
        return;
    };
    let body = func.body.as_ref().unwrap();
    let names = ast::top_level_names(&p);
    let refs: Vec<String> = ast::ident_refs(&p.module).into_iter().map(|(n, _)| n).collect();
    let var = if refs.iter().any(|n| n == "session") { "authSession" } else { "session" };
    let open = p.lo(body.span) + 1;
    let indent = body.stmts.first().map(|s| crate::rules::client_common::indent_at(text, p.lo(s.span())).to_string()).unwrap_or_else(|| style.indent.clone());
    let q = style.quote(sign_in);
    let semi = style.semi();
    out.push(Edit::insert(
        open,
        format!("\n{indent}// The middleware only looks at the cookie: check the session here.\n{indent}const {var} = await auth.api.getSession({{ headers: await headers() }}){semi}\n{indent}if (!{var}) redirect({q}){semi}"),
    ));
    if !func.is_async {
        out.push(Edit::insert(p.lo(func.span), "async "));
    }
    let mut lines = Vec::new();
    if !names.iter().any(|n| n == "auth") {
        lines.push(ast::import_line(&style, "{ auth }", &project.import_specifier(file, &ctx.lib_auth)));
    }
    if !names.iter().any(|n| n == "headers") {
        lines.push(ast::import_line(&style, "{ headers }", "next/headers"));
    }
    if !names.iter().any(|n| n == "redirect") {
        lines.push(ast::import_line(&style, "{ redirect }", "next/navigation"));
    }
    if !lines.is_empty() {
        out.push(ast::insert_import(&p, text, &lines.join("\n")));
    }
    report.changed(file, format!("checks the session on the server (the middleware protected it; it now only reads the cookie), redirecting to {sign_in}"));
}

/// What to do with a declaration file (`*.d.ts`) that mentions Auth.js.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Augmentation {
    /// No `declare module "next-auth…"` and no import from Auth.js: not ours.
    NotOurs,
    /// Only Auth.js augmentations (`declare module "next-auth"`, `"next-auth/jwt"`,
    /// `"@auth/core/…"`), their imports and `export {}`: the file goes. `fields`: what the blocks
    /// added besides the user's id (see [`augmented_fields`]).
    Whole { fields: Vec<String> },
    /// Auth.js blocks and imports next to other declarations: these edits remove them (and keep
    /// the file a module, so the other `declare module`/`declare global` blocks keep their meaning).
    Parts { edits: Vec<Edit>, fields: Vec<String> },
    /// Authfix leaves the file alone; the reason goes in the report.
    Manual(String),
}

/// Judge a declaration file by its syntax tree (parsed as TypeScript declarations): with next-auth
/// gone its type augmentations no longer type-check, and Better Auth infers its types
/// (`typeof auth.$Infer.Session`).
pub fn augmentation(file: &str, text: &str, style: &Style) -> Augmentation {
    use swc_core::common::comments::Comments;
    let p = match crate::parse::parse(file, text) {
        Ok(p) => p,
        Err(e) => {
            let (line, col) = edit::line_col(text, e.offset);
            return Augmentation::Manual(format!("does not parse ({} at {line}:{col}): remove its next-auth type augmentations by hand", e.message));
        }
    };
    let mut ours: Vec<Span> = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut imported: Vec<String> = Vec::new();
    let mut others: Vec<&ModuleItem> = Vec::new();
    let mut was_module = false;
    let mut keeps_module = false;
    for item in &p.module.body {
        if matches!(item, ModuleItem::ModuleDecl(_)) {
            was_module = true;
        }
        match item {
            ModuleItem::ModuleDecl(ModuleDecl::Import(d)) if is_authjs_module(d.src.value.as_str().unwrap_or("")) => {
                ours.push(d.span);
                for s in &d.specifiers {
                    imported.push(
                        match s {
                            ImportSpecifier::Named(n) => &n.local,
                            ImportSpecifier::Default(d) => &d.local,
                            ImportSpecifier::Namespace(n) => &n.local,
                        }
                        .sym
                        .to_string(),
                    );
                }
            }
            ModuleItem::Stmt(Stmt::Decl(Decl::TsModule(m))) if matches!(&m.id, TsModuleName::Str(s) if is_authjs_module(s.value.as_str().unwrap_or(""))) => {
                ours.push(m.span);
                augmented_fields(m, &mut fields);
            }
            ModuleItem::ModuleDecl(ModuleDecl::ExportNamed(NamedExport { specifiers, src: None, .. })) if specifiers.is_empty() => keeps_module = true,
            other => {
                keeps_module |= matches!(other, ModuleItem::ModuleDecl(_));
                others.push(other);
            }
        }
    }
    if ours.is_empty() {
        return Augmentation::NotOurs;
    }
    if others.is_empty() {
        return Augmentation::Whole { fields };
    }
    let refs: BTreeSet<String> = others.iter().flat_map(|o| ast::ident_refs(*o)).map(|(n, _)| n).collect();
    if let Some(used) = imported.iter().find(|n| refs.contains(*n)) {
        return Augmentation::Manual(format!(
            "its other declarations use `{used}` from next-auth: remove the next-auth parts by hand (Better Auth's types: `typeof auth.$Infer.Session`)"
        ));
    }
    let mut edits = Vec::new();
    for span in ours {
        let (lo, hi) = (p.lo(span), p.hi(span));
        // The comments above a block go with it.
        let start = p
            .comments
            .get_leading(span.lo)
            .and_then(|cs| cs.first().map(|c| p.lo(c.span)))
            .filter(|s| edit::only_ws_before(text, *s) && text[*s..lo].contains('\n'))
            .unwrap_or(lo);
        edits.push(edit::delete_statement_lines(text, start, hi));
    }
    if was_module && !keeps_module {
        let sep = if text.ends_with('\n') { "\n" } else { "\n\n" };
        edits.push(Edit::insert(text.len(), format!("{sep}export {{}}{}\n", style.semi())));
    }
    Augmentation::Parts { edits, fields }
}

/// The properties an Auth.js `declare module` block adds to its interfaces (`Session`, `User`,
/// `JWT`, `AdapterUser`…), without `user` (the session's user object) and `id` (Better Auth's user
/// has one): what becomes `user.additionalFields`.
pub fn augmented_fields(m: &TsModuleDecl, out: &mut Vec<String>) {
    struct Props<'a>(&'a mut Vec<String>);
    impl Visit for Props<'_> {
        fn visit_ts_property_signature(&mut self, n: &TsPropertySignature) {
            let name = match &*n.key {
                Expr::Ident(i) => Some(i.sym.to_string()),
                Expr::Lit(Lit::Str(s)) => s.value.as_str().map(String::from),
                _ => None,
            };
            if let Some(name) = name.filter(|n| n != "user" && n != "id") {
                if !self.0.contains(&name) {
                    self.0.push(name);
                }
            }
            n.visit_children_with(self);
        }
    }
    m.visit_with(&mut Props(out));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(t: &str) -> Augmentation {
        augmentation("types/next-auth.d.ts", t, &Style::detect(t))
    }

    #[test]
    fn augmentation_files() {
        let whole = "import NextAuth, { type DefaultSession } from \"next-auth\";\nimport { JWT } from \"next-auth/jwt\";\n\n// ids\ndeclare module \"next-auth\" {\n  interface Session {\n    user: { id: string } & DefaultSession[\"user\"];\n  }\n}\n\ndeclare module \"next-auth/jwt\" {\n  interface JWT { uid?: string }\n}\n\nexport {};\n";
        assert_eq!(judge(whole), Augmentation::Whole { fields: vec!["uid".into()] });
        // v5's adapter augmentation, and a side-effect import.
        assert_eq!(
            judge("import \"next-auth/jwt\"\ndeclare module \"@auth/core/adapters\" {\n  interface AdapterUser { role: string }\n}\n"),
            Augmentation::Whole { fields: vec!["role".into()] }
        );
        // Not ours: another module's augmentation, a global, a string that only mentions next-auth.
        assert_eq!(judge("declare global { interface Window { x: 1 } }\n"), Augmentation::NotOurs);
        assert_eq!(judge("declare module \"next-auth-helpers\" { const x: string }\n"), Augmentation::NotOurs);
        assert_eq!(judge("// moved off next-auth\ndeclare module \"*.svg\" { const x: string; export default x; }\n"), Augmentation::NotOurs);
        // Other declarations that use what is imported from next-auth: by hand.
        let Augmentation::Manual(why) =
            judge("import { Session } from \"next-auth\";\ndeclare module \"next-auth\" {}\ndeclare global { var s: Session }\nexport {};\n")
        else {
            panic!()
        };
        assert!(why.contains("`Session`"), "{why}");
        // Does not parse: by hand, with where.
        let Augmentation::Manual(why) = judge("declare module \"next-auth\" {\n") else { panic!() };
        assert!(why.contains("does not parse"), "{why}");
    }

    #[test]
    fn mixed_file_keeps_the_rest_and_stays_a_module() {
        let t = "import { DefaultSession } from \"next-auth\";\n\n// The session carries the id.\ndeclare module \"next-auth\" {\n  interface Session {\n    user: { id: string } & DefaultSession[\"user\"];\n  }\n}\n\ndeclare module \"*.svg\" {\n  const src: string;\n  export default src;\n}\n";
        let Augmentation::Parts { edits: e, fields } = judge(t) else { panic!("{:?}", judge(t)) };
        assert!(fields.is_empty(), "only the id: {fields:?}");
        let out = edit::apply(t, &e, "\n");
        assert_eq!(out, "declare module \"*.svg\" {\n  const src: string;\n  export default src;\n}\n\nexport {};\n");
        crate::parse::parse("types/next-auth.d.ts", &out).unwrap();
        // A file that keeps an import stays a module by itself; no `export {}` added.
        let t = "import type { Foo } from \"./foo\";\nimport \"next-auth\";\ndeclare module \"next-auth\" { interface User { role: string } }\ndeclare global { var foo: Foo }\n";
        let Augmentation::Parts { edits: e, .. } = judge(t) else { panic!() };
        assert_eq!(edit::apply(t, &e, "\n"), "import type { Foo } from \"./foo\";\ndeclare global { var foo: Foo }\n");
        // A script (no import or export) stays a script.
        let t = "declare module \"next-auth\" { interface User { role: string } }\ndeclare module \"*.css\";\n";
        let Augmentation::Parts { edits: e, .. } = judge(t) else { panic!() };
        assert_eq!(edit::apply(t, &e, "\n"), "declare module \"*.css\";\n");
    }
}
