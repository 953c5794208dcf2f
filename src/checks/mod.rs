//! Checks: pure functions of the inventory and their parameters.
//!
//! A check knows how to judge one kind of resource against one kind of
//! promise; it never calls AWS and never decides what is in scope (the rule
//! that uses it does). Each check lives in its own module with its
//! documentation beside its code: [`CheckDoc`] feeds `conform explain` and
//! the help text of SARIF rules.
//!
//! Adding a check: write a module with a type that implements [`Check`],
//! then list it in [`registry`]. Its name is part of the rules-file format,
//! so it never changes meaning once shipped. Its `Params` are what a rules
//! file writes; `compile` turns them into the form `evaluate` uses and
//! rejects, with a [`ParamError`] naming the key, every value that cannot be
//! right. Its [`CheckDoc`] is written for any rule that uses it: templates
//! with the parameters' values (`{{ min_days | days }}`), never one
//! customer's numbers or promises, which belong to the rule pack. A unit
//! test renders every check's documentation with its defaults, and a
//! golden fixture in `tests/checks/<name>/` pins its verdicts (the suite
//! fails for a check without one).

mod sources;
mod zones;

pub mod attribute;

mod kinds_param;
mod resource;
#[cfg(test)]
mod testutil;

mod asg_multi_az;
mod cloudtrail_multi_region;
mod customer_managed_key;
mod data_residency;
mod ebs_default_encryption;
mod ebs_snapshot_encrypted;
mod ebs_volume_encrypted;
mod ec2_no_public_ip;
mod elasticache_multi_az;
mod lb_internet_ports;
mod lb_multi_az;
mod lb_tls_only;
mod lb_tls_policy;
mod log_retention;
mod maintenance_window;
mod nacl_internet_ingress;
mod rds_automated_backups;
mod rds_cross_region_copy;
mod rds_multi_az;
mod rds_not_public;
mod rds_snapshot_encrypted;
mod rds_storage_encrypted;
mod s3_backup_expiry;
mod s3_default_encryption;
mod sg_internet_attachment;
mod sg_internet_ingress;
mod snapshot_max_age;
mod subnet_private;

use std::fmt::Debug;
use std::sync::LazyLock;

use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::analysis::net::{self, AddressSpace};
use crate::findings::{Outcome, ResourceRef};
use crate::inventory::{Dataset, Inventory};

/// Where a check reports a subject it looked at and deliberately does not
/// judge (a read replica, judged through its primary; an internal load
/// balancer, not exposed to the internet), with a short reason true for any
/// rule. The evaluator applies the rule's scope and counts them per reason:
/// nothing of the resource is kept but its ARN, and only until the rule is
/// evaluated.
pub type NotJudged<'a> = &'a mut dyn FnMut(&ResourceRef, &'static str);

/// What a check documents about itself, shown by `conform explain` and in
/// SARIF help. Markdown is allowed in every field but `summary`. Every field
/// is a minijinja template over the parameters (see [`Check::DOC`]).
#[derive(Debug, Clone, Copy)]
pub struct CheckDoc {
    /// The check's stable name, used in rules files (`sg-internet-ingress`).
    pub name: &'static str,
    /// One line: what the check verifies.
    pub summary: &'static str,
    /// What exactly is checked, including the edge cases it gets right.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix a failing resource.
    pub fix: &'static str,
}

/// One parameter of a check, described for `conform checks`: true for any
/// rule that sets it. Listed beside the check's `Params` (as
/// [`Check::PARAMS`]), one entry per field, in the fields' order; a unit
/// test holds the list to the fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ParamDoc {
    /// The key a rule's `params` table writes.
    pub name: &'static str,
    /// What value it takes, in a user's words ("a list of port numbers").
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// What it means.
    pub description: &'static str,
}

/// What a check may know besides the inventory and its own parameters.
#[derive(Debug, Clone)]
pub struct Context {
    /// Which addresses are private or trusted; everything else is internet.
    pub addresses: AddressSpace,
    /// The instant ages are measured against (the inventory's collection
    /// time, unless the user sets another).
    pub now: Timestamp,
    /// Whether a report reads passing verdicts' message and evidence.
    /// When it does not (passes only counted: [`crate::evaluate::Passes`]
    /// `Elsewhere(None)`), a check may leave them empty.
    pub pass_detail: bool,
    /// The resources of each list in ARN order, sorted once per
    /// evaluation ([`Orders::of`]).
    pub orders: Orders,
}

/// For the checks that judge every resource of a kind (attribute rules):
/// the positions of a dataset's resources in its inventory list, in ARN
/// order, sorted once for all the rules over the kind. Their verdicts come
/// out in the order the evaluation joins a rule's verdicts in (by ARN), so
/// that its sort finds them sorted instead of sorting them again for each
/// rule (at 10^6 resources, 10% of the CPU of 50 attribute rules).
#[derive(Debug, Clone, Default)]
pub struct Orders(std::sync::Arc<std::sync::Mutex<OrderMap>>);

/// (dataset, the list's address and length) -> positions in ARN order.
type OrderMap = std::collections::HashMap<(Dataset, usize, usize), std::sync::Arc<[usize]>>;

impl Orders {
    /// The positions of the resources of `dataset` in `resources`, in ARN
    /// order; resources with the same ARN in their order in the list (as
    /// a stable sort by ARN would leave them).
    pub fn of<R: crate::inventory::Resource>(
        &self,
        dataset: Dataset,
        resources: &[R],
    ) -> std::sync::Arc<[usize]> {
        let key = (dataset, resources.as_ptr() as usize, resources.len());
        if let Some(order) = self.0.lock().ok().and_then(|map| map.get(&key).cloned()) {
            return order;
        }
        // Sorted outside the lock (and not with rayon: a rayon thread
        // waiting on the lock would be stealing work that wants it).
        let mut order: Vec<usize> = (0..resources.len())
            .filter(|&i| resources[i].dataset() == dataset)
            .collect();
        order.sort_by(|&a, &b| resources[a].arn().cmp(resources[b].arn()));
        let order: std::sync::Arc<[usize]> = order.into();
        if let Ok(mut map) = self.0.lock() {
            return map.entry(key).or_insert(order).clone();
        }
        order
    }
}

/// A parameter a check cannot work with, found when its rule is loaded.
/// Names the parameter's key (and the element of a list, from 0) so that
/// the rules loader can point at the value; the message says in a user's
/// words what the value must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    /// The parameter's key in the rule's `params` table.
    pub param: String,
    /// The offending element, when the parameter is a list.
    pub index: Option<usize>,
    pub message: String,
}

impl ParamError {
    /// An error about the parameter `param` as a whole.
    pub fn new(param: impl Into<String>, message: impl Into<String>) -> Self {
        ParamError {
            param: param.into(),
            index: None,
            message: message.into(),
        }
    }

    /// An error about element `index` (from 0) of the list `param`.
    pub fn at(param: impl Into<String>, index: usize, message: impl Into<String>) -> Self {
        ParamError {
            param: param.into(),
            index: Some(index),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.param.is_empty(), self.index) {
            (true, _) => f.write_str(&self.message),
            (false, None) => write!(f, "{}: {}", self.param, self.message),
            (false, Some(i)) => write!(f, "{}[{i}]: {}", self.param, self.message),
        }
    }
}

impl std::error::Error for ParamError {}

/// Compiles a count parameter that must be at least 1: `Ok` when `value`
/// is, otherwise an error on `param` saying it "must be a whole number of
/// `unit` from 1 upwards" (`unit`: "days", "availability zones").
pub fn at_least_one(param: &str, value: u32, unit: &str) -> Result<(), ParamError> {
    if value == 0 {
        return Err(ParamError::new(
            param,
            format!("must be a whole number of {unit} from 1 upwards"),
        ));
    }
    Ok(())
}

/// A check: judges resources of the inventory.
///
/// Parameters are parsed, not validated: a rule's `params` table is read
/// into [`Check::Params`] (as the user wrote it) and compiled once, when
/// the rule is loaded, into [`Check::Compiled`], the form the check
/// evaluates with. Whatever cannot be right is rejected by `compile`, so
/// evaluation has no "invalid parameter" case to handle.
pub trait Check: Send + Sync + 'static {
    /// The check's parameters, read from a rule's `params` table. Every
    /// field must have a default (`#[serde(default)]`) and unknown fields
    /// must be rejected (`#[serde(deny_unknown_fields)]`), so that a typo
    /// in a rules file is an error rather than a silently ignored setting.
    /// `conform rules` shows them as written, defaults filled in.
    type Params: DeserializeOwned + Serialize + Default + Debug + Send + Sync + 'static;

    /// The parameters in the form the check evaluates with.
    type Compiled: Debug + Send + Sync + 'static;

    /// The check's documentation: Jinja templates (minijinja) whose
    /// variables are the parameters as written, defaults filled in (and
    /// whatever [`Check::doc_vars`] adds), so that the text is true for any
    /// rule that uses the check.
    const DOC: CheckDoc;

    /// The datasets whose resources this check judges. Where one of them
    /// could not be read (or was not collected) for an account and region,
    /// the evaluator reports the check's verdict there as unknown.
    const SUBJECTS: &'static [Dataset];

    /// Other datasets the check reads to judge its subjects. A check must
    /// itself report a subject as unknown when what it needs from these is
    /// missing.
    const USES: &'static [Dataset] = &[];

    /// Each field of [`Check::Params`] described, in the fields' order
    /// (none for a check without parameters).
    const PARAMS: &'static [ParamDoc] = &[];

    /// Whether the check judges *where* resources are (data residency):
    /// then a live scan reads its subjects in every region enabled for
    /// the account, whatever `--region` says, and the loader refuses a
    /// region scope on a rule that uses it. Other checks judge only the
    /// regions the scan asked for.
    const EVERY_REGION: bool = false;

    /// For a check with a parameter no default can be right for (the
    /// regions data may be in): parameters a rule might write, as the
    /// body of a TOML table, to show the check with where no rule sets
    /// them (`conform explain CHECK`, `conform checks`). `None`: the
    /// defaults do.
    const EXAMPLE: Option<&'static str> = None;

    /// The datasets a rule binding the check judges: [`Check::SUBJECTS`],
    /// unless the parameters choose some of them (data residency's
    /// `kinds`).
    fn judged(_compiled: &Self::Compiled) -> &'static [Dataset] {
        Self::SUBJECTS
    }

    /// Compiles the parameters, rejecting what serde cannot (ranges,
    /// CIDRs, unknown names, empty lists, ...).
    fn compile(params: &Self::Params) -> Result<Self::Compiled, ParamError>;

    /// Template variables besides the parameters (say, a protocol list
    /// written for people), derived from the compiled parameters.
    fn doc_vars(_compiled: &Self::Compiled) -> serde_json::Map<String, serde_json::Value> {
        serde_json::Map::new()
    }

    /// Judges every subject in the inventory. Returns one outcome per
    /// resource judged (pass, fail or unknown); resources the check does not
    /// apply to get no outcome.
    fn evaluate(ctx: &Context, inventory: &Inventory, params: &Self::Compiled) -> Vec<Outcome>;

    /// Reports to `skip` every subject that [`Check::evaluate`] passes over
    /// by kind, with its reason (shared with `evaluate` through one
    /// predicate, so the two cannot disagree). Checks that judge every
    /// subject keep the default, which reports none.
    fn not_judged(
        _ctx: &Context,
        _inventory: &Inventory,
        _params: &Self::Compiled,
        _skip: NotJudged<'_>,
    ) {
    }
}

/// A check's documentation with its parameters filled in: true for the
/// rule (or, for `conform explain CHECK`, the defaults) it was rendered for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub name: &'static str,
    pub summary: String,
    pub what: String,
    pub why: String,
    pub fix: String,
}

/// Fills a check's documentation templates with `vars`.
fn render_doc(doc: &CheckDoc, vars: &serde_json::Value) -> Result<Doc, String> {
    static ENV: LazyLock<minijinja::Environment<'static>> = LazyLock::new(|| {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        // `["a", "b", "c"] | and_list` is "a, b and c" (`none` if empty);
        // `and_list('or')` is "a, b or c".
        env.add_filter(
            "and_list",
            |items: Vec<minijinja::Value>, word: Option<String>| {
                let items: Vec<String> = items.iter().map(|v| v.to_string()).collect();
                let word = word.unwrap_or_else(|| "and".to_string());
                match items.split_last() {
                    None => "none".to_string(),
                    Some((last, [])) => last.clone(),
                    Some((last, rest)) => format!("{} {word} {last}", rest.join(", ")),
                }
            },
        );
        // `n | days` is "1 day" or "n days".
        env.add_filter("days", |n: i64| {
            if n == 1 {
                "1 day".to_string()
            } else {
                format!("{n} days")
            }
        });
        env
    });
    let render = |field: &str, text: &str| {
        ENV.render_str(text, vars)
            .map_err(|e| format!("check {}, doc {field}: {e}", doc.name))
    };
    Ok(Doc {
        name: doc.name,
        summary: render("summary", doc.summary)?,
        what: render("what", doc.what)?,
        why: render("why", doc.why)?,
        fix: render("fix", doc.fix)?,
    })
}

fn doc_of<C: Check>(params: &C::Params, compiled: &C::Compiled) -> Doc {
    let mut vars = match serde_json::to_value(params) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    vars.extend(C::doc_vars(compiled));
    // The templates are tested with every check's defaults (and a test
    // fails on any error); should one fail for other values, the unfilled
    // template still reads sensibly.
    let rendered = render_doc(&C::DOC, &serde_json::Value::Object(vars));
    if let (true, Err(e)) = (cfg!(test), &rendered) {
        panic!("{e}");
    }
    rendered.unwrap_or(Doc {
        name: C::DOC.name,
        summary: C::DOC.summary.to_string(),
        what: C::DOC.what.to_string(),
        why: C::DOC.why.to_string(),
        fix: C::DOC.fix.to_string(),
    })
}

/// A check bound to its parameters, ready to evaluate.
pub trait BoundCheck: Debug + Send + Sync {
    /// The documentation, with this binding's parameters filled in.
    fn doc(&self) -> &Doc;
    fn subjects(&self) -> &[Dataset];
    fn uses(&self) -> &[Dataset];
    /// [`Check::EVERY_REGION`].
    fn every_region(&self) -> bool {
        false
    }
    fn evaluate(&self, ctx: &Context, inventory: &Inventory) -> Vec<Outcome>;
    /// The subjects the check deliberately does not judge ([`Check::not_judged`]).
    fn not_judged(&self, ctx: &Context, inventory: &Inventory, skip: NotJudged<'_>);
    /// The effective parameters (defaults filled in), for `conform rules`
    /// and reports.
    fn params(&self) -> serde_json::Value;
}

struct Bound<C: Check> {
    params: C::Params,
    compiled: C::Compiled,
    doc: Doc,
}

impl<C: Check> Debug for Bound<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(C::DOC.name)
            .field("params", &self.params)
            .finish()
    }
}

impl<C: Check> BoundCheck for Bound<C> {
    fn doc(&self) -> &Doc {
        &self.doc
    }
    fn subjects(&self) -> &[Dataset] {
        C::judged(&self.compiled)
    }
    fn uses(&self) -> &[Dataset] {
        C::USES
    }
    fn every_region(&self) -> bool {
        C::EVERY_REGION
    }
    fn evaluate(&self, ctx: &Context, inventory: &Inventory) -> Vec<Outcome> {
        C::evaluate(ctx, inventory, &self.compiled)
    }
    fn not_judged(&self, ctx: &Context, inventory: &Inventory, skip: NotJudged<'_>) {
        C::not_judged(ctx, inventory, &self.compiled, skip)
    }
    fn params(&self) -> serde_json::Value {
        serde_json::to_value(&self.params).unwrap_or(serde_json::Value::Null)
    }
}

/// A check as listed in the registry, not yet bound to parameters.
pub struct Registered {
    pub doc: &'static CheckDoc,
    pub subjects: &'static [Dataset],
    pub uses: &'static [Dataset],
    pub params: &'static [ParamDoc],
    /// [`Check::EXAMPLE`].
    pub example: Option<&'static str>,
    bind: fn(toml::Value) -> Result<Box<dyn BoundCheck>, ParamError>,
}

impl Registered {
    /// Binds the check to parameters from a rules file: reads them and
    /// compiles them. The error names the offending parameter.
    pub fn bind(&self, params: toml::Value) -> Result<Box<dyn BoundCheck>, ParamError> {
        (self.bind)(params)
    }

    /// The check bound to its default parameters (which always compile:
    /// a unit test binds every check so), or for a check with a parameter
    /// a rule must set, to its [`Check::EXAMPLE`].
    pub fn with_defaults(&self) -> Result<Box<dyn BoundCheck>, ParamError> {
        let table = match self.example {
            Some(example) => toml::from_str(example)
                .map_err(|e| ParamError::new("", format!("example parameters: {e}")))?,
            None => toml::Table::new(),
        };
        self.bind(toml::Value::Table(table))
    }
}

fn register<C: Check>() -> Registered {
    Registered {
        doc: &C::DOC,
        subjects: C::SUBJECTS,
        uses: C::USES,
        params: C::PARAMS,
        example: C::EXAMPLE,
        bind: |value| {
            let params: C::Params = read_params::<C::Params>(&value)?;
            let compiled = C::compile(&params)?;
            let doc = doc_of::<C>(&params, &compiled);
            Ok(Box::new(Bound::<C> {
                params,
                compiled,
                doc,
            }))
        },
    }
}

/// Reads a `params` table. serde names neither the key nor the element
/// of a type error, so on failure each key (and each element of a list)
/// is read alone to find the one at fault; the message is put in a user's
/// words ("a whole number", not "u32").
fn read_params<P: DeserializeOwned>(value: &toml::Value) -> Result<P, ParamError> {
    let whole = match value.clone().try_into::<P>() {
        Ok(p) => return Ok(p),
        Err(e) => e,
    };
    let alone = |key: &str, v: &toml::Value| {
        let mut t = toml::Table::new();
        t.insert(key.to_string(), v.clone());
        toml::Value::Table(t).try_into::<P>().err()
    };
    if let Some(table) = value.as_table() {
        for (key, v) in table {
            let Some(err) = alone(key, v) else { continue };
            if let Some(list) = v.as_array() {
                for (i, element) in list.iter().enumerate() {
                    if let Some(e) = alone(key, &toml::Value::Array(vec![element.clone()])) {
                        return Err(ParamError::at(key, i, user_words(e.message())));
                    }
                }
            }
            if let Some(rest) = err.message().strip_prefix("unknown field") {
                let known = rest.split_once(", ").map_or("", |(_, k)| k);
                let known = if known == "there are no fields" {
                    "this check takes no parameters".to_string()
                } else {
                    known.replace("expected", "known:")
                };
                return Err(ParamError::new(key, format!("no such parameter ({known})")));
            }
            return Err(ParamError::new(key, user_words(err.message())));
        }
    }
    Err(ParamError::new("", user_words(whole.message())))
}

/// serde's words for a type error, in a user's: `invalid type: string
/// "80", expected u16` becomes `found the text "80" where a whole number
/// from 0 to 65535 belongs`.
fn user_words(message: &str) -> String {
    const TYPES: &[(&str, &str)] = &[
        ("u8", "a whole number from 0 to 255"),
        ("u16", "a whole number from 0 to 65535"),
        ("u32", "a whole number from 0 to 4294967295"),
        ("u64", "a whole number from 0 upwards"),
        ("i32", "a whole number"),
        ("i64", "a whole number"),
        ("a boolean", "true or false"),
        ("a string", "a text in quotes"),
        ("a sequence", "a list in brackets, [...]"),
        ("struct Params", "a table of parameters, { ... }"),
    ];
    let Some((found, expected)) = message.split_once(", expected ") else {
        return message.to_string();
    };
    let expected = TYPES
        .iter()
        .find(|(t, _)| *t == expected)
        .map_or(expected, |(_, words)| *words);
    let found = found
        .trim_start_matches("invalid type: ")
        .trim_start_matches("invalid value: ")
        .replace("string ", "the text ")
        .replace("integer ", "the number ")
        .replace("floating point ", "the number ")
        .replace("sequence", "a list")
        .replace('`', "");
    format!("found {found} where {expected} belongs")
}

/// Every check conform knows, by name.
pub fn registry() -> &'static [Registered] {
    static REGISTRY: LazyLock<Vec<Registered>> = LazyLock::new(|| {
        vec![
            register::<sg_internet_ingress::SgInternetIngress>(),
            register::<sg_internet_attachment::SgInternetAttachment>(),
            register::<nacl_internet_ingress::NaclInternetIngress>(),
            register::<lb_internet_ports::LbInternetPorts>(),
            register::<rds_not_public::RdsNotPublic>(),
            register::<ec2_no_public_ip::Ec2NoPublicIp>(),
            register::<lb_tls_only::LbTlsOnly>(),
            register::<lb_tls_policy::LbTlsPolicy>(),
            register::<ebs_volume_encrypted::EbsVolumeEncrypted>(),
            register::<ebs_default_encryption::EbsDefaultEncryption>(),
            register::<s3_default_encryption::S3DefaultEncryption>(),
            register::<log_retention::LogRetention>(),
            register::<rds_multi_az::RdsMultiAz>(),
            register::<lb_multi_az::LbMultiAz>(),
            register::<ebs_snapshot_encrypted::EbsSnapshotEncrypted>(),
            register::<rds_snapshot_encrypted::RdsSnapshotEncrypted>(),
            register::<rds_storage_encrypted::RdsStorageEncrypted>(),
            register::<cloudtrail_multi_region::CloudtrailMultiRegion>(),
            register::<rds_automated_backups::RdsAutomatedBackups>(),
            register::<snapshot_max_age::SnapshotMaxAge>(),
            register::<s3_backup_expiry::S3BackupExpiry>(),
            register::<rds_cross_region_copy::RdsCrossRegionCopy>(),
            register::<elasticache_multi_az::ElasticacheMultiAz>(),
            register::<asg_multi_az::AsgMultiAz>(),
            register::<maintenance_window::MaintenanceWindow>(),
            register::<subnet_private::SubnetPrivate>(),
            register::<data_residency::DataResidency>(),
            register::<customer_managed_key::CustomerManagedKey>(),
        ]
    });
    &REGISTRY
}

/// Looks a check up by name.
pub fn find(name: &str) -> Option<&'static Registered> {
    registry().iter().find(|r| r.doc.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_documented() {
        let mut names: Vec<_> = registry().iter().map(|r| r.doc.name).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate check names");
        for r in registry() {
            assert!(!r.subjects.is_empty(), "{} judges nothing", r.doc.name);
            for text in [r.doc.summary, r.doc.what, r.doc.why, r.doc.fix] {
                assert!(text.trim().len() > 20, "{} is under-documented", r.doc.name);
            }
        }
    }

    #[test]
    fn every_parameter_is_described() {
        for r in registry() {
            let defaults = r.with_defaults().unwrap().params();
            let fields: Vec<&str> = defaults
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let mut described: Vec<&str> = r.params.iter().map(|p| p.name).collect();
            described.sort();
            assert_eq!(
                fields, described,
                "{}: PARAMS and Params differ",
                r.doc.name
            );
            for p in r.params {
                assert!(
                    p.kind.len() > 5 && p.description.len() > 20,
                    "{}: parameter {} is under-documented",
                    r.doc.name,
                    p.name
                );
            }
        }
    }

    fn bind_error(check: &str, params: &str) -> ParamError {
        let value = toml::Value::Table(toml::from_str(params).unwrap());
        find(check).unwrap().bind(value).unwrap_err()
    }

    #[test]
    fn counts_of_days_and_zones_start_at_one() {
        for (check, param, unit) in [
            ("log-retention", "min_days", "days"),
            ("s3-backup-expiry", "max_days", "days"),
            ("snapshot-max-age", "max_age_days", "days"),
            ("asg-multi-az", "min_azs", "availability zones"),
            ("lb-multi-az", "min_azs", "availability zones"),
            ("rds-multi-az", "min_azs", "availability zones"),
        ] {
            assert_eq!(
                bind_error(check, &format!("{param} = 0")).to_string(),
                format!("{param}: must be a whole number of {unit} from 1 upwards"),
                "{check}"
            );
            let one = toml::Value::Table(toml::from_str(&format!("{param} = 1")).unwrap());
            assert!(find(check).unwrap().bind(one).is_ok(), "{check}");
        }
    }

    #[test]
    fn type_errors_name_the_key_and_element_in_a_users_words() {
        let e = bind_error("lb-internet-ports", r#"allowed_ports = [443, "80"]"#);
        assert_eq!((e.param.as_str(), e.index), ("allowed_ports", Some(1)));
        assert_eq!(
            e.message,
            r#"found the text "80" where a port number from 0 to 65535 belongs"#
        );
        let e = bind_error("lb-internet-ports", "allowed_ports = [70000]");
        assert_eq!(
            e.to_string(),
            "allowed_ports[0]: found the number 70000 where a port number from 0 to 65535 belongs"
        );
        let e = bind_error("lb-internet-ports", "allowed_ports = 443");
        assert_eq!(
            e.to_string(),
            "allowed_ports: found the number 443 where a list in brackets, [...] belongs"
        );
        let e = bind_error("log-retention", "min_days = -5");
        assert_eq!(
            e.to_string(),
            "min_days: found the number -5 where a whole number from 0 to 4294967295 belongs"
        );
        let e = bind_error("log-retention", r#"min_days = "30""#);
        assert_eq!(
            e.to_string(),
            r#"min_days: found the text "30" where a whole number from 0 to 4294967295 belongs"#
        );
        let e = bind_error("log-retention", "min_dayz = 30");
        assert_eq!(
            e.to_string(),
            "min_dayz: no such parameter (known: `min_days`)"
        );
        let e = bind_error("rds-not-public", "x = 1");
        assert_eq!(
            e.to_string(),
            "x: no such parameter (this check takes no parameters)"
        );
        // Values that read but cannot be right are rejected by compile.
        let e = bind_error("log-retention", "min_days = 0");
        assert_eq!(e.param, "min_days");
    }

    fn doc_with(check: &str, params: &str) -> Doc {
        let value = toml::Value::Table(toml::from_str(params).unwrap());
        find(check).unwrap().bind(value).unwrap().doc().clone()
    }

    #[test]
    fn docs_follow_the_parameters() {
        for r in registry() {
            let doc = r.with_defaults().unwrap().doc().clone();
            for text in [&doc.summary, &doc.what, &doc.why, &doc.fix] {
                assert!(
                    !text.contains("{{") && !text.contains("{%"),
                    "{}",
                    r.doc.name
                );
            }
        }
        let doc = doc_with("log-retention", "min_days = 365");
        assert_eq!(
            doc.summary,
            "CloudWatch Logs log groups keep events at least 365 days"
        );
        assert!(!doc.what.contains("30"), "{}", doc.what);
        assert!(doc.fix.contains("--retention-in-days 365"), "{}", doc.fix);
        let doc = doc_with("log-retention", "min_days = 4000");
        assert!(doc.fix.contains("delete-retention-policy"), "{}", doc.fix);
        let doc = doc_with(
            "lb-tls-policy",
            r#"allowed_protocols = ["TLSv1.3"]
allowed_ciphers = ["AES256", "CHACHA20"]"#,
        );
        assert_eq!(
            doc.summary,
            "TLS listeners allow only TLSv1.3 with AES256 or CHACHA20 cipher suites"
        );
        assert!(!doc.what.contains("TLSv1.2"), "{}", doc.what);
        assert!(!doc.why.contains("ChaCha20 is strong"), "{}", doc.why);
        let doc = doc_with(
            "s3-default-encryption",
            r#"allowed_algorithms = ["aws:kms"]"#,
        );
        assert!(
            doc.summary.ends_with("encryption with aws:kms"),
            "{}",
            doc.summary
        );
        assert!(
            doc.fix.contains(r#""SSEAlgorithm":"aws:kms""#),
            "{}",
            doc.fix
        );
        let doc = doc_with("s3-backup-expiry", "max_days = 30");
        assert!(doc.summary.ends_with("within 30 days"), "{}", doc.summary);
        assert!(doc.fix.contains(r#""Days": 20}"#), "{}", doc.fix);
        assert!(doc.fix.contains(r#""NoncurrentDays": 10}"#), "{}", doc.fix);
        let doc = doc_with("rds-automated-backups", "min_retention_days = 14");
        assert!(
            doc.fix.contains("--backup-retention-period 14 "),
            "{}",
            doc.fix
        );
        let doc = doc_with(
            "maintenance-window",
            r#"time_zone = "Asia/Tokyo"
allowed = ["mon:09:00-mon:12:00"]"#,
        );
        assert!(
            doc.why.contains("(mon:09:00-mon:12:00 Asia/Tokyo)"),
            "{}",
            doc.why
        );
        assert!(!doc.fix.contains("EST"), "{}", doc.fix);
        let doc = doc_with("asg-multi-az", "min_azs = 3");
        assert_eq!(
            doc.summary,
            "Auto Scaling groups span at least 3 availability zones"
        );
        assert!(doc.why.contains("loss of 2 of them"), "{}", doc.why);
    }

    #[test]
    fn default_params_bind_and_typos_do_not() {
        for r in registry() {
            // A check with a parameter a rule must set binds its example.
            r.with_defaults()
                .unwrap_or_else(|e| panic!("{}: {e}", r.doc.name));
            if r.example.is_none() {
                r.bind(toml::Value::Table(toml::Table::new()))
                    .unwrap_or_else(|e| panic!("{}: {e}", r.doc.name));
            }
            let mut typo = toml::Table::new();
            typo.insert("no_such_parameter".into(), toml::Value::Integer(1));
            let err = r.bind(toml::Value::Table(typo)).expect_err(r.doc.name);
            assert!(
                err.to_string().contains("no_such_parameter"),
                "{}: {err}",
                r.doc.name
            );
        }
    }
}

/// Reads a list of services (`tcp/443`, `udp/1024-65535`, `icmp`; see
/// [`net::ports::parse_service`]) into one set; the error names the
/// element at fault.
pub(crate) fn compile_services(
    param: &str,
    services: &[String],
) -> Result<net::ports::Traffic, ParamError> {
    let mut all = net::ports::Traffic::none();
    for (i, s) in services.iter().enumerate() {
        let t = net::ports::parse_service(s).map_err(|e| ParamError::at(param, i, e))?;
        all = all.union(&t);
    }
    Ok(all)
}

/// A port number given as a parameter. It reads (and its errors read) as
/// "a port number from 0 to 65535"; it is written as the bare number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Port(pub u16);

impl<'de> serde::Deserialize<'de> for Port {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, Unexpected, Visitor};
        struct PortVisitor;
        impl Visitor<'_> for PortVisitor {
            type Value = Port;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a port number from 0 to 65535")
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<Port, E> {
                u16::try_from(v)
                    .map(Port)
                    .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<Port, E> {
                u16::try_from(v)
                    .map(Port)
                    .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
            }
        }
        d.deserialize_u16(PortVisitor)
    }
}

/// Parameters of a check that takes none.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NoParams {}
