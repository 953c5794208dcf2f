//! One test per CEL feature the documentation promises, each compile-time
//! error with its span, absent fields, reads and first failing elements.

use std::collections::BTreeMap;

use super::*;
use crate::inventory::Member;

const ENDPOINT: &[Member] = &[
    Member {
        name: "Address",
        ty: Type::String,
    },
    Member {
        name: "Port",
        ty: Type::Int,
    },
];

const IP_RANGE: &[Member] = &[Member {
    name: "CidrIp",
    ty: Type::String,
}];

const PERMISSION: &[Member] = &[
    Member {
        name: "FromPort",
        ty: Type::Int,
    },
    Member {
        name: "ToPort",
        ty: Type::Int,
    },
    Member {
        name: "IpRanges",
        ty: Type::List(&Type::Struct(IP_RANGE)),
    },
];

/// A made-up kind with a field of each type.
const FIELDS: &[(&str, Type)] = &[
    ("DBInstanceIdentifier", Type::String),
    ("DeletionProtection", Type::Bool),
    ("BackupRetentionPeriod", Type::Int),
    ("Engine", Type::String),
    ("EngineVersion", Type::String),
    ("KmsKeyId", Type::String),
    ("InstanceCreateTime", Type::Timestamp),
    ("Endpoint", Type::Struct(ENDPOINT)),
    ("EnabledCloudwatchLogsExports", Type::List(&Type::String)),
    ("IpPermissions", Type::List(&Type::Struct(PERMISSION))),
    ("Ratio", Type::Float),
    ("Labels", Type::Map(&Type::String)),
];

fn params_decl() -> Vec<(String, Type)> {
    vec![
        ("max_age_days".to_owned(), Type::Int),
        ("engines".to_owned(), Type::List(&Type::String)),
    ]
}

struct Fields(BTreeMap<String, Value>);

impl Resource for Fields {
    fn field(&self, name: &str) -> Option<Value> {
        self.0.get(name).cloned()
    }
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// A database with every field present but `KmsKeyId`.
fn db() -> Fields {
    let permission = |from: i64, to: i64, cidrs: &[&str]| {
        Value::record([
            ("FromPort", Some(Value::Int(from))),
            ("ToPort", Some(Value::Int(to))),
            (
                "IpRanges",
                Some(Value::List(
                    cidrs
                        .iter()
                        .map(|c| Value::record([("CidrIp", Some(Value::str(c)))]))
                        .collect(),
                )),
            ),
        ])
    };
    Fields(BTreeMap::from([
        ("DBInstanceIdentifier".to_owned(), Value::str("orders")),
        ("DeletionProtection".to_owned(), Value::Bool(false)),
        ("BackupRetentionPeriod".to_owned(), Value::Int(7)),
        ("Engine".to_owned(), Value::str("postgres")),
        ("EngineVersion".to_owned(), Value::str("15.4")),
        (
            "InstanceCreateTime".to_owned(),
            Value::Timestamp(ts("2026-01-01T00:00:00Z")),
        ),
        (
            "Endpoint".to_owned(),
            Value::record([
                ("Address", Some(Value::str("orders.example.com"))),
                ("Port", Some(Value::Int(5432))),
            ]),
        ),
        (
            "EnabledCloudwatchLogsExports".to_owned(),
            Value::strings(&["postgresql", "upgrade"]),
        ),
        (
            "IpPermissions".to_owned(),
            Value::List(vec![
                permission(443, 443, &["10.0.0.0/8"]),
                permission(22, 22, &["10.1.0.0/16", "0.0.0.0/0"]),
                permission(5432, 5432, &["0.0.0.0/0"]),
            ]),
        ),
        ("Ratio".to_owned(), Value::Float(0.5)),
        (
            "Labels".to_owned(),
            Value::Map(BTreeMap::from([("team".to_owned(), Value::str("data"))])),
        ),
    ]))
}

fn meta() -> Value {
    Value::record([
        ("account", Some(Value::str("111122223333"))),
        ("region", Some(Value::str("eu-north-1"))),
        (
            "arn",
            Some(Value::str("arn:aws:rds:eu-north-1:111122223333:db:orders")),
        ),
        ("kind", Some(Value::str("AWS::RDS::DBInstance"))),
        (
            "tags",
            Some(Value::Map(BTreeMap::from([(
                "Owner".to_owned(),
                Value::str("team-data"),
            )]))),
        ),
    ])
}

fn params() -> Value {
    Value::record([
        ("max_age_days", Some(Value::Int(90))),
        ("engines", Some(Value::strings(&["postgres", "mysql"]))),
    ])
}

const NOW: &str = "2026-11-25T12:00:00Z";

fn compile_as(source: &str, kind: Kind) -> Result<Program, Vec<ExprError>> {
    let params = params_decl();
    compile(
        source,
        kind,
        &Env {
            resource: Some(FIELDS),
            params: &params,
        },
    )
}

fn program(source: &str) -> Program {
    match compile_as(source, Kind::Predicate) {
        Ok(p) => p,
        Err(e) => panic!("{source}: {e:?}"),
    }
}

fn run_on(source: &str, resource: &Fields) -> Result<Outcome, EvalError> {
    let (meta, params) = (meta(), params());
    program(source).eval(&Vars {
        resource,
        meta: &meta,
        params: &params,
        now: ts(NOW),
    })
}

fn run(source: &str) -> Result<Outcome, EvalError> {
    run_on(source, &db())
}

/// The predicate's value on [`db`].
fn holds(source: &str) -> bool {
    match run(source) {
        Ok(Outcome {
            value: Value::Bool(b),
            ..
        }) => b,
        other => panic!("{source}: {other:?}"),
    }
}

/// The one error compiling `source` gives: its spanned text, message, help.
fn error(source: &str) -> (String, String, Option<String>) {
    let errors = match compile_as(source, Kind::Predicate) {
        Ok(_) => panic!("{source} compiled"),
        Err(e) => e,
    };
    assert_eq!(errors.len(), 1, "{source}: {errors:?}");
    let e = &errors[0];
    (
        source[e.span.clone()].to_owned(),
        e.message.clone(),
        e.help.clone(),
    )
}

// --- the CEL features the documentation promises ---

#[test]
fn literals_and_equality() {
    assert!(holds("true"));
    assert!(!holds("false"));
    assert!(holds(
        "1 == 1 && 1u == 1u && 1.5 == 1.5 && 'a' == \"a\" && r'\\d' == '\\\\d'"
    ));
    assert!(holds("[1, 2] == [1, 2] && {'k': 'v'} == {'k': 'v'}"));
    assert!(holds("null == null"));
    assert!(holds("resource.DeletionProtection == false"));
    assert!(holds("resource.Engine != 'mysql'"));
}

#[test]
fn int_uint_and_double_arithmetic() {
    assert!(holds("resource.BackupRetentionPeriod * 2 + 1 == 15"));
    assert!(holds(
        "resource.BackupRetentionPeriod / 2 == 3 && resource.BackupRetentionPeriod % 2 == 1"
    ));
    assert!(holds("-resource.BackupRetentionPeriod == -7"));
    assert!(holds("3u + 4u == 7u"));
    assert!(holds("resource.Ratio * 2.0 == 1.0"));
    // ints are 64-bit
    assert!(holds("9223372036854775807 > 0"));
    // numbers of different types compare by value
    assert!(holds(
        "resource.BackupRetentionPeriod >= 7.0 && resource.BackupRetentionPeriod == 7u"
    ));
}

#[test]
fn ordering_operators() {
    assert!(holds("resource.BackupRetentionPeriod >= 7"));
    assert!(holds("resource.BackupRetentionPeriod > 6"));
    assert!(!holds("resource.BackupRetentionPeriod < 7"));
    assert!(holds("resource.BackupRetentionPeriod <= 7"));
    assert!(holds("resource.EngineVersion < '16'"));
}

#[test]
fn logic_and_ternary() {
    assert!(holds(
        "!resource.DeletionProtection || resource.Engine == 'x'"
    ));
    assert!(holds(
        "resource.Engine == 'postgres' ? resource.Endpoint.Port == 5432 : false"
    ));
    assert!(holds("(resource.DeletionProtection ? 1 : 2) == 2"));
}

#[test]
fn string_functions() {
    assert!(holds("resource.Engine.contains('gres')"));
    assert!(holds("resource.Engine.startsWith('post')"));
    assert!(holds("resource.Engine.endsWith('gres')"));
    assert!(holds("resource.EngineVersion.matches('^1[45]\\\\.')"));
    assert!(holds("resource.Engine.matches('gre')"), "unanchored");
    assert!(holds(
        "size(resource.Engine) == 8 && resource.Engine.size() == 8"
    ));
    assert!(holds(
        "resource.Engine + '-' + resource.EngineVersion == 'postgres-15.4'"
    ));
}

#[test]
fn the_strings_extension() {
    assert!(holds("'PostGres'.lowerAscii() == resource.Engine"));
    assert!(holds("resource.Engine.upperAscii() == 'POSTGRES'"));
    assert!(holds("resource.EngineVersion.split('.') == ['15', '4']"));
    assert!(holds("resource.EngineVersion.replace('.', '-') == '15-4'"));
    assert!(holds("' x '.trim() == 'x'"));
    assert!(holds(
        "resource.EnabledCloudwatchLogsExports.join(',') == 'postgresql,upgrade'"
    ));
}

#[test]
fn sizes() {
    assert!(holds(
        "resource.EnabledCloudwatchLogsExports.size() == 2 && resource.Labels.size() == 1"
    ));
    assert!(holds(
        "size([]) == 0 && size({}) == 0 && resource.Engine.indexOf('gres') == 4"
    ));
}

#[test]
fn conversions() {
    assert!(holds("int(resource.EngineVersion.split('.')[0]) >= 15"));
    assert!(holds("double(resource.EngineVersion) > 15.3"));
    assert!(holds("string(resource.BackupRetentionPeriod) == '7'"));
    assert!(holds("uint(7) == 7u && bool('true')"));
    assert!(holds("type(resource.Engine) == string && type(1) == int"));
}

#[test]
fn in_lists_and_maps() {
    assert!(holds(
        "'postgresql' in resource.EnabledCloudwatchLogsExports"
    ));
    assert!(!holds("'audit' in resource.EnabledCloudwatchLogsExports"));
    assert!(holds("resource.Engine in ['postgres', 'mysql']"));
    assert!(holds(
        "'team' in resource.Labels && !('x' in resource.Labels)"
    ));
    assert!(holds("'Owner' in meta.tags"));
}

#[test]
fn lists_and_maps_index_and_size() {
    assert!(holds(
        "resource.EnabledCloudwatchLogsExports[0] == 'postgresql'"
    ));
    assert!(holds("size(resource.EnabledCloudwatchLogsExports) == 2"));
    assert!(holds(
        "resource.Labels['team'] == 'data' && resource.Labels.team == 'data'"
    ));
    assert!(holds("size(resource.Labels) == 1"));
    assert!(holds(
        "resource.IpPermissions[1].IpRanges[1].CidrIp == '0.0.0.0/0'"
    ));
    assert!(holds("[1, 2] + [3] == [1, 2, 3]"));
}

#[test]
fn has_tests_presence() {
    assert!(holds("has(resource.Engine)"));
    assert!(!holds("has(resource.KmsKeyId)"));
    assert!(holds("has(resource.Endpoint.Port)"));
    assert!(holds("has(meta.tags.Owner) && !has(meta.tags.CostCenter)"));
    // CEL's error semantics: the absent field is never read
    assert!(!holds(
        "has(resource.KmsKeyId) && resource.KmsKeyId.startsWith('arn:')"
    ));
    assert!(holds("!has(resource.KmsKeyId) || resource.KmsKeyId != ''"));
}

#[test]
fn macros_all_exists_exists_one_map_filter() {
    assert!(holds(
        "resource.EnabledCloudwatchLogsExports.all(e, e.size() > 3)"
    ));
    assert!(!holds("resource.IpPermissions.all(p, p.FromPort != 22)"));
    assert!(holds("resource.IpPermissions.exists(p, p.FromPort == 22)"));
    assert!(holds(
        "resource.IpPermissions.exists_one(p, p.FromPort == 443)"
    ));
    assert!(!holds(
        "resource.IpPermissions.exists_one(p, p.FromPort > 0)"
    ));
    assert!(holds(
        "resource.IpPermissions.map(p, p.FromPort) == [443, 22, 5432]"
    ));
    assert!(holds(
        "size(resource.IpPermissions.filter(p, p.IpRanges.exists(r, r.CidrIp == '0.0.0.0/0'))) == 2"
    ));
    assert!(
        holds("resource.Labels.all(k, k == 'team')"),
        "over a map: its keys"
    );
    assert!(holds("[].all(x, false)"));
}

#[test]
fn timestamps_durations_and_now() {
    assert!(holds("now - resource.InstanceCreateTime > duration('90d')"));
    assert!(holds(
        "now - resource.InstanceCreateTime < duration('8760h')"
    ));
    assert!(holds("resource.InstanceCreateTime < now"));
    assert!(holds(
        "resource.InstanceCreateTime == timestamp('2026-01-01T00:00:00Z')"
    ));
    assert!(holds(
        "resource.InstanceCreateTime + duration('24h') > timestamp('2026-01-01T23:00:00Z')"
    ));
    assert!(holds(
        "resource.InstanceCreateTime.getFullYear() == 2026 && now.getMonth() == 10"
    ));
    assert!(holds(
        "duration('1h30m') == duration('90m') && duration('1.5d') == duration('36h')"
    ));
    assert!(holds("int(resource.InstanceCreateTime) == 1767225600"));
    // 2026-01-01 was a Thursday; the scan's now a Wednesday
    assert!(holds(
        "resource.InstanceCreateTime.getDayOfWeek() == 4 && now.getDayOfWeek() == 3"
    ));
    assert!(holds(
        "now.getHours() == 12 && duration('36h').getHours() == 36"
    ));
    assert!(holds(
        "now - resource.InstanceCreateTime > duration(string(params.max_age_days * 24) + 'h')"
    ));
}

#[test]
fn params_and_meta() {
    assert!(holds("resource.Engine in params.engines"));
    assert!(holds("params.max_age_days == 90"));
    assert!(holds(
        "meta.region.startsWith('eu-') && meta.account == '111122223333'"
    ));
    assert!(holds(
        "meta.kind == 'AWS::RDS::DBInstance' && meta.arn.endsWith(':db:orders')"
    ));
    assert!(holds(
        "meta.tags.Owner == 'team-data' && meta.tags['Owner'] == 'team-data'"
    ));
}

#[test]
fn messages_are_strings() {
    let p = compile_as(
        "resource.DBInstanceIdentifier + ' keeps backups ' + string(resource.BackupRetentionPeriod) + ' days'",
        Kind::Message,
    )
    .unwrap();
    let (meta, params) = (meta(), params());
    let out = p
        .eval(&Vars {
            resource: &db(),
            meta: &meta,
            params: &params,
            now: ts(NOW),
        })
        .unwrap();
    assert_eq!(out.value, Value::str("orders keeps backups 7 days"));
}

#[test]
fn a_rule_over_every_kind_uses_meta_only() {
    let p = compile(
        "meta.region in ['eu-north-1']",
        Kind::Predicate,
        &Env {
            resource: None,
            params: &[],
        },
    )
    .unwrap();
    assert!(p.resource_paths().is_empty());
    let (meta, params) = (meta(), params());
    struct Nothing;
    impl Resource for Nothing {
        fn field(&self, _: &str) -> Option<Value> {
            panic!("read a field")
        }
    }
    let out = p
        .eval(&Vars {
            resource: &Nothing,
            meta: &meta,
            params: &params,
            now: ts(NOW),
        })
        .unwrap();
    assert_eq!(out.value, Value::Bool(true));
}

// --- compile-time errors, with their spans ---

#[test]
fn an_unknown_field_is_an_error_with_did_you_mean() {
    let (span, message, help) = error("resource.DeletionProtecton == true");
    assert_eq!(span, "resource.DeletionProtecton");
    assert!(
        message.contains("no field of this kind is called `DeletionProtecton`"),
        "{message}"
    );
    assert_eq!(help.as_deref(), Some("did you mean `DeletionProtection`?"));
    // case and underscores
    let (_, _, help) = error("resource.deletion_protection");
    assert_eq!(help.as_deref(), Some("did you mean `DeletionProtection`?"));
    // nothing near: where to look
    let (span, _, help) = error("resource.Nothing == 1");
    assert_eq!(span, "resource.Nothing");
    assert!(help.unwrap().contains("conform fields"));
}

#[test]
fn an_unknown_member_deep_in_a_path_is_an_error() {
    let (span, message, help) = error("1 < 2 && resource.Endpoint.Prot == 5432");
    assert_eq!(span, "resource.Endpoint.Prot");
    assert!(message.contains("`Prot`"), "{message}");
    assert_eq!(help.as_deref(), Some("did you mean `Port`?"));
    let (span, _, help) = error("resource.IpPermissions.all(p, p.FromPrt > 0)");
    assert_eq!(span, "p.FromPrt");
    assert_eq!(help.as_deref(), Some("did you mean `FromPort`?"));
    let (span, _, _) = error("resource.IpPermissions.all(p, p.IpRanges.all(r, r.Cidr != ''))");
    assert_eq!(span, "r.Cidr");
}

#[test]
fn has_is_checked_against_the_catalogue() {
    let (span, _, help) = error("has(resource.KmsKeyID)");
    assert_eq!(span, "resource.KmsKeyID");
    assert_eq!(help.as_deref(), Some("did you mean `KmsKeyId`?"));
}

#[test]
fn a_field_of_a_scalar_or_a_list_is_an_error() {
    let (span, message, _) = error("resource.Engine.Name == 'x'");
    assert_eq!(span, "resource.Engine.Name");
    assert!(message.contains("is a string"), "{message}");
    let (span, message, help) = error("resource.IpPermissions.FromPort == 22");
    assert_eq!(span, "resource.IpPermissions.FromPort");
    assert!(message.contains("is a list"), "{message}");
    assert!(help.unwrap().contains(".all("));
}

#[test]
fn unknown_variables_are_errors() {
    let (span, message, help) = error("resorce.Engine == 'x'");
    assert_eq!(span, "resorce");
    assert_eq!(message, "unknown variable `resorce`");
    assert_eq!(help.as_deref(), Some("did you mean `resource`?"));
    let (span, _, help) = error("true && DeletionProtection");
    assert_eq!(span, "DeletionProtection");
    assert_eq!(
        help.as_deref(),
        Some("did you mean `resource.DeletionProtection`?")
    );
    let (_, _, help) = error("x > 1");
    assert_eq!(
        help.as_deref(),
        Some("the variables are `resource`, `meta`, `params` and `now`")
    );
    // a comprehension's variable is known inside it only
    let (span, _, _) = error("resource.IpPermissions.all(p, true) && p.FromPort > 0");
    assert_eq!(span, "p");
}

#[test]
fn params_and_meta_are_checked() {
    let (span, message, help) = error("params.max_age > 1");
    assert_eq!(span, "max_age");
    assert_eq!(message, "unknown parameter `params.max_age`");
    assert_eq!(help.as_deref(), Some("did you mean `params.max_age_days`?"));
    let (span, _, help) = error("meta.regoin == 'x'");
    assert_eq!(span, "meta.regoin");
    assert_eq!(help.as_deref(), Some("did you mean `region`?"));
}

#[test]
fn resource_in_a_rule_over_every_kind_is_an_error() {
    let errors = compile(
        "resource.Engine == 'x'",
        Kind::Predicate,
        &Env {
            resource: None,
            params: &[],
        },
    )
    .err()
    .unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].span, 0..8);
    assert!(errors[0].message.contains("kind = \"*\""));
}

#[test]
fn comparing_a_field_with_a_literal_of_another_type_is_an_error() {
    let (span, message, help) = error("resource.DeletionProtection == \"true\"");
    assert_eq!(span, "resource.DeletionProtection == \"true\"");
    assert_eq!(
        message,
        "`resource.DeletionProtection` is a bool and `\"true\"` is a string: they are never equal"
    );
    assert_eq!(help.as_deref(), Some("write `true`, without quotes"));
    let (span, message, help) = error("resource.BackupRetentionPeriod > \"7\"");
    assert_eq!(span, "resource.BackupRetentionPeriod > \"7\"");
    assert!(message.starts_with("cannot compare"), "{message}");
    assert_eq!(help.as_deref(), Some("write `7`, without quotes"));
    let (span, _, _) = error("resource.Engine > 3");
    assert_eq!(span, "resource.Engine > 3");
    let (_, _, help) = error("resource.InstanceCreateTime < '2024-01-01T00:00:00Z'");
    assert_eq!(
        help.as_deref(),
        Some("write `timestamp('2024-01-01T00:00:00Z')`")
    );
    let (_, message, _) = error("resource.BackupRetentionPeriod in ['7']");
    assert!(message.contains("never in it"), "{message}");
    let (_, _, help) = error("resource.KmsKeyId != null");
    assert_eq!(
        help.as_deref(),
        Some("a field AWS did not return is absent, not null: write `has(resource.KmsKeyId)`")
    );
    let (_, message, _) = error("resource.Engine + 1 == 'x'");
    assert!(message.starts_with("no `+`"), "{message}");
    let (span, _, help) = error("resource.EnabledCloudwatchLogsExports.contains('audit')");
    assert_eq!(span, "resource.EnabledCloudwatchLogsExports");
    assert_eq!(
        help.as_deref(),
        Some("for an element of a list, write `x in resource.EnabledCloudwatchLogsExports`")
    );
}

#[test]
fn a_predicate_must_be_a_bool_and_a_message_a_string() {
    let (span, message, _) = error("'deletion protection'");
    assert_eq!(span, "'deletion protection'");
    assert!(message.contains("is a string"), "{message}");
    let (span, _, help) = error("resource.BackupRetentionPeriod");
    assert_eq!(span, "resource.BackupRetentionPeriod");
    assert_eq!(
        help.as_deref(),
        Some("compare it: `resource.BackupRetentionPeriod > 0`")
    );
    let (_, message, _) = error("resource.DeletionProtection && resource.Engine");
    assert_eq!(message, "`resource.Engine` is a string, not a bool");
    let errors = compile_as("resource.BackupRetentionPeriod", Kind::Message)
        .err()
        .unwrap();
    assert_eq!(
        errors[0].help.as_deref(),
        Some("write `string(resource.BackupRetentionPeriod)`")
    );
    // unknown types are not rejected
    assert!(compile_as("params.engines[0]", Kind::Message).is_ok());
    assert!(compile_as("dyn(resource.Engine)", Kind::Predicate).is_ok());
}

#[test]
fn invalid_literals_are_errors() {
    let (span, message, _) = error("now - resource.InstanceCreateTime > duration('90x')");
    assert_eq!(span, "duration('90x')");
    assert!(message.starts_with("invalid duration()"), "{message}");
    let (span, _, _) = error("resource.InstanceCreateTime > timestamp('2024-13-01')");
    assert_eq!(span, "timestamp('2024-13-01')");
    let (span, message, _) = error("resource.Engine.matches('(')");
    assert_eq!(span, "resource.Engine.matches('(')");
    assert!(message.starts_with("invalid matches()"), "{message}");
}

#[test]
fn unknown_functions_are_errors() {
    let (span, message, help) = error("resource.Engine.startswith('post')");
    assert_eq!(span, "resource.Engine.startswith('post')");
    assert_eq!(message, "unknown method `startswith` with 1 argument(s)");
    assert_eq!(help.as_deref(), Some("did you mean `startsWith`?"));
    let (span, _, help) = error("sise(resource.Engine) > 1");
    assert_eq!(span, "sise(resource.Engine)");
    assert_eq!(help.as_deref(), Some("did you mean `size`?"));
    let errors = compile_as(
        "resource.IpPermissions.all(p.FromPort > 0)",
        Kind::Predicate,
    )
    .err()
    .unwrap();
    assert_eq!(
        errors[0].help.as_deref(),
        Some("all() takes a variable and a condition: `list.all(x, x > 0)`")
    );
    // known functions with arguments of the wrong type are not unknown
    assert!(compile_as("size(1) == 1 || true", Kind::Predicate).is_ok());
    assert!(compile_as("optional.none().hasValue() || true", Kind::Predicate).is_ok());
}

#[test]
fn the_lists_extension() {
    assert!(holds(
        "[3, 1, 2].sort() == [1, 2, 3] && [1, 1, 2].distinct() == [1, 2]"
    ));
    assert!(holds(
        "[[1], [2, 3]].flatten() == [1, 2, 3] && [1, 2, 3].slice(1, 2) == [2]"
    ));
    assert!(holds(
        "resource.IpPermissions.map(p, p.FromPort).sort()[0] == 22"
    ));
}

#[test]
fn matches_with_a_literal_pattern_is_compiled_once() {
    let p = program("resource.Engine.matches('^post')");
    assert!(matches!(&p.expr.expr, Expr::Call(c) if c.func_name == MATCHES));
    assert!(holds(
        "resource.Engine.matches('^post') && !resource.Engine.matches('^my')"
    ));
    // a pattern that is not a literal: cel's matches
    assert!(holds("resource.Engine.matches(params.engines[0])"));
}

#[test]
fn syntax_errors_have_positions() {
    let errors = compile_as("resource.Engine == ", Kind::Predicate)
        .err()
        .unwrap();
    assert!(errors[0].message.starts_with("syntax error"), "{errors:?}");
    assert_eq!(errors[0].span.start, 19);
    let errors = compile_as("resource.Engine ==\n  'a' 'b'", Kind::Predicate)
        .err()
        .unwrap();
    assert_eq!(errors[0].span, 25..26, "{errors:?}");
    let errors = compile_as("", Kind::Predicate).err().unwrap();
    assert_eq!(errors[0].span, 0..0, "{errors:?}");
    let errors = compile_as("has(resource)", Kind::Predicate).err().unwrap();
    assert!(errors[0].message.contains("has()"), "{errors:?}");
}

#[test]
fn every_error_is_reported_at_once() {
    let errors = compile_as(
        "resource.Engin == 'x' && resource.Endpoint.Prot == 1",
        Kind::Predicate,
    )
    .err()
    .unwrap();
    assert_eq!(errors.len(), 2);
}

#[test]
fn valid_expressions_are_not_rejected() {
    for source in [
        "resource.Labels.anything == 'x' || true",
        "type(resource.Engine) == string",
        "dyn(resource.BackupRetentionPeriod) == '7' || true",
        "resource.IpPermissions.map(p, p.FromPort).all(x, x > 0)",
        "resource.IpPermissions.exists(p, p.IpRanges.size() > 0)",
        "[resource.Engine, 1].size() == 2",
        "{'a': resource.Engine}.a == 'postgres'",
        "resource.BackupRetentionPeriod == 7.0",
        "optional.of(1).hasValue()",
        "resource['Engine'] == 'postgres'",
        "size(resource) > 0",
        "'Engine' in resource",
        "resource.Labels.all(k, resource.Labels[k] != '')",
        "params.engines.exists(e, e == resource.Engine)",
        "1 in {1: 'a'} && {1: 'a'}[1] == 'a'",
        "{true: 1}.size() == 1",
    ] {
        assert!(
            compile_as(source, Kind::Predicate).is_ok(),
            "{source}: {:?}",
            compile_as(source, Kind::Predicate).err()
        );
    }
    assert!(holds("'Engine' in resource && size(resource) == 11"));
    assert!(holds("resource['Engine'] == 'postgres'"));
}

// --- evaluation: absent fields, reads, first failing ---

#[test]
fn reading_an_absent_field_is_absent_not_false() {
    assert_eq!(
        run("resource.KmsKeyId.startsWith('arn:')").err(),
        Some(EvalError::Absent("resource.KmsKeyId".to_owned()))
    );
    let mut no_port = db();
    no_port.0.insert(
        "Endpoint".to_owned(),
        Value::record([("Address", Some(Value::str("x")))]),
    );
    assert_eq!(
        run_on("resource.Endpoint.Port == 5432", &no_port).err(),
        Some(EvalError::Absent("resource.Endpoint.Port".to_owned()))
    );
    let mut no_range = db();
    no_range.0.insert(
        "IpPermissions".to_owned(),
        Value::List(vec![
            Value::record([("FromPort", Some(Value::Int(1)))]),
            Value::record([
                ("FromPort", Some(Value::Int(2))),
                ("ToPort", Some(Value::Int(2))),
            ]),
        ]),
    );
    assert_eq!(
        run_on("resource.IpPermissions.all(p, p.ToPort > 0)", &no_range).err(),
        Some(EvalError::Absent(
            "resource.IpPermissions[0].ToPort".to_owned()
        ))
    );
    // other errors are failures, with CEL's message
    match run("resource.BackupRetentionPeriod / 0 == 1") {
        Err(EvalError::Failed(m)) => assert!(m.contains("ivision by zero"), "{m}"),
        other => panic!("{other:?}"),
    }
    match run("meta.tags.CostCenter == 'x'") {
        Err(EvalError::Failed(m)) => assert!(m.contains("CostCenter"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn reads_are_the_fields_read_in_source_order_once_without_absent_ones() {
    let out = run(
        "resource.Endpoint.Port == 5432 && resource.Engine == 'postgres' && \
         (resource.Engine == 'x' || !has(resource.KmsKeyId)) && resource.DeletionProtection",
    )
    .unwrap();
    assert_eq!(out.value, Value::Bool(false));
    assert_eq!(
        out.reads,
        vec![
            ("resource.Endpoint.Port".to_owned(), Value::Int(5432)),
            ("resource.Engine".to_owned(), Value::str("postgres")),
            ("resource.DeletionProtection".to_owned(), Value::Bool(false)),
        ]
    );
    let out =
        run("resource.Labels['team'] == 'x' || resource.IpPermissions.all(p, p.FromPort > 0)")
            .unwrap();
    assert_eq!(
        out.reads[0],
        ("resource.Labels.team".to_owned(), Value::str("data"))
    );
    assert_eq!(out.reads[1].0, "resource.IpPermissions");
    assert_eq!(out.reads.len(), 2);
}

#[test]
fn resource_paths_are_what_the_expression_reads() {
    let p = program(
        "has(resource.KmsKeyId) && resource.Endpoint.Port > 0 && \
         resource.IpPermissions.all(p, p.FromPort > 0) && resource.Endpoint.Port < 9",
    );
    let paths: Vec<Vec<&str>> = p
        .resource_paths()
        .iter()
        .map(|p| p.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        paths,
        vec![
            vec!["KmsKeyId"],
            vec!["Endpoint", "Port"],
            vec!["IpPermissions"]
        ]
    );
}

#[test]
fn first_failing_is_the_first_element_an_all_rejects() {
    let out = run("resource.IpPermissions.all(p, p.FromPort != 22)").unwrap();
    assert_eq!(out.value, Value::Bool(false));
    let (path, value) = out.first_failing.unwrap();
    assert_eq!(path, "resource.IpPermissions[1]");
    assert_eq!(
        value.to_string(),
        r#"{"FromPort": 22, "IpRanges": [{"CidrIp": "10.1.0.0/16"}, {"CidrIp": "0.0.0.0/0"}], "ToPort": 22}"#
    );
    // nested: the innermost
    let out =
        run("resource.IpPermissions.all(p, p.IpRanges.all(r, r.CidrIp != '0.0.0.0/0'))").unwrap();
    let (path, value) = out.first_failing.unwrap();
    assert_eq!(path, "resource.IpPermissions[1].IpRanges[1]");
    assert_eq!(value.to_string(), r#"{"CidrIp": "0.0.0.0/0"}"#);
    // a true all(), or a false predicate without one that failed
    assert!(
        run("resource.IpPermissions.all(p, p.FromPort > 0)")
            .unwrap()
            .first_failing
            .is_none()
    );
    let out = run("resource.DeletionProtection && resource.IpPermissions.all(p, p.FromPort > 0)")
        .unwrap();
    assert_eq!(out.value, Value::Bool(false));
    assert!(out.first_failing.is_none());
    // the first all() that failed, in source order
    let out = run(
        "resource.EnabledCloudwatchLogsExports.all(e, e != 'upgrade') && resource.IpPermissions.all(p, p.FromPort != 22)",
    )
    .unwrap();
    assert_eq!(
        out.first_failing,
        Some((
            "resource.EnabledCloudwatchLogsExports[1]".to_owned(),
            Value::str("upgrade")
        ))
    );
    // a range that is not a path is named by its text
    let out = run("resource.IpPermissions.map(p, p.FromPort).all(x, x < 1000)").unwrap();
    assert_eq!(
        out.first_failing,
        Some((
            "resource.IpPermissions.map(p, p.FromPort)[2]".to_owned(),
            Value::Int(5432)
        ))
    );
}

#[test]
fn optional_fields() {
    let p = compile_as(
        "resource.?KmsKeyId.orValue('no key') + ' ' + resource.?Engine.orValue('')",
        Kind::Message,
    )
    .unwrap();
    assert_eq!(
        p.resource_paths(),
        &[vec!["KmsKeyId".to_owned()], vec!["Engine".to_owned()]]
    );
    let (meta, params) = (meta(), params());
    let out = p
        .eval(&Vars {
            resource: &db(),
            meta: &meta,
            params: &params,
            now: ts(NOW),
        })
        .unwrap();
    assert_eq!(out.value, Value::str("no key postgres"));
    let (span, _, help) = error("resource.?KmsKeyID.hasValue()");
    assert_eq!(span, "resource.?KmsKeyID");
    assert_eq!(help.as_deref(), Some("did you mean `KmsKeyId`?"));
}

#[test]
fn a_missing_map_key_is_absent() {
    assert_eq!(
        run("resource.Labels['owner'] == 'x'").err(),
        Some(EvalError::Absent("resource.Labels.owner".to_owned()))
    );
}

#[test]
fn programs_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Program>();
}

/// `cargo test --release --lib expr::tests::eval_cost -- --ignored --nocapture`
#[test]
#[ignore]
fn eval_cost() {
    let resource = db();
    let (meta, params) = (meta(), params());
    for source in [
        "resource.DeletionProtection",
        "resource.BackupRetentionPeriod >= params.max_age_days && resource.Engine in ['postgres', 'mysql']",
        "resource.IpPermissions.all(p, p.IpRanges.all(r, r.CidrIp != '0.0.0.0/0'))",
        "resource.IpPermissions.all(p, p.FromPort > 0)",
        "resource.EngineVersion.matches('^1[45]\\\\.')",
        "now - resource.InstanceCreateTime < duration('90d') && meta.tags.Owner != ''",
    ] {
        if std::env::var("EXPR_BENCH").is_ok_and(|only| !source.contains(&only)) {
            continue;
        }
        let p = program(source);
        let vars = Vars {
            resource: &resource,
            meta: &meta,
            params: &params,
            now: ts(NOW),
        };
        let n = 100_000;
        let (start, cpu) = (std::time::Instant::now(), cpu_ns());
        for _ in 0..n {
            std::hint::black_box(p.eval(&vars).unwrap());
        }
        let wall = start.elapsed().as_nanos() / n;
        let cpu = cpu_ns().map_or(0, |end| (end - cpu.unwrap_or(0)) / n);
        println!("{cpu:>7} ns/eval CPU ({wall} wall)  {source}");
    }
}

/// This thread's time on a CPU (Linux), for timing on a busy machine.
fn cpu_ns() -> Option<u128> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}
