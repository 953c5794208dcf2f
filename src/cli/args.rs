//! The command line as written: clap's definitions of every command and
//! flag, and the parsers of single values. Nothing here reads a file or
//! judges flags together; [`super::plan`] turns these into a validated
//! plan.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::Timestamp;

use conform::collect;
use conform::findings::Status;
use conform::report::Format;
use conform::rules::Severity;

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
    /// List the built-in checks a rule can use: what each judges, its
    /// parameters with their types and defaults, and the rules of the
    /// pack that use it.
    Checks(ChecksArgs),
    /// List the fields attribute rules can use: without KIND the kinds
    /// that have them; with KIND every field with its type, the dataset
    /// that reads it and a line of AWS's documentation.
    Fields(FieldsArgs),
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
    pub fn threshold(self) -> Option<Severity> {
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

    /// Also collect these datasets (names as `conform fields` and the
    /// inventory's coverage give them, `load-balancer-attributes`,
    /// `bucket-versioning`, ...; `all` for every one), besides those the
    /// rules need: for a saved inventory (--save-inventory) that other
    /// rules will judge offline. Repeat or separate with commas.
    #[arg(
        long = "collect",
        value_name = "DATASET",
        value_delimiter = ',',
        value_parser = parse_datasets,
        conflicts_with = "inventory"
    )]
    pub collect: Vec<Vec<conform::inventory::Dataset>>,

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

/// A dataset name, or `all`.
fn parse_datasets(text: &str) -> Result<Vec<conform::inventory::Dataset>, String> {
    use conform::inventory::Dataset;
    let text = text.trim();
    if text == "all" {
        return Ok(Dataset::ALL.to_vec());
    }
    Dataset::from_name(text).map(|d| vec![d]).ok_or_else(|| {
        let names: Vec<&str> = Dataset::ALL.iter().map(|d| d.name()).collect();
        format!(
            "unknown dataset {text:?}; one of: all, {}",
            names.join(", ")
        )
    })
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

#[derive(Debug, Args)]
pub struct ChecksArgs {
    #[command(flatten)]
    pub pack: PackArgs,
    /// Output format (JSON: `{"schema": "conform-checks/1", "pack", "checks": [...]}`;
    /// with NAME, that one check's entry).
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
    /// Show only this check (sg-internet-ingress), its parameters described.
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct FieldsArgs {
    /// Output format (JSON: `{"schema": "conform-fields/1", "kinds": [...]}`;
    /// with KIND, `{"schema", "kind", "dataset", "reference", "fields": [...]}`).
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
    /// A kind: its CloudFormation type (AWS::RDS::DBInstance, any case) or
    /// its dataset's name (db-instances).
    pub kind: Option<String>,
}
