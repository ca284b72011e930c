use crate::ast;
use crate::declare_rule;
use crate::project::{self, Project};
use crate::provider::{self, REACT_MODULE};
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

fn layouts_above(project: &Project, file: &str) -> Vec<String> {
    let app = project.app_dir().unwrap_or("app");
    let mut dir = project::parent(file).to_string();
    let mut out = Vec::new();
    while dir.starts_with(app) {
        for ext in ["tsx", "jsx", "js", "ts"] {
            let l = format!("{dir}/layout.{ext}");
            if project.exists(&l) {
                out.push(l);
            }
        }
        if dir == app {
            break;
        }
        dir = project::parent(&dir).to_string();
    }
    out
}

impl Rule for MissingSessionProvider {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let Some(root) = project.root_layout() else { return };
        let users: Vec<&str> = project.source_files_containing("useSession").filter(|f| !project.in_pages_dir(f)).collect();
        if users.is_empty() || provider::provides_session(project, root, 4) {
            return;
        }
        let mut any_layout_provides: Option<bool> = None;
        let mut fix: Option<Result<Fix, String>> = None;
        for file in users {
            let Some(p) = project.parsed(file) else { continue };
            let Some(local) = ast::local_name(&p, &[REACT_MODULE], "useSession") else { continue };
            let calls: Vec<_> = ast::calls(&p).into_iter().filter(|c| c.callee == local).collect();
            if calls.is_empty() {
                continue;
            }
            let provided = if project.in_app_dir(file) {
                layouts_above(project, file).iter().any(|l| provider::provides_session(project, l, 4))
            } else {
                *any_layout_provides.get_or_insert_with(|| {
                    let layouts: Vec<String> = project
                        .paths()
                        .filter(|f| project.in_app_dir(f) && f.rsplit('/').next().is_some_and(|n| n.starts_with("layout.")))
                        .map(String::from)
                        .collect();
                    layouts.iter().any(|l| provider::provides_session(project, l, 4))
                })
            };
            if provided {
                continue;
            }
            let fix = fix.get_or_insert_with(|| make_fix(project, root)).clone();
            for c in calls {
                let d = Diagnostic::new(
                    &Self::META,
                    file,
                    p.lo(c.span),
                    p.hi(c.span),
                    "`useSession()` has no SessionProvider above it: it throws in development and returns `undefined` in production, crashing this component",
                );
                out.push(match &fix {
                    Ok(f) => d.with_fix(f.clone()),
                    Err(why) => d.with_note(why.clone()),
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
