//! Auto Scaling groups.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Place, Str, Tags, Text};

/// An EC2 Auto Scaling group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingGroup {
    pub arn: Text,
    pub place: Place,
    pub name: Str,
    #[serde(default)]
    pub availability_zones: Vec<Str>,
    #[serde(default)]
    pub min_size: i32,
    #[serde(default)]
    pub max_size: i32,
    #[serde(default)]
    pub desired_capacity: Option<i32>,
    #[serde(default)]
    pub tags: Tags,
    // Kept for attribute rules (issue 14); absent from inventories saved
    // before, and left out of saved ones when AWS did not return them.
    /// `EC2`, `ELB`, `VPC_LATTICE`, `EBS` (comma-separated when several).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_type: Option<Str>,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_grace_period: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_template: Option<LaunchTemplateSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_configuration_name: Option<Str>,
    /// The subnets, comma-separated (`VPCZoneIdentifier`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_zone_identifier: Option<Str>,
    /// Classic load balancers; always `Some` in a collected group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer_names: Option<Vec<Str>>,
    /// Always `Some` in a collected group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_group_arns: Option<Vec<Str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_rebalance: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_instances_protected_from_scale_in: Option<bool>,
    /// Seconds; an instance is replaced when older.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_instance_lifetime: Option<i32>,
    /// Seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_cooldown: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_linked_role_arn: Option<Str>,
    /// Set while the group is being deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_time: Option<Timestamp>,
}

/// The launch template of a group (`LaunchTemplateSpecification`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchTemplateSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Str>,
    /// A number, `$Latest` or `$Default`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Str>,
}

resource!(AutoScalingGroup: AutoScalingGroups, named name, tagged);

// The catalogue.

use super::fields::{Described, Field};
use super::{Member, Type, Value};

fn string(s: &Option<Str>) -> Option<Value> {
    s.as_ref().map(Value::from)
}

impl Described for AutoScalingGroup {
    const REFERENCE: &'static str =
        "https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_AutoScalingGroup.html";
    const FIELDS: &'static [Field<Self>] = &[
        Field::own(
            "AutoScalingGroupName",
            Type::String,
            "The group's name.",
            |r| Some(Value::from(&r.name)),
        ),
        Field::own(
            "AutoScalingGroupARN",
            Type::String,
            "The group's ARN.",
            |r| Some(Value::from(&r.arn)),
        ),
        Field::own(
            "AvailabilityZones",
            Type::List(&Type::String),
            "The zones it launches instances in.",
            |r| Some(Value::strings(&r.availability_zones)),
        ),
        Field::own(
            "MinSize",
            Type::Int,
            "The fewest instances it keeps.",
            |r| Some(Value::from(r.min_size)),
        ),
        Field::own("MaxSize", Type::Int, "The most instances it runs.", |r| {
            Some(Value::from(r.max_size))
        }),
        Field::own(
            "DesiredCapacity",
            Type::Int,
            "The instances it aims to run.",
            |r| r.desired_capacity.map(Value::from),
        ),
        Field::own(
            "HealthCheckType",
            Type::String,
            "The health checks it uses: EC2, ELB, VPC_LATTICE, EBS (comma-separated).",
            |r| string(&r.health_check_type),
        ),
        Field::own(
            "HealthCheckGracePeriod",
            Type::Int,
            "Seconds before a new instance's health is checked.",
            |r| r.health_check_grace_period.map(Value::from),
        ),
        Field::own(
            "LaunchTemplate",
            Type::Struct(&[
                Member {
                    name: "LaunchTemplateId",
                    ty: Type::String,
                },
                Member {
                    name: "LaunchTemplateName",
                    ty: Type::String,
                },
                Member {
                    name: "Version",
                    ty: Type::String,
                },
            ]),
            "The launch template it launches from, if any.",
            |r| {
                r.launch_template.as_ref().map(|t| {
                    Value::record([
                        ("LaunchTemplateId", string(&t.id)),
                        ("LaunchTemplateName", string(&t.name)),
                        ("Version", string(&t.version)),
                    ])
                })
            },
        ),
        Field::own(
            "LaunchConfigurationName",
            Type::String,
            "The launch configuration it launches from, if any.",
            |r| string(&r.launch_configuration_name),
        ),
        Field::own(
            "VPCZoneIdentifier",
            Type::String,
            "Its subnets, comma-separated.",
            |r| string(&r.vpc_zone_identifier),
        ),
        Field::own(
            "LoadBalancerNames",
            Type::List(&Type::String),
            "The classic load balancers it registers with.",
            |r| r.load_balancer_names.as_ref().map(|v| Value::strings(v)),
        ),
        Field::own(
            "TargetGroupARNs",
            Type::List(&Type::String),
            "The target groups it registers with.",
            |r| r.target_group_arns.as_ref().map(|v| Value::strings(v)),
        ),
        Field::own(
            "CapacityRebalance",
            Type::Bool,
            "Whether Capacity Rebalancing (Spot) is on.",
            |r| r.capacity_rebalance.map(Value::from),
        ),
        Field::own(
            "NewInstancesProtectedFromScaleIn",
            Type::Bool,
            "Whether new instances are protected from scale-in.",
            |r| r.new_instances_protected_from_scale_in.map(Value::from),
        ),
        Field::own(
            "MaxInstanceLifetime",
            Type::Int,
            "Seconds an instance may run before it is replaced.",
            |r| r.max_instance_lifetime.map(Value::from),
        ),
        Field::own(
            "DefaultCooldown",
            Type::Int,
            "Seconds between scaling activities.",
            |r| r.default_cooldown.map(Value::from),
        ),
        Field::own(
            "ServiceLinkedRoleARN",
            Type::String,
            "The service-linked role it calls other services with.",
            |r| string(&r.service_linked_role_arn),
        ),
        Field::own(
            "Status",
            Type::String,
            "Set while the group is being deleted.",
            |r| string(&r.status),
        ),
        Field::own(
            "CreatedTime",
            Type::Timestamp,
            "When it was created.",
            |r| r.created_time.map(Value::from),
        ),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_aws_did_not_return_are_absent() {
        let present: Vec<_> = AutoScalingGroup::FIELDS
            .iter()
            .filter(|f| (f.get)(&AutoScalingGroup::default()).is_some())
            .map(|f| f.name)
            .collect();
        assert_eq!(
            present,
            [
                "AutoScalingGroupName",
                "AutoScalingGroupARN",
                "AvailabilityZones",
                "MinSize",
                "MaxSize"
            ]
        );
    }
}
