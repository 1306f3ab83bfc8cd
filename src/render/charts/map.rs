//! (c) A choropleth map of the county, coloured by recommendation per 1000 inhabitants.
//!
//! Longitude and latitude are projected equirectangularly about the county's mid-latitude
//! (`x = lon · cos φ₀`, `y = lat`), which keeps shapes true for an area the size of a county
//! (at 61° N a degree of longitude is half a degree of latitude; unprojected the county would be
//! twice as wide as it is).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, Error, FAMILY, INK, MUTED, err, render, with_source};
use crate::data::map::Shapes;
use crate::lang::fill;
use crate::pipeline::Run;

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 1000;

/// A sequential scale from pale yellow to dark blue (ColorBrewer YlGnBu).
const SCALE: [(u8, u8, u8); 5] = [
    (255, 255, 204),
    (161, 218, 180),
    (65, 182, 196),
    (44, 127, 184),
    (37, 52, 148),
];

pub(super) fn colour(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0) * (SCALE.len() - 1) as f64;
    let k = (t.floor() as usize).min(SCALE.len() - 2);
    let f = t - k as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (SCALE[k], SCALE[k + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

pub fn per_1000(run: &Run, shapes: &Shapes, source: &str) -> Result<Chart, Error> {
    let lang = run.lang;
    let t = lang.texts();
    let title = fill(t.c_map_title, &[("year", &run.criteria.year.to_string())]);
    let values: Vec<f64> = run.explanations.iter().map(|e| e.per_1000).collect();
    let (vmin, vmax) = (0.0, values.iter().copied().fold(0.0, f64::max).max(1e-9));
    let all = shapes.rings.iter().flatten().flatten();
    let (mut lon0, mut lon1, mut lat0, mut lat1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for &(lon, lat) in all {
        (lon0, lon1, lat0, lat1) = (lon0.min(lon), lon1.max(lon), lat0.min(lat), lat1.max(lat));
    }
    let k = ((lat0 + lat1) / 2.0).to_radians().cos();
    Ok(render!("map", title.clone(), (WIDTH, HEIGHT), |root: &DrawingArea<
        _,
        _,
    >|
     -> Result<
        (),
        Error,
    > {
        let main = with_source(root, source)?;
        let (w, h) = main.dim_in_pixel();
        main.draw(&Text::new(
            title.clone(),
            (20, 14),
            (FAMILY, 24).into_font().color(&INK),
        ))
        .map_err(err)?;
        // The map's box: below the title, left of the legend.
        let (left, top, right, bottom) = (20.0, 60.0, w as f64 - 190.0, h as f64 - 10.0);
        let scale = ((right - left) / ((lon1 - lon0) * k)).min((bottom - top) / (lat1 - lat0));
        let x_off = left + ((right - left) - (lon1 - lon0) * k * scale) / 2.0;
        let project = |&(lon, lat): &(f64, f64)| -> (i32, i32) {
            (
                (x_off + (lon - lon0) * k * scale).round() as i32,
                (top + (lat1 - lat) * scale).round() as i32,
            )
        };
        for (i, rings) in shapes.rings.iter().enumerate() {
            let fill_colour = if run.explanations[i].not_asked.is_some() {
                RGBColor(200, 200, 200)
            } else {
                colour((values[i] - vmin) / (vmax - vmin))
            };
            for ring in rings {
                let points: Vec<(i32, i32)> = ring.iter().map(project).collect();
                main.draw(&Polygon::new(points.clone(), fill_colour.filled()))
                    .map_err(err)?;
                main.draw(&PathElement::new(points, WHITE.stroke_width(1)))
                    .map_err(err)?;
            }
        }
        // Legend: a vertical colour bar with five values.
        let (lx, ly, lh) = (w as i32 - 170, 110, 300);
        main.draw(&Text::new(
            t.c_map_legend.to_string(),
            (lx - 10, ly - 40),
            (FAMILY, 15).into_font().color(&INK),
        ))
        .map_err(err)?;
        for step in 0..lh {
            let c = colour(1.0 - step as f64 / lh as f64);
            main.draw(&Rectangle::new([(lx, ly + step), (lx + 24, ly + step + 1)], c.filled()))
                .map_err(err)?;
        }
        main.draw(&Rectangle::new([(lx, ly), (lx + 24, ly + lh)], MUTED.stroke_width(1)))
            .map_err(err)?;
        for q in 0..=4 {
            let v = vmin + (vmax - vmin) * q as f64 / 4.0;
            let y = ly + lh - lh * q / 4;
            main.draw(&PathElement::new(
                vec![(lx + 24, y), (lx + 30, y)],
                MUTED.stroke_width(1),
            ))
            .map_err(err)?;
            main.draw(&Text::new(
                lang.num(v, 1),
                (lx + 34, y),
                (FAMILY, 13)
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }
        if run.explanations.iter().any(|e| e.not_asked.is_some()) {
            let y = ly + lh + 30;
            main.draw(&Rectangle::new(
                [(lx, y), (lx + 24, y + 14)],
                RGBColor(200, 200, 200).filled(),
            ))
            .map_err(err)?;
            main.draw(&Text::new(
                t.src_not_asked.to_string(),
                (lx + 34, y + 7),
                (FAMILY, 13)
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        }
        Ok(())
    }))
}
