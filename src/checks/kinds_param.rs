//! The `kinds` parameter of the checks that judge many kinds
//! (`data-residency`, `customer-managed-key`): CloudFormation types
//! compiled into a set of datasets, and each such set made `&'static` once.

use std::collections::{BTreeSet, HashMap};
use std::sync::{LazyLock, Mutex};

use super::ParamError;
use crate::inventory::Dataset;

/// Compiles `kinds`: each a CloudFormation type (trimmed) of one of
/// `allowed`, listed once. A type that is none of them is an error worded
/// by `unknown(kind, near)`, where `near` is the closest type of `allowed`
/// within 4 edits (case aside). Empty `kinds` give an empty set.
pub(super) fn compile(
    kinds: &[String],
    allowed: &[Dataset],
    unknown: impl Fn(&str, Option<&'static str>) -> String,
) -> Result<BTreeSet<Dataset>, ParamError> {
    let mut datasets = BTreeSet::new();
    for (i, kind) in kinds.iter().enumerate() {
        let kind = kind.trim();
        let Some(&dataset) = allowed.iter().find(|d| d.resource_type() == kind) else {
            let lower = kind.to_ascii_lowercase();
            let near = allowed
                .iter()
                .map(|d| {
                    let t = d.resource_type();
                    (crate::regions::distance(&lower, &t.to_ascii_lowercase()), t)
                })
                .min()
                .filter(|(d, _)| *d <= 4)
                .map(|(_, t)| t);
            return Err(ParamError::at("kinds", i, unknown(kind, near)));
        };
        if !datasets.insert(dataset) {
            return Err(ParamError::at(
                "kinds",
                i,
                format!("{kind} is listed twice"),
            ));
        }
    }
    Ok(datasets)
}

/// The same slice for the same set of datasets, for the life of the
/// process: a check's subjects are `&'static`, and only as many distinct
/// sets as rules name kinds are ever made.
pub(super) fn intern(datasets: BTreeSet<Dataset>) -> &'static [Dataset] {
    static SETS: LazyLock<Mutex<HashMap<BTreeSet<Dataset>, &'static [Dataset]>>> =
        LazyLock::new(|| Mutex::new(HashMap::new()));
    let mut sets = SETS.lock().unwrap_or_else(|e| e.into_inner());
    sets.entry(datasets.clone())
        .or_insert_with(|| Box::leak(datasets.into_iter().collect::<Vec<_>>().into_boxed_slice()))
}
