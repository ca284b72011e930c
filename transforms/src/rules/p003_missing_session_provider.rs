use crate::ast;
use crate::declare_rule;
use crate::project::Project;
use crate::provider;
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds `useSession()` (from `next-auth/react`) in App Router code when no layout above it
    /// renders a `SessionProvider` (directly or through a wrapper component), and wraps
    /// `{children}` inside `<body>` of the root layout with the `"use client"` AuthProvider wrapper
    /// (creating it when the project has none).
    ///
    /// ## Why is this bad?
    /// Without a provider, `useSession()` throws in development; in production it returns
    /// `undefined`, so the usual `const { data } = useSession()` crashes with a TypeError and the
    /// production build fails while prerendering that page.
    ///
    /// ## Example
    /// ```tsx
    /// // app/layout.tsx renders {children} with no provider
    /// "use client";
    /// export function UserMenu() { const { data } = useSession(); … }
    /// ```
    /// Use instead:
    /// ```tsx
    /// // app/layout.tsx
    /// <body><AuthProvider>{children}</AuthProvider></body>
    /// ```
    ///
    /// ## Fix safety
    /// Safe: it only adds the provider `useSession()` requires. Components outside `app/` are
    /// reported only when no layout in the project provides a session (they may be rendered under
    /// a nested layout that does). Pages Router files are left alone.
    pub struct MissingSessionProvider {
        code: "P003",
        name: "missing-session-provider",
        fix: Sometimes,
        applicability: [Safe],
        severity: Error,
        summary: "`useSession()` with no SessionProvider above it: throws in dev, `undefined` in production",
    }
}

/// Files that are tests, stories or mocks: Next never renders them.
pub(crate) fn is_test_code(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.split('/').any(|s| matches!(s, "__tests__" | "__mocks__" | "tests" | "test" | "e2e" | "cypress" | "playwright" | ".storybook" | "stories"))
        || [".test.", ".spec.", ".stories.", ".story."].iter().any(|m| name.contains(m))
}

impl Rule for MissingSessionProvider {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        // Only App Router apps: a package that depends on next (a UI library in a monorepo) is
        // rendered by the apps that import it, which see it through their own graph.
        if project.app_dir().is_none() {
            return;
        }
        let users: Vec<&str> = project.source_files_containing("useSession").filter(|f| !project.in_pages_dir(f) && !is_test_code(f)).collect();
        if users.is_empty() {
            return;
        }
        let mut any_provider: Option<bool> = None;
        let mut fixes: std::collections::HashMap<String, Result<Fix, String>> = std::collections::HashMap::new();
        for file in users {
            let Some(info) = project.module(file) else { continue };
            for call in info.calls.iter().filter(|c| project.is_use_session(file, &c.callee)) {
                let Some(u) = call.unit else { continue };
                let reach = project.reach(file, &info.units[u].name);
                // Where the graph sees every way to this call: silent unless one has no
                // provider. Where it sees none (rendered in ways it cannot follow, or not at
                // all): only when the project renders no SessionProvider anywhere.
                let route = if reach.unprovided {
                    reach.unprovided_route.clone()
                } else if !reach.reached && !*any_provider.get_or_insert_with(|| project.has_session_provider()) {
                    None
                } else {
                    continue;
                };
                let root = route.as_deref().and_then(|r| project.root_layout_of(r)).or_else(|| project.root_layout().map(String::from));
                let d = Diagnostic::new(
                    &Self::META,
                    file,
                    call.lo,
                    call.hi,
                    "`useSession()` has no SessionProvider above it: it throws in development and returns `undefined` in production, crashing this component",
                );
                let d = match &route {
                    Some(r) if r != file => d.with_note(format!("rendered by {r}, and no layout above it provides a session")),
                    _ => d,
                };
                let Some(root) = root else {
                    out.push(d.with_note("the app has no root layout to render the provider in"));
                    continue;
                };
                let fix = fixes.entry(root.clone()).or_insert_with(|| make_fix(project, &root)).clone();
                out.push(match fix {
                    Ok(f) => d.with_fix(f),
                    Err(why) => d.with_note(why),
                });
            }
        }
    }
}

fn make_fix(project: &Project, root: &str) -> Result<Fix, String> {
    let p = project.parsed(root).ok_or_else(|| format!("{root} does not parse"))?;
    let text = project.text(root).unwrap();
    let (wrapper, create) =
        provider::ensure_wrapper(project).ok_or_else(|| format!("{} exists and is not a SessionProvider wrapper", provider::new_wrapper_path(project)))?;
    let name = wrapper.local_name();
    if ast::top_level_names(&p).contains(&name) {
        return Err(format!("`{name}` is already a name in {root}: render the provider there by hand"));
    }
    let spec = project.import_specifier(root, &wrapper.file);
    let edits = provider::wrap_children_edits(&p, text, &project.file_style(root), &name, &wrapper.import_clause(), &spec)
        .ok_or_else(|| format!("{root} renders no `{{children}}` to wrap: render <{name}> around your app there"))?;
    let mut changes: Vec<Change> = create.into_iter().collect();
    changes.extend(edits.into_iter().map(|e| Change::edit(root, e)));
    Ok(Fix::new(Applicability::Safe, format!("Wrap {{children}} in {root} with <{name}> from {}", wrapper.file), changes))
}
