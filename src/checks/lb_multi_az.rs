//! `lb-multi-az`: load balancers span at least `min_azs` availability zones
//! (HA-002, load-balancer part).

use super::resource::lb_ref;
use super::zones::{MinAzs, judge_spread};
use super::{Check, CheckDoc, Context, ParamError};
use crate::findings::Outcome;
use crate::inventory::{Dataset, Inventory};

pub struct LbMultiAz;

/// Parameters: `min_azs` (default 2).
pub type Params = MinAzs;

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[super::ParamDoc {
    name: "min_azs",
    kind: "a whole number of availability zones, at least 1",
    description: "The fewest distinct availability zones a load balancer must span.",
}];

impl Check for LbMultiAz {
    type Params = Params;
    type Compiled = Params;
    const DOC: CheckDoc = CheckDoc {
        name: "lb-multi-az",
        summary: "Load balancers span at least {{ min_azs }} availability zones",
        what: "Every load balancer (application, network, gateway and classic; internet-facing and internal) must \
be enabled in at least {{ min_azs }} (`min_azs`) **distinct** availability zones. Evidence lists the zones found.",
        why: "A load balancer enabled in one zone goes down with that zone, taking the service with it even if its \
targets run elsewhere. Spread over {{ min_azs }} zones, it survives the loss of {% if min_azs > 1 %}{{ min_azs - 1 }} of them{% else %}none of them{% endif %}.",
        fix: "Enable the load balancer in another zone by adding a subnet there (and run targets in that zone):\n\n\
```sh\naws elbv2 set-subnets --load-balancer-arn arn:aws:elasticloadbalancing:... --subnets subnet-a subnet-b\n\
aws elb enable-availability-zones-for-load-balancer --load-balancer-name web --availability-zones eu-north-1b\n```\n\n\
In the console: EC2 → Load Balancers → the load balancer → Network mapping → Edit subnets.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::LoadBalancers, Dataset::ClassicLoadBalancers];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Params, ParamError> {
        params.compile()
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, params: &Params) -> Vec<Outcome> {
        inventory
            .load_balancers
            .iter()
            .map(|lb| {
                judge_spread(
                    lb_ref(lb),
                    &format!("load balancer {}", lb.name),
                    &lb.availability_zones,
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
        let mut one = lb("alb-one", "application", "internal", vec![]);
        one.availability_zones = vec!["eu-north-1a".into()];
        let mut dup = lb("nlb-dup", "network", "internet-facing", vec![]);
        dup.availability_zones = vec!["eu-north-1a".into(), "eu-north-1a".into()];
        let mut none = lb("elb-none", "classic", "internet-facing", vec![]);
        none.availability_zones = vec![];
        inv.load_balancers = vec![
            lb("alb-two", "application", "internet-facing", vec![]),
            one,
            dup,
            none,
        ];
        let out = run::<LbMultiAz>(&inv);
        let o = expect(&out, "alb-two", Status::Pass);
        assert!(
            o.message.contains("eu-north-1a and eu-north-1b"),
            "{}",
            o.message
        );
        let o = expect(&out, "alb-one", Status::Fail);
        assert_eq!(o.evidence[0].value, "eu-north-1a");
        let o = expect(&out, "nlb-dup", Status::Fail);
        assert!(
            o.message.contains("spans 1 availability zone"),
            "{}",
            o.message
        );
        let o = expect(&out, "elb-none", Status::Fail);
        assert_eq!(o.evidence[0].value, "none");

        let p: Params = params("min_azs = 3");
        let out = run_with::<LbMultiAz>(&ctx(), &inv, &p);
        expect(&out, "alb-two", Status::Fail);
        assert!(LbMultiAz::compile(&Params { min_azs: 0 }).is_err());
    }
}
