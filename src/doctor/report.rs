//! Output: a human report and a JSON document (schema `authfix-doctor/1`, see docs/doctor.md).
use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::checks::{Running, Target};
use super::findings::Finding;
use super::http::{Reply, SetCookie, Unreachable};
use super::protected::ProtectedPath;

pub const SCHEMA: &str = "authfix-doctor/1";

/// Human output wraps findings at this many columns.
const WIDTH: usize = 100;

/// Greedy word wrap; a `code span` is never broken, a word longer than the width stays on
/// its own line.
fn wrap(text: &str, width: usize) -> Vec<String> {
    // Words, with the words of a backtick span joined into one.
    let mut words: Vec<String> = Vec::new();
    let mut open = false;
    for w in text.split_whitespace() {
        if open {
            let last = words.last_mut().expect("an open span has a word");
            last.push(' ');
            last.push_str(w);
        } else {
            words.push(w.to_string());
        }
        if w.matches('`').count() % 2 == 1 {
            open = !open;
        }
    }
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in &words {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// One request as reported: status and headers that matter, never a cookie value or a body.
#[derive(Serialize, Debug)]
pub struct RequestSummary {
    pub endpoint: &'static str,
    pub url: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub cookies: Vec<SetCookie>,
    /// Asked again with a trailing slash after Next's `trailingSlash: true` 308.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub trailing_slash: bool,
}

impl RequestSummary {
    pub fn new(endpoint: &'static str, target: &Target, r: &Reply) -> Self {
        RequestSummary {
            endpoint,
            url: target.url_of(endpoint),
            status: r.status,
            content_type: r.content_type.clone(),
            location: r.location.clone(),
            cookies: r.set_cookies.clone(),
            trailing_slash: r.via_trailing_slash,
        }
    }
}

#[derive(Serialize, Debug)]
pub struct ProjectSummary {
    pub path: String,
    /// next-auth major the repository depends on, when found.
    pub major: Option<u8>,
    /// `[...nextauth]` route directories, relative to the project.
    pub route_handlers: Vec<String>,
}

/// The whole report; also the JSON document.
#[derive(Serialize, Debug)]
pub struct Report {
    pub schema: &'static str,
    pub url: String,
    pub base_path: String,
    /// `healthy`, `problems` or `unreachable`.
    pub status: &'static str,
    pub running: Option<Running>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<ProjectSummary>,
    pub requests: Vec<RequestSummary>,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Unreachable>,
    /// With `--project`: what `authfix check` finds in the repository (context; it does not
    /// change doctor's exit code, which is about the deployment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub static_findings: Option<Vec<StaticFinding>>,
    /// With `--protected`: each path and the requests made for it (D011).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub protected: Vec<ProtectedPath>,
}

/// One finding of the static rules in the `--project` repository.
#[derive(Debug, Clone, Serialize)]
pub struct StaticFinding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: &'static str,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The static findings as a human section (printed after doctor's own).
pub fn print_static(findings: &[StaticFinding], out: &mut dyn Write) -> std::io::Result<()> {
    let bold = Style::new().bold();
    writeln!(out)?;
    if findings.is_empty() {
        writeln!(out, "{bold}The repository (--project):{bold:#} `authfix check` finds nothing.")?;
        return Ok(());
    }
    writeln!(out, "{bold}The repository (--project): `authfix check` also finds{bold:#}")?;
    for f in findings {
        writeln!(out, "  {}:{}:{} {}[{}] {}", f.file, f.line, f.column, f.severity, f.code, f.message)?;
    }
    writeln!(out, "  Run `authfix fix` in the repository to see and apply the fixes.")?;
    Ok(())
}

pub fn print_json(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let s = serde_json::to_string_pretty(report).expect("report serializes");
    writeln!(out, "{s}")
}

pub fn print_human(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let green = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
    let yellow = Style::new().fg_color(Some(AnsiColor::Yellow.into()));

    writeln!(out, "{bold}authfix doctor{bold:#} {} {dim}(auth base path {}){dim:#}", report.url, report.base_path)?;
    if let Some(e) = &report.error {
        writeln!(out)?;
        writeln!(out, "{red}unreachable ({}){red:#}: {}", e.kind, e.message)?;
        return Ok(());
    }
    writeln!(out)?;
    for r in &report.requests {
        let path = r.url.strip_prefix(&report.url).unwrap_or(&r.url);
        let shown = if r.trailing_slash { format!("{path}/") } else { path.to_string() };
        let mut line = format!("  GET {shown:<24} {}", r.status);
        if let Some(ct) = &r.content_type {
            line.push_str(&format!(" {}", ct.split(';').next().unwrap_or(ct)));
        }
        if let Some(l) = &r.location {
            line.push_str(&format!(" → {l}"));
        }
        writeln!(out, "{line}")?;
        for c in &r.cookies {
            writeln!(out, "      {dim}Set-Cookie {} ({}){dim:#}", c.name, c.attributes())?;
        }
    }
    if !report.protected.is_empty() {
        writeln!(out)?;
        writeln!(out, "  Protected paths (--protected):")?;
        for p in &report.protected {
            writeln!(out, "  {}", p.path)?;
            for r in &p.requests {
                let mut line = format!("      {:<26}", r.shape.label());
                match (&r.status, &r.error) {
                    (Some(s), _) => line.push_str(&format!(" {s}")),
                    (None, Some(e)) => line.push_str(&format!(" unreachable ({})", e.kind)),
                    (None, None) => {}
                }
                if let Some(ct) = &r.content_type {
                    line.push_str(&format!(" {}", ct.split(';').next().unwrap_or(ct)));
                }
                if let Some(l) = &r.location {
                    line.push_str(&format!(" → {}", short_location(l)));
                }
                let verdict = r.verdict.as_str();
                if r.verdict == super::protected::Verdict::Page {
                    line.push_str(&format!("  {red}{verdict}{red:#}"));
                } else {
                    line.push_str(&format!("  {dim}{verdict}{dim:#}"));
                }
                writeln!(out, "{line}")?;
            }
        }
    }
    writeln!(out)?;
    match &report.running {
        Some(r) => writeln!(out, "Running: next-auth v{} {dim}({}){dim:#}", r.major, r.evidence)?,
        None => writeln!(out, "Running: {yellow}Auth.js version not recognised{yellow:#}")?,
    }
    if let Some(p) = &report.project {
        match p.major {
            Some(m) => writeln!(out, "Project: next-auth v{m} {dim}({}){dim:#}", p.path)?,
            None => writeln!(out, "Project: {yellow}no next-auth dependency found{yellow:#} {dim}({}){dim:#}", p.path)?,
        }
    }
    for f in &report.findings {
        writeln!(out)?;
        writeln!(out, "{red}{}{red:#} {bold}{}{bold:#} {dim}[{}]{dim:#}", f.code.as_str(), f.title, f.name)?;
        let seen = f.evidence.join("\n");
        for (label, text) in [("seen", &seen), ("symptom", &f.symptom), ("cause", &f.cause), ("fix", &f.fix)] {
            // Each evidence item starts a line.
            let lines: Vec<String> = text.lines().flat_map(|item| wrap(item, WIDTH - 11)).collect();
            for (i, l) in lines.iter().enumerate() {
                if i == 0 {
                    writeln!(out, "  {dim}{label:<8}{dim:#} {l}")?;
                } else {
                    writeln!(out, "           {l}")?;
                }
            }
        }
    }
    writeln!(out)?;
    match report.findings.len() {
        0 => writeln!(out, "{green}No problems found.{green:#}")?,
        1 => writeln!(out, "{red}1 problem found.{red:#}")?,
        n => writeln!(out, "{red}{n} problems found.{red:#}")?,
    }
    Ok(())
}

/// A `Location` without its query (`/api/auth/signin?…`): the query repeats the path asked.
fn short_location(l: &str) -> String {
    match l.split_once('?') {
        Some((p, _)) => format!("{p}?…"),
        None => l.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_keeps_every_word_and_the_width() {
        let text = "one two three four five six seven eight nine ten eleven twelve";
        let lines = wrap(text, 15);
        assert!(lines.iter().all(|l| l.chars().count() <= 15), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("averyveryverylongword x", 5), vec!["averyveryverylongword", "x"]);
        assert_eq!(wrap("", 5), vec![""]);
        assert_eq!(wrap("run `openssl rand -base64 32` now", 12), vec!["run", "`openssl rand -base64 32`", "now"]);
    }
}
