//! The progress line on standard error while a scan collects.

use conform::collect;
use conform::inventory::Dataset;

/// The progress display while collecting: one line on standard error,
/// drawn only when standard error is a terminal (never in CI logs, pipes or
/// files), cleared when collection ends.
#[derive(Debug)]
pub(super) struct TerminalProgress {
    pub(super) bar: indicatif::ProgressBar,
    /// Whether the bar has a length yet (the first account planned its
    /// work); guards the switch from spinner to bar.
    counting: std::sync::Mutex<bool>,
}

impl TerminalProgress {
    pub(super) fn new() -> Option<Self> {
        use std::io::IsTerminal;
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {elapsed} {wide_msg}")
        {
            bar.set_style(style);
        }
        bar.set_message("finding the accounts and their regions");
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Some(TerminalProgress {
            bar,
            counting: std::sync::Mutex::new(false),
        })
    }
}

impl collect::Progress for TerminalProgress {
    fn planned(&self, tasks: usize) {
        let mut counting = match self.counting.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        if *counting {
            self.bar.inc_length(tasks as u64);
            return;
        }
        *counting = true;
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} collecting {pos}/{len} [{bar:24}] {elapsed} {wide_msg}",
        ) {
            self.bar.set_style(style.progress_chars("=> "));
        }
        self.bar.set_length(tasks as u64);
    }

    fn finished(&self, account: &str, region: &str, datasets: &[Dataset], failed: usize) {
        let names: Vec<&str> = datasets.iter().map(|d| d.name()).collect();
        let note = if failed > 0 {
            format!(" ({failed} not read)")
        } else {
            String::new()
        };
        self.bar
            .set_message(format!("{account} {region} {}{note}", names.join(", ")));
        self.bar.inc(1);
    }
}
