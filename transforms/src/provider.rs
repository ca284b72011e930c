//! The `"use client"` AuthProvider wrapper: finding an existing one, creating one, rendering it in
//! a layout. Shared by P001–P003 and by `authfix init`.
use crate::ast;
use crate::edit::Edit;
use crate::parse::{self, Parsed};
use crate::project::Project;
use crate::rule::Change;
use crate::style::Style;
use swc_core::common::Span;
use swc_core::ecma::ast::*;
use swc_core::ecma::visit::{Visit, VisitWith};

pub const REACT_MODULE: &str = "next-auth/react";

/// A component that renders `SessionProvider` for its children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wrapper {
    pub file: String,
    /// `None` for a default export, else the exported name.
    pub export: Option<String>,
    /// Whether it passes all its props on (`{...props}`), so `session=` etc. survive.
    pub forwards_props: bool,
}

impl Wrapper {
    /// The name a layout renders it under.
    pub fn local_name(&self) -> String {
        self.export.clone().unwrap_or_else(|| "AuthProvider".into())
    }
    pub fn import_clause(&self) -> String {
        match &self.export {
            None => "AuthProvider".into(),
            Some(n) => format!("{{ {n} }}"),
        }
    }
}

/// Files a wrapper may not live in (a layout or page is never a reusable wrapper).
fn is_route_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or("");
    matches!(stem, "layout" | "page" | "template" | "route" | "middleware" | "proxy")
}

/// Find an existing `"use client"` module that exports a component rendering `SessionProvider`.
pub fn find_wrapper(project: &Project) -> Option<Wrapper> {
    let mut found: Vec<Wrapper> = project
        .source_files_containing("SessionProvider")
        .filter(|p| !is_route_file(p) && !p.contains("node_modules"))
        .filter_map(|p| wrapper_in(project, p))
        .collect();
    found.sort_by_key(|w| (w.export.is_some(), w.file.len()));
    found.into_iter().next()
}

fn wrapper_in(project: &Project, path: &str) -> Option<Wrapper> {
    let parsed = project.parsed(path)?;
    if !ast::has_directive(&parsed, "use client") {
        return None;
    }
    let sp = ast::local_name(&parsed, &[REACT_MODULE], "SessionProvider")?;
    let els = ast::jsx_elements(&parsed);
    let el = els.iter().find(|e| e.name == sp)?;
    let forwards_props = el.has_spread;
    // The exported function containing that element.
    for item in &parsed.module.body {
        let (span, export) = match item {
            ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(d)) => (d.span, None),
            ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(d)) => {
                let name = match &d.decl {
                    Decl::Fn(f) => f.ident.sym.to_string(),
                    Decl::Var(v) => match v.decls.first().map(|d| &d.name) {
                        Some(Pat::Ident(i)) => i.id.sym.to_string(),
                        _ => continue,
                    },
                    _ => continue,
                };
                (d.span, Some(name))
            }
            _ => continue,
        };
        if span.lo <= el.span.lo && el.span.hi <= span.hi {
            return Some(Wrapper { file: path.to_string(), export, forwards_props });
        }
    }
    None
}

/// Where a new wrapper goes: `components/AuthProvider.tsx` under the project's code root.
pub fn new_wrapper_path(project: &Project) -> String {
    format!("{}components/AuthProvider.{}", project.code_root(), project.new_module_ext(true))
}

/// The text of a new wrapper, fitted to the project's style.
pub fn wrapper_source(project: &Project, style: &Style) -> String {
    let code = if project.facts.typescript {
        "\"use client\";\n\nimport { SessionProvider } from \"next-auth/react\";\nimport type { SessionProviderProps } from \"next-auth/react\";\n\n// Renders next-auth's SessionProvider on the client so that server layouts can use it.\nexport default function AuthProvider(props: SessionProviderProps) {\n  return <SessionProvider {...props} />;\n}\n"
    } else {
        "\"use client\";\n\nimport { SessionProvider } from \"next-auth/react\";\n\n// Renders next-auth's SessionProvider on the client so that server layouts can use it.\nexport default function AuthProvider(props) {\n  return <SessionProvider {...props} />;\n}\n"
    };
    style.fit(code)
}

/// The wrapper to use, and the change creating it when the project has none.
/// `None` when the target path is taken by a file that is not a wrapper.
pub fn ensure_wrapper(project: &Project) -> Option<(Wrapper, Option<Change>)> {
    if let Some(w) = find_wrapper(project) {
        return Some((w, None));
    }
    let path = new_wrapper_path(project);
    if project.exists(&path) {
        return None;
    }
    let style = project.project_style();
    let content = wrapper_source(project, &style);
    Some((Wrapper { file: path.clone(), export: None, forwards_props: true }, Some(Change::Create { file: path, content })))
}

#[derive(Default)]
struct ChildrenFinder {
    in_body: u32,
    found_in_body: Option<Span>,
    found_any: Option<Span>,
}

fn is_children_expr(e: &Expr) -> bool {
    match e {
        Expr::Ident(i) => i.sym == "children",
        Expr::Member(m) => matches!(&m.prop, MemberProp::Ident(p) if p.sym == "children"),
        _ => false,
    }
}

impl Visit for ChildrenFinder {
    fn visit_jsx_element(&mut self, n: &JSXElement) {
        let body = matches!(&n.opening.name, JSXElementName::Ident(i) if i.sym == "body");
        if body {
            self.in_body += 1;
        }
        for c in &n.children {
            if let JSXElementChild::JSXExprContainer(c) = c {
                if let JSXExpr::Expr(e) = &c.expr {
                    if is_children_expr(e) {
                        if self.in_body > 0 && self.found_in_body.is_none() {
                            self.found_in_body = Some(c.span);
                        }
                        if self.found_any.is_none() {
                            self.found_any = Some(c.span);
                        }
                    }
                }
            }
        }
        n.visit_children_with(self);
        if body {
            self.in_body -= 1;
        }
    }
}

/// The `{children}` a root layout renders (inside `<body>` when there is one).
pub fn children_container(parsed: &Parsed) -> Option<Span> {
    let mut f = ChildrenFinder::default();
    parsed.module.visit_with(&mut f);
    f.found_in_body.or(f.found_any)
}

/// Edits that wrap the layout's `{children}` with `<Component>` and import it.
pub fn wrap_children_edits(parsed: &Parsed, text: &str, style: &Style, component: &str, import_clause: &str, import_path: &str) -> Option<Vec<Edit>> {
    let span = children_container(parsed)?;
    Some(vec![
        ast::insert_import(parsed, text, &ast::import_line(style, import_clause, import_path)),
        Edit::insert(parsed.lo(span), format!("<{component}>")),
        Edit::insert(parsed.hi(span), format!("</{component}>")),
    ])
}

/// For `authfix init`: wrap `{children}` inside `<body>` of a root layout with `<component>` and
/// add `import component from "import_path"`. `Ok(None)` when the layout already renders it;
/// `Err` when the file does not parse or has no `{children}` to wrap.
pub fn wrap_layout_children(source: &str, file_name: &str, import_path: &str, component: &str) -> Result<Option<String>, String> {
    let (bom, text) = match source.strip_prefix('\u{feff}') {
        Some(t) => ("\u{feff}", t),
        None => ("", source),
    };
    let parsed = parse::parse(file_name, text).map_err(|e| format!("{file_name} does not parse: {}", e.message))?;
    if ast::jsx_elements(&parsed).iter().any(|e| e.name == component) {
        return Ok(None);
    }
    let edits = wrap_children_edits(&parsed, text, &Style::detect(text), component, component, import_path)
        .ok_or_else(|| format!("{file_name} renders no {{children}} to wrap"))?;
    let eol = Style::eol_of(text);
    let out = crate::edit::apply(text, &edits, eol);
    parse::parse(file_name, &out).map_err(|e| format!("the edited {file_name} would not parse: {}", e.message))?;
    Ok(Some(format!("{bom}{out}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_children_in_body_keeping_everything_else() {
        let src = "import type { Metadata } from \"next\";\nimport \"./globals.css\";\n\nexport const metadata: Metadata = { title: \"x\" };\n\n// root\nexport default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang=\"en\">\n      <body className=\"antialiased\">{children}</body>\n    </html>\n  );\n}\n";
        let out = wrap_layout_children(src, "app/layout.tsx", "@/components/AuthProvider", "AuthProvider").unwrap().unwrap();
        assert_eq!(
            out,
            src.replace("import \"./globals.css\";", "import \"./globals.css\";\nimport AuthProvider from \"@/components/AuthProvider\";")
                .replace("{children}</body>", "<AuthProvider>{children}</AuthProvider></body>")
        );
        assert_eq!(wrap_layout_children(&out, "app/layout.tsx", "@/components/AuthProvider", "AuthProvider").unwrap(), None);
    }

    #[test]
    fn layout_without_children_is_an_error() {
        assert!(wrap_layout_children("export default function L() { return <html /> }", "app/layout.tsx", "x", "A").is_err());
        assert!(wrap_layout_children("export default function L( {", "app/layout.tsx", "x", "A").is_err());
    }
}
