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
    /// The text of the finding's file, as read.
    pub text: &'a str,
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
        let mut out: Vec<Item<'a>> = Vec::new();
        // A file above several apps (a workflow at the git root, the workspace's `.env`) is seen
        // by each of them: the same finding there is reported once.
        let mut seen: std::collections::HashSet<(String, &str, usize, usize, &str)> = std::collections::HashSet::new();
        for (app, r) in self.apps.iter().zip(self.results) {
            // One line index per file: a big file with many findings is not rescanned for each.
            let mut lines: std::collections::HashMap<&str, LineIndex> = std::collections::HashMap::new();
            for f in &r.outcome.findings {
                let text: &'a str = r.files.get(&f.diagnostic.file).map(|f| &*f.text).unwrap_or("");
                let path = app.display(&f.diagnostic.file);
                if !seen.insert((path.clone(), f.diagnostic.code, f.diagnostic.start, f.diagnostic.end, f.diagnostic.message.as_str())) {
                    continue;
                }
                let index = lines.entry(f.diagnostic.file.as_str()).or_insert_with(|| LineIndex::new(text));
                out.push(Item {
                    app,
                    text,
                    diag: &f.diagnostic,
                    status: &f.status,
                    path,
                    start: index.line_col(text, f.diagnostic.start),
                    end: index.line_col(text, f.diagnostic.end),
                    secrets: &r.outcome.secrets,
                });
            }
        }
        out
    }

    /// How many files the rules saw, in all apps.
    pub fn files(&self) -> usize {
        self.results.iter().map(|r| r.scanned).sum()
    }

    /// Files that could not be read or parsed, with the reason.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self.skipped.iter().map(|s| (s.path.clone(), s.reason.clone())).collect();
        for r in self.results {
            out.extend(r.skipped.iter().map(|s| (s.path.clone(), s.reason.clone())));
        }
        for (app, r) in self.apps.iter().zip(self.results) {
            for (path, e) in &r.outcome.unparsable {
                let text = r.files.get(path).map(|f| &*f.text).unwrap_or("");
                let (l, c) = line_col(text, e.offset);
                out.push((app.display(path), format!("does not parse ({} at {l}:{c}); left untouched", e.message)));
            }
        }
        out
    }
}

/// The byte offset of each line's start, for [`line_col`] answers in logarithmic time.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        Self(std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }

    /// The same `(line, column)` as [`line_col`]: 1-based, the column in characters.
    fn line_col(&self, text: &str, pos: usize) -> (usize, usize) {
        let pos = pos.min(text.len());
        let line = self.0.partition_point(|&s| s <= pos);
        (line, text[self.0[line - 1]..pos].chars().count() + 1)
    }
}

pub fn mask(s: &str, secrets: &[String]) -> String {
    authfix_transforms::secrets::mask(s, secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col() {
        for text in ["", "a", "\n", "ab\ncd\n", "x\r\n\u{e9}t\u{e9}\r\n\r\n\u{1f510} end", "\n\n\nlast"] {
            let index = LineIndex::new(text);
            for pos in (0..=text.len() + 2).filter(|&p| p > text.len() || text.is_char_boundary(p)) {
                assert_eq!(index.line_col(text, pos), line_col(text, pos), "{text:?} at {pos}");
            }
        }
    }
}
