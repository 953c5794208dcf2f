//! `conform scan`: the plan is checked, the inventory collected (or read),
//! evaluated, waivers and the baseline applied, the reports written, and
//! the exit code decided by the library's exit policy.

use jiff::Timestamp;

use conform::collect::stats::CallStats;
use conform::collect::{self, CollectOptions};
use conform::error::{CollectError, Error};
use conform::evaluate;
use conform::findings::Status;
use conform::interrupt::{self, Outcome};
use conform::inventory::Inventory;
use conform::report::json::PassSpill;
use conform::report::{Format, ReportInput};

use super::args::ScanArgs;
use super::output::{terminal_width, write_atomically, write_reports};
use super::plan::{LivePlan, ScanPlan, Source};
use super::progress::TerminalProgress;
use super::stats::{Pacing, mean_round_trip, report_stats};

pub(super) fn scan(args: ScanArgs) -> Result<i32, Error> {
    let plan = ScanPlan::new(args)?;
    let pack = &plan.pack;
    let spill = match passes_needed(&plan) {
        PassesNeeded::OneByOne => None,
        PassesNeeded::Counted => Some(None),
        // Beside the report, or where that cannot be (a report written
        // into `/dev/stdout`), in TMPDIR.
        PassesNeeded::InJson(dir) => Some(Some(
            PassSpill::new(dir.as_deref())
                .or_else(|_| PassSpill::new(None))
                .map_err(|source| conform::error::OutputError {
                    path: std::env::temp_dir(),
                    source,
                })?,
        )),
    };
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
    let passes = match &spill {
        None => evaluate::Passes::Keep,
        Some(spill) => {
            evaluate::Passes::Elsewhere(spill.as_ref().map(|s| s as &dyn evaluate::PassSink))
        }
    };
    let mut evaluation = evaluate::evaluate_with(pack, &inventory, plan.now, passes);
    for warning in &evaluation.scope_warnings {
        eprintln!("conform: warning: {warning}");
    }
    let waiver_report = plan.waivers.as_ref().map(|set| {
        let now = plan.now.unwrap_or(inventory.collected_at);
        let report =
            conform::waivers::apply_scoped(set, &mut evaluation.findings, &inventory.scope, now);
        evaluation.recount(pack.rules.len());
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
    input.spilled_passes = spill.as_ref().and_then(Option::as_ref);
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

/// What the reports of a scan need of its passing verdicts.
enum PassesNeeded {
    /// One by one: a format lists them, or the baseline compares them.
    OneByOne,
    /// Their counts only (the text, Markdown and SARIF reports).
    Counted,
    /// Their counts, and the JSON report's text of each, spilled to a
    /// temporary file in this directory (`None`: the system's).
    InJson(Option<std::path::PathBuf>),
}

/// Holding every passing verdict is most of the memory of a large scan
/// (at 10^6 resources, 1.1 million of 1.2 million verdicts pass), and
/// most reports only count them.
fn passes_needed(plan: &ScanPlan) -> PassesNeeded {
    let listed = |format: Format| match format {
        Format::Json | Format::Sarif | Format::Markdown => false,
        Format::Text => plan.show_passing || plan.display.statuses.contains(&Status::Pass),
        Format::Html | Format::Csv | Format::Ocsf | Format::Asff | Format::Junit => true,
    };
    if plan.baseline.is_some() || plan.outputs.iter().any(|o| listed(o.format)) {
        return PassesNeeded::OneByOne;
    }
    match plan.outputs.iter().find(|o| o.format == Format::Json) {
        None => PassesNeeded::Counted,
        Some(json) => PassesNeeded::InJson(
            json.path
                .as_ref()
                .or(plan.output.as_ref())
                .and_then(|path| path.parent())
                .map(|dir| match dir.as_os_str().is_empty() {
                    true => std::path::PathBuf::from("."),
                    false => dir.to_path_buf(),
                }),
        ),
    }
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
