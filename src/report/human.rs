//! Findings with code frames, for people.
//!
//! Each finding is a header line `file:line:col error[CODE] message` (what editors and `grep`
//! read) and a code frame drawn by annotate-snippets (the crate rustc and ruff use): up to two
//! lines of context, the span underlined (multi-line spans drawn as rustc does, tabs expanded,
//! wide characters measured), then the fix and the note as footers. The message is the header, so
//! the underline carries no label of its own (it would repeat the header word for word).
use super::{mask, Item, Report};
use crate::review::BOLD;
use annotate_snippets::renderer::{DEFAULT_ERROR_STYLE as ERROR, DEFAULT_WARNING_STYLE as WARNING};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use authfix_transforms::engine::Status;
use authfix_transforms::Severity;
use std::fmt::Write;

/// Lines of context shown above the first line of a span.
const CONTEXT_LINES: usize = 2;
/// Spans over this many lines or more are folded.
const FOLD_LINES: usize = 8;

/// `text` with every secret replaced by `***` exactly as [`authfix_transforms::secrets::mask`]
/// does (one secret after the other, each occurrence left to right), and `offsets` moved to the
/// same places in the masked text. An offset inside a secret moves to the start of its `***`, or
/// to its end when `ends[i]` is set, so a span that covers part of a secret covers all of `***`.
fn mask_tracking(text: &str, secrets: &[String], offsets: &mut [usize], ends: &[bool]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        if !out.contains(s.as_str()) {
            continue;
        }
        let mut next = String::with_capacity(out.len());
        let mut moved = offsets.to_vec();
        let mut last = 0;
        for (a, _) in out.match_indices(s.as_str()) {
            let b = a + s.len();
            next.push_str(&out[last..a]);
            let at = next.len();
            next.push_str("***");
            for (i, &p) in offsets.iter().enumerate() {
                if p > a && p < b {
                    moved[i] = if ends[i] { at + 3 } else { at };
                } else if p >= b {
                    moved[i] = p - b + at + 3;
                }
            }
            last = b;
        }
        next.push_str(&out[last..]);
        offsets.copy_from_slice(&moved);
        out = next;
    }
    out
}

/// The code frame for `text[start..end]` with the footers below it: the text is masked before
/// the frame is built and the span follows the masking, so the underline sits under the same code
/// whatever a secret before it on the line was. Styled with ANSI colours; `anstream` strips them
/// when the output is not a terminal, with `--color never` or `NO_COLOR`.
/// `line` is the line `start` is on (the header's, already known).
pub fn code_frame(
    text: &str,
    (start, end, line): (usize, usize, usize),
    secrets: &[String],
    level: Level<'_>,
    footers: Vec<annotate_snippets::Message<'_>>,
) -> String {
    let start = text.floor_char_boundary(start.min(text.len()));
    let end = text.floor_char_boundary(end.clamp(start, text.len()));
    let mut group = Group::with_level(level.clone());
    if !text.is_empty() {
        let mut from = authfix_transforms::edit::line_start(text, start);
        for _ in 0..CONTEXT_LINES {
            if from == 0 {
                break;
            }
            from = authfix_transforms::edit::line_start(text, from - 1);
        }
        // The last line of the span: the one its last character is on.
        let last_char = if end > start { text[..end].char_indices().next_back().map_or(start, |(i, _)| i) } else { start };
        let to = text[last_char..].find('\n').map_or(text.len(), |i| last_char + i);
        // Mask only around the shown lines (a big file has many findings): every occurrence of a
        // secret that overlaps them lies within the longest secret's length of them.
        let reach = secrets.iter().map(String::len).max().unwrap_or(0);
        let (lo, hi) = (text.floor_char_boundary(from.saturating_sub(reach)), text.ceil_char_boundary((to + reach).min(text.len())));
        let mut at = [from - lo, start - lo, end - lo, to - lo];
        let masked = mask_tracking(&text[lo..hi], secrets, &mut at, &[false, false, true, true]);
        let [from_m, start_m, end_m, to_m] = at;
        let shown = masked[from_m..to_m].trim_end_matches('\r').to_string();
        // Numbered so the span's first line has its number in the file, even when a secret over
        // several lines (a PEM key) above it in the frame shows as one `***`.
        let line_start = line.saturating_sub(masked[from_m..start_m].matches('\n').count()).max(1);
        let span = (start_m - from_m).min(shown.len())..(end_m - from_m).min(shown.len());
        // A long span is folded (its first and last lines, as rustc does), which also hides the
        // context lines above it.
        let fold = text[start..end].matches('\n').count() >= FOLD_LINES;
        group = group.element(Snippet::source(shown).line_start(line_start).fold(fold).annotation(AnnotationKind::Primary.span(span)));
    }
    let group = group.elements(footers);
    let mut out = Renderer::styled().render(&[group]);
    out.push('\n');
    // Whatever the frame shows passes the same masking once more.
    mask(&out, secrets)
}

pub fn item(it: &Item, check: bool) -> String {
    let d = it.diag;
    let mut out = String::new();
    let (sev, level) = match d.severity {
        // The frame's colours for the severity word too.
        Severity::Error => (format!("{ERROR}error{ERROR:#}"), Level::ERROR),
        Severity::Warning => (format!("{WARNING}warning{WARNING:#}"), Level::WARNING),
    };
    let (l, c) = it.start;
    let _ = writeln!(out, "{BOLD}{}:{l}:{c}{BOLD:#} {sev}[{BOLD}{}{BOLD:#}] {}", it.path, d.code, mask(&d.message, it.secrets));
    let text = it.text;
    let title = d.fix.as_ref().map(|f| mask(&f.title, it.secrets));
    let fix_title = || title.clone().unwrap_or_default();
    let help = |name: &'static str, msg: String| Level::HELP.with_name(name).message(msg);
    let plain = |msg: &'static str| Level::NOTE.no_name().message(msg);
    let status = match it.status {
        Status::Fixed => help("fix", title.clone().unwrap_or_else(|| "made by another fix".into())),
        Status::Fixable => help("fix available", fix_title()),
        Status::NeedsUnsafe if check => help("unsafe fix available (`authfix fix --unsafe`)", fix_title()),
        Status::NeedsUnsafe => help("unsafe fix (run with --unsafe)", fix_title()),
        Status::NoFix => plain("no automatic fix"),
        Status::DisplayOnly => help("suggestion (not applied)", fix_title()),
        Status::Skipped => plain("fix skipped"),
        Status::Dropped(r) => Level::ERROR.with_name("fix dropped").message(mask(r, it.secrets)),
        Status::Remaining => plain("not fixed"),
    };
    let mut footers = vec![status];
    if let Some(n) = &d.note {
        footers.push(Level::NOTE.message(mask(n, it.secrets)));
    }
    out.push_str(&code_frame(text, (d.start, d.end, it.start.0), it.secrets, level, footers));
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
    let files: usize = r.files();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The frame as a terminal without colours shows it.
    fn frame(text: &str, span: &str, secrets: &[&str]) -> String {
        let start = text.find(span).expect("span in text");
        frame_at(text, start, start + span.len(), secrets)
    }

    fn frame_at(text: &str, start: usize, end: usize, secrets: &[&str]) -> String {
        let secrets: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
        let line = authfix_transforms::edit::line_col(text, text.floor_char_boundary(start.min(text.len()))).0;
        anstream::adapter::strip_str(&code_frame(text, (start, end, line), &secrets, Level::ERROR, vec![])).to_string()
    }

    /// The column (in characters of the shown line) where the carets start, and how many there are.
    fn carets(frame: &str) -> (usize, usize) {
        let line = frame.lines().find(|l| l.contains('^')).expect("a caret line");
        let bar = line.find('|').unwrap() + 2;
        let rest = &line[bar..];
        let col = rest.chars().take_while(|c| *c == ' ').count();
        (col, rest.chars().filter(|c| *c == '^').count())
    }

    /// The shown source line `n` (without its `n | ` margin).
    fn shown_line(frame: &str, n: usize) -> String {
        let prefix = format!("{n} | ");
        frame.lines().find_map(|l| l.trim_start().strip_prefix(&prefix)).unwrap_or_else(|| panic!("line {n} in\n{frame}")).to_string()
    }

    #[test]
    fn caret_is_measured_after_masking_a_secret_before_the_span() {
        let text = "export default NextAuth({\n  secret: \"s3cr3t-value-that-is-long\", useSecureCookies: process.env.NODE_ENV === \"production\",\n});\n";
        let f = frame(text, "useSecureCookies: process.env.NODE_ENV === \"production\"", &["s3cr3t-value-that-is-long"]);
        assert!(!f.contains("s3cr3t"), "{f}");
        let line = shown_line(&f, 2);
        assert_eq!(line, "  secret: \"***\", useSecureCookies: process.env.NODE_ENV === \"production\",");
        let (col, n) = carets(&f);
        assert_eq!(&line[col..col + n], "useSecureCookies: process.env.NODE_ENV === \"production\"", "{f}");
    }

    #[test]
    fn span_over_a_secret_underlines_the_mask() {
        let text = "const a = 1;\nconst o = { secret: \"abcdef123456\" };\n";
        let f = frame(text, "secret: \"abcdef123456\"", &["abcdef123456"]);
        let line = shown_line(&f, 2);
        let (col, n) = carets(&f);
        assert_eq!(&line[col..col + n], "secret: \"***\"", "{f}");
        // A span that starts or ends inside the secret covers the whole `***`.
        let start = text.find("def123").unwrap();
        let f = frame_at(text, start, start + 3, &["abcdef123456"]);
        let (col, n) = carets(&f);
        assert_eq!(&shown_line(&f, 2)[col..col + n], "***", "{f}");
        assert!(!f.contains("abcdef") && !f.contains("def123"), "{f}");
    }

    #[test]
    fn masking_matches_the_shared_mask() {
        let secrets: Vec<String> = ["abcdefghij", "abcd", "ghijkl", "xyz"].iter().map(|s| s.to_string()).collect();
        for text in ["", "abcdefghij abcd ghijkl", "ababcdabcdefghijkl\nabcd", "no secret here", "ghijklghijkl"] {
            let mut at = vec![0, text.len() / 2, text.len()];
            let masked = mask_tracking(text, &secrets, &mut at, &[false, false, true]);
            assert_eq!(masked, authfix_transforms::secrets::mask(text, &secrets), "{text:?}");
            assert!(at.iter().all(|&p| p <= masked.len() && masked.is_char_boundary(p)), "{text:?} {at:?}");
            assert_eq!(at[2], masked.len(), "the end stays the end");
        }
    }

    #[test]
    fn wide_characters_before_the_span() {
        let text = "const title = \"日本語のタイトル 🔐\"; getServerSession();\n";
        let f = frame(text, "getServerSession()", &[]);
        let line = shown_line(&f, 1);
        let (col, n) = carets(&f);
        // Columns count display width: each CJK character and the emoji take two.
        let prefix = &text[..text.find("getServerSession").unwrap()];
        let width: usize = prefix.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
        assert_eq!(col, width, "{f}");
        assert_eq!(n, "getServerSession()".len());
        assert!(line.ends_with("getServerSession();"));
    }

    #[test]
    fn tabs_before_the_span() {
        let text = "function f() {\n\t\tconst s = await getServerSession();\n}\n";
        let f = frame(text, "getServerSession()", &[]);
        let line = shown_line(&f, 2);
        assert!(!line.contains('\t'), "tabs are expanded: {line:?}");
        let (col, n) = carets(&f);
        assert_eq!(&line[col..col + n], "getServerSession()", "{f}");
    }

    #[test]
    fn context_lines_and_crlf() {
        let text = "l1\r\nl2\r\nl3\r\nl4 target\r\nl5\r\n";
        let f = frame(text, "target", &[]);
        assert!(!f.contains('\r'));
        assert!(!f.contains("l1") && !f.contains("l5"), "two lines of context above, none below:\n{f}");
        assert_eq!(shown_line(&f, 2), "l2");
        assert_eq!(shown_line(&f, 4), "l4 target");
        let (col, n) = carets(&f);
        assert_eq!((col, n), (3, 6));
    }

    #[test]
    fn multi_line_span_is_drawn_whole() {
        let text = "import x from \"y\";\n\nexport const authOptions = {\n  providers: [],\n};\nconst after = 1;\n";
        let start = text.find("export").unwrap();
        let end = text.find("};").unwrap() + 2;
        let f = frame_at(text, start, end, &[]);
        assert!(f.contains("3 | / export const authOptions = {"), "{f}");
        assert!(f.contains("4 | |   providers: [],"), "{f}");
        assert!(f.contains("5 | | };"), "{f}");
        assert!(f.contains("_^"), "{f}");
        assert!(!f.contains("after"), "{f}");
        // A span that ends with its line break ends on that line.
        let f = frame_at(text, start, text.find("  providers").unwrap(), &[]);
        assert!(f.contains("3 | export const authOptions = {") && !f.contains("providers"), "{f}");
    }

    #[test]
    fn long_spans_are_folded() {
        let body: String = (0..40).map(|i| format!("  k{i}: {i},\n")).collect();
        let text = format!("a\nb\nexport const o = {{\n{body}}};\n");
        let start = text.find("export").unwrap();
        let end = text.find("};").unwrap() + 2;
        let f = frame_at(&text, start, end, &[]);
        assert!(f.contains("3 | / export const o = {") && f.contains("| | };") && f.contains("..."), "{f}");
        assert!(f.lines().count() < 15, "{f}");
    }

    #[test]
    fn masking_reaches_a_secret_that_starts_above_the_frame() {
        // A multi-line secret (a PEM key) that starts before the shown lines and ends in them.
        let key = "-----BEGIN KEY-----\nAAAABBBBCCCC\nDDDDEEEEFFFF\n-----END KEY-----";
        let text = format!("const k = `{key}`; const s = getServerSession();\n");
        let f = frame(&text, "getServerSession()", &[key]);
        assert!(!f.contains("AAAA") && !f.contains("DDDD") && !f.contains("END KEY"), "{f}");
        let (col, n) = carets(&f);
        // Line 4 of the file, where the header says the finding is.
        let line = shown_line(&f, 4);
        assert_eq!(&line[col..col + n], "getServerSession()", "{f}");
    }

    #[test]
    fn control_characters_in_the_source_cannot_drive_the_terminal() {
        let text = "const s = \"\x1b[2J\x1b]0;owned\x07\"; getServerSession();\n";
        let start = text.find("getServerSession").unwrap();
        let styled = code_frame(text, (start, start + 18, 1), &[], Level::ERROR, vec![]);
        assert!(!styled.contains("\x1b[2J") && !styled.contains("\x1b]0;"), "{styled:?}");
        let f = frame(text, "getServerSession()", &[]);
        let (col, n) = carets(&f);
        let line = shown_line(&f, 1);
        assert_eq!(line.chars().skip(col).take(n).collect::<String>(), "getServerSession()", "{f}");
    }

    #[test]
    fn odd_spans_do_not_panic() {
        let text = "a\u{e9}b\n";
        for (s, e) in [(0, 0), (2, 2), (4, 4), (99, 99), (3, 1), (2, 3)] {
            let f = frame_at(text, s, e, &[]);
            assert!(f.contains('^'), "{s}..{e}: {f}");
        }
        assert!(!frame_at("", 0, 0, &[]).contains('^'), "no frame for a file without text");
    }

    #[test]
    fn footers_and_colours() {
        let footers = vec![Level::HELP.with_name("fix available").message("Do it"), Level::NOTE.message("why")];
        let styled = code_frame("x = 1\n", (0, 1, 1), &[], Level::ERROR, footers);
        assert!(styled.contains("\x1b["), "styled for terminals; anstream strips it elsewhere");
        let plain = anstream::adapter::strip_str(&styled).to_string();
        assert_eq!(plain, "  |\n1 | x = 1\n  | ^\n  |\n  = fix available: Do it\n  = note: why\n");
    }
}
