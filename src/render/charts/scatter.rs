//! (e) Capacity against recommendation.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, Error, FAMILY, GRID, INK, MUTED, PALETTE, err, legend, render, with_source};
use crate::lang::fill;
use crate::pipeline::Run;

/// How many of the municipalities furthest from "recommendation = capacity" get a name.
const LABELLED: usize = 8;

/// Declared capacity against the recommendation, both on log scales, with the line where they
/// are equal; the municipalities furthest from it are named. `None` without a capacity column.
pub fn capacity(run: &Run, source: &str) -> Result<Option<Chart>, Error> {
    let lang = run.lang;
    let t = lang.texts();
    let cat = &run.data.catalogue;
    let Some(column) = cat.compare.as_ref().and_then(|c| c.capacity.as_ref()) else {
        return Ok(None);
    };
    let Some(values) = run.data.table.get(&column.value) else {
        return Ok(None);
    };
    let label = cat
        .indicator(&column.value)
        .map_or(column.value.as_str(), |i| i.label.get(lang));
    let points: Vec<(f64, f64, &str)> = run
        .explanations
        .iter()
        .zip(values)
        .filter_map(|(e, cap)| {
            cap.filter(|c| *c > 0.0 && e.recommendation > 0)
                .map(|c| (c, e.recommendation as f64, e.kommune.as_str()))
        })
        .collect();
    if points.is_empty() {
        return Ok(None);
    }
    let lo = points.iter().map(|p| p.0.min(p.1)).fold(f64::INFINITY, f64::min) * 0.7;
    let hi = points.iter().map(|p| p.0.max(p.1)).fold(0.0, f64::max) * 1.5;
    let mut far: Vec<&(f64, f64, &str)> = points.iter().collect();
    far.sort_by(|a, b| {
        (b.1 / b.0)
            .ln()
            .abs()
            .total_cmp(&(a.1 / a.0).ln().abs())
            .then(a.2.cmp(b.2))
    });
    far.truncate(LABELLED);
    let title = fill(t.c_capacity_title, &[("year", &run.criteria.year.to_string())]);
    let x_desc = fill(t.c_capacity_axis, &[("label", label)]);
    Ok(Some(render!(
        "capacity",
        title.clone(),
        (1000, 820),
        |root: &DrawingArea<_, _>| -> Result<(), Error> {
            let main = with_source(root, source)?;
            let mut chart = ChartBuilder::on(&main)
                .caption(&title, (FAMILY, 24).into_font().color(&INK))
                .margin(16)
                .x_label_area_size(54)
                .y_label_area_size(70)
                .build_cartesian_2d((lo..hi).log_scale(), (lo..hi).log_scale())
                .map_err(err)?;
            chart
                .configure_mesh()
                .light_line_style(TRANSPARENT)
                .bold_line_style(GRID)
                .x_label_formatter(&|v| lang.num(*v, 0))
                .y_label_formatter(&|v| lang.num(*v, 0))
                .label_style((FAMILY, 13))
                .x_desc(x_desc.as_str())
                .y_desc(t.c_recommendation_axis)
                .axis_desc_style((FAMILY, 15))
                .draw()
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new([(lo, lo), (hi, hi)], MUTED.stroke_width(1)))
                .map_err(err)?
                .label(t.c_equal_line)
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], MUTED.stroke_width(1)));
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|&(c, a, _)| Circle::new((c, a), 5, PALETTE[0].mix(0.8).filled())),
                )
                .map_err(err)?;
            // Names beside the points, skipping one that would overlap a name already placed.
            let mut placed: Vec<(i32, i32)> = Vec::new();
            for &&(c, a, name) in &far {
                let (x, y) = chart.backend_coord(&(c, a));
                if placed
                    .iter()
                    .any(|&(px, py)| (px - x).abs() < 90 && (py - y).abs() < 15)
                {
                    continue;
                }
                placed.push((x, y));
                chart
                    .draw_series([EmptyElement::at((c, a))
                        + Text::new(
                            name.to_string(),
                            (8, 0),
                            (FAMILY, 13)
                                .into_font()
                                .color(&INK)
                                .pos(Pos::new(HPos::Left, VPos::Center)),
                        )])
                    .map_err(err)?;
            }
            legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
            Ok(())
        }
    )))
}
