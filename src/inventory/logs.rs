//! CloudWatch Logs.

use serde::{Deserialize, Serialize};

use super::Place;

/// A CloudWatch Logs log group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogGroup {
    pub arn: String,
    pub place: Place,
    pub name: String,
    /// Days events are kept; `None` means they never expire.
    #[serde(default)]
    pub retention_days: Option<i32>,
}

resource!(LogGroup: LogGroups, named name);
