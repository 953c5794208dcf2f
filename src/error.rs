//! Typed errors of the library. They are rendered once, in `main`, and
//! each maps to one documented exit code ([`crate::exit`]).

use std::path::PathBuf;

use thiserror::Error;

/// A rules file that cannot be used. Every variant names the file, and
/// where it applies, the line and column.
#[derive(Debug, Error)]
pub enum RulesError {
    #[error("{}: cannot read the rules file: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Every problem of the file, each with its line, column and source
    /// line ([`crate::diagnostic`]).
    #[error("{0}")]
    Invalid(crate::diagnostic::Diagnostics),
    #[error("{}: {message}", path.display())]
    Pack { path: PathBuf, message: String },
}

/// A saved inventory that cannot be used.
#[derive(Debug, Error)]
pub enum InventoryError {
    #[error("{}: cannot read the inventory: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: not a valid conform inventory: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: not a conform inventory (expected \"format\": \"conform-inventory\" at the top level)", path.display())]
    NotAnInventory { path: PathBuf },
    #[error("{}: inventory version {} is not supported (this conform reads version {supported})", path.display(), found.map(|v| v.to_string()).unwrap_or_else(|| "(missing)".into()))]
    Version {
        path: PathBuf,
        found: Option<u32>,
        supported: u32,
    },
}

/// A scan that could not start or could not finish as a whole. Failures of
/// single services or regions are not errors: they are recorded in the
/// inventory's coverage and make the affected verdicts unknown.
#[derive(Debug, Error)]
pub enum CollectError {
    /// STS GetCallerIdentity failed: no credentials, invalid ones, or AWS
    /// (or the endpoint) did not answer.
    #[error("cannot establish the AWS identity to scan as (STS GetCallerIdentity): {0}")]
    Identity(String),
    #[error("unknown region {region:?}: it is not one of this account's regions ({known})")]
    UnknownRegion { region: String, known: String },
    #[error("no region to scan: pass --region, or set one in the AWS profile or AWS_REGION")]
    NoRegion,
    #[error("cannot list the account's regions: {0}")]
    Regions(String),
    #[error("the scan did not finish within {0} s (--timeout); nothing was evaluated or written")]
    Timeout(u64),
    /// `--org`: the organization's accounts could not be listed.
    #[error("cannot list the organization's accounts (--org): {0}")]
    Organization(String),
    /// Accounts other than the caller's were asked for without a role to
    /// assume in them.
    #[error("--role-name is required to scan accounts other than the caller's ({0})")]
    RoleNameRequired(String),
    /// Accounts were asked for and none of them could be scanned; the
    /// message lists each account's error.
    #[error("no account could be scanned: {0}")]
    NoAccount(String),
}

/// An output that could not be written.
#[derive(Debug, Error)]
#[error("{}: cannot write: {source}", path.display())]
pub struct OutputError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Any error conform stops on.
#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error(transparent)]
    Inventory(#[from] InventoryError),
    #[error(transparent)]
    Waivers(#[from] crate::waivers::WaiversError),
    #[error(transparent)]
    Collect(#[from] CollectError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error("{0}")]
    Usage(String),
    /// Ctrl-C (SIGINT) stopped the run before anything was written.
    #[error("interrupted; nothing was written")]
    Interrupted,
}
