//! `mkt spend add`, `mkt results set` and `mkt results import` (issue 14):
//! a campaign's results.toml changed without editing TOML. The file is
//! edited as a person would (`toml_edit`: comments and layout kept), read
//! back as mkt reads it before it is written, and written whole. Nothing is
//! committed: results are never approved (SPEC 2), so the person commits
//! them as any other edit.

pub mod import;

use std::path::PathBuf;

use chrono::NaiveDate;
use rust_i18n::t;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::error::{Error, Result};
use crate::model::keyboard::{self, Vocab};
use crate::model::{Money, Results};
use crate::policy::{Policy, column_key};
use crate::repo::Repo;

/// A new results.toml starts with this, so a person opening it knows what
/// it is and that it needs no approval.
const HEADER: &str = "# 实际支出与结果 — actual spend and results of this campaign.\n\
# Edited freely, never approved: mkt spend add, mkt results set / import write it.\n\n";

/// A campaign's results.toml, as a document to change.
pub struct ResultsFile {
    /// Repository-relative, `campaigns/<ID>/results.toml`.
    pub path: String,
    abs: PathBuf,
    doc: DocumentMut,
    /// Whether the file is there already (else it is created).
    pub existed: bool,
}

/// One line of spend to add.
#[derive(Debug, Clone)]
pub struct NewSpend {
    pub date: NaiveDate,
    /// The category's id (`channel`), whatever name was typed.
    pub category: String,
    pub channel: Option<String>,
    pub amount: Money,
    pub note: Option<String>,
}

/// A figure of `[kpi]` or `[[channel_kpi]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Exposure,
    Clicks,
    Conversions,
    Revenue,
    NewUsers,
    RepurchaseRate,
}

/// Figures with the names a person may type for them besides the
/// policy's `[import]` column names.
const FIGURES: &[(Figure, &str, &[&str])] = &[
    (Figure::Exposure, "exposure", &["曝光", "展示"]),
    (Figure::Clicks, "clicks", &["点击"]),
    (Figure::Conversions, "conversions", &["转化"]),
    (Figure::Revenue, "revenue", &["收入", "营收"]),
    (
        Figure::NewUsers,
        "new_users",
        &["新用户", "新增用户", "拉新"],
    ),
    (Figure::RepurchaseRate, "repurchase_rate", &["复购率"]),
];

impl Figure {
    pub fn key(self) -> &'static str {
        FIGURES
            .iter()
            .find(|(f, _, _)| *f == self)
            .map_or("", |(_, k, _)| k)
    }

    /// Whether `[[channel_kpi]]` has it (new users and repurchase are the
    /// campaign's only).
    pub fn per_channel(self) -> bool {
        !matches!(self, Figure::NewUsers | Figure::RepurchaseRate)
    }

    /// The figure a typed name stands for: its key, a Chinese name, or a
    /// column name the policy's `[import]` gives it.
    pub fn named(name: &str, policy: &Policy) -> Option<Figure> {
        let k = column_key(name);
        let by_policy = policy.import.field_of(name);
        FIGURES.iter().find_map(|(f, key, names)| {
            let hit =
                *key == k || names.iter().any(|n| column_key(n) == k) || by_policy == Some(*key);
            hit.then_some(*f)
        })
    }

    pub fn all_keys() -> String {
        FIGURES
            .iter()
            .map(|(_, k, names)| format!("{k} ({})", names[0]))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A figure's value as written to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureValue {
    Count(u64),
    Money(Money),
    /// As typed, half-width (`12%`, `0.12`): a ratio is a string in TOML.
    Ratio(String),
}

impl std::fmt::Display for FigureValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FigureValue::Count(n) => write!(f, "{n}"),
            FigureValue::Money(m) => write!(f, "{m}"),
            FigureValue::Ratio(r) => f.write_str(r),
        }
    }
}

/// A count as typed: `830000`, `830,000`, `83万`, full-width digits. `None`
/// when it is not a whole number of at least zero.
pub fn count(s: &str) -> Option<u64> {
    let t = keyboard::halfwidth(s);
    let t = t.trim();
    if t.starts_with('¥') || t.ends_with('元') {
        return None;
    }
    let fen = keyboard::amount_in_fen(t)?;
    (fen >= 0 && fen % 100 == 0).then_some((fen / 100) as u64)
}

/// An amount as typed (`8万`, `¥80,000`, `4.5万`), or why it is not one.
pub fn amount(s: &str) -> Result<Money> {
    keyboard::amount_in_fen(s)
        .map(Money)
        .ok_or_else(|| Error::user(t!("results.not_amount", value = s)))
}

/// `exposure=830000 clicks=16400`, `曝光＝83万，点击＝16400`: each
/// argument may hold several, separated as a Chinese keyboard types them.
pub fn assignments(args: &[String], policy: &Policy) -> Result<Vec<(Figure, FigureValue)>> {
    let mut out: Vec<(Figure, FigureValue)> = Vec::new();
    for item in args.iter().flat_map(|a| keyboard::split_list(a)) {
        let half = keyboard::halfwidth(&item);
        let Some((name, v)) = half.split_once([':', '=']) else {
            return Err(Error::user(t!("results.set.not_assignment", item = item))
                .hint(t!("results.set.assignment_hint")));
        };
        let (name, v) = (name.trim(), v.trim());
        let figure = Figure::named(name, policy).ok_or_else(|| {
            Error::user(t!("results.set.unknown_figure", name = name))
                .hint(t!("results.set.figures", figures = Figure::all_keys()))
        })?;
        let bad = || {
            Error::user(t!(
                "results.set.bad_value",
                figure = figure.key(),
                value = v
            ))
        };
        let value = match figure {
            Figure::Revenue => FigureValue::Money(amount(v).map_err(|_| bad())?),
            Figure::RepurchaseRate => {
                keyboard::ratio(v).ok_or_else(bad)?;
                FigureValue::Ratio(v.replace(' ', ""))
            }
            _ => FigureValue::Count(count(v).ok_or_else(bad)?),
        };
        if out.iter().any(|(f, _)| *f == figure) {
            return Err(Error::user(t!("results.set.twice", figure = figure.key())));
        }
        out.push((figure, value));
    }
    if out.is_empty() {
        return Err(Error::user(t!("results.set.nothing")).hint(t!("results.set.assignment_hint")));
    }
    Ok(out)
}

/// The category id for what was typed (`渠道投放` → `channel`), when the
/// policy has it.
pub fn category(typed: &str, policy: &Policy) -> Result<String> {
    let id = keyboard::canonical_or_same(Vocab::Category, typed.trim());
    let known = id == "reserve" || policy.budget.categories.contains(&id);
    if known {
        return Ok(id);
    }
    let names: Vec<String> = policy
        .budget
        .categories
        .iter()
        .map(String::as_str)
        .chain(["reserve"])
        .map(|c| format!("{c} ({})", keyboard::chinese(Vocab::Category, c)))
        .collect();
    Err(
        Error::user(t!("results.spend.unknown_category", category = typed)).hint(t!(
            "results.spend.categories",
            categories = names.join(", ")
        )),
    )
}

fn toml_date(d: NaiveDate) -> Result<toml_edit::Datetime> {
    d.to_string()
        .parse()
        .map_err(|_| Error::internal("a date toml cannot hold"))
}

fn money_item(m: Money) -> toml_edit::Value {
    if m.fen() % 100 == 0 {
        toml_edit::Value::from(m.fen() / 100)
    } else {
        toml_edit::Value::from(m.to_string())
    }
}

fn figure_item(v: &FigureValue) -> toml_edit::Value {
    match v {
        FigureValue::Count(n) => toml_edit::Value::from(i64::try_from(*n).unwrap_or(i64::MAX)),
        FigureValue::Money(m) => money_item(*m),
        FigureValue::Ratio(r) => toml_edit::Value::from(r.as_str()),
    }
}

impl ResultsFile {
    /// The results.toml of campaign `id` (a campaign that exists), read as
    /// it is on disk, or a new one.
    pub fn open(repo: &Repo, id: &str) -> Result<ResultsFile> {
        let id = id.trim();
        if repo.campaign(id).is_none() {
            return Err(repo.unknown_campaign(id));
        }
        let path = format!("{}/results.toml", repo.campaign_folder(id));
        let abs = repo.root.join(&path);
        let (text, existed) =
            match crate::fsutil::read_plain(&abs, repo.policy.general.max_file_bytes) {
                Ok(bytes) => (
                    String::from_utf8(bytes)
                        .map_err(|_| Error::user(t!("results.not_utf8", path = path)))?,
                    true,
                ),
                Err(crate::fsutil::ReadPlain::Io(e))
                    if e.kind() == std::io::ErrorKind::NotFound =>
                {
                    (String::new(), false)
                }
                Err(e) => {
                    return Err(Error::user(t!(
                        "results.unreadable",
                        path = path,
                        why = e.to_string()
                    )));
                }
            };
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
            Error::user(t!("results.unreadable", path = path, why = e.to_string()))
                .hint(t!("results.fix_first", path = path))
        })?;
        let file = ResultsFile {
            path,
            abs,
            doc,
            existed,
        };
        // A file mkt cannot read as results is fixed by hand first.
        file.results()
            .map_err(|e| e.hint(t!("results.fix_first", path = file.path)))?;
        for (key, tables) in [("spend", true), ("kpi", false), ("channel_kpi", true)] {
            let ok = match file.doc.get(key) {
                None => true,
                Some(i) if tables => i.is_array_of_tables(),
                Some(i) => i.is_table(),
            };
            if !ok {
                return Err(
                    Error::user(t!("results.not_tables", path = file.path, key = key))
                        .hint(t!("results.fix_first", path = file.path)),
                );
            }
        }
        Ok(file)
    }

    /// What the document says, read as mkt reads results.toml.
    pub fn results(&self) -> Result<Results> {
        toml::from_str(&self.doc.to_string()).map_err(|e| {
            Error::user(t!(
                "results.unreadable",
                path = self.path,
                why = e.message()
            ))
        })
    }

    fn array_mut(&mut self, key: &str) -> &mut ArrayOfTables {
        if self.doc.get(key).is_none() {
            self.doc
                .insert(key, Item::ArrayOfTables(ArrayOfTables::new()));
        }
        self.doc[key]
            .as_array_of_tables_mut()
            .expect("checked to be an array of tables when opened")
    }

    /// Adds a `[[spend]]` after the last one.
    pub fn add_spend(&mut self, s: &NewSpend) -> Result<()> {
        let mut t = Table::new();
        t["date"] = value(toml_date(s.date)?);
        t["category"] = value(s.category.as_str());
        if let Some(ch) = s.channel.as_deref().filter(|c| !c.is_empty()) {
            t["channel"] = value(ch);
        }
        t["amount"] = Item::Value(money_item(s.amount));
        if let Some(n) = s.note.as_deref().filter(|n| !n.is_empty()) {
            t["note"] = value(n);
        }
        self.array_mut("spend").push(t);
        Ok(())
    }

    /// The `[kpi]` table, or the `[[channel_kpi]]` of `channel` (added when
    /// the campaign has none for it yet).
    fn kpi_mut(&mut self, channel: Option<&str>) -> &mut Table {
        match channel {
            None => {
                if self.doc.get("kpi").is_none() {
                    let mut t = Table::new();
                    t.set_implicit(false);
                    self.doc.insert("kpi", Item::Table(t));
                }
                self.doc["kpi"].as_table_mut().expect("checked when opened")
            }
            Some(ch) => {
                let list = self.array_mut("channel_kpi");
                let at = list.iter().position(|t| {
                    t.get("channel").and_then(Item::as_str).map(str::trim) == Some(ch)
                });
                let at = match at {
                    Some(i) => i,
                    None => {
                        let mut t = Table::new();
                        t["channel"] = value(ch);
                        list.push(t);
                        list.len() - 1
                    }
                };
                list.get_mut(at).expect("just found or added")
            }
        }
    }

    /// Sets figures (totals so far) of the campaign or of one channel.
    pub fn set(&mut self, channel: Option<&str>, figures: &[(Figure, FigureValue)]) {
        let t = self.kpi_mut(channel);
        for (f, v) in figures {
            let decor = t
                .get(f.key())
                .and_then(Item::as_value)
                .map(|old| old.decor().clone());
            let mut new = figure_item(v);
            if let Some(d) = decor {
                *new.decor_mut() = d;
            }
            t[f.key()] = Item::Value(new);
        }
    }

    /// The figure as the file has it now.
    pub fn current(&self, channel: Option<&str>, f: Figure) -> Option<FigureValue> {
        let results = self.results().ok()?;
        let count = |v: Option<u64>| v.map(FigureValue::Count);
        let money = |v: Option<Money>| v.map(FigureValue::Money);
        match channel {
            None => {
                let k = &results.kpi;
                match f {
                    Figure::Exposure => count(k.exposure),
                    Figure::Clicks => count(k.clicks),
                    Figure::Conversions => count(k.conversions),
                    Figure::Revenue => money(k.revenue),
                    Figure::NewUsers => count(k.new_users),
                    Figure::RepurchaseRate => {
                        k.repurchase_rate.map(|r| FigureValue::Ratio(r.to_string()))
                    }
                }
            }
            Some(ch) => {
                let k = results
                    .channel_kpi
                    .iter()
                    .find(|k| k.channel.trim() == ch)?;
                match f {
                    Figure::Exposure => count(k.exposure),
                    Figure::Clicks => count(k.clicks),
                    Figure::Conversions => count(k.conversions),
                    Figure::Revenue => money(k.revenue),
                    _ => None,
                }
            }
        }
    }

    /// Adds to figures (an import: the export's period on top of what is
    /// recorded).
    pub fn add(&mut self, channel: Option<&str>, figures: &[(Figure, FigureValue)]) -> Result<()> {
        let mut sums = Vec::new();
        for (f, v) in figures {
            let sum = match (self.current(channel, *f), v) {
                (Some(FigureValue::Count(a)), FigureValue::Count(b)) => {
                    FigureValue::Count(a.saturating_add(*b))
                }
                (Some(FigureValue::Money(a)), FigureValue::Money(b)) => FigureValue::Money(
                    a.checked_add(*b)
                        .ok_or_else(|| Error::user(t!("results.too_large")))?,
                ),
                (_, v) => v.clone(),
            };
            sums.push((*f, sum));
        }
        self.set(channel, &sums);
        Ok(())
    }

    /// Checks the changed document reads as results and writes it whole
    /// (temporary file, rename; mode from the umask).
    pub fn write(&self) -> Result<Results> {
        let results = self.results().map_err(|e| {
            Error::internal(format!("mkt wrote results it cannot read: {}", e.message))
        })?;
        // A new file begins by saying what it is.
        let text = match self.existed {
            true => self.doc.to_string(),
            false => format!("{HEADER}{}", self.doc),
        };
        crate::fsutil::write_atomic(&self.abs, text.as_bytes())?;
        Ok(results)
    }
}

/// What `mkt spend add` did.
#[derive(Debug)]
pub struct SpendAdded {
    pub path: String,
    pub created: bool,
    pub spend: NewSpend,
    /// All spend recorded now, and the campaign's budget.
    pub spent: Money,
    pub budget: Money,
}

pub struct SpendOptions {
    pub id: String,
    pub amount: String,
    pub category: String,
    pub channel: Option<String>,
    pub date: NaiveDate,
    pub note: Option<String>,
}

/// `mkt spend add`: one `[[spend]]` appended.
pub fn spend_add(repo: &Repo, opts: &SpendOptions) -> Result<SpendAdded> {
    let mut file = ResultsFile::open(repo, &opts.id)?;
    let amount = amount(&opts.amount)?;
    if amount == Money::ZERO {
        return Err(Error::user(t!("results.spend.zero")));
    }
    let spend = NewSpend {
        date: opts.date,
        category: category(&opts.category, &repo.policy)?,
        channel: opts
            .channel
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string),
        amount,
        note: opts
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string),
    };
    file.add_spend(&spend)?;
    let results = file.write()?;
    let budget = repo
        .campaign(opts.id.trim())
        .map_or(Money::ZERO, |c| c.value.budget.total);
    Ok(SpendAdded {
        path: file.path.clone(),
        created: !file.existed,
        spend,
        spent: results.total_spend(),
        budget,
    })
}

/// What `mkt results set` did: each figure, before and after.
#[derive(Debug)]
pub struct FiguresSet {
    pub path: String,
    pub created: bool,
    pub channel: Option<String>,
    pub changes: Vec<(Figure, Option<FigureValue>, FigureValue)>,
}

pub struct SetOptions {
    pub id: String,
    pub figures: Vec<String>,
    pub channel: Option<String>,
}

/// `mkt results set`: figures of `[kpi]`, or of one `[[channel_kpi]]`.
pub fn results_set(repo: &Repo, opts: &SetOptions) -> Result<FiguresSet> {
    let mut file = ResultsFile::open(repo, &opts.id)?;
    let figures = assignments(&opts.figures, &repo.policy)?;
    let channel = opts
        .channel
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let (Some(ch), Some((f, _))) = (channel, figures.iter().find(|(f, _)| !f.per_channel())) {
        return Err(Error::user(t!(
            "results.set.not_per_channel",
            figure = f.key(),
            channel = ch
        )));
    }
    let changes = figures
        .iter()
        .map(|(f, v)| (*f, file.current(channel, *f), v.clone()))
        .collect();
    file.set(channel, &figures);
    file.write()?;
    Ok(FiguresSet {
        path: file.path.clone(),
        created: !file.existed,
        channel: channel.map(str::to_string),
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_assignments_as_typed() {
        assert_eq!(count("830,000"), Some(830_000));
        assert_eq!(count("83万"), Some(830_000));
        assert_eq!(count("１６４００"), Some(16_400));
        assert_eq!(count("12.5"), None);
        assert_eq!(count("-3"), None);
        assert_eq!(count("¥5"), None);
        let p = Policy::builtin();
        let got = assignments(
            &["曝光＝83万，点击＝16400".into(), "conversions=4100".into()],
            p,
        )
        .unwrap();
        assert_eq!(
            got,
            [
                (Figure::Exposure, FigureValue::Count(830_000)),
                (Figure::Clicks, FigureValue::Count(16_400)),
                (Figure::Conversions, FigureValue::Count(4_100)),
            ]
        );
        let got = assignments(&["revenue=26.5万".into(), "复购率=１２％".into()], p).unwrap();
        assert_eq!(got[0].1, FigureValue::Money(Money::from_yuan(265_000)));
        assert_eq!(got[1].1, FigureValue::Ratio("12%".into()));
        assert!(assignments(&["exposure".into()], p).is_err());
        assert!(assignments(&["点击率=2%".into()], p).is_err());
        assert!(assignments(&["clicks=1,clicks=2".into()], p).is_err());
    }

    #[test]
    fn categories_by_chinese_name() {
        let p = Policy::builtin();
        assert_eq!(category("渠道投放", p).unwrap(), "channel");
        assert_eq!(category("弹性预算", p).unwrap(), "reserve");
        assert!(category("广告", p).is_err());
    }
}
