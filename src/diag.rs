//! Diagnostics: what a rule found, where, and how to fix it — and one
//! emitter per output format (text like rustc, JSON, GitHub annotations, SARIF).

use rust_i18n::t;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    /// The stable English word (JSON, SARIF).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }

    /// The word in the language being spoken (错误, 警告).
    pub fn said(self) -> String {
        match self {
            Severity::Error => t!("explain.severity.error"),
            Severity::Warning => t!("explain.severity.warning"),
        }
        .into_owned()
    }
}

/// A place in a file: the repository-relative path (always `/`-separated),
/// 1-based line and column (column counted in characters, so it is right
/// under CJK text), and the byte span when there is text to point at.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Located {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub span: Option<Range<usize>>,
}

impl Located {
    /// A whole file, or a file that should exist and does not.
    pub fn file(file: impl Into<String>) -> Located {
        Located {
            file: file.into(),
            line: 1,
            column: 1,
            span: None,
        }
    }
}

/// What quotes a policy's values into a rule's text (`%{key}`, and each
/// policy key named in backticks): the policy in force.
pub trait Quote {
    /// `text` with the values in force; `lang` is the language `text` is
    /// written in (it picks the brackets: " (5)" or "（5）").
    fn quote(&self, text: &str, lang: crate::i18n::Lang) -> String;
}

/// The language a catalogue text found for `key` is in: the one being
/// spoken; none found, the English of the declaration.
fn text_lang(found: bool) -> crate::i18n::Lang {
    if found {
        crate::i18n::current()
    } else {
        crate::i18n::Lang::En
    }
}

/// A rule: its stable code, kebab-case name, default severity, one-line
/// summary and full explanation. Rules are declared (with `declare_rule!`)
/// and decided in `rules/`; a diagnostic points at the rule it reports.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// Markdown: what it checks, why (the policy clause), example, fix.
    pub explain: &'static str,
}

impl Rule {
    /// The summary in the language being spoken (the catalogue's
    /// `explain.<CODE>.summary`, else the declaration's English), quoting
    /// the values of `policy`.
    pub fn said_summary(&self, policy: &dyn Quote) -> String {
        let text = crate::i18n::lookup(&format!("explain.{}.summary", self.code));
        let lang = text_lang(text.is_some());
        policy.quote(text.as_deref().unwrap_or(self.summary), lang)
    }

    /// The explanation in the language being spoken: the catalogue's
    /// `explain.<CODE>.text`, else the English of the doc comment, with the
    /// values of `policy` in force next to the keys it names.
    pub fn said_explanation(&self, policy: &dyn Quote) -> String {
        let found = crate::i18n::lookup(&format!("explain.{}.text", self.code));
        let lang = text_lang(found.is_some());
        let text = found
            .map(|t| t.trim().to_string())
            .unwrap_or_else(|| self.explanation());
        policy.quote(&text, lang)
    }

    /// The English summary with the values of `policy` (JSON, SARIF).
    pub fn summary_in(&self, policy: &dyn Quote) -> String {
        policy.quote(self.summary, crate::i18n::Lang::En)
    }

    /// The English explanation with the values of `policy` (JSON, SARIF).
    pub fn explanation_in(&self, policy: &dyn Quote) -> String {
        policy.quote(&self.explanation(), crate::i18n::Lang::En)
    }

    /// The explanation (English) with the doc comments' leading space removed.
    pub fn explanation(&self) -> String {
        self.explain
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }
}

/// Declares a rule; the doc comment above becomes its explanation.
#[macro_export]
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])* $code:ident, $name:literal, $sev:ident, $summary:literal) => {
        $(#[doc = $doc])*
        pub static $code: $crate::diag::Rule = $crate::diag::Rule {
            code: stringify!($code),
            name: $name,
            severity: $crate::diag::Severity::$sev,
            summary: $summary,
            explain: concat!($($doc, "\n"),*),
        };
    };
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub at: Located,
    pub message: String,
    /// What to write under the caret, when it adds to the message.
    pub label: Option<String>,
    pub help: Option<String>,
    /// Waived (`mkt waive`): by whom, why, until when. Shown, never counted.
    pub waived: Option<String>,
}

impl Diagnostic {
    pub fn new(rule: &'static Rule, at: Located, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.severity,
            at,
            message: message.into(),
            label: None,
            help: None,
            waived: None,
        }
    }

    /// Counts towards the exit code: an error that is not waived.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error && self.waived.is_none()
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    pub fn severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    pub fn rule_name(&self) -> &'static str {
        self.rule.name
    }

    fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.at.file, self.at.line, self.at.column, self.rule.code)
    }
}

/// Orders findings by file, line, column and code, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Github,
    Sarif,
    /// GitLab's code-quality report (`artifacts: reports: codequality`).
    Gitlab,
}

/// Renders findings. `rules` are every rule checked (SARIF lists them,
/// quoting `policy`); `source` gives a file's text for snippets (text
/// format only).
pub fn render(
    format: Format,
    diags: &[Diagnostic],
    rules: &[&Rule],
    policy: &dyn Quote,
    source: &dyn Fn(&str) -> Option<String>,
    color: bool,
) -> String {
    match format {
        Format::Text => render_text(diags, source, color),
        Format::Json => render_json(diags),
        Format::Github => render_github(diags),
        Format::Sarif => render_sarif(diags, rules, policy),
        Format::Gitlab => render_gitlab(diags),
    }
}

fn render_text(
    diags: &[Diagnostic],
    source: &dyn Fn(&str) -> Option<String>,
    color: bool,
) -> String {
    use annotate_snippets::{Level, Renderer, Snippet};
    // mkt cuts long lines itself (`excerpt`), by character: the renderer's
    // own cut counts bytes and misplaces the mark under Chinese text.
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .term_width(usize::MAX / 4);
    let mut out = String::new();
    // Each file's text and where its lines start, read once.
    let mut texts: BTreeMap<&str, Option<(String, Vec<usize>)>> = BTreeMap::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let text = texts.entry(d.at.file.as_str()).or_insert_with(|| {
            source(&d.at.file).map(|t| {
                let starts = line_starts(&t);
                (t, starts)
            })
        });
        let shown;
        let (level, title) = match &d.waived {
            Some(w) => {
                shown = t!("common.waived_tag", message = d.message, why = w).into_owned();
                (Level::Note, shown.as_str())
            }
            None => (level, d.message.as_str()),
        };
        let mut msg = level.title(title).id(d.rule.code);
        let shown_part;
        match (text.as_ref(), &d.at.span) {
            (Some((src, starts)), Some(span))
                if span.end <= src.len()
                    && src.is_char_boundary(span.start)
                    && src.is_char_boundary(span.end) =>
            {
                // Only the lines the span is on, and of a very long line
                // only the stretch around it: the cost of a finding never
                // grows with the file.
                let part = excerpt(src, starts, span.clone());
                shown_part = part.text;
                let mut ann = level.span(part.span);
                if let Some(l) = &d.label {
                    ann = ann.label(l);
                }
                let mut snippet = Snippet::source(&shown_part)
                    .line_start(d.at.line)
                    .fold(true)
                    .annotation(ann);
                if !part.cut {
                    snippet = snippet.origin(&d.at.file);
                }
                msg = msg.snippet(snippet);
                if part.cut {
                    // The column is the file's, not the excerpt's: say it.
                    if let Some(h) = &d.help {
                        msg = msg.footer(Level::Help.title(h));
                    }
                    let rendered = localize(&renderer.render(msg).to_string());
                    let (title, rest) = rendered.split_once('\n').unwrap_or((&rendered, ""));
                    let pad = " ".repeat(d.at.line.to_string().len());
                    let _ = writeln!(
                        out,
                        "{title}\n{pad}--> {}:{}:{}\n{rest}\n",
                        d.at.file, d.at.line, d.at.column
                    );
                    continue;
                }
            }
            _ => {
                // No text to show: say where, as rustc does for a whole file.
                let mut text = format!(
                    "{}\n  --> {}:{}:{}",
                    renderer.render(msg),
                    d.at.file,
                    d.at.line,
                    d.at.column
                );
                if let Some(h) = &d.help {
                    text.push_str(&format!("\n   = help: {h}"));
                }
                let _ = writeln!(out, "{}\n", localize(&text));
                continue;
            }
        }
        if let Some(h) = &d.help {
            msg = msg.footer(Level::Help.title(h));
        }
        let _ = writeln!(out, "{}\n", localize(&renderer.render(msg).to_string()));
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let waived = diags.iter().filter(|d| d.waived.is_some()).count();
    let warnings = diags.len() - errors - waived;
    let mut line = summary(errors, warnings);
    if waived > 0 {
        line.push_str(&t!("common.waived_count", n = waived));
    }
    let _ = writeln!(out, "{line}");
    out
}

/// The renderer's own English words in a finding (the `error[CODE]: `,
/// `warning[CODE]: `, `note[CODE]: ` of its title and the `= help: ` of its
/// footers), in the language being spoken: `错误[D001]：`, `= 提示：`. Colour
/// codes are kept where they are. Text output only.
fn localize(rendered: &str) -> String {
    if crate::i18n::current() != crate::i18n::Lang::ZhCn {
        return rendered.to_string();
    }
    let mut out = String::with_capacity(rendered.len() + 16);
    for (i, line) in rendered.split_inclusive('\n').enumerate() {
        let done = if i == 0 {
            localize_title(line)
        } else {
            localize_footer(line)
        };
        out.push_str(done.as_deref().unwrap_or(line));
    }
    out
}

/// `error[D001]: …` → `错误[D001]：…`, when the line starts with it.
fn localize_title(line: &str) -> Option<String> {
    for (en, zh) in [
        ("error[", "错误["),
        ("warning[", "警告["),
        ("note[", "说明["),
    ] {
        let Some(at) = line.find(en) else { continue };
        if !visible(&line[..at]).is_empty() {
            continue;
        }
        let rest = &line[at + en.len()..];
        let close = rest.find(']')? + 1;
        let colon = rest[close..].find(": ")? + close;
        return Some(format!(
            "{}{zh}{}：{}",
            &line[..at],
            &rest[..colon],
            &rest[colon + 2..]
        ));
    }
    None
}

/// `   = help: …` → `   = 提示：…`.
fn localize_footer(line: &str) -> Option<String> {
    let at = line.find("help")?;
    let before = visible(&line[..at]);
    if before.trim_start() != "= " {
        return None;
    }
    let rest = &line[at + "help".len()..];
    let colon = rest.find(": ")?;
    if !visible(&rest[..colon]).is_empty() {
        return None;
    }
    Some(format!(
        "{}提示{}：{}",
        &line[..at],
        &rest[..colon],
        &rest[colon + 2..]
    ))
}

/// A rendered text without its colour codes (`ESC [ … m`).
fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for e in chars.by_ref() {
                if e.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// What of a file a finding shows: the lines its span is on, and of a line
/// longer than `LONG_LINE` bytes only `CONTEXT` characters either side of
/// the span, marked `…` (`cut`).
struct Excerpt {
    text: String,
    span: std::ops::Range<usize>,
    cut: bool,
}

const LONG_LINE: usize = 400;
const CONTEXT: usize = 40;

/// Where each line of `text` starts (byte offsets).
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn excerpt(src: &str, starts: &[usize], span: std::ops::Range<usize>) -> Excerpt {
    // The line the span starts on, to the end of the line it ends on.
    let first = starts
        .partition_point(|&s| s <= span.start)
        .saturating_sub(1);
    let begin = starts.get(first).copied().unwrap_or(0);
    let last = starts.partition_point(|&s| s <= span.end);
    let end = starts
        .get(last)
        .map_or(src.len(), |&next| next - 1)
        .max(span.end);
    if end - begin <= LONG_LINE {
        return Excerpt {
            text: src[begin..end].to_string(),
            span: span.start - begin..span.end - begin,
            cut: false,
        };
    }
    let from = src[begin..span.start]
        .char_indices()
        .rev()
        .nth(CONTEXT.saturating_sub(1))
        .map_or(begin, |(i, _)| begin + i);
    let to = src[span.end..end]
        .char_indices()
        .nth(CONTEXT)
        .map_or(end, |(i, _)| span.end + i);
    let (lead, tail) = (
        if from > begin { "…" } else { "" },
        if to < end { "…" } else { "" },
    );
    Excerpt {
        text: format!("{lead}{}{tail}", &src[from..to]),
        span: span.start - from + lead.len()..span.end - from + lead.len(),
        cut: true,
    }
}

/// `2 errors, 1 warning` — or `no findings`.
pub fn summary(errors: usize, warnings: usize) -> String {
    let count = |n: usize, one: &str, many: &str| match n {
        1 => t!(one).into_owned(),
        n => t!(many, n = n).into_owned(),
    };
    let errors_ = || count(errors, "common.errors_one", "common.errors_many");
    let warnings_ = || count(warnings, "common.warnings_one", "common.warnings_many");
    match (errors, warnings) {
        (0, 0) => t!("common.no_findings").into_owned(),
        (_, 0) => errors_(),
        (0, _) => warnings_(),
        _ => t!("common.and", a = errors_(), b = warnings_()).into_owned(),
    }
}

/// A finding in `--format json`; fields in alphabetical order, as the
/// format has always listed them.
#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    column: usize,
    file: &'a str,
    help: Option<&'a str>,
    line: usize,
    message: &'a str,
    rule: &'a str,
    severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    waived: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    findings: Vec<JsonFinding<'a>>,
    version: u32,
}

fn json_findings(diags: &[Diagnostic]) -> Vec<JsonFinding<'_>> {
    diags
        .iter()
        .map(|d| JsonFinding {
            code: d.rule.code,
            rule: d.rule.name,
            severity: d.severity,
            file: &d.at.file,
            line: d.at.line,
            column: d.at.column,
            message: &d.message,
            help: d.help.as_deref(),
            waived: d.waived.as_deref(),
        })
        .collect()
}

fn render_json(diags: &[Diagnostic]) -> String {
    // Written straight from the findings, never through a JSON tree: a
    // hundred thousand findings cost their text, not ten times it.
    let doc = JsonDocument {
        findings: json_findings(diags),
        version: 1,
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Escapes workflow-command data: `%`, CR and LF.
fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes workflow-command properties: as data, plus `:` and `,`.
fn gh_escape_property(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn render_github(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let mut text = d.message.clone();
        if let Some(h) = &d.help {
            text.push_str("\nhelp: ");
            text.push_str(h);
        }
        if let Some(w) = &d.waived {
            text = format!("[waived] {text} ({w})");
        }
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            if d.waived.is_some() {
                "notice"
            } else {
                d.severity.as_str()
            },
            gh_escape_property(&d.at.file),
            d.at.line,
            d.at.column,
            gh_escape_property(&format!("{} {}", d.rule.code, d.rule.name)),
            gh_escape_data(&text)
        );
    }
    out
}

fn render_sarif(diags: &[Diagnostic], rules: &[&Rule], policy: &dyn Quote) -> String {
    let rules: Vec<_> = rules
        .iter()
        .map(|r| {
            let explained = r.explanation_in(policy);
            serde_json::json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": sentence(&r.summary_in(policy)) },
                "fullDescription": { "text": sentence(&what_it_checks(&explained)) },
                "help": { "text": explained, "markdown": explained },
                "defaultConfiguration": { "level": r.severity.as_str() },
            })
        })
        .collect();
    let results: Vec<_> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(" — ");
                text.push_str(h);
            }
            let mut result = serde_json::json!({
                "ruleId": d.rule.code,
                "level": d.severity.as_str(),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": percent_encode_path(&d.at.file),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": { "startLine": d.at.line, "startColumn": d.at.column },
                    }
                }],
            });
            // A waived finding is a suppressed result (SARIF 3.35).
            if let Some(w) = &d.waived {
                result["suppressions"] = serde_json::json!([
                    { "kind": "external", "status": "accepted", "justification": w }
                ]);
            }
            result
        })
        .collect();
    let v = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "mkt",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            // Columns count characters (Unicode code points), as mkt's
            // text output does.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// GitLab's code-quality JSON: one issue per finding, with a fingerprint
/// that stays the same while the finding does (code, file, message), so a
/// merge request shows what it adds and fixes. A waived finding is left out.
fn render_gitlab(diags: &[Diagnostic]) -> String {
    use sha2::Digest;
    let issues: Vec<_> = diags
        .iter()
        .filter(|d| d.waived.is_none())
        .map(|d| {
            let mut hash = sha2::Sha256::new();
            for part in [d.rule.code, d.at.file.as_str(), d.message.as_str()] {
                hash.update(part.as_bytes());
                hash.update([0]);
            }
            let fingerprint: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
            let mut description = format!("{} {}", d.rule.code, d.message);
            if let Some(h) = &d.help {
                description.push_str(" — ");
                description.push_str(h);
            }
            serde_json::json!({
                "description": description,
                "check_name": d.rule.name,
                "fingerprint": fingerprint,
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": { "path": d.at.file, "lines": { "begin": d.at.line } },
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_default();
    s.push('\n');
    s
}

/// A repository path as a relative URI reference (RFC 3986): every byte
/// but the unreserved ones and `/` percent-encoded, so Chinese, spaces, `#`
/// and `%` survive any SARIF reader.
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The "What it checks" section of a rule's explanation, as one paragraph.
fn what_it_checks(explained: &str) -> String {
    explained
        .split("## ")
        .find_map(|s| s.strip_prefix("What it checks"))
        .unwrap_or(explained)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A text ending as a sentence does (SARIF's descriptions are sentences).
fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', '!', '?', '。']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sarif_uris_are_percent_encoded() {
        assert_eq!(
            percent_encode_path("campaigns/春季 #1%/a.toml"),
            "campaigns/%E6%98%A5%E5%AD%A3%20%231%25/a.toml"
        );
    }

    #[test]
    fn renderer_words_are_found_in_plain_and_coloured_text() {
        assert_eq!(
            localize_title("error[D001]: 春季 started").as_deref(),
            Some("错误[D001]：春季 started")
        );
        assert_eq!(
            localize_title("\u{1b}[1m\u{1b}[91mwarning[B003]\u{1b}[0m\u{1b}[1m: x: y\n").as_deref(),
            Some("\u{1b}[1m\u{1b}[91m警告[B003]\u{1b}[0m\u{1b}[1m：x: y\n")
        );
        assert_eq!(localize_title("  --> a.toml:1:1"), None);
        assert_eq!(
            localize_footer("   = help: add it\n").as_deref(),
            Some("   = 提示：add it\n")
        );
        assert_eq!(
            localize_footer("  \u{1b}[94m= \u{1b}[0m\u{1b}[1mhelp\u{1b}[0m: x").as_deref(),
            Some("  \u{1b}[94m= \u{1b}[0m\u{1b}[1m提示\u{1b}[0m：x")
        );
        assert_eq!(localize_footer("3 | help = \"x: y\""), None);
    }

    #[test]
    fn github_escapes() {
        assert_eq!(gh_escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(gh_escape_data("50%\r\nx"), "50%25%0D%0Ax");
    }
}
