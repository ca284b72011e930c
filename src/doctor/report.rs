//! Output: a human report and a JSON document (schema `authfix-doctor/1`, see docs/doctor.md).
use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use super::checks::{Running, Target};
use super::findings::Finding;
use super::http::{Reply, SetCookie, Unreachable};

pub const SCHEMA: &str = "authfix-doctor/1";

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

    writeln!(
        out,
        "{bold}authfix doctor{bold:#} {} {dim}(auth base path {}){dim:#}",
        report.url, report.base_path
    )?;
    if let Some(e) = &report.error {
        writeln!(out)?;
        writeln!(out, "{red}unreachable ({}){red:#}: {}", e.kind, e.message)?;
        return Ok(());
    }
    writeln!(out)?;
    for r in &report.requests {
        let path = r.url.strip_prefix(&report.url).unwrap_or(&r.url);
        let mut line = format!("  GET {path:<24} {}", r.status);
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
    writeln!(out)?;
    match &report.running {
        Some(r) => writeln!(out, "Running: next-auth v{} {dim}({}){dim:#}", r.major, r.evidence)?,
        None => writeln!(out, "Running: {yellow}Auth.js version not recognised{yellow:#}")?,
    }
    if let Some(p) = &report.project {
        match p.major {
            Some(m) => writeln!(out, "Project: next-auth v{m} {dim}({}){dim:#}", p.path)?,
            None => writeln!(
                out,
                "Project: {yellow}no next-auth dependency found{yellow:#} {dim}({}){dim:#}",
                p.path
            )?,
        }
    }
    for f in &report.findings {
        writeln!(out)?;
        writeln!(
            out,
            "{red}{}{red:#} {bold}{}{bold:#} {dim}{}{dim:#}",
            f.code.as_str(),
            f.title,
            f.name
        )?;
        writeln!(out, "  seen:   {}", f.evidence)?;
        writeln!(out, "  users:  {}", f.symptom)?;
        writeln!(out, "  cause:  {}", f.cause)?;
        writeln!(out, "  fix:    {}", f.fix)?;
    }
    writeln!(out)?;
    match report.findings.len() {
        0 => writeln!(out, "{green}No problems found.{green:#}")?,
        1 => writeln!(out, "{red}1 problem found.{red:#}")?,
        n => writeln!(out, "{red}{n} problems found.{red:#}")?,
    }
    Ok(())
}
