//! SARIF 2.1.0 for GitHub code scanning.
use super::{mask, Report};
use authfix_transforms::{rules, Severity};
use serde_json::{json, Value};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

pub fn render(r: &Report) -> String {
    let rule_list: Vec<Value> = rules::all()
        .iter()
        .map(|rule| rule.meta())
        .map(|m| {
            json!({
                "id": m.code,
                "name": m.name,
                "shortDescription": {"text": m.summary},
                "fullDescription": {"text": m.summary},
                "help": {"text": m.doc_text(), "markdown": m.doc_text()},
                "defaultConfiguration": {"level": level(m.severity)},
                "properties": {"fixAvailability": m.fix.as_str(), "fixApplicability": m.applicability.iter().map(|a| a.as_str()).collect::<Vec<_>>(), "fix": m.fix_label()},
            })
        })
        .collect();
    let index = |code: &str| rule_list.iter().position(|r| r["id"] == code).unwrap_or(0);
    let results: Vec<Value> = r
        .items()
        .iter()
        .map(|it| {
            json!({
                "ruleId": it.diag.code,
                "ruleIndex": index(it.diag.code),
                "level": level(it.diag.severity),
                "message": {"text": mask(&it.diag.message, it.secrets)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": it.path},
                        "region": {"startLine": it.start.0, "startColumn": it.start.1, "endLine": it.end.0, "endColumn": it.end.1},
                    }
                }],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "authfix",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_list,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap();
    s.push('\n');
    s
}
