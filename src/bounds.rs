//! Stage 4: each municipality's lower and upper bound, and where each comes from (docs/model.md §3,
//! §6).

use serde::Serialize;

use crate::criteria::{Bounds, CapacityMissing, Criteria, Override, OverrideRule};
use crate::data::Dataset;
use crate::diag::{Diag, Diags};

/// Where a bound comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BoundSource {
    /// The county-wide minimum.
    Minimum,
    /// The declared capacity column.
    Capacity,
    /// The per-1000-inhabitants cap.
    #[serde(rename = "per-1000-cap")]
    Per1000Cap,
    OverrideMin,
    OverrideMax,
    OverrideFixed,
    /// Left out by minimum-if-asked.
    NotAsked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Bound {
    pub value: u64,
    pub source: BoundSource,
}

/// One municipality's bounds; `None` is no bound (0 below, unlimited above).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Limits {
    pub lower: Option<Bound>,
    pub upper: Option<Bound>,
    /// The index of the override that touched this municipality.
    #[serde(skip)]
    pub override_index: Option<usize>,
}

impl Limits {
    pub fn lower_value(&self) -> u64 {
        self.lower.map_or(0, |b| b.value)
    }

    pub fn upper_value(&self) -> Option<u64> {
        self.upper.map(|b| b.value)
    }

    /// Set by an override to an exact number or a floor: minimum-if-asked leaves it alone.
    pub fn is_protected(&self) -> bool {
        matches!(
            self.lower.map(|b| b.source),
            Some(BoundSource::OverrideFixed | BoundSource::OverrideMin)
        )
    }
}

fn tighter_upper(current: Option<Bound>, new: Bound) -> Option<Bound> {
    match current {
        Some(c) if c.value < new.value => Some(c),
        _ => Some(new),
    }
}

/// Every municipality's bounds from the rules of `[bounds]`, the overrides, the capacity column
/// and the population: the tighter upper bound wins, and an override has the last word.
pub fn limits(b: &Bounds, overrides: &[Override], capacity: Option<&[Option<f64>]>, population: &[f64]) -> Vec<Limits> {
    let mut limits: Vec<Limits> = (0..population.len())
        .map(|_| Limits {
            lower: (b.minimum > 0).then_some(Bound {
                value: b.minimum,
                source: BoundSource::Minimum,
            }),
            upper: None,
            override_index: None,
        })
        .collect();
    if let Some(values) = capacity {
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                let bound = Bound {
                    value: v.floor() as u64,
                    source: BoundSource::Capacity,
                };
                limits[i].upper = tighter_upper(limits[i].upper, bound);
            }
        }
    }
    if let Some(cap) = b.per_1000_cap {
        for (i, p) in population.iter().enumerate() {
            // A hair of tolerance so that 30 per 1000 of 1000 inhabitants is 30, not 29.
            let value = (cap * p / 1000.0 + 1e-9).floor() as u64;
            limits[i].upper = tighter_upper(
                limits[i].upper,
                Bound {
                    value,
                    source: BoundSource::Per1000Cap,
                },
            );
        }
    }
    for (k, o) in overrides.iter().enumerate() {
        let Some(i) = o.index else { continue };
        let l = &mut limits[i];
        l.override_index = Some(k);
        match o.rule {
            OverrideRule::Fixed(v) => {
                let bound = Bound {
                    value: v,
                    source: BoundSource::OverrideFixed,
                };
                l.lower = Some(bound);
                l.upper = Some(bound);
            }
            OverrideRule::Between { min, max } => {
                if let Some(v) = max
                    && l.upper.is_none_or(|u| v <= u.value)
                {
                    l.upper = Some(Bound {
                        value: v,
                        source: BoundSource::OverrideMax,
                    });
                }
                if let Some(v) = min
                    && l.lower.is_none_or(|lo| v >= lo.value)
                {
                    l.lower = Some(Bound {
                        value: v,
                        source: BoundSource::OverrideMin,
                    });
                }
            }
        }
    }
    limits
}

/// Computes every municipality's bounds, reporting every municipality whose bounds cross.
pub fn compute(criteria: &Criteria, data: &Dataset, population: &[f64]) -> Result<Vec<Limits>, Diags> {
    let b = &criteria.bounds;
    let mut diags = Diags::default();
    let capacity = b.capacity.as_ref().map(|col| data.table.get(&col.value).unwrap_or(&[]));
    if let (Some(col), Some(values)) = (&b.capacity, capacity)
        && b.capacity_missing == CapacityMissing::Error
    {
        let missing: Vec<String> = values
            .iter()
            .zip(&data.register.municipalities)
            .filter(|(v, _)| v.is_none())
            .map(|(_, m)| m.label())
            .collect();
        if !missing.is_empty() {
            let file = data
                .catalogue
                .indicator(&col.value)
                .map_or("the data", |i| i.file.value.as_str());
            diags.push(
                Diag::error(
                    "bounds::capacity-missing",
                    format!("capacity `{}` is missing for {}", col.value, missing.join(", ")),
                )
                .at(&criteria.file, col.span.clone(), "capacity column")
                .help(format!(
                    "fill in the capacity in {file}, or add capacity-missing = \"no-limit\" to [bounds]"
                )),
            );
        }
    }
    let limits = limits(b, &criteria.overrides, capacity, population);
    // Municipalities whose lower bound is above their upper bound: one message each when few,
    // one message for all when many (a minimum above the per-1000 cap of every small municipality).
    let crossed: Vec<(usize, Bound, Bound)> = limits
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match (l.lower, l.upper) {
            (Some(lo), Some(hi)) if lo.value > hi.value => Some((i, lo, hi)),
            _ => None,
        })
        .collect();
    let describe = |&(i, lo, hi): &(usize, Bound, Bound)| {
        format!(
            "{}: lower bound {} ({}) above upper bound {} ({})",
            data.register.municipalities[i].label(),
            lo.value,
            source_name(lo.source),
            hi.value,
            source_name(hi.source)
        )
    };
    let help = "lower the minimum, raise the capacity or the per-1000 cap, or settle it with an [[override]]";
    if crossed.len() <= 3 {
        for c in &crossed {
            let mut d = Diag::error("bounds::crossed", describe(c)).help(help);
            if let Some(k) = limits[c.0].override_index {
                d = d.at(&criteria.file, criteria.overrides[k].span.clone(), "override");
            }
            diags.push(d);
        }
    } else {
        let mut list: Vec<String> = crossed.iter().take(8).map(describe).collect();
        if crossed.len() > 8 {
            list.push(format!("and {} more", crossed.len() - 8));
        }
        diags.push(
            Diag::error(
                "bounds::crossed",
                format!(
                    "{} municipalities have a lower bound above their upper bound:\n{}",
                    crossed.len(),
                    list.join("\n")
                ),
            )
            .help(help),
        );
    }
    diags.into_result(limits)
}

/// The English name of a bound's source, for messages.
pub fn source_name(s: BoundSource) -> &'static str {
    match s {
        BoundSource::Minimum => "minimum",
        BoundSource::Capacity => "capacity",
        BoundSource::Per1000Cap => "per-1000 cap",
        BoundSource::OverrideMin => "override min",
        BoundSource::OverrideMax => "override max",
        BoundSource::OverrideFixed => "override fixed",
        BoundSource::NotAsked => "not asked",
    }
}
