//! One diagnostic type for every problem a user can fix: a TOML key, a CSV cell, an infeasible
//! total. Each names the file and the place (line and column, shown with the offending text
//! underlined), says what is wrong, and says what to do.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

/// Text safe to print on a terminal: control characters (an escape sequence hidden in a
/// municipality's name, say) become `?` (C0, DEL) or `¿` (C1), of the same length in bytes, so
/// byte offsets into the text still hold. Tabs and line ends stay.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || c == '\u{2028}' || c == '\u{2029}';
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| match c {
                c if !bad(c) => c.to_string(),
                c if c.len_utf8() == 1 => "?".to_string(),
                c if c.len_utf8() == 2 => "¿".to_string(),
                c => "?".repeat(c.len_utf8()),
            })
            .collect(),
    )
}

/// The text of one input file, kept so a diagnostic can show the offending line.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or as it was found under the data folder).
    pub name: String,
    pub text: Arc<str>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            name: name.into(),
            text: text.into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }
}

/// A problem with the input (every one is an error: the run stops).
#[derive(Clone, Debug)]
pub struct Diag {
    /// A stable identifier such as `criteria::unknown-key`, for documentation and tests.
    pub code: &'static str,
    pub message: String,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<(Range<usize>, String)>,
    pub help: Option<String>,
}

impl Diag {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: printable(&message.into()).into_owned(),
            source: None,
            labels: Vec::new(),
            help: None,
        }
    }

    /// Points at `span` in `file`, with a short label under it.
    pub fn at(mut self, file: &SourceFile, span: Range<usize>, label: impl Into<String>) -> Self {
        let text: Arc<str> = match printable(&file.text) {
            std::borrow::Cow::Borrowed(_) => file.text.clone(),
            std::borrow::Cow::Owned(safe) => safe.into(),
        };
        self.source = Some(NamedSource::new(printable(&file.name), text));
        self.labels.push((span, printable(&label.into()).into_owned()));
        self
    }

    /// Adds a second place in the same file (for duplicates: "first here").
    pub fn also(mut self, span: Range<usize>, label: impl Into<String>) -> Self {
        self.labels.push((span, printable(&label.into()).into_owned()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(printable(&help.into()).into_owned());
        self
    }

    /// Whether the diagnostic already points into a file.
    pub fn has_source(&self) -> bool {
        self.source.is_some()
    }

    /// Where each label points: file, 1-based line and column.
    fn places(&self) -> Vec<(String, usize, usize, &str)> {
        let Some(source) = &self.source else {
            return Vec::new();
        };
        let file = SourceFile::new(source.name(), source.inner().clone());
        self.labels
            .iter()
            .map(|(span, label)| {
                let (line, col) = file.line_col(span.start);
                (file.name.clone(), line, col, label.as_str())
            })
            .collect()
    }

    /// A label on a line too long to show (its column, or the line's length, past what a
    /// terminal shows).
    fn far_out(&self) -> bool {
        const WIDE: usize = 2_000;
        let Some(source) = &self.source else {
            return false;
        };
        let text: &str = source.inner();
        self.labels.iter().any(|(span, _)| {
            let start = span.start.min(text.len());
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            line_end - line_start > WIDE || span.end.saturating_sub(span.start) > WIDE
        })
    }

    /// The diagnostic as plain text: code, message, each place as file:line:column, help.
    pub fn plain(&self) -> String {
        let mut out = format!("{}\n\n  × {}\n", self.code, self.message);
        for (file, line, col, label) in self.places() {
            if label.is_empty() {
                out.push_str(&format!("  at {file}:{line}:{col}\n"));
            } else {
                out.push_str(&format!("  at {file}:{line}:{col}: {label}\n"));
            }
        }
        if let Some(h) = &self.help {
            out.push_str(&format!("  help: {h}\n"));
        }
        out
    }
}

/// Checks that bytes are UTF-8 (dropping a byte-order mark), naming the first bad byte's line
/// and column.
pub fn decode<'a>(shown: &str, bytes: &'a [u8]) -> Result<&'a str, Diag> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        let (line, col) = SourceFile::new(shown, good).line_col(good.len());
        Diag::error(
            "input::encoding",
            format!(
                "{shown} is not UTF-8: byte 0x{:02X} at line {line}, column {col} is not valid text",
                bytes[e.valid_up_to()]
            ),
        )
        .help(
            "save the file as UTF-8 (Excel: Save as → \"CSV UTF-8\"; a text editor: encoding UTF-8); files from \
             old systems are often Latin-1 or Windows-1252",
        )
    })
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Error)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(self.labels.iter().enumerate().map(|(k, (span, label))| {
            let label = Some(label.clone()).filter(|l| !l.is_empty());
            if k == 0 {
                LabeledSpan::new_primary_with_span(label, span.clone())
            } else {
                LabeledSpan::new_with_span(label, span.clone())
            }
        })))
    }
}

/// Problems collected while reading and checking the inputs, so that one run reports them all.
#[derive(Clone, Debug, Default)]
pub struct Diags(pub Vec<Diag>);

impl Diags {
    pub fn push(&mut self, d: Diag) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diags) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        !self.0.is_empty()
    }

    /// `Ok(value)` when nothing is an error, otherwise every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, Diags> {
        if self.has_errors() { Err(self) } else { Ok(value) }
    }
}

impl From<Diag> for Diags {
    fn from(d: Diag) -> Self {
        Diags(vec![d])
    }
}

/// Renders diagnostics as text: every problem, then a count.
pub fn render(diags: &[Diag], color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(100)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_context_lines(1);
    let mut out = String::new();
    for d in diags {
        // A snippet of a very long line says nothing a reader can see, and the renderer cannot
        // draw columns that far out: such a problem is named by line and column instead. Should
        // the renderer fail on any other input, the plain form is used too.
        if d.far_out() {
            out.push_str(&d.plain());
            continue;
        }
        let mut one = String::new();
        let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler.render_report(&mut one, d)));
        match drawn {
            Ok(Ok(())) => out.push_str(&one),
            _ => out.push_str(&d.plain()),
        }
    }
    if diags.len() > 1 {
        out.push_str(&format!("{} problems found.\n", diags.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_shows_file_line_and_column() {
        let file = SourceFile::new("criteria.toml", "total = 4500\nwieght = 1\n");
        let d = Diag::error("criteria::unknown-key", "unknown key `wieght`")
            .at(&file, 13..19, "not a key of the file")
            .help("did you mean `weight`?");
        let text = render(&[d], false);
        assert!(text.contains("[criteria.toml:2:1]"), "{text}");
        assert!(text.contains("help: did you mean `weight`?"), "{text}");
        assert_eq!(file.line_col(13), (2, 1));
        assert_eq!(file.line_col(16), (2, 4));
    }

    #[test]
    fn escape_sequences_do_not_reach_the_terminal() {
        let name = "Kinn\u{1b}[2J\u{9b}31m\u{7}";
        let safe = printable(name);
        assert_eq!(safe, "Kinn?[2J¿31m?");
        assert_eq!(safe.len(), name.len());
        assert_eq!(printable("Øygarden\tok\n"), "Øygarden\tok\n");
    }

    #[test]
    fn a_place_far_out_on_a_long_line_is_named_not_drawn() {
        let long = format!("kommunenummer,{}x\n", "a,".repeat(40_000));
        let file = SourceFile::new("wide.csv", long.as_str());
        let at = long.len() - 2;
        let d = Diag::error("data::value", "`x` is not a number")
            .at(&file, at..at + 1, "here")
            .help("write a number");
        let text = render(&[d], false);
        assert!(text.contains("at wide.csv:1:80015: here"), "{text}");
        assert!(text.contains("help: write a number"), "{text}");
    }
}
