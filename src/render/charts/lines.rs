//! (j) The series by year: IMDi's request, the decision and the number settled as lines, and the
//! recommendation as a dot, for the county or one municipality.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Chart, Error, FAMILY, GRID, INK, PALETTE, err, legend, render, with_source};
use crate::history::{Figures, Year};
use crate::lang::{Lang, fill};

const WIDTH: u32 = 1000;
const HEIGHT: u32 = 560;

/// A chart by year: the title, the years `first`–`last` along x, 0 to a little above `max` up y,
/// with the house's grid and labels.
fn year_frame<'a, DB: DrawingBackend + 'a>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    (first, last): (i64, i64),
    max: f64,
    lang: Lang,
    y_desc: &str,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, Error> {
    let mut chart = ChartBuilder::on(area)
        .caption(title, (FAMILY, 22).into_font().color(&INK))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d((first as f64 - 0.5)..(last as f64 + 0.5), 0f64..max * 1.12)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .x_labels((last - first + 1).clamp(1, 300) as usize)
        .x_label_formatter(&|v| format!("{}", v.round() as i64))
        .y_label_formatter(&|v| lang.num(*v, 0))
        .label_style((FAMILY, 13))
        .y_desc(y_desc)
        .axis_desc_style((FAMILY, 15))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// `pick` chooses the county or one municipality's figures from each year.
pub fn history(
    lang: Lang,
    place: &str,
    name: &'static str,
    years: &[Year],
    pick: &dyn Fn(&Year) -> Figures,
    source: &str,
) -> Result<Option<Chart>, Error> {
    let t = lang.texts();
    let points: Vec<(i64, Figures)> = years.iter().map(|y| (y.year, pick(y))).collect();
    let max = points
        .iter()
        .flat_map(|(_, f)| [f.recommendation, f.request, f.decision, f.settled])
        .flatten()
        .fold(0.0f64, f64::max);
    let (Some(first), Some(last)) = (points.first().map(|p| p.0), points.last().map(|p| p.0)) else {
        return Ok(None);
    };
    if max <= 0.0 {
        return Ok(None);
    }
    let title = fill(t.c_history_title, &[("place", place)]);
    type Series<'a> = (&'a str, fn(&Figures) -> Option<f64>, RGBColor);
    let series: [Series; 3] = [
        (t.hi_request, |f| f.request, PALETTE[0]),
        (t.hi_decision, |f| f.decision, PALETTE[1]),
        (t.hi_settled, |f| f.settled, PALETTE[2]),
    ];
    Ok(Some(render!(
        name,
        title.clone(),
        (WIDTH, HEIGHT),
        |root: &DrawingArea<_, _>| -> Result<(), Error> {
            let main = with_source(root, source)?;
            let mut chart = year_frame(&main, &title, (first, last), max, lang, t.c_persons)?;
            for (label, get, colour) in series {
                // Lines join consecutive years that both have the figure.
                let known: Vec<(f64, f64)> = points
                    .iter()
                    .filter_map(|(y, f)| get(f).map(|v| (*y as f64, v)))
                    .collect();
                if known.is_empty() {
                    continue;
                }
                chart
                    .draw_series(LineSeries::new(known.clone(), colour.stroke_width(3)))
                    .map_err(err)?
                    .label(label)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(3)));
                chart
                    .draw_series(known.iter().map(|&p| Circle::new(p, 4, colour.filled())))
                    .map_err(err)?;
            }
            let recs: Vec<(f64, f64)> = points
                .iter()
                .filter_map(|(y, f)| f.recommendation.map(|v| (*y as f64, v)))
                .collect();
            if !recs.is_empty() {
                chart
                    .draw_series(recs.iter().map(|&p| Circle::new(p, 7, INK.filled())))
                    .map_err(err)?
                    .label(t.recommendation)
                    .legend(|(x, y)| Circle::new((x + 8, y), 6, INK.filled()));
                chart
                    .draw_series(recs.iter().map(|&(x, v)| {
                        Text::new(
                            lang.num(v, 0),
                            (x - 0.1, v),
                            (FAMILY, 13)
                                .into_font()
                                .color(&INK)
                                .pos(Pos::new(HPos::Right, VPos::Center)),
                        )
                    }))
                    .map_err(err)?;
            }
            legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
            Ok(())
        }
    )))
}

/// The backtest: each predictor's mean error by year, as a percentage of the mean actual figure
/// (years differ sixfold in size), the file's line drawn strongest.
pub fn backtest(
    lang: Lang,
    b: &crate::backtest::Backtest,
    file_label: &str,
    source: &str,
) -> Result<Option<Chart>, Error> {
    use crate::backtest::Baseline;
    use crate::render::backtest::{baseline_label, target_label};
    let t = lang.texts();
    let (Some(first), Some(last)) = (b.years.first().map(|y| y.year), b.years.last().map(|y| y.year)) else {
        return Ok(None);
    };
    let file: Vec<(f64, f64)> = b
        .years
        .iter()
        .filter_map(|y| Some((y.year as f64, y.file.as_ref().ok()?.score.mae_percent)))
        .collect();
    let baselines: Vec<(&str, Vec<(f64, f64)>)> = Baseline::EVERY
        .iter()
        .enumerate()
        .map(|(k, &base)| {
            let points = b
                .years
                .iter()
                .filter_map(|y| Some((y.year as f64, y.baselines[k].as_ref()?.mae_percent)))
                .collect();
            (baseline_label(lang, base), points)
        })
        .collect();
    let max = file
        .iter()
        .chain(baselines.iter().flat_map(|(_, p)| p))
        .map(|p| p.1)
        .fold(0.0f64, f64::max);
    if max <= 0.0 {
        return Ok(None);
    }
    let target = target_label(lang, b.target);
    let title = fill(t.c_backtest_title, &[("target", target)]);
    let y_desc = fill(t.c_backtest_y, &[("target", target)]);
    Ok(Some(render!(
        "backtest",
        title.clone(),
        (WIDTH, HEIGHT),
        |root: &DrawingArea<_, _>| -> Result<(), Error> {
            let main = with_source(root, source)?;
            let mut chart = year_frame(&main, &title, (first, last), max, lang, &y_desc)?;
            for (k, (label, points)) in baselines.iter().enumerate() {
                if points.is_empty() {
                    continue;
                }
                let colour = PALETTE[k + 1];
                chart
                    .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
                    .map_err(err)?
                    .label(*label)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2)));
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))
                    .map_err(err)?;
            }
            if !file.is_empty() {
                chart
                    .draw_series(LineSeries::new(file.clone(), INK.stroke_width(4)))
                    .map_err(err)?
                    .label(file_label)
                    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], INK.stroke_width(4)));
                chart
                    .draw_series(file.iter().map(|&p| Circle::new(p, 5, INK.filled())))
                    .map_err(err)?;
            }
            legend(&mut chart, SeriesLabelPosition::UpperRight)?;
            Ok(())
        }
    )))
}
