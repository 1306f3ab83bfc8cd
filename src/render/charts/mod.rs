//! Charts, each drawn once for SVG and once for PNG by the same code (plotters), with an
//! embedded open font (DejaVu Sans, `assets/fonts/`) so æ ø å draw the same on a machine with
//! no fonts installed. Every chart has a title with the year, axis labels with units, and a
//! source line. Drawing is deterministic: the same run gives the same bytes.

mod bars;
mod heat;
mod lines;
mod map;
mod scatter;

use std::sync::Once;

use plotters::prelude::*;
use plotters::style::{FontStyle, RGBColor, register_font};

use crate::data::map::Shapes;
use crate::lang::fill;
use crate::pipeline::Run;
pub use crate::render::cells::Error;
use crate::robust::Sensitivity;

static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

/// One chart in both formats.
pub struct Chart {
    /// The file stem: `chart-<name>.svg` and `.png`.
    pub name: &'static str,
    pub title: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// Colour-blind-safe colours (Okabe & Ito) for the criteria, in file order.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(120, 120, 120),
];
const INK: RGBColor = RGBColor(33, 33, 33);
const GRID: RGBColor = RGBColor(225, 225, 225);
const MUTED: RGBColor = RGBColor(110, 110, 110);

fn font_once() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded font is valid, so registering cannot fail; bold titles use it too.
        let _ = register_font(FAMILY, FontStyle::Normal, FONT);
        let _ = register_font(FAMILY, FontStyle::Bold, FONT);
    });
}

/// Any drawing error as text.
fn err<E: std::fmt::Display>(e: E) -> Error {
    Error::new("a chart", e)
}

pub(crate) fn encode_png(pixels: &[u8], w: u32, h: u32) -> Result<Vec<u8>, Error> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(pixels, w, h, image::ColorType::Rgb8)
        .map_err(err)?;
    Ok(out)
}

/// Draws a chart twice, into an SVG string and a PNG, with one drawing expression. With
/// `svg_only` the PNG is not drawn and left empty (the planners' page shows the SVG alone).
macro_rules! render {
    ($name:expr, $title:expr, ($w:expr, $h:expr), svg_only = $svg_only:expr, $draw:expr) => {{
        let (w, h): (u32, u32) = ($w, $h);
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
            ($draw)(&root)?;
            root.present().map_err(err)?;
        }
        let png = if $svg_only {
            Vec::new()
        } else {
            let mut pixels = vec![0u8; (w * h * 3) as usize];
            {
                let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
                ($draw)(&root)?;
                root.present().map_err(err)?;
            }
            $crate::render::charts::encode_png(&pixels, w, h)?
        };
        Chart {
            name: $name,
            title: $title,
            svg,
            png,
        }
    }};
    ($name:expr, $title:expr, ($w:expr, $h:expr), $draw:expr) => {
        render!($name, $title, ($w, $h), svg_only = false, $draw)
    };
}
use render;

/// The short citations of the indicators behind a run: criteria, population, comparisons.
pub fn sources(run: &Run) -> String {
    sources_of(&run.criteria, &run.data, false)
}

/// The citations of what a file reads and the comparison columns (`history`: every year's).
fn sources_of(criteria: &crate::criteria::Criteria, data: &crate::data::Dataset, history: bool) -> String {
    let cat = &data.catalogue;
    let mut names: Vec<&str> = criteria.columns();
    if history {
        names.extend(cat.history.iter().flat_map(crate::data::HistoryYear::names));
    } else if let Some(c) = &cat.compare {
        names.extend(
            [&c.request, &c.decision, &c.settled, &c.capacity]
                .into_iter()
                .flatten()
                .map(|a| a.value.as_str()),
        );
    }
    let mut cites: Vec<&str> = Vec::new();
    for name in names {
        if let Some(cite) = cat.indicator(name).and_then(|i| i.cite.as_deref())
            && !cites.contains(&cite)
        {
            cites.push(cite);
        }
    }
    merge_years(&cites).join(", ")
}

/// Citations that differ only in their year, "IMDi (2020)" and "IMDi (2026)", as one with the
/// span of years, "IMDi (2020–2026)"; the rest as they are, in first-seen order.
fn merge_years(cites: &[&str]) -> Vec<String> {
    let split = |c: &str| -> Option<(String, i64)> {
        let (head, tail) = c.rsplit_once(" (")?;
        let year = tail.strip_suffix(')')?.parse::<i64>().ok()?;
        Some((head.to_string(), year))
    };
    let mut out: Vec<(String, Option<(i64, i64)>)> = Vec::new();
    for c in cites {
        match split(c) {
            Some((head, y)) => match out.iter_mut().find(|(h, r)| *h == head && r.is_some()) {
                Some((_, Some((lo, hi)))) => {
                    *lo = (*lo).min(y);
                    *hi = (*hi).max(y);
                }
                _ => out.push((head, Some((y, y)))),
            },
            None => out.push((c.to_string(), None)),
        }
    }
    out.into_iter()
        .map(|(head, r)| match r {
            Some((lo, hi)) if lo == hi => format!("{head} ({lo})"),
            Some((lo, hi)) => format!("{head} ({lo}–{hi})"),
            None => head,
        })
        .collect()
}

/// Draws the legend of the series that have labels, in the house style.
fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> Result<(), Error> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font((FAMILY, 14))
        .background_style(WHITE.mix(0.9))
        .border_style(MUTED)
        .draw()
        .map_err(err)
}

/// Splits off the bottom strip and writes the source line there; returns the area above.
fn with_source<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    source: &str,
) -> Result<DrawingArea<DB, plotters::coord::Shift>, Error> {
    root.fill(&WHITE).map_err(err)?;
    let (_, h) = root.dim_in_pixel();
    let (main, foot) = root.split_vertically(h - 28);
    foot.draw(&Text::new(
        source.to_string(),
        (12, 6),
        (FAMILY, 13).into_font().color(&MUTED),
    ))
    .map_err(err)?;
    Ok(main)
}

/// Every chart of a report; the map only when the data folder has boundaries, the capacity
/// chart only when it has a capacity column, the series chart only when there are `years`.
/// Everything drawn is passed in: charts read no file.
pub fn all(run: &Run, shapes: Option<&Shapes>, years: &[crate::history::Year]) -> Result<Vec<Chart>, Error> {
    font_once();
    let t = run.lang.texts();
    let source = fill(t.c_source, &[("sources", &sources(run))]);
    let mut charts = vec![bars::contributions(run, &source)?, bars::per_1000(run, &source)?];
    if let Some(shapes) = shapes {
        charts.push(map::per_1000(run, shapes, &source)?);
    }
    if let Some(chart) = bars::against_previous(run, &source)? {
        charts.push(chart);
    }
    if let Some(chart) = scatter::capacity(run, &source)? {
        charts.push(chart);
    }
    if !years.is_empty()
        && let Some(chart) = lines::history(run.lang, &place(run), "history", years, &|y| y.county.clone(), &source)?
    {
        charts.push(chart);
    }
    Ok(charts)
}

/// The contributions chart as SVG alone (no PNG is drawn), for the planners' page: the same
/// drawing as the report's.
pub fn contributions_svg(run: &Run) -> Result<String, Error> {
    font_once();
    let t = run.lang.texts();
    let source = fill(t.c_source, &[("sources", &sources(run))]);
    Ok(bars::contributions_with(run, &source, true)?.svg)
}

/// The map's colour for `t` in [0, 1] (0 is the lowest figure, 1 the highest), as RGB.
pub fn map_colour(t: f64) -> (u8, u8, u8) {
    let c = map::colour(t);
    (c.0, c.1, c.2)
}

/// The charts of a robustness run: the interval chart and the Sobol heat map.
pub fn sensitivity(run: &Run, s: &Sensitivity) -> Result<Vec<Chart>, Error> {
    font_once();
    let t = run.lang.texts();
    let source = fill(t.c_source, &[("sources", &sources(run))]);
    Ok([bars::interval(run, s, &source)?, heat::sobol(run, s, &source)?]
        .into_iter()
        .flatten()
        .collect())
}

/// The dumbbell chart of a comparison of criteria files (the first run's data and sources).
pub fn compare(runs: &[(String, &Run)]) -> Result<Option<Chart>, Error> {
    font_once();
    let Some((_, first)) = runs.first() else {
        return Ok(None);
    };
    let t = first.lang.texts();
    let source = fill(t.c_source, &[("sources", &sources(first))]);
    bars::dumbbell(runs, &source)
}

/// The stacked chart of a file with several categories.
pub fn categories(runs: &[Run]) -> Result<Option<Chart>, Error> {
    font_once();
    let Some(first) = runs.first() else {
        return Ok(None);
    };
    let t = first.lang.texts();
    let source = fill(t.c_source, &[("sources", &sources(first))]);
    bars::categories(runs, &source)
}

/// The backtest's chart: each predictor's error by year.
pub fn backtest(
    lang: crate::lang::Lang,
    criteria: &crate::criteria::Criteria,
    data: &crate::data::Dataset,
    b: &crate::backtest::Backtest,
) -> Result<Option<Chart>, Error> {
    font_once();
    let t = lang.texts();
    let source = fill(t.c_source, &[("sources", &sources_of(criteria, data, true))]);
    lines::backtest(lang, b, &criteria.file.name, &source)
}

/// This run's year and numbers, for the series.
pub fn current(run: &Run) -> (i64, std::collections::HashMap<String, u64>) {
    (
        run.criteria.year,
        run.explanations
            .iter()
            .map(|e| (e.kommunenummer.clone(), e.recommendation))
            .collect(),
    )
}

/// "Heile fylket", or "Heile landet" for a run over several counties.
pub fn place(run: &Run) -> String {
    let t = run.lang.texts();
    if run.data.register.county.is_some() {
        t.hi_county
    } else {
        t.hi_country
    }
    .to_string()
}

/// The series chart for the county (`None`) or one municipality (its index in the register).
pub fn history(run: &Run, years: &[crate::history::Year], municipality: Option<usize>) -> Result<Option<Chart>, Error> {
    font_once();
    let t = run.lang.texts();
    let source = fill(t.c_source, &[("sources", &sources(run))]);
    match municipality {
        None => lines::history(run.lang, &place(run), "history", years, &|y| y.county.clone(), &source),
        Some(i) => {
            let name = run.data.register.municipalities[i].name.clone();
            lines::history(
                run.lang,
                &name,
                "history-kommune",
                years,
                &|y| y.municipalities[i].clone(),
                &source,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn citations_of_several_years_merge() {
        let merged = super::merge_years(&[
            "SSB 07459 (2026)",
            "IMDi (2024)",
            "NAV",
            "IMDi (2020)",
            "SSB 07459 (2025)",
        ]);
        assert_eq!(merged, ["SSB 07459 (2025–2026)", "IMDi (2020–2024)", "NAV"]);
    }
}
