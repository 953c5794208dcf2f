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
    /// What the trail records (`GetEventSelectors`, read for multi-region
    /// trails). `None` when not read: see `selectors_error`, or an
    /// inventory saved before conform read them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selectors: Option<EventSelectors>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selectors_error: Option<AwsError>,
}

/// A trail's event selectors: basic or advanced (a trail uses one kind).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSelectors {
    #[serde(default)]
    pub basic: Vec<BasicEventSelector>,
    #[serde(default)]
    pub advanced: Vec<AdvancedEventSelector>,
}

/// A basic event selector (`EventSelectors[]`), management-event part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicEventSelector {
    /// `All`, `ReadOnly` or `WriteOnly` (AWS's default is `All`).
    #[serde(default)]
    pub read_write_type: Option<String>,
    /// AWS's default is `true`.
    #[serde(default)]
    pub include_management_events: Option<bool>,
    /// Event sources left out (`kms.amazonaws.com`, `rdsdata.amazonaws.com`).
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
}

/// An advanced event selector (`AdvancedEventSelectors[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvancedEventSelector {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub field_selectors: Vec<AdvancedFieldSelector>,
}

/// One field condition of an advanced event selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvancedFieldSelector {
    /// `eventCategory`, `readOnly`, `eventSource`, `resources.type`, ...
    pub field: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_equals: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_starts_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ends_with: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_ends_with: Vec<String>,
}

resource!(Trail: Trails, named name);
