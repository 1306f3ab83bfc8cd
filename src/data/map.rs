//! Municipal boundaries for the map: a GeoJSON FeatureCollection in WGS84 longitude/latitude,
//! one feature per municipality with a `kommunenummer` property.

use std::path::Path;

use geojson::{GeoJson, GeometryValue};

use super::{Register, read_text};
use crate::diag::{Diag, Diags};

/// A ring of (longitude, latitude) points.
pub type Ring = Vec<(f64, f64)>;

/// Each municipality's outer rings, in register order (holes are not drawn: the municipality
/// inside a hole is drawn on top).
#[derive(Clone, Debug)]
pub struct Shapes {
    pub rings: Vec<Vec<Ring>>,
}

fn outer_rings(value: &GeometryValue, out: &mut Vec<Ring>) {
    let ring = |r: &Vec<geojson::Position>| -> Ring { r.iter().map(|p| (p[0], p[1])).collect() };
    match value {
        GeometryValue::Polygon { coordinates } => out.extend(coordinates.first().map(ring)),
        GeometryValue::MultiPolygon { coordinates } => {
            out.extend(coordinates.iter().filter_map(|polygon| polygon.first().map(ring)));
        }
        GeometryValue::GeometryCollection { geometries } => {
            for g in geometries {
                outer_rings(&g.value, out);
            }
        }
        _ => {}
    }
}

/// The boundaries of a run's municipalities: `None` when the catalogue names no map, or the map
/// does not cover every county shown (a map of Vestland for a run over the whole country).
pub fn of(data: &super::Dataset) -> Result<Option<Shapes>, Diags> {
    let cat = &data.catalogue;
    let covered = cat
        .map_counties
        .as_ref()
        .is_none_or(|c| data.register.municipalities.iter().all(|m| c.contains(&m.county)));
    match &cat.map {
        Some(file) if covered => {
            let path = super::inside(&data.dir, file, cat)?;
            Ok(Some(load(&path, &path.display().to_string(), &data.register)?))
        }
        _ => Ok(None),
    }
}

/// Reads the boundaries and matches them to the register: every municipality needs a shape.
pub fn load(path: &Path, shown: &str, register: &Register) -> Result<Shapes, Diags> {
    let file = read_text(
        path,
        shown,
        "the catalogue's `map` names a GeoJSON file in the data folder",
    )?;
    let parsed: GeoJson = file.text.parse().map_err(|e| {
        Diags::from(
            Diag::error("map::parse", format!("{shown} is not GeoJSON: {e}"))
                .help("give a GeoJSON FeatureCollection with one feature per municipality"),
        )
    })?;
    let GeoJson::FeatureCollection(collection) = parsed else {
        return Err(Diags::from(
            Diag::error("map::parse", format!("{shown} is GeoJSON, but not a FeatureCollection"))
                .help("give a FeatureCollection with one feature per municipality"),
        ));
    };
    let mut rings: Vec<Vec<Ring>> = vec![Vec::new(); register.len()];
    let mut diags = Diags::default();
    for (k, feature) in collection.features.iter().enumerate() {
        let knr = feature
            .properties
            .as_ref()
            .and_then(|p| p.get("kommunenummer"))
            .and_then(|v| {
                v.as_str()
                    .map(String::from)
                    .or_else(|| v.as_u64().map(|n| format!("{n:04}")))
            });
        let Some(knr) = knr else {
            diags.push(Diag::error(
                "map::feature",
                format!("feature number {} of {shown} has no `kommunenummer` property", k + 1),
            ));
            continue;
        };
        if register.outside.contains(&knr) {
            continue;
        }
        match register.municipalities.iter().position(|m| m.knr == knr) {
            Some(i) => {
                if let Some(g) = &feature.geometry {
                    outer_rings(&g.value, &mut rings[i]);
                }
            }
            None => diags.push(
                Diag::error(
                    "map::unknown-municipality",
                    format!("{shown} has a shape for kommunenummer {knr}, which is not in the register"),
                )
                .help("use the boundaries of the register's year, or add the municipality to the register"),
            ),
        }
    }
    let missing: Vec<String> = register
        .municipalities
        .iter()
        .zip(&rings)
        .filter(|(_, r)| r.is_empty())
        .map(|(m, _)| m.label())
        .collect();
    if !missing.is_empty() {
        diags.push(
            Diag::error(
                "map::missing",
                format!("{shown} has no shape for {}", missing.join(", ")),
            )
            .help("use boundaries that cover every municipality of the register"),
        );
    }
    diags.into_result(Shapes { rings })
}
