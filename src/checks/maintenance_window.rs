//! `maintenance-window`: RDS and ElastiCache maintenance windows lie inside
//! the allowed local-time windows under every UTC offset of the zone
//! (MNT-001).

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use super::resource::{cache_cluster_ref, db_cluster_ref, db_instance_ref, join_and, set};
use super::{Check, CheckDoc, Context, ParamError};
use crate::analysis::window::{Window, ZoneOffset, offsets_in_year, violations};
use crate::findings::{Evidence, Outcome, ResourceRef};
use crate::inventory::{Dataset, Inventory};

pub struct MaintenanceWindow;

/// Parameters of `maintenance-window`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// The IANA time zone the allowed windows are given in.
    pub time_zone: String,
    /// The allowed weekly windows in local time, as AWS writes windows
    /// (`ddd:hh:mm-ddd:hh:mm`).
    pub allowed: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            time_zone: "America/New_York".into(),
            allowed: vec!["tue:03:00-tue:06:00".into(), "sat:03:00-sun:06:00".into()],
        }
    }
}

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[
    super::ParamDoc {
        name: "time_zone",
        kind: "an IANA time zone name (\"Europe/Stockholm\", \"UTC\")",
        description: "The time zone the allowed windows are written in; windows are judged under every UTC offset the zone has in the year.",
    },
    super::ParamDoc {
        name: "allowed",
        kind: "a list of weekly windows as AWS writes them, \"ddd:hh:mm-ddd:hh:mm\" (local time)",
        description: "The weekly windows a resource's maintenance window must lie within, in time_zone's local time.",
    },
];

/// The zone and the allowed windows, read.
#[derive(Debug)]
pub struct Compiled {
    zone: TimeZone,
    zone_name: String,
    allowed: Vec<Window>,
}

/// What every verdict needs: the zone's offsets this year and the allowed
/// windows.
struct Policy {
    zone_name: String,
    offsets: Vec<ZoneOffset>,
    allowed: Vec<Window>,
}

impl Policy {
    fn allowed_text(&self) -> String {
        let windows: Vec<String> = self.allowed.iter().map(Window::to_string).collect();
        format!("{} {}", join_and(&windows), self.zone_name)
    }
}

fn judge(
    policy: &Policy,
    resource: ResourceRef,
    what: &str,
    window: &Option<crate::inventory::Str>,
) -> Outcome {
    let Some(text) = set(window) else {
        return Outcome::unknown(
            resource,
            format!(
                "cannot tell when {what} is maintained: no preferred maintenance window reported"
            ),
            vec![Evidence::new(
                "PreferredMaintenanceWindow",
                "not reported",
                "AWS did not report a maintenance window",
            )],
        );
    };
    let utc = match Window::parse_aws(text) {
        Ok(w) => w,
        Err(e) => {
            let why = if e.starts_with("malformed") {
                "it is malformed"
            } else {
                "it is not a window conform can read"
            };
            return Outcome::unknown(
                resource,
                format!("cannot judge the maintenance window {text:?} of {what}: {why}"),
                vec![Evidence::new("PreferredMaintenanceWindow", text, e)],
            );
        }
    };
    let bad = violations(&utc, &policy.allowed, &policy.offsets);
    if bad.is_empty() {
        let local: Vec<String> = policy
            .offsets
            .iter()
            .map(|o| {
                format!(
                    "{} {}",
                    utc.shifted(i64::from(o.offset.seconds()) / 60),
                    o.abbreviation
                )
            })
            .collect();
        return Outcome::pass(
            resource,
            format!(
                "{what} is maintained {text} UTC, which is {}: inside the allowed windows",
                join_and(&local)
            ),
        );
    }
    let names: Vec<String> = bad
        .iter()
        .map(|(o, local)| format!("{} ({local} local)", o.abbreviation))
        .collect();
    let evidence = bad
        .iter()
        .map(|(o, local)| {
            Evidence::new(
                "PreferredMaintenanceWindow",
                format!("{text} UTC"),
                format!(
                    "under {o} this is {local} local time, outside the allowed windows ({})",
                    policy.allowed_text()
                ),
            )
        })
        .collect();
    Outcome::fail(
        resource,
        format!(
            "{what} is maintained {text} UTC, outside the allowed windows under {}",
            join_and(&names)
        ),
        evidence,
    )
}

impl Check for MaintenanceWindow {
    type Params = Params;
    type Compiled = Compiled;
    const DOC: CheckDoc = CheckDoc {
        name: "maintenance-window",
        summary: "RDS and ElastiCache maintenance windows lie inside the allowed local-time windows, in summer and winter",
        what: "Judges the preferred maintenance window (`PreferredMaintenanceWindow`, given by AWS in UTC as \
`ddd:hh:mm-ddd:hh:mm`) of every **RDS DB instance** (cluster members included, as each has its own window), \
**RDS DB cluster** and **ElastiCache cache cluster**.\n\n\
The allowed windows (`allowed`: {{ allowed | and_list }}) are in local time in \
`time_zone` ({{ time_zone }}). A window complies only if it lies wholly inside one allowed window \
(boundaries included) under **every** UTC offset the zone uses in the calendar year of the scan (EST and EDT \
for US Eastern, say). Both offsets matter because the UTC window does not move when the clocks change, so a window \
that fits in summer can fall outside in winter. The offsets come from the time-zone database bundled with \
conform, not a fixed table. Windows that cross midnight or the end of the week (`sat:23:00-sun:01:00`, \
`sun:23:30-mon:00:30`) are handled.\n\n\
A failure names each offset under which the window falls outside (EST, EDT) and shows the window in local \
time. A database or cache without a window is **unknown**, and so is one whose window cannot be parsed (the \
text is given). A **malformed** window, one of zero length (`tue:03:00-tue:03:00`) or ending before it starts \
on the same day (`tue:06:00-tue:03:00`), is unknown with its value: it is not read as a window a week long.",
        why: "AWS applies pending patches and upgrades in each resource's maintenance \
window, which can restart or fail over the database or cache. A window outside the allowed hours ({{ allowed | and_list }} {{ time_zone }}) puts that \
downtime where customers were told it would not be.",
        fix: "Move the window to one that fits the allowed windows under every UTC offset of {{ time_zone }} (a failure \
names the offsets and shows the window in local time).{% if time_zone == \"America/New_York\" and allowed == [\"tue:03:00-tue:06:00\", \"sat:03:00-sun:06:00\"] %} For example, `tue:08:00-tue:10:00` UTC is \
03:00-05:00 EST and 04:00-06:00 EDT, and `sun:05:00-sun:06:00` UTC is Saturday night or Sunday small hours \
Eastern.{% endif %} To move it:\n\n\
```sh\naws rds modify-db-instance --db-instance-identifier mydb --preferred-maintenance-window tue:08:00-tue:10:00\n\
aws rds modify-db-cluster --db-cluster-identifier mycluster --preferred-maintenance-window tue:08:00-tue:10:00\n\
aws elasticache modify-cache-cluster --cache-cluster-id my-cache --preferred-maintenance-window tue:08:00-tue:10:00\n```\n\n\
(For a replication group: `aws elasticache modify-replication-group --preferred-maintenance-window ...`.)",
    };
    const SUBJECTS: &'static [Dataset] = &[
        Dataset::DbInstances,
        Dataset::DbClusters,
        Dataset::CacheClusters,
    ];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Compiled, ParamError> {
        let zone_name = params.time_zone.trim();
        let zone = TimeZone::get(zone_name).map_err(|_| {
            ParamError::new(
                "time_zone",
                format!(
                    "{zone_name:?} is not a time zone of the tz database (for example \"America/New_York\")"
                ),
            )
        })?;
        if params.allowed.is_empty() {
            return Err(ParamError::new(
                "allowed",
                "must list at least one window, e.g. \"tue:03:00-tue:06:00\"",
            ));
        }
        let allowed = params
            .allowed
            .iter()
            .enumerate()
            .map(|(i, w)| Window::parse_aws(w.trim()).map_err(|e| ParamError::at("allowed", i, e)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Compiled {
            zone,
            zone_name: zone_name.to_string(),
            allowed,
        })
    }

    fn evaluate(ctx: &Context, inventory: &Inventory, params: &Compiled) -> Vec<Outcome> {
        let subjects = inventory
            .db_instances
            .iter()
            .map(|d| {
                (
                    db_instance_ref(d),
                    format!("DB instance {}", d.id),
                    &d.preferred_maintenance_window,
                )
            })
            .chain(inventory.db_clusters.iter().map(|c| {
                (
                    db_cluster_ref(c),
                    format!("DB cluster {}", c.id),
                    &c.preferred_maintenance_window,
                )
            }))
            .chain(inventory.cache_clusters.iter().map(|c| {
                (
                    cache_cluster_ref(c),
                    format!("cache cluster {}", c.id),
                    &c.preferred_maintenance_window,
                )
            }));
        // A zone has an offset on every day of a year jiff can represent;
        // for an instant outside those years there is nothing to judge by.
        let offsets = offsets_in_year(&params.zone, ctx.now);
        let policy = if offsets.is_empty() {
            Err(format!(
                "time_zone: no UTC offsets found for {:?} in the year of {}",
                params.zone_name, ctx.now
            ))
        } else {
            Ok(Policy {
                zone_name: params.zone_name.clone(),
                offsets,
                allowed: params.allowed.clone(),
            })
        };
        match policy {
            Ok(policy) => subjects
                .map(|(resource, what, window)| judge(&policy, resource, &what, window))
                .collect(),
            Err(e) => subjects
                .map(|(resource, what, _)| {
                    Outcome::unknown(
                        resource,
                        format!("cannot judge the maintenance window of {what}: {e}"),
                        vec![Evidence::new("params", params.zone_name.clone(), e.clone())],
                    )
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::DbInstance;

    /// Judges `window` as an RDS instance's and as an ElastiCache cluster's
    /// window in 2026, and returns the offsets it violates (the same for
    /// both).
    fn judge_both(window: &str) -> (Status, Vec<Outcome>) {
        let mut inv = inventory();
        inv.db_instances = vec![DbInstance {
            preferred_maintenance_window: Some(window.into()),
            ..db_instance("db")
        }];
        inv.cache_clusters = vec![cache_cluster("cache", Some(window))];
        let mut at = ctx();
        at.now = "2026-11-20T06:00:00Z".parse().unwrap();
        let out = run_with::<MaintenanceWindow>(&at, &inv, &Params::default());
        assert_eq!(out.len(), 2);
        let db = expect(&out, "db", out[0].status);
        let cache = expect(&out, "cache", db.status);
        assert_eq!(
            db.evidence.len(),
            cache.evidence.len(),
            "{window}: RDS and ElastiCache agree"
        );
        (db.status, out)
    }

    fn violated(window: &str) -> Vec<String> {
        let (status, out) = judge_both(window);
        let mut names = Vec::new();
        for abbr in ["EST", "EDT"] {
            if out[0]
                .evidence
                .iter()
                .any(|e| e.note.contains(&format!("under {abbr}")))
            {
                names.push(abbr.to_string());
            }
        }
        assert_eq!(
            status == Status::Pass,
            names.is_empty(),
            "{window}: {out:#?}"
        );
        names
    }

    #[test]
    fn windows_table_through_the_check() {
        let none: Vec<String> = Vec::new();
        // Inside both: 03:00-05:00 EST, 04:00-06:00 EDT.
        assert_eq!(violated("tue:08:00-tue:10:00"), none);
        // Outside entirely.
        assert_eq!(violated("wed:05:00-wed:06:00"), vec!["EST", "EDT"]);
        // Straddling the start of the Saturday window: 02:30-03:30 EST.
        assert_eq!(violated("sat:07:30-sat:08:30"), vec!["EST"]);
        // Valid only in summer: 03:00-06:00 EDT is 02:00-05:00 EST.
        assert_eq!(violated("tue:07:00-tue:10:00"), vec!["EST"]);
        // Valid only in winter: 03:00-06:00 EST is 04:00-07:00 EDT.
        assert_eq!(violated("tue:08:00-tue:11:00"), vec!["EDT"]);
        // Crossing Saturday→Sunday midnight UTC: Saturday evening Eastern.
        assert_eq!(violated("sat:23:00-sun:01:00"), none);
        // Crossing Sunday→Monday midnight UTC: Sunday evening Eastern,
        // after the window closed.
        assert_eq!(violated("sun:23:30-mon:00:30"), vec!["EST", "EDT"]);
    }

    #[test]
    fn failures_show_the_local_window() {
        let (status, out) = judge_both("tue:07:00-tue:10:00");
        assert_eq!(status, Status::Fail);
        let o = &out[0];
        assert!(
            o.message.contains("EST (tue 02:00–tue 05:00 local)"),
            "{}",
            o.message
        );
        assert_eq!(o.evidence[0].field, "PreferredMaintenanceWindow");
        assert_eq!(o.evidence[0].value, "tue:07:00-tue:10:00 UTC");
        assert!(
            o.evidence[0].note.contains("America/New_York"),
            "{}",
            o.evidence[0].note
        );
        let (status, out) = judge_both("sun:05:00-sun:06:00");
        assert_eq!(status, Status::Pass);
        assert!(
            out[1]
                .message
                .contains("sun 00:00–sun 01:00 EST and sun 01:00–sun 02:00 EDT"),
            "{}",
            out[1].message
        );
        assert_eq!(
            out[1].resource.resource_type,
            "AWS::ElastiCache::CacheCluster"
        );
    }

    #[test]
    fn clusters_missing_and_unparsable_windows() {
        let mut inv = inventory();
        inv.db_instances = vec![DbInstance {
            preferred_maintenance_window: None,
            ..db_instance("db-none")
        }];
        let mut cluster = db_cluster("c", &[]);
        cluster.preferred_maintenance_window = Some("wed:05:00-wed:06:00".into());
        inv.db_clusters = vec![cluster];
        inv.cache_clusters = vec![cache_cluster("cache-bad", Some("Sunday 5am"))];
        let out = run::<MaintenanceWindow>(&inv);
        expect(&out, "db-none", Status::Unknown);
        expect(&out, "c", Status::Fail);
        let o = expect(&out, "cache-bad", Status::Unknown);
        assert_eq!(o.evidence[0].value, "Sunday 5am");
    }

    #[test]
    fn malformed_windows_are_unknown_not_a_week_long() {
        let mut inv = inventory();
        inv.cache_clusters = vec![
            cache_cluster("cache-reversed", Some("tue:06:00-tue:03:00")),
            cache_cluster("cache-empty", Some("tue:08:00-tue:08:00")),
            // Inside the allowed window under EST and EDT.
            cache_cluster("cache-good", Some("tue:08:00-tue:10:00")),
        ];
        let out = run::<MaintenanceWindow>(&inv);
        for name in ["cache-reversed", "cache-empty"] {
            let o = expect(&out, name, Status::Unknown);
            assert!(o.message.contains("it is malformed"), "{}", o.message);
            assert!(o.evidence[0].note.starts_with("malformed window"));
        }
        expect(&out, "cache-good", Status::Pass);
    }

    #[test]
    fn zone_without_daylight_saving_and_other_windows() {
        let mut inv = inventory();
        inv.db_instances = vec![DbInstance {
            preferred_maintenance_window: Some("mon:01:00-mon:02:00".into()),
            ..db_instance("db")
        }];
        let p: Params = params(
            r#"time_zone = "Asia/Tokyo"
allowed = ["mon:09:00-mon:12:00"]"#,
        );
        let out = run_with::<MaintenanceWindow>(&ctx(), &inv, &p);
        let o = expect(&out, "db", Status::Pass);
        assert!(
            o.message.contains("mon 10:00–mon 11:00 JST"),
            "{}",
            o.message
        );
    }

    #[test]
    fn bad_parameters_name_themselves() {
        let bad_zone: Params = params(r#"time_zone = "America/Nowhere""#);
        let err = MaintenanceWindow::compile(&bad_zone).unwrap_err();
        assert_eq!((err.param.as_str(), err.index), ("time_zone", None));
        let bad_window: Params = params(r#"allowed = ["tue:03:00-tue:06:00", "sat 3am"]"#);
        let err = MaintenanceWindow::compile(&bad_window).unwrap_err();
        assert!(err.to_string().starts_with("allowed[1]:"), "{err}");
        let empty: Params = params("allowed = []");
        let err = MaintenanceWindow::compile(&empty).unwrap_err();
        assert_eq!((err.param.as_str(), err.index), ("allowed", None));
    }
}
