//! The fault-injecting proxy (tests/tools/fault_proxy.py) between conform
//! and the emulator, and a way to run conform that can be interrupted.
//!
//! A [`FaultProxy`] listens on a free port of 127.0.0.1 and forwards to
//! the emulator, except for the requests its rules pick: those it answers
//! with throttling, access denied, server errors, delays, resets, cut or
//! malformed bodies (see the script's documentation). Tests set its rules
//! ([`FaultProxy::set_rules`]), run conform through it
//! ([`FaultProxy::env`]), and read what it saw ([`FaultProxy::counts`]).
//! The proxy is stopped when the value is dropped, exits by itself when
//! the test process goes away (its standard input closes), and after
//! [`PROXY_LIFETIME`] in any case.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Emulator, Run, TestAccount};

/// How long a proxy lives at most, whatever happens to its test.
pub const PROXY_LIFETIME: Duration = Duration::from_secs(300);

/// How long a control request to the proxy may take.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(10);

/// A running fault proxy.
pub struct FaultProxy {
    child: Child,
    /// Held open: the proxy exits when it closes.
    stdin: Option<ChildStdin>,
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    addr: String,
    log: tempfile::NamedTempFile,
}

impl FaultProxy {
    /// Starts a proxy in front of `emulator`, with no rules (everything is
    /// forwarded).
    pub fn start(emulator: &Emulator) -> FaultProxy {
        let python = std::env::var("CONFORM_TEST_PYTHON").expect(
            "CONFORM_TEST_PYTHON is not set: run the tests with scripts/test, \
             which installs the test tools (e.g. `scripts/test --test it faults::`)",
        );
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tools/fault_proxy.py");
        let log = tempfile::NamedTempFile::new().expect("a log file for the proxy");
        let mut child = Command::new(python)
            .arg(&script)
            .arg("--upstream")
            .arg(&emulator.endpoint)
            .arg("--max-seconds")
            .arg(PROXY_LIFETIME.as_secs().to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log.reopen().expect("reopen the proxy's log"))
            .spawn()
            .expect("start the fault proxy");
        let stdout = child.stdout.take().expect("the proxy's stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the fault proxy did not start within 20 s");
            }
        };
        let addr = match line.trim().strip_prefix("listening ") {
            Some(addr) if addr.starts_with("127.0.0.1:") => addr.to_string(),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                let log_text = std::fs::read_to_string(log.path()).unwrap_or_default();
                panic!("the fault proxy did not start: {line:?}\n{log_text}");
            }
        };
        FaultProxy {
            stdin: child.stdin.take(),
            child,
            endpoint: format!("http://{addr}"),
            addr,
            log,
        }
    }

    /// The environment conform scans `account` with, through this proxy.
    pub fn env(&self, account: &TestAccount) -> Vec<(String, String)> {
        let mut env = account.env();
        for (key, value) in env.iter_mut() {
            if key == "AWS_ENDPOINT_URL" {
                *value = self.endpoint.clone();
            }
        }
        assert!(
            env.iter()
                .any(|(k, v)| k == "AWS_ENDPOINT_URL" && *v == self.endpoint),
            "the account's environment names an endpoint"
        );
        env
    }

    /// Replaces the rules (a JSON list; see tests/tools/fault_proxy.py)
    /// and forgets the counts.
    pub fn set_rules(&self, rules: Value) {
        assert!(rules.is_array(), "rules are a list: {rules}");
        self.control("PUT", "rules", &rules.to_string());
        self.control("POST", "reset", "");
    }

    /// What the proxy saw since the rules were last set.
    pub fn counts(&self) -> ProxyCounts {
        ProxyCounts(self.control("GET", "counts", ""))
    }

    /// The proxy's log (its standard error), for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// One control request, over a plain HTTP/1.1 connection.
    fn control(&self, method: &str, name: &str, body: &str) -> Value {
        let mut stream = TcpStream::connect(&self.addr)
            .unwrap_or_else(|e| panic!("connect to the fault proxy at {}: {e}", self.addr));
        stream.set_read_timeout(Some(CONTROL_TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(CONTROL_TIMEOUT)).unwrap();
        let request = format!(
            "{method} /__fault_proxy__/{name} HTTP/1.1\r\nHost: {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .expect("send to the proxy");
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .unwrap_or_else(|e| panic!("read the proxy's answer to {method} {name}: {e}"));
        let (head, body) = answer
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("the proxy's answer has no body: {answer:?}"));
        assert!(
            head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200"),
            "the proxy refused {method} {name}: {answer}"
        );
        serde_json::from_str(body).unwrap_or_else(|e| panic!("proxy answer {body:?}: {e}"))
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        // Closing its input stops it; killing it (our own child, by its
        // handle) makes sure.
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a proxy saw: per (service, operation), the requests, those it
/// answered with a fault, and those it forwarded.
#[derive(Debug, Clone)]
pub struct ProxyCounts(pub Value);

impl ProxyCounts {
    fn operation(&self, service: &str, operation: &str) -> Option<&Value> {
        self.0["operations"]
            .as_array()
            .expect("operations[]")
            .iter()
            .find(|o| o["service"] == service && o["operation"] == operation)
    }

    fn field(&self, service: &str, operation: &str, field: &str) -> u64 {
        self.operation(service, operation)
            .map(|o| o[field].as_u64().expect("a count"))
            .unwrap_or(0)
    }

    /// Requests of an operation (retries included).
    pub fn requests(&self, service: &str, operation: &str) -> u64 {
        self.field(service, operation, "requests")
    }

    /// Requests of an operation that got a fault instead of an answer.
    pub fn faults(&self, service: &str, operation: &str) -> u64 {
        self.field(service, operation, "faults")
    }

    /// Requests of an operation forwarded to the emulator.
    pub fn forwarded(&self, service: &str, operation: &str) -> u64 {
        self.field(service, operation, "forwarded")
    }

    /// Every request seen, as "service operation", in arrival order.
    pub fn seen(&self) -> Vec<String> {
        self.0["requests"]
            .as_array()
            .expect("requests[]")
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["service"].as_str().unwrap_or("?"),
                    r["operation"].as_str().unwrap_or("?")
                )
            })
            .collect()
    }
}

/// A thread reading a pipe to its end.
type Reader = std::thread::JoinHandle<Vec<u8>>;

/// A conform process started by [`spawn_conform`]: for tests that need to
/// act on it while it runs (send it a signal).
pub struct RunningConform {
    child: Option<Child>,
    started: Instant,
    /// Readers of standard output and error (so that no pipe fills up).
    readers: Option<(Reader, Reader)>,
}

impl RunningConform {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// When it started.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Sends `signal` (`INT`, `TERM`) to this process only, with the
    /// `kill` command.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} {} failed", self.pid());
    }

    /// Waits for the process to end, at most `limit` (then kills it and
    /// fails the test).
    pub fn wait_within(mut self, limit: Duration) -> Run {
        let mut child = self.child.take().expect("running");
        let deadline = Instant::now() + limit;
        loop {
            match child.try_wait().expect("poll conform") {
                Some(_) => break,
                None if Instant::now() >= deadline => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("conform did not end within {limit:?}");
                }
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        let elapsed = self.started.elapsed();
        let status = child.wait().expect("conform's status");
        let (stdout, stderr) = self.readers.take().expect("readers");
        let stdout = stdout.join().expect("read stdout");
        let stderr = stderr.join().expect("read stderr");
        Run {
            code: status.code(),
            stdout: String::from_utf8_lossy(&stdout).to_string(),
            stderr: String::from_utf8_lossy(&stderr).to_string(),
            elapsed,
        }
    }
}

impl Drop for RunningConform {
    fn drop(&mut self) {
        // A test that failed while conform ran: stop it (by its handle).
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts conform with `args` and exactly the AWS environment `env`, like
/// [`super::run_conform`], without waiting for it.
pub fn spawn_conform(args: &[&str], env: &[(String, String)]) -> RunningConform {
    let mut cmd = super::conform_command(args, env);
    let started = Instant::now();
    let mut child = cmd.spawn().expect("start conform");
    let read_all = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read_all(Box::new(child.stdout.take().expect("stdout")));
    let stderr = read_all(Box::new(child.stderr.take().expect("stderr")));
    RunningConform {
        child: Some(child),
        started,
        readers: Some((stdout, stderr)),
    }
}
