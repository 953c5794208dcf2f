//! The command line: the binary's half of conform. It parses arguments
//! ([`args`]), checks them into a plan before any AWS call ([`plan`]),
//! calls the library, and writes what the library produced ([`output`],
//! [`progress`], [`stats`]). Decisions (which datasets a pack needs, the
//! exit code, interruption) are the library's.

mod args;
mod output;
mod plan;
mod progress;
mod scan;
mod stats;

use std::io::Write;
use std::path::Path;

use conform::error::Error;
use conform::exit;
use conform::report::{self, Format};
use conform::rules::{self, RulePack};

pub use args::Cli;
use args::{
    ChecksArgs, Command, DiffArgs, DiffFormat, ExplainArgs, FieldsArgs, MergeArgs, PackArgs,
    RulesArgs, RulesFormat,
};
use output::{output_plan, terminal_width, write_atomically, write_reports};

/// Runs a command; returns the exit code.
pub fn run(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Scan(args) => scan::scan(*args),
        Command::Merge(args) => merge(args),
        Command::Diff(args) => diff(args),
        Command::Rules(args) => list_rules(args),
        Command::Explain(args) => explain(args),
        Command::Checks(args) => list_checks(args),
        Command::Fields(args) => list_fields(args),
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

/// The text of each policy document the pack's rules cite: for the
/// built-in pack's own document, the copy compiled in (the one its
/// promises were checked against when loading); else read from the path
/// the rules give (relative to the working directory, then to the rules
/// file).
fn policy_texts(pack: &RulePack, rules_file: Option<&Path>) -> Vec<report::PolicyText> {
    let mut out: Vec<report::PolicyText> = Vec::new();
    for rule in &pack.rules {
        let file = &rule.promise.file;
        if out.iter().any(|p| &p.file == file) {
            continue;
        }
        if rules_file.is_none() && rule.promise_file_from_pack && file == rules::BUILTIN_POLICY_FILE
        {
            out.push(report::PolicyText {
                file: file.clone(),
                text: rules::BUILTIN_POLICY.to_string(),
            });
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
    Ok(exit::for_diff(&d, args.fail_on.threshold()))
}

/// `conform merge`: the same reports and exit codes as a scan of all the
/// shards' accounts at once.
fn merge(args: MergeArgs) -> Result<i32, Error> {
    let outputs = output_plan(&args.report.formats, args.report.output.as_ref())?;
    let display = plan::display(&args.report)?;
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
    Ok(plan::exit_policy(&args.report, false).code(&merged.evaluation))
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
                if let Some(attribute) = &rule.attribute {
                    let _ = writeln!(out, "{:18}{}", "", attribute.describe());
                }
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

/// `conform checks [NAME]`.
fn list_checks(args: ChecksArgs) -> Result<i32, Error> {
    use conform::catalogue;
    let pack = load_pack(&args.pack)?;
    let mut out = match &args.name {
        None => {
            let all = catalogue::catalogue(&pack);
            match args.format {
                RulesFormat::Json => serde_json::to_string_pretty(&all).unwrap_or_default(),
                RulesFormat::Text => catalogue::render_text(&all),
            }
        }
        Some(name) => {
            let check = conform::checks::find(name).ok_or_else(|| {
                let names: Vec<&str> = conform::checks::registry()
                    .iter()
                    .map(|c| c.doc.name)
                    .collect();
                Error::Usage(format!(
                    "no check named {name:?} (checks: {})",
                    names.join(", ")
                ))
            })?;
            let entry = catalogue::entry(check, &pack);
            match args.format {
                RulesFormat::Json => serde_json::to_string_pretty(&entry).unwrap_or_default(),
                RulesFormat::Text => catalogue::render_one_text(&entry, &pack.origin),
            }
        }
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    print!("{out}");
    Ok(exit::OK)
}

/// `conform fields [KIND]`.
fn list_fields(args: FieldsArgs) -> Result<i32, Error> {
    use conform::vocabulary;
    let mut out = match &args.kind {
        None => {
            let kinds = vocabulary::kinds();
            match args.format {
                RulesFormat::Json => serde_json::to_string_pretty(&kinds).unwrap_or_default(),
                RulesFormat::Text => vocabulary::render_kinds(&kinds),
            }
        }
        Some(name) => {
            let fields = vocabulary::find(name)
                .and_then(vocabulary::kind_fields)
                .ok_or_else(|| Error::Usage(vocabulary::unknown(name)))?;
            match args.format {
                RulesFormat::Json => serde_json::to_string_pretty(&fields).unwrap_or_default(),
                RulesFormat::Text => vocabulary::render_fields(&fields),
            }
        }
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    print!("{out}");
    Ok(exit::OK)
}
