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
//! so it never changes meaning once shipped.

mod sources;
mod zones;

mod resource;
#[cfg(test)]
mod testutil;

mod asg_multi_az;
mod cloudtrail_multi_region;
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

use std::fmt::Debug;
use std::sync::LazyLock;

use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::analysis::net::AddressSpace;
use crate::findings::Outcome;
use crate::inventory::{Dataset, Inventory};

/// What a check documents about itself, shown by `conform explain` and in
/// SARIF help. Markdown is allowed in every field but `summary`.
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

/// What a check may know besides the inventory and its own parameters.
#[derive(Debug, Clone)]
pub struct Context {
    /// Which addresses are private or trusted; everything else is internet.
    pub addresses: AddressSpace,
    /// The instant ages are measured against (the inventory's collection
    /// time, unless the user sets another).
    pub now: Timestamp,
}

/// A check: judges resources of the inventory.
pub trait Check: Send + Sync + 'static {
    /// The check's parameters, read from a rule's `params` table. Every
    /// field must have a default (`#[serde(default)]`) and unknown fields
    /// must be rejected (`#[serde(deny_unknown_fields)]`), so that a typo
    /// in a rules file is an error rather than a silently ignored setting.
    type Params: DeserializeOwned + Serialize + Default + Debug + Send + Sync + 'static;

    /// The check's documentation.
    const DOC: CheckDoc;

    /// The datasets whose resources this check judges. Where one of them
    /// could not be read (or was not collected) for an account and region,
    /// the evaluator reports the check's verdict there as unknown.
    const SUBJECTS: &'static [Dataset];

    /// Other datasets the check reads to judge its subjects. A check must
    /// itself report a subject as unknown when what it needs from these is
    /// missing.
    const USES: &'static [Dataset] = &[];

    /// Checks parameters that serde cannot (ranges, CIDRs, ...). The error
    /// is a message naming the parameter.
    fn validate(_params: &Self::Params) -> Result<(), String> {
        Ok(())
    }

    /// Judges every subject in the inventory. Returns one outcome per
    /// resource judged (pass, fail or unknown); resources the check does not
    /// apply to get no outcome.
    fn evaluate(ctx: &Context, inventory: &Inventory, params: &Self::Params) -> Vec<Outcome>;
}

/// A check bound to its parameters, ready to evaluate.
pub trait BoundCheck: Debug + Send + Sync {
    fn doc(&self) -> &'static CheckDoc;
    fn subjects(&self) -> &'static [Dataset];
    fn uses(&self) -> &'static [Dataset];
    fn evaluate(&self, ctx: &Context, inventory: &Inventory) -> Vec<Outcome>;
    /// The effective parameters (defaults filled in), for `conform rules`
    /// and reports.
    fn params(&self) -> serde_json::Value;
}

struct Bound<C: Check> {
    params: C::Params,
}

impl<C: Check> Debug for Bound<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(C::DOC.name)
            .field("params", &self.params)
            .finish()
    }
}

impl<C: Check> BoundCheck for Bound<C> {
    fn doc(&self) -> &'static CheckDoc {
        &C::DOC
    }
    fn subjects(&self) -> &'static [Dataset] {
        C::SUBJECTS
    }
    fn uses(&self) -> &'static [Dataset] {
        C::USES
    }
    fn evaluate(&self, ctx: &Context, inventory: &Inventory) -> Vec<Outcome> {
        C::evaluate(ctx, inventory, &self.params)
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
    bind: fn(toml::Value) -> Result<Box<dyn BoundCheck>, String>,
}

impl Registered {
    /// Binds the check to parameters from a rules file. The error is a
    /// message that names the offending parameter.
    pub fn bind(&self, params: toml::Value) -> Result<Box<dyn BoundCheck>, String> {
        (self.bind)(params)
    }
}

fn register<C: Check>() -> Registered {
    Registered {
        doc: &C::DOC,
        subjects: C::SUBJECTS,
        uses: C::USES,
        bind: |value| {
            let params: C::Params = value
                .try_into()
                .map_err(|e: toml::de::Error| e.message().to_string())?;
            C::validate(&params)?;
            Ok(Box::new(Bound::<C> { params }))
        },
    }
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
    fn default_params_bind_and_typos_do_not() {
        for r in registry() {
            r.bind(toml::Value::Table(toml::Table::new()))
                .unwrap_or_else(|e| panic!("{}: {e}", r.doc.name));
            let mut typo = toml::Table::new();
            typo.insert("no_such_parameter".into(), toml::Value::Integer(1));
            let err = r.bind(toml::Value::Table(typo)).expect_err(r.doc.name);
            assert!(err.contains("no_such_parameter"), "{}: {err}", r.doc.name);
        }
    }
}

/// Parameters of a check that takes none.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NoParams {}
