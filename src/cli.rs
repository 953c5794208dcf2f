//! The command line: argument definitions and the commands they run.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::Timestamp;

use conform::collect::limits::BudgetStats;
use conform::collect::stats::{CallStats, OperationStats};
use conform::collect::{self, CollectOptions, RegionSelection};
use conform::error::{CollectError, Error, OutputError};
use conform::evaluate::{self, Evaluation};
use conform::exit;
use conform::inventory::{Dataset, Inventory};
use conform::report::{self, Format, ReportInput};
use conform::rules::{self, RulePack, Severity};

/// Checks a live AWS estate against the promises of a written security
/// policy, and reports every broken promise with its evidence.
#[derive(Debug, Parser)]
#[command(name = "conform", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 all promises kept · 1 a promise is broken (at or above --fail-on) · \
2 usage or configuration error · 3 incomplete: something could not be evaluated (0 with --allow-incomplete) · \
4 the scan could not run (credentials, AWS unreachable, output not writable) · 130 interrupted"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan AWS (or a saved inventory) and report broken promises.
    Scan(Box<ScanArgs>),
    /// Merge the JSON reports of disjoint shards (`scan --shard K/N
    /// --format json`) into one report, in any format.
    Merge(MergeArgs),
    /// List the rules of the pack, with their promises and checks.
    Rules(RulesArgs),
    /// Explain a rule (by id) or a check (by name): what it checks, why it
    /// matters, how to fix it, and the promise it enforces.
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct PackArgs {
    /// Rules file to use instead of the built-in Kliv pack.
    #[arg(long, value_name = "PATH", env = "CONFORM_RULES")]
    pub rules: Option<PathBuf>,

    /// Where the policy document lives in your repository (a path relative
    /// to its root): SARIF alerts open on its lines. Replaces the pack's
    /// `[policy] file`.
    #[arg(long, value_name = "PATH", env = "CONFORM_POLICY_FILE")]
    pub policy_file: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    /// Never exit 1 because of failures.
    None,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::None => None,
        }
    }
}

/// Formats of `conform rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub pack: PackArgs,

    /// AWS profile to use (from ~/.aws/config); otherwise the standard
    /// credential chain (environment, SSO, web identity, instance role).
    #[arg(long, value_name = "NAME", conflicts_with = "inventory")]
    pub profile: Option<String>,

    /// Region to scan; repeat or separate with commas. `all` scans every
    /// region enabled for the account. Default: the profile's region.
    #[arg(
        long = "region",
        value_name = "REGION",
        value_delimiter = ',',
        conflicts_with = "inventory"
    )]
    pub regions: Vec<String>,

    /// Region not to scan, taken out of `--region` (also of `all`); repeat
    /// or separate with commas.
    #[arg(
        long = "exclude-region",
        value_name = "REGION",
        value_delimiter = ',',
        conflicts_with = "inventory"
    )]
    pub exclude_regions: Vec<String>,

    /// Scan these accounts (12-digit ids, comma-separated or repeated),
    /// each through the role of --role-name; the caller's own account, if
    /// listed, with the caller's credentials.
    #[arg(
        long,
        value_name = "ID,...",
        value_delimiter = ',',
        conflicts_with = "inventory"
    )]
    pub accounts: Vec<String>,

    /// Scan every ACTIVE account of the caller's AWS Organization
    /// (Organizations ListAccounts: run from the management account or a
    /// delegated administrator), each through the role of --role-name.
    #[arg(long, conflicts_with = "inventory")]
    pub org: bool,

    /// The role to assume in each account of --accounts/--org:
    /// arn:PARTITION:iam::ID:role/NAME (session name `conform-scan`).
    #[arg(long, value_name = "NAME", conflicts_with = "inventory")]
    pub role_name: Option<String>,

    /// The external id the roles' trust policies require.
    #[arg(
        long,
        value_name = "ID",
        requires = "role_name",
        conflicts_with = "inventory"
    )]
    pub external_id: Option<String>,

    /// Scan only shard K of N of the accounts of --accounts/--org: those at
    /// positions ≡ K-1 (mod N) of the sorted list of ids. Merge the shards'
    /// JSON reports with `conform merge`. `auto` takes K and N from the
    /// batch engine: an AWS Batch array job (AWS_BATCH_JOB_ARRAY_INDEX and
    /// _SIZE) or a Kubernetes indexed Job (JOB_COMPLETION_INDEX, with
    /// CONFORM_SHARD_COUNT set to its completions).
    #[arg(long, value_name = "K/N|auto", conflicts_with = "inventory")]
    pub shard: Option<collect::ShardSpec>,

    /// Evaluate a saved inventory instead of calling AWS (no AWS call is
    /// made).
    #[arg(long, value_name = "FILE")]
    pub inventory: Option<PathBuf>,

    /// Save what was collected, for offline re-evaluation with --inventory.
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    pub save_inventory: Option<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,

    /// Text format: list passing resources too.
    #[arg(long)]
    pub show_passing: bool,

    /// Measure ages (of snapshots, for example) against this instant
    /// (RFC 3339) instead of the inventory's collection time.
    #[arg(long, value_name = "TIMESTAMP")]
    pub now: Option<Timestamp>,

    /// Use path-style S3 addressing (for S3-compatible endpoints given by
    /// host name in AWS_ENDPOINT_URL).
    #[arg(
        long,
        env = "CONFORM_S3_FORCE_PATH_STYLE",
        conflicts_with = "inventory"
    )]
    pub s3_force_path_style: bool,

    /// Print, on standard error, the AWS calls the scan made: per service
    /// and operation, calls, retries, throttling answers, errors and time.
    #[arg(long, conflicts_with = "inventory")]
    pub stats: bool,

    /// Save those call counts as JSON.
    #[arg(long, value_name = "FILE", conflicts_with = "inventory")]
    pub stats_file: Option<PathBuf>,

    /// Attempts per AWS request, the first included (throttling and
    /// transient errors are retried with adaptive back-off).
    #[arg(long, value_name = "N", default_value_t = collect::client::MAX_ATTEMPTS,
          value_parser = clap::value_parser!(u32).range(1..=20), conflicts_with = "inventory")]
    pub max_attempts: u32,

    /// Seconds one attempt of one AWS request may take.
    #[arg(long, value_name = "SECONDS", default_value_t = collect::client::ATTEMPT_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=600), conflicts_with = "inventory")]
    pub attempt_timeout: u64,

    /// Give up a scan that has not finished collecting after this many
    /// seconds (every single AWS call also has its own timeouts).
    #[arg(long, value_name = "SECONDS", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,

    /// Most AWS requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// At most N requests per second to any one API budget (EC2's
    /// DescribeInstances, RDS, ...) of any one account and region. Without
    /// it, conform uses half of each budget AWS publishes; this can only
    /// lower that. Fractions are allowed (0.5 is one request every 2 s).
    #[arg(long, value_name = "N", value_parser = parse_max_rps, conflicts_with = "inventory")]
    pub max_rps: Option<f64>,
}

/// One requested report: a format, and where to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: Format,
    pub path: Option<PathBuf>,
}

fn parse_max_rps(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.01 => Ok(n),
        Ok(_) => Err("must be a number of requests per second, at least 0.01".to_string()),
        Err(_) => Err(format!("'{text}' is not a number of requests per second")),
    }
}

fn parse_output_spec(text: &str) -> Result<OutputSpec, String> {
    let (format, path) = match text.split_once('=') {
        Some((f, "")) => return Err(format!("{f}= needs a file name after '='")),
        Some((f, p)) => (f, Some(PathBuf::from(p))),
        None => (text, None),
    };
    Ok(OutputSpec {
        format: format.parse()?,
        path,
    })
}

/// Which reports to write, where, and when to exit 1 (scan and merge).
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Report format: text, json, sarif or markdown. Repeat to write
    /// several reports from one scan; FORMAT=FILE writes that report to
    /// FILE (e.g. `--format sarif=conform.sarif --format markdown=summary.md`).
    /// Default: text.
    #[arg(long = "format", value_name = "FORMAT[=FILE]", value_parser = parse_output_spec)]
    pub formats: Vec<OutputSpec>,

    /// Write the report whose format names no file here instead of to
    /// standard output. Every file is written atomically. In a scan with
    /// --shard, `{shard}` in a file name becomes K-of-N.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a promise of this severity or higher is broken.
    #[arg(long, value_enum, default_value_t = FailOn::Low, value_name = "SEVERITY")]
    pub fail_on: FailOn,

    /// Exit 0 instead of 3 when the only problem is verdicts that are
    /// unknown (data that could not be read). They are still reported in
    /// every format; broken promises still exit 1.
    #[arg(long, env = "CONFORM_ALLOW_INCOMPLETE")]
    pub allow_incomplete: bool,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports to merge (`conform scan --format json`), of disjoint
    /// sets of accounts made with the same rules.
    #[arg(value_name = "REPORT.json", required = true)]
    pub reports: Vec<PathBuf>,

    /// Rules file the scans used (for the rules' documentation in SARIF),
    /// instead of the built-in Kliv pack. Rules are matched by id.
    #[arg(long, value_name = "PATH", env = "CONFORM_RULES")]
    pub rules: Option<PathBuf>,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub pack: PackArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub pack: PackArgs,
    /// A rule id (NET-001) or a check name (sg-internet-ingress).
    pub id: String,
}

/// Runs a command; returns the exit code.
pub fn run(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Scan(args) => scan(*args),
        Command::Merge(args) => merge(args),
        Command::Rules(args) => list_rules(args),
        Command::Explain(args) => explain(args),
    }
}

fn load_pack(args: &PackArgs) -> Result<RulePack, Error> {
    let mut pack = match &args.rules {
        Some(path) => rules::load_file(path)?,
        None => rules::load_builtin()?,
    };
    if let Some(file) = &args.policy_file {
        pack.set_policy_file(file);
    }
    Ok(pack)
}

fn scan(mut args: ScanArgs) -> Result<i32, Error> {
    shard_in_file_names(&mut args)?;
    let outputs = output_plan(&args.report.formats, args.report.output.as_ref())?;
    let pack = load_pack(&args.pack)?;
    let inventory = match &args.inventory {
        Some(path) => Inventory::load(path)?,
        None => {
            let inventory = collect_live(&args, &pack)?;
            if let Some(path) = &args.save_inventory {
                write_atomically(path, inventory.to_json().as_bytes())?;
            }
            inventory
        }
    };
    let evaluation = evaluate::evaluate(&pack, &inventory, args.now);
    let mut input = ReportInput::new(&evaluation, &pack, &inventory);
    input.show_passing = args.show_passing;
    write_reports(&outputs, args.report.output.as_ref(), &input)?;
    Ok(exit_code(&evaluation, &args.report))
}

/// Resolves `--shard auto` from the batch engine's environment, once, and
/// replaces `{shard}` in report file names with the shard (`K-of-N`), so
/// that the tasks of an array job, which all run the same command, write
/// different files (`--format json=/reports/shard-{shard}.json`).
fn shard_in_file_names(args: &mut ScanArgs) -> Result<(), Error> {
    if args.shard == Some(collect::ShardSpec::Auto) {
        let shard =
            collect::Shard::from_engine(|name| std::env::var(name).ok()).map_err(Error::Usage)?;
        args.shard = Some(collect::ShardSpec::Fixed(shard));
    }
    let label = match args.shard {
        Some(collect::ShardSpec::Fixed(shard)) => {
            Some(format!("{}-of-{}", shard.index, shard.count))
        }
        _ => None,
    };
    let paths = args
        .report
        .formats
        .iter_mut()
        .filter_map(|f| f.path.as_mut())
        .chain(args.report.output.as_mut());
    for path in paths {
        let Some(text) = path.to_str().filter(|t| t.contains("{shard}")) else {
            continue;
        };
        let Some(label) = &label else {
            return Err(Error::Usage(format!(
                "{text}: {{shard}} in a file name needs --shard"
            )));
        };
        *path = PathBuf::from(text.replace("{shard}", label));
    }
    Ok(())
}

/// `conform merge`: the same reports and exit codes as a scan of all the
/// shards' accounts at once.
fn merge(args: MergeArgs) -> Result<i32, Error> {
    let outputs = output_plan(&args.report.formats, args.report.output.as_ref())?;
    let pack = load_pack(&PackArgs {
        rules: args.rules.clone(),
        policy_file: None,
    })?;
    let mut reports = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        reports.push((path.clone(), conform::merge::JsonReport::load(path)?));
    }
    let merged = conform::merge::merge(reports, &pack)?;
    write_reports(&outputs, args.report.output.as_ref(), &merged.input())?;
    Ok(exit_code(&merged.evaluation, &args.report))
}

/// Renders every report of `outputs`: to its file, else to `output`, else
/// to standard output.
fn write_reports(
    outputs: &[OutputSpec],
    output: Option<&PathBuf>,
    input: &ReportInput<'_>,
) -> Result<(), Error> {
    for spec in outputs {
        let rendered = report::render(spec.format, input);
        match spec.path.as_ref().or(output) {
            Some(path) => {
                // Only the text report carries colours; the others are
                // written as they are (no second copy of a large report).
                if spec.format == Format::Text {
                    let plain = anstream::adapter::strip_str(&rendered).to_string();
                    write_atomically(path, plain.as_bytes())?;
                } else {
                    write_atomically(path, rendered.as_bytes())?;
                }
            }
            None => {
                let mut stdout = anstream::stdout().lock();
                // A closed pipe (`conform scan | head`) is not an error
                // worth reporting.
                let _ = stdout.write_all(rendered.as_bytes());
                let _ = stdout.flush();
            }
        }
    }
    Ok(())
}

/// The reports to write: checked before any work, so that a conflicting
/// request fails fast.
fn output_plan(formats: &[OutputSpec], output: Option<&PathBuf>) -> Result<Vec<OutputSpec>, Error> {
    let mut outputs = formats.to_vec();
    if outputs.is_empty() {
        outputs.push(OutputSpec {
            format: Format::Text,
            path: None,
        });
    }
    let unnamed = outputs.iter().filter(|o| o.path.is_none()).count();
    if unnamed > 1 {
        return Err(Error::Usage(
            "only one --format may go to standard output or --output; give the others a file (FORMAT=FILE)".into(),
        ));
    }
    let mut paths: Vec<&PathBuf> = outputs.iter().filter_map(|o| o.path.as_ref()).collect();
    if unnamed == 1 {
        paths.extend(output);
    }
    paths.sort();
    if paths.windows(2).any(|w| w[0] == w[1]) {
        return Err(Error::Usage(
            "two reports would be written to the same file".into(),
        ));
    }
    Ok(outputs)
}

fn exit_code(evaluation: &Evaluation, report: &ReportArgs) -> i32 {
    let summary = &evaluation.summary;
    match report.fail_on.threshold() {
        Some(t) if summary.failed_at_least(t) > 0 => exit::BROKEN,
        _ if summary.unknown > 0 && !report.allow_incomplete => exit::INCOMPLETE,
        _ => exit::OK,
    }
}

fn collect_live(args: &ScanArgs, pack: &RulePack) -> Result<Inventory, Error> {
    let regions = if args.regions.iter().any(|r| r.eq_ignore_ascii_case("all")) {
        if args.regions.len() > 1 {
            return Err(Error::Usage(
                "--region all cannot be combined with other regions".into(),
            ));
        }
        RegionSelection::All
    } else if args.regions.is_empty() {
        RegionSelection::Default
    } else {
        let mut list: Vec<String> = args.regions.iter().map(|r| r.trim().to_string()).collect();
        list.sort();
        list.dedup();
        RegionSelection::List(list)
    };
    let mut exclude_regions: Vec<String> = args
        .exclude_regions
        .iter()
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .collect();
    exclude_regions.sort();
    exclude_regions.dedup();
    let stats = CallStats::new();
    let limits = std::sync::Arc::new(collect::limits::Limits::new(
        usize::from(args.concurrency),
        args.max_rps,
    ));
    let mut datasets: BTreeSet<Dataset> = BTreeSet::new();
    for rule in &pack.rules {
        for check in &rule.checks {
            datasets.extend(check.subjects());
            datasets.extend(check.uses());
        }
    }
    let progress = TerminalProgress::new().map(std::sync::Arc::new);
    let options = CollectOptions {
        profile: args.profile.clone(),
        regions,
        datasets,
        s3_force_path_style: args.s3_force_path_style,
        limits: limits.clone(),
        stats: stats.clone(),
        max_attempts: args.max_attempts,
        attempt_timeout: std::time::Duration::from_secs(args.attempt_timeout),
        exclude_regions,
        accounts: account_options(args)?,
        progress: progress
            .clone()
            .map(|p| p as std::sync::Arc<dyn collect::Progress>),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))?;
    let limit = std::time::Duration::from_secs(args.timeout);
    let result = runtime.block_on(async {
        tokio::select! {
            result = tokio::time::timeout(limit, collect::collect(&options)) => {
                Some(result.unwrap_or(Err(CollectError::Timeout(args.timeout))))
            }
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    if let Some(p) = &progress {
        p.bar.finish_and_clear();
    }
    match result {
        Some(result) => {
            let mut inventory = result?;
            inventory.completed_at.get_or_insert_with(Timestamp::now);
            report_stats(args, &stats.snapshot(), &limits.snapshot(), &inventory)?;
            Ok(inventory)
        }
        None => {
            eprintln!("conform: interrupted; nothing was written");
            std::process::exit(exit::INTERRUPTED);
        }
    }
}

/// `--accounts`, `--org`, `--role-name`, `--external-id` and `--shard`,
/// checked: account ids are 12 digits, and the role and shard flags need
/// accounts to apply to.
fn account_options(args: &ScanArgs) -> Result<Option<collect::AccountOptions>, Error> {
    let ids: Vec<String> = args
        .accounts
        .iter()
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty())
        .collect();
    if let Some(bad) = ids
        .iter()
        .find(|id| id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(Error::Usage(format!(
            "--accounts: {bad:?} is not an AWS account id (12 digits)"
        )));
    }
    if ids.is_empty() && !args.org {
        for (flag, given) in [
            ("--role-name", args.role_name.is_some()),
            ("--shard", args.shard.is_some()),
        ] {
            if given {
                return Err(Error::Usage(format!(
                    "{flag} applies to the accounts of --accounts or --org; give one of them"
                )));
            }
        }
        return Ok(None);
    }
    if let Some(name) = &args.role_name
        && (name.is_empty() || name.contains(':'))
    {
        return Err(Error::Usage(format!(
            "--role-name {name:?}: give the role's name (or path/name), not its ARN"
        )));
    }
    let shard = match args.shard {
        None => None,
        Some(collect::ShardSpec::Fixed(shard)) => Some(shard),
        Some(collect::ShardSpec::Auto) => Some(
            collect::Shard::from_engine(|name| std::env::var(name).ok()).map_err(Error::Usage)?,
        ),
    };
    Ok(Some(collect::AccountOptions {
        ids,
        organization: args.org,
        role_name: args.role_name.clone(),
        external_id: args.external_id.clone(),
        shard,
    }))
}

/// The progress display while collecting: one line on standard error,
/// drawn only when standard error is a terminal (never in CI logs, pipes or
/// files), cleared when collection ends.
#[derive(Debug)]
struct TerminalProgress {
    bar: indicatif::ProgressBar,
    /// Whether the bar has a length yet (the first account planned its
    /// work); guards the switch from spinner to bar.
    counting: std::sync::Mutex<bool>,
}

impl TerminalProgress {
    fn new() -> Option<Self> {
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

/// `--stats` and `--stats-file`.
fn report_stats(
    args: &ScanArgs,
    ops: &[OperationStats],
    budgets: &[BudgetStats],
    inventory: &Inventory,
) -> Result<(), Error> {
    if let Some(path) = &args.stats_file {
        #[derive(serde::Serialize)]
        struct StatsFile<'a> {
            operations: &'a [OperationStats],
            budgets: &'a [BudgetStats],
            resources: usize,
        }
        let json = serde_json::to_string_pretty(&StatsFile {
            operations: ops,
            budgets,
            resources: inventory.resource_count(),
        })
        .unwrap_or_default();
        write_atomically(path, json.as_bytes())?;
    }
    if args.stats {
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
        eprint!("{out}");
    }
    Ok(())
}

/// Writes a file through a temporary file in the same directory and a
/// rename, so that readers never see half a file.
///
/// What is already at `path` is respected: a symbolic link stays a link
/// (the file it names is replaced), a file keeps its permissions (a new
/// one gets 0644), and anything that is not a regular file (`/dev/null`,
/// `/dev/stdout`, a named pipe) is written into, never replaced.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let fail = |source: std::io::Error| OutputError {
        path: path.to_path_buf(),
        source,
    };
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let existing = std::fs::metadata(&target).ok();
    if let Some(meta) = &existing
        && !meta.is_file()
    {
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .open(&target)
            .map_err(fail)?;
        out.write_all(bytes).map_err(fail)?;
        return Ok(());
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    let permissions = match existing {
        Some(meta) => meta.permissions(),
        None => new_file_permissions(tmp.as_file()).map_err(fail)?,
    };
    std::fs::set_permissions(tmp.path(), permissions).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// The permissions of a report file conform creates: readable by all,
/// like any file a shell redirection would create (the temporary file
/// starts private).
fn new_file_permissions(file: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    #[allow(unused_mut)]
    let mut permissions = file.metadata()?.permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        permissions.set_mode(0o644);
    }
    Ok(permissions)
}

fn list_rules(args: RulesArgs) -> Result<i32, Error> {
    let pack = load_pack(&args.pack)?;
    let mut out = String::new();
    match args.format {
        RulesFormat::Json => {
            #[derive(serde::Serialize)]
            struct RuleJson<'a> {
                #[serde(flatten)]
                info: &'a report::RuleInfo,
                params: Vec<serde_json::Value>,
                scope: String,
                exclude: String,
            }
            let infos = report::RuleInfo::all(&pack);
            let rules: Vec<RuleJson> = infos
                .iter()
                .zip(&pack.rules)
                .map(|(info, rule)| RuleJson {
                    info,
                    params: rule.checks.iter().map(|c| c.params()).collect(),
                    scope: rule.scope.describe(),
                    exclude: rule.exclude.describe(),
                })
                .collect();
            out = serde_json::to_string_pretty(&rules).unwrap_or_default();
            out.push('\n');
        }
        RulesFormat::Text => {
            use std::fmt::Write as _;
            for rule in &pack.rules {
                let checks: Vec<&str> = rule.checks.iter().map(|c| c.doc().name).collect();
                let _ = writeln!(
                    out,
                    "{:<8} {:<8} {}:{:<4} {}  [{}]",
                    rule.id,
                    rule.severity,
                    rule.promise.file,
                    rule.promise.line,
                    rule.title,
                    checks.join(", ")
                );
                if !rule.scope.is_empty() {
                    let _ = writeln!(out, "{:18}scope: {}", "", rule.scope.describe());
                }
                if !rule.exclude.is_empty() {
                    let _ = writeln!(out, "{:18}exclude: {}", "", rule.exclude.describe());
                }
            }
            let _ = writeln!(out, "{} rules from {}", pack.rules.len(), pack.origin);
        }
    }
    print!("{out}");
    Ok(exit::OK)
}

fn explain(args: ExplainArgs) -> Result<i32, Error> {
    let pack = load_pack(&args.pack)?;
    let text = conform::explain::explain(&pack, &args.id).ok_or_else(|| {
        let ids: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
        Error::Usage(format!(
            "no rule or check named {:?} (rules: {}; `conform rules` lists them)",
            args.id,
            ids.join(", ")
        ))
    })?;
    print!("{text}");
    Ok(exit::OK)
}
