//! Amazon Resource Names, built and parsed in one place.
//!
//! An ARN has six fields separated by colons:
//! `arn:{partition}:{service}:{region}:{account}:{resource}`. The partition
//! is `aws`, `aws-cn` or `aws-us-gov` (or any other AWS names later: it is
//! carried as written). Some kinds leave the region or the account empty
//! (S3 buckets both, EC2 snapshots the account, Aurora global databases
//! the region); the resource may itself hold colons and slashes
//! (`db:mydb`, `loadbalancer/app/web/50dc6c495c0c9188`).
//!
//! [`Arn`] borrows its fields: building one and writing it with `Display`
//! (`to_string()`) gives the ARN's text, and [`Arn::parse`] gives back the
//! fields of a text, so `Arn::parse(&arn.to_string()) == Some(arn)` for any
//! ARN whose fields (but the resource) hold no colon.

use std::fmt;

/// The fields of an ARN. See the module documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`.
    pub partition: &'a str,
    /// The service's ARN namespace (`ec2`, `elasticloadbalancing`, `s3`).
    pub service: &'a str,
    /// Empty for resources without a region (S3 buckets, IAM roles).
    pub region: &'a str,
    /// Empty for resources without an account (S3 buckets, EC2 snapshots).
    pub account: &'a str,
    /// Everything after the fifth colon.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// The fields of `text` (trimmed): `None` unless it starts with `arn:`
    /// and has all six fields (the resource may be empty, and may hold
    /// colons).
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut fields = text.trim().splitn(6, ':');
        if fields.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: fields.next()?,
            service: fields.next()?,
            region: fields.next()?,
            account: fields.next()?,
            resource: fields.next()?,
        })
    }

    /// The partition of an ARN's text, when it names one (`arn:aws-cn:...`
    /// → `aws-cn`).
    pub fn partition_of(text: &'a str) -> Option<&'a str> {
        Arn::parse(text)
            .map(|a| a.partition)
            .filter(|p| !p.is_empty())
    }

    /// The region of an ARN's text, when it names one
    /// (`arn:aws:rds:eu-west-1:123456789012:db:x` → `eu-west-1`).
    pub fn region_of(text: &'a str) -> Option<&'a str> {
        Arn::parse(text).map(|a| a.region).filter(|r| !r.is_empty())
    }
}

impl fmt::Display for Arn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Arn {
            partition,
            service,
            region,
            account,
            resource,
        } = self;
        write!(f, "arn:{partition}:{service}:{region}:{account}:{resource}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_every_shape() {
        let regional = Arn {
            partition: "aws",
            service: "ec2",
            region: "eu-north-1",
            account: "111122223333",
            resource: "security-group/sg-1",
        };
        assert_eq!(
            regional.to_string(),
            "arn:aws:ec2:eu-north-1:111122223333:security-group/sg-1"
        );
        let bucket = Arn {
            partition: "aws-cn",
            service: "s3",
            region: "",
            account: "",
            resource: "logs",
        };
        assert_eq!(bucket.to_string(), "arn:aws-cn:s3:::logs");
        let snapshot = Arn {
            account: "",
            service: "ec2",
            resource: "snapshot/snap-1",
            ..regional
        };
        assert_eq!(
            snapshot.to_string(),
            "arn:aws:ec2:eu-north-1::snapshot/snap-1"
        );
    }

    #[test]
    fn parses_what_it_builds() {
        for text in [
            "arn:aws:rds:eu-west-1:111122223333:db:x",
            "arn:aws-us-gov:iam::1:root",
            "arn:aws:s3:::bucket",
            "arn:aws:elasticloadbalancing:eu-north-1:1:listener/app/web/abc/def",
        ] {
            let arn = Arn::parse(text).unwrap();
            assert_eq!(arn.to_string(), text);
        }
        let db = Arn::parse(" arn:aws:rds:eu-west-1:111122223333:db:x ").unwrap();
        assert_eq!(db.resource, "db:x");
        assert_eq!(db.account, "111122223333");
    }

    #[test]
    fn regions() {
        assert_eq!(
            Arn::region_of("arn:aws:rds:eu-west-1:111122223333:db:x"),
            Some("eu-west-1")
        );
        assert_eq!(
            Arn::region_of("arn:aws:rds:us-east-1:111122223333:auto-backup:ab-x"),
            Some("us-east-1")
        );
        assert_eq!(Arn::region_of("arn:aws:s3:::bucket"), None);
        assert_eq!(Arn::region_of("mydb-replica"), None);
        assert_eq!(Arn::region_of("arn:aws:rds:eu-west-1"), None);
    }

    #[test]
    fn partitions() {
        assert_eq!(
            Arn::partition_of("arn:aws:sts::123456789012:assumed-role/r/s"),
            Some("aws")
        );
        assert_eq!(
            Arn::partition_of("arn:aws-cn:iam::123456789012:user/u"),
            Some("aws-cn")
        );
        assert_eq!(
            Arn::partition_of("arn:aws-us-gov:iam::1:root"),
            Some("aws-us-gov")
        );
        assert_eq!(Arn::partition_of("not-an-arn"), None);
        assert_eq!(Arn::partition_of("arn::iam::1:root"), None);
    }
}
