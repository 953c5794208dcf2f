//! `--stats` and `--stats-file`: the AWS calls a scan made, per service
//! and operation, the rate budgets they spent, and how close collection
//! came to the least time those budgets allow.

use std::path::PathBuf;

use conform::collect;
use conform::collect::limits::BudgetStats;
use conform::collect::stats::OperationStats;
use conform::error::Error;
use conform::inventory::Inventory;

use super::output::write_atomically;

/// The mean time from a call's first attempt to its answer, over a
/// scan's calls: the round trip the pacing bound assumes per dependent
/// step.
pub(super) fn mean_round_trip(ops: &[OperationStats]) -> std::time::Duration {
    let calls: u64 = ops.iter().map(|o| o.calls).sum();
    let millis: u64 = ops.iter().map(|o| o.millis).sum();
    std::time::Duration::from_millis(millis.checked_div(calls).unwrap_or(0))
}

/// How long collection took, and the least the budgets allowed.
#[derive(Debug, serde::Serialize)]
pub(super) struct Pacing {
    pub(super) wall_seconds: f64,
    pub(super) bound: Option<collect::limits::PacingBound>,
}

/// `--stats` and `--stats-file`: what to do with the scan's call counts.
#[derive(Debug, Clone, Default)]
pub(super) struct StatsPlan {
    /// Print them on standard error (`--stats`).
    pub(super) print: bool,
    /// Save them as JSON (`--stats-file`).
    pub(super) file: Option<PathBuf>,
}

/// `--stats` and `--stats-file`.
pub(super) fn report_stats(
    stats: &StatsPlan,
    ops: &[OperationStats],
    budgets: &[BudgetStats],
    pacing: &Pacing,
    inventory: &Inventory,
) -> Result<(), Error> {
    if let Some(path) = &stats.file {
        #[derive(serde::Serialize)]
        struct StatsFile<'a> {
            operations: &'a [OperationStats],
            budgets: &'a [BudgetStats],
            pacing: &'a Pacing,
            resources: usize,
        }
        let json = serde_json::to_string_pretty(&StatsFile {
            operations: ops,
            budgets,
            pacing,
            resources: inventory.resource_count(),
        })
        .unwrap_or_default();
        write_atomically(path, json.as_bytes())?;
    }
    if stats.print {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<28} {:<34} {:>7} {:>7} {:>9} {:>6} {:>9}",
            "service", "operation", "calls", "retries", "throttled", "errors", "time (s)"
        );
        let mut total = OperationStats::default();
        for op in ops {
            let _ = writeln!(
                out,
                "{:<28} {:<34} {:>7} {:>7} {:>9} {:>6} {:>9.2}",
                op.service,
                op.operation,
                op.calls,
                op.retries(),
                op.throttled,
                op.errors,
                op.millis as f64 / 1000.0
            );
            total.calls += op.calls;
            total.attempts += op.attempts;
            total.throttled += op.throttled;
            total.errors += op.errors;
        }
        let _ = writeln!(
            out,
            "{} calls, {} retries, {} throttled, {} errors; {} resources collected",
            total.calls,
            total.retries(),
            total.throttled,
            total.errors,
            inventory.resource_count()
        );
        if !budgets.is_empty() {
            let _ = writeln!(
                out,
                "\n{:<44} {:>10} {:>6} {:>9} {:>10}",
                "rate budget (per account and region)",
                "limit (/s)",
                "burst",
                "requests",
                "waited (s)"
            );
            for b in budgets {
                let _ = writeln!(
                    out,
                    "{:<44} {:>10} {:>6} {:>9} {:>10.2}",
                    if b.published {
                        b.bucket.clone()
                    } else {
                        format!("{} (assumed)", b.bucket)
                    },
                    format!("{:.2}", b.rate),
                    b.burst,
                    b.requests,
                    b.waited_millis as f64 / 1000.0
                );
            }
        }
        if let Some(bound) = &pacing.bound {
            let _ = writeln!(
                out,
                "\ncollecting took {:.2} s; the budgets allow no less than {:.2} s ({:.2}x): \
                 {} in {} {} carried {} requests at {:.2}/s after a burst of {}, \
                 plus {} dependent {} of {:.3} s",
                pacing.wall_seconds,
                bound.seconds,
                pacing.wall_seconds / bound.seconds.max(1e-9),
                bound.bucket,
                bound.account,
                bound.region,
                bound.requests,
                bound.rate,
                bound.burst,
                bound.steps,
                if bound.steps == 1 { "step" } else { "steps" },
                bound.round_trip_seconds
            );
        }
        eprint!("{out}");
    }
    Ok(())
}
