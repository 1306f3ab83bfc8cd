//! The report's languages: Nynorsk (the county's, and the default), Bokmål and English.
//!
//! Every user-facing string of the tables and explanations lives in [`Texts`], one instance per
//! language; a missing string is a compile error. Templates take named `{placeholders}`.
//! Numbers are formatted the Norwegian way in nn and nb (space between thousands, decimal comma,
//! a true minus sign) and the English way in en.

use clap::ValueEnum;
use serde::Serialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Nynorsk
    #[default]
    Nn,
    /// Bokmål
    Nb,
    /// English
    En,
}

/// Declares [`Texts`] with one `&'static str` per key, and [`Texts::entries`] listing them.
macro_rules! catalogue {
    ($($(#[doc = $doc:literal])* $key:ident,)*) => {
        /// Every user-facing string of tables, explanations, charts and reports, in one language.
        pub struct Texts {
            $($(#[doc = $doc])* pub $key: &'static str,)*
        }

        impl Texts {
            /// Every key with its text: for templates, and for the tests that every language has
            /// every string with the same placeholders.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key),)*]
            }
        }
    };
}

catalogue! {
    rank,
    knr,
    kommune,
    recommendation,
    per_1000,
    bound_adjustment,
    rounding,
    bound,
    /// Column heads for the latest year's figures: `{year}`.
    request_year,
    decision_year,
    settled_year,
    sum,

    src_minimum,
    src_capacity,
    src_per_1000_cap,
    src_override_min,
    src_override_max,
    src_override_fixed,
    src_not_asked,
    /// `{bound}` `{value}`.
    cap_short,
    floor_short,

    /// `{year}` `{total}` `{n}` `{method}`.
    heading,
    weights,
    /// `{column}` `{count}` `{value}` `{criterion}`.
    filled,
    /// `{column}` `{count}` `{criterion}`.
    filled_neutral,
    /// `{column}` `{count}` `{criterion}`.
    filled_zero,
    /// `{m}` `{list}`.
    not_asked_note,
    /// `{winner}` `{loser}` `{rule}`.
    tie_note,
    rule_larger_share,
    rule_lower_number,
    /// `{kommune}` `{reason}`.
    override_note,
    /// `{files}`.
    wrote,
    and,

    /// Sentence pieces. `{n}` is a number of persons.
    s_more,
    s_fewer,
    s_same,
    /// `{year}`.
    s_request,
    /// `{list}`.
    s_because,
    /// `{bound}` `{n}`.
    s_capped,
    s_raised,
    /// `{n}`.
    s_received,
    s_gave,
    /// `{m}` `{upper}` `{bound}`.
    s_not_asked_cap,
    /// `{m}` `{n}`.
    s_not_asked_small,
    /// `{reason}`.
    s_override,

    x_heading,
    x_criterion,
    x_weight,
    x_value,
    x_place,
    x_factor,
    x_share,
    x_contribution,
    x_filled_mark,
    x_sum_contributions,
    x_bound_adjustment,
    x_rounding,
    x_recommendation,
    /// `{lower}` `{upper}`.
    x_bounds,
    x_no_upper,
    x_no_lower,
    /// `{above}` `{below}`.
    x_distance,
    /// `{above}`.
    x_distance_no_upper,
    x_margin,
    /// `{change}` `{persons}` `{percent}` `{who}`.
    x_gain,
    x_lose,
    x_gain_at_bound,
    x_lose_at_bound,
    x_lose_at_zero,
    x_no_counterpart,
    /// `{year}` `{request}` `{decision}` `{settled}`.
    x_previous,
    x_none,
    x_margin_note,
    /// `{file}` `{n}` `{k}` `{total}` `{method}`.
    check_ok,
    /// `{year}`.
    c_contributions_title,
    c_persons,
    /// `{year}`.
    c_per_1000_title,
    c_per_1000_axis,
    /// `{value}`.
    c_county_level,
    /// `{year}`.
    c_map_title,
    c_map_legend,
    /// `{year}` `{previous}`.
    c_compare_title,
    c_compare_axis,
    /// `{year}`.
    c_recommendation_year,
    /// `{year}`.
    c_capacity_title,
    /// `{label}`.
    c_capacity_axis,
    c_recommendation_axis,
    c_equal_line,
    /// `{sources}`.
    c_source,
    c_marker,
    /// `{year}`.
    h_title,
    h_summary,
    h_total,
    h_method,
    h_municipalities_count,
    h_criteria,
    h_weight,
    h_basis,
    h_indicator,
    h_bounds,
    /// `{previous}`.
    h_changes,
    /// `{total}` `{previous_total}` `{previous}`.
    h_change_total,
    h_largest_increases,
    h_largest_decreases,
    h_change,
    h_table,
    h_sort_hint,
    h_charts,
    h_explanations,
    h_provenance,
    h_source,
    h_file,
    h_column,
    h_filled,
    h_notes,
    h_none,
    h_inputs,
    /// `{file}`.
    h_criteria_file,
    h_sha256,
    /// `{version}`.
    h_made_by,
    h_sheet,
    h_population,
    h_quota,
    h_lower,
    h_upper,
    h_sentence,
    h_minimum_if_asked,
    /// `{draws}`.
    s_heading,
    /// `{kappa}` `{seed}`.
    s_dirichlet,
    /// `{delta}` `{seed}`.
    s_uniform,
    /// `{noise}`.
    s_noise,
    /// `{count}`.
    s_exact,
    /// `{count}`.
    s_infeasible,
    s_baseline,
    s_p5,
    s_median,
    s_p95,
    s_moved,
    s_rank_interval,
    s_driver,
    s_sobol_note,
    s_steady,
    s_no_weight,
    /// `{steady}` `{n}` `{widest}`.
    s_summary,
    /// `{year}` `{draws}`.
    c_interval_title,
    c_interval_axis,
    /// `{year}`.
    c_sobol_title,
    c_sobol_legend,
    /// `{count}`.
    k_heading,
    /// `{b}` `{a}`.
    k_difference,
    /// `{b}`.
    k_driver,
    k_bounds,
    k_rounding,
    /// `{changed}` `{n}` `{b}` `{a}` `{moved}`.
    k_changed,
    /// `{year}`.
    c_dumbbell_title,
    c_dumbbell_axis,
    /// `{target}`.
    l_heading,
    l_criterion,
    l_file_weight,
    l_fitted_weight,
    /// `{r2}` `{mae}` `{method}` `{total}`.
    l_fit,
    l_worst,
    l_target,
    l_with_fitted,
    /// `{a}` `{b}`.
    l_same_shares,
    /// `{target}` `{list}`.
    l_excluded,
    l_method,
    /// `{year}` `{n}`.
    g_heading,
    g_total,
    /// `{year}`.
    c_categories_title,
    /// `{dir}` `{n}` `{files}` `{outputs}`.
    v_ok,
    hi_county,
    hi_country,
    /// `{place}`.
    hi_heading,
    hi_year,
    hi_request,
    hi_decision,
    hi_settled,
    hi_ratio,
    hi_mad,
    hi_met,
    hi_mad_rec,
    /// `{year}` `{note}`.
    hi_note,
    /// `{place}` `{mad}` `{from}` `{to}`.
    hi_summary,
    /// `{place}`.
    c_history_title,
    tc_dwellings,
    tc_adult_education,
    tc_capacity,
    tc_intro,
    tc_comment,
    tc_sheet,
    /// `{rows}` `{columns}` `{file}`.
    im_summary,
    /// `{count}` `{list}`.
    im_suppressed,
    /// `{count}` `{list}`.
    im_unknown,
    /// `{list}`.
    im_mapped,
    /// `{file}` `{target}` `{place}` `{from}` `{to}`.
    bt_heading,
    bt_total,
    bt_file,
    bt_percent,
    bt_within,
    bt_last_request,
    bt_last_decision,
    bt_population,
    bt_equal,
    bt_target_request,
    bt_target_decision,
    /// `{best}` `{wins}` `{years}` `{file_sum}` `{best_sum}` `{diff}`.
    bt_verdict_won,
    /// `{best}` `{wins}` `{years}` `{file_sum}` `{best_sum}` `{diff}`.
    bt_verdict_lost,
    /// `{year}` `{reason}`.
    bt_skipped,
    /// `{year}` `{criterion}` `{from}`.
    bt_left_out,
    /// `{year}` `{column}` `{from}`.
    bt_capacity_dropped,
    /// `{year}` `{years}` `{weights}`.
    bt_fitted,
    /// `{year}`.
    bt_not_fitted,
    /// `{year}` `{years}` `{weights}`.
    bt_next,
    /// `{criterion}` `{power}` `{persons}` `{share}` `{plain_persons}` `{plain_share}`.
    x_power,
    /// `{place}` `{n}`.
    bt_fit_on,
    /// `{county}`.
    bt_county,
    /// `{year}` `{reason}`.
    bt_not_fitted_because,
    bt_sum,
    /// `{criterion}` `{column}`.
    bt_undated,
    /// `{dir}`.
    unchanged,
    /// `{year}` `{list}`.
    bt_misses,
    /// `{kommune}` `{predicted}` `{actual}`.
    bt_miss,
    /// `{total}`.
    bt_rule,
    bt_total_request,
    bt_total_decision,
    bt_rule_fit,
    /// `{target}`.
    c_backtest_title,
    /// `{target}`.
    c_backtest_y,
    h_backtest,
}

pub static NN: Texts = Texts {
    rank: "Nr.",
    knr: "Kommunenr.",
    kommune: "Kommune",
    recommendation: "Tilråding",
    per_1000: "Per 1000 innb.",
    bound_adjustment: "Grensejustering",
    rounding: "Avrunding",
    bound: "Grense som verka",
    request_year: "Oppmoding {year}",
    decision_year: "Vedtak {year}",
    settled_year: "Busett {year}",
    sum: "Sum",
    src_minimum: "minstetal",
    src_capacity: "kapasitet",
    src_per_1000_cap: "tak per 1000 innb.",
    src_override_min: "overstyrt minimum",
    src_override_max: "overstyrt maksimum",
    src_override_fixed: "overstyrt fast tal",
    src_not_asked: "ikkje spurd",
    cap_short: "{bound}: {value}",
    floor_short: "{bound}: {value}",
    heading: "Tilråding for {year}: {total} personar fordelte på {n} kommunar ({method})",
    weights: "Kriterium og vekter",
    filled: "Fylt inn: `{column}` manglar for {count} kommunar; brukte fylkessnittet {value} (kriterium {criterion}).",
    filled_neutral: "Fylt inn: `{column}` manglar for alle {count} kommunane; kriteriet {criterion} verkar difor som folketalsdel.",
    filled_zero: "Fylt inn: `{column}` manglar for {count} kommunar; brukte 0 (kriterium {criterion}).",
    not_asked_note: "Ikkje spurde (færre enn {m} er ikkje ei oppmoding): {list}.",
    tie_note: "Likt: {winner} fekk eininga framfor {loser} ({rule}).",
    rule_larger_share: "større samla del",
    rule_lower_number: "lågare kommunenummer",
    override_note: "Overstyring for {kommune}: {reason}",
    wrote: "Skreiv {files}",
    and: "og",
    s_more: "{n} fleire enn",
    s_fewer: "{n} færre enn",
    s_same: "like mange som",
    s_request: "IMDi si oppmoding for {year}",
    s_because: "mest på grunn av {list}",
    s_capped: "avgrensa av {bound} ({n})",
    s_raised: "heva av {bound} ({n})",
    s_received: "fekk {n} som kommunar med tak ikkje kunne ta",
    s_gave: "gav {n} til kommunar som vart heva til golvet",
    s_not_asked_cap: "ikkje spurd: øvre grense {upper} ({bound}) er under minstetalet {m}",
    s_not_asked_small: "ikkje spurd: ville fått {n}, under minstetalet {m}",
    s_override: "overstyrt: {reason}",
    x_heading: "{kommune} ({knr}): tilråding {a} for {year}",
    x_criterion: "Kriterium",
    x_weight: "Vekt",
    x_value: "Verdi",
    x_place: "Plass",
    x_factor: "Faktor",
    x_share: "Del",
    x_contribution: "Bidrag (personar)",
    x_filled_mark: "fylt inn",
    x_sum_contributions: "Sum av bidrag (q = T·S)",
    x_bound_adjustment: "Grensejustering (Q − q)",
    x_rounding: "Avrunding (a − Q)",
    x_recommendation: "Tilråding (a)",
    x_bounds: "Grenser: nedre {lower}, øvre {upper}.",
    x_no_upper: "inga",
    x_no_lower: "0",
    x_distance: "Avstand: {above} over nedre grense, {below} under øvre.",
    x_distance_no_upper: "Avstand: {above} over nedre grense; inga øvre grense.",
    x_margin: "Margin",
    x_gain: "éin til: samla del må auke med {change} ({persons} personar, {percent} av delen); eininga kjem frå {who}.",
    x_lose: "éin mindre: samla del må falle med {change} ({persons} personar, {percent} av delen); eininga går til {who}.",
    x_gain_at_bound: "éin til: nei, ved øvre grense {bound}.",
    x_lose_at_bound: "éin mindre: nei, ved nedre grense {bound}.",
    x_lose_at_zero: "éin mindre: nei, har 0.",
    x_no_counterpart: "ingen annan kommune kan gje eller ta ei eining",
    x_previous: "IMDi {year}: oppmoding {request}, vedtak {decision}, busett {settled}.",
    x_none: "–",
    x_margin_note: "Margin: endring i kommunen sin samla del når dei andre sine delar står fast.",
    check_ok: "{file}: i orden ({n} kommunar, {k} kriterium, total {total}, {method}).",
    c_contributions_title: "Tilråding for {year} per kommune, fordelt på kriterium",
    c_persons: "Personar",
    c_per_1000_title: "Tilråding for {year} per 1000 innbyggjarar",
    c_per_1000_axis: "Personar per 1000 innbyggjarar",
    c_county_level: "Fylket: {value}",
    c_map_title: "Tilråding for {year} per 1000 innbyggjarar, kart",
    c_map_legend: "Per 1000 innbyggjarar",
    c_compare_title: "Tilråding for {year} mot IMDi-oppmoding, vedtak og busette i {previous}",
    c_compare_axis: "Personar (logaritmisk skala)",
    c_recommendation_year: "Tilråding {year}",
    c_capacity_title: "Tilråding for {year} mot meldt kapasitet",
    c_capacity_axis: "{label} (personar, logaritmisk skala)",
    c_recommendation_axis: "Tilråding (personar, logaritmisk skala)",
    c_equal_line: "tilråding = kapasitet",
    c_source: "Kjelde: {sources}. Utrekning: busetting.",
    c_marker: "tilråding",
    h_title: "Tilråding om busetjing av flyktningar i {year}",
    h_summary: "Samandrag",
    h_total: "Tal å fordele",
    h_method: "Metode for heile tal",
    h_municipalities_count: "Kommunar",
    h_criteria: "Kriterium og vekter",
    h_weight: "Vekt",
    h_basis: "Grunnlag",
    h_indicator: "Indikator",
    h_bounds: "Grenser",
    h_changes: "Endring frå IMDi-oppmodinga for {previous}",
    h_change_total: "Til saman {total} personar, mot {previous_total} i IMDi-oppmodinga for {previous}.",
    h_largest_increases: "Største auke",
    h_largest_decreases: "Største nedgang",
    h_change: "Endring",
    h_table: "Tilråding per kommune",
    h_sort_hint: "Klikk på ei kolonneoverskrift for å sortere.",
    h_charts: "Diagram",
    h_explanations: "Forklaring per kommune",
    h_provenance: "Kjelder og data",
    h_source: "Kjelde",
    h_file: "Fil",
    h_column: "Kolonne",
    h_filled: "Fylte verdiar",
    h_notes: "Merknader",
    h_none: "Ingen.",
    h_inputs: "Inndata for denne køyringa",
    h_criteria_file: "Kriteriefila {file}",
    h_sha256: "SHA-256",
    h_made_by: "Laga med busetting {version}. Tala kan reknast ut att frå inndata over.",
    h_sheet: "Tilråding",
    h_population: "Folketal",
    h_quota: "Kvote med grenser (Q)",
    h_lower: "Nedre grense",
    h_upper: "Øvre grense",
    h_sentence: "Forklaring",
    h_minimum_if_asked: "Minstetal om kommunen blir spurd",
    s_heading: "Kor sikker er tilrådinga? {draws} trekk av vektene",
    s_dirichlet: "Vektene er trekte frå ei Dirichlet-fordeling rundt vektene i kriteriefila (konsentrasjon κ = {kappa}; frø {seed}). Kvart trekk reknar delane, grensene og heiltalsmetoden om att.",
    s_uniform: "Kvar vekt er trekt jamt innanfor ±{delta} av verdien i kriteriefila og så skalert til sum 1 (frø {seed}). Kvart trekk reknar delane, grensene og heiltalsmetoden om att.",
    s_noise: "Indikatorane har i tillegg ein relativ feil på om lag {noise} i kvart trekk.",
    s_exact: "{count} trekk låg så nær eit likt tal at dei vart rekna eksakt.",
    s_infeasible: "{count} trekk gav inga mogleg fordeling innanfor grensene og er haldne utanfor.",
    s_baseline: "Tilråding",
    s_p5: "P5",
    s_median: "Median",
    s_p95: "P95",
    s_moved: "Del med meir enn ±1",
    s_rank_interval: "Plass (P5–P95)",
    s_driver: "Vekta som betyr mest (Sobol)",
    s_sobol_note: "Sobol-indeksen til eit kriterium er den delen av variasjonen i talet til kommunen som vekta til kriteriet åleine forklarar (0 = ingenting, 1 = alt).",
    s_steady: "ingen variasjon",
    s_no_weight: "inga vekt åleine",
    s_summary: "{steady} av {n} kommunar har same tal ±1 i minst 90 % av trekka. Breiast intervall: {widest}.",
    c_interval_title: "Tilråding for {year}: 90 %-intervall over {draws} trekk av vektene",
    c_interval_axis: "Personar (strek: P5–P95, prikk: tilrådinga, strek i midten: median)",
    c_sobol_title: "Kva vekt betyr mest for kven? Sobol-indeksar, {year}",
    c_sobol_legend: "Førsteordens Sobol-indeks",
    k_heading: "Samanlikning av {count} kriteriefiler",
    k_difference: "{b} − {a}",
    k_driver: "Mest av skilnaden ({b})",
    k_bounds: "grensene",
    k_rounding: "avrundinga",
    k_changed: "{changed} av {n} kommunar får eit anna tal under {b} enn under {a}; {moved} personar flyttar.",
    c_dumbbell_title: "Tilråding for {year} under kvar kriteriefil",
    c_dumbbell_axis: "Personar (logaritmisk skala)",
    l_heading: "Vekter tilpassa {target}",
    l_criterion: "Kriterium",
    l_file_weight: "Vekt i fila",
    l_fitted_weight: "Tilpassa vekt",
    l_fit: "R² = {r2} på samla del. Fordelt med dei tilpassa vektene ({method}, {total} personar, grensene i fila) er gjennomsnittleg avvik {mae} personar per kommune.",
    l_worst: "Dårlegast tilpassa",
    l_target: "Mål",
    l_with_fitted: "Med tilpassa vekter",
    l_same_shares: "{a} og {b} har same delar i desse dataa, så berre summen av vektene deira er bestemt; tilpassinga gir han til {a}.",
    l_excluded: "Utan verdi i {target} og utelatne frå tilpassinga: {list}.",
    l_method: "Minste kvadrat på samla del, med vekter som er 0 eller meir og summerer til 1 (eksakt løysing av det vesle kvadratiske programmet).",
    g_heading: "Tilråding for {year} per kategori ({n} kategoriar)",
    g_total: "Til saman",
    c_categories_title: "Tilråding for {year} per kategori",
    v_ok: "{dir}: stadfesta. Alle {n} tala er dei same når dei blir rekna om att, ingen av dei {files} inndatafilene er endra, og alle dei {outputs} filene i settet er nett det inndataa gjev, utan filer i tillegg.",
    hi_county: "Heile fylket",
    hi_country: "Heile landet",
    hi_heading: "{place}: tilråding, oppmoding, vedtak og busette per år",
    hi_year: "År",
    hi_request: "IMDi-oppmoding",
    hi_decision: "Vedtak",
    hi_settled: "Busette",
    hi_ratio: "Vedtak / oppmoding",
    hi_mad: "Snittavvik vedtak–oppmoding",
    hi_met: "Del som vedtok minst oppmodinga",
    hi_mad_rec: "Snittavvik vedtak–tilråding",
    hi_note: "{year}: {note}",
    hi_summary: "{place}: vedtaket var i snitt {mad} personar frå oppmodinga ({from}–{to}).",
    c_history_title: "{place}: tilråding, oppmoding, vedtak og busette per år",
    tc_dwellings: "Bustader tilgjengelege for flyktningar (dwellings_available)",
    tc_adult_education: "Plassar i vaksenopplæringa (adult_education_places)",
    tc_capacity: "Kor mange kan kommunen busetje (declared_capacity)",
    tc_intro: "Introduksjonsprogrammet: % i arbeid eller utdanning eitt år etter (intro_result_pct)",
    tc_comment: "Kommentar (comment)",
    tc_sheet: "Kapasitetsdialog",
    im_summary: "Las {rows} rader med {columns} frå {file}.",
    im_suppressed: "{count} skjulte eller manglande verdiar er tomme celler: {list}.",
    im_unknown: "{count} regionar er ikkje kommunar i registeret og er utelatne: {list}.",
    im_mapped: "Gamle kommunenummer førte over til dagens: {list}.",
    bt_heading: "{file}: tilbakeprøving mot {target}, {place}, {from}–{to}",
    bt_total: "Totalt",
    bt_file: "Fila: snittfeil",
    bt_percent: "% av snittet",
    bt_within: "Innan ±5",
    bt_last_request: "Førre oppmoding",
    bt_last_decision: "Førre vedtak",
    bt_population: "Folketalsdel",
    bt_equal: "Lik del",
    bt_target_request: "IMDi si oppmoding",
    bt_target_decision: "vedtaka til kommunane",
    bt_verdict_won: "Dom: fila slår den beste grunnlinja ({best}) i {wins} av {years} år, og summert over åra er snittfeilen {file_sum} mot {best_sum} personar, {diff} betre.",
    bt_verdict_lost: "Dom: fila slår den beste grunnlinja ({best}) i {wins} av {years} år, men summert over åra er snittfeilen {file_sum} mot {best_sum} personar, {diff} dårlegare.",
    bt_skipped: "{year}: fila kunne ikkje lagast for dette året: {reason}",
    bt_left_out: "{year}: kriteriet `{criterion}` er utelate, for tala er frå {from} og var ikkje kjende før {year}; vektene til dei andre er skalerte opp.",
    bt_capacity_dropped: "{year}: kapasitetsgrensa `{column}` er fjerna (tal frå {from}).",
    bt_fitted: "{year}: vekter tilpassa {years}: {weights}.",
    bt_not_fitted: "{year}: ikkje noko tidlegare år å tilpasse på; vektene i fila er brukte, og året tel ikkje med i domen.",
    bt_next: "For {year}, tilpassa alle åra før ({years}): {weights}.",
    bt_fit_on: "Vektene er tilpassa åra til {place} ({n} kommunar), ikkje berre fylket som er prøvd.",
    bt_county: "fylke {county}",
    bt_not_fitted_because: "{year}: ingen tidlegare år kunne brukast til tilpassinga ({reason}); vektene i fila er brukte, og året tel ikkje med i domen.",
    bt_sum: "Sum over åra som tel",
    unchanged: "{dir} har alt denne tilrådinga (same inndata, same tal); settet der står urørt.",
    bt_undated: "Kriteriet `{criterion}` les `{column}`, som ikkje har noko årstal: det er brukt som det er i alle åra.",
    x_power: "{criterion}: med potensen {power} gjev kriteriet {persons} personar (delen {share}); som vanleg del ville det gitt {plain_persons} (delen {plain_share}).",
    bt_misses: "{year}, største bom: {list}.",
    bt_miss: "{kommune} {predicted} mot {actual}",
    bt_rule: "Kvart år t er rekna berre med tal frå før t: folketal 1. januar t−1, oppmodingar, vedtak og busette til og med t−1; eit kriterium på tal frå t eller seinare er utelate det året. Totalen er {total} i t. Overstyringane i fila er ikkje med. Vektene er dei i fila (med --fit: tilpassa åra før t). Grunnlinjene er delar gonger totalen, utan avrunding.",
    bt_total_request: "det IMDi bad kommunane om",
    bt_total_decision: "det kommunane vedtok",
    bt_rule_fit: "Med --fit er vektene for t tilpassa åra før t (minste kvadrat på delane, vekter ≥ 0 som summerer til 1); ingenting frå t eller seinare går inn.",
    c_backtest_title: "Tilbakeprøving: snittfeil per år mot {target}",
    c_backtest_y: "Snittfeil i % av snittet",
    h_backtest: "Tilbakeprøving",
};

pub static NB: Texts = Texts {
    rank: "Nr.",
    knr: "Kommunenr.",
    kommune: "Kommune",
    recommendation: "Tilrådning",
    per_1000: "Per 1000 innb.",
    bound_adjustment: "Grensejustering",
    rounding: "Avrunding",
    bound: "Grense som virket",
    request_year: "Anmodning {year}",
    decision_year: "Vedtak {year}",
    settled_year: "Bosatt {year}",
    sum: "Sum",
    src_minimum: "minstetall",
    src_capacity: "kapasitet",
    src_per_1000_cap: "tak per 1000 innb.",
    src_override_min: "overstyrt minimum",
    src_override_max: "overstyrt maksimum",
    src_override_fixed: "overstyrt fast tall",
    src_not_asked: "ikke anmodet",
    cap_short: "{bound}: {value}",
    floor_short: "{bound}: {value}",
    heading: "Tilrådning for {year}: {total} personer fordelt på {n} kommuner ({method})",
    weights: "Kriterier og vekter",
    filled: "Fylt inn: `{column}` mangler for {count} kommuner; brukte fylkessnittet {value} (kriterium {criterion}).",
    filled_neutral: "Fylt inn: `{column}` mangler for alle {count} kommunene; kriteriet {criterion} virker derfor som folketallsandel.",
    filled_zero: "Fylt inn: `{column}` mangler for {count} kommuner; brukte 0 (kriterium {criterion}).",
    not_asked_note: "Ikke anmodet (færre enn {m} er ikke en anmodning): {list}.",
    tie_note: "Likt: {winner} fikk enheten foran {loser} ({rule}).",
    rule_larger_share: "større samlet andel",
    rule_lower_number: "lavere kommunenummer",
    override_note: "Overstyring for {kommune}: {reason}",
    wrote: "Skrev {files}",
    and: "og",
    s_more: "{n} flere enn",
    s_fewer: "{n} færre enn",
    s_same: "like mange som",
    s_request: "IMDis anmodning for {year}",
    s_because: "mest på grunn av {list}",
    s_capped: "begrenset av {bound} ({n})",
    s_raised: "hevet av {bound} ({n})",
    s_received: "fikk {n} som kommuner med tak ikke kunne ta",
    s_gave: "ga {n} til kommuner som ble hevet til gulvet",
    s_not_asked_cap: "ikke anmodet: øvre grense {upper} ({bound}) er under minstetallet {m}",
    s_not_asked_small: "ikke anmodet: ville fått {n}, under minstetallet {m}",
    s_override: "overstyrt: {reason}",
    x_heading: "{kommune} ({knr}): tilrådning {a} for {year}",
    x_criterion: "Kriterium",
    x_weight: "Vekt",
    x_value: "Verdi",
    x_place: "Plass",
    x_factor: "Faktor",
    x_share: "Andel",
    x_contribution: "Bidrag (personer)",
    x_filled_mark: "fylt inn",
    x_sum_contributions: "Sum av bidrag (q = T·S)",
    x_bound_adjustment: "Grensejustering (Q − q)",
    x_rounding: "Avrunding (a − Q)",
    x_recommendation: "Tilrådning (a)",
    x_bounds: "Grenser: nedre {lower}, øvre {upper}.",
    x_no_upper: "ingen",
    x_no_lower: "0",
    x_distance: "Avstand: {above} over nedre grense, {below} under øvre.",
    x_distance_no_upper: "Avstand: {above} over nedre grense; ingen øvre grense.",
    x_margin: "Margin",
    x_gain: "én til: samlet andel må øke med {change} ({persons} personer, {percent} av andelen); enheten kommer fra {who}.",
    x_lose: "én mindre: samlet andel må falle med {change} ({persons} personer, {percent} av andelen); enheten går til {who}.",
    x_gain_at_bound: "én til: nei, ved øvre grense {bound}.",
    x_lose_at_bound: "én mindre: nei, ved nedre grense {bound}.",
    x_lose_at_zero: "én mindre: nei, har 0.",
    x_no_counterpart: "ingen annen kommune kan gi eller ta en enhet",
    x_previous: "IMDi {year}: anmodning {request}, vedtak {decision}, bosatt {settled}.",
    x_none: "–",
    x_margin_note: "Margin: endring i kommunens samlede andel når de andres andeler står fast.",
    check_ok: "{file}: i orden ({n} kommuner, {k} kriterier, total {total}, {method}).",
    c_contributions_title: "Tilrådning for {year} per kommune, fordelt på kriterier",
    c_persons: "Personer",
    c_per_1000_title: "Tilrådning for {year} per 1000 innbyggere",
    c_per_1000_axis: "Personer per 1000 innbyggere",
    c_county_level: "Fylket: {value}",
    c_map_title: "Tilrådning for {year} per 1000 innbyggere, kart",
    c_map_legend: "Per 1000 innbyggere",
    c_compare_title: "Tilrådning for {year} mot IMDi-anmodning, vedtak og bosatte i {previous}",
    c_compare_axis: "Personer (logaritmisk skala)",
    c_recommendation_year: "Tilrådning {year}",
    c_capacity_title: "Tilrådning for {year} mot meldt kapasitet",
    c_capacity_axis: "{label} (personer, logaritmisk skala)",
    c_recommendation_axis: "Tilrådning (personer, logaritmisk skala)",
    c_equal_line: "tilrådning = kapasitet",
    c_source: "Kilde: {sources}. Beregning: busetting.",
    c_marker: "tilrådning",
    h_title: "Tilrådning om bosetting av flyktninger i {year}",
    h_summary: "Sammendrag",
    h_total: "Antall å fordele",
    h_method: "Metode for hele tall",
    h_municipalities_count: "Kommuner",
    h_criteria: "Kriterier og vekter",
    h_weight: "Vekt",
    h_basis: "Grunnlag",
    h_indicator: "Indikator",
    h_bounds: "Grenser",
    h_changes: "Endring fra IMDi-anmodningen for {previous}",
    h_change_total: "Til sammen {total} personer, mot {previous_total} i IMDi-anmodningen for {previous}.",
    h_largest_increases: "Største økning",
    h_largest_decreases: "Største nedgang",
    h_change: "Endring",
    h_table: "Tilrådning per kommune",
    h_sort_hint: "Klikk på en kolonneoverskrift for å sortere.",
    h_charts: "Diagrammer",
    h_explanations: "Forklaring per kommune",
    h_provenance: "Kilder og data",
    h_source: "Kilde",
    h_file: "Fil",
    h_column: "Kolonne",
    h_filled: "Fylte verdier",
    h_notes: "Merknader",
    h_none: "Ingen.",
    h_inputs: "Inndata for denne kjøringen",
    h_criteria_file: "Kriteriefilen {file}",
    h_sha256: "SHA-256",
    h_made_by: "Laget med busetting {version}. Tallene kan beregnes på nytt fra inndataene over.",
    h_sheet: "Tilrådning",
    h_population: "Folketall",
    h_quota: "Kvote med grenser (Q)",
    h_lower: "Nedre grense",
    h_upper: "Øvre grense",
    h_sentence: "Forklaring",
    h_minimum_if_asked: "Minstetall hvis kommunen anmodes",
    s_heading: "Hvor sikker er tilrådningen? {draws} trekninger av vektene",
    s_dirichlet: "Vektene er trukket fra en Dirichlet-fordeling rundt vektene i kriteriefilen (konsentrasjon κ = {kappa}; frø {seed}). Hver trekning regner andelene, grensene og heltallsmetoden om igjen.",
    s_uniform: "Hver vekt er trukket jevnt innenfor ±{delta} av verdien i kriteriefilen og så skalert til sum 1 (frø {seed}). Hver trekning regner andelene, grensene og heltallsmetoden om igjen.",
    s_noise: "Indikatorene har i tillegg en relativ feil på omtrent {noise} i hver trekning.",
    s_exact: "{count} trekninger lå så nær et likt tall at de ble regnet eksakt.",
    s_infeasible: "{count} trekninger ga ingen mulig fordeling innenfor grensene og er holdt utenfor.",
    s_baseline: "Tilrådning",
    s_p5: "P5",
    s_median: "Median",
    s_p95: "P95",
    s_moved: "Andel med mer enn ±1",
    s_rank_interval: "Plass (P5–P95)",
    s_driver: "Vekten som betyr mest (Sobol)",
    s_sobol_note: "Sobol-indeksen til et kriterium er den delen av variasjonen i kommunens tall som kriteriets vekt alene forklarer (0 = ingenting, 1 = alt).",
    s_steady: "ingen variasjon",
    s_no_weight: "ingen vekt alene",
    s_summary: "{steady} av {n} kommuner har samme tall ±1 i minst 90 % av trekningene. Bredest intervall: {widest}.",
    c_interval_title: "Tilrådning for {year}: 90 %-intervall over {draws} trekninger av vektene",
    c_interval_axis: "Personer (strek: P5–P95, prikk: tilrådningen, strek i midten: median)",
    c_sobol_title: "Hvilken vekt betyr mest for hvem? Sobol-indekser, {year}",
    c_sobol_legend: "Førsteordens Sobol-indeks",
    k_heading: "Sammenligning av {count} kriteriefiler",
    k_difference: "{b} − {a}",
    k_driver: "Mest av forskjellen ({b})",
    k_bounds: "grensene",
    k_rounding: "avrundingen",
    k_changed: "{changed} av {n} kommuner får et annet tall under {b} enn under {a}; {moved} personer flytter.",
    c_dumbbell_title: "Tilrådning for {year} under hver kriteriefil",
    c_dumbbell_axis: "Personer (logaritmisk skala)",
    l_heading: "Vekter tilpasset {target}",
    l_criterion: "Kriterium",
    l_file_weight: "Vekt i filen",
    l_fitted_weight: "Tilpasset vekt",
    l_fit: "R² = {r2} på samlet andel. Fordelt med de tilpassede vektene ({method}, {total} personer, grensene i filen) er gjennomsnittlig avvik {mae} personer per kommune.",
    l_worst: "Dårligst tilpasset",
    l_target: "Mål",
    l_with_fitted: "Med tilpassede vekter",
    l_same_shares: "{a} og {b} har samme andeler i disse dataene, så bare summen av vektene deres er bestemt; tilpasningen gir den til {a}.",
    l_excluded: "Uten verdi i {target} og utelatt fra tilpasningen: {list}.",
    l_method: "Minste kvadraters metode på samlet andel, med vekter som er 0 eller mer og summerer til 1 (eksakt løsning av det lille kvadratiske programmet).",
    g_heading: "Tilrådning for {year} per kategori ({n} kategorier)",
    g_total: "Til sammen",
    c_categories_title: "Tilrådning for {year} per kategori",
    v_ok: "{dir}: bekreftet. Alle {n} tallene er de samme når de regnes om igjen, ingen av de {files} inndatafilene er endret, og alle de {outputs} filene i settet er nøyaktig det inndataene gir, uten filer i tillegg.",
    hi_county: "Hele fylket",
    hi_country: "Hele landet",
    hi_heading: "{place}: tilrådning, anmodning, vedtak og bosatte per år",
    hi_year: "År",
    hi_request: "IMDi-anmodning",
    hi_decision: "Vedtak",
    hi_settled: "Bosatte",
    hi_ratio: "Vedtak / anmodning",
    hi_mad: "Snittavvik vedtak–anmodning",
    hi_met: "Andel som vedtok minst anmodningen",
    hi_mad_rec: "Snittavvik vedtak–tilrådning",
    hi_note: "{year}: {note}",
    hi_summary: "{place}: vedtaket var i snitt {mad} personer fra anmodningen ({from}–{to}).",
    c_history_title: "{place}: tilrådning, anmodning, vedtak og bosatte per år",
    tc_dwellings: "Boliger tilgjengelige for flyktninger (dwellings_available)",
    tc_adult_education: "Plasser i voksenopplæringen (adult_education_places)",
    tc_capacity: "Hvor mange kan kommunen bosette (declared_capacity)",
    tc_intro: "Introduksjonsprogrammet: % i arbeid eller utdanning ett år etter (intro_result_pct)",
    tc_comment: "Kommentar (comment)",
    tc_sheet: "Kapasitetsdialog",
    im_summary: "Leste {rows} rader med {columns} fra {file}.",
    im_suppressed: "{count} skjulte eller manglende verdier er tomme celler: {list}.",
    im_unknown: "{count} regioner er ikke kommuner i registeret og er utelatt: {list}.",
    im_mapped: "Gamle kommunenummer ført over til dagens: {list}.",
    bt_heading: "{file}: tilbakeprøving mot {target}, {place}, {from}–{to}",
    bt_total: "Totalt",
    bt_file: "Filen: snittfeil",
    bt_percent: "% av snittet",
    bt_within: "Innenfor ±5",
    bt_last_request: "Forrige anmodning",
    bt_last_decision: "Forrige vedtak",
    bt_population: "Folketallsandel",
    bt_equal: "Lik andel",
    bt_target_request: "IMDis anmodning",
    bt_target_decision: "kommunenes vedtak",
    bt_verdict_won: "Dom: filen slår den beste grunnlinjen ({best}) i {wins} av {years} år, og summert over årene er snittfeilen {file_sum} mot {best_sum} personer, {diff} bedre.",
    bt_verdict_lost: "Dom: filen slår den beste grunnlinjen ({best}) i {wins} av {years} år, men summert over årene er snittfeilen {file_sum} mot {best_sum} personer, {diff} dårligere.",
    bt_skipped: "{year}: filen kunne ikke lages for dette året: {reason}",
    bt_left_out: "{year}: kriteriet `{criterion}` er utelatt, for tallene er fra {from} og var ikke kjent før {year}; vektene til de andre er skalert opp.",
    bt_capacity_dropped: "{year}: kapasitetsgrensen `{column}` er fjernet (tall fra {from}).",
    bt_fitted: "{year}: vekter tilpasset {years}: {weights}.",
    bt_not_fitted: "{year}: ikke noe tidligere år å tilpasse på; vektene i filen er brukt, og året teller ikke med i dommen.",
    bt_next: "For {year}, tilpasset alle årene før ({years}): {weights}.",
    bt_fit_on: "Vektene er tilpasset årene til {place} ({n} kommuner), ikke bare fylket som er prøvd.",
    bt_county: "fylke {county}",
    bt_not_fitted_because: "{year}: ingen tidligere år kunne brukes til tilpasningen ({reason}); vektene i filen er brukt, og året teller ikke med i dommen.",
    bt_sum: "Sum over årene som teller",
    unchanged: "{dir} har allerede denne tilrådningen (samme inndata, samme tall); settet der står urørt.",
    bt_undated: "Kriteriet `{criterion}` leser `{column}`, som ikke har noe årstall: det er brukt som det er i alle årene.",
    x_power: "{criterion}: med potensen {power} gir kriteriet {persons} personer (andelen {share}); som vanlig andel ville det gitt {plain_persons} (andelen {plain_share}).",
    bt_misses: "{year}, største bom: {list}.",
    bt_miss: "{kommune} {predicted} mot {actual}",
    bt_rule: "Hvert år t er regnet bare med tall fra før t: folketall 1. januar t−1, anmodninger, vedtak og bosatte til og med t−1; et kriterium på tall fra t eller senere er utelatt det året. Totalen er {total} i t. Overstyringene i filen er ikke med. Vektene er de i filen (med --fit: tilpasset årene før t). Grunnlinjene er andeler ganger totalen, uten avrunding.",
    bt_total_request: "det IMDi ba kommunene om",
    bt_total_decision: "det kommunene vedtok",
    bt_rule_fit: "Med --fit er vektene for t tilpasset årene før t (minste kvadrater på andelene, vekter ≥ 0 som summerer til 1); ingenting fra t eller senere går inn.",
    c_backtest_title: "Tilbakeprøving: snittfeil per år mot {target}",
    c_backtest_y: "Snittfeil i % av snittet",
    h_backtest: "Tilbakeprøving",
};

pub static EN: Texts = Texts {
    rank: "No.",
    knr: "Number",
    kommune: "Municipality",
    recommendation: "Recommended",
    per_1000: "Per 1000 inh.",
    bound_adjustment: "Bound adj.",
    rounding: "Rounding",
    bound: "Bound that acted",
    request_year: "Request {year}",
    decision_year: "Decision {year}",
    settled_year: "Settled {year}",
    sum: "Total",
    src_minimum: "minimum",
    src_capacity: "capacity",
    src_per_1000_cap: "cap per 1000 inh.",
    src_override_min: "override minimum",
    src_override_max: "override maximum",
    src_override_fixed: "override fixed number",
    src_not_asked: "not asked",
    cap_short: "{bound}: {value}",
    floor_short: "{bound}: {value}",
    heading: "Recommendation for {year}: {total} persons over {n} municipalities ({method})",
    weights: "Criteria and weights",
    filled: "Filled in: `{column}` is missing for {count} municipalities; used the county mean {value} (criterion {criterion}).",
    filled_neutral: "Filled in: `{column}` is missing for all {count} municipalities, so criterion {criterion} acts as population share.",
    filled_zero: "Filled in: `{column}` is missing for {count} municipalities; used 0 (criterion {criterion}).",
    not_asked_note: "Not asked (fewer than {m} is not a request): {list}.",
    tie_note: "Tie: {winner} got the unit before {loser} ({rule}).",
    rule_larger_share: "larger combined share",
    rule_lower_number: "lower municipality number",
    override_note: "Override for {kommune}: {reason}",
    wrote: "Wrote {files}",
    and: "and",
    s_more: "{n} more than",
    s_fewer: "{n} fewer than",
    s_same: "the same as",
    s_request: "IMDi's request for {year}",
    s_because: "mostly because of {list}",
    s_capped: "capped by {bound} ({n})",
    s_raised: "raised by {bound} ({n})",
    s_received: "received {n} that capped municipalities could not take",
    s_gave: "gave {n} to municipalities raised to their floor",
    s_not_asked_cap: "not asked: its upper bound {upper} ({bound}) is below the minimum {m}",
    s_not_asked_small: "not asked: it would have got {n}, below the minimum {m}",
    s_override: "override: {reason}",
    x_heading: "{kommune} ({knr}): {a} recommended for {year}",
    x_criterion: "Criterion",
    x_weight: "Weight",
    x_value: "Value",
    x_place: "Place",
    x_factor: "Factor",
    x_share: "Share",
    x_contribution: "Contribution (persons)",
    x_filled_mark: "filled in",
    x_sum_contributions: "Sum of contributions (q = T·S)",
    x_bound_adjustment: "Bound adjustment (Q − q)",
    x_rounding: "Rounding (a − Q)",
    x_recommendation: "Recommendation (a)",
    x_bounds: "Bounds: lower {lower}, upper {upper}.",
    x_no_upper: "none",
    x_no_lower: "0",
    x_distance: "Distance: {above} above the lower bound, {below} below the upper.",
    x_distance_no_upper: "Distance: {above} above the lower bound; no upper bound.",
    x_margin: "Margin",
    x_gain: "one more: the combined share must rise by {change} ({persons} persons, {percent} of its share); the unit would come from {who}.",
    x_lose: "one fewer: the combined share must fall by {change} ({persons} persons, {percent} of its share); the unit would go to {who}.",
    x_gain_at_bound: "one more: no, at its upper bound {bound}.",
    x_lose_at_bound: "one fewer: no, at its lower bound {bound}.",
    x_lose_at_zero: "one fewer: no, it has 0.",
    x_no_counterpart: "no other municipality can give or take a unit",
    x_previous: "IMDi {year}: request {request}, decision {decision}, settled {settled}.",
    x_none: "–",
    x_margin_note: "Margin: change in the municipality's combined share with the others' shares held fixed.",
    check_ok: "{file}: OK ({n} municipalities, {k} criteria, total {total}, {method}).",
    c_contributions_title: "Recommendation for {year} by municipality, split by criterion",
    c_persons: "Persons",
    c_per_1000_title: "Recommendation for {year} per 1000 inhabitants",
    c_per_1000_axis: "Persons per 1000 inhabitants",
    c_county_level: "County: {value}",
    c_map_title: "Recommendation for {year} per 1000 inhabitants, map",
    c_map_legend: "Per 1000 inhabitants",
    c_compare_title: "Recommendation for {year} against IMDi's request, the decision and the number settled in {previous}",
    c_compare_axis: "Persons (logarithmic scale)",
    c_recommendation_year: "Recommendation {year}",
    c_capacity_title: "Recommendation for {year} against declared capacity",
    c_capacity_axis: "{label} (persons, logarithmic scale)",
    c_recommendation_axis: "Recommendation (persons, logarithmic scale)",
    c_equal_line: "recommendation = capacity",
    c_source: "Source: {sources}. Calculation: busetting.",
    c_marker: "recommendation",
    h_title: "Recommendation on the settlement of refugees in {year}",
    h_summary: "Summary",
    h_total: "Total to distribute",
    h_method: "Integer method",
    h_municipalities_count: "Municipalities",
    h_criteria: "Criteria and weights",
    h_weight: "Weight",
    h_basis: "Basis",
    h_indicator: "Indicator",
    h_bounds: "Bounds",
    h_changes: "Change from IMDi's request for {previous}",
    h_change_total: "In all {total} persons, against {previous_total} in IMDi's request for {previous}.",
    h_largest_increases: "Largest increases",
    h_largest_decreases: "Largest decreases",
    h_change: "Change",
    h_table: "Recommendation by municipality",
    h_sort_hint: "Click a column heading to sort.",
    h_charts: "Charts",
    h_explanations: "Explanation by municipality",
    h_provenance: "Sources and data",
    h_source: "Source",
    h_file: "File",
    h_column: "Column",
    h_filled: "Filled-in values",
    h_notes: "Notes",
    h_none: "None.",
    h_inputs: "Inputs of this run",
    h_criteria_file: "The criteria file {file}",
    h_sha256: "SHA-256",
    h_made_by: "Made with busetting {version}. The numbers can be recomputed from the inputs above.",
    h_sheet: "Recommendation",
    h_population: "Population",
    h_quota: "Bounded quota (Q)",
    h_lower: "Lower bound",
    h_upper: "Upper bound",
    h_sentence: "Explanation",
    h_minimum_if_asked: "Minimum if asked",
    s_heading: "How sure is the recommendation? {draws} draws of the weights",
    s_dirichlet: "The weights are drawn from a Dirichlet distribution around the criteria file's weights (concentration κ = {kappa}; seed {seed}). Each draw recomputes the shares, the bounds and the integer method.",
    s_uniform: "Each weight is drawn uniformly within ±{delta} of the criteria file's value and rescaled to add up to 1 (seed {seed}). Each draw recomputes the shares, the bounds and the integer method.",
    s_noise: "The indicators also carry a relative error of about {noise} in each draw.",
    s_exact: "{count} draws were so close to a tie that they were computed exactly.",
    s_infeasible: "{count} draws allowed no allocation within the bounds and are left out.",
    s_baseline: "Recommendation",
    s_p5: "P5",
    s_median: "Median",
    s_p95: "P95",
    s_moved: "Share more than ±1 off",
    s_rank_interval: "Rank (P5–P95)",
    s_driver: "Weight that matters most (Sobol)",
    s_sobol_note: "A criterion's Sobol index is the part of the variation in a municipality's number that the criterion's weight explains on its own (0 = none, 1 = all).",
    s_steady: "no variation",
    s_no_weight: "no weight on its own",
    s_summary: "{steady} of {n} municipalities keep their number within ±1 in at least 90 % of the draws. Widest interval: {widest}.",
    c_interval_title: "Recommendation for {year}: 90 % interval over {draws} draws of the weights",
    c_interval_axis: "Persons (bar: P5–P95, dot: the recommendation, tick: median)",
    c_sobol_title: "Which weight matters for whom? Sobol indices, {year}",
    c_sobol_legend: "First-order Sobol index",
    k_heading: "Comparison of {count} criteria files",
    k_difference: "{b} − {a}",
    k_driver: "Most of the difference ({b})",
    k_bounds: "the bounds",
    k_rounding: "rounding",
    k_changed: "{changed} of {n} municipalities get a different number under {b} than under {a}; {moved} persons move.",
    c_dumbbell_title: "Recommendation for {year} under each criteria file",
    c_dumbbell_axis: "Persons (logarithmic scale)",
    l_heading: "Weights fitted to {target}",
    l_criterion: "Criterion",
    l_file_weight: "Weight in the file",
    l_fitted_weight: "Fitted weight",
    l_fit: "R² = {r2} on the combined share. Allocated with the fitted weights ({method}, {total} persons, the file's bounds) the mean absolute deviation is {mae} persons per municipality.",
    l_worst: "Fitted worst",
    l_target: "Target",
    l_with_fitted: "With fitted weights",
    l_same_shares: "{a} and {b} have the same shares in these data, so only the sum of their weights is determined; the fit gives it to {a}.",
    l_excluded: "No value in {target}, left out of the fit: {list}.",
    l_method: "Least squares on the combined share, with weights of 0 or more that add up to 1 (the small quadratic programme solved exactly).",
    g_heading: "Recommendation for {year} by category ({n} categories)",
    g_total: "Together",
    c_categories_title: "Recommendation for {year} by category",
    v_ok: "{dir}: verified. All {n} numbers are the same when recomputed, none of the {files} input files has changed, and all {outputs} files of the set are exactly what the inputs make, with no file added.",
    hi_county: "The whole county",
    hi_country: "The whole country",
    hi_heading: "{place}: recommendation, request, decision and settled by year",
    hi_year: "Year",
    hi_request: "IMDi request",
    hi_decision: "Decision",
    hi_settled: "Settled",
    hi_ratio: "Decision / request",
    hi_mad: "Mean abs. deviation, decision–request",
    hi_met: "Share whose decision met the request",
    hi_mad_rec: "Mean abs. deviation, decision–recommendation",
    hi_note: "{year}: {note}",
    hi_summary: "{place}: the decision was on average {mad} persons from the request ({from}–{to}).",
    c_history_title: "{place}: recommendation, request, decision and settled by year",
    tc_dwellings: "Dwellings available for refugees (dwellings_available)",
    tc_adult_education: "Adult-education places (adult_education_places)",
    tc_capacity: "How many can the municipality settle (declared_capacity)",
    tc_intro: "Introduction programme: % in work or education a year after (intro_result_pct)",
    tc_comment: "Comment (comment)",
    tc_sheet: "Capacity dialogue",
    im_summary: "Read {rows} rows with {columns} from {file}.",
    im_suppressed: "{count} suppressed or missing values are blank cells: {list}.",
    im_unknown: "{count} regions are not municipalities in the register and are left out: {list}.",
    im_mapped: "Old kommunenummer carried over to today's: {list}.",
    bt_heading: "{file}: backtest against {target}, {place}, {from}–{to}",
    bt_total: "Total",
    bt_file: "File: mean error",
    bt_percent: "% of mean",
    bt_within: "Within ±5",
    bt_last_request: "Last request",
    bt_last_decision: "Last decision",
    bt_population: "Population share",
    bt_equal: "Equal share",
    bt_target_request: "IMDi's requests",
    bt_target_decision: "the municipalities' decisions",
    bt_verdict_won: "Verdict: the file beats the best baseline ({best}) in {wins} of {years} years, and summed over the years its mean error is {file_sum} against {best_sum} persons, {diff} better.",
    bt_verdict_lost: "Verdict: the file beats the best baseline ({best}) in {wins} of {years} years, but summed over the years its mean error is {file_sum} against {best_sum} persons, {diff} worse.",
    bt_skipped: "{year}: the file could not be made for this year: {reason}",
    bt_left_out: "{year}: criterion `{criterion}` is left out, as its figures are from {from} and were not known before {year}; the others' weights are scaled up.",
    bt_capacity_dropped: "{year}: the capacity bound `{column}` is dropped (figures from {from}).",
    bt_fitted: "{year}: weights fitted on {years}: {weights}.",
    bt_not_fitted: "{year}: no earlier year to fit on; the file's weights are used, and the year does not count in the verdict.",
    bt_next: "For {year}, fitted on every year before it ({years}): {weights}.",
    bt_fit_on: "The weights are fitted on the years of {place} ({n} municipalities), not only the county tested.",
    bt_county: "county {county}",
    bt_not_fitted_because: "{year}: no earlier year could be used for the fit ({reason}); the file's weights are used, and the year does not count in the verdict.",
    bt_sum: "Sum over the years that count",
    unchanged: "{dir} already holds this recommendation (the same inputs and numbers); the set there is left whole.",
    bt_undated: "Criterion `{criterion}` reads `{column}`, which has no date: it is used as it is in every year.",
    x_power: "{criterion}: with the power {power} the criterion gives {persons} persons (share {share}); as a plain share it would give {plain_persons} (share {plain_share}).",
    bt_misses: "{year}, largest misses: {list}.",
    bt_miss: "{kommune} {predicted} against {actual}",
    bt_rule: "Each year t is made from figures before t only: population on 1 January t−1, requests, decisions and settled counts up to t−1; a criterion on figures from t or later is left out that year. The total is {total} in t. The file's overrides are not used. The weights are the file's (with --fit: fitted on the years before t). The baselines are shares times the total, not rounded.",
    bt_total_request: "what IMDi asked of the municipalities",
    bt_total_decision: "what the municipalities decided",
    bt_rule_fit: "With --fit the weights for t are fitted on the years before t (least squares on the shares, weights ≥ 0 adding up to 1); nothing from t or later goes in.",
    c_backtest_title: "Backtest: mean error by year against {target}",
    c_backtest_y: "Mean error, % of the mean",
    h_backtest: "Backtest",
};

impl Lang {
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Nn => &NN,
            Lang::Nb => &NB,
            Lang::En => &EN,
        }
    }

    fn norwegian(self) -> bool {
        self != Lang::En
    }

    /// A number with `decimals` decimals: `12 345,6` in nn/nb, `12,345.6` in en.
    pub fn num(self, x: f64, decimals: usize) -> String {
        let x = if x == 0.0 { 0.0 } else { x }; // no "-0"
        let text = format!("{:.*}", decimals, x.abs());
        let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
        // Norwegian groups from five digits (4500, 12 345); English from four (4,500).
        let (sep, from) = if self.norwegian() { ('\u{a0}', 4) } else { (',', 3) };
        let mut grouped = String::new();
        for (k, c) in whole.chars().enumerate() {
            if k > 0 && (whole.len() - k) % 3 == 0 && whole.len() > from {
                grouped.push(sep);
            }
            grouped.push(c);
        }
        let mut out = String::new();
        if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
            out.push('−');
        }
        out.push_str(&grouped);
        if !frac.is_empty() {
            out.push(if self.norwegian() { ',' } else { '.' });
            out.push_str(frac);
        }
        out
    }

    /// A whole number.
    pub fn int(self, x: u64) -> String {
        self.num(x as f64, 0)
    }

    /// With an explicit sign: `+31`, `−4`, `0`.
    pub fn signed(self, x: f64, decimals: usize) -> String {
        let body = self.num(x, decimals);
        if body.starts_with('−') || body.chars().all(|c| c == '0' || c == ',' || c == '.') {
            body
        } else {
            format!("+{body}")
        }
    }

    /// A percentage: `2,3 %` in nn/nb, `2.3%` in en.
    pub fn percent(self, x: f64, decimals: usize) -> String {
        if self.norwegian() {
            format!("{}\u{a0}%", self.num(x, decimals))
        } else {
            format!("{}%", self.num(x, decimals))
        }
    }

    /// "a", "a og b", "a, b og c".
    pub fn list(self, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} {} {last}", init.join(", "), self.texts().and),
        }
    }
}

/// Fills `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in args {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_numbers() {
        assert_eq!(Lang::Nn.num(12345.678, 1), "12\u{a0}345,7");
        assert_eq!(Lang::Nn.num(4500.0, 0), "4500");
        assert_eq!(Lang::Nb.num(-0.25, 2), "−0,25");
        assert_eq!(Lang::En.num(1234567.0, 0), "1,234,567");
        assert_eq!(Lang::Nn.signed(31.2, 0), "+31");
        assert_eq!(Lang::Nn.signed(-4.0, 0), "−4");
        assert_eq!(Lang::Nn.signed(-0.001, 1), "0,0");
        assert_eq!(Lang::Nn.percent(2.26, 1), "2,3\u{a0}%");
        assert_eq!(Lang::En.list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }

    #[test]
    fn every_language_has_every_string_with_the_same_placeholders() {
        fn holes(s: &str) -> Vec<&str> {
            let mut v: Vec<&str> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|x| x.0))
                .collect();
            v.sort_unstable();
            v
        }
        let nn = NN.entries();
        for other in [NB.entries(), EN.entries()] {
            assert_eq!(nn.len(), other.len());
            for ((key, a), (key_b, b)) in nn.iter().zip(&other) {
                assert_eq!(key, key_b);
                assert!(!a.trim().is_empty() && !b.trim().is_empty(), "`{key}` is empty");
                assert_eq!(holes(a), holes(b), "`{key}`: {a} / {b}");
            }
        }
    }
}
