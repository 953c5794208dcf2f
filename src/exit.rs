//! conform's exit codes. They are part of its interface: CI pipelines
//! branch on them, so each keeps its meaning forever.
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | every rule was evaluated on every resource, and no promise is broken (at or above `--fail-on`); waived failures do not count |
//! | 1 | at least one promise is broken at or above `--fail-on` (whether or not something was also unknown); with `--fail-on-new-only`, only failures new since `--baseline` count |
//! | 2 | usage or configuration error: an unknown flag, a broken rules or waivers file, an unreadable inventory or report, an unknown region or none at all; with `--strict-waivers`, a malformed waiver (before scanning) or a stale one (after the reports are written) |
//! | 3 | incomplete: no promise broken at or above `--fail-on`, but something could not be evaluated (unknown verdicts) |
//! | 4 | the scan could not run: no credentials or identity, AWS unreachable, an output that cannot be written |
//! | 130 | interrupted (Ctrl-C); nothing half-written is left behind |
//!
//! `conform diff OLD.json NEW.json` uses the same codes: 0 nothing new
//! fails, 1 a new failure (or a failure whose waiver ended) at or above
//! `--fail-on`, 2 a report that cannot be read, 3 no new failure but
//! verdicts that became unknown, 4 an output that cannot be written.

use crate::error::{CollectError, Error};
use crate::evaluate::Evaluation;
use crate::findings::{BaselineState, Status};
use crate::history::Diff;
use crate::rules::Severity;

pub const OK: i32 = 0;
pub const BROKEN: i32 = 1;
pub const USAGE: i32 = 2;
pub const INCOMPLETE: i32 = 3;
pub const SCAN_ERROR: i32 = 4;
pub const INTERRUPTED: i32 = 130;

/// The exit code for an error that stopped conform.
pub fn for_error(error: &Error) -> i32 {
    match error {
        Error::Rules(_) | Error::Inventory(_) | Error::Waivers(_) | Error::Usage(_) => USAGE,
        Error::Collect(
            CollectError::UnknownRegion { .. }
            | CollectError::NoRegion
            | CollectError::RoleNameRequired(_),
        ) => USAGE,
        Error::Collect(_) | Error::Output(_) => SCAN_ERROR,
        Error::Interrupted => INTERRUPTED,
    }
}

/// When a finished scan (or merge) exits 1 or 3: `--fail-on`,
/// `--allow-incomplete` and `--fail-on-new-only`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExitPolicy {
    /// Failures at or above this severity exit 1; `None` (`--fail-on
    /// none`): failures never do.
    pub fail_on: Option<Severity>,
    /// Unknown verdicts alone exit 0 instead of 3.
    pub allow_incomplete: bool,
    /// Only failures new since the baseline count (`--fail-on-new-only`).
    pub new_only: bool,
}

impl ExitPolicy {
    /// The exit code of an evaluation: 1 when a failure counts, else 3
    /// when a verdict is unknown (unless allowed), else 0. Waived failures
    /// never count.
    pub fn code(&self, evaluation: &Evaluation) -> i32 {
        let counted = if self.new_only {
            evaluation
                .findings
                .iter()
                .filter(|f| {
                    f.status == Status::Fail
                        && f.baseline == Some(BaselineState::New)
                        && self.fail_on.is_some_and(|t| f.severity >= t)
                })
                .count()
        } else {
            self.fail_on
                .map_or(0, |t| evaluation.summary.failed_at_least(t))
        };
        match counted {
            0 if evaluation.summary.unknown > 0 && !self.allow_incomplete => INCOMPLETE,
            0 => OK,
            _ => BROKEN,
        }
    }
}

/// The exit code of `conform diff`: 1 when a new failure (or a failure
/// whose waiver ended) is at or above `fail_on`, else 3 when verdicts
/// became unknown, else 0.
pub fn for_diff(diff: &Diff, fail_on: Option<Severity>) -> i32 {
    match fail_on {
        Some(t) if diff.failing_at_least(t) > 0 => BROKEN,
        _ if !diff.newly_unknown.is_empty() => INCOMPLETE,
        _ => OK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example estate's evaluation, as its JSON report pins it: failures
    /// of every severity, and unknowns.
    fn example() -> Evaluation {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/example.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let report = crate::report::json::JsonReport::from_json(&path, &text).unwrap();
        Evaluation {
            findings: report.findings.into_owned(),
            summary: report.summary.into_owned(),
            set_aside: Default::default(),
            scope_warnings: Vec::new(),
            not_judged: Default::default(),
            passes_elsewhere: None,
        }
    }

    fn policy(fail_on: Option<Severity>, allow_incomplete: bool, new_only: bool) -> ExitPolicy {
        ExitPolicy {
            fail_on,
            allow_incomplete,
            new_only,
        }
    }

    #[test]
    fn failures_beat_unknowns_and_unknowns_can_be_allowed() {
        let e = example();
        assert!(e.summary.failed_at_least(Severity::Critical) > 0);
        assert!(e.summary.unknown > 0);
        assert_eq!(policy(Some(Severity::Low), false, false).code(&e), BROKEN);
        assert_eq!(
            policy(Some(Severity::Critical), true, false).code(&e),
            BROKEN
        );
        assert_eq!(policy(None, false, false).code(&e), INCOMPLETE);
        assert_eq!(policy(None, true, false).code(&e), OK);
    }

    #[test]
    fn with_new_only_only_new_failures_at_the_threshold_count() {
        let mut e = example();
        // No failure is new (there was no baseline).
        assert_eq!(
            policy(Some(Severity::Low), false, true).code(&e),
            INCOMPLETE
        );
        assert_eq!(policy(Some(Severity::Low), true, true).code(&e), OK);
        let low = e
            .findings
            .iter_mut()
            .find(|f| f.status == Status::Fail && f.severity < Severity::Critical)
            .unwrap();
        low.baseline = Some(BaselineState::New);
        let severity = low.severity;
        assert_eq!(policy(Some(severity), true, true).code(&e), BROKEN);
        assert_eq!(policy(Some(Severity::Critical), true, true).code(&e), OK);
        assert_eq!(policy(None, true, true).code(&e), OK);
    }
}
