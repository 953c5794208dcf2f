//! `asg-multi-az`: Auto Scaling groups span at least `min_azs`
//! availability zones (HA-002, Auto Scaling part).

use super::resource::asg_ref;
use super::zones::{MinAzs, judge_spread};
use super::{Check, CheckDoc, Context, ParamError};
use crate::findings::Outcome;
use crate::inventory::{Dataset, Inventory};

pub struct AsgMultiAz;

/// Parameters: `min_azs` (default 2).
pub type Params = MinAzs;

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[super::ParamDoc {
    name: "min_azs",
    kind: "a whole number of availability zones, at least 1",
    description: "The fewest distinct availability zones an Auto Scaling group must be configured for.",
}];

impl Check for AsgMultiAz {
    type Params = Params;
    type Compiled = Params;
    const DOC: CheckDoc = CheckDoc {
        name: "asg-multi-az",
        summary: "Auto Scaling groups span at least {{ min_azs }} availability zones",
        what: "Every EC2 Auto Scaling group must be configured for at least {{ min_azs }} (`min_azs`) **distinct** \
availability zones (the zones of its subnets, `AvailabilityZones`). Evidence lists the zones found. The \
group's configuration is judged, not where its instances happen to run now: Auto Scaling rebalances \
instances across the configured zones and relaunches them in a surviving zone.",
        why: "A group confined to one zone cannot replace its instances when that zone fails, so the service it \
runs goes down with the zone. Spread over {{ min_azs }} zones, it survives the loss of {% if min_azs > 1 %}{{ min_azs - 1 }} of them{% else %}none of them{% endif %}.",
        fix: "Add subnets in other zones to the group:\n\n\
```sh\naws autoscaling update-auto-scaling-group --auto-scaling-group-name web \\\n  \
--vpc-zone-identifier \"subnet-aaaa,subnet-bbbb\"\n```\n\n\
In the console: EC2 → Auto Scaling groups → the group → Details → Network → Edit.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::AutoScalingGroups];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Params, ParamError> {
        params.compile()
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, params: &Params) -> Vec<Outcome> {
        inventory
            .auto_scaling_groups
            .iter()
            .map(|g| {
                judge_spread(
                    asg_ref(g),
                    &format!("Auto Scaling group {}", g.name),
                    &g.availability_zones,
                    params.min_azs,
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;

    #[test]
    fn zones_are_counted_distinctly() {
        let mut inv = inventory();
        inv.auto_scaling_groups = vec![
            asg("web", &["eu-north-1a", "eu-north-1b"]),
            asg("worker", &["eu-north-1a"]),
            asg("dup", &["eu-north-1a", "eu-north-1a "]),
            asg("empty", &[]),
        ];
        let out = run::<AsgMultiAz>(&inv);
        let o = expect(&out, "web", Status::Pass);
        assert!(
            o.message.contains("eu-north-1a and eu-north-1b"),
            "{}",
            o.message
        );
        assert_eq!(
            o.resource.resource_type,
            "AWS::AutoScaling::AutoScalingGroup"
        );
        let o = expect(&out, "worker", Status::Fail);
        assert_eq!(o.evidence[0].value, "eu-north-1a");
        expect(&out, "dup", Status::Fail);
        let o = expect(&out, "empty", Status::Fail);
        assert_eq!(o.evidence[0].value, "none");
        let p: Params = params("min_azs = 1");
        let out = run_with::<AsgMultiAz>(&ctx(), &inv, &p);
        expect(&out, "worker", Status::Pass);
        assert!(AsgMultiAz::compile(&Params { min_azs: 0 }).is_err());
    }
}
