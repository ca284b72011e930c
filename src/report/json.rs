//! A stable JSON document (schema in docs/json-schema.md). Secrets are masked in every string.
use super::{mask, Report};
use authfix_transforms::engine::Status;
use authfix_transforms::Change;
use serde_json::{json, Value};

pub const SCHEMA_VERSION: u32 = 1;

fn status(s: &Status) -> &'static str {
    match s {
        Status::Fixed => "fixed",
        Status::Fixable => "fixable",
        Status::NeedsUnsafe => "unsafe-fix-available",
        Status::NoFix => "no-fix",
        Status::DisplayOnly => "suggestion",
        Status::Skipped => "skipped",
        Status::Dropped(_) => "fix-dropped",
        Status::Remaining => "not-fixed",
    }
}

pub fn render(r: &Report) -> String {
    let findings: Vec<Value> = r
        .items()
        .iter()
        .map(|it| {
            let d = it.diag;
            let m = |s: &str| mask(s, it.secrets);
            let fix = d.fix.as_ref().map(|f| {
                let edits: Vec<Value> = f
                    .changes
                    .iter()
                    .map(|c| match c {
                        Change::Edit { file, edit } => {
                            json!({"kind": "edit", "file": it.app.display(file), "byte_start": edit.start, "byte_end": edit.end, "text": m(&edit.text)})
                        }
                        Change::Create { file, content } => json!({"kind": "create", "file": it.app.display(file), "text": m(content)}),
                        Change::Delete { file } => json!({"kind": "delete", "file": it.app.display(file)}),
                    })
                    .collect();
                json!({"safety": f.applicability.as_str(), "title": m(&f.title), "edits": edits})
            });
            json!({
                "code": d.code,
                "name": d.name,
                "severity": d.severity.as_str(),
                "file": it.path,
                "range": {
                    "start": {"line": it.start.0, "column": it.start.1},
                    "end": {"line": it.end.0, "column": it.end.1},
                    "byte_start": d.start,
                    "byte_end": d.end,
                },
                "message": m(&d.message),
                "note": d.note.as_deref().map(m),
                "status": status(it.status),
                "fix": fix,
            })
        })
        .collect();
    let problems: Vec<Value> = r.problems().into_iter().map(|(f, reason)| json!({"file": f, "reason": reason})).collect();
    let errors = findings.iter().filter(|f| f["severity"] == "error").count();
    let doc = json!({
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "authfix", "version": env!("CARGO_PKG_VERSION")},
        "findings": findings,
        "skipped": problems,
        "summary": {
            "files": r.files(),
            "apps": r.apps.len(),
            "errors": errors,
            "warnings": findings.len() - errors,
        },
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap();
    s.push('\n');
    s
}
