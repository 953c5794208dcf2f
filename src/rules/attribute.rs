//! Attribute rules: a promise stated as data over the fields of one kind
//! of resource, under AWS's own field names ([`crate::inventory::fields`]),
//! instead of through a built-in check.
//!
//! ```toml
//! [[rule]]
//! id = "DB-001"
//! # ... title, severity, area, promise, scope, exclude as for any rule
//! kind = "AWS::RDS::DBInstance"          # a CloudFormation type, or "*"
//! require = { field = "DeletionProtection", op = "eq", value = true }
//! ```
//!
//! `require` is one requirement or a list of them (all must hold). A
//! requirement names a `field` (a dotted path through structures and maps:
//! `Endpoint.Port`, `TagList.env`) and either an `op` with its `value`:
//!
//! | op | fits | value |
//! |----|------|-------|
//! | `eq`, `ne` | bool, int, double, string, timestamp | one of the field's type |
//! | `in`, `not_in` | bool, int, double, string, timestamp | a list of the field's type |
//! | `gte`, `lte` | int, double, timestamp | one of the field's type |
//! | `matches` | string | a regular expression the whole value must match |
//! | `present`, `absent` | any | none |
//! | `contains` | list (an element), string (a part), map (a key) | an element, a text or a key |
//!
//! or, for a list field, `every` or `any` with a requirement (or a list of
//! them) that every element, or at least one, must meet. Inside it,
//! `field` is a member of the element; without `field`, the element itself
//! is judged:
//!
//! ```toml
//! require = { field = "IpPermissions", every = { field = "IpProtocol", op = "ne", value = "-1" } }
//! require = { field = "EnabledCloudwatchLogsExports", any = { op = "eq", value = "audit" } }
//! ```
//!
//! Everything is checked at load against the kind's field catalogue: the
//! kind, each field path (with a "did you mean"), the value's type, the
//! operator's fit to the field's type, and regular expressions. Errors
//! point at the offending text of the rules file.

use std::fmt;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeValue, ValueDeserializer};

use serde::Deserialize;

use crate::diagnostic::Diagnostics;
use crate::expr;
use crate::inventory::fields::{self, FieldDoc};
use crate::inventory::{Dataset, Type, Value};

/// `kind = "*"`: every kind that has a field catalogue.
pub const EVERY_KIND: &str = "*";

/// A compiled attribute rule: which resources it judges, and how.
#[derive(Debug)]
pub struct Attribute {
    /// The kind as the rule writes it (`AWS::RDS::DBInstance`, `*`).
    pub kind: String,
    /// The datasets whose resources it judges.
    pub datasets: Vec<Dataset>,
    pub test: Test,
    /// `message`: a CEL string expression for a failing finding's text.
    pub message: Option<Cel>,
    /// `params`, as expressions see them (a map).
    pub params: Value,
}

/// What a resource must meet.
#[derive(Debug)]
pub enum Test {
    /// `require`: every requirement must hold.
    Require(Vec<Requirement>),
    /// `expr`: a CEL expression that must be true.
    Expr(Box<Cel>),
}

/// A compiled CEL expression (`expr` or `message`), with its source.
pub struct Cel {
    pub source: String,
    pub program: expr::Program,
    /// The detail datasets of the fields it reads (not the kind's own).
    pub needs: Vec<Dataset>,
}

impl fmt::Debug for Cel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cel").field("source", &self.source).finish()
    }
}

/// One requirement on one field.
#[derive(Debug)]
pub struct Requirement {
    /// The path from the resource (or the element of a list): the field,
    /// then members of structures or keys of maps. Empty inside
    /// `every`/`any` for the element itself.
    pub path: Vec<String>,
    /// The type the path leads to.
    pub ty: Type,
    /// The dataset that reads the field, when not the kind's own.
    pub needs: Option<Dataset>,
    pub op: Op,
}

/// An operator with its expected value, compiled.
#[derive(Debug)]
pub enum Op {
    Eq(Value),
    Ne(Value),
    In(Vec<Value>),
    NotIn(Vec<Value>),
    Gte(Value),
    Lte(Value),
    /// The regular expression as written, and compiled to match whole values.
    Matches(String, regex::Regex),
    Present,
    Absent,
    Contains(Value),
    Every(Vec<Requirement>),
    Any(Vec<Requirement>),
}

impl Requirement {
    /// The path as written (`Endpoint.Port`); `element` for the element
    /// itself.
    pub fn field(&self) -> String {
        if self.path.is_empty() {
            "element".to_string()
        } else {
            self.path.join(".")
        }
    }

    /// The datasets the requirement reads besides its kind's own.
    pub fn needs(&self, out: &mut Vec<Dataset>) {
        if let Some(d) = self.needs
            && !out.contains(&d)
        {
            out.push(d);
        }
        if let Op::Every(inner) | Op::Any(inner) = &self.op {
            for r in inner {
                r.needs(out);
            }
        }
    }
}

/// `DeletionProtection eq true`, as a rules file would say it.
impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.op)
        } else {
            write!(f, "{} {}", self.field(), self.op)
        }
    }
}

/// `eq true`, `in ["a", "b"]`, `every { IpProtocol ne "-1" }`.
impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |items: &[Value]| Value::List(items.to_vec()).to_string();
        match self {
            Op::Eq(v) => write!(f, "eq {v}"),
            Op::Ne(v) => write!(f, "ne {v}"),
            Op::In(vs) => write!(f, "in {}", list(vs)),
            Op::NotIn(vs) => write!(f, "not_in {}", list(vs)),
            Op::Gte(v) => write!(f, "gte {v}"),
            Op::Lte(v) => write!(f, "lte {v}"),
            Op::Matches(re, _) => write!(f, "matches {:?}", re),
            Op::Present => f.write_str("present"),
            Op::Absent => f.write_str("absent"),
            Op::Contains(v) => write!(f, "contains {v}"),
            Op::Every(inner) | Op::Any(inner) => {
                let word = if matches!(self, Op::Every(_)) {
                    "every"
                } else {
                    "any"
                };
                let parts: Vec<String> = inner.iter().map(|r| r.to_string()).collect();
                write!(f, "{word} {{ {} }}", parts.join(", "))
            }
        }
    }
}

impl Attribute {
    /// The datasets its fields need besides its kinds' own.
    pub fn needs(&self) -> Vec<Dataset> {
        let mut out = Vec::new();
        match &self.test {
            Test::Require(list) => {
                for r in list {
                    r.needs(&mut out);
                }
            }
            Test::Expr(cel) => out.extend(cel.needs.iter().copied()),
        }
        for d in self.message.iter().flat_map(|m| &m.needs) {
            if !out.contains(d) {
                out.push(*d);
            }
        }
        out
    }

    /// One line: `kind: AWS::RDS::DBInstance · require: A eq true and B present`.
    pub fn describe(&self) -> String {
        match &self.test {
            Test::Require(list) => {
                let shown: Vec<String> = list.iter().map(|r| r.to_string()).collect();
                format!("kind: {} · require: {}", self.kind, shown.join(" and "))
            }
            Test::Expr(cel) => format!("kind: {} · expr: {}", self.kind, one_line(&cel.source)),
        }
    }

    /// The CloudFormation types it judges (one, or every described kind).
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.datasets.iter().map(|d| d.resource_type()).collect();
        out.dedup();
        out
    }
}

/// The datasets of a kind (`AWS::RDS::DBInstance`, any case) that have a
/// field catalogue: usually one.
pub fn datasets_of(kind: &str) -> Vec<Dataset> {
    fields::DESCRIBED
        .iter()
        .copied()
        .filter(|d| d.resource_type().eq_ignore_ascii_case(kind))
        .collect()
}

/// The parts of a `[[rule]]` table that make it an attribute rule, as
/// read (see [`super::load`]).
pub(super) struct RawAttribute<'a> {
    pub kind: Option<Spanned<String>>,
    /// `require`'s value, with the spans of everything in it.
    pub require: Option<&'a Spanned<DeValue<'a>>>,
    pub expr: Option<Spanned<String>>,
    pub message: Option<Spanned<String>>,
    pub params: Option<Spanned<toml::Value>>,
}

impl RawAttribute<'_> {
    /// Whether the rule has any key of an attribute rule.
    pub fn any(&self) -> bool {
        self.kind.is_some()
            || self.require.is_some()
            || self.expr.is_some()
            || self.message.is_some()
            || self.params.is_some()
    }
}

/// Compiles the attribute part of rule `id`; problems go to `diags`.
/// `rule_span` is the whole rule's, for a missing key.
pub(super) fn compile(
    raw: RawAttribute<'_>,
    id: &str,
    rule_span: Range<usize>,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Attribute> {
    let before = diags.len();
    let Some(kind) = &raw.kind else {
        // Only reached for a rule without `checks` but with attribute keys.
        let at = raw
            .require
            .map(|r| r.span())
            .or(raw.expr.as_ref().map(|e| e.span()))
            .unwrap_or(rule_span);
        diags.push(
            text,
            at,
            format!("rule {id}: `require` and `expr` need `kind`, the kind of resource they judge (e.g. kind = \"AWS::RDS::DBInstance\")"),
        );
        return None;
    };
    let datasets = compile_kind(kind, id, text, diags);
    match (&raw.require, &raw.expr) {
        (Some(_), Some(e)) => diags.push(
            text,
            e.span(),
            format!("rule {id}: give either `require` or `expr`, not both"),
        ),
        (None, None) => diags.push(
            text,
            kind.span(),
            format!("rule {id}: a rule with `kind` needs `require` (field requirements) or `expr` (a CEL expression)"),
        ),
        _ => {}
    }
    if let Some(p) = &raw.params
        && raw.expr.is_none()
        && raw.message.is_none()
    {
        diags.push(
            text,
            p.span(),
            format!("rule {id}: `params` of an attribute rule are for its `expr` and `message`; `require` takes none"),
        );
    }
    let (param_types, params) = match &raw.params {
        Some(p) => compile_params(p, id, text, diags)?,
        None => (Vec::new(), Value::Map(Default::default())),
    };
    let datasets = datasets?;
    let every = kind.get_ref().trim() == EVERY_KIND;
    let catalogue = if every {
        Vec::new()
    } else {
        catalogue_of(&datasets)
    };
    let fields: Vec<(&'static str, Type)> = catalogue.iter().map(|f| (f.name, f.ty)).collect();
    let env = expr::Env {
        resource: (!every).then_some(fields.as_slice()),
        params: &param_types,
    };
    // Compiled before `expr` is, and both reported (not `?` here).
    let message = raw.message.as_ref().map(|m| {
        cel(
            m,
            expr::Kind::Message,
            &env,
            &catalogue,
            "message",
            id,
            text,
            diags,
        )
    });
    let message = match message {
        Some(None) => None,
        Some(Some(m)) => Some(m),
        None => None,
    };
    let test = match (raw.require, &raw.expr) {
        (Some(require), _) => {
            if every {
                diags.push(
                    text,
                    require.span(),
                    format!("rule {id}: a rule over every kind (kind = \"*\") cannot name fields: kinds have different fields; use one kind, or expr over meta"),
                );
                return None;
            }
            let root = Root::Fields(&catalogue);
            Test::Require(requirements(require, &root, id, text, diags)?)
        }
        (None, Some(e)) => Test::Expr(Box::new(cel(
            e,
            expr::Kind::Predicate,
            &env,
            &catalogue,
            "expr",
            id,
            text,
            diags,
        )?)),
        (None, None) => return None,
    };
    if diags.len() > before {
        return None;
    }
    Some(Attribute {
        kind: kind.get_ref().clone(),
        datasets,
        test,
        message,
        params,
    })
}

/// Compiles a CEL expression written in the rules file at `source`'s
/// span; its errors point inside the string (basic or literal, single- or
/// multi-line), with the engine's hint.
#[allow(clippy::too_many_arguments)]
fn cel(
    source: &Spanned<String>,
    kind: expr::Kind,
    env: &expr::Env<'_>,
    catalogue: &[FieldDoc],
    what: &str,
    id: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Cel> {
    match expr::compile(source.get_ref(), kind, env) {
        Ok(program) => {
            let mut needs = Vec::new();
            for path in program.resource_paths() {
                let found = path
                    .first()
                    .and_then(|name| catalogue.iter().find(|f| f.name == name.as_str()))
                    .and_then(|f| f.needs);
                if let Some(d) = found
                    && !needs.contains(&d)
                {
                    needs.push(d);
                }
            }
            Some(Cel {
                source: source.get_ref().clone(),
                program,
                needs,
            })
        }
        Err(errors) => {
            let span = source.span();
            for e in errors {
                let start = string_offset(text, span.clone(), e.span.start);
                let end = string_offset(text, span.clone(), e.span.end).max(start);
                let mut m = format!("rule {id}: {what}: {}", e.message);
                if let Some(help) = e.help {
                    m.push_str(&format!("; {help}"));
                }
                diags.push(text, start..end, m);
            }
            None
        }
    }
}

/// The rule's `params` as expressions see them: their types (for the
/// load-time checks) and their values (a map).
fn compile_params(
    raw: &Spanned<toml::Value>,
    id: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<(Vec<(String, Type)>, Value)> {
    let Some(table) = raw.get_ref().as_table() else {
        diags.push(
            text,
            raw.span(),
            format!("rule {id}: `params` is a table, {{ name = value, ... }}"),
        );
        return None;
    };
    let mut types = Vec::new();
    let mut values = std::collections::BTreeMap::new();
    let mut ok = true;
    for (name, value) in table {
        match param(value) {
            Some((ty, v)) => {
                types.push((name.clone(), ty));
                values.insert(name.clone(), v);
            }
            None => {
                ok = false;
                diags.push(
                    text,
                    raw.span(),
                    format!("rule {id}: params.{name}: a parameter is a bool, number, text, date-time, a list of one of those, or a table of texts"),
                );
            }
        }
    }
    ok.then_some((types, Value::Map(values)))
}

/// A parameter's type and value.
fn param(value: &toml::Value) -> Option<(Type, Value)> {
    let scalar = |v: &toml::Value| -> Option<(Type, Value)> {
        Some(match v {
            toml::Value::Boolean(b) => (Type::Bool, Value::Bool(*b)),
            toml::Value::Integer(i) => (Type::Int, Value::Int(*i)),
            toml::Value::Float(x) => (Type::Float, Value::Float(*x)),
            toml::Value::String(s) => (Type::String, Value::String(s.clone())),
            toml::Value::Datetime(d) => (
                Type::Timestamp,
                Value::Timestamp(d.to_string().parse().ok()?),
            ),
            _ => return None,
        })
    };
    match value {
        toml::Value::Array(items) => {
            let mut element = None;
            let mut out = Vec::new();
            for item in items {
                let (ty, v) = scalar(item)?;
                if element.is_some_and(|e| e != ty) {
                    return None;
                }
                element = Some(ty);
                out.push(v);
            }
            let ty: &'static Type = match element.unwrap_or(Type::String) {
                Type::Bool => &Type::Bool,
                Type::Int => &Type::Int,
                Type::Float => &Type::Float,
                Type::Timestamp => &Type::Timestamp,
                _ => &Type::String,
            };
            Some((Type::List(ty), Value::List(out)))
        }
        toml::Value::Table(t) => {
            let mut out = std::collections::BTreeMap::new();
            for (k, v) in t {
                out.insert(k.clone(), Value::String(v.as_str()?.to_string()));
            }
            Some((Type::Map(&Type::String), Value::Map(out)))
        }
        other => scalar(other),
    }
}

/// An expression on one line, for listings.
pub fn one_line(source: &str) -> String {
    source.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The datasets `kind` names, or an error at it.
fn compile_kind(
    kind: &Spanned<String>,
    id: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<Dataset>> {
    let name = kind.get_ref().trim();
    if name == EVERY_KIND {
        return Some(fields::DESCRIBED.to_vec());
    }
    let found = datasets_of(name);
    if !found.is_empty() {
        return Some(found);
    }
    let described: Vec<&str> = described_kinds();
    let known_type = Dataset::ALL
        .iter()
        .find(|d| d.resource_type().eq_ignore_ascii_case(name) || d.name() == name);
    let mut message = match known_type {
        Some(d) => format!(
            "rule {id}: conform has no field catalogue for {} yet (`conform fields` lists the kinds that have one)",
            d.resource_type(),
        ),
        None => format!(
            "rule {id}: unknown kind {name:?}: kinds are CloudFormation types with a field catalogue (`conform fields` lists them), or \"*\" for all of them",
        ),
    };
    if known_type.is_none()
        && let Some(near) = closest(name, described.iter().copied())
    {
        message.push_str(&format!("; did you mean {near:?}?"));
    }
    diags.push(text, kind.span(), message);
    None
}

/// The CloudFormation types that have a field catalogue, in the table's
/// order, once each.
pub fn described_kinds() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for d in fields::DESCRIBED {
        if !out.contains(&d.resource_type()) {
            out.push(d.resource_type());
        }
    }
    out
}

/// The fields every dataset of the kind has (the first dataset's, kept
/// when the others have them too).
fn catalogue_of(datasets: &[Dataset]) -> Vec<FieldDoc> {
    let all: Vec<Vec<FieldDoc>> = datasets
        .iter()
        .filter_map(|d| fields::catalogue(*d))
        .map(|c| c.fields)
        .collect();
    let Some((first, rest)) = all.split_first() else {
        return Vec::new();
    };
    first
        .iter()
        .filter(|f| rest.iter().all(|o| o.iter().any(|g| g.name == f.name)))
        .copied()
        .collect()
}

/// What a requirement's `field` starts from.
enum Root<'a> {
    /// The resource: its catalogue's fields.
    Fields(&'a [FieldDoc]),
    /// An element of a list, of this type.
    Element(Type),
}

/// One requirement (a table) or a list of them.
fn requirements(
    value: &Spanned<DeValue<'_>>,
    root: &Root<'_>,
    id: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Vec<Requirement>> {
    match value.get_ref() {
        DeValue::Table(_) => Some(vec![requirement(value, root, id, text, diags)?]),
        DeValue::Array(items) if !items.is_empty() => {
            let mut out = Vec::new();
            let mut ok = true;
            for item in items.iter() {
                match requirement(item, root, id, text, diags) {
                    Some(r) => out.push(r),
                    None => ok = false,
                }
            }
            ok.then_some(out)
        }
        DeValue::Array(_) => {
            diags.push(
                text,
                value.span(),
                format!("rule {id}: an empty list of requirements requires nothing"),
            );
            None
        }
        other => {
            diags.push(
                text,
                value.span(),
                format!(
                    "rule {id}: a requirement is a table ({{ field = \"...\", op = \"...\", value = ... }}) or a list of them, not {}",
                    other.type_str()
                ),
            );
            None
        }
    }
}

const KEYS: &[&str] = &["field", "op", "value", "every", "any"];
const OPS: &[&str] = &[
    "eq", "ne", "in", "not_in", "gte", "lte", "matches", "present", "absent", "contains",
];

/// One requirement table.
fn requirement(
    value: &Spanned<DeValue<'_>>,
    root: &Root<'_>,
    id: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Requirement> {
    let DeValue::Table(table) = value.get_ref() else {
        diags.push(
            text,
            value.span(),
            format!(
                "rule {id}: a requirement is a table ({{ field = \"...\", op = \"...\", value = ... }}), not {}",
                value.get_ref().type_str()
            ),
        );
        return None;
    };
    let before = diags.len();
    for (key, _) in table.iter() {
        if !KEYS.contains(&key.get_ref().as_ref()) {
            let mut m = format!(
                "rule {id}: unknown key `{}` in a requirement (known: {})",
                key.get_ref(),
                KEYS.join(", ")
            );
            if let Some(near) = closest(key.get_ref(), KEYS.iter().copied()) {
                m.push_str(&format!("; did you mean `{near}`?"));
            }
            diags.push(text, key.span(), m);
        }
    }
    let string = |key: &str, diags: &mut Diagnostics| -> Option<Spanned<String>> {
        let v = table.get(key)?;
        match v.get_ref().as_str() {
            Some(s) => Some(Spanned::new(v.span(), s.to_string())),
            None => {
                diags.push(
                    text,
                    v.span(),
                    format!(
                        "rule {id}: `{key}` must be a text in quotes, not {}",
                        v.get_ref().type_str()
                    ),
                );
                None
            }
        }
    };
    let field = string("field", diags);
    let op = string("op", diags);
    if diags.len() > before {
        return None;
    }
    // The field: required at the top; inside every/any, absent means the
    // element itself.
    let (path, ty, needs) = match (&field, root) {
        (Some(f), _) => match resolve(f.get_ref(), root) {
            Ok(found) => found,
            Err(m) => {
                diags.push(text, f.span(), format!("rule {id}: {m}"));
                return None;
            }
        },
        (None, Root::Element(ty)) => (Vec::new(), *ty, None),
        (None, Root::Fields(_)) => {
            diags.push(
                text,
                value.span(),
                format!("rule {id}: a requirement needs `field`, the AWS field it judges"),
            );
            return None;
        }
    };
    let shown = field
        .as_ref()
        .map(|f| f.get_ref().clone())
        .unwrap_or_else(|| "the element".to_string());
    let every = table.get("every");
    let any = table.get("any");
    let expected = table.get("value");
    let op = match (op, every, any) {
        (Some(op), None, None) => {
            compile_op(&op, expected, ty, &shown, value.span(), id, text, diags)?
        }
        (None, Some(inner), None) | (None, None, Some(inner)) => {
            let word = if every.is_some() { "every" } else { "any" };
            let Type::List(element) = ty else {
                diags.push(
                    text,
                    key_span(table, word),
                    format!(
                        "rule {id}: `{word}` judges the elements of a list, and {shown} is {ty}"
                    ),
                );
                return None;
            };
            if let Some(v) = expected {
                diags.push(
                    text,
                    v.span(),
                    format!("rule {id}: `{word}` takes no `value`: its requirements say what the elements must be"),
                );
                return None;
            }
            let inner = requirements(inner, &Root::Element(*element), id, text, diags)?;
            if every.is_some() {
                Op::Every(inner)
            } else {
                Op::Any(inner)
            }
        }
        (None, None, None) => {
            diags.push(
                text,
                value.span(),
                format!(
                    "rule {id}: a requirement needs `op` (one of {}), or `every`/`any` for a list",
                    OPS.join(", ")
                ),
            );
            return None;
        }
        _ => {
            let at = every.or(any).map(|v| v.span()).unwrap_or(value.span());
            diags.push(
                text,
                at,
                format!("rule {id}: a requirement has one of `op`, `every` and `any`"),
            );
            return None;
        }
    };
    Some(Requirement {
        path,
        ty,
        needs,
        op,
    })
}

/// The span of `key` in `table` (its key), else of the whole table.
fn key_span(table: &toml::de::DeTable<'_>, key: &str) -> Range<usize> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(k, _)| k.span())
        .unwrap_or(0..0)
}

/// Compiles `op` with its `value` for a field of type `ty`.
#[allow(clippy::too_many_arguments)]
fn compile_op(
    op: &Spanned<String>,
    expected: Option<&Spanned<DeValue<'_>>>,
    ty: Type,
    shown: &str,
    table_span: Range<usize>,
    id: &str,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<Op> {
    let name = op.get_ref().as_str();
    if !OPS.contains(&name) {
        let mut m = format!("rule {id}: unknown op {name:?} (ops: {})", OPS.join(", "));
        if let Some(near) = closest(name, OPS.iter().copied()) {
            m.push_str(&format!("; did you mean {near:?}?"));
        }
        if matches!(name, "every" | "any") {
            m = format!(
                "rule {id}: `{name}` is a key of its own: {{ field = \"...\", {name} = {{ ... }} }}"
            );
        }
        diags.push(text, op.span(), m);
        return None;
    }
    let scalar = is_scalar(ty);
    let fits = match name {
        "eq" | "ne" | "in" | "not_in" => scalar,
        "gte" | "lte" => matches!(ty, Type::Int | Type::Float | Type::Timestamp),
        "matches" => ty == Type::String,
        "contains" => match ty {
            Type::List(e) => is_scalar(*e),
            Type::String | Type::Map(_) => true,
            _ => false,
        },
        _ => true,
    };
    if !fits {
        let hint = match (name, ty) {
            (_, Type::List(_)) => "; for a list use contains, every or any",
            ("gte" | "lte", Type::String) => "; compare texts with eq, in or matches",
            _ => "",
        };
        diags.push(
            text,
            op.span(),
            format!("rule {id}: op {name} does not fit {shown}, which is {ty}{hint}"),
        );
        return None;
    }
    if matches!(name, "present" | "absent") {
        if let Some(v) = expected {
            diags.push(
                text,
                v.span(),
                format!("rule {id}: op {name} takes no `value`"),
            );
            return None;
        }
        return Some(if name == "present" {
            Op::Present
        } else {
            Op::Absent
        });
    }
    let Some(expected) = expected else {
        diags.push(
            text,
            table_span,
            format!("rule {id}: op {name} needs a `value`"),
        );
        return None;
    };
    let raw = match toml::Value::deserialize(ValueDeserializer::from(expected.clone())) {
        Ok(v) => v,
        Err(e) => {
            diags.push(text, expected.span(), format!("rule {id}: {}", e.message()));
            return None;
        }
    };
    let one = |raw: &toml::Value, at: Range<usize>, ty: Type, diags: &mut Diagnostics| match convert(
        raw, ty,
    ) {
        Ok(v) => Some(v),
        Err(m) => {
            diags.push(text, at, format!("rule {id}: {shown} is {ty}: {m}"));
            None
        }
    };
    let op = match name {
        "eq" => Op::Eq(one(&raw, expected.span(), ty, diags)?),
        "ne" => Op::Ne(one(&raw, expected.span(), ty, diags)?),
        "gte" => Op::Gte(one(&raw, expected.span(), ty, diags)?),
        "lte" => Op::Lte(one(&raw, expected.span(), ty, diags)?),
        "in" | "not_in" => {
            let (Some(items), Some(spans)) = (raw.as_array(), expected.get_ref().as_array()) else {
                diags.push(
                    text,
                    expected.span(),
                    format!("rule {id}: op {name} needs a list of values, [...]"),
                );
                return None;
            };
            let mut values = Vec::new();
            for (item, at) in items.iter().zip(spans.iter()) {
                values.push(one(item, at.span(), ty, diags));
            }
            let values: Option<Vec<Value>> = values.into_iter().collect();
            if name == "in" {
                Op::In(values?)
            } else {
                Op::NotIn(values?)
            }
        }
        "matches" => {
            let Some(pattern) = raw.as_str() else {
                diags.push(
                    text,
                    expected.span(),
                    format!("rule {id}: op matches needs a regular expression in quotes"),
                );
                return None;
            };
            match regex::Regex::new(&format!("^(?:{pattern})$")) {
                Ok(re) => Op::Matches(pattern.to_string(), re),
                Err(e) => {
                    diags.push(
                        text,
                        expected.span(),
                        format!("rule {id}: bad regular expression: {}", regex_error(&e)),
                    );
                    return None;
                }
            }
        }
        "contains" => {
            let element = match ty {
                Type::List(e) => *e,
                _ => Type::String,
            };
            Op::Contains(one(&raw, expected.span(), element, diags)?)
        }
        _ => unreachable!("every op is listed in OPS"),
    };
    Some(op)
}

/// The last line of a regex error (the one that says what is wrong).
fn regex_error(e: &regex::Error) -> String {
    let s = e.to_string();
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(&s)
        .trim()
        .trim_start_matches("error: ")
        .to_string()
}

fn is_scalar(ty: Type) -> bool {
    matches!(
        ty,
        Type::Bool | Type::Int | Type::Float | Type::String | Type::Timestamp
    )
}

/// A value from the rules file as a value of type `ty`.
fn convert(raw: &toml::Value, ty: Type) -> Result<Value, String> {
    let found = match raw {
        toml::Value::String(s) => format!("found the text {s:?}"),
        toml::Value::Integer(i) => format!("found the number {i}"),
        toml::Value::Float(x) => format!("found the number {x}"),
        toml::Value::Boolean(b) => format!("found {b}"),
        toml::Value::Datetime(d) => format!("found the date {d}"),
        toml::Value::Array(_) => "found a list".to_string(),
        toml::Value::Table(_) => "found a table".to_string(),
    };
    let wanted = match ty {
        Type::Bool => "true or false",
        Type::Int => "a whole number",
        Type::Float => "a number",
        Type::String => "a text in quotes",
        Type::Timestamp => "a date and time (2026-01-01T00:00:00Z)",
        _ => "a single value",
    };
    let value = match (ty, raw) {
        (Type::Bool, toml::Value::Boolean(b)) => Some(Value::Bool(*b)),
        (Type::Int, toml::Value::Integer(i)) => Some(Value::Int(*i)),
        (Type::Float, toml::Value::Integer(i)) => Some(Value::Float(*i as f64)),
        (Type::Float, toml::Value::Float(x)) => Some(Value::Float(*x)),
        (Type::String, toml::Value::String(s)) => Some(Value::String(s.clone())),
        (Type::Timestamp, toml::Value::Datetime(d)) => {
            d.to_string().parse().ok().map(Value::Timestamp)
        }
        (Type::Timestamp, toml::Value::String(s)) => s.parse().ok().map(Value::Timestamp),
        _ => None,
    };
    value.ok_or_else(|| format!("{found} where {wanted} belongs"))
}

/// Follows a dotted path from `root`: its parts, the type it leads to and
/// the dataset that reads its field (when not the kind's own).
fn resolve(path: &str, root: &Root<'_>) -> Result<(Vec<String>, Type, Option<Dataset>), String> {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.trim().is_empty()) {
        return Err(format!(
            "field {path:?} is not a path of field names (e.g. \"Endpoint.Port\")"
        ));
    }
    let (mut ty, mut needs, rest) = match root {
        Root::Fields(catalogue) => {
            let first = parts[0];
            let Some(f) = catalogue.iter().find(|f| f.name == first) else {
                return Err(unknown_field(
                    first,
                    "the kind",
                    catalogue.iter().map(|f| f.name),
                ));
            };
            (f.ty, f.needs, &parts[1..])
        }
        Root::Element(ty) => (*ty, None, &parts[..]),
    };
    let mut walked: Vec<&str> = match root {
        Root::Fields(_) => vec![parts[0]],
        Root::Element(_) => Vec::new(),
    };
    for part in rest {
        let at = if walked.is_empty() {
            "the element".to_string()
        } else {
            walked.join(".")
        };
        ty = match ty {
            Type::Struct(members) => match members.iter().find(|m| m.name == *part) {
                Some(m) => m.ty,
                None => {
                    return Err(unknown_field(part, &at, members.iter().map(|m| m.name)));
                }
            },
            Type::Map(value) => *value,
            Type::List(_) => {
                return Err(format!(
                    "{at} is a list: judge its elements with `every` or `any` ({{ field = \"{at}\", every = {{ field = \"{part}\", ... }} }})"
                ));
            }
            other => return Err(format!("{at} is {other} and has no member {part:?}")),
        };
        walked.push(part);
    }
    needs = needs.filter(|_| matches!(root, Root::Fields(_)));
    Ok((parts.iter().map(|p| p.to_string()).collect(), ty, needs))
}

/// "unknown field `X` of Y; did you mean `Z`?"
fn unknown_field<'a>(name: &str, of: &str, known: impl Iterator<Item = &'a str> + Clone) -> String {
    let mut m = format!("unknown field `{name}` of {of}");
    match closest(name, known.clone()) {
        Some(near) => m.push_str(&format!("; did you mean `{near}`?")),
        None => {
            let all: Vec<&str> = known.collect();
            m.push_str(&format!(" (its fields: {})", all.join(", ")));
        }
    }
    m
}

/// The candidate closest in spelling to `name` (ignoring case), when it
/// is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    candidates
        .map(|c| (crate::regions::distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// The byte offset in the rules file of byte `offset` of a string value
/// as TOML decoded it, for errors inside the string (a CEL expression).
/// `span` is the string's span in `text`, quotes included. Handles basic
/// and literal strings, single- and multi-line (escapes, the newline
/// after the opening quotes, line-ending backslashes).
pub fn string_offset(text: &str, span: Range<usize>, offset: usize) -> usize {
    let raw = &text[span.clone()];
    let (quote, multi) = if raw.starts_with("\"\"\"") {
        ('"', true)
    } else if raw.starts_with("'''") {
        ('\'', true)
    } else if raw.starts_with('\'') {
        ('\'', false)
    } else {
        ('"', false)
    };
    let mut at = span.start + if multi { 3 } else { 1 };
    if multi {
        // A newline right after the opening quotes is trimmed.
        if text[at..].starts_with("\r\n") {
            at += 2;
        } else if text[at..].starts_with('\n') {
            at += 1;
        }
    }
    let end = span.end.saturating_sub(if multi { 3 } else { 1 }).max(at);
    let mut decoded = 0;
    let bytes = text.as_bytes();
    while at < end {
        let escape = quote == '"' && bytes[at] == b'\\';
        let next = bytes.get(at + 1).copied().unwrap_or(b' ');
        let dropped = escape && multi && matches!(next, b'\n' | b'\r' | b' ' | b'\t');
        if decoded >= offset && !dropped {
            break;
        }
        if escape {
            let (skip, produced) = match next {
                b'u' => (6, char_len(text, at + 2, 4)),
                b'U' => (10, char_len(text, at + 2, 8)),
                b'\n' | b'\r' | b' ' | b'\t' if multi => {
                    // Line-ending backslash: it and the white space after
                    // it are dropped.
                    let mut j = at + 1;
                    while j < end && matches!(bytes[j], b' ' | b'\t' | b'\n' | b'\r') {
                        j += 1;
                    }
                    (j - at, 0)
                }
                _ => (2, 1),
            };
            at += skip;
            decoded += produced;
            continue;
        }
        let c = text[at..].chars().next().map_or(1, char::len_utf8);
        at += c;
        decoded += c;
    }
    at.min(end)
}

/// The UTF-8 length of the char a `\u`/`\U` escape of `digits` hex digits
/// at `at` stands for.
fn char_len(text: &str, at: usize, digits: usize) -> usize {
    text.get(at..at + digits)
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .and_then(char::from_u32)
        .map_or(1, char::len_utf8)
}

/// A made-up kind's catalogue with a field of every type, for the tests
/// of requirements (the real catalogues change as kinds are described).
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::inventory::Member;

    const CIDR: Type = Type::Struct(&[Member {
        name: "CidrIp",
        ty: Type::String,
    }]);
    pub const PERMISSION: Type = Type::Struct(&[
        Member {
            name: "IpProtocol",
            ty: Type::String,
        },
        Member {
            name: "FromPort",
            ty: Type::Int,
        },
        Member {
            name: "IpRanges",
            ty: Type::List(&CIDR),
        },
    ]);

    const fn field(name: &'static str, ty: Type) -> FieldDoc {
        FieldDoc {
            name,
            ty,
            doc: "",
            needs: None,
        }
    }

    pub const CATALOGUE: &[FieldDoc] = &[
        field("DeletionProtection", Type::Bool),
        field("AllocatedStorage", Type::Int),
        field("Ratio", Type::Float),
        field("EngineVersion", Type::String),
        field("CreateTime", Type::Timestamp),
        field(
            "Endpoint",
            Type::Struct(&[
                Member {
                    name: "Address",
                    ty: Type::String,
                },
                Member {
                    name: "Port",
                    ty: Type::Int,
                },
            ]),
        ),
        field("Tags", Type::Map(&Type::String)),
        field("EnabledCloudwatchLogsExports", Type::List(&Type::String)),
        field("IpPermissions", Type::List(&PERMISSION)),
    ];

    /// Compiles `require = ...` (the TOML line `snippet`) against
    /// [`CATALOGUE`]; the error is the diagnostics as shown.
    pub fn compile(snippet: &str) -> Result<Vec<Requirement>, String> {
        let root = toml::de::DeTable::parse(snippet).map_err(|e| e.to_string())?;
        let require = root.get_ref().get("require").expect("require = ...");
        let mut diags = Diagnostics::new(std::path::Path::new("t.toml"));
        let out = requirements(
            require,
            &Root::Fields(CATALOGUE),
            "T-1",
            snippet,
            &mut diags,
        );
        match out {
            Some(list) if diags.is_empty() => Ok(list),
            _ => Err(diags.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(snippet: &str) -> String {
        let list = testing::compile(snippet).unwrap_or_else(|e| panic!("{snippet}: {e}"));
        let shown: Vec<String> = list.iter().map(|r| r.to_string()).collect();
        shown.join(" and ")
    }

    fn err(snippet: &str) -> String {
        testing::compile(snippet).expect_err(snippet)
    }

    #[test]
    fn every_operator_compiles_for_the_types_it_fits() {
        for (snippet, shown) in [
            (
                r#"require = { field = "DeletionProtection", op = "eq", value = true }"#,
                "DeletionProtection eq true",
            ),
            (
                r#"require = { field = "EngineVersion", op = "ne", value = "5.7" }"#,
                r#"EngineVersion ne "5.7""#,
            ),
            (
                r#"require = { field = "EngineVersion", op = "in", value = ["8.0", "8.4"] }"#,
                r#"EngineVersion in ["8.0", "8.4"]"#,
            ),
            (
                r#"require = { field = "AllocatedStorage", op = "not_in", value = [0] }"#,
                "AllocatedStorage not_in [0]",
            ),
            (
                r#"require = { field = "AllocatedStorage", op = "gte", value = 20 }"#,
                "AllocatedStorage gte 20",
            ),
            (
                r#"require = { field = "Ratio", op = "lte", value = 1 }"#,
                "Ratio lte 1",
            ),
            (
                r#"require = { field = "CreateTime", op = "gte", value = 2026-01-01T00:00:00Z }"#,
                r#"CreateTime gte timestamp("2026-01-01T00:00:00Z")"#,
            ),
            (
                r#"require = { field = "CreateTime", op = "lte", value = "2026-01-01T00:00:00Z" }"#,
                r#"CreateTime lte timestamp("2026-01-01T00:00:00Z")"#,
            ),
            (
                r#"require = { field = "EngineVersion", op = "matches", value = '8\.0\..*' }"#,
                r#"EngineVersion matches "8\\.0\\..*""#,
            ),
            (
                r#"require = { field = "Endpoint.Port", op = "ne", value = 3306 }"#,
                "Endpoint.Port ne 3306",
            ),
            (
                r#"require = { field = "Tags.env", op = "present" }"#,
                "Tags.env present",
            ),
            (
                r#"require = { field = "Endpoint", op = "absent" }"#,
                "Endpoint absent",
            ),
            (
                r#"require = { field = "EnabledCloudwatchLogsExports", op = "contains", value = "audit" }"#,
                r#"EnabledCloudwatchLogsExports contains "audit""#,
            ),
            (
                r#"require = { field = "Tags", op = "contains", value = "owner" }"#,
                r#"Tags contains "owner""#,
            ),
            (
                r#"require = { field = "IpPermissions", every = { field = "IpProtocol", op = "ne", value = "-1" } }"#,
                r#"IpPermissions every { IpProtocol ne "-1" }"#,
            ),
            (
                r#"require = { field = "EnabledCloudwatchLogsExports", any = { op = "eq", value = "audit" } }"#,
                r#"EnabledCloudwatchLogsExports any { eq "audit" }"#,
            ),
            (
                r#"require = { field = "IpPermissions", every = [{ field = "FromPort", op = "gte", value = 443 }, { field = "IpRanges", every = { field = "CidrIp", op = "ne", value = "0.0.0.0/0" } }] }"#,
                r#"IpPermissions every { FromPort gte 443, IpRanges every { CidrIp ne "0.0.0.0/0" } }"#,
            ),
            (
                r#"require = [{ field = "DeletionProtection", op = "eq", value = true }, { field = "Ratio", op = "gte", value = 0.5 }]"#,
                "DeletionProtection eq true and Ratio gte 0.5",
            ),
        ] {
            assert_eq!(ok(snippet), shown);
        }
    }

    #[test]
    fn load_errors_point_at_the_offending_text() {
        // (the snippet, the text the error points at, its message)
        for (snippet, at, expected) in [
            // A typo in a field, with a suggestion.
            (
                r#"require = { field = "DeletionProtecton", op = "eq", value = true }"#,
                r#""DeletionProtecton""#,
                "unknown field `DeletionProtecton` of the kind; did you mean `DeletionProtection`?",
            ),
            // A typo in a member of a structure.
            (
                r#"require = { field = "Endpoint.Prot", op = "eq", value = 1 }"#,
                r#""Endpoint.Prot""#,
                "unknown field `Prot` of Endpoint; did you mean `Port`?",
            ),
            // Values of the wrong type.
            (
                r#"require = { field = "DeletionProtection", op = "eq", value = "yes" }"#,
                r#""yes""#,
                r#"DeletionProtection is bool: found the text "yes" where true or false belongs"#,
            ),
            (
                r#"require = { field = "AllocatedStorage", op = "in", value = [20, "30"] }"#,
                r#""30""#,
                r#"AllocatedStorage is int: found the text "30" where a whole number belongs"#,
            ),
            (
                r#"require = { field = "CreateTime", op = "gte", value = "yesterday" }"#,
                r#""yesterday""#,
                r#"CreateTime is timestamp: found the text "yesterday" where a date and time (2026-01-01T00:00:00Z) belongs"#,
            ),
            // Operators that do not fit the type.
            (
                r#"require = { field = "EngineVersion", op = "gte", value = "8.0" }"#,
                r#""gte""#,
                "op gte does not fit EngineVersion, which is string; compare texts with eq, in or matches",
            ),
            (
                r#"require = { field = "DeletionProtection", every = { op = "eq", value = true } }"#,
                "every",
                "`every` judges the elements of a list, and DeletionProtection is bool",
            ),
            (
                r#"require = { field = "EnabledCloudwatchLogsExports", op = "eq", value = "audit" }"#,
                r#""eq""#,
                "op eq does not fit EnabledCloudwatchLogsExports, which is list(string); for a list use contains, every or any",
            ),
            (
                r#"require = { field = "EngineVersion", op = "equals", value = "8.0" }"#,
                r#""equals""#,
                r#"unknown op "equals" (ops: eq, ne, in, not_in, gte, lte, matches, present, absent, contains)"#,
            ),
            (
                r#"require = { field = "EngineVersion", op = "matches", value = "8.(0" }"#,
                r#""8.(0""#,
                "bad regular expression: unclosed group",
            ),
            (
                r#"require = { field = "Endpoint", op = "present", value = true }"#,
                "true",
                "op present takes no `value`",
            ),
            (
                r#"require = { field = "EngineVersion", op = "eq" }"#,
                "{",
                "op eq needs a `value`",
            ),
            (
                r#"require = { field = "IpPermissions.IpProtocol", op = "eq", value = "tcp" }"#,
                r#""IpPermissions.IpProtocol""#,
                "IpPermissions is a list: judge its elements with `every` or `any`",
            ),
            (
                r#"require = { field = "IpPermissions", every = { field = "IpProtcol", op = "ne", value = "-1" } }"#,
                r#""IpProtcol""#,
                "unknown field `IpProtcol` of the element; did you mean `IpProtocol`?",
            ),
            (
                r#"require = { feld = "EngineVersion", op = "eq", value = "8.0" }"#,
                "feld",
                "unknown key `feld` in a requirement (known: field, op, value, every, any); did you mean `field`?",
            ),
            (
                r#"require = { op = "eq", value = 1 }"#,
                "{",
                "a requirement needs `field`, the AWS field it judges",
            ),
            (
                "require = []",
                "[",
                "an empty list of requirements requires nothing",
            ),
            (
                r#"require = "DeletionProtection""#,
                r#""DeletionProtection""#,
                "a requirement is a table",
            ),
        ] {
            let e = err(snippet);
            let col = snippet.find(at).unwrap() + 1;
            let head = format!("t.toml:1:{col}: rule T-1: {expected}");
            assert!(
                e.starts_with(&head),
                "{snippet}\nwanted: {head}\n   got: {e}"
            );
            let underline = format!("\n  | {}{}", " ".repeat(col - 1), "^".repeat(at.len()));
            if at != "{" && at != "[" {
                assert!(e.ends_with(&underline), "{e}");
            }
        }
    }

    /// The one-rule pack with its `checks` line replaced by `lines`.
    fn pack(lines: &str) -> String {
        crate::rules::ONE_RULE_PACK.replace(
            r#"checks = [{ name = "log-retention", params = { min_days = 30 } }]"#,
            lines,
        )
    }

    fn pack_err(lines: &str) -> String {
        crate::rules::parse(std::path::Path::new("t.toml"), &pack(lines))
            .expect_err(lines)
            .to_string()
    }

    #[test]
    fn an_attribute_rule_loads_with_its_kind_and_requirements() {
        let text = pack(
            "kind = \"AWS::RDS::DBInstance\"\nrequire = { field = \"StorageEncrypted\", op = \"eq\", value = true }",
        );
        let loaded = crate::rules::parse(std::path::Path::new("t.toml"), &text).unwrap();
        let rule = &loaded.rules[0];
        let attribute = rule.attribute.as_ref().unwrap();
        assert_eq!(attribute.datasets, vec![Dataset::DbInstances]);
        assert_eq!(rule.checks.len(), 1);
        assert_eq!(rule.checks[0].doc().name, "require");
        assert_eq!(
            rule.checks[0].doc().summary,
            "AWS::RDS::DBInstance: StorageEncrypted eq true"
        );
        assert_eq!(
            loaded.datasets().into_iter().collect::<Vec<_>>(),
            vec![Dataset::DbInstances]
        );
    }

    #[test]
    fn rule_level_errors_name_kind_and_keys() {
        let e = pack_err(
            "kind = \"AWS::RDS::DBInstanse\"\nrequire = { field = \"StorageEncrypted\", op = \"eq\", value = true }",
        );
        assert!(
            e.starts_with("t.toml:7:8: rule LOG-001: unknown kind \"AWS::RDS::DBInstanse\"")
                && e.contains("did you mean \"AWS::RDS::DBInstance\"?"),
            "{e}"
        );
        let e = pack_err(
            "kind = \"AWS::ElasticLoadBalancingV2::SSLPolicy\"\nrequire = { field = \"Name\", op = \"eq\", value = true }",
        );
        assert!(
            e.contains("rule LOG-001: conform has no field catalogue for AWS::ElasticLoadBalancingV2::SSLPolicy yet"),
            "{e}"
        );
        let e = pack_err("kind = \"AWS::RDS::DBInstance\"");
        assert!(
            e.starts_with("t.toml:7:8: rule LOG-001: a rule with `kind` needs `require`"),
            "{e}"
        );
        let e = pack_err(
            "kind = \"AWS::RDS::DBInstance\"\nrequire = { field = \"StorageEncrypted\", op = \"eq\", value = true }\nexpr = \"true\"",
        );
        assert!(
            e.contains("t.toml:9:8: rule LOG-001: give either `require` or `expr`, not both"),
            "{e}"
        );
        let e = pack_err(
            "checks = [{ name = \"rds-not-public\" }]\nkind = \"AWS::RDS::DBInstance\"\nrequire = { field = \"StorageEncrypted\", op = \"eq\", value = true }",
        );
        assert!(
            e.starts_with(
                "t.toml:8:8: rule LOG-001: a rule has either `checks` (built-in checks) or `kind`"
            ),
            "{e}"
        );
        let e = pack_err("require = { field = \"StorageEncrypted\", op = \"eq\", value = true }");
        assert!(
            e.starts_with("t.toml:7:11: rule LOG-001: `require` and `expr` need `kind`"),
            "{e}"
        );
        let e = pack_err("");
        assert!(
            e.contains("rule LOG-001 has no checks: give `checks = [...]`"),
            "{e}"
        );
        let e = pack_err(
            "kind = \"*\"\nrequire = { field = \"StorageEncrypted\", op = \"eq\", value = true }",
        );
        assert!(
            e.contains("a rule over every kind (kind = \"*\") cannot name fields"),
            "{e}"
        );
        // Every problem of the rule is reported, each at its place.
        let e = pack_err(
            "kind = \"AWS::RDS::DBInstance\"\nrequire = [{ field = \"StorageEncryptd\", op = \"eq\", value = true }, { field = \"MultiAZ\", op = \"eq\", value = 1 }]",
        );
        assert!(
            e.contains("t.toml:8:22: rule LOG-001: unknown field `StorageEncryptd`"),
            "{e}"
        );
        assert!(
            e.contains("t.toml:8:108: rule LOG-001: MultiAZ is bool: found the number 1"),
            "{e}"
        );
        assert!(e.ends_with("t.toml: 2 errors"), "{e}");
    }

    #[test]
    fn expression_errors_point_inside_basic_and_multi_line_literal_strings() {
        // A basic string with escaped quotes before the typo.
        let e = pack_err(
            "kind = \"AWS::RDS::DBInstance\"\nexpr = \"resource.Engine == \\\"mysql\\\" && resource.StorageEncryptd\"",
        );
        let line = "expr = \"resource.Engine == \\\"mysql\\\" && resource.StorageEncryptd\"";
        let col = line.find("resource.StorageEncryptd").unwrap() + 1;
        assert!(
            e.starts_with(&format!(
                "t.toml:8:{col}: rule LOG-001: expr: `resource.StorageEncryptd`"
            )),
            "{e}"
        );
        assert!(e.contains("did you mean `StorageEncrypted`?"), "{e}");
        assert!(
            e.ends_with(&format!("\n  | {}{}", " ".repeat(col - 1), "^".repeat(24))),
            "{e}"
        );
        // A multi-line literal string: the typo on its second line.
        let e = pack_err(
            "kind = \"AWS::RDS::DBInstance\"\nexpr = '''\nresource.MultiAZ &&\n    resource.PubliclyAccesible == false\n'''",
        );
        assert!(
            e.starts_with("t.toml:10:5: rule LOG-001: expr: `resource.PubliclyAccesible`"),
            "{e}"
        );
        assert!(e.ends_with("\n   |     ^^^^^^^^^^^^^^^^^^^^^^^^^^"), "{e}");
        // message is checked too, and params by their types.
        let e = pack_err(
            "kind = \"AWS::RDS::DBInstance\"\nparams = { days = 7 }\nexpr = \"resource.BackupRetentionPeriod >= params.dayz\"",
        );
        assert!(
            e.starts_with("t.toml:9:50: rule LOG-001: expr: unknown parameter `params.dayz`; did you mean `params.days`?"),
            "{e}"
        );
        let e = pack_err(
            "kind = \"AWS::RDS::DBInstance\"\nexpr = \"resource.MultiAZ\"\nmessage = \"resource.MultiAZ\"",
        );
        assert!(e.contains("t.toml:9:12: rule LOG-001: message: "), "{e}");
        // resource is not available over every kind.
        let e = pack_err("kind = \"*\"\nexpr = \"resource.MultiAZ\"");
        assert!(e.contains("t.toml:8:9: rule LOG-001: expr: "), "{e}");
    }

    #[test]
    fn kinds_are_cloudformation_types_with_a_catalogue() {
        assert_eq!(
            datasets_of("AWS::RDS::DBInstance"),
            vec![Dataset::DbInstances]
        );
        assert_eq!(
            datasets_of("aws::rds::dbinstance"),
            vec![Dataset::DbInstances]
        );
        assert!(datasets_of("AWS::RDS::DBInstances").is_empty());
        assert_eq!(
            closest("AWS::RDS::DBInstances", described_kinds().into_iter()),
            Some("AWS::RDS::DBInstance")
        );
    }

    #[test]
    fn offsets_inside_strings_map_to_the_file() {
        // Basic string with escapes: decoded `a"é\tX` (X at byte 5).
        let text = "e = \"a\\\"\\u00e9\\tX\"\n";
        let span = 4..text.len() - 1;
        let x = text.find('X').unwrap();
        assert_eq!(string_offset(text, span.clone(), 5), x);
        assert_eq!(string_offset(text, span, 0), 5);
        // Multi-line literal: the first newline is trimmed, no escapes.
        let text = "e = '''\nresource.A &&\n  resource.\\B'''\n";
        let span = 4..text.len() - 1;
        let decoded = "resource.A &&\n  resource.\\B";
        let b = decoded.find("\\B").unwrap();
        assert_eq!(string_offset(text, span, b), text.find("\\B").unwrap());
        // Multi-line basic with a line-ending backslash.
        let text = "e = \"\"\"\nA \\\n    B\"\"\"";
        let span = 4..text.len();
        // Decoded: "A B"; B at 2.
        assert_eq!(string_offset(text, span, 2), text.find('B').unwrap());
        // Literal single-line.
        let text = "e = 'x.y'";
        assert_eq!(string_offset(text, 4..9, 2), 7);
    }
}
