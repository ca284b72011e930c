//! Inline suppressions: `// authfix-ignore C001: reason` on the line above a finding or on its
//! line (`{/* authfix-ignore P001: reason */}` in JSX, `# authfix-ignore E002: reason` in env and
//! YAML files). Several codes (or rule names) may be listed, comma-separated. A suppression that
//! no longer suppresses anything is itself reported (A001), so stale ones do not pile up.
use crate::edit::line_col;
use crate::project::Project;
use crate::rule::{Diagnostic, RuleMeta, Safety, Severity};

pub const MARKER: &str = "authfix-ignore";

/// The engine's own finding for a suppression that suppresses nothing.
pub static UNUSED_SUPPRESSION: RuleMeta = RuleMeta {
    code: "A001",
    name: "unused-suppression",
    safety: Safety::None,
    severity: Severity::Warning,
    summary: "an `authfix-ignore` comment that no longer suppresses anything",
    doc: " ## What it does\n Reports an `// authfix-ignore CODE: reason` comment that matched no finding on its line or the\n line below.\n\n ## Why is this bad?\n A stale suppression hides the next real finding at that place, and tells readers a problem is\n there when it is not.\n\n ## Example\n ```ts\n // authfix-ignore C001: we terminate TLS ourselves\n export const authOptions = { providers: [] };\n ```\n Use instead: delete the comment.\n\n ## Fix safety\n No automatic fix: delete the comment by hand.\n",
};

#[derive(Debug, Clone)]
struct Directive {
    line: usize,
    start: usize,
    end: usize,
    codes: Vec<String>,
}

fn directives(text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut pos = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if let Some(at) = line.find(MARKER) {
            // Only inside a comment: `//`, `/*` or `#` before the marker.
            let before = &line[..at];
            if before.contains("//") || before.contains("/*") || before.trim_start().starts_with('#') {
                let rest = &line[at + MARKER.len()..];
                let list = rest.split(':').next().unwrap_or("").split("*/").next().unwrap_or("");
                let codes: Vec<String> = list.split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
                let start = pos + before.rfind(['/', '#', '{']).unwrap_or(at);
                out.push(Directive { line: i + 1, start, end: pos + line.trim_end().len(), codes });
            }
        }
        pos += line.len();
    }
    out
}

/// Drop suppressed diagnostics and add an A001 finding for each directive that matched none.
pub fn apply(project: &Project, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut by_file: std::collections::HashMap<&str, Vec<(Directive, bool)>> = std::collections::HashMap::new();
    for path in project.paths() {
        let text = project.text(path).unwrap_or("");
        if text.contains(MARKER) {
            let ds = directives(text);
            if !ds.is_empty() {
                by_file.insert(path, ds.into_iter().map(|d| (d, false)).collect());
            }
        }
    }
    if by_file.is_empty() {
        return diags;
    }
    let mut kept = Vec::with_capacity(diags.len());
    for d in diags {
        let mut suppressed = false;
        if let Some(ds) = by_file.get_mut(d.file.as_str()) {
            let (line, _) = line_col(project.text(&d.file).unwrap_or(""), d.start);
            for (dir, used) in ds.iter_mut() {
                let applies = (dir.line == line || dir.line + 1 == line)
                    && (dir.codes.is_empty() || dir.codes.iter().any(|c| c.eq_ignore_ascii_case(d.code) || c == d.name));
                if applies {
                    *used = true;
                    suppressed = true;
                }
            }
        }
        if !suppressed {
            kept.push(d);
        }
    }
    for (file, ds) in by_file {
        for (dir, used) in ds {
            if !used {
                let what = if dir.codes.is_empty() { "anything".to_string() } else { dir.codes.join(", ") };
                kept.push(Diagnostic::new(
                    &UNUSED_SUPPRESSION,
                    file,
                    dir.start,
                    dir.end,
                    format!("this `authfix-ignore` suppresses nothing: no {what} finding on this line or the next; delete it"),
                ));
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;

    fn project(files: &[(&str, &str)]) -> Project {
        let mut p = Project::new(crate::ProjectFacts { auth_major: Some(4), ..Default::default() });
        for (f, t) in files {
            p.set_file(*f, *t);
        }
        p
    }

    fn codes(p: &Project) -> Vec<&'static str> {
        let rules: Vec<&dyn Rule> = crate::rules::all();
        crate::engine::check(p, &rules).into_iter().map(|d| d.code).collect()
    }

    const GATED: &str = "export const authOptions = {\n  providers: [],\n  useSecureCookies: process.env.NODE_ENV === \"production\",\n};\n";

    #[test]
    fn line_above_and_same_line_suppress() {
        let above = GATED.replace("  useSecureCookies", "  // authfix-ignore C001: TLS ends at our proxy\n  useSecureCookies");
        assert_eq!(codes(&project(&[("lib/auth.ts", &above)])), Vec::<&str>::new());
        let same = GATED.replace("\"production\",", "\"production\", // authfix-ignore secure-cookies-node-env");
        assert_eq!(codes(&project(&[("lib/auth.ts", &same)])), Vec::<&str>::new());
    }

    #[test]
    fn other_codes_do_not_suppress_and_unused_ones_are_reported() {
        let wrong = GATED.replace("  useSecureCookies", "  // authfix-ignore S001: not this one\n  useSecureCookies");
        assert_eq!(codes(&project(&[("lib/auth.ts", &wrong)])), vec!["A001", "C001"]);
        let stale = "// authfix-ignore C001: old\nexport const authOptions = { providers: [] };\n";
        assert_eq!(codes(&project(&[("lib/auth.ts", stale)])), vec!["A001"]);
        // A string that mentions the marker is not a comment.
        let s = "export const x = \"authfix-ignore C001\";\n";
        assert_eq!(codes(&project(&[("lib/x.ts", s)])), Vec::<&str>::new());
    }
}
