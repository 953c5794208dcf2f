//! Backups: EBS snapshots and RDS snapshots.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Place, Tags};

/// An EBS snapshot owned by the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub arn: String,
    pub place: Place,
    pub id: String,
    #[serde(default)]
    pub volume_id: Option<String>,
    pub encrypted: bool,
    /// When the snapshot was started.
    #[serde(default)]
    pub start_time: Option<Timestamp>,
    /// `pending`, `completed`, `error`, ...
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

/// An RDS DB snapshot or DB cluster snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbSnapshot {
    pub arn: String,
    pub place: Place,
    pub id: String,
    /// The instance (DB snapshot) or cluster (cluster snapshot) it is of.
    #[serde(default)]
    pub source_id: Option<String>,
    /// Whether this is a cluster snapshot.
    #[serde(default)]
    pub cluster: bool,
    /// `manual`, `automated`, `awsbackup`, `shared` or `public`.
    pub snapshot_type: String,
    pub encrypted: bool,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

resource!(Snapshot: Snapshots, named id, tagged);
// DB snapshots and DB cluster snapshots are read (and typed) separately.
resource!(
    DbSnapshot: |s| if s.cluster {
        super::Dataset::DbClusterSnapshots
    } else {
        super::Dataset::DbSnapshots
    },
    named id,
    tagged
);
