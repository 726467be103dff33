//! Predicates given as a user's command.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Read};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::predicate::{Interesting, Predicate, PredicateError};

/// How much of the end of each output stream is kept for diagnostics.
const TAIL_BYTES: usize = 4096;

/// The longest pause between two checks of whether the command has exited.
const MAX_POLL: Duration = Duration::from_millis(20);

/// How long to wait for the output pipes to close once the command's process group is gone.
const DRAIN_GRACE: Duration = Duration::from_secs(2);

/// A predicate that runs a command on each candidate.
///
/// Each [`Predicate::test`] writes the candidate to `candidate.wasm` in a private
/// temporary directory and runs `program args… /path/to/candidate.wasm` (the path
/// last, as `wasm-tools shrink`, `wasm-reduce` and C-Reduce do), in the caller's
/// working directory, with stdin from `/dev/null`. Exit status 0 means
/// [`Interesting::Yes`]; any other status, death by a signal, or running past the
/// timeout means [`Interesting::No`].
///
/// The command runs in a process group of its own. When it runs past the timeout the
/// whole group is killed (`SIGKILL`); when it exits, whatever it left running in its
/// group is killed too, so that no straggler survives a test or holds its output open.
#[derive(Debug)]
pub struct CommandPredicate {
    program: OsString,
    args: Vec<OsString>,
    timeout: Duration,
    /// Created on the first test, removed when the predicate is dropped.
    dir: Option<tempfile::TempDir>,
    calls: u64,
    last_output: String,
}

/// How a run ended.
enum Ending {
    Exited(ExitStatus),
    TimedOut,
}

impl CommandPredicate {
    /// A predicate running `program` with `args` (and then the candidate's path),
    /// allowing each run `timeout` of wall-clock time.
    pub fn new(
        program: impl Into<OsString>,
        args: Vec<OsString>,
        timeout: Duration,
    ) -> CommandPredicate {
        CommandPredicate {
            program: program.into(),
            args,
            timeout,
            dir: None,
            calls: 0,
            last_output: String::new(),
        }
    }

    /// How the last run ended, then the last 4 KiB of its standard output and of its
    /// standard error (empty before the first run).
    pub fn last_output(&self) -> &str {
        &self.last_output
    }

    /// Where candidates are written, creating the private directory on first use.
    fn candidate_path(&mut self) -> Result<PathBuf, PredicateError> {
        let dir = match &self.dir {
            Some(d) => d,
            None => {
                let d = tempfile::Builder::new()
                    .prefix("harness-reduce-")
                    .tempdir()
                    .map_err(|source| PredicateError::Io {
                        action: "create a temporary directory".into(),
                        source,
                    })?;
                self.dir.insert(d)
            }
        };
        Ok(dir.path().join("candidate.wasm"))
    }

    fn program_name(&self) -> String {
        self.program.to_string_lossy().into_owned()
    }
}

impl Predicate for CommandPredicate {
    fn test(&mut self, candidate: &[u8]) -> Result<Interesting, PredicateError> {
        self.calls += 1;
        self.last_output.clear();
        let path = self.candidate_path()?;
        fs::write(&path, candidate).map_err(|source| PredicateError::Io {
            action: format!("write the candidate to {}", path.display()),
            source,
        })?;

        let mut child = Command::new(&self.program)
            .args(&self.args)
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|source| PredicateError::Spawn {
                program: self.program_name(),
                source,
            })?;

        let (tx, rx) = mpsc::channel();
        let mut readers = 0;
        let mut reader_error = None;
        let streams: [Option<Box<dyn Read + Send>>; 2] = [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ];
        for (index, stream) in streams.into_iter().enumerate() {
            let Some(stream) = stream else { continue };
            let tx = tx.clone();
            let spawned = thread::Builder::new()
                .name("predicate-output".into())
                .spawn(move || {
                    // The receiver may be gone if the test gave up waiting; nothing to do then.
                    let _ = tx.send((index, read_tail(stream)));
                });
            match spawned {
                Ok(_) => readers += 1,
                Err(e) => {
                    reader_error = Some(e);
                    break;
                }
            }
        }
        drop(tx);
        if let Some(source) = reader_error {
            kill_group(&mut child);
            let _ = child.wait();
            return Err(PredicateError::Io {
                action: "start a thread to read the command's output".into(),
                source,
            });
        }

        let mut tails: [Option<Vec<u8>>; 2] = [None, None];
        let ending = match wait_for(&mut child, self.timeout, &rx, &mut tails) {
            Ok(ending) => ending,
            Err(source) => {
                kill_group(&mut child);
                let _ = child.wait();
                return Err(PredicateError::Io {
                    action: "wait for the predicate command".into(),
                    source,
                });
            }
        };
        // Whatever the command left behind in its group goes too (and with it, the
        // last writers of its output pipes). After a timeout this is the kill itself.
        kill_group(&mut child);
        let status_line = match &ending {
            Ending::Exited(status) => format!("{status}"),
            Ending::TimedOut => {
                // Reap the killed leader; with SIGKILL sent this does not block for long.
                let _ = child.wait();
                format!("timed out after {:?} and killed", self.timeout)
            }
        };

        let deadline = Instant::now() + DRAIN_GRACE;
        while tails.iter().filter(|t| t.is_some()).count() < readers {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok((i, tail)) => store_tail(&mut tails, i, tail),
                Err(_) => break,
            }
        }
        let missing = tails.iter().filter(|t| t.is_some()).count() < readers;

        let mut out = format!("status: {status_line}\n");
        for (name, tail) in ["stdout", "stderr"].iter().zip(&tails) {
            out.push_str(&format!("--- {name} (last {TAIL_BYTES} bytes) ---\n"));
            if let Some(t) = tail {
                out.push_str(&String::from_utf8_lossy(t));
                if !t.is_empty() && !t.ends_with(b"\n") {
                    out.push('\n');
                }
            }
        }
        if missing {
            out.push_str(
                "(output still held open by a process that left the command's process group)\n",
            );
        }
        self.last_output = out;

        Ok(match ending {
            Ending::Exited(status) if status.success() => Interesting::Yes,
            _ => Interesting::No,
        })
    }

    fn calls(&self) -> u64 {
        self.calls
    }

    fn explain(&self) -> Option<String> {
        Some(self.last_output.clone())
    }
}

/// Waits until `child` exits or `timeout` passes, collecting output tails meanwhile.
///
/// On timeout the child is killed (with its group) but not reaped.
fn wait_for(
    child: &mut Child,
    timeout: Duration,
    rx: &Receiver<(usize, Vec<u8>)>,
    tails: &mut [Option<Vec<u8>>; 2],
) -> io::Result<Ending> {
    // A timeout too long to represent is no timeout at all.
    let deadline = Instant::now().checked_add(timeout);
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Ending::Exited(status));
        }
        let left = match deadline {
            Some(d) => d.saturating_duration_since(Instant::now()),
            None => MAX_POLL,
        };
        if left.is_zero() {
            // Not reaped yet, so the group id cannot have been reused.
            kill_group(child);
            return Ok(Ending::TimedOut);
        }
        // Output closing is the usual sign of an exit: it wakes this wait at once.
        match rx.recv_timeout(pause.min(left)) {
            Ok((i, tail)) => {
                store_tail(tails, i, tail);
                pause = Duration::from_millis(1);
            }
            Err(RecvTimeoutError::Timeout) => pause = (pause * 2).min(MAX_POLL),
            Err(RecvTimeoutError::Disconnected) => {
                // All output is in; only the exit itself is left to see.
                thread::sleep(pause.min(left));
                pause = (pause * 2).min(MAX_POLL);
            }
        }
    }
}

fn store_tail(tails: &mut [Option<Vec<u8>>; 2], index: usize, tail: Vec<u8>) {
    if let Some(slot) = tails.get_mut(index) {
        *slot = Some(tail);
    }
}

/// Kills the process group the child leads (it was spawned with `process_group(0)`).
fn kill_group(child: &mut Child) {
    match libc::pid_t::try_from(child.id()) {
        Ok(pid) if pid > 0 => {
            // SAFETY: kill has no memory-safety preconditions; a negative pid names the
            // process group, which is the child's own. Failure (ESRCH: group gone) is fine.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
        }
        _ => {
            let _ = child.kill();
        }
    }
}

/// Reads `stream` to its end, keeping only the last [`TAIL_BYTES`] bytes.
fn read_tail(mut stream: impl Read) -> Vec<u8> {
    let mut tail = Vec::with_capacity(TAIL_BYTES);
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let chunk = buf.get(..n).unwrap_or(&[]);
                tail.extend_from_slice(chunk);
                if tail.len() > TAIL_BYTES {
                    let excess = tail.len() - TAIL_BYTES;
                    tail.drain(..excess);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, extra: &[&str], timeout: Duration) -> CommandPredicate {
        let mut args: Vec<OsString> = vec!["-c".into(), script.into(), "sh".into()];
        args.extend(extra.iter().map(OsString::from));
        CommandPredicate::new("sh", args, timeout)
    }

    const LONG: Duration = Duration::from_secs(60);

    #[test]
    fn exit_status_decides() {
        let mut yes = sh("exit 0", &[], LONG);
        assert_eq!(yes.test(b"x").unwrap(), Interesting::Yes);
        let mut no = sh("exit 1", &[], LONG);
        assert_eq!(no.test(b"x").unwrap(), Interesting::No);
        assert!(
            no.last_output().starts_with("status: exit status: 1"),
            "{}",
            no.last_output()
        );
        let mut other = sh("exit 77", &[], LONG);
        assert_eq!(other.test(b"x").unwrap(), Interesting::No);
    }

    #[test]
    fn death_by_signal_is_not_interesting() {
        let mut p = sh("kill -9 $$", &[], LONG);
        assert_eq!(p.test(b"x").unwrap(), Interesting::No);
        assert!(p.last_output().contains("signal"), "{}", p.last_output());
    }

    #[test]
    fn a_command_past_its_timeout_is_killed() {
        let mut p = sh("sleep 30", &[], Duration::from_millis(300));
        let start = Instant::now();
        assert_eq!(p.test(b"x").unwrap(), Interesting::No);
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "took {:?}",
            start.elapsed()
        );
        assert!(p.last_output().contains("timed out"), "{}", p.last_output());
        assert_eq!(p.calls(), 1);
    }

    #[test]
    fn a_command_printing_forever_is_killed() {
        let mut p = sh("yes; exit 0", &[], Duration::from_millis(300));
        let start = Instant::now();
        assert_eq!(p.test(b"x").unwrap(), Interesting::No);
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "took {:?}",
            start.elapsed()
        );
        assert!(p.last_output().len() < 3 * TAIL_BYTES);
    }

    #[test]
    fn background_stragglers_neither_block_nor_survive() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("survived");
        let script = r#"(sleep 2; touch "$1") & exit 0"#;
        let mut p = sh(script, &[marker.to_str().unwrap()], LONG);
        let start = Instant::now();
        assert_eq!(p.test(b"x").unwrap(), Interesting::Yes);
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "took {:?}",
            start.elapsed()
        );
        thread::sleep(Duration::from_millis(2500));
        assert!(
            !marker.exists(),
            "a background process of the command survived it"
        );
    }

    #[test]
    fn a_missing_program_is_an_error_naming_it() {
        let mut p = CommandPredicate::new("/nonexistent/no-such-predicate", vec![], LONG);
        match p.test(b"x") {
            Err(e @ PredicateError::Spawn { .. }) => {
                assert!(
                    e.to_string().contains("/nonexistent/no-such-predicate"),
                    "{e}"
                );
            }
            other => panic!("expected a spawn error, got {other:?}"),
        }
        assert_eq!(p.calls(), 1);
    }

    #[test]
    fn the_candidate_file_holds_exactly_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let expected = dir.path().join("expected");
        let mut p = sh(r#"cmp -s "$1" "$2""#, &[expected.to_str().unwrap()], LONG);
        let long: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
        let cases: [&[u8]; 4] = [&long, b"\0asm\x01\0\0\0\xff\xfe", b"", b"short"];
        for bytes in cases {
            fs::write(&expected, bytes).unwrap();
            assert_eq!(
                p.test(bytes).unwrap(),
                Interesting::Yes,
                "{}",
                p.last_output()
            );
            fs::write(&expected, b"something else").unwrap();
            assert_eq!(p.test(bytes).unwrap(), Interesting::No);
        }
        assert_eq!(p.calls(), 8);

        let mut size = sh(r#"test "$(wc -c < "$1")" -eq 5"#, &[], LONG);
        assert_eq!(size.test(b"12345").unwrap(), Interesting::Yes);
        assert_eq!(size.test(b"123456").unwrap(), Interesting::No);
        assert_eq!(size.calls(), 2);
    }

    #[test]
    fn the_candidate_path_comes_last_and_stdin_is_empty() {
        let mut p = sh(
            r#"test "$1" = first && test "$(basename "$2")" = candidate.wasm && test -z "$(cat)""#,
            &["first"],
            LONG,
        );
        assert_eq!(
            p.test(b"x").unwrap(),
            Interesting::Yes,
            "{}",
            p.last_output()
        );
    }

    #[test]
    fn keeps_the_tail_of_each_output() {
        let script = r#"i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done; echo to-stderr >&2; exit 3"#;
        let mut p = sh(script, &[], LONG);
        assert_eq!(p.last_output(), "");
        assert_eq!(p.test(b"x").unwrap(), Interesting::No);
        let out = p.last_output();
        assert!(out.contains("line 1999\n"), "{out}");
        assert!(!out.contains("line 0\n"), "{out}");
        assert!(out.contains("to-stderr"), "{out}");
        assert!(out.len() <= 2 * TAIL_BYTES + 300, "{} bytes", out.len());
    }

    #[test]
    fn an_enormous_timeout_is_no_timeout() {
        let mut p = sh("exit 0", &[], Duration::MAX);
        assert_eq!(p.test(b"x").unwrap(), Interesting::Yes);
        let mut zero = sh("sleep 5", &[], Duration::ZERO);
        assert_eq!(zero.test(b"x").unwrap(), Interesting::No);
    }

    #[test]
    fn counts_calls() {
        let mut p = sh("exit 0", &[], LONG);
        assert_eq!(p.calls(), 0);
        for _ in 0..3 {
            p.test(b"x").unwrap();
        }
        assert_eq!(p.calls(), 3);
    }
}
