//! The table of resource kinds: every dataset conform reads, declared once.
//!
//! Each line of [`kinds!`]'s table below declares one dataset: its name in
//! files and messages, the AWS service it is read from (its ARN namespace),
//! whether it is read per region or once per account, the CloudFormation
//! type of its resources, the shape of their ARNs, and the inventory list
//! its resources go to (with the order they are saved in). From it come:
//!
//! - the [`Dataset`] enum (its order is the table's, which is the order of
//!   coverage records in a saved inventory), [`Dataset::ALL`] and the
//!   lookups ([`Dataset::name`], [`Dataset::service`],
//!   [`Dataset::resource_type`], [`Dataset::is_global`],
//!   [`Dataset::arn_shape`], [`Dataset::from_name`]) and its serde names;
//! - the [`Inventory`] struct's resource lists, in the table's order (the
//!   order of a saved inventory's keys), and [`Inventory::absorb`],
//!   [`Inventory::sort`] and [`Inventory::resource_count`] over them;
//! - [`Stored`], which lets collectors put what they read in its list
//!   without naming the list.
//!
//! Several datasets can fill one list (both generations of load balancer;
//! DB snapshots and DB cluster snapshots); a dataset that adds details to
//! another's resources (bucket details) has no list. How a resource is
//! named in findings is said beside its type, by its [`Resource`] impl.
//!
//! Adding a kind: its inventory type (with its [`Resource`] impl), its
//! collector, and one entry here. `scripts/make-example-estate.py` and
//! `scripts/bench-offline` read the dataset names and scopes from this
//! table, so keep each entry's first line `Variant: "name", "service",
//! Regional|Global,`.

use serde::{Deserialize, Serialize};

use super::*;

/// A resource list read from a saved inventory, without the spare room it
/// grew into while it was read (up to as much again: at 10^6 resources,
/// about 200 MB). Each list is trimmed as soon as it is read, so the
/// spare room of only one list is held at a time.
fn shrunk<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    let mut list = Vec::<T>::deserialize(deserializer)?;
    list.shrink_to_fit();
    Ok(list)
}

/// Whether a dataset is read in every region or once per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Read in every region scanned; its coverage is per region.
    Regional,
    /// Read once per account; its coverage is in the [`GLOBAL`] region.
    Global,
}

/// How the ARN of a kind's resource is built from its id:
/// `arn:{partition}:{service}:{region}:{account}:{prefix}{id}`, with the
/// region or account left empty for kinds whose ARNs have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnShape {
    /// Whether the ARN names the region.
    pub region: bool,
    /// Whether the ARN names the account.
    pub account: bool,
    /// What comes before the id in the resource field (`security-group/`).
    pub prefix: &'static str,
}

impl ArnShape {
    /// The ARN of resource `id` of this shape.
    pub fn arn(
        &self,
        partition: &str,
        service: &str,
        region: &str,
        account: &str,
        id: &str,
    ) -> String {
        Arn {
            partition,
            service,
            region: if self.region { region } else { "" },
            account: if self.account { account } else { "" },
            resource: &format!("{}{id}", self.prefix),
        }
        .to_string()
    }
}

/// `arn:{partition}:{service}:{region}:{account}:{prefix}{id}`.
const fn regional(prefix: &'static str) -> Option<ArnShape> {
    Some(ArnShape {
        region: true,
        account: true,
        prefix,
    })
}

/// `arn:{partition}:{service}::{account}:{prefix}{id}`.
const fn no_region(prefix: &'static str) -> Option<ArnShape> {
    Some(ArnShape {
        region: false,
        account: true,
        prefix,
    })
}

/// `arn:{partition}:{service}:{region}::{prefix}{id}`.
const fn no_account(prefix: &'static str) -> Option<ArnShape> {
    Some(ArnShape {
        region: true,
        account: false,
        prefix,
    })
}

/// `arn:{partition}:{service}:::{prefix}{id}`.
const fn bare(prefix: &'static str) -> Option<ArnShape> {
    Some(ArnShape {
        region: false,
        account: false,
        prefix,
    })
}

/// What the table says of one dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub dataset: Dataset,
    pub name: &'static str,
    pub service: &'static str,
    pub scope: Scope,
    pub resource_type: &'static str,
    /// `None` for resources without ARNs of their own (TLS policies).
    pub arn: Option<ArnShape>,
}

/// A resource of an inventory list: what a finding names. Implemented
/// beside each inventory type.
pub trait Resource {
    /// The dataset it was read with.
    fn dataset(&self) -> Dataset;
    fn arn(&self) -> &Text;
    fn place(&self) -> &Place;
    /// The name findings show: its id, or its name where AWS has no id.
    fn name(&self) -> &str;
    fn tags(&self) -> &Tags {
        &NO_TAGS
    }
    /// Whether conform reads this kind's tags: `false` for kinds whose
    /// tags would cost a call per resource (KMS keys, trails, tables, log
    /// groups, ...), whose [`Resource::tags`] is then empty without
    /// meaning "no tags".
    fn tags_read(&self) -> bool {
        false
    }
}

/// The tags of a resource that has none.
static NO_TAGS: Tags = Tags::new();

/// An inventory list's element as a [`Resource`], for those that are
/// (autoref specialisation: this impl is picked for resources, ...
#[doc(hidden)]
pub trait AsResource<'a> {
    fn into_resource(self) -> Option<&'a dyn Resource>;
}

impl<'a, T: Resource> AsResource<'a> for &'a T {
    fn into_resource(self) -> Option<&'a dyn Resource> {
        Some(self)
    }
}

/// ... and this one, one autoref further, for every other type).
#[doc(hidden)]
pub trait NotResource<'a> {
    fn into_resource(self) -> Option<&'a dyn Resource>;
}

impl<'a, T> NotResource<'a> for &&'a T {
    fn into_resource(self) -> Option<&'a dyn Resource> {
        None
    }
}

/// A type held in an [`Inventory`] list (derived from the table).
pub trait Stored: Sized {
    /// The inventory's list of this type.
    fn list(inventory: &mut Inventory) -> &mut Vec<Self>;
}

/// Declares the datasets (see the module documentation).
macro_rules! kinds {
    ($(
        $(#[$doc:meta])*
        $variant:ident: $name:literal, $service:literal, $scope:ident, $cfn:literal, $arn:expr
        $(, list $(#[$attr:meta])* $field:ident: $ty:ident by |$r:ident| $key:expr)?;
    )*) => {
        /// A kind of data the collectors read. Each is collected as a unit
        /// per account and region (or per account, for global ones), and
        /// its coverage is recorded as a unit.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Dataset {
            $($(#[$doc])* #[serde(rename = $name)] $variant,)*
        }

        impl Dataset {
            /// Every dataset, in a stable order.
            pub const ALL: &'static [Dataset] = &[$(Dataset::$variant),*];

            /// What the table says of every dataset, in the order of [`Dataset::ALL`].
            pub const KINDS: &'static [Kind] = &[$(Kind {
                dataset: Dataset::$variant,
                name: $name,
                service: $service,
                scope: Scope::$scope,
                resource_type: $cfn,
                arn: $arn,
            }),*];
        }

        /// The element type of every inventory list with its size in
        /// bytes (a type two lists share appears twice).
        #[cfg(test)]
        const LIST_SIZES: &[(&str, usize)] = &[$($(
            (stringify!($ty), std::mem::size_of::<$ty>()),
        )?)*];

        /// Everything one scan read, for any number of accounts and regions.
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Inventory {
            /// Always [`FORMAT`].
            pub format: String,
            /// Always [`VERSION`] when written by this conform.
            pub version: u32,
            /// When collection started. Checks that judge age (snapshots, for
            /// example) measure it against this instant, so that re-evaluating a
            /// saved inventory gives the same findings.
            pub collected_at: Timestamp,
            /// When collection finished.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub completed_at: Option<Timestamp>,
            /// The accounts and regions that were scanned.
            pub scope: Vec<ScannedAccount>,
            /// What was read, and what could not be, per account, region and dataset.
            pub coverage: Vec<Coverage>,
            /// The regions enabled for each account (EC2 `DescribeRegions`),
            /// listed when a rule judges where resources are (data
            /// residency): the regions it must see to judge, whatever the
            /// scan's regions. Empty when not listed.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            pub enabled_regions: Vec<EnabledRegions>,
            $($(
                $(#[$attr])*
                #[serde(default, deserialize_with = "shrunk")]
                pub $field: Vec<$ty>,
            )?)*
        }

        $($(
            impl Stored for $ty {
                fn list(inventory: &mut Inventory) -> &mut Vec<Self> {
                    &mut inventory.$field
                }
            }
        )?)*

        /// The names of the resource lists in a saved inventory, in the
        /// table's order (the parallel loader's index of lists).
        pub(super) const LIST_NAMES: &[&str] = &[$($(stringify!($field),)?)*];

        /// Some elements of one resource list, parsed by the parallel
        /// loader (load.rs).
        #[allow(non_camel_case_types)]
        pub(super) enum Parsed {
            $($($field(Vec<$ty>),)?)*
        }

        impl Parsed {
            /// Parses the elements of list `list` (an index of
            /// [`LIST_NAMES`]) at `ranges` of `block`: `None` if any does
            /// not parse.
            pub(super) fn parse(list: usize, block: &[u8], ranges: &[(u32, u32)]) -> Option<Parsed> {
                match LIST_NAMES.get(list).copied() {
                    $($(Some(stringify!($field)) => {
                        super::load::elements(block, ranges).map(Parsed::$field)
                    })?)*
                    _ => None,
                }
            }

            /// Appends the elements to their list.
            pub(super) fn append_to(self, inventory: &mut Inventory) {
                match self {
                    $($(Parsed::$field(v) => inventory.$field.extend(v),)?)*
                }
            }
        }

        impl Inventory {
            /// Moves the resource lists of `other` to the end of this one's.
            pub(super) fn take_lists(&mut self, other: &mut Inventory) {
                $($(
                    if self.$field.is_empty() {
                        std::mem::swap(&mut self.$field, &mut other.$field);
                    } else {
                        self.$field.append(&mut other.$field);
                    }
                )?)*
            }

            /// Frees the room the resource lists grew into while read.
            pub(super) fn shrink_lists(&mut self) {
                $($(self.$field.shrink_to_fit();)?)*
            }
        }

        impl Inventory {
            /// Adds another inventory's contents to this one (used to
            /// assemble the results of concurrent collectors).
            pub fn absorb(&mut self, other: Inventory) {
                let Inventory {
                    format: _,
                    version: _,
                    collected_at: _,
                    completed_at: _,
                    scope,
                    coverage,
                    enabled_regions,
                    $($($field,)?)*
                } = other;
                self.scope.extend(scope);
                self.coverage.extend(coverage);
                self.enabled_regions.extend(enabled_regions);
                $($(self.$field.extend($field);)?)*
            }

            /// Puts every list in a stable order, so that saved inventories
            /// of the same estate are byte-for-byte comparable.
            pub fn sort(&mut self) {
                self.scope.sort_by(|a, b| a.account.cmp(&b.account));
                for s in &mut self.scope {
                    s.regions.sort();
                }
                self.coverage.sort_by(|a, b| {
                    (&a.account, &a.region, a.dataset).cmp(&(&b.account, &b.region, b.dataset))
                });
                self.enabled_regions.sort_by(|a, b| a.account.cmp(&b.account));
                for e in &mut self.enabled_regions {
                    e.regions.sort();
                }
                $($(
                    self.$field.sort_by(|a, b| {
                        let ka = { let $r = a; $key };
                        let kb = { let $r = b; $key };
                        ka.cmp(&kb)
                    });
                )?)*
            }

            /// How many resources the inventory holds, of every kind.
            pub fn resource_count(&self) -> usize {
                0 $($(+ self.$field.len())?)*
            }

            /// Every resource of every list, list after list in the table's
            /// order: for checks that judge any kind alike (data
            /// residency), so that a kind added to the table is covered
            /// without more code.
            pub fn resources(&self) -> impl Iterator<Item = &dyn Resource> {
                // Lists of types that are not resources (settings, TLS
                // policies: no ARN of their own) give none.
                let all = std::iter::empty::<&dyn Resource>();
                $($(
                    let all = all.chain(self.$field.iter().filter_map(|r| r.into_resource()));
                )?)*
                all
            }
        }
    };
}

// The table. The sort keys are those of saved inventories: by ARN, or for
// resources without one, by place and name.
kinds! {
    SecurityGroups: "security-groups", "ec2", Regional, "AWS::EC2::SecurityGroup",
        regional("security-group/"),
        list security_groups: SecurityGroup by |r| &r.arn;
    PrefixLists: "prefix-lists", "ec2", Regional, "AWS::EC2::PrefixList",
        regional("prefix-list/"),
        list prefix_lists: PrefixList by |r| &r.arn;
    NetworkAcls: "network-acls", "ec2", Regional, "AWS::EC2::NetworkAcl",
        regional("network-acl/"),
        list network_acls: NetworkAcl by |r| &r.arn;
    NetworkInterfaces: "network-interfaces", "ec2", Regional, "AWS::EC2::NetworkInterface",
        regional("network-interface/"),
        list network_interfaces: NetworkInterface by |r| &r.arn;
    Instances: "instances", "ec2", Regional, "AWS::EC2::Instance",
        regional("instance/"),
        list instances: Instance by |r| &r.arn;
    Volumes: "volumes", "ec2", Regional, "AWS::EC2::Volume",
        regional("volume/"),
        list volumes: Volume by |r| &r.arn;
    /// One setting per region, named by an ARN of conform's making:
    /// `arn:{partition}:ec2:{region}:{account}:ebs-encryption-by-default`.
    EbsEncryptionByDefault: "ebs-encryption-by-default", "ec2", Regional, "AWS::EC2::EBSEncryptionByDefault",
        regional("ebs-encryption-by-default"),
        list ebs_encryption_by_default: EbsEncryptionByDefault
            by |r| (&r.place.account, &r.place.region);
    /// Application, network and gateway load balancers (ELBv2).
    LoadBalancers: "load-balancers", "elasticloadbalancing", Regional, "AWS::ElasticLoadBalancingV2::LoadBalancer",
        regional("loadbalancer/"),
        list load_balancers: LoadBalancer by |r| &r.arn;
    /// Classic load balancers, in the list of load balancers.
    ClassicLoadBalancers: "classic-load-balancers", "elasticloadbalancing", Regional, "AWS::ElasticLoadBalancing::LoadBalancer",
        regional("loadbalancer/");
    /// The TLS policies listeners use (they have no ARNs).
    SslPolicies: "ssl-policies", "elasticloadbalancing", Regional, "AWS::ElasticLoadBalancingV2::SSLPolicy",
        None,
        list ssl_policies: SslPolicy by |r| (&r.place.account, &r.place.region, &r.name);
    Buckets: "buckets", "s3", Global, "AWS::S3::Bucket",
        bare(""),
        list buckets: Bucket by |r| &r.arn;
    LogGroups: "log-groups", "logs", Regional, "AWS::Logs::LogGroup",
        regional("log-group:"),
        list log_groups: LogGroup by |r| &r.arn;
    DbInstances: "db-instances", "rds", Regional, "AWS::RDS::DBInstance",
        regional("db:"),
        list db_instances: DbInstance by |r| &r.arn;
    DbClusters: "db-clusters", "rds", Regional, "AWS::RDS::DBCluster",
        regional("cluster:"),
        list db_clusters: DbCluster by |r| &r.arn;
    DbGlobalClusters: "db-global-clusters", "rds", Regional, "AWS::RDS::GlobalCluster",
        no_region("global-cluster:"),
        list
            /// Aurora global databases, as listed in each region.
            #[serde(skip_serializing_if = "Vec::is_empty")]
            db_global_clusters: DbGlobalCluster by |r| (&r.arn, &r.place.region);
    /// EBS snapshots (their ARNs name no account).
    Snapshots: "snapshots", "ec2", Regional, "AWS::EC2::Snapshot",
        no_account("snapshot/"),
        list snapshots: Snapshot by |r| &r.arn;
    DbSnapshots: "db-snapshots", "rds", Regional, "AWS::RDS::DBSnapshot",
        regional("snapshot:"),
        list
            /// RDS DB snapshots and DB cluster snapshots.
            db_snapshots: DbSnapshot by |r| &r.arn;
    /// RDS DB cluster snapshots, in the list of DB snapshots.
    DbClusterSnapshots: "db-cluster-snapshots", "rds", Regional, "AWS::RDS::DBClusterSnapshot",
        regional("cluster-snapshot:");
    CacheReplicationGroups: "cache-replication-groups", "elasticache", Regional, "AWS::ElastiCache::ReplicationGroup",
        regional("replicationgroup:"),
        list cache_replication_groups: CacheReplicationGroup by |r| &r.arn;
    CacheClusters: "cache-clusters", "elasticache", Regional, "AWS::ElastiCache::CacheCluster",
        regional("cluster:"),
        list cache_clusters: CacheCluster by |r| &r.arn;
    /// Auto Scaling groups. Their ARNs hold a UUID that cannot be rebuilt:
    /// the shape has IAM's wildcard there.
    AutoScalingGroups: "auto-scaling-groups", "autoscaling", Regional, "AWS::AutoScaling::AutoScalingGroup",
        regional("autoScalingGroup:*:autoScalingGroupName/"),
        list auto_scaling_groups: AutoScalingGroup by |r| &r.arn;
    /// CloudTrail trails, each in its home region.
    Trails: "trails", "cloudtrail", Global, "AWS::CloudTrail::Trail",
        regional("trail/"),
        list trails: Trail by |r| &r.arn;
    /// Buckets' tags and lifecycle rules, read into the list of buckets.
    BucketDetails: "bucket-details", "s3", Global, "AWS::S3::Bucket",
        bare("");
    /// ELBv2 load balancers' attributes (deletion protection, access logs,
    /// ...), read into the list of load balancers.
    LoadBalancerAttributes: "load-balancer-attributes", "elasticloadbalancing", Regional, "AWS::ElasticLoadBalancingV2::LoadBalancer",
        regional("loadbalancer/");
    /// Classic load balancers' attributes (access log, connection
    /// draining, ...), read into the list of load balancers.
    ClassicLoadBalancerAttributes: "classic-load-balancer-attributes", "elasticloadbalancing", Regional, "AWS::ElasticLoadBalancing::LoadBalancer",
        regional("loadbalancer/");
    /// The event selectors of every trail (the trails dataset reads those
    /// of multi-region trails only), read into the list of trails.
    TrailEventSelectors: "trail-event-selectors", "cloudtrail", Global, "AWS::CloudTrail::Trail",
        regional("trail/");
    /// Every bucket's versioning (bucket details read it only for buckets
    /// with lifecycle rules), read into the list of buckets.
    BucketVersioning: "bucket-versioning", "s3", Global, "AWS::S3::Bucket",
        bare("");
    /// Buckets' Object Lock configuration, read into the list of buckets.
    BucketObjectLock: "bucket-object-lock", "s3", Global, "AWS::S3::Bucket",
        bare("");
    /// Buckets' Block Public Access settings, read into the list of buckets.
    BucketPublicAccessBlock: "bucket-public-access-block", "s3", Global, "AWS::S3::Bucket",
        bare("");
    /// Whether buckets' policies make them public, read into the list of
    /// buckets.
    BucketPolicyStatus: "bucket-policy-status", "s3", Global, "AWS::S3::Bucket",
        bare("");
    /// The account's S3 Block Public Access settings (S3 Control), one per
    /// account, named by an ARN of conform's making:
    /// `arn:{partition}:s3::{account}:account-public-access-block`.
    AccountPublicAccessBlocks: "account-public-access-block", "s3", Global, "AWS::S3::AccountPublicAccessBlock",
        no_region("account-public-access-block"),
        list
            #[serde(skip_serializing_if = "Vec::is_empty")]
            account_public_access_blocks: AccountPublicAccessBlock by |r| &r.arn;
    /// KMS keys, every key of the region (`ListKeys`, `DescribeKey`).
    KmsKeys: "kms-keys", "kms", Regional, "AWS::KMS::Key",
        regional("key/"),
        list
            #[serde(skip_serializing_if = "Vec::is_empty")]
            kms_keys: KmsKey by |r| &r.arn;
    Subnets: "subnets", "ec2", Regional, "AWS::EC2::Subnet",
        regional("subnet/"),
        list
            #[serde(skip_serializing_if = "Vec::is_empty")]
            subnets: Subnet by |r| &r.arn;
    RouteTables: "route-tables", "ec2", Regional, "AWS::EC2::RouteTable",
        regional("route-table/"),
        list
            #[serde(skip_serializing_if = "Vec::is_empty")]
            route_tables: RouteTable by |r| &r.arn;
    DynamoDbTables: "dynamodb-tables", "dynamodb", Regional, "AWS::DynamoDB::Table",
        regional("table/"),
        list
            #[serde(skip_serializing_if = "Vec::is_empty")]
            dynamodb_tables: DynamoDbTable by |r| &r.arn;
    /// KMS keys' automatic rotation (`GetKeyRotationStatus`), read into the
    /// list of KMS keys only when a rule reads it.
    KmsKeyRotation: "kms-key-rotation", "kms", Regional, "AWS::KMS::Key",
        regional("key/");
    /// DynamoDB tables' point-in-time recovery (`DescribeContinuousBackups`),
    /// read into the list of tables only when a rule reads it.
    DynamoDbContinuousBackups: "dynamodb-continuous-backups", "dynamodb", Regional, "AWS::DynamoDB::Table",
        regional("table/");
    /// EFS file systems (IAM and ARNs call the service `elasticfilesystem`).
    EfsFileSystems: "efs-file-systems", "elasticfilesystem", Regional, "AWS::EFS::FileSystem",
        regional("file-system/"),
        list
            #[serde(skip_serializing_if = "Vec::is_empty")]
            efs_file_systems: EfsFileSystem by |r| &r.arn;
}

impl Dataset {
    /// What the table says of this dataset.
    pub fn kind(self) -> &'static Kind {
        &Self::KINDS[self as usize]
    }

    /// The dataset's name as written in files and messages.
    pub fn name(self) -> &'static str {
        self.kind().name
    }

    /// The dataset named `name` (as [`Dataset::name`] writes it).
    pub fn from_name(name: &str) -> Option<Dataset> {
        Self::KINDS
            .iter()
            .find(|k| k.name == name)
            .map(|k| k.dataset)
    }

    /// The AWS service the dataset is read from (its ARN service name).
    pub fn service(self) -> &'static str {
        self.kind().service
    }

    /// The CloudFormation-style type of the resources in this dataset.
    pub fn resource_type(self) -> &'static str {
        self.kind().resource_type
    }

    /// Whether the dataset is read once per account rather than per region.
    pub fn is_global(self) -> bool {
        self.kind().scope == Scope::Global
    }

    /// How its resources' ARNs are built; `None` for resources without ARNs.
    pub fn arn_shape(self) -> Option<ArnShape> {
        self.kind().arn
    }

    /// The ARN of resource `id` of this dataset (for collectors, where AWS
    /// does not give it). A dataset without ARNs of its own gets a
    /// regional one with `id` as its resource.
    pub fn arn(self, partition: &str, region: &str, account: &str, id: &str) -> String {
        self.arn_shape()
            .unwrap_or(ArnShape {
                region: true,
                account: true,
                prefix: "",
            })
            .arn(partition, self.service(), region, account, id)
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Dataset {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Dataset::from_name(name).ok_or_else(|| format!("unknown dataset {name:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_enums_order_and_names_round_trip() {
        assert_eq!(Dataset::ALL.len(), Dataset::KINDS.len());
        for (i, &d) in Dataset::ALL.iter().enumerate() {
            assert_eq!(d as usize, i);
            assert_eq!(d.kind().dataset, d);
            assert_eq!(Dataset::from_name(d.name()), Some(d));
            assert_eq!(d.name().parse::<Dataset>(), Ok(d));
            // serde writes the table's name.
            assert_eq!(
                serde_json::to_string(&d).unwrap(),
                format!("\"{}\"", d.name())
            );
        }
        assert_eq!(Dataset::from_name("buckets "), None);
    }

    #[test]
    fn arns_follow_the_shapes() {
        let arn = |d: Dataset, id| d.arn("aws", "eu-north-1", "111122223333", id);
        assert_eq!(
            arn(Dataset::SecurityGroups, "sg-1"),
            "arn:aws:ec2:eu-north-1:111122223333:security-group/sg-1"
        );
        assert_eq!(arn(Dataset::Buckets, "logs"), "arn:aws:s3:::logs");
        assert_eq!(
            arn(Dataset::Snapshots, "snap-1"),
            "arn:aws:ec2:eu-north-1::snapshot/snap-1"
        );
        assert_eq!(
            arn(Dataset::DbGlobalClusters, "g"),
            "arn:aws:rds::111122223333:global-cluster:g"
        );
        assert_eq!(
            arn(Dataset::EbsEncryptionByDefault, ""),
            "arn:aws:ec2:eu-north-1:111122223333:ebs-encryption-by-default"
        );
    }

    #[test]
    fn every_entry_starts_as_the_scripts_read_it() {
        // scripts/kinds.py reads each entry's first line.
        let source = include_str!("kinds.rs");
        for k in Dataset::KINDS {
            let scope = match k.scope {
                Scope::Regional => "Regional",
                Scope::Global => "Global",
            };
            let line = format!(
                "{:?}: \"{}\", \"{}\", {scope},",
                k.dataset, k.name, k.service
            );
            assert!(
                source.lines().any(|l| l.trim_start().starts_with(&line)),
                "{line}"
            );
        }
    }

    #[test]
    fn global_datasets() {
        let global: Vec<&str> = Dataset::ALL
            .iter()
            .filter(|d| d.is_global())
            .map(|d| d.name())
            .collect();
        assert_eq!(
            global,
            [
                "buckets",
                "trails",
                "bucket-details",
                "trail-event-selectors",
                "bucket-versioning",
                "bucket-object-lock",
                "bucket-public-access-block",
                "bucket-policy-status",
                "account-public-access-block"
            ]
        );
    }

    /// The size of one resource of each kind in memory, beside its
    /// strings and lists (`cargo test --lib resource_sizes -- --nocapture`
    /// prints them): a million resources hold a million of these.
    #[test]
    fn resource_sizes() {
        use std::mem::size_of;
        let mut sizes = super::LIST_SIZES.to_vec();
        sizes.dedup();
        assert!(sizes.len() > 20, "{sizes:?}");
        for (name, size) in sizes {
            println!("{name:<26} {size:>5} bytes");
        }
        assert_eq!(size_of::<super::super::Str>(), 24);
        assert_eq!(size_of::<Option<super::super::Str>>(), 24);
    }
}
