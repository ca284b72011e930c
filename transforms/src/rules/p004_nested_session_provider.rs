use crate::ast;
use crate::declare_rule;
use crate::edit::Edit;
use crate::graph::{ModuleInfo, UseKind};
use crate::parse::Parsed;
use crate::project::Project;
use crate::provider::{self, REACT_MODULE};
use crate::rule::{Applicability, Change, Diagnostic, Fix, Rule, RuleMeta, Severity};
use crate::rules::client_common::indent_at;
use std::collections::HashSet;
use swc_core::common::{Span, Spanned};
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

declare_rule! {
    /// ## What it does
    /// Finds `SessionProvider` (from `next-auth/react`) rendered below the root layout: in a
    /// `page`, in a component that wraps its own content with it, or in a nested `layout`. For a
    /// page it unwraps the provider and makes sure the root layout provides the session (through
    /// the `"use client"` AuthProvider wrapper, created when the project has none).
    ///
    /// ## Why is this bad?
    /// `SessionProvider` keeps the session in React state and fetches `/api/auth/session` when it
    /// mounts (`next-auth/src/react.tsx` in v5, `src/react/index.tsx` in v4: `useState`,
    /// `_getSession` in a `useEffect`). Rendered in a page, it unmounts on every navigation away,
    /// so the session is fetched again and `useSession()` starts in `"loading"` on each visit; any
    /// `useSession()` outside that subtree (a header in the layout) sees no provider at all.
    /// In a nested layout it survives navigation inside that segment only — fine when that
    /// segment alone uses the client session, which is why that case is a warning.
    ///
    /// ## Example
    /// ```tsx
    /// // app/dashboard/page.tsx
    /// export default function Dashboard() {
    ///   return <SessionProvider><Stats /></SessionProvider>;
    /// }
    /// ```
    /// Use instead:
    /// ```tsx
    /// // app/dashboard/page.tsx
    /// export default function Dashboard() {
    ///   return <Stats />;
    /// }
    /// // app/layout.tsx: <body><AuthProvider>{children}</AuthProvider></body>
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: the provider now lives for the whole app, so hooks elsewhere start seeing a session
    /// and the page's subtree keeps its session state across navigations. Only a page's
    /// provider without props is moved: with props (`session`, `basePath`, `refetchInterval`…)
    /// the root layout would have to receive them, which authfix cannot write faithfully, and a
    /// component that wraps its own content may be rendered from several pages — both get a
    /// diagnostic naming the move. A provider in a nested layout is a warning without a fix; a
    /// wrapper component that renders `SessionProvider` around `children` and the Pages Router's
    /// `_app` are left alone.
    pub struct NestedSessionProvider {
        code: "P004",
        name: "nested-session-provider",
        fix: Sometimes,
        applicability: [Unsafe],
        severity: Warning,
        summary: "SessionProvider rendered in a page or component instead of the root layout: session refetched and reset on navigation",
    }
}

fn stem(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path).split('.').next().unwrap_or("")
}

/// A `<SessionProvider>` element: its spans and what it wraps.
struct El {
    span: Span,
    has_attrs: bool,
    self_closing: bool,
    /// Meaningful children (whitespace-only text skipped): span and whether it is a JSX element.
    children: Vec<(Span, bool)>,
}

struct Els<'a> {
    name: &'a str,
    out: Vec<El>,
}

impl Visit for Els<'_> {
    fn visit_jsx_element(&mut self, n: &JSXElement) {
        if matches!(&n.opening.name, JSXElementName::Ident(i) if i.sym == self.name) {
            let mut children = Vec::new();
            for c in &n.children {
                match c {
                    JSXElementChild::JSXText(t) if t.raw.trim().is_empty() => {}
                    JSXElementChild::JSXElement(e) => children.push((e.span, true)),
                    JSXElementChild::JSXExprContainer(ec) => children.push((ec.span, false)),
                    other => children.push((other.span(), false)),
                }
            }
            self.out.push(El { span: n.span, has_attrs: !n.opening.attrs.is_empty(), self_closing: n.closing.is_none(), children });
        }
        n.visit_children_with(self);
    }
}

fn elements(p: &Parsed, name: &str) -> Vec<El> {
    let mut v = Els { name, out: vec![] };
    p.module.visit_with(&mut v);
    v.out
}

impl Rule for NestedSessionProvider {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, project: &Project, out: &mut Vec<Diagnostic>) {
        let mut judged: HashSet<(String, String)> = HashSet::new();
        for path in project.source_files_containing("SessionProvider") {
            if project.in_pages_dir(path) || path.contains("node_modules") {
                continue;
            }
            let Some(info) = project.module(path) else { continue };
            for (i, el) in info.elements.iter().enumerate() {
                if el.name.starts_with(|c: char| c.is_ascii_lowercase()) || !project.is_session_provider(path, &el.name) {
                    continue;
                }
                let Some(u) = el.unit else { continue };
                let unit = info.units[u].name.clone();
                let is_route = project.route_stem(path).is_some() && project.entry_unit(path).as_deref() == Some(unit.as_str());
                if !is_route && project.provides_children(path, &unit) {
                    // A wrapper: what counts is where it is rendered.
                    self.judge_wrapper(project, path, &unit, &mut judged, out);
                    continue;
                }
                self.judge_placed(project, path, &info, i, &unit, is_route, out);
            }
        }
    }
}

/// The text of an element's opening tag (`<SessionProvider session={s}>`).
fn opening_end(text: &str, lo: usize, hi: usize) -> usize {
    lo + text[lo..hi].find('>').map_or(hi - lo, |i| i + 1)
}

const NESTED: &str = "this SessionProvider is rendered inside another one: the inner provider keeps its own copy of the session, fetches it again on mount, and `update()` or `signOut()` inside it leaves the outer one stale";

impl NestedSessionProvider {
    /// A provider placed around specific content (not around a wrapper's `children`).
    #[allow(clippy::too_many_arguments)]
    fn judge_placed(&self, project: &Project, path: &str, info: &ModuleInfo, i: usize, unit: &str, is_route: bool, out: &mut Vec<Diagnostic>) {
        let el = &info.elements[i];
        if is_route && project.is_root_layout(path) {
            return; // the one place it belongs
        }
        let reach = project.reach(path, unit);
        if !is_route && !reach.reached {
            return; // test helpers, stories, dead code: Next never renders them
        }
        let Some(text) = project.text(path) else { return };
        let (lo, end) = (el.lo, opening_end(text, el.lo, el.hi));
        let s = stem(path);
        if project.under_provider(path, info, el.parent) || reach.provided {
            let mut d = Diagnostic::new(&Self::META, path, lo, end, NESTED);
            d.severity = Severity::Error;
            let fix = if is_route && s == "page" { self.page_fix_for(project, path, &el.name, el.lo) } else { None };
            out.push(
                match fix {
                    Some(Ok(f)) => d.with_fix(f),
                    Some(Err(why)) => d.with_note(why),
                    None => d,
                }
                .with_note_if_absent("remove this one: the provider above already gives this subtree the session"),
            );
            return;
        }
        if is_route && s == "layout" {
            out.push(Diagnostic::new(&Self::META, path, lo, end,
                "SessionProvider in a nested layout keeps the session only inside this segment: it is fetched again each time the user enters it, and `useSession()` outside it sees no provider")
                .with_note("fine when only this segment uses the client session; otherwise render it once in the root layout (through a \"use client\" wrapper)"));
        } else if is_route && s == "page" {
            let d = Diagnostic::new(&Self::META, path, lo, end,
                "SessionProvider in a page unmounts on every navigation away: the session is fetched again and starts \"loading\" on each visit, and `useSession()` outside this page sees no provider");
            out.push(
                match self.page_fix_for(project, path, &el.name, el.lo) {
                    Some(Ok(f)) => d.with_fix(f),
                    Some(Err(why)) => d.with_note(why),
                    None => d,
                }
                .with_note_if_absent(
                    "fine when only this page uses the client session (it may pass the server session in); otherwise provide it once from the root layout",
                ),
            );
        } else {
            out.push(Diagnostic::new(&Self::META, path, lo, end,
                "this component wraps its own content in SessionProvider, so every place that renders it mounts a separate provider that refetches the session and resets on navigation")
                .with_note("fine for a self-contained widget; otherwise render SessionProvider once in the root layout (through a \"use client\" wrapper around `{children}`) and remove it here"));
        }
    }

    /// The page fix for the provider element starting at `lo` (named `name` in the file).
    fn page_fix_for(&self, project: &Project, path: &str, name: &str, lo: usize) -> Option<Result<Fix, String>> {
        let p = project.parsed(path)?;
        let els = elements(&p, name);
        let mine = els.iter().find(|e| p.lo(e.span) == lo)?;
        let root = project.root_layout_of(path);
        Some(page_fix(project, path, &p, name, mine, root.as_deref(), els.len()))
    }

    /// A component that renders SessionProvider around its `children`, judged where it is
    /// rendered: in a root layout it is the app's provider; elsewhere a deliberate placement
    /// (a warning) or a second provider inside another (an error).
    fn judge_wrapper(&self, project: &Project, file: &str, unit: &str, judged: &mut HashSet<(String, String)>, out: &mut Vec<Diagnostic>) {
        if !judged.insert((file.to_string(), unit.to_string())) || judged.len() > 64 {
            return;
        }
        for site in project.users_of(file, unit) {
            let UseKind::Element(e) = site.kind else { continue };
            let k = site.file.as_str();
            let Some(info) = project.module(k) else { continue };
            let Some(u) = info.elements[e].unit else { continue };
            let user = info.units[u].name.clone();
            let is_route = project.route_stem(k).is_some() && project.entry_unit(k).as_deref() == Some(user.as_str());
            // A wrapper of the wrapper (`GlobalProviders` rendering `<Providers>{children}`).
            if !is_route && project.provides_children(k, &user) && info.slots.iter().any(|s| s.unit == Some(u) && info.ancestors(s.parent).any(|a| a == e)) {
                self.judge_wrapper(project, k, &user, judged, out);
                continue;
            }
            if is_route && project.is_root_layout(k) && !project.under_provider(k, &info, info.elements[e].parent) {
                continue;
            }
            let reach = project.reach(k, &user);
            if !is_route && !reach.reached {
                continue;
            }
            let Some(text) = project.text(k) else { continue };
            let el = &info.elements[e];
            let (lo, end) = (el.lo, opening_end(text, el.lo, el.hi));
            let name = &el.name;
            if project.under_provider(k, &info, el.parent) || reach.provided {
                let mut d = Diagnostic::new(&Self::META, k, lo, end, format!("<{name}> renders a SessionProvider inside another one: the inner provider keeps its own copy of the session and fetches it again on mount"))
                    .with_note(format!("render <{name}> once, in the root layout"));
                d.severity = Severity::Error;
                out.push(d);
            } else {
                let place = match project.route_stem(k) {
                    Some("page") if is_route => "a page".to_string(),
                    Some("layout") if is_route => "a nested layout".to_string(),
                    Some(other) if is_route => format!("the `{other}` file"),
                    _ => "a component".to_string(),
                };
                out.push(Diagnostic::new(&Self::META, k, lo, end,
                    format!("<{name}> renders SessionProvider here, in {place} rather than the root layout: the session is fetched again whenever this mounts, and `useSession()` outside it sees no provider"))
                    .with_note("fine when only this part of the app uses the client session; otherwise render it once in the root layout"));
            }
        }
    }
}

fn page_fix(project: &Project, path: &str, p: &Parsed, sp: &str, el: &El, root: Option<&str>, count: usize) -> Result<Fix, String> {
    let text = project.text(path).unwrap();
    let move_hint = "render SessionProvider once in the root layout (through a \"use client\" wrapper around `{children}`) and remove it here";
    if el.has_attrs {
        return Err(format!("its props would have to move to the root layout; {move_hint}"));
    }
    if el.self_closing || el.children.is_empty() || count > 1 {
        return Err(move_hint.into());
    }
    let root = root.ok_or_else(|| format!("the app has no root layout; {move_hint}"))?;
    let mut changes = Vec::new();
    // The root layout provides the session around its `{children}` (the module graph answers,
    // through wrappers, barrels and re-exports); the wrapper is added when it does not, and the
    // fix is not offered when the graph cannot tell.
    let provided = project.entry_unit(root).is_some_and(|u| project.provides_children(root, &u));
    if !provided && project.children_maybe_provided(root) {
        return Err(format!("authfix cannot tell whether {root} provides the session already; {move_hint}"));
    }
    if !provided {
        let rp = project.parsed(root).ok_or_else(|| format!("{root} does not parse"))?;
        let rtext = project.text(root).unwrap();
        let (wrapper, create) = provider::ensure_wrapper(project)
            .ok_or_else(|| format!("{} exists and is not a SessionProvider wrapper; {move_hint}", provider::new_wrapper_path(project)))?;
        let name = wrapper.local_name();
        if ast::top_level_names(&rp).contains(&name) {
            return Err(format!("`{name}` is already a name in {root}; {move_hint}"));
        }
        let spec = project.import_specifier(root, &wrapper.file);
        let edits = provider::wrap_children_edits(&rp, rtext, &project.file_style(root), &name, &wrapper.import_clause(), &spec)
            .ok_or_else(|| format!("{root} renders no `{{children}}` to wrap; {move_hint}"))?;
        changes.extend(create);
        changes.extend(edits.into_iter().map(|e| Change::edit(root, e)));
    }
    // Unwrap: a single element child takes the provider's place (dedented); several children
    // keep a fragment.
    let (lo, hi) = (p.lo(el.span), p.hi(el.span));
    let mut edits = Vec::new();
    match el.children.as_slice() {
        [(child, true)] => {
            let (cl, ch) = (p.lo(*child), p.hi(*child));
            let child_text = &text[cl..ch];
            let same_line = !text[lo..cl].contains('\n');
            let replacement = if same_line {
                child_text.to_string()
            } else {
                let outer = indent_at(text, lo).len();
                let inner = indent_at(text, cl).len();
                let delta = inner.saturating_sub(outer);
                // Re-indent the child's lines after the first by the provider's extra level.
                let child_col = cl - crate::edit::line_start(text, cl);
                let first_col = lo - crate::edit::line_start(text, lo);
                let delta = if child_col == inner && first_col == outer { delta } else { 0 };
                child_text
                    .split('\n')
                    .enumerate()
                    .map(|(i, l)| {
                        if i == 0 {
                            return l.to_string();
                        }
                        let ws = l.len() - l.trim_start_matches([' ', '\t']).len();
                        l[ws.min(delta)..].to_string()
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            edits.push(Edit::replace(lo, hi, replacement));
        }
        _ => {
            let open_end = lo + text[lo..hi].find('>').ok_or("unexpected element")? + 1;
            let close_start = lo + text[lo..hi].rfind("</").ok_or("unexpected element")?;
            edits.push(Edit::replace(lo, open_end, "<>"));
            edits.push(Edit::replace(close_start, hi, "</>"));
        }
    }
    // The import goes when nothing else uses it.
    if !ast::referenced_outside(p, sp, &[el.span]) {
        if let Some(imp) = ast::imports(p).into_iter().find(|i| i.src == REACT_MODULE && i.specs.iter().any(|s| s.local == sp)) {
            edits.extend(ast::remove_import_spec(p, text, &imp, sp));
        }
    }
    changes.extend(edits.into_iter().map(|e| Change::edit(path, e)));
    let title = if changes.iter().all(|c| c.file() == path) {
        format!("Unwrap the page's SessionProvider ({root} provides the session)")
    } else {
        format!("Provide the session from {root} and unwrap the page's SessionProvider")
    };
    Ok(Fix::new(Applicability::Unsafe, title, changes))
}
