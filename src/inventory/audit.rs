//! Audit logging: CloudTrail trails.

use serde::{Deserialize, Serialize};

use super::{AwsError, Place};

/// A CloudTrail trail visible to the account (its own, or an organization
/// trail of the management account). [`Place::region`] is the trail's home
/// region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trail {
    pub arn: String,
    pub place: Place,
    pub name: String,
    #[serde(default)]
    pub multi_region: bool,
    #[serde(default)]
    pub organization: bool,
    /// Whether the trail is logging now (`GetTrailStatus`); `None` when its
    /// status could not be read, with the reason in `status_error`.
    #[serde(default)]
    pub is_logging: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_error: Option<AwsError>,
}
