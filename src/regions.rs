//! The AWS regions conform knows, by partition.
//!
//! Source: the partition metadata of the AWS SDK for Rust that conform is
//! built with (the `regions` of the partitions `aws`, `aws-cn` and
//! `aws-us-gov` in `aws-sdk-sts` 1.124.0, `src/endpoint_lib.rs`, generated
//! from the Smithy `partitions.json`), without the pseudo-regions
//! `aws-global`, `aws-cn-global` and `aws-us-gov-global`. When AWS opens a
//! region, add it here (and upgrade the SDK).

/// A partition and its regions.
pub struct Partition {
    pub name: &'static str,
    pub regions: &'static [&'static str],
}

pub const PARTITIONS: &[Partition] = &[
    Partition {
        name: "aws",
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
    },
    Partition {
        name: "aws-cn",
        regions: &["cn-north-1", "cn-northwest-1"],
    },
    Partition {
        name: "aws-us-gov",
        regions: &["us-gov-east-1", "us-gov-west-1"],
    },
];

/// Every known region, of every partition.
pub fn all() -> impl Iterator<Item = &'static str> {
    PARTITIONS.iter().flat_map(|p| p.regions.iter().copied())
}

/// Whether `name` is a known region.
pub fn is_known(name: &str) -> bool {
    all().any(|r| r == name)
}

/// The partition of a known region.
pub fn partition_of(region: &str) -> Option<&'static str> {
    PARTITIONS
        .iter()
        .find(|p| p.regions.contains(&region))
        .map(|p| p.name)
}

/// The known region closest in spelling to `name`, when one is close
/// enough to be a likely typo (`eu-nort-1` → `eu-north-1`).
pub fn closest(name: &str) -> Option<&'static str> {
    all()
        .map(|r| (distance(name, r), r))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, r)| r)
}

/// Levenshtein distance, in characters.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_regions_and_typos() {
        assert!(is_known("eu-north-1"));
        assert!(is_known("cn-northwest-1"));
        assert!(is_known("us-gov-west-1"));
        assert!(!is_known("eu-nort-1"));
        assert!(!is_known("aws-global"));
        assert_eq!(partition_of("us-gov-east-1"), Some("aws-us-gov"));
        assert_eq!(partition_of("cn-north-1"), Some("aws-cn"));
        assert_eq!(closest("eu-nort-1"), Some("eu-north-1"));
        assert_eq!(closest("euwest1"), Some("eu-west-1"));
        assert_eq!(closest("mars-1"), None);
        let mut all: Vec<_> = all().collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "a region is listed twice");
    }
}
