//! Reading TOML files key by key, keeping every position, and collecting every problem.
//!
//! The toml crate parses into spanned raw values; [`Table`] hands them out by key and type. A
//! wrong type, a missing required key, or a key nobody asked for becomes a [`Diag`] pointing at
//! the exact place, with a suggestion for near misses, and reading goes on, so one run reports
//! every mistake in the file.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diag, Diags, SourceFile};
use crate::suggest;

thread_local! {
    static ASKED: std::cell::RefCell<std::collections::BTreeSet<&'static str>> =
        const { std::cell::RefCell::new(std::collections::BTreeSet::new()) };
}

/// Every key a reader on this thread has asked for since the last call, whether the file had
/// it or not: the keys the parsers know, so a test can check that criteria/template.toml shows
/// each of them.
pub fn keys_asked() -> std::collections::BTreeSet<&'static str> {
    ASKED.with(|asked| std::mem::take(&mut *asked.borrow_mut()))
}

/// A value with the byte range it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> At<T> {
    pub fn new(value: T, span: Range<usize>) -> Self {
        Self { value, span }
    }
}

/// Parses a document; syntax errors come back as diagnostics, all of them.
pub fn parse<'i>(file: &SourceFile, text: &'i str) -> Result<Spanned<DeTable<'i>>, Diags> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Ok(doc);
    }
    let mut diags = Diags::default();
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim_end().to_string();
        // The whole key, for a bare key with æ ø å: from the error to the `=`.
        let rest = text.get(span.start..).unwrap_or("");
        let key = rest.split(['=', '\n']).next().unwrap_or("").trim();
        let mut d = Diag::error("toml::syntax", format!("{}: {message}", file.name)).at(file, span, "here");
        if message.contains("key") && !key.is_ascii() {
            d = d.help(format!(
                "TOML needs a key with letters outside a-z in quotes (\"{key}\" = …), but the keys of this \
                 file are all plain ASCII: see criteria/template.toml"
            ));
        } else {
            d = d.help(
                "see criteria/template.toml for the form of every key; text values go in \
                 \"quotes\", numbers and true/false do not",
            );
        }
        diags.push(d);
    }
    Err(diags)
}

/// One table of a document, read key by key.
pub struct Table<'a, 'i> {
    file: &'a SourceFile,
    table: &'a DeTable<'i>,
    span: Range<usize>,
    /// How the table is named in messages: "the criteria file", "`[bounds]`", "criterion `pop`".
    what: String,
    known: Vec<&'static str>,
    /// Required keys found absent: (key, help). Reported by [`Table::finish`], unless a
    /// misspelling of the key is there (then the unknown key's "did you mean" says it all).
    missing: Vec<(&'static str, String)>,
}

fn kind_of(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true or false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

fn integer_of(v: &DeValue) -> Option<i64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

impl<'a, 'i> Table<'a, 'i> {
    pub fn root(file: &'a SourceFile, doc: &'a Spanned<DeTable<'i>>, what: impl Into<String>) -> Self {
        Self {
            file,
            table: doc.get_ref(),
            span: 0..0,
            what: what.into(),
            known: Vec::new(),
            missing: Vec::new(),
        }
    }

    pub fn file(&self) -> &'a SourceFile {
        self.file
    }

    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    pub fn what(&self) -> &str {
        &self.what
    }

    /// Renames the table for later messages (once its `id` is known, say).
    pub fn rename(&mut self, what: impl Into<String>) {
        self.what = what.into();
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.known.push(key);
        ASKED.with(|asked| asked.borrow_mut().insert(key));
        self.table.get(key)
    }

    fn wrong_type(&self, diags: &mut Diags, key: &str, v: &Spanned<DeValue>, wanted: &str, help: &str) {
        diags.push(
            Diag::error(
                "toml::type",
                format!(
                    "`{key}` in {} must be {wanted}, not {}",
                    self.what,
                    kind_of(v.get_ref())
                ),
            )
            .at(self.file, v.span(), format!("expected {wanted}"))
            .help(help.to_string()),
        );
    }

    fn missing(&self, diags: &mut Diags, key: &str, help: &str) {
        let mut d = Diag::error("toml::missing-key", format!("{} has no `{key}`", self.what)).help(help.to_string());
        // The file itself has no header to point at.
        if !self.span.is_empty() {
            d = d.at(self.file, self.span.clone(), "");
        }
        diags.push(d);
    }

    /// A required key: reports it when absent.
    pub fn require<T>(
        &mut self,
        diags: &mut Diags,
        key: &'static str,
        help: &str,
        read: impl FnOnce(&mut Self, &mut Diags, &'static str) -> Option<At<T>>,
    ) -> Option<At<T>> {
        let present = self.table.contains_key(key);
        let value = read(self, diags, key);
        if !present {
            self.missing.push((key, help.to_string()));
        }
        value
    }

    pub fn string(&mut self, diags: &mut Diags, key: &'static str) -> Option<At<String>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(At::new(s.to_string(), v.span())),
            _ => {
                self.wrong_type(diags, key, v, "a string", "put the text in \"quotes\"");
                None
            }
        }
    }

    /// A number, written with or without decimals; also returns the text as written.
    pub fn number(&mut self, diags: &mut Diags, key: &'static str) -> Option<At<(f64, String)>> {
        let v = self.get(key)?;
        let parsed = match v.get_ref() {
            DeValue::Integer(_) => integer_of(v.get_ref()).map(|i| (i as f64, i.to_string())),
            DeValue::Float(f) => f
                .as_str()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(|x| (x, f.as_str().to_string())),
            _ => {
                self.wrong_type(diags, key, v, "a number", "write the number without quotes, e.g. 0.25");
                return None;
            }
        };
        if parsed.is_none() {
            let written = match v.get_ref() {
                DeValue::Float(f) => f.as_str().to_string(),
                other => kind_of(other).to_string(),
            };
            diags.push(
                Diag::error(
                    "toml::type",
                    format!("`{key}` in {} must be a finite number, not `{written}`", self.what),
                )
                .at(self.file, v.span(), "not a finite number")
                .help("write an ordinary number such as 0.25"),
            );
        }
        parsed.map(|p| At::new(p, v.span()))
    }

    /// A whole number that is not negative.
    pub fn count(&mut self, diags: &mut Diags, key: &'static str) -> Option<At<u64>> {
        let v = self.get(key)?;
        match integer_of(v.get_ref()) {
            Some(i) if i >= 0 => Some(At::new(i as u64, v.span())),
            Some(i) => {
                diags.push(
                    Diag::error(
                        "toml::negative",
                        format!("`{key}` in {} is {i}, but it cannot be negative", self.what),
                    )
                    .at(self.file, v.span(), "negative")
                    .help(if key == "total" {
                        "give `total` as a whole number of persons, more than 0, e.g. 1474".to_string()
                    } else {
                        format!("give `{key}` as a whole number of persons, 0 or more")
                    }),
                );
                None
            }
            None => {
                let help = match v.get_ref() {
                    DeValue::Float(f) => format!("`{key}` counts persons: write a whole number, not {}", f.as_str()),
                    _ => "write a whole number without quotes, e.g. 4500".to_string(),
                };
                self.wrong_type(diags, key, v, "a whole number", &help);
                None
            }
        }
    }

    pub fn integer(&mut self, diags: &mut Diags, key: &'static str) -> Option<At<i64>> {
        let v = self.get(key)?;
        match integer_of(v.get_ref()) {
            Some(i) => Some(At::new(i, v.span())),
            None => {
                self.wrong_type(
                    diags,
                    key,
                    v,
                    "a whole number",
                    "write a whole number without quotes, e.g. 2026",
                );
                None
            }
        }
    }

    pub fn boolean(&mut self, diags: &mut Diags, key: &'static str) -> Option<At<bool>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(At::new(*b, v.span())),
            _ => {
                self.wrong_type(diags, key, v, "true or false", "write true or false without quotes");
                None
            }
        }
    }

    /// A list of whole numbers, such as years.
    pub fn integers(&mut self, diags: &mut Diags, key: &'static str) -> Option<At<Vec<i64>>> {
        let v = self.get(key)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                diags,
                key,
                v,
                "a list of whole numbers",
                "write e.g. [2022, 2023, 2024]",
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match integer_of(item.get_ref()) {
                Some(i) => out.push(i),
                None => {
                    self.wrong_type(diags, key, item, "a whole number", "write e.g. [2022, 2023, 2024]");
                    return None;
                }
            }
        }
        Some(At::new(out, v.span()))
    }

    /// A list of strings, such as county numbers.
    pub fn strings(&mut self, diags: &mut Diags, key: &'static str) -> Option<At<Vec<String>>> {
        let v = self.get(key)?;
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(diags, key, v, "a list of strings", "write e.g. [\"46\"]");
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref() {
                DeValue::String(s) => out.push(s.to_string()),
                _ => {
                    self.wrong_type(diags, key, item, "a string", "write e.g. [\"46\"]");
                    return None;
                }
            }
        }
        Some(At::new(out, v.span()))
    }

    /// A sub-table (`[bounds]`).
    pub fn table(&mut self, diags: &mut Diags, key: &'static str, what: impl Into<String>) -> Option<Table<'a, 'i>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some(Table {
                file: self.file,
                table: t,
                span: v.span(),
                what: what.into(),
                known: Vec::new(),
                missing: Vec::new(),
            }),
            _ => {
                self.wrong_type(diags, key, v, "a table", &format!("write it as a [{key}] section"));
                None
            }
        }
    }

    /// The tables of an array of tables (`[[criterion]]`).
    pub fn tables(&mut self, diags: &mut Diags, key: &'static str, what: &str) -> Vec<Table<'a, 'i>> {
        let Some(v) = self.get(key) else { return Vec::new() };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(
                diags,
                key,
                v,
                "a list of tables",
                &format!("write each one under its own [[{key}]] header"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::Table(t) => out.push(Table {
                    file: self.file,
                    table: t,
                    span: item.span(),
                    what: format!("{what} number {}", k + 1),
                    known: Vec::new(),
                    missing: Vec::new(),
                }),
                _ => self.wrong_type(
                    diags,
                    key,
                    item,
                    "a table",
                    &format!("write each one under its own [[{key}]] header"),
                ),
            }
        }
        out
    }

    /// The entries of a table whose keys are names chosen by the user (`[indicator.population]`).
    pub fn named_tables(&mut self, diags: &mut Diags, key: &'static str) -> Vec<(At<String>, Table<'a, 'i>)> {
        let Some(v) = self.get(key) else { return Vec::new() };
        let DeValue::Table(entries) = v.get_ref() else {
            self.wrong_type(
                diags,
                key,
                v,
                "a table",
                &format!("write each entry as a [{key}.name] section"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (name, item) in entries.iter() {
            match item.get_ref() {
                DeValue::Table(t) => out.push((
                    At::new(name.get_ref().to_string(), name.span()),
                    Table {
                        file: self.file,
                        table: t,
                        span: name.span(),
                        what: format!("`{key}.{}`", name.get_ref()),
                        known: Vec::new(),
                        missing: Vec::new(),
                    },
                )),
                _ => self.wrong_type(
                    diags,
                    name.get_ref(),
                    item,
                    "a table",
                    &format!("write it as a [{key}.{}] section", name.get_ref()),
                ),
            }
        }
        out
    }

    /// Reports every key that nothing asked for, with the nearest known key, and every required
    /// key that is absent (unless one of the unknown keys is its misspelling).
    pub fn finish(self, diags: &mut Diags) {
        let unknown: Vec<&str> = self
            .table
            .iter()
            .map(|(k, _)| k.get_ref().as_ref())
            .filter(|k| !self.known.contains(k))
            .collect();
        for (key, help) in &self.missing {
            if !unknown.iter().any(|u| !suggest::closest(u, [*key]).is_empty()) {
                self.missing(diags, key, help);
            }
        }
        for (key, _) in self.table.iter() {
            let name = key.get_ref().as_ref();
            if self.known.contains(&name) {
                continue;
            }
            let mut d = Diag::error("toml::unknown-key", format!("unknown key `{name}` in {}", self.what)).at(
                self.file,
                key.span(),
                "unknown key",
            );
            let mut known = self.known.clone();
            known.sort_unstable();
            known.dedup();
            d = match suggest::did_you_mean(name, known.iter().copied()) {
                Some(s) => d.help(s),
                None => d.help(format!("the keys allowed here are {}", suggest::and_list(&known))),
            };
            diags.push(d);
        }
    }
}
