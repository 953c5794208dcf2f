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
use conform::findings::Status;
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
    /// Compare two JSON reports (`conform scan --format json`): new
    /// failures, fixed, still failing, newly unknown, waivers that started
    /// or ended.
    Diff(DiffArgs),
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
    /// to its root): SARIF alerts open on its lines, and when it can be
    /// read, findings quote the promise from its lines (a translation in
    /// its own language). Replaces the pack's `[policy] file`.
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

    /// The share of each throttling budget AWS publishes that the scan may
    /// spend, from above 0 to 1 (default 0.5: half, leaving the rest to the
    /// account's own software; 1 for a scan in a maintenance window).
    /// `--max-rps` still caps it.
    #[arg(long, value_name = "F", default_value_t = collect::limits::DEFAULT_SHARE,
          value_parser = parse_budget_share, conflicts_with = "inventory")]
    pub budget_share: f64,

    #[command(flatten)]
    pub history: HistoryArgs,
}

/// Waivers and baselines (`conform scan`).
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Waivers file (TOML, `[[waiver]]` tables): accepted risks, each with
    /// a reason, an owner and an expiry date. Repeat for several files.
    /// Waived failures are reported with status `waived` and do not count
    /// towards --fail-on.
    #[arg(long = "waivers", value_name = "FILE")]
    pub waivers: Vec<PathBuf>,

    /// Make stale waivers (matching no failure) and malformed waivers an
    /// error (exit 2) instead of a warning.
    #[arg(long)]
    pub strict_waivers: bool,

    /// List waivers expiring within this many days as a warning (default:
    /// the rule pack's `[waivers] warn_days`, else 14).
    #[arg(long, value_name = "DAYS")]
    pub waiver_warn_days: Option<u32>,

    /// An earlier JSON report of the same estate: failures it already had
    /// are marked existing, the others new, and its failures that are
    /// fixed now are listed.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,

    /// With --baseline: --fail-on counts new failures only.
    #[arg(long, requires = "baseline")]
    pub fail_on_new_only: bool,
}

/// Formats of `conform diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier JSON report.
    #[arg(value_name = "OLD.json")]
    pub old: PathBuf,
    /// The later JSON report.
    #[arg(value_name = "NEW.json")]
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Write the diff here instead of to standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a new failure (or a failure whose waiver ended) is of
    /// this severity or higher.
    #[arg(long, value_enum, default_value_t = FailOn::Low, value_name = "SEVERITY")]
    pub fail_on: FailOn,
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

fn parse_budget_share(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(f) if f.is_finite() && f > 0.0 && f <= 1.0 => Ok(f),
        Ok(_) => Err("must be a share of AWS's budget, above 0 and at most 1".to_string()),
        Err(_) => Err(format!(
            "'{text}' is not a number (a share from above 0 to 1)"
        )),
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
    /// Report format: text, json, sarif, markdown, html, csv, ocsf, asff
    /// or junit. Repeat to write
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

    /// Text and HTML: list only findings of rules of this severity or
    /// higher. Filters change what is listed, never the counts, the exit
    /// code or the machine formats.
    #[arg(
        long,
        value_name = "SEVERITY",
        help_heading = "Display filters (text and HTML)"
    )]
    pub severity: Option<Severity>,

    /// List only findings of these rules: ids or globs (`NET-*`),
    /// comma-separated or repeated.
    #[arg(
        long = "rule",
        value_name = "ID",
        value_delimiter = ',',
        help_heading = "Display filters (text and HTML)"
    )]
    pub rule_filter: Vec<String>,

    /// List only findings of these accounts (not to be confused with
    /// `scan --accounts`, which chooses what to scan).
    #[arg(
        long = "account",
        value_name = "ID",
        value_delimiter = ',',
        help_heading = "Display filters (text and HTML)"
    )]
    pub account_filter: Vec<String>,

    /// List only findings with these statuses: fail, unknown, pass
    /// (comma-separated). Default: fail and unknown.
    #[arg(long = "status", value_name = "STATUS", value_delimiter = ',', value_parser = parse_status, help_heading = "Display filters (text and HTML)")]
    pub status_filter: Vec<Status>,

    /// Text: print the summary only.
    #[arg(long, short = 'q', help_heading = "Display filters (text and HTML)")]
    pub quiet: bool,

    /// Exit 0 instead of 3 when the only problem is verdicts that are
    /// unknown (data that could not be read). They are still reported in
    /// every format; broken promises still exit 1.
    #[arg(long, env = "CONFORM_ALLOW_INCOMPLETE")]
    pub allow_incomplete: bool,
}

fn parse_status(text: &str) -> Result<Status, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "fail" | "failed" | "broken" => Ok(Status::Fail),
        "unknown" => Ok(Status::Unknown),
        "pass" | "passed" | "kept" => Ok(Status::Pass),
        "waived" => Ok(Status::Waived),
        _ => Err(format!(
            "unknown status {text:?} (expected fail, unknown, waived or pass)"
        )),
    }
}

impl ReportArgs {
    /// The display filters of these flags.
    fn display(&self) -> Result<report::Display, Error> {
        report::Display::new(
            self.severity,
            self.rule_filter.clone(),
            self.account_filter.clone(),
            self.status_filter.clone(),
            self.quiet,
        )
        .map_err(Error::Usage)
    }
}

/// The text of each policy document the pack's rules cite: read from the
/// path the rules give (relative to the working directory, then to the
/// rules file), else, for the built-in pack, the copy compiled in.
fn policy_texts(pack: &RulePack, rules_file: Option<&Path>) -> Vec<report::PolicyText> {
    let mut out: Vec<report::PolicyText> = Vec::new();
    for rule in &pack.rules {
        let file = &rule.promise.file;
        if out.iter().any(|p| &p.file == file) {
            continue;
        }
        let beside_rules = rules_file
            .and_then(|r| r.parent())
            .map(|dir| dir.join(file));
        let read = std::fs::read_to_string(file)
            .ok()
            .or_else(|| beside_rules.and_then(|p| std::fs::read_to_string(p).ok()));
        let text = match read {
            Some(text) => Some(text),
            None if rules_file.is_none() && rule.promise_file_from_pack => {
                Some(rules::BUILTIN_POLICY.to_string())
            }
            None => None,
        };
        if let Some(text) = text {
            out.push(report::PolicyText {
                file: file.clone(),
                text,
            });
        }
    }
    out
}

/// The terminal's width, when the text report goes to a terminal.
fn terminal_width(outputs: &[OutputSpec], output: Option<&PathBuf>) -> Option<usize> {
    use std::io::IsTerminal;
    let to_terminal = output.is_none()
        && outputs
            .iter()
            .any(|o| o.format == Format::Text && o.path.is_none());
    if !to_terminal || !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
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
    /// List only the rules that cover this control (`ISO27001:2022/A.8.24`,
    /// `SOC2/CC6.1`); a framework or section (`ISO27001:2022/A.8`) lists
    /// every rule under it. Exits 1 when no rule covers it.
    #[arg(long, value_name = "CONTROL")]
    pub control: Option<String>,
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
        Command::Diff(args) => diff(args),
        Command::Rules(args) => list_rules(args),
        Command::Explain(args) => explain(args),
    }
}

fn load_pack(args: &PackArgs) -> Result<RulePack, Error> {
    // The pack's promises are checked against their policy document, and
    // quoted from `--policy-file` when it can be read.
    Ok(rules::load(
        args.rules.as_deref(),
        args.policy_file.as_deref(),
    )?)
}

fn scan(mut args: ScanArgs) -> Result<i32, Error> {
    shard_in_file_names(&mut args)?;
    let outputs = output_plan(&args.report.formats, args.report.output.as_ref())?;
    let display = args.report.display()?;
    let pack = load_pack(&args.pack)?;
    let saved = match &args.inventory {
        Some(path) => Some(Inventory::load(path)?),
        None => None,
    };
    // Waivers and the baseline are read before any AWS call, so that a
    // broken file fails fast. Waivers are judged as of --now, else the
    // inventory's collection time (a live scan's is now).
    let waivers_at = args
        .now
        .or(saved.as_ref().map(|i| i.collected_at))
        .unwrap_or_else(Timestamp::now);
    let waivers = load_waivers(&args.history, &pack, waivers_at)?;
    let baseline = match &args.history.baseline {
        Some(path) => Some((path, conform::merge::JsonReport::load(path)?)),
        None => None,
    };
    let inventory = match saved {
        Some(inventory) => inventory,
        None => {
            let inventory = collect_live(&args, &pack)?;
            if let Some(path) = &args.save_inventory {
                write_atomically(path, inventory.to_json().as_bytes())?;
            }
            inventory
        }
    };
    let mut evaluation = evaluate::evaluate(&pack, &inventory, args.now);
    for warning in &evaluation.scope_warnings {
        eprintln!("conform: warning: {warning}");
    }
    let waiver_report = waivers.as_ref().map(|set| {
        let now = args.now.unwrap_or(inventory.collected_at);
        let report =
            conform::waivers::apply_scoped(set, &mut evaluation.findings, &inventory.scope, now);
        evaluation.summary = evaluate::Summary::of(pack.rules.len(), &evaluation.findings);
        report
    });
    let baseline_report = baseline.map(|(path, report)| {
        let ids: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
        conform::history::apply_baseline(
            &mut evaluation.findings,
            &inventory.scope,
            &ids,
            &report,
            &path.display().to_string(),
        )
    });
    let mut input = ReportInput::new(&evaluation, &pack, &inventory);
    input.show_passing = args.show_passing;
    input.display = display;
    input.width = terminal_width(&outputs, args.report.output.as_ref());
    if outputs.iter().any(|o| o.format == Format::Html) {
        input.policies = policy_texts(&pack, args.pack.rules.as_deref());
    }
    input.waivers = waiver_report.unwrap_or_default();
    input.baseline = baseline_report;
    write_reports(&outputs, args.report.output.as_ref(), &input)?;
    if args.history.strict_waivers && !input.waivers.stale.is_empty() {
        let problems = input.waivers.problems();
        return Err(conform::waivers::WaiversError::Strict {
            count: problems.len(),
            list: problems.join("\n"),
        }
        .into());
    }
    let code = if args.history.fail_on_new_only {
        exit_code_new_only(&evaluation, &args.report)
    } else {
        exit_code(&evaluation, &args.report)
    };
    Ok(code)
}

/// `--waivers`, checked: a file that cannot be read or parsed is an error;
/// malformed waivers are warnings (errors with `--strict-waivers`).
fn load_waivers(
    args: &HistoryArgs,
    pack: &RulePack,
    now: Timestamp,
) -> Result<Option<conform::waivers::WaiverSet>, Error> {
    if args.waivers.is_empty() {
        if args.strict_waivers {
            return Err(Error::Usage(
                "--strict-waivers needs at least one --waivers FILE".into(),
            ));
        }
        return Ok(None);
    }
    let mut policy = pack.waiver_policy.clone();
    if let Some(days) = args.waiver_warn_days {
        policy.warn_days = days;
    }
    let ids: Vec<&str> = pack.rules.iter().map(|r| r.id.as_str()).collect();
    let set = conform::waivers::load(&args.waivers, &ids, &policy, now)?;
    if !set.invalid.is_empty() {
        if args.strict_waivers {
            let list: Vec<String> = set.invalid.iter().map(|i| i.to_string()).collect();
            return Err(conform::waivers::WaiversError::Strict {
                count: list.len(),
                list: list.join("\n"),
            }
            .into());
        }
        for invalid in &set.invalid {
            eprintln!("conform: warning: malformed waiver, it waives nothing: {invalid}");
        }
    }
    Ok(Some(set))
}

/// `conform diff`.
fn diff(args: DiffArgs) -> Result<i32, Error> {
    let old = conform::merge::JsonReport::load(&args.old)?;
    let new = conform::merge::JsonReport::load(&args.new)?;
    let d = conform::history::diff(
        &args.old.display().to_string(),
        &old,
        &args.new.display().to_string(),
        &new,
    );
    let rendered = match args.format {
        DiffFormat::Text => report::diff::render_text(&d),
        DiffFormat::Json => report::diff::render_json(&d),
        DiffFormat::Markdown => report::diff::render_markdown(&d),
    };
    match &args.output {
        Some(path) => write_atomically(path, rendered.as_bytes())?,
        None => {
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(rendered.as_bytes());
            let _ = stdout.flush();
        }
    }
    Ok(match args.fail_on.threshold() {
        Some(t) if d.failing_at_least(t) > 0 => exit::BROKEN,
        _ if !d.newly_unknown.is_empty() => exit::INCOMPLETE,
        _ => exit::OK,
    })
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
    let display = args.report.display()?;
    let pack = load_pack(&PackArgs {
        rules: args.rules.clone(),
        policy_file: None,
    })?;
    let mut reports = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        reports.push((path.clone(), conform::merge::JsonReport::load(path)?));
    }
    let merged = conform::merge::merge(reports, &pack)?;
    let mut input = merged.input();
    input.display = display;
    input.width = terminal_width(&outputs, args.report.output.as_ref());
    if outputs.iter().any(|o| o.format == Format::Html) {
        input.policies = policy_texts(&pack, args.rules.as_deref());
    }
    write_reports(&outputs, args.report.output.as_ref(), &input)?;
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

/// `--fail-on-new-only`: only failures new since the baseline count.
fn exit_code_new_only(evaluation: &Evaluation, report: &ReportArgs) -> i32 {
    let new = evaluation.findings.iter().filter(|f| {
        f.status == conform::findings::Status::Fail
            && f.baseline == Some(conform::findings::BaselineState::New)
            && report.fail_on.threshold().is_some_and(|t| f.severity >= t)
    });
    match new.count() {
        0 if evaluation.summary.unknown > 0 && !report.allow_incomplete => exit::INCOMPLETE,
        0 => exit::OK,
        _ => exit::BROKEN,
    }
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
        args.budget_share,
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
    let started = std::time::Instant::now();
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
            let wall = started.elapsed();
            let ops = stats.snapshot();
            let bound = limits.pacing_bound(mean_round_trip(&ops));
            let pacing = Pacing {
                wall_seconds: wall.as_secs_f64(),
                bound,
            };
            report_stats(args, &ops, &limits.snapshot(), &pacing, &inventory)?;
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

/// The mean time from a call's first attempt to its answer, over a
/// scan's calls: the round trip the pacing bound assumes per dependent
/// step.
fn mean_round_trip(ops: &[OperationStats]) -> std::time::Duration {
    let calls: u64 = ops.iter().map(|o| o.calls).sum();
    let millis: u64 = ops.iter().map(|o| o.millis).sum();
    std::time::Duration::from_millis(millis.checked_div(calls).unwrap_or(0))
}

/// How long collection took, and the least the budgets allowed.
#[derive(Debug, serde::Serialize)]
struct Pacing {
    wall_seconds: f64,
    bound: Option<collect::limits::PacingBound>,
}

/// `--stats` and `--stats-file`.
fn report_stats(
    args: &ScanArgs,
    ops: &[OperationStats],
    budgets: &[BudgetStats],
    pacing: &Pacing,
    inventory: &Inventory,
) -> Result<(), Error> {
    if let Some(path) = &args.stats_file {
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
    let mut pack = load_pack(&args.pack)?;
    if let Some(control) = &args.control {
        let keep: Vec<String> = pack
            .covering(control)
            .iter()
            .map(|r| r.id.clone())
            .collect();
        pack.rules.retain(|r| keep.contains(&r.id));
        if pack.rules.is_empty() {
            eprintln!(
                "conform: no rule of {} covers control {control:?}",
                pack.origin
            );
            return Ok(exit::BROKEN);
        }
    }
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
                if !rule.controls.is_empty() {
                    let _ = writeln!(out, "{:18}controls: {}", "", rule.controls.join(", "));
                }
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
