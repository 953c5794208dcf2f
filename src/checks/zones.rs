//! The verdict on a resource's spread over availability zones, shared by
//! the checks that require a resource to survive the loss of one zone
//! (HA-002: load balancers and Auto Scaling groups), and the `min_azs`
//! parameter they and `rds-multi-az` compile. The counting is
//! [`crate::analysis::zones`].

use serde::{Deserialize, Serialize};

use super::resource::join_and;
use super::{ParamError, at_least_one};
use crate::analysis::zones::Spread;
use crate::findings::{Evidence, Outcome, ResourceRef};

/// Parameters of a zone-spread check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MinAzs {
    /// The fewest distinct availability zones the resource must span.
    pub min_azs: u32,
}

impl Default for MinAzs {
    fn default() -> Self {
        MinAzs { min_azs: 2 }
    }
}

impl MinAzs {
    /// The compiled form of a zone-spread check's parameters: `min_azs`
    /// must be at least 1 (every multi-AZ check compiles with this).
    pub fn compile(&self) -> Result<MinAzs, ParamError> {
        at_least_one("min_azs", self.min_azs, "availability zones")?;
        Ok(self.clone())
    }
}

/// Judges `resource` (called `label`, e.g. "load balancer web") by the
/// distinct zones in `zones` (blank and repeated entries ignored).
pub fn judge_spread(
    resource: ResourceRef,
    label: &str,
    zones: &[crate::inventory::Str],
    min: u32,
) -> Outcome {
    let spread = Spread::of(zones.iter().map(|z| z.as_str()));
    let azs = spread.zones();
    let count = spread.count();
    let noun = if count == 1 { "zone" } else { "zones" };
    if spread.spans(min as usize) {
        return Outcome::pass(
            resource,
            format!(
                "{label} spans {count} availability {noun} ({})",
                join_and(azs)
            ),
        );
    }
    let listed = if azs.is_empty() {
        "none".to_string()
    } else {
        azs.join(", ")
    };
    Outcome::fail(
        resource,
        format!("{label} spans {count} availability {noun} ({listed}); at least {min} required"),
        vec![Evidence::new(
            "AvailabilityZones",
            listed,
            format!("{count} distinct {noun}, fewer than the required {min}"),
        )],
    )
}
