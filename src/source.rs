//! One TOML file as mkt holds it: its text, the parsed document (kept for
//! spans), and a way to turn a key path into a file:line:column.

use rust_i18n::t;
use std::cell::OnceCell;
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml_edit::{ImDocument, Item};

use crate::diag::Located;

/// A TOML file: its text, read once into its record type; the document
/// with spans is parsed only when a finding needs a line and column, and
/// only its key paths' spans are kept (`SpanIndex`), not the document: a
/// hundred thousand files with findings stay small.
#[derive(Debug, Clone)]
pub struct SourceDoc {
    pub file: String,
    text: String,
    spans: OnceCell<Option<SpanIndex>>,
    line_starts: OnceCell<Vec<usize>>,
}

/// Every key path of a document that has a span (the value's, else the
/// key's), segments joined by U+001F, sorted for lookup.
#[derive(Debug, Clone)]
struct SpanIndex(Vec<(Box<str>, Range<usize>)>);

const SEP: char = '\u{1f}';

impl SpanIndex {
    fn of(doc: &ImDocument<String>) -> SpanIndex {
        let mut out = Vec::new();
        flatten(&Node::Item(doc.as_item()), &mut String::new(), &mut out);
        out.sort_by(|a, b| a.0.cmp(&b.0));
        SpanIndex(out)
    }

    fn get(&self, key: &str) -> Option<Range<usize>> {
        self.0
            .binary_search_by(|(k, _)| (**k).cmp(key))
            .ok()
            .map(|i| self.0[i].1.clone())
    }
}

/// Adds the spans of every path below `node` (at `prefix`) to `out`.
fn flatten(node: &Node, prefix: &mut String, out: &mut Vec<(Box<str>, Range<usize>)>) {
    for (seg, key_span, child) in node.children() {
        let len = prefix.len();
        if !prefix.is_empty() {
            prefix.push(SEP);
        }
        prefix.push_str(&seg);
        if let Some(span) = child.span().or(key_span) {
            out.push((prefix.as_str().into(), span));
        }
        flatten(&child, prefix, out);
        prefix.truncate(len);
    }
}

/// What kind of fault a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Not TOML (rule F001).
    Syntax,
    /// TOML, but not the record's schema (rule F002).
    Schema,
}

/// Why a file could not be read as its record kind, located.
#[derive(Debug, Clone)]
pub struct SourceError {
    pub fault: Fault,
    pub at: Located,
    pub message: String,
    pub help: Option<String>,
}

impl SourceDoc {
    pub fn new(file: &str, text: String) -> SourceDoc {
        SourceDoc {
            file: file.to_string(),
            text,
            spans: OnceCell::new(),
            line_starts: OnceCell::new(),
        }
    }

    /// Reads `text` and checks it is TOML; a syntax error comes back located.
    pub fn parse(file: &str, text: &str) -> Result<SourceDoc, SourceError> {
        let doc = SourceDoc::new(file, text.to_string());
        match doc.syntax_error() {
            Some(e) => Err(e),
            None => Ok(doc),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    fn spans(&self) -> Option<&SpanIndex> {
        self.spans
            .get_or_init(|| {
                ImDocument::parse(self.text.clone())
                    .ok()
                    .map(|d| SpanIndex::of(&d))
            })
            .as_ref()
    }

    fn syntax_error(&self) -> Option<SourceError> {
        match ImDocument::parse(self.text.clone()) {
            Ok(doc) => {
                let _ = self.spans.set(Some(SpanIndex::of(&doc)));
                None
            }
            Err(e) => Some(SourceError {
                fault: Fault::Syntax,
                at: self.locate_span(e.span().unwrap_or(0..0)),
                message: t!("source.invalid_toml", why = e.message().trim()).into_owned(),
                help: None,
            }),
        }
    }

    /// Reads the file into its record type in one pass. A syntax error comes
    /// back as such (F001), a schema error (F002) located, with "did you
    /// mean" for a misspelt key.
    pub fn deserialize<T: DeserializeOwned>(&self) -> Result<T, SourceError> {
        toml::from_str(&self.text).map_err(|e| {
            if let Some(syntax) = self.syntax_error() {
                return syntax;
            }
            let (message, help) = explain_schema_error(e.message());
            SourceError {
                fault: Fault::Schema,
                at: self.locate_span(e.span().unwrap_or(0..0)),
                message,
                help,
            }
        })
    }

    pub fn locate_span(&self, span: Range<usize>) -> Located {
        let starts = self.line_starts.get_or_init(|| line_starts(&self.text));
        locate_span(&self.file, &self.text, starts, span)
    }

    /// The value at a key path (`["budget", "allocation", "reserve"]`; a
    /// number indexes an array, `["phases", "1", "end"]`). Falls back to the
    /// nearest enclosing item that has a span, then to the file's start.
    pub fn locate(&self, path: &[&str]) -> Located {
        self.span_of(path)
            .map(|s| self.locate_span(s))
            .unwrap_or_else(|| Located::file(self.file.clone()))
    }

    /// The span of the longest prefix of `path` that the document has
    /// (and that has a span).
    fn span_of(&self, path: &[&str]) -> Option<Range<usize>> {
        let spans = self.spans()?;
        (1..=path.len())
            .rev()
            .find_map(|k| spans.get(&path[..k].join(&SEP.to_string())))
    }
}

/// A step of a key-path walk: toml_edit keeps items, tables and values apart.
enum Node<'a> {
    Item(&'a Item),
    Table(&'a toml_edit::Table),
    Value(&'a toml_edit::Value),
}

impl<'a> Node<'a> {
    fn span(&self) -> Option<Range<usize>> {
        match self {
            Node::Item(Item::Value(v)) => v.span(),
            Node::Value(v) => v.span(),
            Node::Item(Item::Table(t)) => t.span(),
            Node::Table(t) => t.span(),
            Node::Item(Item::ArrayOfTables(a)) => a.span(),
            Node::Item(Item::None) => None,
        }
    }

    /// Each child: its path segment (a key, or an array index), its key's
    /// span, and the child.
    fn children(&self) -> Vec<(String, Option<Range<usize>>, Node<'a>)> {
        let table = |t: &'a dyn toml_edit::TableLike| {
            t.iter()
                .filter_map(|(k, _)| t.get_key_value(k))
                .map(|(k, v)| (k.get().to_string(), k.span(), Node::Item(v)))
                .collect()
        };
        match *self {
            Node::Item(item) => {
                if let Some(t) = item.as_table_like() {
                    return table(t);
                }
                if let Some(a) = item.as_array_of_tables() {
                    return a
                        .iter()
                        .enumerate()
                        .map(|(i, t)| (i.to_string(), None, Node::Table(t)))
                        .collect();
                }
                item.as_array().map_or_else(Vec::new, |a| {
                    a.iter()
                        .enumerate()
                        .map(|(i, v)| (i.to_string(), None, Node::Value(v)))
                        .collect()
                })
            }
            Node::Table(t) => table(t),
            Node::Value(toml_edit::Value::InlineTable(t)) => table(t),
            Node::Value(toml_edit::Value::Array(a)) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), None, Node::Value(v)))
                .collect(),
            Node::Value(_) => Vec::new(),
        }
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn locate_span(file: &str, text: &str, line_starts: &[usize], span: Range<usize>) -> Located {
    let start = span.start.min(text.len());
    let line_idx = line_starts
        .partition_point(|&s| s <= start)
        .saturating_sub(1);
    let line_start = line_starts.get(line_idx).copied().unwrap_or(0);
    let column = text
        .get(line_start..start)
        .map(|s| s.chars().count())
        .unwrap_or(0)
        + 1;
    let end = span.end.clamp(start, text.len());
    Located {
        file: file.to_string(),
        line: line_idx + 1,
        column,
        span: Some(start..end),
    }
}

/// Locates a byte offset in any text (copy files, CSV).
pub fn locate_in_text(file: &str, text: &str, span: Range<usize>) -> Located {
    locate_span(file, text, &line_starts(text), span)
}

/// Locates many spans in one text: its lines indexed once, and columns
/// counted on from the last span when the next lies further on the same
/// line (findings come in order), so a file with thousands of findings
/// costs about one pass, however long its lines.
pub struct TextLocator<'t> {
    file: &'t str,
    text: &'t str,
    starts: Vec<usize>,
    /// The last span's line, byte offset and column.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'t> TextLocator<'t> {
    pub fn new(file: &'t str, text: &'t str) -> TextLocator<'t> {
        TextLocator {
            file,
            text,
            starts: line_starts(text),
            last: std::cell::Cell::new((usize::MAX, 0, 0)),
        }
    }

    pub fn locate(&self, span: Range<usize>) -> Located {
        let text = self.text;
        let start = span.start.min(text.len());
        let line_idx = self
            .starts
            .partition_point(|&s| s <= start)
            .saturating_sub(1);
        let line_start = self.starts.get(line_idx).copied().unwrap_or(0);
        let (last_line, last_at, last_col) = self.last.get();
        let (from, col) = if last_line == line_idx && last_at <= start {
            (last_at, last_col)
        } else {
            (line_start, 1)
        };
        let column = col + text.get(from..start).map_or(0, |s| s.chars().count());
        self.last.set((line_idx, start, column));
        Located {
            file: self.file.to_string(),
            line: line_idx + 1,
            column,
            span: Some(start..span.end.clamp(start, text.len())),
        }
    }
}

/// Turns serde's wording into ours, and finds the key that was meant.
fn explain_schema_error(raw: &str) -> (String, Option<String>) {
    let raw = raw.trim();
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
        let help = match crate::suggest::closest(name, expected.iter().copied()) {
            Some(e) => t!("rules.did_you_mean", name = e),
            None if expected.is_empty() => t!("source.remove_it"),
            None => t!("source.known_keys", keys = expected.join(", ")),
        };
        return (
            t!("source.unknown_key", key = name).into_owned(),
            Some(help.into_owned()),
        );
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return (
            t!("source.missing_key", key = name).into_owned(),
            Some(t!("source.missing_key_help", key = name).into_owned()),
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid type: floating point `")
        && let Some((number, tail)) = rest.split_once('`')
    {
        // serde writes a float out in full: 1e308 as 309 digits.
        let short = match number.parse::<f64>() {
            Ok(f) if number.len() > 20 => format!("{f:e}"),
            _ => number.to_string(),
        };
        return (
            t!("source.float", number = short, rest = tail).into_owned(),
            Some(t!("source.float_help").into_owned()),
        );
    }
    (raw.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_nested_keys_by_character_column() {
        let text = "title = \"春季\"\n[budget]\ntotal = 80000\n[budget.allocation]\nreserve = 20000\n[[phases]]\nname = \"预热\"\n[[phases]]\nname = \"爆发\"\n";
        let doc = SourceDoc::parse("c.toml", text).unwrap();
        let at = doc.locate(&["budget", "allocation", "reserve"]);
        assert_eq!((at.line, at.column), (5, 11));
        let at = doc.locate(&["phases", "1", "name"]);
        assert_eq!((at.line, at.column), (9, 8));
        let at = doc.locate(&["budget", "nope"]);
        assert_eq!(at.line, 2);
    }

    #[test]
    fn a_huge_float_is_written_short() {
        let (m, _) = explain_schema_error(&format!(
            "invalid type: floating point `1{}`, expected u32",
            "0".repeat(308)
        ));
        assert_eq!(m, "invalid type: the number `1e308`, expected u32");
    }

    #[test]
    fn suggests_close_keys() {
        let (m, h) =
            explain_schema_error("unknown field `ownr`, expected one of `id`, `owner`, `title`");
        assert_eq!(m, "unknown key `ownr`");
        assert_eq!(h.as_deref(), Some("did you mean `owner`?"));
    }
}

#[cfg(test)]
mod locator_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Locating many spans at once gives what locating each alone does,
        /// in order or not.
        #[test]
        fn the_locator_agrees_with_one_at_a_time(
            text in "[a最\n，]{0,80}",
            picks in proptest::collection::vec(0usize..100, 0..12),
        ) {
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let at = TextLocator::new("f.md", &text);
            for p in picks {
                let start = bounds[p % bounds.len()];
                let end = bounds[(p * 7 + 1) % bounds.len()].max(start);
                prop_assert_eq!(at.locate(start..end), locate_in_text("f.md", &text, start..end));
            }
        }
    }
}
