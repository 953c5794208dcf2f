//! Auto Scaling groups.

use serde::{Deserialize, Serialize};

use super::{Place, Tags};

/// An EC2 Auto Scaling group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingGroup {
    pub arn: String,
    pub place: Place,
    pub name: String,
    #[serde(default)]
    pub availability_zones: Vec<String>,
    #[serde(default)]
    pub min_size: i32,
    #[serde(default)]
    pub max_size: i32,
    #[serde(default)]
    pub desired_capacity: Option<i32>,
    #[serde(default)]
    pub tags: Tags,
}

resource!(AutoScalingGroup: AutoScalingGroups, named name, tagged);
