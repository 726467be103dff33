//! `harness worker`: the isolated side of an engine run (see `runners::worker`).

/// Serves one request from standard input; exit 3 when the request itself is bad.
pub fn run() -> anyhow::Result<u8> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match runners::worker::serve(stdin.lock(), stdout.lock()) {
        Ok(()) => Ok(0),
        Err(e) => {
            eprintln!("harness worker: {e}");
            Ok(3)
        }
    }
}
