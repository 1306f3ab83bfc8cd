//! Ranked bar and dot charts, one row per municipality.

use plotters::coord::ranged1d::{AsRangedCoord, SegmentedCoord, ValueFormatter};
use plotters::coord::types::RangedCoordi32;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, Error, FAMILY, GRID, INK, PALETTE, err, legend, render, with_source};
use crate::explain::Explanation;
use crate::lang::{Lang, fill};
use crate::pipeline::Run;
use crate::robust::{Row as SensitivityRow, Sensitivity};
use std::collections::HashMap;

const ROW: u32 = 22;
const WIDTH: u32 = 1200;

fn height(n: usize) -> u32 {
    170 + ROW * n as u32
}

/// The municipality names for a segmented y axis, top row first.
fn name_of(rows: &[&Explanation], v: &SegmentValue<i32>) -> String {
    match v {
        SegmentValue::CenterOf(i) => {
            let k = rows.len() as i32 - 1 - i;
            usize::try_from(k)
                .ok()
                .and_then(|k| rows.get(k))
                .map(|e| e.kommune.clone())
                .unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// A chart over `X` with one segment per municipality on the y axis.
type Ranked<'a, DB, X> = ChartContext<'a, DB, Cartesian2d<X, SegmentedCoord<RangedCoordi32>>>;

/// A chart with one row per municipality (the first of `rows` at the top) over `x`, with its
/// title, axes and grid drawn.
fn ranked_chart<'a, DB, XS>(
    main: &'a DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    x: XS,
    rows: &[&Explanation],
    lang: Lang,
    x_desc: &str,
) -> Result<Ranked<'a, DB, XS::CoordDescType>, Error>
where
    DB: DrawingBackend,
    XS: AsRangedCoord<Value = f64>,
    XS::CoordDescType: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let n = rows.len();
    let mut chart = ChartBuilder::on(main)
        .caption(title, (FAMILY, 24).into_font().color(&INK))
        .margin(14)
        .x_label_area_size(50)
        .y_label_area_size(140)
        .build_cartesian_2d(x, (0..n as i32 - 1).into_segmented())
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .y_labels(n)
        .y_label_formatter(&|v| name_of(rows, v))
        .x_label_formatter(&|v| lang.num(*v, 0))
        .label_style((FAMILY, 13))
        .x_desc(x_desc)
        .axis_desc_style((FAMILY, 15))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// (a) The municipalities ranked by recommendation, each bar stacked by criterion
/// contribution, then the bound adjustment (grey when it adds, red when it takes away) and the
/// rounding; a black tick marks the recommendation.
pub fn contributions(run: &Run, source: &str) -> Result<Chart, Error> {
    contributions_with(run, source, false)
}

/// [`contributions`], optionally without the PNG.
pub fn contributions_with(run: &Run, source: &str, svg_only: bool) -> Result<Chart, Error> {
    let lang = run.lang;
    let t = lang.texts();
    let rows = run.ranked();
    let n = rows.len();
    let title = fill(t.c_contributions_title, &[("year", &run.criteria.year.to_string())]);
    let labels: Vec<String> = run
        .criteria
        .criteria
        .iter()
        .map(|c| c.label.get(lang).to_string())
        .collect();
    let reach = |e: &Explanation| {
        let positive: f64 = e.contributions.iter().map(|c| c.persons).sum();
        positive.max(positive + e.bound_adjustment).max(e.recommendation as f64)
    };
    let x_max = rows.iter().map(|e| reach(e)).fold(1.0, f64::max) * 1.08;
    Ok(render!(
        "contributions",
        title.clone(),
        (WIDTH, height(n)),
        svg_only = svg_only,
        |root: &DrawingArea<_, _>| -> Result<(), Error> {
            let main = with_source(root, source)?;
            let mut chart = ranked_chart(&main, &title, 0f64..x_max, &rows, lang, t.c_persons)?;
            let bar = |x0: f64, x1: f64, y: i32, style: ShapeStyle| {
                let mut r = Rectangle::new([(x0, SegmentValue::Exact(y)), (x1, SegmentValue::Exact(y + 1))], style);
                r.set_margin(3, 3, 0, 0);
                r
            };
            let grey = RGBColor(170, 170, 170);
            let red = RGBColor(200, 40, 40);
            for (k, e) in rows.iter().enumerate() {
                let y = (n - 1 - k) as i32;
                let mut x = 0.0;
                let mut shapes = Vec::new();
                for (c, part) in e.contributions.iter().enumerate() {
                    shapes.push(bar(x, x + part.persons, y, PALETTE[c % PALETTE.len()].filled()));
                    x += part.persons;
                }
                let adj = e.bound_adjustment;
                if adj > 0.0 {
                    shapes.push(bar(x, x + adj, y, grey.filled()));
                } else if adj < 0.0 {
                    shapes.push(bar(x + adj, x, y, red.mix(0.25).filled()));
                    shapes.push(bar(x + adj, x, y, red.stroke_width(1)));
                }
                x += adj;
                shapes.push(bar(
                    x.min(x + e.rounding),
                    x.max(x + e.rounding),
                    y,
                    INK.mix(0.6).filled(),
                ));
                chart.draw_series(shapes).map_err(err)?;
                let a = e.recommendation as f64;
                chart
                    .draw_series([PathElement::new(
                        vec![(a, SegmentValue::Exact(y)), (a, SegmentValue::Exact(y + 1))],
                        INK.stroke_width(2),
                    )])
                    .map_err(err)?;
                let end = a.max(x).max(e.contributions.iter().map(|c| c.persons).sum::<f64>());
                chart
                    .draw_series([Text::new(
                        lang.int(e.recommendation),
                        (end + x_max * 0.005, SegmentValue::CenterOf(y)),
                        (FAMILY, 12)
                            .into_font()
                            .color(&INK)
                            .pos(Pos::new(HPos::Left, VPos::Center)),
                    )])
                    .map_err(err)?;
            }
            // Legend entries: one empty series per key.
            type Bar = Rectangle<(f64, SegmentValue<i32>)>;
            for (c, label) in labels.iter().enumerate() {
                let color = PALETTE[c % PALETTE.len()];
                chart
                    .draw_series(std::iter::empty::<Bar>())
                    .map_err(err)?
                    .label(label.as_str())
                    .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
            }
            let keys: [(&str, ShapeStyle); 3] = [
                (t.bound_adjustment, grey.filled()),
                (t.rounding, INK.mix(0.6).filled()),
                (t.c_marker, INK.filled()),
            ];
            for (label, style) in keys {
                chart
                    .draw_series(std::iter::empty::<Bar>())
                    .map_err(err)?
                    .label(label)
                    .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], style));
            }
            legend(&mut chart, SeriesLabelPosition::LowerRight)?;
            Ok(())
        }
    ))
}

/// (b) Recommendation per 1000 inhabitants, ranked, with the county's level as a line.
pub fn per_1000(run: &Run, source: &str) -> Result<Chart, Error> {
    let lang = run.lang;
    let t = lang.texts();
    let mut rows = run.ranked();
    rows.sort_by(|a, b| b.per_1000.total_cmp(&a.per_1000).then(a.rank.cmp(&b.rank)));
    let n = rows.len();
    let title = fill(t.c_per_1000_title, &[("year", &run.criteria.year.to_string())]);
    let county = run.criteria.total as f64 / run.population.iter().sum::<f64>() * 1000.0;
    let x_max = rows.iter().map(|e| e.per_1000).fold(county, f64::max) * 1.1;
    let county_label = fill(t.c_county_level, &[("value", &lang.num(county, 1))]);
    Ok(render!(
        "per-1000",
        title.clone(),
        (WIDTH, height(n)),
        |root: &DrawingArea<_, _>| -> Result<(), Error> {
            let main = with_source(root, source)?;
            let mut chart = ranked_chart(&main, &title, 0f64..x_max, &rows, lang, t.c_per_1000_axis)?;
            chart
                .draw_series([PathElement::new(
                    vec![
                        (county, SegmentValue::Exact(0)),
                        (county, SegmentValue::Exact(n as i32)),
                    ],
                    PALETTE[5].stroke_width(2),
                )])
                .map_err(err)?;
            for (k, e) in rows.iter().enumerate() {
                let y = (n - 1 - k) as i32;
                let mut r = Rectangle::new(
                    [(0.0, SegmentValue::Exact(y)), (e.per_1000, SegmentValue::Exact(y + 1))],
                    PALETTE[0].filled(),
                );
                r.set_margin(3, 3, 0, 0);
                chart.draw_series([r]).map_err(err)?;
                let label = if e.not_asked.is_some() {
                    t.src_not_asked.to_string()
                } else {
                    lang.num(e.per_1000, 1)
                };
                chart
                    .draw_series([Text::new(
                        label,
                        (e.per_1000 + x_max * 0.005, SegmentValue::CenterOf(y)),
                        (FAMILY, 12)
                            .into_font()
                            .color(&INK)
                            .pos(Pos::new(HPos::Left, VPos::Center)),
                    )])
                    .map_err(err)?;
            }
            chart
                .draw_series([Text::new(
                    county_label.clone(),
                    (county + x_max * 0.01, SegmentValue::CenterOf(2)),
                    (FAMILY, 14)
                        .into_font()
                        .color(&PALETTE[5])
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                )])
                .map_err(err)?;
            Ok(())
        }
    ))
}

/// (d) This recommendation against IMDi's latest request, the municipality's decision and
/// what was settled, on a logarithmic scale (Bergen's numbers are a hundred times Modalen's).
pub fn against_previous(run: &Run, source: &str) -> Result<Option<Chart>, Error> {
    let lang = run.lang;
    let t = lang.texts();
    let Some(year) = run.data.catalogue.compare.as_ref().map(|c| c.year) else {
        return Ok(None);
    };
    let rows = run.ranked();
    let n = rows.len();
    let values = |e: &Explanation| -> [Option<f64>; 4] {
        [
            Some(e.recommendation as f64),
            e.previous.request,
            e.previous.decision,
            e.previous.settled,
        ]
    };
    let positive: Vec<f64> = rows
        .iter()
        .flat_map(|e| values(e))
        .flatten()
        .filter(|v| *v > 0.0)
        .collect();
    if positive.is_empty() {
        return Ok(None);
    }
    let lo = positive.iter().copied().fold(f64::INFINITY, f64::min) * 0.7;
    let hi = positive.iter().copied().fold(0.0, f64::max) * 1.4;
    let previous = year.to_string();
    let title = fill(
        t.c_compare_title,
        &[("year", &run.criteria.year.to_string()), ("previous", &previous)],
    );
    // The comparison columns' own labels say what they are ("settled 2024, to November").
    let cat = &run.data.catalogue;
    let label = |column: Option<&crate::tomlread::At<String>>, fallback: &str| {
        column.and_then(|c| cat.indicator(&c.value)).map_or_else(
            || fill(fallback, &[("year", &previous)]),
            |i| i.label.get(lang).to_string(),
        )
    };
    let compare = cat.compare.as_ref();
    let names = [
        fill(t.c_recommendation_year, &[("year", &run.criteria.year.to_string())]),
        label(compare.and_then(|c| c.request.as_ref()), t.request_year),
        label(compare.and_then(|c| c.decision.as_ref()), t.decision_year),
        label(compare.and_then(|c| c.settled.as_ref()), t.settled_year),
    ];
    Ok(Some(render!(
        "against-previous",
        title.clone(),
        (WIDTH, height(n)),
        |root: &DrawingArea<_, _>| -> Result<(), Error> {
            let main = with_source(root, source)?;
            let mut chart = ranked_chart(&main, &title, (lo..hi).log_scale(), &rows, lang, t.c_compare_axis)?;
            let at = |k: usize| SegmentValue::CenterOf((n - 1 - k) as i32);
            let series = |s: usize| {
                rows.iter()
                    .enumerate()
                    .filter_map(move |(k, e)| values(e)[s].filter(|v| *v > 0.0).map(|v| (v, at(k))))
            };
            // Request: hollow square; decision: triangle; settled: cross; recommendation: dot on top.
            chart
                .draw_series(
                    series(1)
                        .map(|p| EmptyElement::at(p) + Rectangle::new([(-5, -5), (5, 5)], PALETTE[0].stroke_width(2))),
                )
                .map_err(err)?
                .label(names[1].as_str())
                .legend(|(x, y)| Rectangle::new([(x + 2, y - 5), (x + 12, y + 5)], PALETTE[0].stroke_width(2)));
            chart
                .draw_series(series(2).map(|p| TriangleMarker::new(p, 6, PALETTE[1].filled())))
                .map_err(err)?
                .label(names[2].as_str())
                .legend(|(x, y)| TriangleMarker::new((x + 7, y), 6, PALETTE[1].filled()));
            chart
                .draw_series(series(3).map(|p| Cross::new(p, 5, PALETTE[2].stroke_width(2))))
                .map_err(err)?
                .label(names[3].as_str())
                .legend(|(x, y)| Cross::new((x + 7, y), 5, PALETTE[2].stroke_width(2)));
            chart
                .draw_series(series(0).map(|p| Circle::new(p, 5, INK.filled())))
                .map_err(err)?
                .label(names[0].as_str())
                .legend(|(x, y)| Circle::new((x + 7, y), 5, INK.filled()));
            legend(&mut chart, SeriesLabelPosition::LowerRight)?;
            Ok(())
        }
    )))
}

/// The positive range of a log axis over `values`, with some air on both sides.
fn log_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| *v > 0.0)
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (hi > 0.0).then_some((lo * 0.7, hi * 1.4))
}

/// (f) The 90 % interval of each municipality's number over the draws of a robustness run (log
/// scale), with the median as a tick and the recommendation as a dot.
pub fn interval(run: &Run, s: &Sensitivity, source: &str) -> Result<Option<Chart>, Error> {
    let lang = run.lang;
    let t = lang.texts();
    let rows = run.ranked();
    let n = rows.len();
    let by_knr: HashMap<&str, &SensitivityRow> = s.rows.iter().map(|r| (r.kommunenummer.as_str(), r)).collect();
    let found: Vec<Option<&SensitivityRow>> = rows
        .iter()
        .map(|e| by_knr.get(e.kommunenummer.as_str()).copied())
        .collect();
    let Some((lo, hi)) = log_range(
        found
            .iter()
            .flatten()
            .flat_map(|r| [r.p5 as f64, r.p95 as f64, r.baseline as f64]),
    ) else {
        return Ok(None);
    };
    let title = fill(
        t.c_interval_title,
        &[
            ("year", &run.criteria.year.to_string()),
            ("draws", &lang.int(s.settings.draws)),
        ],
    );
    Ok(Some(render!(
        "interval",
        title.clone(),
        (WIDTH, height(n)),
        |root: &DrawingArea<_, _>| -> Result<(), Error> {
            let main = with_source(root, source)?;
            let mut chart = ranked_chart(&main, &title, (lo..hi).log_scale(), &rows, lang, t.c_interval_axis)?;
            for (k, r) in found.iter().enumerate() {
                let Some(r) = r else { continue };
                let y = (n - 1 - k) as i32;
                let clamp = |v: u64| (v as f64).max(lo);
                let mut band = Rectangle::new(
                    [
                        (clamp(r.p5), SegmentValue::Exact(y)),
                        (clamp(r.p95).max(clamp(r.p5) * 1.01), SegmentValue::Exact(y + 1)),
                    ],
                    PALETTE[4].mix(0.8).filled(),
                );
                band.set_margin(5, 5, 0, 0);
                chart.draw_series([band]).map_err(err)?;
                chart
                    .draw_series([PathElement::new(
                        vec![
                            (clamp(r.p50), SegmentValue::Exact(y)),
                            (clamp(r.p50), SegmentValue::Exact(y + 1)),
                        ],
                        PALETTE[0].stroke_width(2),
                    )])
                    .map_err(err)?;
                chart
                    .draw_series([Circle::new(
                        (clamp(r.baseline), SegmentValue::CenterOf(y)),
                        4,
                        INK.filled(),
                    )])
                    .map_err(err)?;
                chart
                    .draw_series([Text::new(
                        format!("{}–{}", lang.int(r.p5), lang.int(r.p95)),
                        (clamp(r.p95).max(clamp(r.p5) * 1.01) * 1.04, SegmentValue::CenterOf(y)),
                        (FAMILY, 12)
                            .into_font()
                            .color(&INK)
                            .pos(Pos::new(HPos::Left, VPos::Center)),
                    )])
                    .map_err(err)?;
            }
            Ok(())
        }
    )))
}

/// (g) A municipality's number under each criteria file (log scale): one dot per file, joined
/// by a line, so the distance between the dots is the difference.
pub fn dumbbell(runs: &[(String, &Run)], source: &str) -> Result<Option<Chart>, Error> {
    let Some((_, first)) = runs.first() else {
        return Ok(None);
    };
    let lang = first.lang;
    let t = lang.texts();
    let rows = first.ranked();
    let n = rows.len();
    let seats: Vec<Vec<Option<u64>>> = runs
        .iter()
        .map(|(_, r)| {
            rows.iter()
                .map(|e| {
                    r.explanations
                        .iter()
                        .find(|x| x.kommunenummer == e.kommunenummer)
                        .map(|x| x.recommendation)
                })
                .collect()
        })
        .collect();
    let Some((lo, hi)) = log_range(seats.iter().flatten().flatten().map(|&v| v as f64)) else {
        return Ok(None);
    };
    let title = fill(t.c_dumbbell_title, &[("year", &first.criteria.year.to_string())]);
    Ok(Some(render!(
        "compare",
        title.clone(),
        (WIDTH, height(n)),
        |root: &DrawingArea<_, _>| -> Result<(), Error> {
            let main = with_source(root, source)?;
            let mut chart = ranked_chart(&main, &title, (lo..hi).log_scale(), &rows, lang, t.c_dumbbell_axis)?;
            let at = |k: usize| SegmentValue::CenterOf((n - 1 - k) as i32);
            for k in 0..n {
                let values: Vec<f64> = seats
                    .iter()
                    .filter_map(|s| s[k])
                    .filter(|&v| v > 0)
                    .map(|v| v as f64)
                    .collect();
                let (a, b) = values
                    .iter()
                    .fold((f64::INFINITY, 0.0f64), |(a, b), &v| (a.min(v), b.max(v)));
                if b > a {
                    chart
                        .draw_series([PathElement::new(vec![(a, at(k)), (b, at(k))], GRID.stroke_width(4))])
                        .map_err(err)?;
                }
            }
            for (f, (name, _)) in runs.iter().enumerate() {
                let colour = PALETTE[f % PALETTE.len()];
                chart
                    .draw_series(seats[f].iter().enumerate().filter_map(|(k, v)| {
                        v.filter(|&v| v > 0)
                            .map(|v| Circle::new((v as f64, at(k)), 5, colour.filled()))
                    }))
                    .map_err(err)?
                    .label(name.as_str())
                    .legend(move |(x, y)| Circle::new((x + 7, y), 5, colour.filled()));
            }
            legend(&mut chart, SeriesLabelPosition::LowerRight)?;
            Ok(())
        }
    )))
}

/// (i) A file with several categories: each municipality's number stacked by category, ranked by
/// the sum.
pub fn categories(runs: &[Run], source: &str) -> Result<Option<Chart>, Error> {
    let Some(first) = runs.first() else {
        return Ok(None);
    };
    let lang = first.lang;
    let t = lang.texts();
    let total = |knr: &str| -> u64 {
        runs.iter()
            .filter_map(|r| r.explanations.iter().find(|e| e.kommunenummer == knr))
            .map(|e| e.recommendation)
            .sum()
    };
    let mut rows: Vec<&Explanation> = first.explanations.iter().collect();
    rows.sort_by(|a, b| {
        total(&b.kommunenummer)
            .cmp(&total(&a.kommunenummer))
            .then(a.kommunenummer.cmp(&b.kommunenummer))
    });
    let n = rows.len();
    let x_max = rows.iter().map(|e| total(&e.kommunenummer)).max().unwrap_or(1) as f64 * 1.08;
    let title = fill(t.c_categories_title, &[("year", &first.criteria.year.to_string())]);
    let labels: Vec<String> = runs.iter().map(crate::render::categories::label).collect();
    Ok(Some(render!(
        "categories",
        title.clone(),
        (WIDTH, height(n)),
        |root: &DrawingArea<_, _>| -> Result<(), Error> {
            let main = with_source(root, source)?;
            let mut chart = ranked_chart(&main, &title, 0f64..x_max, &rows, lang, t.c_persons)?;
            for (k, e) in rows.iter().enumerate() {
                let y = (n - 1 - k) as i32;
                let mut x = 0.0;
                for (c, run) in runs.iter().enumerate() {
                    let v = run
                        .explanations
                        .iter()
                        .find(|x| x.kommunenummer == e.kommunenummer)
                        .map_or(0, |x| x.recommendation) as f64;
                    if v > 0.0 {
                        let mut r = Rectangle::new(
                            [(x, SegmentValue::Exact(y)), (x + v, SegmentValue::Exact(y + 1))],
                            PALETTE[c % PALETTE.len()].filled(),
                        );
                        r.set_margin(3, 3, 0, 0);
                        chart.draw_series([r]).map_err(err)?;
                    }
                    x += v;
                }
                chart
                    .draw_series([Text::new(
                        lang.int(x as u64),
                        (x + x_max * 0.005, SegmentValue::CenterOf(y)),
                        (FAMILY, 12)
                            .into_font()
                            .color(&INK)
                            .pos(Pos::new(HPos::Left, VPos::Center)),
                    )])
                    .map_err(err)?;
            }
            for (c, label) in labels.iter().enumerate() {
                let style = PALETTE[c % PALETTE.len()].filled();
                chart
                    .draw_series(std::iter::empty::<Rectangle<(f64, SegmentValue<i32>)>>())
                    .map_err(err)?
                    .label(label.as_str())
                    .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], style));
            }
            legend(&mut chart, SeriesLabelPosition::LowerRight)?;
            Ok(())
        }
    )))
}
