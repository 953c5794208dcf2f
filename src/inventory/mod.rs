//! The inventory: what the collectors read from AWS, as plain data.
//!
//! An [`Inventory`] is the only thing checks see. It is written by the
//! collectors (or loaded from a file saved by an earlier scan) and never
//! changed afterwards, so a live scan and an offline re-evaluation of its
//! saved inventory give the same findings by construction.
//!
//! Values are kept as AWS returned them (protocol names, policy names, enum
//! strings): interpreting them is the checks' job, so a value that a newer
//! AWS API introduces is carried through and a check can say it could not
//! judge it, instead of the collector dropping or mangling it.
//!
//! Besides resources, the inventory records its *coverage*: for every
//! (account, region, dataset) the collectors attempted, whether it was read
//! or why not. Checks use it to report resources they could not see as
//! unknown, never as compliant.

/// Implements [`Resource`] for an inventory type, beside the type:
/// `resource!(Type: Variant, named field, tagged)` names its resources by
/// `field`, reads their tags from `tags` when `tagged` (else they have
/// none), and puts them in dataset `Dataset::Variant`; where that depends
/// on the resource, `resource!(Type: |r| expression, ...)`.
macro_rules! resource {
    (@tags tagged) => {
        fn tags(&self) -> &$crate::inventory::Tags {
            &self.tags
        }
        fn tags_read(&self) -> bool {
            true
        }
    };
    ($ty:ident: |$r:ident| $dataset:expr, named $name:ident $(, $tagged:ident)?) => {
        impl $crate::inventory::Resource for $ty {
            fn dataset(&self) -> $crate::inventory::Dataset {
                let $r = self;
                $dataset
            }
            fn arn(&self) -> &$crate::inventory::Text {
                &self.arn
            }
            fn place(&self) -> &$crate::inventory::Place {
                &self.place
            }
            // The name findings show is the id where AWS has one.
            #[allow(clippy::misnamed_getters)]
            fn name(&self) -> &str {
                &self.$name
            }
            $(resource!(@tags $tagged);)?
        }
    };
    ($ty:ident: $dataset:ident, named $name:ident $(, $tagged:ident)?) => {
        resource!($ty: |_resource| $crate::inventory::Dataset::$dataset, named $name $(, $tagged)?);
    };
}

mod arn;
mod audit;
mod backup;
mod cache;
mod compute;
mod database;
mod dynamodb;
mod efs;
pub mod fields;
mod kinds;
mod kms;
mod load;
mod logs;
mod network;
mod network_fields;
mod scaling;
mod storage;
mod strlike;
mod sym;
mod tags;
mod text;
mod value;
mod vpc;

pub use arn::Arn;
pub use audit::*;
pub use backup::*;
pub use cache::*;
pub use compute::*;
pub use database::*;
pub use dynamodb::*;
pub use efs::*;
pub use kinds::{ArnShape, Dataset, Inventory, Kind, Resource, Scope, Stored};
pub use kms::*;
pub use logs::*;
pub use network::*;
pub use scaling::*;
pub use storage::*;
pub use sym::Sym;
pub use tags::Tags;
pub use text::Text;
pub use value::{Member, Type, Value};
pub use vpc::*;

/// The inventory's strings (ids, names, states, zones, tag keys and
/// values): a string of up to 24 bytes is held inline, in the 24 bytes a
/// `String` header takes, with no allocation of its own; a longer one is
/// on the heap as a `String` would be. Most of an estate's strings are
/// that short (`i-00000000000000000`, `eu-north-1a`, `running`), and an
/// absent `Option<Str>` is 24 bytes, as an `Option<String>` was.
pub type Str = compact_str::CompactString;

use std::fmt;
use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::InventoryError;

/// The format name written at the top of every saved inventory.
pub const FORMAT: &str = "conform-inventory";
/// The version of the saved inventory's schema. Bumped on any change that
/// an older conform could not read correctly.
pub const VERSION: u32 = 1;

/// The region name used for datasets that are global to an account
/// (S3's bucket list, for example).
pub const GLOBAL: &str = "global";

/// One account and the regions scanned in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScannedAccount {
    pub account: String,
    /// AWS partition (`aws`, `aws-cn`, `aws-us-gov`), used to build ARNs.
    #[serde(default = "default_partition")]
    pub partition: String,
    pub regions: Vec<String>,
    /// Why the account could not be scanned at all (its role could not be
    /// assumed, or its credentials spoke for another account). Such an
    /// account has no resources; every dataset asked for has a coverage
    /// record with this error in each region of `regions`, so every verdict
    /// there is unknown, with this error as evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<AwsError>,
}

fn default_partition() -> String {
    "aws".to_string()
}

/// The regions enabled for one account, as EC2 `DescribeRegions` lists
/// them (opt-in regions once opted in), whether or not the scan read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnabledRegions {
    pub account: String,
    pub regions: Vec<String>,
}

/// Whether one dataset was read in one account and region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    pub account: String,
    /// The region, or [`GLOBAL`] for global datasets.
    pub region: String,
    pub dataset: Dataset,
    /// `None` when the dataset was read completely.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<AwsError>,
}

/// An error AWS (or the way to it) returned, kept as evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsError {
    /// The API operation that failed, e.g. `DescribeSecurityGroups`.
    pub operation: String,
    /// AWS's error code (`AccessDenied`, `Throttling`, ...), or a
    /// conform-assigned code for failures without one (`DispatchFailure`,
    /// `TimeoutError`, `ResponseError`).
    pub code: String,
    /// AWS's message, or a description of the transport failure.
    pub message: String,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed with {}", self.operation, self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

/// A value that was either read, or could not be read for a reason.
///
/// Used for per-resource reads (a bucket's encryption, for example) where
/// "not configured" and "not allowed to look" are different facts.
///
/// The error is boxed: it is rare, and an `AwsError` held inline (three
/// strings, 72 bytes) made every `Read` field of every resource that big.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Read<T> {
    Value(T),
    Unreadable(Box<AwsError>),
}

/// The format and version of a saved inventory, read on their own to
/// explain why a file is not an inventory this conform reads.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

/// Where a resource lives (each name stored once: [`Sym`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub account: Sym,
    pub region: Sym,
}

/// The header of a text that parsed: `Inventory::parse` reads it only
/// for a text that did not.
fn no_header() -> Result<serde_json::Result<Header>, InventoryError> {
    Ok(serde_json::from_str("{}"))
}

impl Inventory {
    // The struct, `absorb`, `sort` and `resource_count` are derived from
    // the table of kinds (kinds.rs).

    /// An empty inventory stamped with the given collection time.
    pub fn new(collected_at: Timestamp) -> Self {
        Inventory {
            format: FORMAT.to_string(),
            version: VERSION,
            collected_at,
            ..Default::default()
        }
    }

    /// Reads an inventory saved by `--save-inventory`, parsing it as it is
    /// read: the file's text is never held whole (at 10^6 resources it is
    /// 560 MB, more than half of what the parsed inventory takes). The
    /// resource lists' elements are parsed in parallel (load.rs); a text
    /// that does not load that way is parsed again in one pass, whose
    /// error names the line and column.
    pub fn load(path: &Path) -> Result<Self, InventoryError> {
        let read_error = |source| InventoryError::Read {
            path: path.to_path_buf(),
            source,
        };
        let open = || {
            std::fs::File::open(path)
                .map(|f| std::io::BufReader::with_capacity(1 << 20, f))
                .map_err(read_error)
        };
        let file = std::fs::File::open(path).map_err(read_error)?;
        if let Some(inventory) = load::parallel(file).map_err(read_error)? {
            return Self::parse(path, Ok(inventory), no_header);
        }
        Self::parse(path, serde_json::from_reader(open()?), || {
            Ok(serde_json::from_reader(open()?))
        })
    }

    /// Parses an inventory from JSON text; `path` is used in error messages.
    pub fn from_json(path: &Path, text: &str) -> Result<Self, InventoryError> {
        if let Ok(Some(inventory)) = load::parallel(text.as_bytes()) {
            return Self::parse(path, Ok(inventory), no_header);
        }
        Self::parse(path, serde_json::from_str(text), || {
            Ok(serde_json::from_str(text))
        })
    }

    /// The one-pass parse alone (tests compare the two ways).
    #[cfg(test)]
    fn from_json_one_pass(text: &str) -> serde_json::Result<Self> {
        serde_json::from_str(text)
    }

    /// Checks what one pass over the JSON gave (`parsed`); on a failure,
    /// `header` reads the text again for its format and version only, so
    /// that a file of another kind or version gets a message about that
    /// rather than about a missing field.
    fn parse(
        path: &Path,
        parsed: serde_json::Result<Inventory>,
        header: impl FnOnce() -> Result<serde_json::Result<Header>, InventoryError>,
    ) -> Result<Self, InventoryError> {
        let syntax = |e: serde_json::Error| match e.classify() {
            serde_json::error::Category::Io => InventoryError::Read {
                path: path.to_path_buf(),
                source: e.into(),
            },
            _ => InventoryError::Parse {
                path: path.to_path_buf(),
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            },
        };
        let check = |format: Option<&str>, version: Option<u32>| {
            if format != Some(FORMAT) {
                return Err(InventoryError::NotAnInventory {
                    path: path.to_path_buf(),
                });
            }
            match version {
                Some(VERSION) => Ok(()),
                found => Err(InventoryError::Version {
                    path: path.to_path_buf(),
                    found,
                    supported: VERSION,
                }),
            }
        };
        match parsed {
            Ok(mut inventory) => {
                check(Some(&inventory.format), Some(inventory.version))?;
                inventory.make_arns();
                Ok(inventory)
            }
            Err(e) => {
                let header = header()?.map_err(syntax)?;
                check(header.format.as_deref(), header.version)?;
                Err(syntax(e))
            }
        }
    }

    /// Makes the ARNs saved inventories leave out (those of conform's
    /// making, for settings without ARNs of their own).
    pub fn make_arns(&mut self) {
        let mut settings = std::mem::take(&mut self.ebs_encryption_by_default);
        for s in &mut settings {
            if s.arn.is_empty() {
                s.arn = Dataset::EbsEncryptionByDefault
                    .arn(
                        self.partition(&s.place.account),
                        &s.place.region,
                        &s.place.account,
                        "",
                    )
                    .into();
            }
        }
        self.ebs_encryption_by_default = settings;
    }

    /// Writes the inventory as pretty JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The partition of an account (defaults to `aws`).
    pub fn partition(&self, account: &str) -> &str {
        self.scope
            .iter()
            .find(|s| s.account == account)
            .map(|s| s.partition.as_str())
            .unwrap_or("aws")
    }

    /// The regions enabled for `account`, when the scan listed them.
    pub fn enabled_regions_of(&self, account: &str) -> Option<&[String]> {
        self.enabled_regions
            .iter()
            .find(|e| e.account == account)
            .map(|e| e.regions.as_slice())
    }

    /// The coverage of a dataset in one account and region, if attempted.
    pub fn coverage_of(&self, account: &str, region: &str, dataset: Dataset) -> Option<&Coverage> {
        self.coverage
            .iter()
            .find(|c| c.dataset == dataset && c.account == account && c.region == region)
    }
}

/// serde_json appends " at line L column C" to its messages; the position
/// is reported separately, so drop it from the text.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
