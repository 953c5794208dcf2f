//! `rds-not-public`: RDS instances are not publicly accessible (NET-005).

use super::resource::db_instance_ref;
use super::{Check, CheckDoc, Context, NoParams};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, Inventory};

pub struct RdsNotPublic;

impl Check for RdsNotPublic {
    type Params = NoParams;
    type Compiled = ();
    const DOC: CheckDoc = CheckDoc {
        name: "rds-not-public",
        summary: "RDS DB instances are not publicly accessible",
        what: "Every RDS DB instance (including Aurora cluster members) must have `PubliclyAccessible` off. A \
publicly accessible instance gets a DNS name that resolves to a public IP address, so only its security groups \
and network ACLs stand between it and the internet.",
        why: "A database that is reachable from \
the internet is one security-group mistake away from exposure to credential stuffing and exploits of the \
database engine.",
        fix: "Turn public accessibility off (the instance keeps its private address):\n\n\
```sh\naws rds modify-db-instance --db-instance-identifier mydb --no-publicly-accessible --apply-immediately\n```\n\n\
In the console: RDS → Databases → the instance → Modify → Connectivity → Public access: Not publicly accessible.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::DbInstances];

    fn compile(_: &NoParams) -> Result<(), super::ParamError> {
        Ok(())
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, _params: &()) -> Vec<Outcome> {
        inventory
            .db_instances
            .iter()
            .map(|db| {
                let resource = db_instance_ref(db);
                if db.publicly_accessible {
                    Outcome::fail(
                        resource,
                        format!("DB instance {} is publicly accessible", db.id),
                        vec![Evidence::new(
                            "PubliclyAccessible",
                            "true",
                            "the instance's endpoint resolves to a public IP address",
                        )],
                    )
                } else {
                    Outcome::pass(
                        resource,
                        format!("DB instance {} is not publicly accessible", db.id),
                    )
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

    #[test]
    fn public_instances_fail() {
        let mut inv = inventory();
        let mut public = db_instance("db-public");
        public.publicly_accessible = true;
        inv.db_instances = vec![public, db_instance("db-private")];
        let out = run::<RdsNotPublic>(&inv);
        let o = expect(&out, "db-public", Status::Fail);
        assert_eq!(o.evidence[0].field, "PubliclyAccessible");
        assert_eq!(o.resource.resource_type, "AWS::RDS::DBInstance");
        expect(&out, "db-private", Status::Pass);
    }
}
