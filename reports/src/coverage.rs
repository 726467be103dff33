//! Spec coverage: which points of the spec's catalogue a test suite reached, by chapter,
//! as text, JSON (the [`CoverageReport`] itself) and one HTML page.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::escape_html;

/// The schema name of a coverage report.
pub const COVERAGE_SCHEMA: &str = "harness.coverage/1";

/// One coverage point with its counts.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PointRow {
    /// The point's name (`Step_pure/unreachable`, `$idiv_#3`).
    pub name: String,
    /// Its spec chapter (`4.3`).
    pub chapter: String,
    /// Its spec file.
    pub file: String,
    /// Rule, grammar production, numeric clause or module def clause.
    pub kind: String,
    /// Firings in suite A.
    pub count: u64,
    /// Firings in suite B (with `--compare`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count_b: Option<u64>,
    /// Why no test of this harness can reach it, if none can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreachable: Option<String>,
}

/// One chapter's summary.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ChapterRow {
    /// The chapter (`4.3`).
    pub chapter: String,
    /// Its spec file.
    pub file: String,
    /// Points that can be reached.
    pub reachable: u64,
    /// Of them, reached by suite A.
    pub covered: u64,
    /// Of them, reached by suite B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered_b: Option<u64>,
    /// Points that cannot be reached.
    pub unreachable: u64,
}

/// A coverage report.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CoverageReport {
    /// [`COVERAGE_SCHEMA`].
    pub schema: String,
    /// The spec version of the catalogue.
    pub spec: String,
    /// What suite A is.
    pub suite: String,
    /// What suite B is (with `--compare`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suite_b: Option<String>,
    /// Per chapter.
    pub chapters: Vec<ChapterRow>,
    /// Every point.
    pub points: Vec<PointRow>,
    /// (rule, opcode) pairs reached by suite A: `rule opcode count`.
    pub pairs: Vec<(String, String, u64)>,
    /// The same for suite B.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pairs_b: Vec<(String, String, u64)>,
}

fn pct(n: u64, d: u64) -> f64 {
    if d == 0 {
        0.0
    } else {
        100.0 * n as f64 / d as f64
    }
}

impl CoverageReport {
    /// Reachable points, and of them covered by A (and by B).
    pub fn totals(&self) -> (u64, u64, Option<u64>) {
        let r = self.chapters.iter().map(|c| c.reachable).sum();
        let a = self.chapters.iter().map(|c| c.covered).sum();
        let b = self
            .suite_b
            .as_ref()
            .map(|_| self.chapters.iter().map(|c| c.covered_b.unwrap_or(0)).sum());
        (r, a, b)
    }
}

/// The terminal summary: per chapter covered / reachable, then the points only one suite
/// reached (with `--compare`) or the first uncovered ones.
pub fn render_coverage_text(r: &CoverageReport) -> String {
    let mut out = String::new();
    let b = r.suite_b.is_some();
    let _ = writeln!(out, "spec coverage ({}), A = {}", r.spec, r.suite);
    if let Some(sb) = &r.suite_b {
        let _ = writeln!(out, "                        B = {sb}");
    }
    let _ = writeln!(
        out,
        "\n{:<8} {:<42} {:>10} {:>7}{}",
        "chapter",
        "file",
        "A covered",
        "%",
        if b { "  B covered       %" } else { "" }
    );
    for c in &r.chapters {
        let _ = write!(
            out,
            "{:<8} {:<42} {:>4} / {:<4} {:>6.1}",
            c.chapter,
            c.file,
            c.covered,
            c.reachable,
            pct(c.covered, c.reachable)
        );
        if let Some(cb) = c.covered_b {
            let _ = write!(
                out,
                "  {:>4} / {:<4} {:>6.1}",
                cb,
                c.reachable,
                pct(cb, c.reachable)
            );
        }
        if c.unreachable > 0 {
            let _ = write!(out, "  ({} unreachable)", c.unreachable);
        }
        let _ = writeln!(out);
    }
    let (reach, a, bb) = r.totals();
    let _ = write!(
        out,
        "{:<8} {:<42} {:>4} / {:<4} {:>6.1}",
        "all",
        "",
        a,
        reach,
        pct(a, reach)
    );
    if let Some(bb) = bb {
        let _ = write!(out, "  {:>4} / {:<4} {:>6.1}", bb, reach, pct(bb, reach));
    }
    let _ = writeln!(out, "\n(rule, opcode) pairs reached: {}", r.pairs.len());
    if b {
        let only = |f: &dyn Fn(&PointRow) -> bool| {
            r.points
                .iter()
                .filter(|p| p.unreachable.is_none() && f(p))
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
        };
        let only_a = only(&|p| p.count > 0 && p.count_b == Some(0));
        let only_b = only(&|p| p.count == 0 && p.count_b.unwrap_or(0) > 0);
        let _ = writeln!(
            out,
            "\nonly A reaches {}: {}",
            only_a.len(),
            only_a.join(" ")
        );
        let _ = writeln!(out, "only B reaches {}: {}", only_b.len(), only_b.join(" "));
    } else {
        let missing: Vec<&str> = r
            .points
            .iter()
            .filter(|p| p.unreachable.is_none() && p.count == 0)
            .map(|p| p.name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "\nnot reached ({}): {}",
            missing.len(),
            missing
                .iter()
                .take(40)
                .copied()
                .collect::<Vec<_>>()
                .join(" ")
        );
        if missing.len() > 40 {
            let _ = writeln!(
                out,
                "... and {} more (see --json or --html)",
                missing.len() - 40
            );
        }
    }
    out
}

/// One self-contained HTML page: the spec's points grouped by chapter, covered ones shaded
/// by count, the uncovered and the unreachable (with their reason) listed.
pub fn render_coverage_html(r: &CoverageReport) -> String {
    let e = escape_html;
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>spec coverage</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:80em}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ddd;padding:.2em .5em;text-align:left}}\
         td.n{{text-align:right}}.u{{color:#888}}</style></head><body>\
         <h1>Spec coverage ({})</h1><p>A = {}{}</p>",
        e(&r.spec),
        e(&r.suite),
        r.suite_b
            .as_ref()
            .map(|b| format!("; B = {}", e(b)))
            .unwrap_or_default()
    );
    let max = r.points.iter().map(|p| p.count).max().unwrap_or(1).max(1) as f64;
    for c in &r.chapters {
        let _ = write!(
            out,
            "<h2>{} <code>{}</code>: {} of {} reachable points ({:.1} %)</h2><table><tr><th>point</th><th>kind</th><th>A</th>{}</tr>",
            e(&c.chapter),
            e(&c.file),
            c.covered,
            c.reachable,
            pct(c.covered, c.reachable),
            if r.suite_b.is_some() {
                "<th>B</th>"
            } else {
                ""
            }
        );
        for p in r.points.iter().filter(|p| p.chapter == c.chapter) {
            let shade = if p.count == 0 {
                "#fbe9e7".to_string()
            } else {
                // Lighter for rare points, darker for frequent ones (log scale).
                let t = ((p.count as f64).ln_1p() / max.ln_1p()).clamp(0.0, 1.0);
                format!("hsl(130,45%,{:.0}%)", 88.0 - 40.0 * t)
            };
            match &p.unreachable {
                Some(why) => {
                    let _ = write!(
                        out,
                        "<tr class=\"u\"><td><code>{}</code></td><td>{}</td><td colspan=\"2\">unreachable: {}</td></tr>",
                        e(&p.name),
                        e(&p.kind),
                        e(why)
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        "<tr><td style=\"background:{shade}\"><code>{}</code></td><td>{}</td><td class=\"n\">{}</td>{}</tr>",
                        e(&p.name),
                        e(&p.kind),
                        p.count,
                        p.count_b
                            .map(|b| format!("<td class=\"n\">{b}</td>"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        out.push_str("</table>");
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> CoverageReport {
        CoverageReport {
            schema: COVERAGE_SCHEMA.into(),
            spec: "wasm-3.0".into(),
            suite: "<a>".into(),
            suite_b: Some("b".into()),
            chapters: vec![ChapterRow {
                chapter: "4.3".into(),
                file: "f".into(),
                reachable: 2,
                covered: 1,
                covered_b: Some(1),
                unreachable: 1,
            }],
            points: vec![
                PointRow {
                    name: "Step_pure/nop".into(),
                    chapter: "4.3".into(),
                    count: 3,
                    count_b: Some(0),
                    ..PointRow::default()
                },
                PointRow {
                    name: "Step_pure/drop".into(),
                    chapter: "4.3".into(),
                    count: 0,
                    count_b: Some(2),
                    ..PointRow::default()
                },
                PointRow {
                    name: "Step_pure/x".into(),
                    chapter: "4.3".into(),
                    unreachable: Some("why".into()),
                    ..PointRow::default()
                },
            ],
            ..CoverageReport::default()
        }
    }

    #[test]
    fn text_shows_what_only_one_suite_reaches() {
        let t = render_coverage_text(&report());
        assert!(t.contains("only A reaches 1: Step_pure/nop"), "{t}");
        assert!(t.contains("only B reaches 1: Step_pure/drop"), "{t}");
        assert!(t.contains("50.0"), "{t}");
    }

    #[test]
    fn html_escapes_and_marks_unreachable_points() {
        let h = render_coverage_html(&report());
        assert!(h.contains("&lt;a&gt;"));
        assert!(h.contains("unreachable: why"));
        assert!(h.contains("hsl(130"));
    }
}
