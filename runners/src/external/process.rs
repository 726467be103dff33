//! External engines' processes: started with a memory limit in a process group of their
//! own, read line by line with a wall-clock limit and a cap on what they may print, and
//! killed (the whole group) when they overrun or when dropped.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How much of an engine's standard error is kept for the report when it dies.
const STDERR_KEPT: usize = 8192;

/// A program and its arguments, with extra environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The executable.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
}

impl Program {
    /// A program with no arguments.
    pub fn new(program: impl Into<PathBuf>) -> Program {
        Program {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    /// The same program with more arguments.
    pub fn with_args<I, S>(mut self, args: I) -> Program
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// How it reads in a report.
    pub fn display(&self) -> String {
        std::iter::once(self.program.display().to_string())
            .chain(self.args.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The limits an external process runs under.
#[derive(Clone, Copy, Debug)]
pub struct Caps {
    /// Wall-clock limit for each reply.
    pub timeout: Duration,
    /// Its data segment (`RLIMIT_DATA`), bytes; 0 for none.
    pub memory: u64,
    /// The longest line (reply) it may print, bytes.
    pub output: usize,
}

/// What reading the next line gave.
#[derive(Debug)]
pub enum Reply {
    /// A line (without its newline).
    Line(String),
    /// Nothing within the wall-clock limit: the process was killed.
    Late,
    /// A line longer than the output cap: the process was killed.
    TooLong,
    /// The process ended; how, with the telling part of its standard error.
    Died(String),
}

enum Piece {
    Line(String),
    TooLong,
}

/// A running external process.
pub struct Process {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<Piece>,
    stderr: Arc<Mutex<Vec<u8>>>,
    threads: Vec<std::thread::JoinHandle<()>>,
    caps: Caps,
    /// Whether it has been killed or has ended.
    pub dead: bool,
}

impl Process {
    /// Starts the program with piped standard streams.
    pub fn start(program: &Program, caps: Caps) -> std::io::Result<Process> {
        let mut cmd = Command::new(&program.program);
        cmd.args(&program.args)
            .envs(program.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let memory = caps.memory;
        // SAFETY: the closure only calls setrlimit, which is async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                let core = libc::rlimit {
                    rlim_cur: 0,
                    rlim_max: 0,
                };
                libc::setrlimit(libc::RLIMIT_CORE, &core);
                if memory > 0 {
                    let data = libc::rlimit {
                        rlim_cur: memory,
                        rlim_max: memory,
                    };
                    libc::setrlimit(libc::RLIMIT_DATA, &data);
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn()?;
        let stdin = child.stdin.take();
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take();
        let cap = caps.output;
        let reader = std::thread::spawn(move || {
            let Some(stdout) = stdout else { return };
            let mut r = BufReader::new(stdout);
            loop {
                let mut buf = Vec::new();
                match (&mut r).take(cap as u64 + 1).read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                if buf.last() != Some(&b'\n') && buf.len() > cap {
                    let _ = tx.send(Piece::TooLong);
                    break;
                }
                while matches!(buf.last(), Some(b'\n' | b'\r')) {
                    buf.pop();
                }
                if tx
                    .send(Piece::Line(String::from_utf8_lossy(&buf).into_owned()))
                    .is_err()
                {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let err_pipe = child.stderr.take();
        let sink = Arc::clone(&stderr);
        let err_reader = std::thread::spawn(move || {
            let Some(mut pipe) = err_pipe else { return };
            let mut chunk = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                let mut kept = sink.lock().unwrap_or_else(|e| e.into_inner());
                kept.extend_from_slice(&chunk[..n]);
                if kept.len() > STDERR_KEPT {
                    let excess = kept.len() - STDERR_KEPT;
                    kept.drain(..excess);
                }
            }
        });
        Ok(Process {
            child,
            stdin,
            lines,
            stderr,
            threads: vec![reader, err_reader],
            caps,
            dead: false,
        })
    }

    /// Writes a line to its standard input (a newline is added).
    pub fn send(&mut self, line: &str) -> std::io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| std::io::Error::other("standard input closed"))?;
        stdin.write_all(line.as_bytes())?;
        stdin.write_all(b"\n")?;
        stdin.flush()
    }

    /// Closes its standard input (end of requests).
    pub fn close_input(&mut self) {
        self.stdin = None;
    }

    /// Reads the next line within the wall-clock limit.
    pub fn recv(&mut self) -> Reply {
        self.recv_within(self.caps.timeout)
    }

    /// Reads the next line within `limit`.
    pub fn recv_within(&mut self, limit: Duration) -> Reply {
        match self.lines.recv_timeout(limit) {
            Ok(Piece::Line(l)) => Reply::Line(l),
            Ok(Piece::TooLong) => {
                self.kill();
                Reply::TooLong
            }
            Err(RecvTimeoutError::Timeout) => {
                self.kill();
                Reply::Late
            }
            Err(RecvTimeoutError::Disconnected) => Reply::Died(self.death()),
        }
    }

    /// Waits for it to end (at most the wall-clock limit) after its output ended, and says how.
    pub fn death(&mut self) -> String {
        let status = self.wait_within(self.caps.timeout);
        // Its standard error may still be in the pipe: give the reader a moment.
        let start = std::time::Instant::now();
        while self.threads.get(1).is_some_and(|t| !t.is_finished())
            && start.elapsed() < Duration::from_millis(200)
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        let tail = tail(&self.stderr_bytes());
        let how = describe(status);
        if tail.is_empty() {
            how
        } else {
            format!("{how}: {tail}")
        }
    }

    /// Its exit status, waiting at most `limit` (then it is killed).
    pub fn wait_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = std::time::Instant::now();
        loop {
            match self.child.try_wait() {
                Ok(Some(s)) => {
                    self.dead = true;
                    return Some(s);
                }
                Ok(None) if start.elapsed() < limit => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                _ => {
                    self.kill();
                    return None;
                }
            }
        }
    }

    /// What it wrote to standard error so far (the end of it).
    pub fn stderr_bytes(&self) -> Vec<u8> {
        self.stderr.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Kills its whole process group.
    pub fn kill(&mut self) {
        if !self.dead {
            // SAFETY: kill with the negative pid of the group this process leads.
            unsafe {
                libc::kill(-(self.child.id() as i32), libc::SIGKILL);
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
            self.dead = true;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.stdin = None;
        self.kill();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// A JSON text with every non-ASCII character escaped (`\uXXXX`), so that no reader can
/// take one of them for a line break (Node 26's `readline` splits at U+2028).
pub fn ascii_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

/// How a process ended, in words.
pub fn describe(status: Option<ExitStatus>) -> String {
    match status {
        Some(s) => match (s.code(), s.signal()) {
            (_, Some(sig)) => {
                let name = match sig {
                    libc::SIGSEGV => "SIGSEGV",
                    libc::SIGABRT => "SIGABRT",
                    libc::SIGBUS => "SIGBUS",
                    libc::SIGILL => "SIGILL",
                    libc::SIGFPE => "SIGFPE",
                    libc::SIGKILL => "SIGKILL",
                    libc::SIGTRAP => "SIGTRAP",
                    _ => "signal",
                };
                format!("engine killed by signal {sig} ({name})")
            }
            (Some(code), _) => format!("engine exited with status {code}"),
            (None, None) => "engine ended".into(),
        },
        None => "engine did not end and was killed".into(),
    }
}

/// The last few non-empty lines of an engine's standard error, on one line.
pub fn tail(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let start = lines.len().saturating_sub(3);
    let joined = lines[start..].join(" | ");
    if joined.len() > 600 {
        let mut cut = 600;
        while !joined.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}...", &joined[..cut])
    } else {
        joined
    }
}

/// A line cut short for a report.
pub fn excerpt(line: &str) -> String {
    let mut cut = line.len().min(120);
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    if cut < line.len() {
        format!("{}...", &line[..cut])
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(ms: u64) -> Caps {
        Caps {
            timeout: Duration::from_millis(ms),
            memory: 0,
            output: 64,
        }
    }

    fn sh(script: &str) -> Program {
        Program::new("/bin/sh").with_args(["-c", script])
    }

    #[test]
    fn json_lines_are_ascii_and_read_back_the_same() {
        let v = serde_json::json!({"name": "a\u{2028}b\u{85}c\u{1F600}"});
        let line = ascii_json(&v.to_string());
        assert!(line.is_ascii(), "{line}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&line).unwrap(), v);
    }

    #[test]
    fn lines_arrive_in_order_then_death_is_described() {
        let mut p = Process::start(&sh("echo one; echo two; exit 7"), caps(5000)).unwrap();
        assert!(matches!(p.recv(), Reply::Line(l) if l == "one"));
        assert!(matches!(p.recv(), Reply::Line(l) if l == "two"));
        match p.recv() {
            Reply::Died(m) => assert!(m.contains("status 7"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_silent_process_is_late_and_its_group_is_killed() {
        // The shell's child `sleep` holds the pipe: only killing the group ends the read.
        let mut p = Process::start(&sh("sleep 30; echo never"), caps(100)).unwrap();
        assert!(matches!(p.recv(), Reply::Late));
        drop(p);
    }

    #[test]
    fn a_line_past_the_cap_is_cut_off() {
        let mut p = Process::start(&sh("head -c 1000 /dev/zero | tr '\\0' x"), caps(5000)).unwrap();
        assert!(matches!(p.recv(), Reply::TooLong));
    }

    #[test]
    fn a_signal_is_named_with_the_end_of_stderr() {
        let mut p = Process::start(&sh("echo 'bad thing' >&2; kill -SEGV $$"), caps(5000)).unwrap();
        match p.recv() {
            Reply::Died(m) => {
                assert!(m.contains("SIGSEGV") && m.contains("bad thing"), "{m}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_memory_limit_applies() {
        let mut c = caps(5000);
        c.memory = 64 << 20;
        let script =
            "dd if=/dev/zero of=/dev/null bs=512M count=1 2>/dev/null && echo grew || echo refused";
        let mut p = Process::start(&sh(script), c).unwrap();
        match p.recv() {
            Reply::Line(l) => assert_eq!(l, "refused"),
            other => panic!("{other:?}"),
        }
    }
}
