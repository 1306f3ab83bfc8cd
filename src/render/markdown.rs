//! `recommendation.md`: the heading, the weights, the ranked table and the notes, in Markdown
//! (GitHub tables), for e-mail and case documents.

use super::cells::{markdown as cell, notes};
use super::{charts, table};
use crate::lang::fill;
use crate::pipeline::Run;

/// A grid as a GitHub table; the sum row in bold when it has any text.
pub fn table(g: &super::cells::Grid) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "| {} |\n",
        g.header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")
    ));
    let align: Vec<&str> = g
        .decimals
        .iter()
        .map(|d| if d.is_some() { "---:" } else { "---" })
        .collect();
    out.push_str(&format!("|{}|\n", align.join("|")));
    for row in &g.rows {
        out.push_str(&format!(
            "| {} |\n",
            row.iter().map(|c| cell(&c.text)).collect::<Vec<_>>().join(" | ")
        ));
    }
    let sum: Vec<String> = g
        .sum
        .iter()
        .map(|c| {
            if c.text.is_empty() {
                String::new()
            } else {
                format!("**{}**", cell(&c.text))
            }
        })
        .collect();
    if g.sum.iter().any(|c| !c.text.is_empty()) {
        out.push_str(&format!("| {} |\n", sum.join(" | ")));
    }
    out
}

pub fn render(run: &Run) -> Vec<u8> {
    let lang = run.lang;
    let t = lang.texts();
    let c = &run.criteria;
    let g = table::grid(run);
    let mut out = format!("# {}\n\n", fill(t.h_title, &[("year", &c.year.to_string())]));
    if let Some(title) = &c.title {
        out.push_str(&format!("{}\n\n", cell(title)));
    }
    out.push_str(&format!("{}\n\n", super::cells::heading(run)));
    let weights: Vec<String> = c
        .criteria
        .iter()
        .map(|k| format!("{} {}", cell(k.label.get(lang)), lang.num(k.weight, 2)))
        .collect();
    out.push_str(&format!("**{}:** {}\n\n", t.weights, weights.join(" · ")));
    out.push_str(&table(&g));
    out.push('\n');
    let notes = notes(run);
    if !notes.is_empty() {
        out.push_str(&format!("## {}\n\n", t.h_notes));
        for n in notes {
            out.push_str(&format!("- {}\n", cell(&n)));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "{}\n",
        fill(t.c_source, &[("sources", &charts::sources(run))])
    ));
    out.into_bytes()
}
