//! Diagnostics: the problems of a file a user wrote (a rules pack, a
//! waivers file), each with its place (file, line, column), the source line
//! and an underline under the offending text, as rustc and cargo-deny show
//! them:
//!
//! ```text
//! rules.toml:5:12: unknown severity "severe" (expected critical, high, medium or low)
//! 5 | severity = "severe"
//!   |            ^^^^^^^^
//! ```
//!
//! A loader collects every problem of a file into [`Diagnostics`] rather
//! than stopping at the first, so that one run shows all of them; the
//! error is rendered once, at the edge (`main`).

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use unicode_width::UnicodeWidthChar;

/// One problem at one place of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    /// 1-based line and column (in characters) of the offending text.
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The source line, numbered, with `^^^` under the offending text
    /// ([`snippet`]); empty when there is no source to show.
    pub snippet: String,
}

impl Diagnostic {
    /// A problem with the text at `span` (byte offsets) of `text`, the
    /// contents of `path`.
    pub fn new(path: &Path, text: &str, span: Range<usize>, message: impl Into<String>) -> Self {
        let (line, column) = line_column(text, span.start);
        Diagnostic {
            path: path.to_path_buf(),
            line,
            column,
            message: message.into(),
            snippet: snippet(text, span),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )?;
        if !self.snippet.is_empty() {
            write!(f, "\n{}", self.snippet)?;
        }
        Ok(())
    }
}

/// Every problem found in one file, in the order of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    pub path: PathBuf,
    pub list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new(path: &Path) -> Self {
        Diagnostics {
            path: path.to_path_buf(),
            list: Vec::new(),
        }
    }

    /// Records a problem with the text at `span` of `text`.
    pub fn push(&mut self, text: &str, span: Range<usize>, message: impl Into<String>) {
        self.list
            .push(Diagnostic::new(&self.path, text, span, message));
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Sorts the problems by their place in the file (stable: problems at
    /// one place keep the order they were found in).
    pub fn sort(&mut self) {
        self.list.sort_by_key(|d| (d.line, d.column));
    }
}

impl fmt::Display for Diagnostics {
    /// Each problem (`file:line:column: message` and its snippet), in
    /// order; when there are several, their count last
    /// (`rules.toml: 3 errors`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.list.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        if self.list.len() != 1 {
            write!(f, "\n{}: {} errors", self.path.display(), self.list.len())?;
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, text[start..offset].chars().count() + 1)
}

/// The line holding `span.start`, numbered, with `^` under each column of
/// the span that is on that line (at least one):
///
/// ```text
/// 5 | ownr = "net-team"
///   | ^^^^
/// ```
///
/// Columns are counted in terminal cells, so the underline stays under
/// wide (CJK) characters; tabs are kept as tabs.
pub fn snippet(text: &str, span: Range<usize>) -> String {
    let offset = boundary(text, span.start);
    let start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let end = text[offset..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len());
    let line_no = text[..offset].matches('\n').count() + 1;
    let line = text[start..end].trim_end_matches('\r');
    let width = line_no.to_string().len();
    let pad: String = text[start..offset]
        .chars()
        .map(|c| {
            if c == '\t' {
                "\t".to_string()
            } else {
                " ".repeat(c.width().unwrap_or(0))
            }
        })
        .collect();
    let until = boundary(text, span.end.clamp(offset, start + line.len()));
    let cells: usize = text[offset..until]
        .chars()
        .map(|c| if c == '\t' { 1 } else { c.width().unwrap_or(0) })
        .sum();
    let marks = "^".repeat(cells.max(1));
    format!("{line_no} | {line}\n{:width$} | {pad}{marks}", "")
}

/// [`snippet`] with a single caret at `offset`.
pub fn caret(text: &str, offset: usize) -> String {
    snippet(text, offset..offset)
}

/// The largest char boundary of `text` at or before `offset`.
fn boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underline_covers_the_span_on_its_line() {
        let text = "a = 1\nseverity = \"severe\"\n";
        let start = text.find("\"severe\"").unwrap();
        let s = snippet(text, start..start + 8);
        assert_eq!(s, "2 | severity = \"severe\"\n  |            ^^^^^^^^");
        // A span that runs past its line is cut at the line's end.
        let s = snippet(text, 0..text.len());
        assert_eq!(s, "1 | a = 1\n  | ^^^^^");
        assert_eq!(
            caret(text, start),
            "2 | severity = \"severe\"\n  |            ^"
        );
    }

    #[test]
    fn wide_characters_take_two_cells() {
        let text = "text = \"日本語\" x";
        let start = text.find("\"日").unwrap();
        let end = text.find(" x").unwrap();
        let s = snippet(text, start..end);
        assert_eq!(s, "1 | text = \"日本語\" x\n  |        ^^^^^^^^");
        let at = text.rfind('x').unwrap();
        assert_eq!(line_column(text, at), (1, 14));
    }

    #[test]
    fn one_or_many() {
        let text = "a = 1\nb = 2\n";
        let mut d = Diagnostics::new(Path::new("f.toml"));
        d.push(text, 6..7, "bad b");
        assert_eq!(d.to_string(), "f.toml:2:1: bad b\n2 | b = 2\n  | ^");
        d.push(text, 0..1, "bad a");
        d.sort();
        let s = d.to_string();
        assert!(s.starts_with("f.toml:1:1: bad a\n1 | a = 1\n"), "{s}");
        assert!(
            s.ends_with("f.toml:2:1: bad b\n2 | b = 2\n  | ^\nf.toml: 2 errors"),
            "{s}"
        );
    }
}
