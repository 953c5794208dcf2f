//! `log-retention`: log groups keep events at least `min_days` (LOG-001).

use serde::{Deserialize, Serialize};

use super::resource::{count, log_group_ref};
use super::{Check, CheckDoc, Context, ParamError, at_least_one};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, Inventory};

pub struct LogRetention;

/// Parameters of `log-retention`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// The fewest days events must be kept.
    pub min_days: u32,
}

impl Default for Params {
    fn default() -> Self {
        Params { min_days: 30 }
    }
}

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[super::ParamDoc {
    name: "min_days",
    kind: "a whole number of days, at least 1",
    description: "The fewest days a log group must keep its events; a group whose events never expire passes.",
}];

impl Check for LogRetention {
    type Params = Params;
    type Compiled = Params;
    const DOC: CheckDoc = CheckDoc {
        name: "log-retention",
        summary: "CloudWatch Logs log groups keep events at least {{ min_days | days }}",
        what: "Every CloudWatch Logs log group must keep its events at least {{ min_days | days }} (`min_days`). A group \
with no retention setting (\"Never expire\") keeps events forever and passes; a retention shorter than \
{{ min_days | days }} fails, with the value found.",
        why: "Logs are kept for monitoring and investigation, and incidents are often found weeks after they start: \
logs that expire sooner than {{ min_days | days }} cannot show what happened in the time the rule promises to look back.",
        fix: "Raise the retention (CloudWatch accepts 1, 3, 5, 7, 14, 30, 60, 90, ... days):\n\n\
{% if retention_to_set %}```sh\naws logs put-retention-policy --log-group-name /aws/lambda/my-function --retention-in-days {{ retention_to_set }}\n```{% else %}No retention CloudWatch offers is that long: remove the retention policy so events never expire:\n\n```sh\naws logs delete-retention-policy --log-group-name /aws/lambda/my-function\n```{% endif %}\n\n\
In the console: CloudWatch → Log groups → the group → Actions → Edit retention setting. If the group is created \
by a service or framework, set the retention where the group is defined (CloudFormation, Terraform) so it is \
not reset.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::LogGroups];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Params, ParamError> {
        at_least_one("min_days", params.min_days, "days")?;
        Ok(params.clone())
    }

    fn doc_vars(params: &Params) -> serde_json::Map<String, serde_json::Value> {
        // The shortest retention CloudWatch Logs offers that is long enough
        // (0: none is).
        const OFFERED: &[u32] = &[
            1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
            2922, 3288, 3653,
        ];
        let to_set = OFFERED.iter().find(|&&d| d >= params.min_days).copied();
        let mut vars = serde_json::Map::new();
        vars.insert("retention_to_set".into(), to_set.unwrap_or(0).into());
        vars
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, params: &Params) -> Vec<Outcome> {
        let min = i64::from(params.min_days);
        inventory
            .log_groups
            .iter()
            .map(|g| {
                let resource = log_group_ref(g);
                match g.retention_days {
                    None => Outcome::pass(
                        resource,
                        format!("log group {} never expires its events", g.name),
                    ),
                    Some(days) if i64::from(days) >= min => Outcome::pass(
                        resource,
                        format!(
                            "log group {} keeps events {}",
                            g.name,
                            count(i64::from(days), "day", "days")
                        ),
                    ),
                    Some(days) => Outcome::fail(
                        resource,
                        format!(
                            "log group {} keeps events only {} (at least {min} required)",
                            g.name,
                            count(i64::from(days), "day", "days")
                        ),
                        vec![Evidence::new(
                            "retentionInDays",
                            days.to_string(),
                            format!(
                                "events are deleted after {}, fewer than the required {min}",
                                count(i64::from(days), "day", "days")
                            ),
                        )],
                    ),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::LogGroup;

    fn group(name: &str, days: Option<i32>) -> LogGroup {
        LogGroup {
            arn: format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}").into(),
            place: place(),
            name: name.into(),
            retention_days: days,
            ..Default::default()
        }
    }

    #[test]
    fn never_expire_7_and_30() {
        let mut inv = inventory();
        inv.log_groups = vec![
            group("forever", None),
            group("week", Some(7)),
            group("month", Some(30)),
        ];
        let out = run::<LogRetention>(&inv);
        expect(&out, "forever", Status::Pass);
        let o = expect(&out, "week", Status::Fail);
        assert_eq!(o.evidence[0].value, "7");
        expect(&out, "month", Status::Pass);
        let p: Params = params("min_days = 90");
        let out = run_with::<LogRetention>(&ctx(), &inv, &p);
        expect(&out, "month", Status::Fail);
        expect(&out, "forever", Status::Pass);
    }

    #[test]
    fn one_day_is_singular() {
        let mut inv = inventory();
        inv.log_groups = vec![group("day", Some(1))];
        let out = run::<LogRetention>(&inv);
        let o = expect(&out, "day", Status::Fail);
        assert!(
            o.message.contains("only 1 day (at least 30"),
            "{}",
            o.message
        );
        assert!(
            o.evidence[0].note.contains("after 1 day,"),
            "{}",
            o.evidence[0].note
        );
    }
}
