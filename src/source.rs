//! One TOML file as mkt holds it: its text, the parsed document (kept for
//! spans), and a way to turn a key path into a file:line:column.

use std::cell::OnceCell;
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml_edit::{ImDocument, Item};

use crate::diag::Located;

/// A TOML file: its text, read once into its record type; the document
/// with spans is parsed only when a finding needs a line and column.
#[derive(Debug)]
pub struct SourceDoc {
    pub file: String,
    text: String,
    doc: OnceCell<Option<ImDocument<String>>>,
    line_starts: OnceCell<Vec<usize>>,
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
            doc: OnceCell::new(),
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

    fn doc(&self) -> Option<&ImDocument<String>> {
        self.doc
            .get_or_init(|| ImDocument::parse(self.text.clone()).ok())
            .as_ref()
    }

    fn syntax_error(&self) -> Option<SourceError> {
        match ImDocument::parse(self.text.clone()) {
            Ok(doc) => {
                let _ = self.doc.set(Some(doc));
                None
            }
            Err(e) => Some(SourceError {
                fault: Fault::Syntax,
                at: self.locate_span(e.span().unwrap_or(0..0)),
                message: format!("invalid TOML: {}", e.message().trim()),
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

    fn span_of(&self, path: &[&str]) -> Option<Range<usize>> {
        let mut node = Node::Item(self.doc()?.as_item());
        let mut best = None;
        for seg in path {
            let Some((key_span, next)) = node.child(seg) else {
                break;
            };
            if let Some(s) = next.span().or(key_span) {
                best = Some(s);
            }
            node = next;
        }
        best
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

    fn child(&self, seg: &str) -> Option<(Option<Range<usize>>, Node<'a>)> {
        let index = seg.parse::<usize>().ok();
        match *self {
            Node::Item(item) => {
                if let Some(t) = item.as_table_like() {
                    return t.get_key_value(seg).map(|(k, v)| (k.span(), Node::Item(v)));
                }
                if let Some(a) = item.as_array_of_tables() {
                    return a.get(index?).map(|t| (None, Node::Table(t)));
                }
                item.as_array()?.get(index?).map(|v| (None, Node::Value(v)))
            }
            Node::Table(t) => t.get_key_value(seg).map(|(k, v)| (k.span(), Node::Item(v))),
            Node::Value(toml_edit::Value::InlineTable(t)) => {
                t.get_key_value(seg).map(|(k, v)| (k.span(), Node::Item(v)))
            }
            Node::Value(toml_edit::Value::Array(a)) => {
                a.get(index?).map(|v| (None, Node::Value(v)))
            }
            Node::Value(_) => None,
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

/// Turns serde's wording into ours, and finds the key that was meant.
fn explain_schema_error(raw: &str) -> (String, Option<String>) {
    let raw = raw.trim();
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
        let help = match crate::suggest::closest(name, expected.iter().copied()) {
            Some(e) => format!("did you mean `{e}`?"),
            None if expected.is_empty() => "remove it".to_string(),
            None => format!("known keys here: {}", expected.join(", ")),
        };
        return (format!("unknown key `{name}`"), Some(help));
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return (
            format!("missing required key `{name}`"),
            Some(format!("add `{name} = …` to this table")),
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
    fn suggests_close_keys() {
        let (m, h) =
            explain_schema_error("unknown field `ownr`, expected one of `id`, `owner`, `title`");
        assert_eq!(m, "unknown key `ownr`");
        assert_eq!(h.as_deref(), Some("did you mean `owner`?"));
    }
}
