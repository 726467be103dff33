//! `harness report DIR`: re-render a campaign's report from its files.

use std::path::PathBuf;

use crate::campaign::store::Dir;

/// Arguments of `harness report`.
#[derive(clap::Args)]
pub struct Args {
    /// The campaign's directory.
    dir: PathBuf,
}

/// `harness report`.
pub fn run(args: Args) -> anyhow::Result<u8> {
    if !args.dir.join("campaign.json").is_file() {
        anyhow::bail!(
            "{} is not a campaign directory (no campaign.json)",
            args.dir.display()
        );
    }
    let dir = Dir::open(&args.dir)?;
    let state = dir.load_state()?;
    let report = crate::campaign::write_report(&dir, state.elapsed_s > 0.0)?;
    println!(
        "{} cases, {} findings: {}",
        report.cases,
        report.findings.len(),
        args.dir.join("report.html").display()
    );
    Ok(0)
}
