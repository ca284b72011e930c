//! Reporters: one pipeline, several outputs (human, JSON, SARIF, GitHub workflow commands).
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::analyze::AppResult;
use crate::project::{App, Skipped};
use authfix_transforms::edit::line_col;
use authfix_transforms::engine::Status;
use authfix_transforms::Diagnostic;

/// Everything a reporter shows.
pub struct Report<'a> {
    pub apps: &'a [App],
    pub results: &'a [AppResult],
    pub skipped: &'a [Skipped],
    /// `check` (true) or `fix` (false): decides the wording of statuses.
    pub check: bool,
}

/// One finding with its location resolved.
pub struct Item<'a> {
    pub app: &'a App,
    pub diag: &'a Diagnostic,
    pub status: &'a Status,
    /// Path relative to the scan root.
    pub path: String,
    pub start: (usize, usize),
    pub end: (usize, usize),
    pub secrets: &'a [String],
}

impl<'a> Report<'a> {
    pub fn items(&self) -> Vec<Item<'a>> {
        let mut out = Vec::new();
        for (app, r) in self.apps.iter().zip(self.results) {
            for f in &r.outcome.findings {
                let text = app.files.get(&f.diagnostic.file).map(|f| &*f.text).unwrap_or("");
                out.push(Item {
                    app,
                    diag: &f.diagnostic,
                    status: &f.status,
                    path: app.display(&f.diagnostic.file),
                    start: line_col(text, f.diagnostic.start),
                    end: line_col(text, f.diagnostic.end),
                    secrets: &r.secrets,
                });
            }
        }
        out
    }

    /// Files that could not be read or parsed, with the reason.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self.skipped.iter().map(|s| (s.path.clone(), s.reason.clone())).collect();
        for (app, r) in self.apps.iter().zip(self.results) {
            for (path, e) in &r.outcome.unparsable {
                let text = app.files.get(path).map(|f| &*f.text).unwrap_or("");
                let (l, c) = line_col(text, e.offset);
                out.push((app.display(path), format!("does not parse ({} at {l}:{c}); left untouched", e.message)));
            }
        }
        out
    }
}

pub fn mask(s: &str, secrets: &[String]) -> String {
    authfix_transforms::secrets::mask(s, secrets)
}
