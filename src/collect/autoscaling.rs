//! EC2 Auto Scaling collector (regional): Auto Scaling groups.
//!
//! Calls per region: `DescribeAutoScalingGroups` pages of 100 (its
//! maximum). Tags come with the groups.

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::types as asg;

use super::context::{Ctx, owned, strs, tags, timestamp};
use super::pager::Partial;
use crate::inventory::{AutoScalingGroup, LaunchTemplateSpec};
use crate::inventory::{Dataset, Str};

/// Reads every Auto Scaling group of the region.
pub(crate) async fn auto_scaling_groups(ctx: &Ctx, client: &Client) -> Partial<AutoScalingGroup> {
    const OP: &str = "DescribeAutoScalingGroups";
    read_pages!(
        ctx,
        OP,
        client
            .describe_auto_scaling_groups()
            .max_records(100)
            .into_paginator()
            .send(),
        |page| page
            .auto_scaling_groups()
            .iter()
            .filter_map(|g| auto_scaling_group(ctx, g)),
        more: |last| last.next_token(),
    )
}

fn auto_scaling_group(ctx: &Ctx, g: &asg::AutoScalingGroup) -> Option<AutoScalingGroup> {
    let name = Str::from(g.auto_scaling_group_name()?);
    Some(AutoScalingGroup {
        // AWS always gives the ARN; its middle part is a UUID that cannot
        // be rebuilt, so the fallback has IAM's wildcard there.
        arn: match g.auto_scaling_group_arn() {
            Some(arn) => arn.to_string().into(),
            None => ctx.arn_of(Dataset::AutoScalingGroups, &name).into(),
        },
        place: ctx.place(),
        availability_zones: strs(g.availability_zones()),
        min_size: g.min_size().unwrap_or(0),
        max_size: g.max_size().unwrap_or(0),
        desired_capacity: g.desired_capacity(),
        tags: tags(g.tags().iter().map(|t| (t.key(), t.value()))),
        health_check_type: owned(g.health_check_type()),
        health_check_grace_period: g.health_check_grace_period(),
        launch_template: g.launch_template().map(|t| LaunchTemplateSpec {
            id: owned(t.launch_template_id()),
            name: owned(t.launch_template_name()),
            version: owned(t.version()),
        }),
        launch_configuration_name: owned(g.launch_configuration_name()),
        vpc_zone_identifier: owned::<Str>(g.vpc_zone_identifier()).filter(|v| !v.is_empty()),
        load_balancer_names: Some(strs(g.load_balancer_names())),
        target_group_arns: Some(strs(g.target_group_arns())),
        capacity_rebalance: g.capacity_rebalance(),
        new_instances_protected_from_scale_in: g.new_instances_protected_from_scale_in(),
        max_instance_lifetime: g.max_instance_lifetime(),
        default_cooldown: g.default_cooldown(),
        service_linked_role_arn: owned(g.service_linked_role_arn()),
        status: owned(g.status()),
        created_time: g.created_time().and_then(timestamp),
        name,
    })
}
