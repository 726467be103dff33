//! `harness`: generate tests from the WebAssembly spec, run them on many engines, judge
//! every engine against what the spec allows. One file per subcommand; glue only.

mod bench;
mod campaign;
mod corpus_cmd;
mod coverage;
mod diff;
mod engines;
mod generate;
mod input;
mod reduce;
mod report;
mod wast;
mod worker;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for bad usage or an input that cannot be read.
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "harness",
    version,
    about = "Differential testing of WebAssembly engines against the spec"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a module on every engine and report where they disagree.
    Diff(diff::Args),
    /// List the engines, their versions, configurations and proposals.
    Engines(engines::Args),
    /// Run .wast scripts on engines and tabulate conformance.
    Wast(wast::Args),
    /// Fuzz every engine against the oracle for a while; resumable (--resume DIR).
    Campaign(campaign::Args),
    /// Print the module (and plan) the campaign's generator makes from a seed.
    Gen(generate::Args),
    /// Measure how much of the spec modules, scripts, corpora or an official suite reach.
    Coverage(coverage::Args),
    /// Work on campaign directories: merge shards.
    Corpus(corpus_cmd::Args),
    /// Re-render a campaign's report (report.json, report.md, report.html).
    Report(report::Args),
    /// Reduce a bug-triggering module: record and replay, then shrink.
    Reduce(reduce::Args),
    /// Measure the harness (see BENCHMARKS.md).
    Bench(bench::Args),
    /// Serve one engine run in an isolated process (used by the harness itself).
    #[command(hide = true)]
    Worker,
    /// Serve one recording run of `reduce` in an isolated process.
    #[command(hide = true)]
    ReduceRecord,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("HARNESS_LOG"))
        .with_writer(std::io::stderr)
        .init();
    quiet_on_broken_pipe();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Diff(args) => diff::run(args),
        Command::Engines(args) => engines::run(args),
        Command::Wast(args) => wast::run(args),
        Command::Campaign(args) => campaign::run(args),
        Command::Gen(args) => generate::run(args),
        Command::Report(args) => report::run(args),
        Command::Corpus(args) => corpus_cmd::run(args),
        Command::Coverage(args) => coverage::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Reduce(args) => reduce::run(args),
        Command::Worker => worker::run(),
        Command::ReduceRecord => reduce::record_worker(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader of our output went away (`harness gen --wat | head`): as for any Unix
        // filter, that ends the command quietly.
        Err(e) if broken_pipe(&e) => ExitCode::from(EXIT_BROKEN_PIPE),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// The status of a Unix filter that its reader left: what a shell reports for SIGPIPE.
const EXIT_BROKEN_PIPE: u8 = 128 + 13;

/// `println!` panics when its reader has closed the pipe; this ends the process quietly
/// instead, with the status a shell gives a filter killed by SIGPIPE. (SIGPIPE itself stays
/// ignored: a worker that dies must not take the harness with it when it writes the job.)
fn quiet_on_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = panic_message(info.payload());
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(i32::from(EXIT_BROKEN_PIPE));
        }
        default(info)
    }));
}

/// The message of a panic's payload (a `String` or a `&str`).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}

/// Whether an error comes from writing to a pipe whose reader has closed it.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
