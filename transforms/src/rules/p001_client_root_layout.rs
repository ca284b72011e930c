use crate::ast;
use crate::declare_rule;
use crate::edit;
use crate::parse::Parsed;
use crate::project::Project;
use crate::provider::{self, REACT_MODULE};
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::provider_edits::swap_provider;

declare_rule! {
    /// ## What it does
    /// Finds a root `app/layout.tsx` that starts with `"use client"` only to render
    /// `SessionProvider`. It renders a `"use client"` AuthProvider wrapper there instead (creating
    /// `components/AuthProvider.tsx` when the project has none, or reusing the one it has), carries
    /// the provider's props over, and drops `"use client"` from the layout.
    ///
    /// ## Why is this bad?
    /// A client root layout makes the whole tree client-rendered, cannot export `metadata`
    /// (Next 16 fails the build) and cannot call `auth()` / `getServerSession()`. AI builders
    /// write it to get React context; a client wrapper gives the same context from a server
    /// layout.
    ///
    /// ## Example
    /// ```tsx
    /// "use client";
    /// import { SessionProvider } from "next-auth/react";
    /// export default function RootLayout({ children }) {
    ///   return <html><body><SessionProvider>{children}</SessionProvider></body></html>;
    /// }
    /// ```
    /// Use instead:
    /// ```tsx
    /// import AuthProvider from "@/components/AuthProvider";
    /// export default function RootLayout({ children }) {
    ///   return <html><body><AuthProvider>{children}</AuthProvider></body></html>;
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Safe when nothing else in the layout needs the client. When it calls a hook, has an event
    /// handler, touches `window`/`document`/storage or uses other `next-auth/react` client
    /// functions, the diagnostic names what blocks the change and nothing is rewritten.
    pub struct ClientRootLayout {
        code: "P001",
        name: "client-root-layout",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "root layout made a Client Component to host SessionProvider: no `metadata`, no `auth()`, whole app client-rendered",
    }
}

/// What in a client module really needs the client (besides `SessionProvider`).
pub fn client_needs(p: &Parsed, sp_local: &str) -> Vec<String> {
    let mut out = Vec::new();
    for c in ast::calls(p) {
        let n = &c.callee;
        let hook = n == "use" || (n.starts_with("use") && n[3..].chars().next().is_some_and(|c| c.is_ascii_uppercase()));
        if hook && !out.contains(&format!("calls `{n}()`")) {
            out.push(format!("calls `{n}()`"));
        }
    }
    for e in ast::jsx_elements(p) {
        for a in &e.attr_names {
            if a.len() > 2 && a.starts_with("on") && a[2..].starts_with(|c: char| c.is_ascii_uppercase()) {
                let s = format!("has an `{a}` handler");
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
    }
    for (n, _) in ast::ident_refs(&p.module) {
        if ["window", "document", "localStorage", "sessionStorage", "navigator"].contains(&n.as_str()) {
            let s = format!("uses `{n}`");
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    for imp in ast::imports(p) {
        if imp.src == REACT_MODULE {
            for s in imp.specs.iter().filter(|s| s.local != sp_local && !s.type_only && !imp.type_only) {
                out.push(format!("uses `{}` from next-auth/react", s.local));
            }
        }
    }
    out
}

impl Rule for ClientRootLayout {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        for layout in project.root_layouts() {
            self.check_layout(project, &layout, out);
        }
    }
}

impl ClientRootLayout {
    fn check_layout(&self, project: &Project, layout: &str, out: &mut Vec<Diagnostic>) {
        let Some(p) = project.parsed(layout) else { return };
        let Some((_, dspan)) = ast::directives(&p).into_iter().find(|(d, _)| d == "use client") else { return };
        let Some(sp) = ast::local_name(&p, &[REACT_MODULE], "SessionProvider") else { return };
        if !ast::jsx_elements(&p).iter().any(|e| e.name == sp) {
            return;
        }
        let text = project.text(layout).unwrap();
        let d = Diagnostic::new(&Self::META, layout, p.lo(dspan), p.hi(dspan),
            "the root layout is a Client Component only to render SessionProvider: it cannot export `metadata` or call `auth()`, and the whole app renders on the client");
        let needs = client_needs(&p, &sp);
        if !needs.is_empty() {
            out.push(d.with_note(format!(
                "\"use client\" cannot be dropped because the layout {}: move that into a client component, then render AuthProvider here",
                needs.join(", ")
            )));
            return;
        }
        let Some((wrapper, create)) = provider::ensure_wrapper(project) else {
            out.push(d.with_note(format!("{} exists and is not a SessionProvider wrapper", provider::new_wrapper_path(project))));
            return;
        };
        match swap_provider(project, layout, &p, text, &sp, &wrapper, create.is_some()) {
            Ok(mut edits) => {
                edits.push(edit::delete_statement_lines(text, p.lo(dspan), p.hi(dspan)));
                let mut changes: Vec<Change> = create.into_iter().collect();
                changes.extend(edits.into_iter().map(|e| Change::edit(layout, e)));
                out.push(d.with_fix(Fix::new(
                    Applicability::Safe,
                    format!("Render the client wrapper from {} and make the layout a Server Component", wrapper.file),
                    changes,
                )));
            }
            Err(why) => out.push(d.with_note(why)),
        }
    }
}
