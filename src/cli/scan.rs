//! `conform scan`: the plan is checked, the inventory collected (or read),
//! evaluated, waivers and the baseline applied, the reports written, and
//! the exit code decided by the library's exit policy.

use jiff::Timestamp;

use conform::collect::stats::CallStats;
use conform::collect::{self, CollectOptions};
use conform::error::{CollectError, Error};
use conform::evaluate;
use conform::interrupt::{self, Outcome};
use conform::inventory::Inventory;
use conform::report::{Format, ReportInput};

use super::args::ScanArgs;
use super::output::{terminal_width, write_atomically, write_reports};
use super::plan::{LivePlan, ScanPlan, Source};
use super::progress::TerminalProgress;
use super::stats::{Pacing, mean_round_trip, report_stats};

pub(super) fn scan(args: ScanArgs) -> Result<i32, Error> {
    let plan = ScanPlan::new(args)?;
    let pack = &plan.pack;
    let inventory = match plan.source {
        Source::Saved(inventory) => *inventory,
        Source::Live(live) => {
            let inventory = collect_live(&live)?;
            if let Some(path) = &live.save_inventory {
                write_atomically(path, inventory.to_json().as_bytes())?;
            }
            inventory
        }
    };
    let mut evaluation = evaluate::evaluate(pack, &inventory, plan.now);
    for warning in &evaluation.scope_warnings {
        eprintln!("conform: warning: {warning}");
    }
    let waiver_report = plan.waivers.as_ref().map(|set| {
        let now = plan.now.unwrap_or(inventory.collected_at);
        let report =
            conform::waivers::apply_scoped(set, &mut evaluation.findings, &inventory.scope, now);
        evaluation.summary = evaluate::Summary::of(pack.rules.len(), &evaluation.findings);
        report
    });
    let baseline_report = plan.baseline.map(|(path, report)| {
        let ids: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
        conform::history::apply_baseline(
            &mut evaluation.findings,
            &inventory.scope,
            &ids,
            &report,
            &path.display().to_string(),
        )
    });
    let mut input = ReportInput::new(&evaluation, pack, &inventory);
    input.show_passing = plan.show_passing;
    input.display = plan.display;
    input.width = terminal_width(&plan.outputs, plan.output.as_ref());
    if plan.outputs.iter().any(|o| o.format == Format::Html) {
        input.policies = super::policy_texts(pack, plan.rules_file.as_deref());
    }
    input.waivers = waiver_report.unwrap_or_default();
    input.baseline = baseline_report;
    write_reports(&plan.outputs, plan.output.as_ref(), &input)?;
    if plan.strict_waivers && !input.waivers.stale.is_empty() {
        let problems = input.waivers.problems();
        return Err(conform::waivers::WaiversError::Strict {
            count: problems.len(),
            list: problems.join("\n"),
        }
        .into());
    }
    let code = plan.exit.code(&evaluation);
    // The process ends here: the inventory, the verdicts and the pack are
    // left to the operating system instead of being freed one allocation
    // at a time (at 10^6 resources that took a second of CPU).
    drop(input);
    std::mem::forget(evaluation);
    std::mem::forget(inventory);
    std::mem::forget(plan.pack);
    Ok(code)
}

/// Collects the inventory `live` asks for, with the progress line, within
/// `--timeout`, until Ctrl-C; then `--stats` and `--stats-file`.
fn collect_live(live: &LivePlan) -> Result<Inventory, Error> {
    let stats = CallStats::new();
    let limits = std::sync::Arc::new(collect::limits::Limits::new(
        live.concurrency,
        live.max_rps,
        live.budget_share,
    ));
    let progress = TerminalProgress::new().map(std::sync::Arc::new);
    let options = CollectOptions {
        profile: live.profile.clone(),
        regions: live.regions.clone(),
        datasets: live.datasets.clone(),
        every_region: live.every_region.clone(),
        s3_force_path_style: live.s3_force_path_style,
        limits: limits.clone(),
        stats: stats.clone(),
        max_attempts: live.max_attempts,
        attempt_timeout: live.attempt_timeout,
        exclude_regions: live.exclude_regions.clone(),
        accounts: live.accounts.clone(),
        progress: progress
            .clone()
            .map(|p| p as std::sync::Arc<dyn collect::Progress>),
    };
    let limit = std::time::Duration::from_secs(live.timeout);
    let started = std::time::Instant::now();
    let outcome = interrupt::run(collect::collect(&options), limit)
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
    if let Some(p) = &progress {
        p.bar.finish_and_clear();
    }
    let mut inventory = match outcome {
        Outcome::Finished(result) => result?,
        Outcome::TimedOut => return Err(CollectError::Timeout(live.timeout).into()),
        Outcome::Interrupted => return Err(Error::Interrupted),
    };
    inventory.completed_at.get_or_insert_with(Timestamp::now);
    let wall = started.elapsed();
    let ops = stats.snapshot();
    let bound = limits.pacing_bound(mean_round_trip(&ops));
    let pacing = Pacing {
        wall_seconds: wall.as_secs_f64(),
        bound,
    };
    report_stats(&live.stats, &ops, &limits.snapshot(), &pacing, &inventory)?;
    Ok(inventory)
}
