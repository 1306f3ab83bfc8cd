//! (e) Capacity against recommendation.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, Error, FAMILY, GRID, INK, MUTED, PALETTE, err, legend, render, with_source};
use crate::explain::Explanation;
use crate::lang::fill;
use crate::pipeline::Run;

/// How many outliers of each kind get a name (see [`named`]).
const OUTLIERS: usize = 5;

/// A municipality on the chart: its declared capacity, its recommendation, and itself.
type Point<'a> = (f64, f64, &'a Explanation);

/// The points that get a name, in the order they are placed: first the most populous
/// municipality (Bergen in Vestland: the one an adviser looks for first), then the outliers:
/// those asked for more than they declared (the capacity dialogue's first questions), and
/// those furthest from "recommendation = capacity" in persons (what the county has to find
/// places for) and as a ratio (what stands furthest from the line on the log scales); each
/// kind at most [`OUTLIERS`], the furthest first.
fn named<'a>(run: &Run, points: &[Point<'a>]) -> Vec<Point<'a>> {
    let largest = run
        .explanations
        .iter()
        .max_by(|a, b| a.population.total_cmp(&b.population).then(b.rank.cmp(&a.rank)))
        .map(|e| e.kommunenummer.as_str());
    let furthest = |gap: fn(&Point) -> f64| {
        let mut order: Vec<&Point<'a>> = points.iter().filter(|p| gap(p) > 0.0).collect();
        order.sort_by(|a, b| gap(b).total_cmp(&gap(a)).then(a.2.rank.cmp(&b.2.rank)));
        order.into_iter().take(OUTLIERS)
    };
    let mut out: Vec<Point<'a>> = points
        .iter()
        .filter(|p| Some(p.2.kommunenummer.as_str()) == largest)
        .copied()
        .collect();
    for &p in furthest(|p| p.1 - p.0)
        .chain(furthest(|p| (p.1 - p.0).abs()))
        .chain(furthest(|p| (p.1 / p.0).ln().abs()))
    {
        if !out.iter().any(|q| q.2.kommunenummer == p.2.kommunenummer) {
            out.push(p);
        }
    }
    out
}

/// Declared capacity against the recommendation, both on log scales, with the line where they
/// are equal; the most populous municipality and the outliers are named (see [`named`]).
/// `None` without a capacity column.
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
    let points: Vec<Point> = run
        .explanations
        .iter()
        .zip(values)
        .filter_map(|(e, cap)| {
            cap.filter(|c| *c > 0.0 && e.recommendation > 0)
                .map(|c| (c, e.recommendation as f64, e))
        })
        .collect();
    if points.is_empty() {
        return Ok(None);
    }
    let lo = points.iter().map(|p| p.0.min(p.1)).fold(f64::INFINITY, f64::min) * 0.7;
    let hi = points.iter().map(|p| p.0.max(p.1)).fold(0.0, f64::max) * 1.5;
    let named = named(run, &points);
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
            for &(c, a, e) in &named {
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
                            e.kommune.clone(),
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
