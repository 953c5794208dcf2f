//! `s3-default-encryption`: S3 buckets have default server-side encryption
//! with an allowed algorithm (ENC-002).

use serde::{Deserialize, Serialize};

use super::resource::bucket_ref;
use super::{Check, CheckDoc, Context, ParamError};
use crate::findings::{Evidence, Outcome};
use crate::inventory::{Dataset, Inventory, Read};

pub struct S3DefaultEncryption;

/// Parameters of `s3-default-encryption`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Params {
    /// Server-side encryption algorithms accepted (`AES256`, `aws:kms`,
    /// `aws:kms:dsse`).
    pub allowed_algorithms: Vec<String>,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            allowed_algorithms: vec!["AES256".into(), "aws:kms".into(), "aws:kms:dsse".into()],
        }
    }
}

/// The parameters described, for `conform checks`.
const PARAMS: &[super::ParamDoc] = &[super::ParamDoc {
    name: "allowed_algorithms",
    kind: "a list of S3 server-side encryption algorithms: \"AES256\", \"aws:kms\", \"aws:kms:dsse\"",
    description: "The algorithms a bucket's default encryption may use (SSEAlgorithm).",
}];

/// The server-side encryption algorithms S3 knows (`SSEAlgorithm`).
const ALGORITHMS: &[&str] = &["AES256", "aws:kms", "aws:kms:dsse"];

/// The accepted algorithms, as S3 writes them, and how to list them.
#[derive(Debug)]
pub struct Compiled {
    algorithms: Vec<&'static str>,
    text: String,
}

impl Check for S3DefaultEncryption {
    type Params = Params;
    type Compiled = Compiled;
    const DOC: CheckDoc = CheckDoc {
        name: "s3-default-encryption",
        summary: "S3 buckets have default server-side encryption with {{ algorithms | and_list('or') }}",
        what: "Every S3 bucket must have a default encryption configuration, and every rule in it must use an \
algorithm in `allowed_algorithms`. This rule accepts {{ algorithms | and_list }}. S3 knows `AES256` (SSE-S3), `aws:kms` (SSE-KMS) and \
`aws:kms:dsse` (DSSE-KMS): all three encrypt objects server-side with 256-bit AES, the KMS ones with a key \
the account controls, so a rule can accept all three or require one (`allowed_algorithms = [\"aws:kms\"]`).\n\n\
- No configuration at all: **fail**.\n\
- A rule with another algorithm: **fail**, naming it.\n\
- The configuration could not be read (access denied, for example): **unknown**, with AWS's error code and \
message. Not being allowed to look is never taken as compliant, nor as a violation.",
        why: "Default \
encryption guarantees that every object written without encryption headers is still encrypted at rest.",
        fix: "Set default encryption on the bucket:\n\n\
```sh\naws s3api put-bucket-encryption --bucket my-bucket --server-side-encryption-configuration \\\n  \
'{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"{{ algorithms[0] }}\"}}]}'\n```\n\n\
If the verdict is unknown, grant the scanning role `s3:GetEncryptionConfiguration` on the bucket. In the \
console: S3 → the bucket → Properties → Default encryption → Edit.",
    };
    const SUBJECTS: &'static [Dataset] = &[Dataset::Buckets];

    const PARAMS: &'static [super::ParamDoc] = PARAMS;

    fn compile(params: &Params) -> Result<Compiled, ParamError> {
        const KEY: &str = "allowed_algorithms";
        if params.allowed_algorithms.is_empty() {
            return Err(ParamError::new(
                KEY,
                format!(
                    "must name at least one algorithm ({})",
                    ALGORITHMS.join(", ")
                ),
            ));
        }
        let mut algorithms = Vec::new();
        for (i, a) in params.allowed_algorithms.iter().enumerate() {
            let known = ALGORITHMS
                .iter()
                .find(|k| k.eq_ignore_ascii_case(a.trim()))
                .ok_or_else(|| {
                    ParamError::at(
                        KEY,
                        i,
                        format!(
                            "S3 has no encryption algorithm {a:?} (it has {})",
                            ALGORITHMS.join(", ")
                        ),
                    )
                })?;
            algorithms.push(*known);
        }
        let text = algorithms.join(", ");
        Ok(Compiled { algorithms, text })
    }

    fn doc_vars(compiled: &Compiled) -> serde_json::Map<String, serde_json::Value> {
        let mut vars = serde_json::Map::new();
        vars.insert("algorithms".into(), compiled.algorithms.clone().into());
        vars
    }

    fn evaluate(_ctx: &Context, inventory: &Inventory, params: &Compiled) -> Vec<Outcome> {
        let allowed_text = &params.text;
        let mut outcomes = Vec::new();
        for b in &inventory.buckets {
            let resource = bucket_ref(b);
            let outcome = match &b.default_encryption {
                Read::Unreadable(err) => Outcome::unknown(
                    resource,
                    format!(
                        "the default encryption of bucket {} could not be read: {}",
                        b.name, err.code
                    ),
                    vec![Evidence::new(
                        "ServerSideEncryptionConfiguration",
                        format!("unreadable ({})", err.code),
                        err.to_string(),
                    )],
                ),
                Read::Value(None) => Outcome::fail(
                    resource,
                    format!("bucket {} has no default encryption configuration", b.name),
                    vec![Evidence::new(
                        "ServerSideEncryptionConfiguration",
                        "none",
                        "no default encryption configuration: objects uploaded without encryption headers are stored unencrypted",
                    )],
                ),
                Read::Value(Some(rules)) if rules.is_empty() => Outcome::fail(
                    resource,
                    format!(
                        "bucket {} has a default encryption configuration without rules",
                        b.name
                    ),
                    vec![Evidence::new(
                        "ServerSideEncryptionConfiguration.Rules",
                        "[]",
                        "the configuration holds no encryption rule",
                    )],
                ),
                Read::Value(Some(rules)) => {
                    let bad: Vec<Evidence> = rules
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| {
                            !params.algorithms.iter().any(|a| *a == r.algorithm.trim())
                        })
                        .map(|(i, r)| {
                            Evidence::new(
                                format!(
                                    "Rules[{i}].ApplyServerSideEncryptionByDefault.SSEAlgorithm"
                                ),
                                r.algorithm.clone(),
                                format!(
                                    "{} is not among the allowed algorithms {allowed_text}",
                                    r.algorithm
                                ),
                            )
                        })
                        .collect();
                    let algorithms: Vec<&str> =
                        rules.iter().map(|r| r.algorithm.as_str()).collect();
                    if bad.is_empty() {
                        Outcome::pass(
                            resource,
                            format!(
                                "bucket {} encrypts by default with {}",
                                b.name,
                                algorithms.join(", ")
                            ),
                        )
                    } else {
                        let named: Vec<&str> = bad.iter().map(|e| e.value.as_str()).collect();
                        Outcome::fail(
                            resource,
                            format!(
                                "bucket {} encrypts by default with {}, not {allowed_text}",
                                b.name,
                                named.join(", ")
                            ),
                            bad,
                        )
                    }
                }
            };
            outcomes.push(outcome);
        }
        outcomes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testutil::*;
    use crate::findings::Status;
    use crate::inventory::{Bucket, BucketEncryptionRule};

    fn bucket(name: &str, enc: Read<Option<Vec<BucketEncryptionRule>>>) -> Bucket {
        Bucket {
            arn: format!("arn:aws:s3:::{name}").into(),
            place: place(),
            name: name.into(),
            default_encryption: enc,
            tags: Default::default(),
            tags_error: None,
            lifecycle: None,
            versioning: None,
            mfa_delete: None,
            object_lock: None,
            public_access_block: None,
            policy_is_public: None,
        }
    }

    fn rule(algorithm: &str) -> BucketEncryptionRule {
        BucketEncryptionRule {
            algorithm: algorithm.into(),
            kms_key_id: None,
            bucket_key_enabled: None,
        }
    }

    fn buckets() -> crate::inventory::Inventory {
        let mut inv = inventory();
        inv.buckets = vec![
            bucket("b-none", Read::Value(None)),
            bucket("b-aes", Read::Value(Some(vec![rule("AES256")]))),
            bucket("b-kms", Read::Value(Some(vec![rule("aws:kms")]))),
            bucket(
                "b-denied",
                Read::Unreadable(aws_error("AccessDenied").into()),
            ),
        ];
        inv
    }

    #[test]
    fn every_aes256_algorithm_passes_by_default() {
        let mut inv = buckets();
        inv.buckets.push(bucket(
            "b-dsse",
            Read::Value(Some(vec![rule("aws:kms:dsse")])),
        ));
        inv.buckets.push(bucket(
            "b-other",
            Read::Value(Some(vec![rule("SSE-FUTURE")])),
        ));
        let out = run::<S3DefaultEncryption>(&inv);
        expect(&out, "b-aes", Status::Pass);
        expect(&out, "b-kms", Status::Pass);
        expect(&out, "b-dsse", Status::Pass);
        let o = expect(&out, "b-other", Status::Fail);
        assert_eq!(o.evidence[0].value, "SSE-FUTURE");
    }

    #[test]
    fn none_aes_kms_and_unreadable_differ() {
        let p: Params = params(r#"allowed_algorithms = ["AES256"]"#);
        let out = run_with::<S3DefaultEncryption>(&ctx(), &buckets(), &p);
        let o = expect(&out, "b-none", Status::Fail);
        assert!(o.message.contains("no default encryption configuration"));
        expect(&out, "b-aes", Status::Pass);
        let o = expect(&out, "b-kms", Status::Fail);
        assert_eq!(o.evidence[0].value, "aws:kms");
        assert!(o.message.contains("aws:kms"));
        let o = expect(&out, "b-denied", Status::Unknown);
        assert!(o.message.contains("AccessDenied"));
        assert!(
            o.evidence[0].note.contains("not allowed"),
            "the AWS message is kept"
        );
    }

    #[test]
    fn kms_can_be_allowed() {
        let p: Params = params(r#"allowed_algorithms = ["AES256", "aws:kms", "aws:kms:dsse"]"#);
        let out = run_with::<S3DefaultEncryption>(&ctx(), &buckets(), &p);
        expect(&out, "b-kms", Status::Pass);
        expect(&out, "b-none", Status::Fail);
        expect(&out, "b-denied", Status::Unknown);
        let err = |list: &[&str]| {
            S3DefaultEncryption::compile(&Params {
                allowed_algorithms: list.iter().map(|a| a.to_string()).collect(),
            })
            .unwrap_err()
        };
        assert_eq!(err(&[]).param, "allowed_algorithms");
        let e = err(&["AES256", "AES128"]);
        assert_eq!(e.index, Some(1));
        assert!(
            e.message.contains("no encryption algorithm \"AES128\""),
            "{e}"
        );
        // Written in another case, an algorithm is still S3's.
        let p: Params = params(r#"allowed_algorithms = ["aes256"]"#);
        let out = run_with::<S3DefaultEncryption>(&ctx(), &buckets(), &p);
        expect(&out, "b-aes", Status::Pass);
    }
}
