//! The page's map: one `<path data-knr="…">` per municipality, filled by recommendation per 1000
//! inhabitants on the report map's colour scale, so the page can give each its tooltip and
//! click. Drawn as plain SVG text (no raster), projected as the report's map
//! (`x = lon · cos φ₀`, `y = lat`). Every text in it is escaped.

use std::fmt::Write;

use crate::data::map::Shapes;
use crate::lang::fill;
use crate::pipeline::Run;
use crate::render::charts::map_colour;

const WIDTH: f64 = 400.0;
const MAX_HEIGHT: f64 = 600.0;
const TOP: f64 = 4.0;
const LEGEND: f64 = 58.0;
/// Points closer than this to the last one drawn (in tenths of a unit, squared) are left out:
/// the map is shown a few hundred pixels wide.
const NEAR: i64 = 36;
const NOT_ASKED: (u8, u8, u8) = (200, 200, 200);

/// Text for SVG (and HTML) content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Not allowed in XML 1.0 at all.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The map of a run, or an empty string when the municipalities have no shapes.
pub fn map(run: &Run, shapes: &Shapes) -> String {
    let lang = run.lang;
    let t = lang.texts();
    if shapes.rings.len() != run.explanations.len() || shapes.rings.iter().all(Vec::is_empty) {
        return String::new();
    }
    let values: Vec<f64> = run.explanations.iter().map(|e| e.per_1000).collect();
    let vmax = values.iter().copied().fold(0.0, f64::max).max(1e-9);
    let (mut lon0, mut lon1, mut lat0, mut lat1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for &(lon, lat) in shapes.rings.iter().flatten().flatten() {
        (lon0, lon1, lat0, lat1) = (lon0.min(lon), lon1.max(lon), lat0.min(lat), lat1.max(lat));
    }
    let k = ((lat0 + lat1) / 2.0).to_radians().cos();
    let (w_deg, h_deg) = (((lon1 - lon0) * k).max(1e-9), (lat1 - lat0).max(1e-9));
    let (left, right) = (8.0, WIDTH - 8.0);
    let scale = ((right - left) / w_deg).min((MAX_HEIGHT - TOP) / h_deg);
    let x_off = left + ((right - left) - w_deg * scale) / 2.0;
    let map_height = h_deg * scale;
    let height = (TOP + map_height + LEGEND).ceil();
    let title = fill(t.c_map_title, &[("year", &run.criteria.year.to_string())]);

    let mut svg = String::with_capacity(64 * 1024);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{}" font-family="sans-serif">"#,
        escape(&title)
    );
    svg.push_str(r##"<g stroke="#ffffff" stroke-width="0.7" stroke-linejoin="round">"##);
    for ((rings, e), v) in shapes.rings.iter().zip(&run.explanations).zip(&values) {
        let colour = if e.not_asked.is_some() {
            NOT_ASKED
        } else {
            map_colour(v / vmax)
        };
        let _ = write!(
            svg,
            r#"<path data-knr="{}" fill="{}" d=""#,
            escape(&e.kommunenummer),
            hex(colour)
        );
        for ring in rings {
            let points: Vec<(i64, i64)> = ring
                .iter()
                .map(|&(lon, lat)| {
                    let x = ((x_off + (lon - lon0) * k * scale) * 10.0).round() as i64;
                    let y = ((TOP + (lat1 - lat) * scale) * 10.0).round() as i64;
                    (x.max(0), y.max(0))
                })
                .collect();
            let mut last: Option<(i64, i64)> = None;
            for (n, &(x, y)) in points.iter().enumerate() {
                let near = last.is_some_and(|(a, b)| (x - a).pow(2) + (y - b).pow(2) < NEAR);
                if near && n + 1 < points.len() {
                    continue;
                }
                let command = if last.is_none() { 'M' } else { 'L' };
                let _ = write!(svg, "{command}{}.{} {}.{}", x / 10, x % 10, y / 10, y % 10);
                last = Some((x, y));
            }
            if last.is_some() {
                svg.push('Z');
            }
        }
        svg.push_str("\"/>");
    }
    svg.push_str("</g>");

    // The legend: a bar from 0 to the highest figure, with five values under it.
    let y = TOP + map_height + 18.0;
    let (bar_x, bar_w) = (8.0, 240.0);
    svg.push_str(r#"<defs><linearGradient id="busetting-map-scale">"#);
    for q in 0..=8 {
        let f = q as f64 / 8.0;
        let _ = write!(svg, r#"<stop offset="{f}" stop-color="{}"/>"#, hex(map_colour(f)));
    }
    svg.push_str("</linearGradient></defs>");
    let _ = write!(
        svg,
        r##"<text x="{bar_x}" y="{}" font-size="13" fill="#212121">{}</text>"##,
        y - 2.0,
        escape(t.c_map_legend)
    );
    let _ = write!(
        svg,
        r##"<rect x="{bar_x}" y="{}" width="{bar_w}" height="12" fill="url(#busetting-map-scale)" stroke="#6e6e6e" stroke-width="0.5"/>"##,
        y + 4.0
    );
    for q in 0..=4 {
        let x = bar_x + bar_w * q as f64 / 4.0;
        let anchor = match q {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        let _ = write!(
            svg,
            r##"<text x="{x}" y="{}" font-size="12" fill="#212121" text-anchor="{anchor}">{}</text>"##,
            y + 30.0,
            escape(&lang.num(vmax * q as f64 / 4.0, 1))
        );
    }
    if run.explanations.iter().any(|e| e.not_asked.is_some()) {
        let x = bar_x + bar_w + 20.0;
        let _ = write!(
            svg,
            r##"<rect x="{x}" y="{}" width="14" height="12" fill="{}"/><text x="{}" y="{}" font-size="12" fill="#212121">{}</text>"##,
            y + 4.0,
            hex(NOT_ASKED),
            x + 20.0,
            y + 14.0,
            escape(t.src_not_asked)
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_a_name_stays_text() {
        assert_eq!(
            escape("<script>a&b</script>\"'\u{1b}"),
            "&lt;script&gt;a&amp;b&lt;/script&gt;&quot;&#39;\u{FFFD}"
        );
    }
}
