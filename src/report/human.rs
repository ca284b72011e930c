//! Findings with code frames, for people.
use super::{mask, Item, Report};
use crate::review::{BOLD, CYAN, DIM, GREEN, RED, YELLOW};
use authfix_transforms::edit::line_col;
use authfix_transforms::engine::Status;
use authfix_transforms::Severity;
use std::fmt::Write;

/// A code frame: up to two lines before, the line, and a caret under the range.
pub fn code_frame(text: &str, start: usize, end: usize) -> String {
    let (line, col) = line_col(text, start);
    let lines: Vec<&str> = text.lines().collect();
    let width = (line + 1).to_string().len();
    let mut out = String::new();
    let first = line.saturating_sub(2).max(1);
    for n in first..=line {
        let l = lines.get(n - 1).copied().unwrap_or("");
        let _ = writeln!(out, "{DIM}{n:>width$} |{DIM:#} {}", l.trim_end_matches('\r'));
    }
    let l = lines.get(line - 1).copied().unwrap_or("");
    let seg_len = text[start.min(text.len())..end.min(text.len())].lines().next().map_or(1, |s| s.chars().count()).max(1);
    let avail = l.chars().count().saturating_sub(col - 1).max(1);
    let lead: String = l.chars().take(col - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    let _ = writeln!(out, "{DIM}{:>width$} |{DIM:#} {lead}{RED}{}{RED:#}", "", "^".repeat(seg_len.min(avail)));
    out
}

pub fn item(it: &Item, check: bool) -> String {
    let d = it.diag;
    let mut out = String::new();
    let sev = match d.severity {
        Severity::Error => format!("{RED}error{RED:#}"),
        Severity::Warning => format!("{YELLOW}warning{YELLOW:#}"),
    };
    let (l, c) = it.start;
    let _ = writeln!(out, "{BOLD}{}:{l}:{c}{BOLD:#} {sev}[{BOLD}{}{BOLD:#}] {}", it.path, d.code, mask(&d.message, it.secrets));
    let text = it.app.files.get(&d.file).map(|f| &*f.text).unwrap_or("");
    out.push_str(&mask(&code_frame(text, d.start, d.end), it.secrets));
    let title = d.fix.as_ref().map(|f| f.title.clone());
    let status = match it.status {
        Status::Fixed => format!("{GREEN}fix{GREEN:#}: {}", title.unwrap_or_else(|| "made by another fix".into())),
        Status::Fixable => format!("{GREEN}fix available{GREEN:#}: {}", title.unwrap_or_default()),
        Status::NeedsUnsafe if check => format!("{YELLOW}unsafe fix available{YELLOW:#} (`authfix fix --unsafe`): {}", title.unwrap_or_default()),
        Status::NeedsUnsafe => format!("{YELLOW}unsafe fix{YELLOW:#} (run with --unsafe): {}", title.unwrap_or_default()),
        Status::NoFix => "no automatic fix".to_string(),
        Status::DisplayOnly => format!("suggestion (not applied): {}", title.unwrap_or_default()),
        Status::Skipped => "fix skipped".to_string(),
        Status::Dropped(r) => format!("{RED}fix dropped{RED:#}: {r}"),
        Status::Remaining => "not fixed".to_string(),
    };
    let _ = writeln!(out, "  {CYAN}={CYAN:#} {}", mask(&status, it.secrets));
    if let Some(n) = &d.note {
        let _ = writeln!(out, "  {CYAN}={CYAN:#} note: {}", mask(n, it.secrets));
    }
    out
}

/// The whole report: findings, then a summary line.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let items = r.items();
    for it in &items {
        out.push_str(&item(it, r.check));
        out.push('\n');
    }
    out.push_str(&summary(r));
    out
}

pub fn summary(r: &Report) -> String {
    let items = r.items();
    let files: usize = r.apps.iter().map(|a| a.files.len()).sum();
    let errors = items.iter().filter(|i| i.diag.severity == Severity::Error).count();
    let warnings = items.len() - errors;
    let count = |s: &dyn Fn(&Status) -> bool| items.iter().filter(|i| s(i.status)).count();
    let fixed = count(&|s| matches!(s, Status::Fixed));
    let fixable = count(&|s| matches!(s, Status::Fixable));
    let unsafe_ = count(&|s| matches!(s, Status::NeedsUnsafe));
    let mut line = format!("Scanned {files} files in {} app(s): {errors} error(s), {warnings} warning(s)", r.apps.len());
    if r.check {
        if fixable > 0 {
            line.push_str(&format!("; {fixable} fixable with `authfix fix`"));
        }
        if unsafe_ > 0 {
            line.push_str(&format!("; {unsafe_} more with `authfix fix --unsafe`"));
        }
    } else {
        line.push_str(&format!("; {fixed} fixed"));
        if unsafe_ > 0 {
            line.push_str(&format!(", {unsafe_} more with --unsafe"));
        }
    }
    let problems = r.problems().len();
    if problems > 0 {
        line.push_str(&format!("; {problems} file(s) skipped"));
    }
    format!("{BOLD}{line}{BOLD:#}\n")
}
