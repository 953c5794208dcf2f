//! Headless Chromium for the tests of the HTML report: the browser
//! scripts/test found or installed (`CONFORM_CHROMIUM`), run with no
//! network of its own, and readers of the DOM it built.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browser scripts/test found or installed; `None` (with a loud
/// message) when it could not install one.
pub fn chromium() -> Option<String> {
    match std::env::var("CONFORM_CHROMIUM") {
        Ok(path) if !path.trim().is_empty() => Some(path),
        _ => {
            eprintln!(
                "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                 !! SKIPPED: the HTML report was NOT opened in a browser.                 !!\n\
                 !! CONFORM_CHROMIUM is not set: scripts/test could not install Chromium  !!\n\
                 !! (apt-get install chromium). Run the tests with scripts/test.          !!\n\
                 !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            );
            None
        }
    }
}

/// Chromium's flags: headless, no sandbox (tests run as root in CI), and
/// nothing that talks to the network on its own.
pub fn browser(chromium: &str, profile: &Path) -> Command {
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--virtual-time-budget=10000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    cmd
}

/// Runs the browser for at most a minute; returns its standard output.
pub fn run(mut cmd: Command) -> String {
    let mut child = cmd.spawn().expect("start chromium");
    let pid = child.id();
    let started = Instant::now();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        let mut stdout = stdout;
        let _ = std::io::Read::read_to_string(&mut stdout, &mut out);
        out
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = reader.join().unwrap();
            assert!(status.success(), "chromium failed: {status}");
            return out;
        }
        if started.elapsed() > Duration::from_secs(90) {
            // Only the browser this test started, by its id.
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The DOM of `html` (with `fragment`) once its script ran.
pub fn load(chromium: &str, html: &Path, fragment: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = browser(chromium, profile.path());
    cmd.arg("--dump-dom")
        .arg(format!("file://{}{fragment}", html.display()));
    let dom = run(cmd);
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's script did not finish:\n{}",
        &dom[..dom.len().min(3000)]
    );
    assert!(
        !dom.contains("data-error="),
        "the page's script failed: {}",
        attr(&dom, "data-error")
    );
    assert!(
        !dom.contains("data-csp-violation="),
        "the page broke its own Content-Security-Policy: {}",
        attr(&dom, "data-csp-violation")
    );
    dom
}

pub fn attr<'a>(dom: &'a str, name: &str) -> &'a str {
    let Some(at) = dom.find(&format!("{name}=\"")) else {
        return "";
    };
    let rest = &dom[at + name.len() + 2..];
    &rest[..rest.find('"').unwrap_or(0)]
}

/// The text of the element with `id`.
pub fn text_of<'a>(dom: &'a str, id: &str) -> &'a str {
    let at = dom
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &dom[at..];
    let start = rest.find('>').unwrap() + 1;
    &rest[start..start + rest[start..].find('<').unwrap()]
}

pub fn matching(dom: &str) -> usize {
    let at = dom.find("id=\"shown-count\"").expect("#shown-count");
    attr(&dom[at..], "data-matching")
        .parse()
        .expect("data-matching")
}
