//! (h) The Sobol indices of a robustness run as a heat map: one row per municipality (ranked),
//! one column per criterion, the index in each cell.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::map::colour;
use super::{Chart, Error, FAMILY, INK, MUTED, err, render, with_source};
use crate::lang::fill;
use crate::pipeline::Run;
use crate::render::cells::label;
use crate::robust::Sensitivity;

const ROW: i32 = 22;
const NAMES: i32 = 170;
const COLUMN: i32 = 170;
const TOP: i32 = 110;

pub fn sobol(run: &Run, s: &Sensitivity, source: &str) -> Result<Option<Chart>, Error> {
    let lang = run.lang;
    let t = lang.texts();
    let c = s.criteria.len();
    let n = s.rows.len();
    if c == 0 || n == 0 {
        return Ok(None);
    }
    let width = (NAMES + COLUMN * c as i32 + 40).max(700);
    let height = TOP + ROW * n as i32 + 110;
    let title = fill(t.c_sobol_title, &[("year", &run.criteria.year.to_string())]);
    let heads: Vec<Vec<String>> = s
        .criteria
        .iter()
        .map(|k| {
            textwrap::wrap(&label(run, &k.id), 24)
                .into_iter()
                .map(|l| l.into_owned())
                .collect()
        })
        .collect();
    Ok(Some(render!(
        "sobol",
        title.clone(),
        (width as u32, height as u32),
        |root: &DrawingArea<_, _>| -> Result<(), Error> {
            let main = with_source(root, source)?;
            let centred = |size: i32| {
                (FAMILY, size)
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Center, VPos::Center))
            };
            main.draw(&Text::new(
                title.clone(),
                (width / 2, 24),
                (FAMILY, 24)
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(err)?;
            for (k, lines) in heads.iter().enumerate() {
                let x = NAMES + COLUMN * k as i32 + COLUMN / 2;
                let first = TOP - 12 - 16 * (lines.len() as i32 - 1);
                for (l, line) in lines.iter().enumerate() {
                    main.draw(&Text::new(line.clone(), (x, first + 16 * l as i32), centred(13)))
                        .map_err(err)?;
                }
            }
            for (r, row) in s.rows.iter().enumerate() {
                let y = TOP + ROW * r as i32;
                main.draw(&Text::new(
                    row.kommune.clone(),
                    (NAMES - 8, y + ROW / 2),
                    (FAMILY, 13)
                        .into_font()
                        .color(&INK)
                        .pos(Pos::new(HPos::Right, VPos::Center)),
                ))
                .map_err(err)?;
                for (k, v) in row.sobol.iter().enumerate().take(c) {
                    let x = NAMES + COLUMN * k as i32;
                    let (fill_colour, text, dark) = match v {
                        Some(v) => (colour(*v), lang.num(*v, 2), *v > 0.55),
                        None => (RGBColor(240, 240, 240), "–".to_string(), false),
                    };
                    main.draw(&Rectangle::new(
                        [(x + 1, y + 1), (x + COLUMN - 1, y + ROW - 1)],
                        fill_colour.filled(),
                    ))
                    .map_err(err)?;
                    let ink = if dark { WHITE } else { INK };
                    main.draw(&Text::new(
                        text,
                        (x + COLUMN / 2, y + ROW / 2),
                        (FAMILY, 12)
                            .into_font()
                            .color(&ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ))
                    .map_err(err)?;
                }
            }
            // The colour bar, 0 to 1.
            let bar_y = TOP + ROW * n as i32 + 30;
            let bar_w = 300;
            for p in 0..bar_w {
                main.draw(&Rectangle::new(
                    [(NAMES + p, bar_y), (NAMES + p + 1, bar_y + 14)],
                    colour(f64::from(p) / f64::from(bar_w - 1)).filled(),
                ))
                .map_err(err)?;
            }
            main.draw(&Rectangle::new([(NAMES, bar_y), (NAMES + bar_w, bar_y + 14)], MUTED))
                .map_err(err)?;
            for (v, x) in [(0.0, 0), (0.5, bar_w / 2), (1.0, bar_w)] {
                main.draw(&Text::new(lang.num(v, 1), (NAMES + x, bar_y + 26), centred(12)))
                    .map_err(err)?;
            }
            main.draw(&Text::new(
                t.c_sobol_legend.to_string(),
                (NAMES + bar_w + 16, bar_y + 7),
                (FAMILY, 13)
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
            Ok(())
        }
    )))
}
