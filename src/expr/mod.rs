//! Attribute rules' expressions: CEL (the Common Expression Language) over
//! a resource's fields, under AWS's own names.
//!
//! A rule's `expr` is a CEL expression that is true when the promise is
//! kept; its `message` is a CEL expression that gives the finding's text.
//! This module is conform's own interface over the CEL engine (the `cel`
//! crate, pinned): nothing else in conform names the engine.
//!
//! # Variables
//!
//! | variable   | type | what it is |
//! |------------|------|------------|
//! | `resource` | the kind's fields | the resource under judgement, with AWS's Describe field names (`resource.DeletionProtection`, `resource.Endpoint.Port`); `conform fields KIND` lists them with their types. A field AWS did not return is absent: `has(resource.KmsKeyId)` is false, and reading it makes the verdict unknown. Not available in rules over every kind (`kind = "*"`). |
//! | `meta`     | map | `meta.account`, `meta.region`, `meta.arn`, `meta.kind` (the CloudFormation type, `AWS::RDS::DBInstance`) and `meta.tags` (a map from tag key to value) |
//! | `params`   | map | the rule's parameters (`params.max_age_days`) |
//! | `now`      | timestamp | the time of the scan |
//!
//! # CEL supported
//!
//! - literals: `true`, `42` (int, 64-bit), `42u` (uint), `4.2` (double),
//!   `"text"` or `'text'` (string, `r"..."` raw), `null`, lists `[1, 2]`,
//!   maps `{"k": "v"}`;
//! - operators: `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`, `!`, `+`, `-`,
//!   `*`, `/`, `%`, the ternary `c ? a : b`, `x in list` and `key in map`,
//!   indexing `list[0]` and `map["key"]`;
//! - optional fields: `resource.?KmsKeyId.orValue("none")` (the default
//!   when the field is absent);
//! - macros: `has(resource.Field)`, `list.all(x, p)`, `list.exists(x, p)`,
//!   `list.exists_one(x, p)`, `list.map(x, f)`, `list.filter(x, p)` (over a
//!   map, they range over its keys);
//! - functions: `size(x)` / `x.size()` (strings, lists, maps),
//!   `s.contains(t)`, `s.startsWith(t)`, `s.endsWith(t)`, `s.matches(re)`
//!   (RE2-like syntax of the Rust `regex` crate, unanchored), the CEL
//!   strings extension (`s.lowerAscii()`, `s.upperAscii()`, `s.split(sep)`,
//!   `s.replace(a, b)`, `s.trim()`, `s.indexOf(t)`, `list.join(sep)`, ...),
//!   conversions `int(x)`, `uint(x)`, `double(x)`, `string(x)`, `bool(x)`,
//!   `type(x)`; the CEL lists extension (`list.sort()`, `list.distinct()`,
//!   `list.flatten()`, `list.slice(i, j)`, `list.reverse()`);
//! - timestamps and durations: `timestamp("2024-01-01T00:00:00Z")`,
//!   `duration("720h")` (units `h`, `m`, `s`, `ms`, `us`, `ns`; conform also
//!   accepts `d` for days: `duration("90d")`), `now - resource.CreateTime
//!   > duration("90d")`, comparisons of timestamps and of durations,
//!   `t.getFullYear()`, `t.getMonth()`, `t.getDayOfWeek()`, ...,
//!   `d.getHours()`, `int(t)` (seconds since the epoch).
//!
//! Checked when the rules are loaded, with the expression's line and
//! column: every `resource.A.B` path against the kind's catalogue (a typo
//! gets a "did you mean"), every `params.x` against the rule's parameters,
//! every variable and every function name; comparisons of a field with a value of another type
//! (`resource.DeletionProtection == "true"`); a predicate that cannot be a
//! bool and a message that cannot be a string; invalid `duration`,
//! `timestamp` and `matches` literals.
//!
//! When evaluated, a read of an absent field gives [`EvalError::Absent`]
//! (the verdict is unknown, never pass or fail); CEL's error semantics
//! hold, so `has(resource.X) && resource.X > 1` is false, not unknown, when
//! `X` is absent. A false predicate's [`Outcome`] names every field it
//! read, with its value, and the first element for which an `all()` failed.

mod check;
mod convert;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, LazyLock, RwLock};

use jiff::Timestamp;

use crate::inventory::{Type, Value};

use cel::common::ast::{Expr, IdedExpr};

/// What an expression may refer to, for compile-time checks.
pub struct Env<'a> {
    /// The fields of `resource` (a kind's catalogue); None = the rule is over
    /// every kind (`kind = "*"`), and any use of `resource` is an error.
    pub resource: Option<&'a [(&'static str, Type)]>,
    /// The rule's parameters and their types (from the rule's `params`).
    pub params: &'a [(String, Type)],
}

/// An error in an expression, found when it is compiled.
#[derive(Debug, Clone, PartialEq)]
pub struct ExprError {
    /// Byte range inside the expression's source text.
    pub span: Range<usize>,
    pub message: String,
    /// e.g. "did you mean `DeletionProtection`?"
    pub help: Option<String>,
}

/// What an expression must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A bool: true when the promise is kept (a rule's `expr`).
    Predicate,
    /// A string: a finding's text (a rule's `message`).
    Message,
}

/// What the evaluator can ask of the resource under judgement.
pub trait Resource {
    /// Top-level field `name` (AWS's name); None = absent.
    fn field(&self, name: &str) -> Option<Value>;
}

/// The values of an expression's variables for one evaluation.
pub struct Vars<'a> {
    /// Ignored for rules over every kind.
    pub resource: &'a dyn Resource,
    /// `meta`: account, region, arn, kind (CFN type), tags (map string->string)
    pub meta: &'a Value,
    /// A Map.
    pub params: &'a Value,
    pub now: Timestamp,
}

/// The result of one evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Bool for Predicate, String for Message.
    pub value: Value,
    /// Every resource field the expression read, as `resource.A.B` paths
    /// with their values, in source order, deduplicated; absent ones left out.
    pub reads: Vec<(String, Value)>,
    /// For a false predicate containing `X.all(v, p)`: the first element for
    /// which p is false, as (`resource.IpPermissions[2]`, value); nested
    /// `all()`s give the innermost (`resource.IpPermissions[2].IpRanges[0]`).
    pub first_failing: Option<(String, Value)>,
}

/// Why an evaluation gave no value.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalError {
    /// The expression read a field AWS did not return: `resource.Foo.Bar`.
    Absent(String),
    /// Anything else (division by zero, no such overload, ...), CEL's message.
    Failed(String),
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Absent(path) => write!(f, "{path} is absent (AWS did not return it)"),
            EvalError::Failed(message) => f.write_str(message),
        }
    }
}

/// One step of a path into a resource's fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Seg {
    /// A structure's member or a map's key: `.Port`, `["Owner"]`.
    Field(String),
    /// An element of a list by a literal index: `[0]`.
    Index(i64),
    /// Every element of a list, as a comprehension ranges over it.
    Each,
}

/// A path the expression reads, rooted at `resource`.
type Path = Vec<Seg>;

/// Shows a path as the expression would spell it; `Each` as `[]`.
fn show_path(path: &[Seg]) -> String {
    let mut s = String::from("resource");
    for seg in path {
        match seg {
            Seg::Field(name) if is_ident(name) => {
                s.push('.');
                s.push_str(name);
            }
            Seg::Field(name) => s.push_str(&format!("[{name:?}]")),
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
            Seg::Each => s.push_str("[]"),
        }
    }
    s
}

fn is_ident(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A compiled expression. Send + Sync (evaluated from rayon threads).
pub struct Program {
    expr: IdedExpr,
    kind: Kind,
    /// The top-level resource fields it reads: fetched for each evaluation.
    fields: Vec<String>,
    /// The `resource` paths it reads, without element steps (API).
    paths: Vec<Vec<String>>,
    /// Every resource path it reads, element steps included, in source
    /// order: for `reads` and to name an absent field.
    reads: Vec<Path>,
    /// How each of `reads` is shown.
    read_names: Vec<String>,
    /// What `first_failing` calls the elements of each `all()`'s range
    /// that is not a resource path: its source text, by node id.
    labels: HashMap<u64, check::Label>,
    /// Whether it has an `all()` to look into when a predicate is false.
    has_all: bool,
    uses_meta: bool,
    uses_params: bool,
    uses_now: bool,
}

/// The CEL environment every program is compiled for and runs in: the
/// standard library and the strings extension.
static ENV: LazyLock<Arc<cel::Env>> = LazyLock::new(|| {
    use cel::common::types::STRING_TYPE;
    let mut env = cel::Env::stdlib();
    // The extensions and conform's `matches` declare functions that the
    // standard library does not: they cannot clash (the tests run them).
    let _ = env.add_extension(cel::extensions::strings);
    let _ = env.add_extension(cel::extensions::lists);
    let _ = env.add_member_overload(
        MATCHES,
        "conform_matches_string",
        STRING_TYPE,
        vec![STRING_TYPE],
        matches_cached,
    );
    Arc::new(env)
});

/// What `s.matches("literal")` is compiled to: `matches` with the regular
/// expression compiled once (cel compiles it at each call). `@` keeps
/// expressions from calling it by name.
const MATCHES: &str = "@matches";

/// The compiled patterns of `matches` calls with a literal pattern.
static REGEXES: LazyLock<RwLock<HashMap<String, Arc<regex::Regex>>>> =
    LazyLock::new(RwLock::default);

/// Compiles `pattern` into [`REGEXES`]; false when it is not valid.
fn cache_regex(pattern: &str) -> bool {
    if REGEXES
        .read()
        .is_ok_and(|cache| cache.contains_key(pattern))
    {
        return true;
    }
    match regex::Regex::new(pattern) {
        Ok(re) => {
            if let Ok(mut cache) = REGEXES.write() {
                cache.insert(pattern.to_owned(), Arc::new(re));
            }
            true
        }
        Err(_) => false,
    }
}

fn matches_cached<'b, 'v>(
    args: Vec<cel::common::value::CowVal<'b, 'v>>,
) -> Result<cel::common::value::CowVal<'b, 'v>, cel::ExecutionError> {
    use cel::common::types::{CelBool, CelString};
    let text = args.first().and_then(|a| a.downcast_ref::<CelString>());
    let pattern = args.get(1).and_then(|a| a.downcast_ref::<CelString>());
    let (Some(text), Some(pattern)) = (text, pattern) else {
        return Err(cel::ExecutionError::function_error(
            "matches",
            "expects two strings",
        ));
    };
    let cached = REGEXES
        .read()
        .ok()
        .and_then(|cache| cache.get(pattern.inner()).cloned());
    let re = match cached {
        Some(re) => re,
        None => Arc::new(
            regex::Regex::new(pattern.inner())
                .map_err(|e| cel::ExecutionError::function_error("matches", e))?,
        ),
    };
    Ok(cel::common::value::CowVal::owned(CelBool::from(
        re.is_match(text.inner()),
    )))
}

/// Compiles `source`, which must have type bool ([`Kind::Predicate`]) or
/// string ([`Kind::Message`]), checking it against `env`.
pub fn compile(source: &str, kind: Kind, env: &Env) -> Result<Program, Vec<ExprError>> {
    let parsed = match ENV.compile(source) {
        Ok(p) => p,
        Err(errors) => return Err(check::parse_errors(source, &errors)),
    };
    let analysis = check::analyse(source, &parsed, kind, env)?;
    Ok(Program {
        expr: analysis.expr,
        kind,
        fields: analysis.fields,
        paths: analysis.paths,
        read_names: analysis.reads.iter().map(|p| show_path(p)).collect(),
        reads: analysis.reads,
        labels: analysis.labels,
        has_all: analysis.has_all,
        uses_meta: analysis.uses_meta,
        uses_params: analysis.uses_params,
        uses_now: analysis.uses_now,
    })
}

impl Program {
    /// The `resource` paths the expression reads (`["Endpoint", "Port"]`),
    /// for deciding what to collect and for `explain`.
    pub fn resource_paths(&self) -> &[Vec<String>] {
        &self.paths
    }

    /// The top-level `resource` fields it reads, each once: what it asks
    /// [`Resource::field`] for at each evaluation.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// Whether the expression reads `meta` (so that [`Vars::meta`] need
    /// not be built for one that does not).
    pub fn uses_meta(&self) -> bool {
        self.uses_meta
    }

    /// Evaluates the expression with `vars`.
    pub fn eval(&self, vars: &Vars) -> Result<Outcome, EvalError> {
        self.eval_for(vars, true)
    }

    /// [`Program::eval`]; when the expression gives `true` and
    /// `reads_when_true` is false, [`Outcome::reads`] is left empty (a
    /// passing verdict whose evidence no report reads).
    pub fn eval_for(&self, vars: &Vars, reads_when_true: bool) -> Result<Outcome, EvalError> {
        let fetched: Vec<(&str, Option<Value>)> = self
            .fields
            .iter()
            .map(|name| (name.as_str(), vars.resource.field(name)))
            .collect();
        let bound = Bound {
            resource: (!self.fields.is_empty()).then(|| convert::resource_to_val(&fetched)),
            meta: self.uses_meta.then(|| convert::to_val(vars.meta)),
            params: self.uses_params.then(|| convert::to_val(vars.params)),
        };
        let mut ctx = cel::Context::with_env(Arc::clone(&ENV));
        ctx.set_variable_resolver(&bound);
        if self.uses_now {
            ctx.add_variable_from_value("now", convert::timestamp_to_cel(vars.now));
        }
        let value = match cel::Value::resolve(&self.expr, &ctx) {
            Ok(v) => v,
            Err(error) => return Err(self.explain_error(&error, &fetched)),
        };
        let value = match self.kind {
            Kind::Predicate => match value {
                cel::Value::Bool(b) => Value::Bool(b),
                other => {
                    return Err(EvalError::Failed(format!(
                        "the expression gave {}, not a bool",
                        convert::describe(&other)
                    )));
                }
            },
            Kind::Message => match value {
                cel::Value::String(s) => Value::String(s.to_string()),
                other => Value::String(convert::from_cel(&other).map_or_else(
                    || convert::describe(&other),
                    |v| match v {
                        Value::String(s) => s,
                        v => v.to_string(),
                    },
                )),
            },
        };
        let first_failing = if self.has_all && value == Value::Bool(false) {
            check::first_failing(&self.expr, &ctx, &self.labels, &fetched)
        } else {
            None
        };
        drop(ctx);
        drop(bound);
        let reads = if reads_when_true || value != Value::Bool(true) {
            self.reads_of(fetched)
        } else {
            Vec::new()
        };
        Ok(Outcome {
            value,
            reads,
            first_failing,
        })
    }

    /// The values of the paths the expression reads, present ones only.
    /// A whole top-level field's value is moved out of `fetched` (a path
    /// is read once), after the paths into it have been copied.
    fn reads_of(&self, mut fetched: Vec<(&str, Option<Value>)>) -> Vec<(String, Value)> {
        let mut found: Vec<Option<Value>> = Vec::with_capacity(self.reads.len());
        for path in &self.reads {
            let nested = path.len() > 1 && !path.contains(&Seg::Each);
            found.push(nested.then(|| lookup(&fetched, path).cloned()).flatten());
        }
        for (path, slot) in self.reads.iter().zip(&mut found) {
            if let [Seg::Field(top)] = path.as_slice() {
                *slot = fetched
                    .iter_mut()
                    .find(|(name, _)| name == top)
                    .and_then(|(_, v)| v.take());
            }
        }
        self.read_names
            .iter()
            .zip(found)
            .filter_map(|(name, value)| Some((name.clone(), value?)))
            .collect()
    }

    /// An evaluation error as conform reports it: a missing key on a path
    /// into the resource is an absent field.
    fn explain_error(
        &self,
        error: &cel::ExecutionError,
        fetched: &[(&str, Option<Value>)],
    ) -> EvalError {
        if let cel::ExecutionError::NoSuchKey(key) = error {
            for path in &self.reads {
                if let Some(absent) = first_absent(fetched, path, key.as_str()) {
                    return EvalError::Absent(absent);
                }
            }
        }
        EvalError::Failed(error.to_string())
    }
}

/// The variables `resource`, `meta` and `params` of one evaluation, each
/// when the expression reads it. Given to CEL as its variable resolver:
/// looked up by name, without a map of variables (and a copy of each
/// name) built for every evaluation.
struct Bound<'v> {
    resource: Option<Box<dyn cel::common::value::Val + 'v>>,
    meta: Option<Box<dyn cel::common::value::Val + 'v>>,
    params: Option<Box<dyn cel::common::value::Val + 'v>>,
}

impl cel::context::VariableResolver for Bound<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<cel::common::value::CowVal<'b, 'b>> {
        let value = match variable {
            "resource" => &self.resource,
            "meta" => &self.meta,
            "params" => &self.params,
            _ => return None,
        };
        value.as_deref().map(cel::common::value::CowVal::Borrowed)
    }
}

/// The value at `path` (which has no element steps), if present.
fn lookup<'v>(fetched: &'v [(&str, Option<Value>)], path: &[Seg]) -> Option<&'v Value> {
    let (Seg::Field(top), rest) = path.split_first()? else {
        return None;
    };
    let value = fetched
        .iter()
        .find(|(name, _)| name == top)
        .and_then(|(_, v)| v.as_ref())?;
    walk(value, rest)
}

/// The value at `path` (no element steps) from `value`, if present.
fn walk<'v>(mut value: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    for seg in path {
        value = match (seg, value) {
            (Seg::Field(name), Value::Map(members)) => members.get(name)?,
            (Seg::Index(i), Value::List(items)) => items.get(usize::try_from(*i).ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// The first place along `path` (element steps taken for every element)
/// where the member `key` is missing, shown as a path with indices.
fn first_absent(fetched: &[(&str, Option<Value>)], path: &[Seg], key: &str) -> Option<String> {
    let (Seg::Field(top), rest) = path.split_first()? else {
        return None;
    };
    let shown = format!("resource{}", field_suffix(top));
    match fetched.iter().find(|(name, _)| name == top) {
        Some((_, Some(value))) => absent_in(value, rest, key, shown),
        _ => (top == key).then_some(shown),
    }
}

fn field_suffix(name: &str) -> String {
    if is_ident(name) {
        format!(".{name}")
    } else {
        format!("[{name:?}]")
    }
}

fn absent_in(value: &Value, rest: &[Seg], key: &str, shown: String) -> Option<String> {
    let (seg, rest) = rest.split_first()?;
    match (seg, value) {
        (Seg::Field(name), Value::Map(members)) => {
            let shown = format!("{shown}{}", field_suffix(name));
            match members.get(name) {
                Some(v) => absent_in(v, rest, key, shown),
                None => (name == key).then_some(shown),
            }
        }
        (Seg::Index(i), Value::List(items)) => {
            let v = usize::try_from(*i).ok().and_then(|i| items.get(i))?;
            absent_in(v, rest, key, format!("{shown}[{i}]"))
        }
        (Seg::Each, Value::List(items)) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| absent_in(v, rest, key, format!("{shown}[{i}]"))),
        _ => None,
    }
}

/// Whether `e` is the expansion of `range.all(v, p)`: the body `p`.
fn all_body(c: &cel::common::ast::ComprehensionExpr) -> Option<&IdedExpr> {
    use cel::common::ast::operators;
    let Expr::Call(step) = &c.loop_step.expr else {
        return None;
    };
    let is_accu = |e: &IdedExpr| matches!(&e.expr, Expr::Ident(n) if *n == c.accu_var);
    let init_true = matches!(
        &c.accu_init.expr,
        Expr::Literal(cel::common::ast::LiteralValue::Boolean(b)) if *b.inner()
    );
    (step.func_name == operators::LOGICAL_AND
        && step.args.len() == 2
        && is_accu(&step.args[0])
        && init_true
        && c.iter_var2.is_none()
        && is_accu(&c.result))
    .then(|| &step.args[1])
}
