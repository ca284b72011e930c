//! Shared by P001/P002: render the wrapper instead of `SessionProvider` in a layout.
use crate::ast;
use crate::edit::Edit;
use crate::parse::Parsed;
use crate::project::Project;
use crate::provider::{Wrapper, REACT_MODULE};

/// Edits that replace `<SessionProvider …>` by `<Wrapper …>` (props carried over) and swap the
/// import. Err with the reason when that cannot be done faithfully.
pub fn swap_provider(
    project: &Project,
    file: &str,
    p: &Parsed,
    text: &str,
    sp_local: &str,
    wrapper: &Wrapper,
    wrapper_is_new: bool,
) -> Result<Vec<Edit>, String> {
    let els: Vec<ast::JsxEl> = ast::jsx_elements(p).into_iter().filter(|e| e.name == sp_local).collect();
    if els.is_empty() {
        return Err("no SessionProvider element".into());
    }
    if !wrapper_is_new && !wrapper.forwards_props && els.iter().any(|e| !e.attr_names.is_empty() || e.has_spread) {
        return Err(format!("{} does not pass props on to SessionProvider, so the props given here would be lost: forward them there first", wrapper.file));
    }
    let imports = ast::imports(p);
    let already = imports.iter().find(|i| project.resolve_import(file, &i.src).as_deref() == Some(wrapper.file.as_str()));
    let name = match already.and_then(|i| i.specs.iter().find(|s| s.imported == wrapper.export.clone().unwrap_or_else(|| "default".into()))) {
        Some(s) => s.local.clone(),
        None => {
            let n = wrapper.local_name();
            if ast::top_level_names(p).contains(&n) {
                return Err(format!("`{n}` is already a name in {file}"));
            }
            n
        }
    };
    let mut edits = Vec::new();
    for e in &els {
        edits.push(Edit::replace(p.lo(e.opening_name), p.hi(e.opening_name), name.clone()));
        if let Some(c) = e.closing_name {
            edits.push(Edit::replace(p.lo(c), p.hi(c), name.clone()));
        }
    }
    let style = project.file_style(file);
    let spec = project.import_specifier(file, &wrapper.file);
    let line = ast::import_line(&style, &wrapper.import_clause(), &spec);
    let mut need_import = already.is_none();
    if let Some(imp) = imports.iter().find(|i| i.src == REACT_MODULE && i.specs.iter().any(|s| s.local == sp_local)) {
        if imp.specs.len() == 1 && need_import {
            // The wrapper's import takes the place of the provider's.
            edits.push(Edit::replace(p.lo(imp.span), p.hi(imp.span), line.clone()));
            need_import = false;
        } else if let Some(e) = ast::remove_import_spec(p, text, imp, sp_local) {
            edits.push(e);
        }
    }
    if need_import {
        edits.push(ast::insert_import(p, text, &line));
    }
    Ok(edits)
}
