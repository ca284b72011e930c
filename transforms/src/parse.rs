//! Parsing with swc: one source map per parse, comments kept, byte offsets relative to the text.
use std::ops::Range;
use swc_core::common::{comments::SingleThreadedComments, sync::Lrc, BytePos, FileName, SourceMap, Span, Spanned};
use swc_core::ecma::ast::{EsVersion, Module};
use swc_core::ecma::parser::{parse_file_as_module, EsSyntax, Syntax, TsSyntax};

/// A parsed module with the information needed to map spans back to byte offsets.
pub struct Parsed {
    pub module: Module,
    pub comments: SingleThreadedComments,
    base: u32,
}

/// Why a file could not be parsed: a message and the byte offset where the parser stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

/// The file extensions authfix parses.
pub const SOURCE_EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];

pub fn is_source_path(path: &str) -> bool {
    match path.rsplit_once('.') {
        Some((_, ext)) => SOURCE_EXTENSIONS.contains(&ext) && !path.ends_with(".d.ts"),
        None => false,
    }
}

/// The grammar follows the extension: `.ts`/`.mts`/`.cts` are TypeScript without JSX (so that
/// `<T>(x: T) => x` parses), `.tsx` is TSX, and every JavaScript extension accepts JSX (Next.js
/// allows JSX in `.js`). A declaration file (`.d.ts`, `.d.mts`, `.d.cts`) parses as declarations.
pub fn syntax_for(path: &str) -> Syntax {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "ts" | "mts" | "cts" => {
            let dts = path.rsplit_once('.').is_some_and(|(stem, _)| stem.ends_with(".d"));
            Syntax::Typescript(TsSyntax { tsx: false, decorators: true, dts, ..Default::default() })
        }
        "tsx" => Syntax::Typescript(TsSyntax { tsx: true, decorators: true, ..Default::default() }),
        _ => Syntax::Es(EsSyntax { jsx: true, decorators: true, import_attributes: true, ..Default::default() }),
    }
}

/// Parse `text` (without BOM) as a module. Any recovered error counts as a failure: authfix
/// never edits a file it cannot read completely.
pub fn parse(path: &str, text: &str) -> Result<Parsed, ParseError> {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Custom(path.into())), text.to_string());
    let comments = SingleThreadedComments::default();
    let mut recovered = Vec::new();
    let base = fm.start_pos.0;
    let result = parse_file_as_module(&fm, syntax_for(path), EsVersion::latest(), Some(&comments), &mut recovered);
    let to_err = |e: swc_core::ecma::parser::error::Error| {
        let lo = e.span().lo.0.saturating_sub(base) as usize;
        ParseError { message: e.kind().msg().to_string(), offset: lo.min(text.len()) }
    };
    match result {
        Ok(module) => {
            if let Some(e) = recovered.into_iter().next() {
                return Err(to_err(e));
            }
            Ok(Parsed { module, comments, base })
        }
        Err(e) => Err(to_err(e)),
    }
}

impl Parsed {
    /// Byte range of a span in the parsed text.
    pub fn range(&self, span: Span) -> Range<usize> {
        (span.lo.0 - self.base) as usize..(span.hi.0 - self.base) as usize
    }
    pub fn lo(&self, span: Span) -> usize {
        (span.lo.0 - self.base) as usize
    }
    pub fn hi(&self, span: Span) -> usize {
        (span.hi.0 - self.base) as usize
    }
    /// The `BytePos` of a byte offset (to look up comments).
    pub fn pos(&self, offset: usize) -> BytePos {
        BytePos(offset as u32 + self.base)
    }
}
