//! The field catalogue: the fields of each kind that attribute rules can
//! read, under AWS's own names (PascalCase, as the Describe API and its
//! reference documentation spell them).
//!
//! Each inventory type with a catalogue implements [`Described`] beside
//! its definition: one [`Field`] per AWS field, with its type, a line of
//! documentation and a getter that reads it from the typed inventory
//! record. A getter gives `None` for a field AWS did not return, so that
//! an attribute rule can tell "absent" from any value.
//!
//! The catalogue is only a view: the inventory keeps its own typed records
//! (and its saved format); nothing is stored twice.
//!
//! Adding a field: the typed field on the inventory type (and its
//! collector), then its [`Field`] line in the type's [`Described`] impl.
//! Adding a kind's catalogue: its impl, and its line in [`described!`]'s
//! table at the end of this file.

use super::{Dataset, Inventory, Resource, Type, Value};

/// One field of a kind, as AWS names it.
pub struct Field<R> {
    /// AWS's name (`DeletionProtection`).
    pub name: &'static str,
    pub ty: Type,
    /// One line: what it is, in AWS's words where they are clear.
    pub doc: &'static str,
    /// The dataset that reads it, when it is not the kind's own: a field
    /// read by a call of its own (bucket versioning, load balancer
    /// attributes) is collected only when a rule reads it.
    pub needs: Option<Dataset>,
    /// Reads it; `None` when AWS did not return it (or its dataset was not
    /// collected).
    pub get: fn(&R) -> Option<Value>,
}

impl<R> Field<R> {
    /// A field read with the kind's own dataset (`needs: None`).
    pub const fn own(
        name: &'static str,
        ty: Type,
        doc: &'static str,
        get: fn(&R) -> Option<Value>,
    ) -> Self {
        Field {
            name,
            ty,
            doc,
            needs: None,
            get,
        }
    }
}

/// An inventory type whose fields attribute rules can read.
pub trait Described: Resource + Sized + Sync + 'static {
    /// The AWS API reference page of the shape the fields come from.
    const REFERENCE: &'static str;
    /// Its fields, in the order `conform fields` lists them.
    const FIELDS: &'static [Field<Self>];

    /// The field called `name`.
    fn field(name: &str) -> Option<&'static Field<Self>> {
        Self::FIELDS.iter().find(|f| f.name == name)
    }

    /// Whether resources of `dataset` have the field called `name`. A type
    /// two datasets share (DB and cluster snapshots, both generations of
    /// load balancer) has the fields of both shapes, each of which only
    /// one dataset's resources have: its catalogue per dataset leaves the
    /// other's out, so that a rule reading one on the wrong kind is an
    /// error at load, not an unknown at every verdict.
    fn has(dataset: Dataset, name: &str) -> bool {
        let _ = (dataset, name);
        true
    }

    /// The AWS API reference page of `dataset`'s shape ([`Self::REFERENCE`]
    /// but for the second dataset of a shared type).
    fn reference(dataset: Dataset) -> &'static str {
        let _ = dataset;
        Self::REFERENCE
    }
}

/// Something done with the resources of one described dataset, whatever
/// their type (see [`visit`]).
pub trait Visitor {
    type Output;
    /// `resources` is the dataset's inventory list. Lists that hold two
    /// datasets (both generations of load balancer) are given whole: keep
    /// the resources whose [`Resource::dataset`] is `dataset`.
    fn visit<R: Described>(self, dataset: Dataset, resources: &[R]) -> Self::Output;
}

/// The documentation of one field, for `conform fields` and load-time
/// checks.
#[derive(Debug, Clone, Copy)]
pub struct FieldDoc {
    pub name: &'static str,
    pub ty: Type,
    pub doc: &'static str,
    pub needs: Option<Dataset>,
}

/// What the catalogue says of one dataset.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub dataset: Dataset,
    pub reference: &'static str,
    pub fields: Vec<FieldDoc>,
}

/// Lists the described datasets: `Variant => list: Type`.
macro_rules! described {
    ($($variant:ident => $list:ident: $ty:ty),* $(,)?) => {
        /// The datasets that have a field catalogue.
        pub const DESCRIBED: &[Dataset] = &[$(Dataset::$variant),*];

        /// Runs `visitor` over `dataset`'s resources in `inventory`;
        /// `None` when the dataset has no catalogue.
        pub fn visit<V: Visitor>(dataset: Dataset, inventory: &Inventory, visitor: V) -> Option<V::Output> {
            match dataset {
                $(Dataset::$variant => Some(visitor.visit::<$ty>(dataset, &inventory.$list)),)*
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }

        /// The catalogue of `dataset`, if it has one.
        pub fn catalogue(dataset: Dataset) -> Option<Catalogue> {
            fn of<R: Described>(dataset: Dataset) -> Catalogue {
                Catalogue {
                    dataset,
                    reference: R::reference(dataset),
                    fields: R::FIELDS
                        .iter()
                        .filter(|f| R::has(dataset, f.name))
                        .map(|f| FieldDoc { name: f.name, ty: f.ty, doc: f.doc, needs: f.needs })
                        .collect(),
                }
            }
            match dataset {
                $(Dataset::$variant => Some(of::<$ty>(dataset)),)*
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
    };
}

described! {
    DbInstances => db_instances: super::DbInstance,
    DbClusters => db_clusters: super::DbCluster,
    DbGlobalClusters => db_global_clusters: super::DbGlobalCluster,
    DbSnapshots => db_snapshots: super::DbSnapshot,
    DbClusterSnapshots => db_snapshots: super::DbSnapshot,
    Snapshots => snapshots: super::Snapshot,
    CacheReplicationGroups => cache_replication_groups: super::CacheReplicationGroup,
    CacheClusters => cache_clusters: super::CacheCluster,
    SecurityGroups => security_groups: super::SecurityGroup,
    PrefixLists => prefix_lists: super::PrefixList,
    NetworkAcls => network_acls: super::NetworkAcl,
    NetworkInterfaces => network_interfaces: super::NetworkInterface,
    Instances => instances: super::Instance,
    Volumes => volumes: super::Volume,
    EbsEncryptionByDefault => ebs_encryption_by_default: super::EbsEncryptionByDefault,
    AutoScalingGroups => auto_scaling_groups: super::AutoScalingGroup,
    LogGroups => log_groups: super::LogGroup,
    LoadBalancers => load_balancers: super::LoadBalancer,
    ClassicLoadBalancers => load_balancers: super::LoadBalancer,
    Trails => trails: super::Trail,
    Buckets => buckets: super::Bucket,
    AccountPublicAccessBlocks => account_public_access_blocks: super::AccountPublicAccessBlock,
    KmsKeys => kms_keys: super::KmsKey,
    Subnets => subnets: super::Subnet,
    RouteTables => route_tables: super::RouteTable,
    DynamoDbTables => dynamodb_tables: super::DynamoDbTable,
    EfsFileSystems => efs_file_systems: super::EfsFileSystem,
}

/// The fields `r` has a value for (the catalogues' tests of absent fields).
#[cfg(test)]
pub(crate) fn present<R: Described>(r: &R) -> Vec<&'static str> {
    R::FIELDS
        .iter()
        .filter(|f| (f.get)(r).is_some())
        .map(|f| f.name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_described_dataset_has_fields_with_distinct_pascal_case_names() {
        for &dataset in DESCRIBED {
            let catalogue = catalogue(dataset).unwrap();
            assert!(!catalogue.fields.is_empty(), "{dataset:?}");
            assert!(
                catalogue
                    .reference
                    .starts_with("https://docs.aws.amazon.com/")
            );
            let mut names: Vec<_> = catalogue.fields.iter().map(|f| f.name).collect();
            // AWS's names: PascalCase, but camelCase in CloudWatch Logs'
            // API (`retentionInDays`).
            let camel = dataset.service() == "logs";
            for name in &names {
                assert!(
                    name.starts_with(
                        |c: char| c.is_ascii_alphabetic() && c.is_ascii_uppercase() != camel
                    ),
                    "{name}"
                );
                assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
            }
            names.sort_unstable();
            let len = names.len();
            names.dedup();
            assert_eq!(names.len(), len, "{dataset:?} names a field twice");
            // The members of nested shapes too, each once.
            fn members(ty: &Type, camel: bool, path: &str) {
                match ty {
                    Type::List(t) | Type::Map(t) => members(t, camel, path),
                    Type::Struct(ms) => {
                        for (i, m) in ms.iter().enumerate() {
                            assert!(
                                m.name.starts_with(|c: char| {
                                    c.is_ascii_alphabetic() && c.is_ascii_uppercase() != camel
                                }) && m.name.chars().all(|c| c.is_ascii_alphanumeric()),
                                "{path}.{}",
                                m.name
                            );
                            assert!(
                                ms[..i].iter().all(|o| o.name != m.name),
                                "{path} has {} twice",
                                m.name
                            );
                            members(&m.ty, camel, &format!("{path}.{}", m.name));
                        }
                    }
                    _ => {}
                }
            }
            for f in &catalogue.fields {
                members(&f.ty, camel, f.name);
            }
        }
    }

    #[test]
    fn a_visitor_sees_the_datasets_resources_by_type() {
        struct Names;
        impl Visitor for Names {
            type Output = Vec<String>;
            fn visit<R: Described>(self, _: Dataset, resources: &[R]) -> Vec<String> {
                resources
                    .iter()
                    .map(|r| {
                        format!(
                            "{}",
                            (R::field("DBInstanceIdentifier").unwrap().get)(r).unwrap()
                        )
                    })
                    .collect()
            }
        }
        let mut inventory = Inventory::default();
        inventory.db_instances.push(crate::inventory::DbInstance {
            arn: "arn:aws:rds:eu-north-1:111122223333:db:a".into(),
            place: crate::inventory::Place {
                account: "111122223333".into(),
                region: "eu-north-1".into(),
            },
            id: "a".into(),
            engine: None,
            status: None,
            multi_az: false,
            availability_zone: None,
            secondary_availability_zone: None,
            cluster_id: None,
            read_replica_source: None,
            publicly_accessible: false,
            storage_encrypted: true,
            backup_retention_days: None,
            preferred_maintenance_window: None,
            read_replica_ids: vec![],
            automated_backup_replications: vec![],
            tags: Default::default(),
            ..Default::default()
        });
        assert_eq!(
            visit(Dataset::DbInstances, &inventory, Names),
            Some(vec!["\"a\"".to_owned()])
        );
        assert!(visit(Dataset::BucketDetails, &inventory, Names).is_none());
    }
}
