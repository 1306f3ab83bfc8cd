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

/// The size of a name on the map, in pixels.
const LABEL_SIZE: u32 = 13;
/// Above this point of the colour scale a name is written in white.
const DARK: f64 = 0.7;
/// The fill of a municipality that is not asked.
const NOT_ASKED: RGBColor = RGBColor(200, 200, 200);

/// How many points across and down the search for a name's place tries in a ring's box.
const GRID: usize = 24;

/// Twice the area of a ring (shoelace formula; the sign gives the direction).
fn area(ring: &[(i32, i32)]) -> f64 {
    edges(ring).map(|((x0, y0), (x1, y1))| x0 * y1 - x1 * y0).sum()
}

/// The ring's edges as pairs of points, the last back to the first.
fn edges(ring: &[(i32, i32)]) -> impl Iterator<Item = ((f64, f64), (f64, f64))> + '_ {
    let point = |&(x, y): &(i32, i32)| (x as f64, y as f64);
    ring.iter().map(point).zip(ring.iter().cycle().skip(1).map(point))
}

/// Whether a point lies inside a ring (even-odd rule).
fn inside(ring: &[(i32, i32)], (x, y): (f64, f64)) -> bool {
    edges(ring)
        .filter(|&((x0, y0), (x1, y1))| (y0 > y) != (y1 > y) && x < x0 + (y - y0) / (y1 - y0) * (x1 - x0))
        .count()
        % 2
        == 1
}

/// The distance from a point to the nearest edge of a ring.
fn to_edge(ring: &[(i32, i32)], (x, y): (f64, f64)) -> f64 {
    edges(ring)
        .map(|((x0, y0), (x1, y1))| {
            let (dx, dy) = (x1 - x0, y1 - y0);
            let length = dx * dx + dy * dy;
            let s = if length == 0.0 {
                0.0
            } else {
                (((x - x0) * dx + (y - y0) * dy) / length).clamp(0.0, 1.0)
            };
            (x - x0 - s * dx).hypot(y - y0 - s * dy)
        })
        .fold(f64::INFINITY, f64::min)
}

/// The best place for a name of `w` × `h` pixels in a ring: of a grid of points over the ring's
/// box, those where the name's middle and both its ends lie inside the ring, the one furthest
/// from the ring's edge; `None` where the name fits nowhere. A fjord
/// or a sound can put a municipality's centroid in the water, hence the search.
fn label_place(ring: &[(i32, i32)], (w, h): (f64, f64)) -> Option<(i32, i32)> {
    let xs = ring.iter().map(|p| p.0 as f64);
    let ys = ring.iter().map(|p| p.1 as f64);
    let (x0, x1) = (
        xs.clone().fold(f64::INFINITY, f64::min),
        xs.fold(f64::NEG_INFINITY, f64::max),
    );
    let (y0, y1) = (
        ys.clone().fold(f64::INFINITY, f64::min),
        ys.fold(f64::NEG_INFINITY, f64::max),
    );
    if x1 - x0 < w || y1 - y0 < h {
        return None;
    }
    let fits = |(x, y): (f64, f64)| [-0.5, 0.0, 0.5].iter().all(|dx| inside(ring, (x + dx * w, y)));
    let mut best: Option<((f64, f64), f64)> = None;
    for i in 0..GRID {
        for j in 0..GRID {
            let p = (
                x0 + (x1 - x0) * (i as f64 + 0.5) / GRID as f64,
                y0 + (y1 - y0) * (j as f64 + 0.5) / GRID as f64,
            );
            if !fits(p) {
                continue;
            }
            let room = to_edge(ring, p);
            if best.is_none_or(|(_, r)| room > r) {
                best = Some((p, room));
            }
        }
    }
    best.map(|((x, y), _)| (x.round() as i32, y.round() as i32))
}

/// A name that fits its municipality: the area of the ring it is in (larger ones are placed
/// first), and the box it takes, left-top and right-bottom.
struct Candidate {
    size: f64,
    at: (i32, i32),
    cell: [(i32, i32); 2],
}

impl Candidate {
    fn overlaps(&self, other: &Candidate) -> bool {
        let ([a0, a1], [b0, b1]) = (self.cell, other.cell);
        a0.0 < b1.0 && b0.0 < a1.0 && a0.1 < b1.1 && b0.1 < a1.1
    }
}

/// Where each name goes: in the municipality's largest ring, where the name fits inside it
/// (see [`label_place`]) and runs into no name already placed. The largest municipalities are
/// placed first, so they are named whenever the name fits; a small island municipality is left
/// to the tooltip (in the HTML) and the table.
fn place_labels(rings: &[Vec<Vec<(i32, i32)>>], names: &[&str]) -> Vec<Option<(i32, i32)>> {
    let font = (FAMILY, LABEL_SIZE).into_font();
    let candidates: Vec<Option<Candidate>> = rings
        .iter()
        .zip(names)
        .map(|(rings, name)| {
            let (size, ring) = rings
                .iter()
                .map(|r| (area(r).abs(), r))
                .max_by(|a, b| a.0.total_cmp(&b.0))?;
            let (w, h) = font.box_size(name).ok()?;
            let (w, h) = (w as i32 + 4, h as i32 + 2);
            let (x, y) = label_place(ring, (w as f64, h as f64))?;
            Some(Candidate {
                size,
                at: (x, y),
                cell: [(x - w / 2, y - h / 2), (x + w / 2, y + h / 2)],
            })
        })
        .collect();
    let mut order: Vec<(usize, &Candidate)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((i, c.as_ref()?)))
        .collect();
    order.sort_by(|(i, a), (j, b)| b.size.total_cmp(&a.size).then(i.cmp(j)));
    let mut placed: Vec<&Candidate> = Vec::new();
    let mut out = vec![None; rings.len()];
    for (i, c) in order {
        if !placed.iter().any(|p| p.overlaps(c)) {
            placed.push(c);
            out[i] = Some(c.at);
        }
    }
    out
}

/// Puts each municipality's shapes in a `<g>` with a `<title>` (a browser shows it on hover),
/// which plotters cannot write. Its SVG has one line per element, and the map draws each ring
/// as a `<polygon>` and then its outline as a `<polyline>`, municipality after municipality,
/// from the first `<polygon>` on; anything else there is a fault, reported as one.
fn with_titles(svg: &str, rings: &[usize], titles: &[String]) -> Result<String, Error> {
    let mut lines = svg.split_inclusive('\n').peekable();
    let mut out = String::with_capacity(svg.len() + titles.iter().map(|t| t.len() + 24).sum::<usize>());
    while let Some(line) = lines.next_if(|l| !l.starts_with("<polygon")) {
        out.push_str(line);
    }
    for (&n, title) in rings.iter().zip(titles) {
        out.push_str("<g><title>");
        out.push_str(&minijinja::HtmlEscape(&crate::diag::printable(title)).to_string());
        out.push_str("</title>\n");
        for _ in 0..2 * n {
            match lines.next() {
                Some(l) if l.starts_with("<polygon") || l.starts_with("<polyline") => out.push_str(l),
                other => return Err(err(format!("the map's SVG has {other:?} where a shape was drawn"))),
            }
        }
        out.push_str("</g>\n");
    }
    out.extend(lines);
    Ok(out)
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
    let names: Vec<&str> = run.explanations.iter().map(|e| e.kommune.as_str()).collect();
    let mut chart = render!(
        "map",
        title.clone(),
        (WIDTH, HEIGHT),
        |root: &DrawingArea<_, _>| -> Result<(), Error> {
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
            let projected: Vec<Vec<Vec<(i32, i32)>>> = shapes
                .rings
                .iter()
                .map(|rings| rings.iter().map(|ring| ring.iter().map(project).collect()).collect())
                .collect();
            let mut inks = Vec::with_capacity(projected.len());
            for (i, rings) in projected.iter().enumerate() {
                let scaled = (values[i] - vmin) / (vmax - vmin);
                let (fill_colour, ink) = if run.explanations[i].not_asked.is_some() {
                    (NOT_ASKED, INK)
                } else {
                    (colour(scaled), if scaled > DARK { WHITE } else { INK })
                };
                inks.push(ink);
                for ring in rings {
                    main.draw(&Polygon::new(ring.clone(), fill_colour.filled()))
                        .map_err(err)?;
                    main.draw(&PathElement::new(ring.clone(), WHITE.stroke_width(1)))
                        .map_err(err)?;
                }
            }
            // The names after every shape, so that no neighbour's fill covers one.
            for ((at, name), ink) in place_labels(&projected, &names).into_iter().zip(&names).zip(&inks) {
                if let Some(at) = at {
                    main.draw(&Text::new(
                        name.to_string(),
                        at,
                        (FAMILY, LABEL_SIZE)
                            .into_font()
                            .color(ink)
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    ))
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
                main.draw(&Rectangle::new([(lx, y), (lx + 24, y + 14)], NOT_ASKED.filled()))
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
        }
    );
    let titles: Vec<String> = run
        .explanations
        .iter()
        .map(|e| {
            fill(
                t.c_map_hover,
                &[
                    ("knr", &e.kommunenummer),
                    ("kommune", &e.kommune),
                    ("n", &lang.int(e.recommendation)),
                    ("per_1000", &lang.num(e.per_1000, 1)),
                ],
            )
        })
        .collect();
    let rings: Vec<usize> = shapes.rings.iter().map(Vec::len).collect();
    chart.svg = with_titles(&chart.svg, &rings, &titles)?;
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_municipality_gets_a_group_with_its_title_escaped() {
        let svg = "<svg>\n<rect/>\n<polygon a/>\n<polyline a/>\n<polygon b/>\n<polyline b/>\n<polygon c/>\n<polyline c/>\n<text>\nx\n</text>\n</svg>\n";
        let titled = with_titles(svg, &[2, 1], &["<a> & \"b\"\u{1b}".into(), "c".into()]).unwrap();
        assert_eq!(
            titled,
            "<svg>\n<rect/>\n<g><title>&lt;a&gt; &amp; &quot;b&quot;?</title>\n<polygon a/>\n<polyline a/>\n\
             <polygon b/>\n<polyline b/>\n</g>\n<g><title>c</title>\n<polygon c/>\n<polyline c/>\n</g>\n\
             <text>\nx\n</text>\n</svg>\n"
        );
        // A drawing that does not have the shapes counted is a fault, not a wrong tooltip.
        assert!(with_titles(svg, &[4], &["a".into()]).is_err());
    }

    #[test]
    fn a_name_goes_where_its_shape_is_not_where_the_centroid_falls() {
        // A U: its centroid lies in the gap between the arms, which is not the municipality.
        let u = [
            (0, 0),
            (100, 0),
            (100, 100),
            (70, 100),
            (70, 30),
            (30, 30),
            (30, 100),
            (0, 100),
        ];
        let (x, y) = label_place(&u, (20.0, 10.0)).unwrap();
        assert!(inside(&u, (x as f64, y as f64)), "({x}, {y})");
        assert!(!(30..=70).contains(&x) || y < 30, "({x}, {y}) is in the gap");
        // A name wider than the shape is left out.
        assert_eq!(label_place(&u, (120.0, 10.0)), None);
    }
}
