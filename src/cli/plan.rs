//! The validated plan of a scan: the command line's flags, checked
//! together and resolved into what the scan will do, before any AWS call
//! (ripgrep's "low-level arguments, then high-level arguments").
//!
//! Everything that can be known wrong without AWS fails here, in a second,
//! with its documented exit code: conflicting outputs, an unwritable
//! report, statistics or inventory file (exit 4), a broken rules, waivers,
//! inventory or baseline file, a malformed region name or account id, a
//! role or shard flag without accounts (exit 2). What only AWS can answer
//! (whether a well-formed region exists for the account, whether a role
//! can be assumed) is checked by the collector before it reads anything.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

use conform::collect::{self, RegionSelection};
use conform::error::Error;
use conform::exit::ExitPolicy;
use conform::inventory::{Dataset, Inventory};
use conform::merge::JsonReport;
use conform::report;
use conform::rules::RulePack;
use conform::waivers::WaiverSet;

use super::args::{HistoryArgs, OutputSpec, ReportArgs, ScanArgs};
use super::output::{check_writable, output_plan};
use super::stats::StatsPlan;

/// A scan, checked and resolved.
#[derive(Debug)]
pub(super) struct ScanPlan {
    /// The reports to write (at least one).
    pub(super) outputs: Vec<OutputSpec>,
    /// Where the report that names no file goes (`--output`), else
    /// standard output.
    pub(super) output: Option<PathBuf>,
    pub(super) display: report::Display,
    pub(super) pack: RulePack,
    /// The rules file the pack came from (`None`: the built-in pack).
    pub(super) rules_file: Option<PathBuf>,
    /// Where the inventory comes from.
    pub(super) source: Source,
    pub(super) waivers: Option<WaiverSet>,
    pub(super) strict_waivers: bool,
    /// `--baseline`: its path and the report read from it.
    pub(super) baseline: Option<(PathBuf, JsonReport<'static>)>,
    pub(super) exit: ExitPolicy,
    /// `--now`: the instant ages and waivers are judged at.
    pub(super) now: Option<Timestamp>,
    pub(super) show_passing: bool,
}

/// Where a scan's inventory comes from.
#[derive(Debug)]
pub(super) enum Source {
    /// `--inventory`: read already, no AWS call.
    Saved(Box<Inventory>),
    /// AWS.
    Live(Box<LivePlan>),
}

/// A live scan: what to read from AWS, how hard to press, and where its
/// by-products go.
#[derive(Debug)]
pub(super) struct LivePlan {
    pub(super) profile: Option<String>,
    pub(super) regions: RegionSelection,
    pub(super) exclude_regions: Vec<String>,
    pub(super) accounts: Option<collect::AccountOptions>,
    /// The datasets the pack needs; nothing else is read.
    pub(super) datasets: BTreeSet<Dataset>,
    /// The datasets read in every enabled region (data residency's).
    pub(super) every_region: BTreeSet<Dataset>,
    pub(super) s3_force_path_style: bool,
    pub(super) concurrency: usize,
    pub(super) max_rps: Option<f64>,
    pub(super) budget_share: f64,
    pub(super) max_attempts: u32,
    pub(super) attempt_timeout: Duration,
    /// `--timeout`, in seconds.
    pub(super) timeout: u64,
    pub(super) stats: StatsPlan,
    pub(super) save_inventory: Option<PathBuf>,
}

impl ScanPlan {
    /// Checks `args` and reads the files they name (rules, inventory,
    /// waivers, baseline); makes no AWS call.
    pub(super) fn new(mut args: ScanArgs) -> Result<ScanPlan, Error> {
        shard_in_file_names(&mut args)?;
        let outputs = output_plan(&args.report.formats, args.report.output.as_ref())?;
        let display = display(&args.report)?;
        let pack = super::load_pack(&args.pack)?;
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
            Some(path) => Some((path.clone(), JsonReport::load(path)?)),
            None => None,
        };
        let source = match saved {
            Some(inventory) => Source::Saved(Box::new(inventory)),
            None => Source::Live(Box::new(live_plan(&args, &pack)?)),
        };
        // Last, the files the scan will write: checked now rather than
        // after a scan that may take an hour.
        let unnamed = outputs.iter().any(|o| o.path.is_none());
        let reports = outputs
            .iter()
            .filter_map(|o| o.path.as_ref())
            .chain(args.report.output.as_ref().filter(|_| unnamed));
        let by_products = match &source {
            Source::Live(live) => vec![live.stats.file.as_ref(), live.save_inventory.as_ref()],
            Source::Saved(_) => vec![],
        };
        for path in reports.chain(by_products.into_iter().flatten()) {
            check_writable(path)?;
        }
        Ok(ScanPlan {
            outputs,
            output: args.report.output.clone(),
            display,
            rules_file: args.pack.rules.clone(),
            pack,
            source,
            waivers,
            strict_waivers: args.history.strict_waivers,
            baseline,
            exit: exit_policy(&args.report, args.history.fail_on_new_only),
            now: args.now,
            show_passing: args.show_passing,
        })
    }
}

/// The display filters of the report flags.
pub(super) fn display(args: &ReportArgs) -> Result<report::Display, Error> {
    report::Display::new(
        args.severity,
        args.rule_filter.clone(),
        args.account_filter.clone(),
        args.status_filter.clone(),
        args.quiet,
    )
    .map_err(Error::Usage)
}

/// When to exit 1 or 3 (scan and merge).
pub(super) fn exit_policy(args: &ReportArgs, new_only: bool) -> ExitPolicy {
    ExitPolicy {
        fail_on: args.fail_on.threshold(),
        allow_incomplete: args.allow_incomplete,
        new_only,
    }
}

/// The live half of the plan: regions, accounts and pacing, checked.
fn live_plan(args: &ScanArgs, pack: &RulePack) -> Result<LivePlan, Error> {
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
        for region in &list {
            check_region_name("--region", region)?;
        }
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
    for region in &exclude_regions {
        check_region_name("--exclude-region", region)?;
    }
    Ok(LivePlan {
        profile: args.profile.clone(),
        regions,
        exclude_regions,
        accounts: account_options(args)?,
        datasets: pack
            .datasets()
            .into_iter()
            .chain(args.collect.iter().flatten().copied())
            .collect(),
        every_region: pack.every_region_datasets(),
        s3_force_path_style: args.s3_force_path_style,
        concurrency: usize::from(args.concurrency),
        max_rps: args.max_rps,
        budget_share: args.budget_share,
        max_attempts: args.max_attempts,
        attempt_timeout: Duration::from_secs(args.attempt_timeout),
        timeout: args.timeout,
        stats: StatsPlan {
            print: args.stats,
            file: args.stats_file.clone(),
        },
        save_inventory: args.save_inventory.clone(),
    })
}

/// Refuses what cannot be the name of an AWS region in any partition
/// (`eu-north-1`, `us-gov-west-1`, `cn-northwest-1`, `us-isob-east-1`):
/// a zone, a name in capitals, a city. Whether a well-formed name is one
/// of the account's regions only AWS can say (`DescribeRegions`, before
/// the scan reads anything); that also admits regions newer than conform.
fn check_region_name(flag: &str, name: &str) -> Result<(), Error> {
    if is_region_name(name) {
        return Ok(());
    }
    let hint = match name.char_indices().last() {
        Some((i, c)) if c.is_ascii_lowercase() && is_region_name(&name[..i]) => {
            format!(
                ": that is an availability zone; its region is {}",
                &name[..i]
            )
        }
        _ if is_region_name(&name.to_ascii_lowercase()) => {
            format!(
                ": region names are lower case ({})",
                name.to_ascii_lowercase()
            )
        }
        _ => " (regions are named like eu-north-1 or us-gov-west-1)".to_string(),
    };
    Err(Error::Usage(format!(
        "{flag} {name:?} is not an AWS region name{hint}"
    )))
}

/// `area(-word)+-number`, in lower case: the shape of every AWS region name.
fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let [area, words @ .., number] = parts.as_slice() else {
        return false;
    };
    area.len() == 2
        && area.bytes().all(|b| b.is_ascii_lowercase())
        && !words.is_empty()
        && words
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.len() <= 2
        && number.bytes().all(|b| b.is_ascii_digit())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_of_every_partition_are_accepted() {
        for name in [
            "eu-north-1",
            "us-east-1",
            "ap-southeast-7",
            "us-gov-west-1",
            "cn-northwest-1",
            "us-isob-east-1",
            "eu-isoe-west-1",
            "mx-central-1",
            "eu-nowhere-9",
        ] {
            assert!(check_region_name("--region", name).is_ok(), "{name}");
        }
    }

    #[test]
    fn what_cannot_be_a_region_is_refused_with_a_hint() {
        let message = |name: &str| match check_region_name("--region", name) {
            Err(Error::Usage(m)) => m,
            other => panic!("{name}: {other:?}"),
        };
        assert!(message("eu-north-1a").contains("availability zone; its region is eu-north-1"));
        assert!(message("EU-NORTH-1").contains("lower case (eu-north-1)"));
        for name in [
            "frankfurt",
            "eu-north",
            "eu_north_1",
            "eu-north-one",
            "",
            "e-north-1",
        ] {
            assert!(
                message(name).contains("is not an AWS region name"),
                "{name}"
            );
        }
    }
}
