//! The render tree, read off the module graph: which functions Next renders from which routes,
//! and whether a `SessionProvider` is above them on the way — so that "is a provider above this
//! `useSession()`?" and "is this the root layout?" are answered by following what the code
//! renders, not by file names.
//!
//! Next renders a route's page inside every `layout` and `template` of its folder and the folders
//! above it (route groups included); a layout's `{children}` is the page. Inside a file, an element
//! is under a provider when one of the elements around it is `SessionProvider` (from
//! `next-auth/react`, under any name or re-export) or a component that renders `SessionProvider`
//! around its own `children` (a `Providers` wrapper, through any depth of wrappers). A component
//! is reached through every place that renders it (`<X />`), a hook through every call.
use crate::graph::{ModuleInfo, Origin, UseKind};
use crate::project::Project;

pub const REACT_MODULE: &str = "next-auth/react";

/// The special files of the App Router, by stem.
const ROUTE_STEMS: &[&str] = &["page", "layout", "template", "default", "not-found", "error", "loading", "global-error", "forbidden", "unauthorized"];

/// How Next reaches a function of the project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// Some route renders it (or calls it).
    pub reached: bool,
    /// On some way there, a `SessionProvider` is above it.
    pub provided: bool,
    /// On some way there, none is: `useSession()` there has no provider.
    pub unprovided: bool,
    /// A route file on an unprovided way (for the fix: the root layout above it).
    pub unprovided_route: Option<String>,
}

impl Project {
    /// Whether `local` in `file` is next-auth's `SessionProvider`.
    pub fn is_session_provider(&self, file: &str, local: &str) -> bool {
        self.origin_of_local(file, local).is_package(REACT_MODULE, "SessionProvider")
    }

    /// The name `file` binds `module`'s export `name` to, directly or through the project's own
    /// re-exports (`export { useSession } from "next-auth/react"` in a local module).
    pub fn local_of(&self, file: &str, module: &str, name: &str) -> Option<String> {
        let info = self.module(file)?;
        info.imports.iter().filter(|i| !i.type_only).find(|i| self.origin_of_local(file, &i.local).is_package(module, name)).map(|i| i.local.clone())
    }

    /// Whether `local` in `file` is next-auth's `useSession`.
    pub fn is_use_session(&self, file: &str, local: &str) -> bool {
        self.origin_of_local(file, local).is_package(REACT_MODULE, "useSession")
    }

    /// The App Router special file kind of `path` (`page`, `layout`, …), if it is one.
    pub fn route_stem(&self, path: &str) -> Option<&'static str> {
        if !self.in_app_dir(path) || !crate::parse::is_source_path(path) {
            return None;
        }
        let name = path.rsplit('/').next()?;
        let stem = name.split('.').next()?;
        ROUTE_STEMS.iter().copied().find(|s| *s == stem)
    }

    /// The function a route file exports as its default (the page or layout component).
    pub fn entry_unit(&self, file: &str) -> Option<String> {
        match self.origin_of_export(file, "default") {
            Origin::Local { file: f, name } if f == file => Some(name),
            _ => None,
        }
    }

    /// The layouts and templates Next renders `file` (a route file) inside, nearest first; a
    /// layout's own file is not among its own.
    pub fn layout_chain(&self, file: &str) -> Vec<String> {
        let Some(app) = self.app_dir() else { return Vec::new() };
        let own = self.route_stem(file);
        let mut dir = crate::project::parent(file).to_string();
        let mut out = Vec::new();
        loop {
            for stem in ["template", "layout"] {
                for ext in crate::parse::SOURCE_EXTENSIONS {
                    let l = format!("{dir}/{stem}.{ext}");
                    if l != file && self.exists(&l) {
                        // A template is inside its folder's layout: a layout file's own template
                        // is not around it.
                        if !(own == Some("layout") && stem == "template" && crate::project::parent(&l) == crate::project::parent(file)) {
                            out.push(l);
                        }
                    }
                }
            }
            if dir == app || !dir.starts_with(app) {
                break;
            }
            dir = crate::project::parent(&dir).to_string();
        }
        out
    }

    /// Whether an element renders `SessionProvider`, or a component that renders one around
    /// its `children`.
    pub fn element_provides(&self, file: &str, info: &ModuleInfo, el: usize) -> bool {
        let name = &info.elements[el].name;
        if name.starts_with(|c: char| c.is_ascii_lowercase()) {
            return false;
        }
        match self.origin_of_local(file, name) {
            o if o.is_package(REACT_MODULE, "SessionProvider") => true,
            Origin::Local { file: f, name: n } if n != "*" => self.provides_children(&f, &n),
            _ => false,
        }
    }

    /// Whether an element at `parent` (the element around a use, in `file`) is inside a provider.
    pub fn under_provider(&self, file: &str, info: &ModuleInfo, parent: Option<usize>) -> bool {
        info.ancestors(parent).any(|i| self.element_provides(file, info, i))
    }

    /// Whether the graph cannot tell if an element at `parent` (in the function `unit` of `file`)
    /// is inside a provider: an element around it is a component whose import resolves to no file
    /// of the project (it may render anything), or the function renders a providing component
    /// elsewhere with props spread onto it and nothing inside — its children come from props,
    /// as when a layout hands `(props) => <AuthProvider {...props} />` to a helper that stacks
    /// providers (`composeWrappers([...])`) and renders the result around `{children}`.
    pub fn maybe_under_provider(&self, file: &str, info: &ModuleInfo, parent: Option<usize>, unit: Option<usize>) -> bool {
        let around: Vec<usize> = info.ancestors(parent).collect();
        around.iter().any(|&i| {
            let name = &info.elements[i].name;
            name.starts_with(|c: char| c.is_ascii_uppercase())
                && !name.contains('.')
                && match self.origin_of_local(file, name) {
                    Origin::Unknown => true,
                    Origin::Local { file: f, name: n } => n != "*" && self.renders_dynamic(&f, &n),
                    Origin::Package { .. } => false,
                }
        }) || (unit.is_some()
            && info.elements.iter().enumerate().any(|(i, e)| {
                e.unit == unit && e.spread && !around.contains(&i) && !info.elements.iter().any(|c| c.parent == Some(i)) && self.element_provides(file, info, i)
            }))
    }

    /// Whether the function `unit` of `file` renders a component held in a variable of its own (a
    /// parameter or a local: `providers.reduceRight((acc, Provider) => <Provider>{acc}</Provider>,
    /// children)`), which the graph cannot follow: what it renders around its `children` is then
    /// unknown.
    fn renders_dynamic(&self, file: &str, unit: &str) -> bool {
        let Some(info) = self.module(file) else { return false };
        let Some(u) = info.unit(unit) else { return false };
        let dynamic: Vec<&str> = info
            .elements
            .iter()
            .filter(|e| e.unit == Some(u) && e.name.starts_with(|c: char| c.is_ascii_uppercase()) && !e.name.contains('.'))
            .map(|e| e.name.as_str())
            .filter(|n| info.import(n).is_none() && info.unit(n).is_none() && !info.aliases.iter().any(|(a, _)| a == n))
            .collect();
        if dynamic.is_empty() {
            return false;
        }
        let Some(parsed) = self.parsed(file) else { return false };
        let top = crate::ast::top_level_names(&parsed);
        dynamic.iter().any(|n| !top.iter().any(|t| t == n))
    }

    /// Whether the function `unit` of `file` renders a `SessionProvider` around its `children`
    /// (`{children}` inside it, or its props spread onto it).
    pub fn provides_children(&self, file: &str, unit: &str) -> bool {
        let key = (file.to_string(), unit.to_string());
        if let Some(v) = self.provides_memo(&key) {
            return v;
        }
        // A cycle (A renders B renders A) answers no while it is being worked out.
        self.set_provides_memo(key.clone(), false);
        let v = self.provides_children_uncached(file, unit);
        self.set_provides_memo(key, v);
        v
    }

    fn provides_children_uncached(&self, file: &str, unit: &str) -> bool {
        let Some(info) = self.module(file) else { return false };
        let Some(u) = info.unit(unit) else { return false };
        let slot_provided = info.slots.iter().filter(|s| s.unit == Some(u)).any(|s| self.under_provider(file, &info, s.parent));
        slot_provided || info.elements.iter().any(|e| e.unit == Some(u) && e.spread && self.is_session_provider(file, &e.name))
    }

    /// Whether the graph cannot tell if the layout `file` renders its `{children}` inside a
    /// provider ([`Project::maybe_under_provider`]).
    pub fn children_maybe_provided(&self, file: &str) -> bool {
        let (Some(info), Some(unit)) = (self.module(file), self.entry_unit(file)) else { return false };
        let Some(u) = info.unit(&unit) else { return false };
        info.slots.iter().filter(|s| s.unit == Some(u)).any(|s| self.maybe_under_provider(file, &info, s.parent, s.unit))
    }

    /// The layouts that are root layouts: those that render `<html>` (with route groups or a
    /// `[locale]` segment there can be several, and `app/layout` may be a bare fragment). When
    /// none does, the layout at the top of the app folder.
    pub fn root_layouts(&self) -> Vec<String> {
        let Some(app) = self.app_dir() else { return Vec::new() };
        let layouts: Vec<&str> = self.paths().filter(|p| self.route_stem(p) == Some("layout")).collect();
        let with_html: Vec<String> = layouts
            .iter()
            .filter(|l| self.text(l).is_some_and(|t| t.contains("<html")) && self.module(l).is_some_and(|m| m.elements.iter().any(|e| e.name == "html")))
            .map(|l| l.to_string())
            .collect();
        if !with_html.is_empty() {
            return with_html;
        }
        layouts.into_iter().filter(|l| crate::project::parent(l) == app).map(String::from).collect()
    }

    pub fn is_root_layout(&self, file: &str) -> bool {
        self.root_layouts().iter().any(|l| l == file)
    }

    /// The root layout a route file renders in: the root layout among its layouts, or itself.
    pub fn root_layout_of(&self, route: &str) -> Option<String> {
        let roots = self.root_layouts();
        if roots.iter().any(|r| r == route) {
            return Some(route.to_string());
        }
        self.layout_chain(route).into_iter().find(|l| roots.contains(l))
    }

    /// How Next reaches the function `unit` of `file`.
    pub fn reach(&self, file: &str, unit: &str) -> Reach {
        let key = (file.to_string(), unit.to_string());
        if let Some(r) = self.reach_memo(&key) {
            return r;
        }
        self.set_reach_memo(key.clone(), Reach::default());
        let r = self.reach_uncached(file, unit);
        self.set_reach_memo(key, r.clone());
        r
    }

    fn reach_uncached(&self, file: &str, unit: &str) -> Reach {
        let mut r = Reach::default();
        if self.route_stem(file).is_some() && self.entry_unit(file).as_deref() == Some(unit) {
            r.reached = true;
            let chain = self.layout_chain(file);
            let provided = chain.iter().any(|l| self.entry_unit(l).is_some_and(|u| self.provides_children(l, &u)));
            if provided {
                r.provided = true;
            } else if !chain.iter().any(|l| self.children_maybe_provided(l)) {
                r.unprovided = true;
                r.unprovided_route = Some(file.to_string());
            }
            return r;
        }
        for site in self.users_of(file, unit) {
            let Some(info) = self.module(&site.file) else { continue };
            let (unit_idx, parent) = match site.kind {
                UseKind::Element(i) => (info.elements[i].unit, info.elements[i].parent),
                UseKind::Call(i) => (info.calls[i].unit, info.calls[i].parent),
            };
            let Some(u) = unit_idx else { continue };
            let user = info.units[u].name.clone();
            if site.file == file && user == unit {
                continue; // recursion
            }
            let up = self.reach(&site.file, &user);
            if !up.reached {
                continue;
            }
            r.reached = true;
            if self.under_provider(&site.file, &info, parent) {
                r.provided = true;
            } else if !self.maybe_under_provider(&site.file, &info, parent, unit_idx) {
                r.provided |= up.provided;
                if up.unprovided {
                    r.unprovided = true;
                    r.unprovided_route = r.unprovided_route.or(up.unprovided_route);
                }
            }
        }
        r
    }

    /// Whether any file renders next-auth's `SessionProvider`.
    pub fn has_session_provider(&self) -> bool {
        self.source_files_containing("SessionProvider").any(|f| {
            self.module(f)
                .is_some_and(|m| m.elements.iter().any(|e| e.name.starts_with(|c: char| c.is_ascii_uppercase()) && self.is_session_provider(f, &e.name)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> Project {
        let mut p = Project::new(crate::ProjectFacts { typescript: true, ..Default::default() });
        p.set_file("tsconfig.json", "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./*\"] } } }");
        for (f, t) in files {
            p.set_file(*f, *t);
        }
        p
    }

    const ROOT: &str = "export default function Root({ children }) { return <html><body>{children}</body></html>; }\n";
    const ROOT_PROVIDED: &str = "import { Providers } from \"@/components\";\nexport default function Root({ children }) { return <html><body><Providers><ThemeProvider>{children}</ThemeProvider></Providers></body></html>; }\n";

    #[test]
    fn provider_through_a_barrel_wrapper_reaches_the_page_component() {
        let p = project(&[
            ("app/layout.tsx", ROOT_PROVIDED),
            ("components/index.ts", "export * from \"./providers/Providers\";\n"),
            ("components/providers/Providers.tsx", "\"use client\";\nimport { SessionProvider } from \"next-auth/react\";\nimport { Toaster } from \"sonner\";\nexport function Providers({ children }) { return <QueryClientProvider><SessionProvider>{children}<Toaster /></SessionProvider></QueryClientProvider>; }\n"),
            ("app/dashboard/page.tsx", "import { Menu } from \"./menu\";\nexport default function Page() { return <Menu />; }\n"),
            ("app/dashboard/menu.tsx", "\"use client\";\nimport { useSession } from \"next-auth/react\";\nexport function Menu() { const { data } = useSession(); return <p>{data?.user?.name}</p>; }\n"),
        ]);
        assert!(p.provides_children("components/providers/Providers.tsx", "Providers"));
        assert_eq!(p.reach("app/dashboard/menu.tsx", "Menu"), Reach { reached: true, provided: true, unprovided: false, unprovided_route: None });
        assert_eq!(p.root_layouts(), vec!["app/layout.tsx"]);
    }

    #[test]
    fn unprovided_paths_and_unreached_code() {
        let p = project(&[
            ("app/layout.tsx", ROOT),
            ("app/(app)/layout.tsx", "import { SessionProvider } from \"next-auth/react\";\nexport default function L({ children }) { return <SessionProvider>{children}</SessionProvider>; }\n"),
            ("app/(app)/account/page.tsx", "import { Badge } from \"@/components/Badge\";\nexport default function P() { return <Badge />; }\n"),
            ("app/about/page.tsx", "import { Badge } from \"@/components/Badge\";\nexport default function P() { return <main><Badge /></main>; }\n"),
            ("components/Badge.tsx", "\"use client\";\nimport { useSession } from \"next-auth/react\";\nexport function Badge() { useSession(); return null; }\nexport function Unused() { useSession(); return null; }\n"),
            ("tests/render.tsx", "import { SessionProvider } from \"next-auth/react\";\nexport function renderWith(ui) { return render(<SessionProvider>{ui}</SessionProvider>); }\n"),
        ]);
        let r = p.reach("components/Badge.tsx", "Badge");
        assert!(r.reached && r.provided && r.unprovided, "{r:?}");
        assert_eq!(r.unprovided_route.as_deref(), Some("app/about/page.tsx"));
        assert!(!p.reach("components/Badge.tsx", "Unused").reached);
        assert!(!p.reach("tests/render.tsx", "renderWith").reached);
        assert_eq!(p.root_layout_of("app/(app)/account/page.tsx").as_deref(), Some("app/layout.tsx"));
        assert_eq!(p.layout_chain("app/(app)/account/page.tsx"), vec!["app/(app)/layout.tsx", "app/layout.tsx"]);
    }

    #[test]
    fn a_wrapper_that_renders_components_it_is_handed_is_unknown_not_unprovided() {
        let page = "import { Badge } from \"@/components/Badge\";\nexport default function P() { return <Badge />; }\n";
        let badge = "\"use client\";\nimport { useSession } from \"next-auth/react\";\nexport function Badge() { useSession(); return null; }\n";
        let layout = |wrapper: &str| {
            format!("import {{ {wrapper} }} from \"@/components/wrap\";\nexport default function Root({{ children }}) {{ return <html><body><{wrapper}>{{children}}</{wrapper}></body></html>; }}\n")
        };
        // Components handed in (a parameter): the graph cannot tell what they render.
        let compose = "export function Compose({ providers, children }) { return <>{providers.reduceRight((acc, P) => <P>{acc}</P>, children)}</>; }\n";
        let p = project(&[("app/layout.tsx", &layout("Compose")), ("app/page.tsx", page), ("components/Badge.tsx", badge), ("components/wrap.tsx", compose)]);
        let r = p.reach("components/Badge.tsx", "Badge");
        assert!(r.reached && !r.unprovided, "{r:?}");
        // A component of the file's own top level (a styled element) is known: still unprovided.
        let styled = "const Main = styled.main`padding: 0`;\nexport function Shell({ children }) { return <Main>{children}</Main>; }\n";
        let p = project(&[("app/layout.tsx", &layout("Shell")), ("app/page.tsx", page), ("components/Badge.tsx", badge), ("components/wrap.tsx", styled)]);
        let r = p.reach("components/Badge.tsx", "Badge");
        assert!(r.reached && r.unprovided, "{r:?}");
    }

    #[test]
    fn same_file_widget_and_hooks() {
        let p = project(&[
            ("app/layout.tsx", ROOT),
            ("app/not-found.tsx", "import SignInHint from \"@/components/SignInHint\";\nexport default function NotFound() { return <SignInHint />; }\n"),
            ("components/SignInHint.tsx", "\"use client\";\nimport { SessionProvider, useSession } from \"next-auth/react\";\nfunction useUser() { return useSession().data?.user; }\nfunction Hint() { const u = useUser(); return <p>{u?.name}</p>; }\nexport default function SignInHint() { return <SessionProvider><Hint /></SessionProvider>; }\n"),
        ]);
        let r = p.reach("components/SignInHint.tsx", "useUser");
        assert!(r.reached && r.provided && !r.unprovided, "{r:?}");
    }

    #[test]
    fn root_layouts_are_the_ones_rendering_html() {
        let p = project(&[
            ("app/layout.tsx", "export default function L({ children }) { return <>{children}</>; }\n"),
            ("app/[lang]/layout.tsx", ROOT),
            ("app/[lang]/page.tsx", "export default function P() { return null; }\n"),
        ]);
        assert_eq!(p.root_layouts(), vec!["app/[lang]/layout.tsx"]);
        assert_eq!(p.root_layout_of("app/[lang]/page.tsx").as_deref(), Some("app/[lang]/layout.tsx"));
        let p = project(&[("app/layout.tsx", "export default function L({ children }) { return children; }\n")]);
        assert_eq!(p.root_layouts(), vec!["app/layout.tsx"]);
    }
}
