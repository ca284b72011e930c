use crate::ast;
use crate::declare_rule;
use crate::project::Project;
use crate::provider::{self, REACT_MODULE};
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};
use crate::rules::provider_edits::swap_provider;

declare_rule! {
    /// ## What it does
    /// In a next-auth v4 project, finds a server layout (no `"use client"`) that imports
    /// `SessionProvider` from `next-auth/react` and renders it, and renders the `"use client"`
    /// AuthProvider wrapper instead.
    ///
    /// ## Why is this bad?
    /// v4's `next-auth/react` entry has no `"use client"` directive, so a Server Component that
    /// renders `SessionProvider` fails `next build` with "React Context is unavailable in Server
    /// Components". (v5's entry carries the directive, so the same code is valid there and is left
    /// alone.)
    ///
    /// ## Example
    /// ```tsx
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
    /// Safe: the wrapper renders the same `SessionProvider` with the same props, from a client
    /// module.
    pub struct ProviderInServerLayout {
        code: "P002",
        name: "provider-in-server-layout",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "v4 `SessionProvider` rendered by a server layout: `next build` fails (React Context unavailable)",
    }
}

impl Rule for ProviderInServerLayout {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        if project.facts.auth_major != Some(4) {
            return;
        }
        let files: Vec<&str> = project
            .source_files_containing("SessionProvider")
            .filter(|f| project.in_app_dir(f))
            .filter(|f| {
                let name = f.rsplit('/').next().unwrap_or(f);
                name.starts_with("layout.") || name.starts_with("template.")
            })
            .collect();
        for file in files {
            let Some(p) = project.parsed(file) else { continue };
            if ast::has_directive(&p, "use client") {
                continue;
            }
            let Some(sp) = ast::local_name(&p, &[REACT_MODULE], "SessionProvider") else { continue };
            let Some(el) = ast::jsx_elements(&p).into_iter().find(|e| e.name == sp) else { continue };
            let text = project.text(file).unwrap();
            let d = Diagnostic::new(&Self::META, file, p.lo(el.opening_name), p.hi(el.opening_name),
                "next-auth v4's SessionProvider has no \"use client\": rendered by this Server Component layout, `next build` fails with \"React Context is unavailable in Server Components\"");
            let Some((wrapper, create)) = provider::ensure_wrapper(project) else {
                out.push(d.with_note(format!("{} exists and is not a SessionProvider wrapper", provider::new_wrapper_path(project))));
                continue;
            };
            match swap_provider(project, file, &p, text, &sp, &wrapper, create.is_some()) {
                Ok(edits) => {
                    let mut changes: Vec<Change> = create.into_iter().collect();
                    changes.extend(edits.into_iter().map(|e| Change::edit(file, e)));
                    out.push(d.with_fix(Fix::new(Applicability::Safe, format!("Render the client wrapper from {}", wrapper.file), changes)));
                }
                Err(why) => out.push(d.with_note(why)),
            }
        }
    }
}
