//! The indicators joined onto the register with polars, in register order.

use polars::prelude::*;

use super::*;

/// Joins the indicators onto the register with polars: sums over years (a missing year makes
/// the sum missing), divides per-1000 figures, and keeps register order.
pub(super) fn join(register: &Register, parts: &[(&IndicatorDef, DataFrame)]) -> PolarsResult<IndicatorTable> {
    let knrs: Vec<&str> = register.municipalities.iter().map(|m| m.knr.as_str()).collect();
    let mut frame = DataFrame::new_infer_height(vec![Column::new(KNR.into(), knrs)])?.lazy();
    let raw = |name: &str| format!("{name}__raw");
    for (ind, part) in parts {
        let summed = part
            .clone()
            .lazy()
            .group_by([col(KNR)])
            .agg([when(col("value").null_count().gt(lit(0)))
                .then(lit(NULL).cast(DataType::Float64))
                .otherwise(col("value").sum())
                .alias(raw(&ind.name))]);
        frame = frame.left_join(summed, col(KNR), col(KNR));
    }
    let finals: Vec<Expr> = parts
        .iter()
        .map(|(ind, _)| match &ind.per_1000_of {
            Some(per) => (col(raw(&ind.name)) / col(raw(&per.value)) * lit(1000.0)).alias(ind.name.as_str()),
            None => col(raw(&ind.name)).alias(ind.name.as_str()),
        })
        .collect();
    let frame = frame
        .with_columns(finals)
        .sort([KNR], SortMultipleOptions::default())
        .collect()?;
    let mut columns = Vec::new();
    for (ind, _) in parts {
        let values: Vec<Option<f64>> = frame.column(&ind.name)?.f64()?.iter().collect();
        columns.push((ind.name.clone(), values));
    }
    Ok(IndicatorTable { columns })
}
