//! The page's settings written into the criteria file's own text with `toml_edit`, so that its
//! comments, order and layout stay as they are: only the values that differ from the file are
//! replaced (each keeping the comment after it), a bound set to nothing is removed (with the
//! comment above it, which was about it), and a bound the file lacks is added to its `[bounds]`.
//! The text is what the page runs and what "Save as" writes, so both are the same file by
//! construction.

use toml_edit::{DocumentMut, Item, TableLike, Value};

use super::settings::Settings;

/// What to edit besides the settings: where the settings live, and what may not be written.
#[derive(Clone, Debug)]
pub struct Target<'a> {
    /// The `[[category]]` the page works on (`--category`), or the file's top level.
    pub category: Option<&'a str>,
    /// Whether the total is the file's (with `--county` it is a command-line matter, not
    /// written into the file).
    pub total: bool,
    /// Whether every weight is written when one changes: a file whose weights as written are
    /// not the ones used (`normalise-weights`).
    pub all_weights: bool,
}

/// The original text with `new` in place of `file`'s settings; the original itself when
/// nothing differs.
pub fn apply(text: &str, target: &Target, file: &Settings, new: &Settings) -> Result<String, String> {
    let changed = changes(target, file, new);
    if changed.is_empty() {
        return Ok(text.to_string());
    }
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("the criteria file is not TOML: {e}"))?;
    if new.method != file.method {
        let root = doc.as_table_mut();
        set(root, "method", Value::from(new.method.as_str()));
        if new.method != "sainte-lague" {
            // The first divisor is Sainte-Laguë's alone; the file refuses it with another method.
            root.remove("first-divisor");
        }
    }
    let body = body(&mut doc, target.category)?;
    let weights_changed = new.weights != file.weights;
    for (id, w) in &new.weights {
        if weights_changed && (target.all_weights || file.weight(id) != Some(*w)) {
            let criterion = criterion(body, id).ok_or_else(|| format!("no [[criterion]] with id `{id}`"))?;
            set(criterion, "weight", Value::from(*w));
        }
    }
    if target.total && new.total != file.total {
        set(body, "total", Value::from(i64::try_from(new.total).unwrap_or(i64::MAX)));
    }
    if new.minimum_if_asked != file.minimum_if_asked || new.per_1000_cap != file.per_1000_cap {
        let bounds = bounds(body)?;
        if new.minimum_if_asked != file.minimum_if_asked {
            match new.minimum_if_asked {
                Some(m) => set(
                    bounds,
                    "minimum-if-asked",
                    Value::from(i64::try_from(m).unwrap_or(i64::MAX)),
                ),
                None => {
                    bounds.remove("minimum-if-asked");
                }
            }
        }
        if new.per_1000_cap != file.per_1000_cap {
            match new.per_1000_cap {
                Some(c) if c.fract() == 0.0 && c.abs() < 1e15 => set(bounds, "per-1000-cap", Value::from(c as i64)),
                Some(c) => set(bounds, "per-1000-cap", Value::from(c)),
                None => {
                    bounds.remove("per-1000-cap");
                }
            }
        }
    }
    Ok(doc.to_string())
}

/// The comment that opens a file saved from the page: where it came from and what changed.
pub fn header(original: &str, target: &Target, file: &Settings, new: &Settings) -> String {
    let one_line = |s: &str| -> String { s.chars().map(|c| if c.is_control() { '?' } else { c }).collect() };
    let changed = changes(target, file, new);
    let what = if changed.is_empty() {
        "nothing changed there.".to_string()
    } else {
        format!("changed there: {}.", changed.join("; "))
    };
    let from = match target.category {
        Some(c) => format!("{} (category `{}`)", one_line(original), one_line(c)),
        None => one_line(original),
    };
    format!("# Saved from the planners' workbench (`busetting serve`) from {from}; {what}\n\n")
}

/// The settings that differ, in words, in the order of the page.
pub fn changes(target: &Target, file: &Settings, new: &Settings) -> Vec<String> {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "none".to_string());
    let mut out = Vec::new();
    for (id, w) in &new.weights {
        let was = file.weight(id);
        if was != Some(*w) {
            out.push(format!("weight of {id} {} → {w}", opt(was.map(|x| x.to_string()))));
        }
    }
    if target.total && new.total != file.total {
        out.push(format!("total {} → {}", file.total, new.total));
    }
    if new.minimum_if_asked != file.minimum_if_asked {
        out.push(format!(
            "minimum-if-asked {} → {}",
            opt(file.minimum_if_asked.map(|m| m.to_string())),
            opt(new.minimum_if_asked.map(|m| m.to_string()))
        ));
    }
    if new.per_1000_cap != file.per_1000_cap {
        out.push(format!(
            "per-1000-cap {} → {}",
            opt(file.per_1000_cap.map(|m| m.to_string())),
            opt(new.per_1000_cap.map(|m| m.to_string()))
        ));
    }
    if new.method != file.method {
        out.push(format!("method {} → {}", file.method, new.method));
    }
    out
}

/// Replaces a value, keeping the spaces and the comment around it, or adds the key.
fn set(table: &mut dyn TableLike, key: &str, value: Value) {
    match table.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) => {
            let decor = old.decor().clone();
            *old = value;
            *old.decor_mut() = decor;
        }
        None => {
            table.insert(key, Item::Value(value));
        }
    }
}

/// The table that holds the criteria, total and bounds: the file's top level or a category.
fn body<'a>(doc: &'a mut DocumentMut, category: Option<&str>) -> Result<&'a mut dyn TableLike, String> {
    let Some(id) = category else {
        return Ok(doc.as_table_mut());
    };
    let categories = doc
        .get_mut("category")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| "the file has no [[category]]".to_string())?;
    categories
        .iter_mut()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(id))
        .map(|t| t as &mut dyn TableLike)
        .ok_or_else(|| format!("the file has no category `{id}`"))
}

/// The `[[criterion]]` (or `[[category.criterion]]`) with this id.
fn criterion<'a>(body: &'a mut dyn TableLike, id: &str) -> Option<&'a mut dyn TableLike> {
    let is = |t: &dyn TableLike| t.get("id").and_then(Item::as_str) == Some(id);
    match body.get_mut("criterion")? {
        Item::ArrayOfTables(tables) => tables.iter_mut().find(|t| is(*t)).map(|t| t as &mut dyn TableLike),
        Item::Value(Value::Array(array)) => array
            .iter_mut()
            .filter_map(Value::as_inline_table_mut)
            .find(|t| is(*t))
            .map(|t| t as &mut dyn TableLike),
        _ => None,
    }
}

/// The `[bounds]` table, added when the file has none.
fn bounds(body: &mut dyn TableLike) -> Result<&mut dyn TableLike, String> {
    if body.get("bounds").is_none() {
        body.insert("bounds", Item::Table(toml_edit::Table::new()));
    }
    body.get_mut("bounds")
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| "`bounds` in the criteria file is not a table".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# The file.\ntitle = \"t\"\nmethod = \"sainte-lague\" # the method\nfirst-divisor = 1.4\ntotal = 100\n\n\
        [[criterion]]\nid = \"a\"\nweight = 0.25 # a's weight\n\n[[criterion]]\nid = \"b\"\nweight = 0.75\n\n\
        [bounds]\n# As IMDi.\nminimum-if-asked = 10\n";

    fn settings() -> Settings {
        Settings {
            weights: vec![("a".into(), 0.25), ("b".into(), 0.75)],
            total: 100,
            minimum_if_asked: Some(10),
            per_1000_cap: None,
            method: "sainte-lague".into(),
        }
    }

    const TOP: Target<'static> = Target {
        category: None,
        total: true,
        all_weights: false,
    };

    #[test]
    fn the_same_settings_give_the_same_text() {
        assert_eq!(apply(FILE, &TOP, &settings(), &settings()).unwrap(), FILE);
    }

    #[test]
    fn only_the_changed_values_change_and_comments_stay() {
        let mut new = settings();
        new.weights = vec![("a".into(), 0.4), ("b".into(), 0.6)];
        new.total = 120;
        new.minimum_if_asked = None;
        new.per_1000_cap = Some(25.0);
        let text = apply(FILE, &TOP, &settings(), &new).unwrap();
        assert_eq!(
            text,
            "# The file.\ntitle = \"t\"\nmethod = \"sainte-lague\" # the method\nfirst-divisor = 1.4\ntotal = 120\n\n\
             [[criterion]]\nid = \"a\"\nweight = 0.4 # a's weight\n\n[[criterion]]\nid = \"b\"\nweight = 0.6\n\n\
             [bounds]\nper-1000-cap = 25\n",
            "a removed bound takes the comment above it along"
        );
    }

    #[test]
    fn another_method_drops_the_first_divisor() {
        let mut new = settings();
        new.method = "dhondt".into();
        let text = apply(FILE, &TOP, &settings(), &new).unwrap();
        assert!(text.contains("method = \"dhondt\" # the method\n"), "{text}");
        assert!(!text.contains("first-divisor"), "{text}");
        let h = header("criteria/x.toml", &TOP, &settings(), &new);
        assert_eq!(
            h,
            "# Saved from the planners' workbench (`busetting serve`) from criteria/x.toml; changed there: method sainte-lague → dhondt.\n\n"
        );
    }

    #[test]
    fn a_bound_the_file_lacks_is_added_and_a_category_is_edited_alone() {
        let file = "year = 2027\n\n[[category]]\nid = \"x\"\ntotal = 10\n\n[[category.criterion]]\nid = \"a\"\nweight = 1\n\n\
                    [[category]]\nid = \"y\"\ntotal = 5\n\n[[category.criterion]]\nid = \"a\"\nweight = 1\n";
        let old = Settings {
            weights: vec![("a".into(), 1.0)],
            total: 5,
            minimum_if_asked: None,
            per_1000_cap: None,
            method: "sainte-lague".into(),
        };
        let mut new = old.clone();
        new.total = 6;
        new.per_1000_cap = Some(12.5);
        let target = Target {
            category: Some("y"),
            ..TOP
        };
        let text = apply(file, &target, &old, &new).unwrap();
        let doc: toml::Table = toml::from_str(&text).unwrap();
        let cats = doc["category"].as_array().unwrap();
        assert_eq!(cats[0]["total"].as_integer(), Some(10));
        assert_eq!(cats[1]["total"].as_integer(), Some(6));
        assert_eq!(cats[1]["bounds"]["per-1000-cap"].as_float(), Some(12.5));
        assert!(cats[0].get("bounds").is_none(), "{text}");
    }
}
