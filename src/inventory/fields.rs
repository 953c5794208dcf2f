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
                    reference: R::REFERENCE,
                    fields: R::FIELDS
                        .iter()
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
    KmsKeys => kms_keys: super::KmsKey,
    Subnets => subnets: super::Subnet,
    RouteTables => route_tables: super::RouteTable,
    DynamoDbTables => dynamodb_tables: super::DynamoDbTable,
    EfsFileSystems => efs_file_systems: super::EfsFileSystem,
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
            for name in &names {
                assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name}");
            }
            names.sort_unstable();
            let len = names.len();
            names.dedup();
            assert_eq!(names.len(), len, "{dataset:?} names a field twice");
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
        });
        assert_eq!(
            visit(Dataset::DbInstances, &inventory, Names),
            Some(vec!["\"a\"".to_owned()])
        );
        assert!(visit(Dataset::Buckets, &inventory, Names).is_none());
    }
}
