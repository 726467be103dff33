//! A campaign's report: JSON (the [`CampaignReport`] itself), Markdown, and one
//! self-contained HTML page with plots of throughput and coverage over time.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::{escape, escape_html};

/// The schema name of a campaign report.
pub const CAMPAIGN_SCHEMA: &str = "harness.campaign-report/1";

/// Everything a campaign report shows.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CampaignReport {
    /// [`CAMPAIGN_SCHEMA`].
    pub schema: String,
    /// The campaign's directory.
    pub dir: String,
    /// The campaign's seed.
    pub seed: u64,
    /// The generator's and mutator's versions.
    pub generator: String,
    /// The engines judged.
    pub engines: Vec<String>,
    /// The proposals generation was restricted to.
    pub proposals: Vec<String>,
    /// Seconds of campaign time, over every session.
    pub elapsed_s: f64,
    /// Sessions (the first run and each resume).
    pub sessions: u32,
    /// Whether the campaign ended (rather than this being a refresh while it runs).
    pub finished: bool,
    /// Cases run.
    pub cases: u64,
    /// Cases a second over the whole campaign.
    pub cases_per_s: f64,
    /// Cases kept because they reached coverage points no case before had.
    pub corpus: u64,
    /// Coverage points reached (rules, clauses, (rule, opcode) pairs).
    pub points_reached: u64,
    /// Coverage points of the catalogue (rules and clauses; pairs are not catalogued).
    pub points_catalogued: u64,
    /// Each strategy with its weight and results.
    pub strategies: Vec<StrategyRow>,
    /// Each engine's verdict counts.
    pub engine_counts: Vec<EngineRow>,
    /// The distinct findings.
    pub findings: Vec<FindingRow>,
    /// Samples over time.
    pub series: Vec<Sample>,
}

/// One generation strategy.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StrategyRow {
    /// Its name.
    pub name: String,
    /// Its weight.
    pub weight: u32,
    /// Cases it made.
    pub cases: u64,
    /// Of them, kept in the corpus.
    pub kept: u64,
    /// Of them, with a finding (new or known).
    pub with_findings: u64,
    /// Seeds that gave no usable module.
    pub failures: u64,
}

/// One engine's verdicts over the campaign.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EngineRow {
    /// The engine.
    pub engine: String,
    /// Cases where it conformed to the spec.
    pub conforms: u64,
    /// Cases where it deviated.
    pub deviates: u64,
    /// Cases judged only up to a step (exhaustion, a failed grow, a limit).
    pub inconclusive: u64,
    /// Cases using a proposal it lacks.
    pub unsupported: u64,
    /// Cases where it crashed.
    pub crash: u64,
    /// Cases where it passed the wall-clock limit.
    pub timeout: u64,
}

/// One distinct finding.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FindingRow {
    /// Its directory's name under `findings/`.
    pub id: String,
    /// The engine at fault.
    pub engine: String,
    /// `deviation`, `crash` or `hang`.
    pub kind: String,
    /// The signature it is de-duplicated by.
    pub signature: String,
    /// What the spec allows at the step.
    pub expected: String,
    /// What the engine did.
    pub got: String,
    /// The first case that showed it.
    pub first_case: u64,
    /// How many cases showed it.
    pub hits: u64,
    /// The command that reproduces it.
    pub repro: String,
    /// The size of its module, in bytes.
    #[serde(default)]
    pub bytes: u64,
    /// The size of its reduced module (`reduced.wasm`), once reduced.
    #[serde(default)]
    pub reduced_bytes: Option<u64>,
}

/// The campaign's counters at one moment.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Sample {
    /// Campaign seconds.
    pub t: f64,
    /// Cases run so far.
    pub cases: u64,
    /// Distinct findings so far.
    pub findings: u64,
    /// Coverage points reached so far.
    pub points: u64,
}

/// The report as Markdown.
pub fn render_campaign_markdown(r: &CampaignReport) -> String {
    let mut out = String::new();
    let cell = |s: &str| escape(s).replace('|', "\\|");
    let _ = writeln!(out, "# Campaign `{}`\n", escape(&r.dir));
    let _ = writeln!(
        out,
        "{} cases in {:.0} s ({:.1} cases/s, {} session{}{}), seed {}, generator {}.\n",
        r.cases,
        r.elapsed_s,
        r.cases_per_s,
        r.sessions,
        if r.sessions == 1 { "" } else { "s" },
        if r.finished { "" } else { ", still running" },
        r.seed,
        cell(&r.generator)
    );
    let _ = writeln!(
        out,
        "Engines: {}. Proposals: {}.\n",
        r.engines.join(", "),
        r.proposals.join(", ")
    );
    let _ = writeln!(
        out,
        "Coverage: {} points reached ({} catalogued rules and clauses); corpus of {} cases.\n",
        r.points_reached, r.points_catalogued, r.corpus
    );
    let _ = writeln!(out, "## Findings ({})\n", r.findings.len());
    if r.findings.is_empty() {
        let _ = writeln!(out, "None.\n");
    } else {
        let _ = writeln!(
            out,
            "| finding | engine | kind | expected | got | hits | first case | bytes (reduced) |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---:|---:|---:|");
        for f in &r.findings {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
                cell(&f.id),
                cell(&f.engine),
                cell(&f.kind),
                cell(&f.expected),
                cell(&f.got),
                f.hits,
                f.first_case,
                sizes(f)
            );
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "## Engines\n");
    let _ = writeln!(
        out,
        "| engine | conforms | deviates | inconclusive | unsupported | crash | timeout |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
    for e in &r.engine_counts {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&e.engine),
            e.conforms,
            e.deviates,
            e.inconclusive,
            e.unsupported,
            e.crash,
            e.timeout
        );
    }
    let _ = writeln!(out, "\n## Strategies\n");
    let _ = writeln!(
        out,
        "| strategy | weight | cases | kept | with findings | failures |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for s in &r.strategies {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&s.name),
            s.weight,
            s.cases,
            s.kept,
            s.with_findings,
            s.failures
        );
    }
    out
}

/// `358 (53)`: the module's size and, once reduced, the reduced module's.
fn sizes(f: &FindingRow) -> String {
    match f.reduced_bytes {
        Some(r) => format!("{} ({r})", f.bytes),
        None => f.bytes.to_string(),
    }
}

/// An SVG line plot of `(x, y)` points, with axes labelled by their maxima.
fn plot(title: &str, unit: &str, points: &[(f64, f64)]) -> String {
    const W: f64 = 560.0;
    const H: f64 = 180.0;
    const PAD: f64 = 40.0;
    let max_x = points.iter().map(|p| p.0).fold(0.0, f64::max).max(1e-9);
    let max_y = points.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-9);
    let path: Vec<String> = points
        .iter()
        .map(|(x, y)| {
            format!(
                "{:.1},{:.1}",
                PAD + x / max_x * (W - 2.0 * PAD),
                H - PAD + -(y / max_y) * (H - 2.0 * PAD)
            )
        })
        .collect();
    format!(
        "<figure><figcaption>{title}</figcaption>\
         <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{title}\">\
         <line x1=\"{PAD}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#888\"/>\
         <line x1=\"{PAD}\" y1=\"{PAD}\" x2=\"{PAD}\" y2=\"{b}\" stroke=\"#888\"/>\
         <text x=\"{PAD}\" y=\"{t}\" font-size=\"11\">{max_y:.1} {unit}</text>\
         <text x=\"{r}\" y=\"{lb}\" font-size=\"11\" text-anchor=\"end\">{max_x:.0} s</text>\
         <polyline fill=\"none\" stroke=\"#2a6fdb\" stroke-width=\"2\" points=\"{p}\"/></svg></figure>",
        title = escape_html(title),
        unit = escape_html(unit),
        b = H - PAD,
        r = W - PAD,
        t = PAD - 6.0,
        lb = H - PAD + 16.0,
        p = path.join(" ")
    )
}

/// Throughput between consecutive samples, in cases a second.
fn throughput(series: &[Sample]) -> Vec<(f64, f64)> {
    series
        .windows(2)
        .filter(|w| w[1].t > w[0].t)
        .map(|w| {
            (
                w[1].t,
                (w[1].cases.saturating_sub(w[0].cases)) as f64 / (w[1].t - w[0].t),
            )
        })
        .collect()
}

const SCRIPT: &str = r#"
window.addEventListener('error', function () { document.body.dataset.scriptError = '1'; });
(function () {
  var table = document.getElementById('findings');
  if (table) {
    var heads = table.querySelectorAll('th');
    heads.forEach(function (th, col) {
      th.addEventListener('click', function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = th.dataset.numeric === '1';
        var asc = th.dataset.asc !== '1';
        th.dataset.asc = asc ? '1' : '0';
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent, y = b.cells[col].textContent;
          var c = numeric ? (parseFloat(x) - parseFloat(y)) : x.localeCompare(y);
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  document.body.dataset.rendered = String(table ? table.tBodies[0].rows.length : 0);
})();
"#;

/// The report as one self-contained HTML page (no external resource): summary, plots of
/// throughput and coverage over time, the findings table (sortable), engine and strategy
/// counts. Every string is escaped.
pub fn render_campaign_html(r: &CampaignReport) -> String {
    let mut out = String::new();
    let e = |s: &str| escape_html(s);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>harness campaign {dir}</title><style>\
         body{{font-family:system-ui,sans-serif;margin:2em;max-width:70em}}\
         table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:.25em .5em;text-align:left}}\
         th{{background:#f0f0f0;cursor:pointer}}td.n{{text-align:right}}figure{{display:inline-block;margin:0 1em 1em 0}}\
         code{{font-size:90%}}</style></head><body>",
        dir = e(&r.dir)
    );
    let _ = write!(
        out,
        "<h1>Campaign <code>{}</code></h1><p>{} cases in {:.0} s ({:.1} cases/s, {} session(s)){}; \
         seed {}, generator <code>{}</code>.</p><p>Engines: {}. Proposals: {}.</p>\
         <p>Coverage: {} points reached ({} catalogued rules and clauses); corpus of {} cases.</p>",
        e(&r.dir),
        r.cases,
        r.elapsed_s,
        r.cases_per_s,
        r.sessions,
        if r.finished { "" } else { ", still running" },
        r.seed,
        e(&r.generator),
        e(&r.engines.join(", ")),
        e(&r.proposals.join(", ")),
        r.points_reached,
        r.points_catalogued,
        r.corpus
    );
    out.push_str(&plot("Throughput", "cases/s", &throughput(&r.series)));
    let points: Vec<(f64, f64)> = r.series.iter().map(|s| (s.t, s.points as f64)).collect();
    out.push_str(&plot("Coverage points reached", "points", &points));
    let findings: Vec<(f64, f64)> = r.series.iter().map(|s| (s.t, s.findings as f64)).collect();
    out.push_str(&plot("Distinct findings", "findings", &findings));

    let _ = write!(
        out,
        "<h2>Findings ({})</h2><table id=\"findings\"><thead><tr><th>finding</th><th>engine</th>\
         <th>kind</th><th>expected</th><th>got</th><th data-numeric=\"1\">hits</th>\
         <th data-numeric=\"1\">first case</th><th>bytes (reduced)</th><th>reproduce</th></tr></thead><tbody>",
        r.findings.len()
    );
    for f in &r.findings {
        let _ = write!(
            out,
            "<tr><td><a href=\"findings/{id}/report.md\"><code>{id}</code></a></td><td>{}</td><td>{}</td>\
             <td><code>{}</code></td><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td><code>{}</code></td></tr>",
            e(&f.engine),
            e(&f.kind),
            e(&f.expected),
            e(&f.got),
            f.hits,
            f.first_case,
            sizes(f),
            e(&f.repro),
            id = e(&f.id),
        );
    }
    out.push_str("</tbody></table>");
    out.push_str(
        "<h2>Engines</h2><table><thead><tr><th>engine</th><th>conforms</th><th>deviates</th>\
         <th>inconclusive</th><th>unsupported</th><th>crash</th><th>timeout</th></tr></thead><tbody>",
    );
    for c in &r.engine_counts {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            e(&c.engine),
            c.conforms,
            c.deviates,
            c.inconclusive,
            c.unsupported,
            c.crash,
            c.timeout
        );
    }
    out.push_str(
        "</tbody></table><h2>Strategies</h2><table><thead><tr><th>strategy</th><th>weight</th>\
         <th>cases</th><th>kept</th><th>with findings</th><th>failures</th></tr></thead><tbody>",
    );
    for s in &r.strategies {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            e(&s.name),
            s.weight,
            s.cases,
            s.kept,
            s.with_findings,
            s.failures
        );
    }
    let _ = writeln!(
        out,
        "</tbody></table><script>{SCRIPT}</script></body></html>"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> CampaignReport {
        CampaignReport {
            schema: CAMPAIGN_SCHEMA.into(),
            dir: "camp<1>".into(),
            engines: vec!["wasmi".into()],
            cases: 10,
            findings: vec![FindingRow {
                id: "abc".into(),
                engine: "wasmi".into(),
                kind: "deviation".into(),
                signature: "s".into(),
                expected: "[i32:1] from \"</script><b>\"".into(),
                got: "a|b`c\u{1}".into(),
                first_case: 3,
                hits: 2,
                repro: "harness diff x --plan y".into(),
                bytes: 358,
                reduced_bytes: Some(53),
            }],
            series: vec![
                Sample {
                    t: 0.0,
                    cases: 0,
                    findings: 0,
                    points: 0,
                },
                Sample {
                    t: 2.0,
                    cases: 10,
                    findings: 1,
                    points: 50,
                },
            ],
            ..CampaignReport::default()
        }
    }

    #[test]
    fn html_escapes_every_string_taken_from_a_module() {
        let html = render_campaign_html(&report());
        assert!(!html.contains("</script><b>"), "unescaped module text");
        assert!(html.contains("&lt;/script&gt;&lt;b&gt;"));
        assert!(html.contains("camp&lt;1&gt;"));
        assert!(html.contains("<table id=\"findings\">"));
        assert_eq!(html.matches("<script>").count(), 1);
        assert_eq!(html.matches("<svg").count(), 3);
    }

    #[test]
    fn markdown_tables_keep_their_shape() {
        let md = render_campaign_markdown(&report());
        let row = md.lines().find(|l| l.starts_with("| `abc`")).unwrap();
        // 8 columns: 9 unescaped bars.
        assert_eq!(row.replace("\\|", "").matches('|').count(), 9, "{row}");
        assert!(md.contains("\\`"));
        assert!(row.contains("| 358 (53) |"), "{row}");
        let head = md.lines().find(|l| l.starts_with("| finding")).unwrap();
        assert_eq!(head.matches('|').count(), 9, "{head}");
    }

    #[test]
    fn throughput_is_cases_per_second_between_samples() {
        assert_eq!(throughput(&report().series), vec![(2.0, 5.0)]);
    }
}
