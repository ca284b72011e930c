//! GitHub Actions workflow commands: `::error file=…,line=…::message`.
use super::{mask, Report};
use authfix_transforms::Severity;

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_prop(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    for it in r.items() {
        let cmd = match it.diag.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "::{cmd} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_prop(&it.path),
            it.start.0,
            it.start.1,
            it.end.0,
            it.end.1,
            escape_prop(&format!("{} {}", it.diag.code, it.diag.name)),
            escape_data(&mask(&it.diag.message, it.secrets))
        ));
    }
    for (f, reason) in r.problems() {
        out.push_str(&format!("::warning file={}::{}\n", escape_prop(&f), escape_data(&format!("skipped: {reason}"))));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes() {
        assert_eq!(super::escape_prop("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
