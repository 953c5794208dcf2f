//! Evaluation of attribute rules ([`crate::rules::attribute`]): the check
//! an attribute rule binds, judging every resource of its kind(s) against
//! its requirements, in parallel.
//!
//! Verdicts: a requirement on a field AWS did not return (or whose
//! dataset could not be read where the resource is) is **unknown** with
//! that reason, never a pass or a failure; only `present` and `absent`
//! judge presence itself. Requirements combine as every built-in check's
//! parts do: a failure fails the resource, else an unknown makes it
//! unknown, else it passes. Evidence names each field judged, its value
//! and what was required; for `every` the first failing element.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::resource::resource_ref;
use super::{BoundCheck, Context, Doc, NotJudged};
use crate::expr;
use crate::findings::{Evidence, Outcome, Status};
use crate::inventory::fields::{self, Described, Visitor};
use crate::inventory::{Coverage, Dataset, GLOBAL, Inventory, Resource, Value};
use crate::rules::attribute::{Attribute, Cel, Op, Requirement, Test, one_line};

/// The check of an attribute rule.
pub fn bind(attribute: Arc<Attribute>) -> Box<dyn BoundCheck> {
    let mut subjects = attribute.datasets.clone();
    for d in attribute.needs() {
        if !subjects.contains(&d) {
            subjects.push(d);
        }
    }
    let doc = doc(&attribute);
    let words = Words::of(&attribute);
    Box::new(AttributeCheck {
        attribute,
        doc,
        subjects,
        words,
    })
}

/// What a rule's verdicts say that is the same for every resource, made
/// once when the rule is bound instead of for each verdict.
#[derive(Debug, Default)]
struct Words {
    /// `expr`: its message when it holds and when it is false.
    holds: String,
    is_false: String,
    /// `require`: for each requirement, its field as written and
    /// `required OP VALUE`.
    requirements: Vec<(String, String)>,
    /// Whether the expression (`expr`) or the `message` reads `meta`.
    expr_meta: bool,
    message_meta: bool,
}

impl Words {
    fn of(attribute: &Attribute) -> Words {
        let mut words = Words {
            message_meta: attribute
                .message
                .as_ref()
                .is_some_and(|m| m.program.uses_meta()),
            ..Words::default()
        };
        match &attribute.test {
            Test::Require(list) => {
                words.requirements = list
                    .iter()
                    .map(|q| (q.field(), format!("required {}", q.op)))
                    .collect();
            }
            Test::Expr(cel) => {
                let source = one_line(&cel.source);
                words.holds = format!("{source} holds");
                words.is_false = format!("{source} is false");
                words.expr_meta = cel.program.uses_meta();
            }
        }
        words
    }
}

/// What `conform explain` and SARIF say of an attribute rule's check.
fn doc(attribute: &Attribute) -> Doc {
    let kinds = attribute.kinds().join(", ");
    match &attribute.test {
        Test::Require(list) => {
            let shown: Vec<String> = list.iter().map(|r| r.to_string()).collect();
            let items: Vec<String> = shown.iter().map(|r| format!("- `{r}`")).collect();
            Doc {
                name: "require",
                summary: format!("{kinds}: {}", shown.join(" and ")),
                what: format!(
                    "Every {kinds} in the rule's scope must meet {}:\n\n{}\n\nA field that AWS did not \
return, or whose data could not be read, makes the verdict unknown, never a pass or a failure.",
                    if list.len() == 1 {
                        "this requirement"
                    } else {
                        "all of these requirements"
                    },
                    items.join("\n")
                ),
                why:
                    "The rule states its promise over AWS's own field names; the promise it quotes \
says why."
                        .to_string(),
                fix:
                    "Change the resource so that it meets the requirement: each finding names the \
field, the value found and what is required. An unknown verdict names the field that could not be \
judged and why (not returned by AWS, or not read: grant the scanning role what the reason names)."
                        .to_string(),
            }
        }
        Test::Expr(cel) => Doc {
            name: "expr",
            summary: format!("{kinds}: {}", one_line(&cel.source)),
            what: format!(
                "Every {kinds} in the rule's scope must make this CEL expression true:\n\n```cel\n{}\n```\n\n\
An expression that reads a field AWS did not return, or that cannot be evaluated, makes the verdict \
unknown, never a pass or a failure.",
                cel.source.trim()
            ),
            why: "The rule states its promise over AWS's own field names; the promise it quotes \
says why."
                .to_string(),
            fix:
                "Change the resource so that the expression holds: each finding names every field \
the expression read, with its value, and for an all() the first element that broke it. An unknown \
verdict names the field that was absent or the error."
                    .to_string(),
        },
    }
}

#[derive(Debug)]
struct AttributeCheck {
    attribute: Arc<Attribute>,
    doc: Doc,
    /// Its kinds' datasets, then the detail datasets its fields need.
    subjects: Vec<Dataset>,
    words: Words,
}

impl BoundCheck for AttributeCheck {
    fn doc(&self) -> &Doc {
        &self.doc
    }
    fn subjects(&self) -> &[Dataset] {
        &self.subjects
    }
    fn uses(&self) -> &[Dataset] {
        &[]
    }
    fn evaluate(&self, ctx: &Context, inventory: &Inventory) -> Vec<Outcome> {
        let mut out = Vec::new();
        let needs = self.attribute.needs();
        let covered = (!needs.is_empty()).then(|| covered(inventory, &needs));
        for &dataset in &self.attribute.datasets {
            let judge = Judge {
                attribute: &self.attribute,
                words: &self.words,
                inventory,
                covered: covered.as_ref(),
                ctx,
            };
            let judged = fields::visit(dataset, inventory, judge).unwrap_or_default();
            if out.is_empty() {
                out = judged;
            } else {
                out.extend(judged);
            }
        }
        out
    }
    fn not_judged(&self, _ctx: &Context, _inventory: &Inventory, _skip: NotJudged<'_>) {}
    fn params(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        map.insert("kind".into(), self.attribute.kind.clone().into());
        match &self.attribute.test {
            Test::Require(list) => {
                let shown: Vec<serde_json::Value> =
                    list.iter().map(|r| r.to_string().into()).collect();
                map.insert("require".into(), shown.into());
            }
            Test::Expr(cel) => {
                map.insert("expr".into(), cel.source.clone().into());
            }
        }
        if let Some(m) = &self.attribute.message {
            map.insert("message".into(), m.source.clone().into());
        }
        if let Value::Map(params) = &self.attribute.params
            && !params.is_empty()
        {
            let shown: serde_json::Map<String, serde_json::Value> = params
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string().into()))
                .collect();
            map.insert("params".into(), shown.into());
        }
        serde_json::Value::Object(map)
    }
}

/// Judges the resources of one dataset.
struct Judge<'a> {
    attribute: &'a Attribute,
    words: &'a Words,
    inventory: &'a Inventory,
    /// The coverage of the detail datasets the rule's fields need, when
    /// it has any.
    covered: Option<&'a Covered<'a>>,
    ctx: &'a Context,
}

impl Visitor for Judge<'_> {
    type Output = Vec<Outcome>;
    fn visit<R: Described>(self, dataset: Dataset, resources: &[R]) -> Vec<Outcome> {
        let getters = Getters::of(self.attribute);
        // In ARN order (sorted once for every rule over the kind): the
        // order in which the evaluation joins a rule's verdicts, so that
        // it finds them sorted.
        let order = self.ctx.orders.of(dataset, resources);
        order
            .par_iter()
            .map(|&i| self.judge(&resources[i], &getters))
            .collect()
    }
}

/// A field's getter ([`fields::Field::get`]).
type Getter<R> = fn(&R) -> Option<Value>;

/// The getters of the fields a rule reads, looked up in the kind's
/// catalogue once for all its resources instead of by name for each.
struct Getters<R: 'static> {
    /// `require`: the getter of each requirement's field, if the kind has it.
    requirements: Vec<Option<Getter<R>>>,
    /// `expr` and `message`: the top-level fields their programs read.
    programs: Vec<(&'static str, Getter<R>)>,
}

impl<R: Described> Getters<R> {
    fn of(attribute: &Attribute) -> Getters<R> {
        let requirements = match &attribute.test {
            Test::Require(list) => list
                .iter()
                .map(|q| R::field(&q.path[0]).map(|f| f.get))
                .collect(),
            Test::Expr(_) => Vec::new(),
        };
        let programs = match &attribute.test {
            Test::Expr(cel) => Some(cel.as_ref()),
            Test::Require(_) => None,
        }
        .into_iter()
        .chain(&attribute.message)
        .flat_map(|cel| cel.program.fields())
        .filter_map(|name| R::field(name).map(|f| (f.name, f.get)))
        .collect();
        Getters {
            requirements,
            programs,
        }
    }
}

/// The verdict on one requirement (or one element), with its evidence and
/// the words that say why.
#[derive(Debug, Clone)]
struct Judged {
    status: Status,
    evidence: Vec<Evidence>,
    message: String,
}

impl Judged {
    /// A pass whose message and evidence no report reads
    /// ([`Context::pass_detail`]).
    fn bare_pass() -> Judged {
        Judged {
            status: Status::Pass,
            evidence: Vec::new(),
            message: String::new(),
        }
    }

    fn new(status: Status, evidence: Evidence, message: String) -> Judged {
        Judged {
            status,
            evidence: vec![evidence],
            message,
        }
    }
}

/// Fail beats unknown beats pass; the outcome keeps the evidence and the
/// words of the parts whose status it reached.
fn combine(parts: Vec<Judged>) -> Judged {
    let status = [Status::Fail, Status::Unknown]
        .into_iter()
        .find(|s| parts.iter().any(|p| p.status == *s))
        .unwrap_or(Status::Pass);
    let (evidence, messages): (Vec<_>, Vec<_>) = parts
        .into_iter()
        .filter(|p| p.status == status)
        .map(|p| (p.evidence, p.message))
        .unzip();
    Judged {
        status,
        evidence: evidence.into_iter().flatten().collect(),
        message: messages.join("; "),
    }
}

impl Judge<'_> {
    fn judge<R: Described>(&self, r: &R, getters: &Getters<R>) -> Outcome {
        let resource = resource_ref(r);
        // `meta` is built only for an expression that reads it (an empty
        // map does not allocate).
        let mut meta = if self.words.expr_meta {
            meta(r)
        } else {
            Value::Map(Default::default())
        };
        let fields = Fields {
            resource: r,
            getters: &getters.programs,
        };
        let mut judged = match &self.attribute.test {
            Test::Require(list) if list.len() == 1 => self.top(
                r,
                &list[0],
                getters.requirements[0],
                &self.words.requirements[0],
            ),
            Test::Require(list) => combine(
                list.iter()
                    .zip(&getters.requirements)
                    .zip(&self.words.requirements)
                    .map(|((q, &get), words)| self.top(r, q, get, words))
                    .collect(),
            ),
            Test::Expr(cel) => {
                let vars = expr::Vars {
                    resource: &fields,
                    meta: &meta,
                    params: &self.attribute.params,
                    now: self.ctx.now,
                };
                self.expr(r, cel, &vars)
            }
        };
        // `message` gives a failing finding's text.
        if let (Status::Fail, Some(message)) = (judged.status, &self.attribute.message) {
            if self.words.message_meta && !self.words.expr_meta {
                meta = self::meta(r);
            }
            let vars = expr::Vars {
                resource: &fields,
                meta: &meta,
                params: &self.attribute.params,
                now: self.ctx.now,
            };
            match message.program.eval(&vars) {
                Ok(expr::Outcome {
                    value: Value::String(text),
                    ..
                }) => judged.message = text,
                Ok(_) => {}
                Err(e) => judged
                    .message
                    .push_str(&format!(" (the rule's message: {e})")),
            }
        }
        Outcome {
            resource,
            status: judged.status,
            message: judged.message,
            evidence: judged.evidence,
        }
    }

    /// An `expr` on a resource: its verdict, with every field it read.
    fn expr<R: Described>(&self, r: &R, cel: &Cel, vars: &expr::Vars<'_>) -> Judged {
        for &dataset in &cel.needs {
            if let Some(why) = self.unread(r, dataset) {
                return Judged::new(
                    Status::Unknown,
                    Evidence::new(dataset.name(), "not read", why.clone()),
                    format!("the expression reads {dataset}: {why}"),
                );
            }
        }
        let outcome = match cel.program.eval_for(vars, self.ctx.pass_detail) {
            Ok(outcome) => outcome,
            Err(expr::EvalError::Absent(path)) => {
                let field = field_name(path);
                return Judged::new(
                    Status::Unknown,
                    Evidence::new(
                        &field,
                        "absent",
                        "not returned by AWS; the expression reads it",
                    ),
                    format!("{field}: not returned by AWS"),
                );
            }
            Err(expr::EvalError::Failed(e)) => {
                return Judged::new(
                    Status::Unknown,
                    Evidence::new(
                        "expr",
                        one_line(&cel.source),
                        format!("could not be evaluated: {e}"),
                    ),
                    format!("the expression could not be evaluated: {e}"),
                );
            }
        };
        let status = match outcome.value {
            Value::Bool(true) if !self.ctx.pass_detail => return Judged::bare_pass(),
            Value::Bool(true) => Status::Pass,
            Value::Bool(false) => Status::Fail,
            _ => Status::Unknown,
        };
        let mut evidence: Vec<Evidence> = outcome
            .reads
            .into_iter()
            .map(|(path, value)| {
                Evidence::new(
                    field_name(path),
                    value.to_string(),
                    "read by the expression",
                )
            })
            .collect();
        if status == Status::Fail
            && let Some((path, value)) = outcome.first_failing
        {
            evidence.push(Evidence::new(
                field_name(path),
                value.to_string(),
                "the first element for which the all() is false",
            ));
        }
        let message = match status {
            Status::Pass => self.words.holds.clone(),
            Status::Fail => self.words.is_false.clone(),
            _ => format!(
                "{} gave {}, not a bool",
                one_line(&cel.source),
                outcome.value
            ),
        };
        Judged {
            status,
            evidence,
            message,
        }
    }

    /// A requirement on a field of the resource itself; `(at, required)`:
    /// its field as written and `required OP VALUE` ([`Words`]).
    fn top<R: Described>(
        &self,
        r: &R,
        q: &Requirement,
        get: Option<Getter<R>>,
        words: &(String, String),
    ) -> Judged {
        let (at, required) = words;
        if let Some(dataset) = q.needs
            && let Some(why) = self.unread(r, dataset)
        {
            return Judged::new(
                Status::Unknown,
                Evidence::new(at, "not read", why.clone()),
                format!("{at}: {why}"),
            );
        }
        let value = get
            .and_then(|get| get(r))
            .and_then(|v| descend(v, &q.path[1..]));
        if !self.ctx.pass_detail && holds(q, value.as_ref()) == Some(true) {
            return Judged::bare_pass();
        }
        judge_with(q, value.as_ref(), at, required)
    }

    /// Why `dataset` (which reads some of the resource's fields) was not
    /// read where `r` is, if it was not.
    fn unread<R: Resource>(&self, r: &R, dataset: Dataset) -> Option<String> {
        let place = r.place();
        let region = if dataset.is_global() {
            GLOBAL
        } else {
            &place.region
        };
        let coverage = match self.covered {
            Some(covered) => covered.get(&(&*place.account, region, dataset)).copied(),
            None => self.inventory.coverage_of(&place.account, region, dataset),
        };
        match coverage {
            Some(c) => c
                .error
                .as_ref()
                .map(|e| format!("{dataset} could not be read: {e}")),
            None => Some(format!("{dataset} were not collected in this scan")),
        }
    }
}

/// The coverage of some datasets by place (account, region, dataset), as
/// [`Inventory::coverage_of`] finds it: looked up for every resource a
/// rule with detail fields judges, so a map instead of a scan of the list.
type Covered<'a> = HashMap<(&'a str, &'a str, Dataset), &'a Coverage>;

fn covered<'a>(inventory: &'a Inventory, datasets: &[Dataset]) -> Covered<'a> {
    let mut map = Covered::new();
    for c in &inventory.coverage {
        if datasets.contains(&c.dataset) {
            map.entry((c.account.as_str(), c.region.as_str(), c.dataset))
                .or_insert(c);
        }
    }
    map
}

/// A resource's fields as expressions read them: by the getters looked up
/// for the rule ([`Getters`]), else in the kind's catalogue.
struct Fields<'a, R: 'static> {
    resource: &'a R,
    getters: &'a [(&'static str, Getter<R>)],
}

impl<R: Described> expr::Resource for Fields<'_, R> {
    fn field(&self, name: &str) -> Option<Value> {
        match self.getters.iter().find(|(n, _)| *n == name) {
            Some((_, get)) => get(self.resource),
            None => R::field(name).and_then(|f| (f.get)(self.resource)),
        }
    }
}

/// `meta`: the resource's account, region, ARN, kind and tags; `tags` is
/// left out for kinds whose tags conform does not read, so that a rule
/// reading them is unknown there, never judged on an empty map.
fn meta<R: Resource>(r: &R) -> Value {
    let place = r.place();
    Value::record([
        ("account", Some(Value::str(&place.account))),
        ("region", Some(Value::str(&place.region))),
        ("arn", Some(Value::str(r.arn()))),
        ("kind", Some(Value::str(r.dataset().resource_type()))),
        ("tags", r.tags_read().then(|| Value::from(r.tags()))),
    ])
}

/// A path as evidence names it: `resource.Endpoint.Port` as `Endpoint.Port`
/// (in place).
fn field_name(mut path: String) -> String {
    const ROOT: &str = "resource.";
    if path.starts_with(ROOT) {
        path.replace_range(..ROOT.len(), "");
    }
    path
}

/// The value at `path` inside `value` (members of structures, keys of
/// maps); `None` when a part is absent.
fn descend(value: Value, path: &[String]) -> Option<Value> {
    let mut value = value;
    for part in path {
        value = match value {
            Value::Map(mut members) => members.remove(part)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Judges `value` (found at `at`; `None`: absent) against requirement `q`.
fn judge(q: &Requirement, value: Option<&Value>, at: &str) -> Judged {
    judge_with(q, value, at, &format!("required {}", q.op))
}

/// [`judge`], given `required` (`required OP VALUE`).
fn judge_with(q: &Requirement, value: Option<&Value>, at: &str, required: &str) -> Judged {
    let Some(value) = value else {
        return match q.op {
            Op::Absent => Judged::new(
                Status::Pass,
                Evidence::new(at, "absent", required),
                format!("{at} is absent ({required})"),
            ),
            Op::Present => Judged::new(
                Status::Fail,
                Evidence::new(at, "absent", required),
                format!("{at} is absent ({required})"),
            ),
            _ => Judged::new(
                Status::Unknown,
                Evidence::new(at, "absent", format!("not returned by AWS; {required}")),
                format!("{at}: not returned by AWS"),
            ),
        };
    };
    let kept = match &q.op {
        Op::Every(inner) => return every(inner, value, at, required),
        Op::Any(inner) => return any(inner, value, at, required),
        _ => kept(q, value),
    };
    let shown = value.to_string();
    match kept {
        Some(kept) => {
            let message = format!("{at} is {shown} ({required})");
            Judged::new(
                if kept { Status::Pass } else { Status::Fail },
                Evidence::new(at, shown, required),
                message,
            )
        }
        None => Judged::new(
            Status::Unknown,
            Evidence::new(
                at,
                &shown,
                format!("not {} as the catalogue says; cannot judge", q.ty),
            ),
            format!("{at}: {shown} is not {}", q.ty),
        ),
    }
}

/// Whether `value` (`None`: absent) meets requirement `q` as
/// [`judge_with`] judges it: `None` when it cannot tell without the
/// words of a verdict (an unknown, or an `every`/`any`).
fn holds(q: &Requirement, value: Option<&Value>) -> Option<bool> {
    match (value, &q.op) {
        (None, Op::Absent) => Some(true),
        (None, _) | (Some(_), Op::Every(_) | Op::Any(_)) => None,
        (Some(value), _) => kept(q, value),
    }
}

/// Whether present `value` meets requirement `q` (not `every`/`any`);
/// `None` when it cannot be compared.
fn kept(q: &Requirement, value: &Value) -> Option<bool> {
    match &q.op {
        Op::Every(_) | Op::Any(_) => None,
        Op::Present => Some(true),
        Op::Absent => Some(false),
        Op::Eq(v) => equal(value, v),
        Op::Ne(v) => equal(value, v).map(|e| !e),
        Op::In(vs) => one_of(value, vs),
        Op::NotIn(vs) => one_of(value, vs).map(|e| !e),
        Op::Gte(v) => compare(value, v).map(|o| o != Ordering::Less),
        Op::Lte(v) => compare(value, v).map(|o| o != Ordering::Greater),
        Op::Matches(_, re) => match value {
            Value::String(s) => Some(re.is_match(s)),
            _ => None,
        },
        Op::Contains(v) => match value {
            Value::List(items) => Some(items.iter().any(|i| equal(i, v) == Some(true))),
            Value::String(s) => match v {
                Value::String(part) => Some(s.contains(part.as_str())),
                _ => None,
            },
            Value::Map(members) => match v {
                Value::String(key) => Some(members.contains_key(key)),
                _ => None,
            },
            _ => None,
        },
    }
}

/// An element of a list judged against requirements on it.
fn element(inner: &[Requirement], value: &Value, at: &str) -> Judged {
    combine(
        inner
            .iter()
            .map(|q| {
                let path = if q.path.is_empty() {
                    at.to_string()
                } else {
                    format!("{at}.{}", q.path.join("."))
                };
                let found = descend(value.clone(), &q.path);
                judge(q, found.as_ref(), &path)
            })
            .collect(),
    )
}

fn not_a_list(value: &Value, at: &str) -> Judged {
    Judged::new(
        Status::Unknown,
        Evidence::new(
            at,
            value.to_string(),
            "not a list as the catalogue says; cannot judge",
        ),
        format!("{at}: {value} is not a list"),
    )
}

/// `every`: the first failing element fails it; else an element that
/// cannot be judged makes it unknown.
fn every(inner: &[Requirement], value: &Value, at: &str, required: &str) -> Judged {
    let Value::List(items) = value else {
        return not_a_list(value, at);
    };
    let judged: Vec<Judged> = items
        .iter()
        .enumerate()
        .map(|(i, v)| element(inner, v, &format!("{at}[{i}]")))
        .collect();
    let failing = judged.iter().filter(|j| j.status == Status::Fail).count();
    let n = items.len();
    let first = |status: Status| judged.iter().position(|j| j.status == status);
    if let Some(i) = first(Status::Fail) {
        let mut evidence = vec![Evidence::new(
            format!("{at}[{i}]"),
            items[i].to_string(),
            format!("the first element of {at} that fails ({failing} of {n} fail); {required}"),
        )];
        evidence.extend(judged[i].evidence.iter().cloned());
        return Judged {
            status: Status::Fail,
            evidence,
            message: format!(
                "{}; {failing} of {n} elements of {at} fail",
                judged[i].message
            ),
        };
    }
    if let Some(i) = first(Status::Unknown) {
        return judged[i].clone();
    }
    Judged::new(
        Status::Pass,
        Evidence::new(at, format!("{n} elements"), required.to_string()),
        format!("every element of {at} meets it ({n})"),
    )
}

/// `any`: an element that passes passes it; else an element that cannot
/// be judged makes it unknown; else it fails.
fn any(inner: &[Requirement], value: &Value, at: &str, required: &str) -> Judged {
    let Value::List(items) = value else {
        return not_a_list(value, at);
    };
    let judged: Vec<Judged> = items
        .iter()
        .enumerate()
        .map(|(i, v)| element(inner, v, &format!("{at}[{i}]")))
        .collect();
    if let Some(j) = judged.iter().find(|j| j.status == Status::Pass) {
        return j.clone();
    }
    if let Some(j) = judged.iter().find(|j| j.status == Status::Unknown) {
        return j.clone();
    }
    Judged::new(
        Status::Fail,
        Evidence::new(at, value.to_string(), required.to_string()),
        format!(
            "no element of {at} meets it ({} element{}); {required}",
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        ),
    )
}

/// Whether two values are equal (numbers across int and double); `None`
/// when they cannot be compared.
fn equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        _ => compare(a, b).map(|o| o == Ordering::Equal),
    }
}

fn one_of(value: &Value, options: &[Value]) -> Option<bool> {
    let mut comparable = false;
    for o in options {
        match equal(value, o) {
            Some(true) => return Some(true),
            Some(false) => comparable = true,
            None => {}
        }
    }
    comparable.then_some(false)
}

/// The order of two values of one type (numbers across int and double).
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(x), Value::Float(y)) => (*x as f64).partial_cmp(y),
        (Value::Float(x), Value::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Timestamp(x), Value::Timestamp(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::attribute::testing;

    /// A resource of the test catalogue with a field of every kind.
    fn resource() -> Value {
        let permission = |protocol: &str, port: i64, cidrs: &[&str]| {
            Value::record([
                ("IpProtocol", Some(Value::str(protocol))),
                ("FromPort", Some(Value::Int(port))),
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
        Value::record([
            ("DeletionProtection", Some(Value::Bool(false))),
            ("AllocatedStorage", Some(Value::Int(100))),
            ("Ratio", Some(Value::Float(0.25))),
            ("EngineVersion", Some(Value::str("8.0.35"))),
            (
                "CreateTime",
                Some(Value::Timestamp("2026-03-01T00:00:00Z".parse().unwrap())),
            ),
            (
                "Endpoint",
                Some(Value::record([
                    ("Address", Some(Value::str("db.example"))),
                    ("Port", None),
                ])),
            ),
            (
                "Tags",
                Some(Value::record([("env", Some(Value::str("prod")))])),
            ),
            (
                "EnabledCloudwatchLogsExports",
                Some(Value::strings(&["error", "general"])),
            ),
            (
                "IpPermissions",
                Some(Value::List(vec![
                    permission("tcp", 443, &["10.0.0.0/8"]),
                    permission("-1", 0, &["0.0.0.0/0"]),
                    permission("tcp", 22, &["0.0.0.0/0"]),
                ])),
            ),
        ])
    }

    /// The verdict of `require = ...` on [`resource`] (a field absent
    /// from it is absent, as when AWS does not return it).
    fn run(snippet: &str) -> Judged {
        let list = testing::compile(&format!("require = {snippet}")).unwrap();
        let resource = resource();
        combine(
            list.iter()
                .map(|q| judge(q, descend(resource.clone(), &q.path).as_ref(), &q.field()))
                .collect(),
        )
    }

    fn status(snippet: &str) -> Status {
        run(snippet).status
    }

    #[test]
    fn each_operator_passes_fails_and_is_unknown_on_an_absent_field() {
        use Status::{Fail, Pass, Unknown};
        for (snippet, expected) in [
            (
                r#"{ field = "DeletionProtection", op = "eq", value = false }"#,
                Pass,
            ),
            (
                r#"{ field = "DeletionProtection", op = "eq", value = true }"#,
                Fail,
            ),
            (
                r#"{ field = "EngineVersion", op = "ne", value = "5.7" }"#,
                Pass,
            ),
            (
                r#"{ field = "EngineVersion", op = "ne", value = "8.0.35" }"#,
                Fail,
            ),
            (
                r#"{ field = "EngineVersion", op = "in", value = ["8.0.35", "8.4.1"] }"#,
                Pass,
            ),
            (
                r#"{ field = "EngineVersion", op = "in", value = ["8.4.1"] }"#,
                Fail,
            ),
            (
                r#"{ field = "AllocatedStorage", op = "not_in", value = [20, 50] }"#,
                Pass,
            ),
            (
                r#"{ field = "AllocatedStorage", op = "not_in", value = [100] }"#,
                Fail,
            ),
            (
                r#"{ field = "AllocatedStorage", op = "gte", value = 100 }"#,
                Pass,
            ),
            (
                r#"{ field = "AllocatedStorage", op = "gte", value = 101 }"#,
                Fail,
            ),
            (r#"{ field = "Ratio", op = "lte", value = 0.25 }"#, Pass),
            (r#"{ field = "Ratio", op = "lte", value = 0 }"#, Fail),
            (
                r#"{ field = "CreateTime", op = "gte", value = 2026-01-01T00:00:00Z }"#,
                Pass,
            ),
            (
                r#"{ field = "CreateTime", op = "lte", value = "2026-01-01T00:00:00Z" }"#,
                Fail,
            ),
            (
                r#"{ field = "EngineVersion", op = "matches", value = '8\.0\.\d+' }"#,
                Pass,
            ),
            // Whole values only: "8.0" alone does not match "8.0.35".
            (
                r#"{ field = "EngineVersion", op = "matches", value = '8\.0' }"#,
                Fail,
            ),
            (r#"{ field = "Tags.env", op = "present" }"#, Pass),
            (r#"{ field = "Tags.owner", op = "present" }"#, Fail),
            (r#"{ field = "Endpoint.Port", op = "absent" }"#, Pass),
            (r#"{ field = "Endpoint.Address", op = "absent" }"#, Fail),
            (
                r#"{ field = "EnabledCloudwatchLogsExports", op = "contains", value = "error" }"#,
                Pass,
            ),
            (
                r#"{ field = "EnabledCloudwatchLogsExports", op = "contains", value = "audit" }"#,
                Fail,
            ),
            (
                r#"{ field = "EngineVersion", op = "contains", value = ".0." }"#,
                Pass,
            ),
            (
                r#"{ field = "Tags", op = "contains", value = "owner" }"#,
                Fail,
            ),
            (
                r#"{ field = "IpPermissions", every = { field = "FromPort", op = "gte", value = 0 } }"#,
                Pass,
            ),
            (
                r#"{ field = "IpPermissions", every = { field = "IpProtocol", op = "ne", value = "-1" } }"#,
                Fail,
            ),
            (
                r#"{ field = "IpPermissions", any = { field = "FromPort", op = "eq", value = 22 } }"#,
                Pass,
            ),
            (
                r#"{ field = "IpPermissions", any = { field = "FromPort", op = "eq", value = 80 } }"#,
                Fail,
            ),
            (
                r#"{ field = "EnabledCloudwatchLogsExports", any = { op = "eq", value = "general" } }"#,
                Pass,
            ),
            (
                r#"{ field = "IpPermissions", every = { field = "IpRanges", every = { field = "CidrIp", op = "ne", value = "0.0.0.0/0" } } }"#,
                Fail,
            ),
            // Absent fields: unknown for every operator but present/absent.
            (
                r#"{ field = "Endpoint.Port", op = "eq", value = 3306 }"#,
                Unknown,
            ),
            (
                r#"{ field = "Endpoint.Port", op = "ne", value = 3306 }"#,
                Unknown,
            ),
            (
                r#"{ field = "Endpoint.Port", op = "in", value = [3306] }"#,
                Unknown,
            ),
            (
                r#"{ field = "Endpoint.Port", op = "not_in", value = [3306] }"#,
                Unknown,
            ),
            (
                r#"{ field = "Endpoint.Port", op = "gte", value = 1 }"#,
                Unknown,
            ),
            (
                r#"{ field = "Endpoint.Port", op = "lte", value = 1 }"#,
                Unknown,
            ),
            (
                r#"{ field = "Tags.owner", op = "matches", value = ".*" }"#,
                Unknown,
            ),
            (
                r#"{ field = "Tags.owner", op = "contains", value = "a" }"#,
                Unknown,
            ),
            (r#"{ field = "Endpoint.Port", op = "present" }"#, Fail),
            // An element whose member is absent: unknown, unless another fails.
            (
                r#"{ field = "IpPermissions", every = { field = "IpRanges", every = { field = "CidrIp", op = "present" } } }"#,
                Pass,
            ),
        ] {
            assert_eq!(status(snippet), expected, "{snippet}");
        }
    }

    /// An inventory of two DB instances in eu-north-1 (one encrypted) and
    /// DB instances that could not be read in us-east-1.
    fn inventory() -> Inventory {
        use crate::inventory::{AwsError, Coverage, DbInstance, Place, ScannedAccount};
        let mut inv = Inventory::new("2026-01-01T00:00:00Z".parse().unwrap());
        inv.scope.push(ScannedAccount {
            account: "111122223333".into(),
            partition: "aws".into(),
            regions: vec!["eu-north-1".into(), "us-east-1".into()],
            error: None,
        });
        for (region, error) in [("eu-north-1", None), ("us-east-1", Some("AccessDenied"))] {
            inv.coverage.push(Coverage {
                account: "111122223333".into(),
                region: region.into(),
                dataset: Dataset::DbInstances,
                error: error.map(|code: &str| AwsError {
                    operation: "DescribeDBInstances".into(),
                    code: code.into(),
                    message: "not allowed".into(),
                }),
            });
        }
        for (id, encrypted, days) in [("a", true, Some(7)), ("b", false, None)] {
            inv.db_instances.push(DbInstance {
                arn: format!("arn:aws:rds:eu-north-1:111122223333:db:{id}").into(),
                place: Place {
                    account: "111122223333".into(),
                    region: "eu-north-1".into(),
                },
                id: id.into(),
                engine: Some("postgres".into()),
                status: None,
                multi_az: false,
                availability_zone: None,
                secondary_availability_zone: None,
                cluster_id: None,
                read_replica_source: None,
                publicly_accessible: false,
                storage_encrypted: encrypted,
                backup_retention_days: days,
                preferred_maintenance_window: None,
                read_replica_ids: vec![],
                automated_backup_replications: vec![],
                tags: Default::default(),
                ..Default::default()
            });
        }
        inv
    }

    fn findings(require: &str, scope: &str) -> Vec<(String, Status, String)> {
        evaluated(&format!(
            "kind = \"AWS::RDS::DBInstance\"\n{scope}\nrequire = {require}"
        ))
        .into_iter()
        .map(|f| (f.resource.name, f.status, f.message))
        .collect()
    }

    /// The findings of the one-rule pack with `lines` for its checks, on
    /// [`inventory`].
    fn evaluated(lines: &str) -> Vec<crate::findings::Finding> {
        let text = crate::rules::ONE_RULE_PACK.replace(
            r#"checks = [{ name = "log-retention", params = { min_days = 30 } }]"#,
            lines,
        );
        let pack = crate::rules::parse(std::path::Path::new("t.toml"), &text).unwrap();
        crate::evaluate::evaluate(&pack, &inventory(), None).findings
    }

    fn by_name<'a>(
        findings: &'a [crate::findings::Finding],
        name: &str,
    ) -> &'a crate::findings::Finding {
        findings.iter().find(|f| f.resource.name == name).unwrap()
    }

    #[test]
    fn verdicts_come_out_in_arn_order_with_the_order_sorted_once_per_evaluation() {
        let mut inv = inventory();
        inv.db_instances.reverse();
        let mut arns: Vec<String> = inv
            .db_instances
            .iter()
            .map(|d| d.arn().to_string())
            .collect();
        assert!(
            !arns.is_sorted(),
            "the list is not in ARN order to begin with"
        );
        arns.sort();
        let text = crate::rules::ONE_RULE_PACK.replace(
            r#"checks = [{ name = "log-retention", params = { min_days = 30 } }]"#,
            "kind = \"AWS::RDS::DBInstance\"\nexpr = \"resource.StorageEncrypted\"",
        );
        let pack = crate::rules::parse(std::path::Path::new("t.toml"), &text).unwrap();
        let ctx = Context {
            addresses: Default::default(),
            now: inv.collected_at,
            pass_detail: true,
            orders: Default::default(),
        };
        let out = pack.rules[0].checks[0].evaluate(&ctx, &inv);
        let judged: Vec<String> = out.iter().map(|o| o.resource.arn.to_string()).collect();
        assert_eq!(judged, arns);
        let first = ctx.orders.of(Dataset::DbInstances, &inv.db_instances);
        let again = ctx.orders.of(Dataset::DbInstances, &inv.db_instances);
        assert!(std::sync::Arc::ptr_eq(&first, &again), "sorted once");
        // Only the resources of the dataset asked for (a list may hold two).
        assert!(
            ctx.orders
                .of(Dataset::DbClusters, &inv.db_instances)
                .is_empty()
        );
    }

    #[test]
    fn passes_are_left_without_words_only_when_no_report_reads_them() {
        let inv = inventory();
        for lines in [
            "kind = \"AWS::RDS::DBInstance\"\nrequire = { field = \"StorageEncrypted\", op = \"eq\", value = true }",
            "kind = \"AWS::RDS::DBInstance\"\nrequire = { field = \"BackupRetentionPeriod\", op = \"absent\" }",
            "kind = \"AWS::RDS::DBInstance\"\nexpr = \"resource.StorageEncrypted || resource.BackupRetentionPeriod >= 7\"",
        ] {
            let text = crate::rules::ONE_RULE_PACK.replace(
                r#"checks = [{ name = "log-retention", params = { min_days = 30 } }]"#,
                lines,
            );
            let pack = crate::rules::parse(std::path::Path::new("t.toml"), &text).unwrap();
            let check = &pack.rules[0].checks[0];
            let mut ctx = Context {
                addresses: Default::default(),
                now: inv.collected_at,
                pass_detail: true,
                orders: Default::default(),
            };
            let full = check.evaluate(&ctx, &inv);
            ctx.pass_detail = false;
            let bare = check.evaluate(&ctx, &inv);
            assert!(full.iter().any(|o| o.status == Status::Pass), "{lines}");
            assert!(full.iter().any(|o| o.status != Status::Pass), "{lines}");
            assert_eq!(full.len(), bare.len());
            for (full, bare) in full.iter().zip(&bare) {
                if full.status == Status::Pass {
                    assert!(!full.message.is_empty() && !full.evidence.is_empty());
                    assert_eq!(bare.status, Status::Pass);
                    assert_eq!(bare.resource, full.resource);
                    assert!(bare.message.is_empty() && bare.evidence.is_empty());
                } else {
                    assert_eq!(bare, full, "{lines}");
                }
            }
        }
    }

    #[test]
    fn an_expr_passes_fails_and_is_unknown_on_an_absent_field_with_what_it_read() {
        let found = evaluated(
            "kind = \"AWS::RDS::DBInstance\"\nparams = { min_days = 7 }\nexpr = \"resource.StorageEncrypted || resource.BackupRetentionPeriod >= params.min_days\"",
        );
        let a = by_name(&found, "a");
        assert_eq!(a.status, Status::Pass);
        assert_eq!(
            a.evidence,
            vec![
                Evidence::new("StorageEncrypted", "true", "read by the expression"),
                Evidence::new("BackupRetentionPeriod", "7", "read by the expression")
            ]
        );
        // b: unencrypted, and its retention was not returned.
        let b = by_name(&found, "b");
        assert_eq!(b.status, Status::Unknown);
        assert_eq!(b.message, "BackupRetentionPeriod: not returned by AWS");
        // has() tells absent from present: false, not unknown.
        let found = evaluated(
            "kind = \"AWS::RDS::DBInstance\"\nexpr = \"resource.StorageEncrypted && has(resource.BackupRetentionPeriod)\"",
        );
        let b = by_name(&found, "b");
        assert_eq!(b.status, Status::Fail);
        assert_eq!(
            b.message,
            "resource.StorageEncrypted && has(resource.BackupRetentionPeriod) is false"
        );
        assert_eq!(
            b.evidence,
            vec![Evidence::new(
                "StorageEncrypted",
                "false",
                "read by the expression"
            )]
        );
        // An error of the expression is unknown, with the error.
        let found = evaluated(
            "kind = \"AWS::RDS::DBInstance\"\nexpr = \"1 / (size(resource.ReadReplicaDBInstanceIdentifiers) - size(resource.ReadReplicaDBInstanceIdentifiers)) == 1\"",
        );
        let a = by_name(&found, "a");
        assert_eq!(a.status, Status::Unknown, "{}", a.message);
        assert!(
            a.message
                .starts_with("the expression could not be evaluated: "),
            "{}",
            a.message
        );
    }

    #[test]
    fn a_message_gives_a_failing_findings_text() {
        let found = evaluated(
            "kind = \"AWS::RDS::DBInstance\"\nrequire = { field = \"StorageEncrypted\", op = \"eq\", value = true }\nmessage = \"resource.DBInstanceIdentifier + ' is not encrypted in ' + meta.region\"",
        );
        assert_eq!(
            by_name(&found, "b").message,
            "b is not encrypted in eu-north-1"
        );
        assert_eq!(
            by_name(&found, "a").message,
            "StorageEncrypted is true (required eq true)"
        );
    }

    #[test]
    fn an_expr_names_the_first_element_an_all_fails_on() {
        let found = evaluated(
            "kind = \"AWS::RDS::DBInstance\"\nexpr = \"resource.ReadReplicaDBInstanceIdentifiers.all(id, id.startsWith('a'))\"",
        );
        // Neither instance has replicas: all() of nothing holds.
        assert!(
            found
                .iter()
                .all(|f| f.status == Status::Pass || f.status == Status::Unknown)
        );
        // Over every kind: meta only.
        let found = evaluated(
            "kind = \"*\"\nexpr = \"meta.region in params.regions\"\nparams = { regions = [\"us-east-1\"] }",
        );
        let a = by_name(&found, "a");
        assert_eq!(a.status, Status::Fail);
        assert_eq!(a.message, "meta.region in params.regions is false");
    }

    #[test]
    fn evaluation_of_all_names_its_first_failing_element() {
        use crate::expr;
        let fields = [(
            "DBInstanceAutomatedBackupsReplications",
            crate::inventory::fields::catalogue(Dataset::DbInstances)
                .unwrap()
                .fields
                .iter()
                .find(|f| f.name == "DBInstanceAutomatedBackupsReplications")
                .unwrap()
                .ty,
        )];
        let env = expr::Env {
            resource: Some(&fields),
            params: &[],
        };
        let program = expr::compile(
            "resource.DBInstanceAutomatedBackupsReplications.all(r, r.DBInstanceAutomatedBackupsArn.contains('eu-west-1'))",
            expr::Kind::Predicate,
            &env,
        )
        .unwrap();
        let cel = Cel {
            source: "x".into(),
            program,
            needs: vec![],
        };
        let mut inv = inventory();
        inv.db_instances[0].automated_backup_replications =
            vec!["arn:eu-west-1:1".into(), "arn:us-east-1:2".into()];
        let judge = Judge {
            attribute: &Attribute {
                kind: "AWS::RDS::DBInstance".into(),
                datasets: vec![Dataset::DbInstances],
                test: Test::Require(vec![]),
                message: None,
                params: Value::Map(Default::default()),
            },
            words: &Words::default(),
            inventory: &inv,
            covered: None,
            ctx: &Context {
                addresses: Default::default(),
                now: inv.collected_at,
                pass_detail: true,
                orders: Default::default(),
            },
        };
        let r = &inv.db_instances[0];
        let meta = meta(r);
        let vars = expr::Vars {
            resource: &Fields {
                resource: r,
                getters: &[],
            },
            meta: &meta,
            params: &Value::Map(Default::default()),
            now: inv.collected_at,
        };
        let j = judge.expr(r, &cel, &vars);
        assert_eq!(j.status, Status::Fail);
        assert_eq!(
            j.evidence.last().unwrap(),
            &Evidence::new(
                "DBInstanceAutomatedBackupsReplications[1]",
                r#"{"DBInstanceAutomatedBackupsArn": "arn:us-east-1:2"}"#,
                "the first element for which the all() is false"
            )
        );
    }

    #[test]
    fn a_pack_judges_every_resource_of_its_kind_within_scope_and_coverage() {
        let got = findings(
            r#"[{ field = "StorageEncrypted", op = "eq", value = true }, { field = "BackupRetentionPeriod", op = "gte", value = 7 }]"#,
            "",
        );
        assert_eq!(
            got,
            vec![
                (
                    "b".to_string(),
                    Status::Fail,
                    "StorageEncrypted is false (required eq true)".to_string()
                ),
                (
                    "all db-instances".to_string(),
                    Status::Unknown,
                    "could not read db-instances in account 111122223333 region us-east-1: \
DescribeDBInstances failed with AccessDenied: not allowed"
                        .to_string()
                ),
                (
                    "a".to_string(),
                    Status::Pass,
                    "StorageEncrypted is true (required eq true); BackupRetentionPeriod is 7 (required gte 7)"
                        .to_string()
                ),
            ]
        );
        // An absent field is unknown, never a pass or a failure.
        let got = findings(
            r#"{ field = "BackupRetentionPeriod", op = "gte", value = 1 }"#,
            "",
        );
        assert_eq!(got[0].1, Status::Unknown);
        assert_eq!(got[0].2, "BackupRetentionPeriod: not returned by AWS");
        // The rule's scope and exclude apply as to built-in checks.
        let got = findings(
            r#"{ field = "StorageEncrypted", op = "eq", value = true }"#,
            "scope = { regions = [\"eu-*\"] }\nexclude = { names = [\"b\"] }",
        );
        let names: Vec<&str> = got.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, vec!["a"]);
    }

    #[test]
    fn requirements_combine_fail_over_unknown_over_pass() {
        let j = run(
            r#"[{ field = "Endpoint.Port", op = "eq", value = 1 }, { field = "DeletionProtection", op = "eq", value = true }]"#,
        );
        assert_eq!(j.status, Status::Fail);
        assert_eq!(j.message, "DeletionProtection is false (required eq true)");
        let j = run(
            r#"[{ field = "Endpoint.Port", op = "eq", value = 1 }, { field = "DeletionProtection", op = "eq", value = false }]"#,
        );
        assert_eq!(j.status, Status::Unknown);
        assert_eq!(j.message, "Endpoint.Port: not returned by AWS");
        assert_eq!(
            j.evidence,
            vec![Evidence::new(
                "Endpoint.Port",
                "absent",
                "not returned by AWS; required eq 1"
            )]
        );
    }

    #[test]
    fn evidence_names_the_field_its_value_and_what_is_required() {
        let j = run(r#"{ field = "AllocatedStorage", op = "gte", value = 200 }"#);
        assert_eq!(
            j.evidence,
            vec![Evidence::new("AllocatedStorage", "100", "required gte 200")]
        );
        assert_eq!(j.message, "AllocatedStorage is 100 (required gte 200)");
        // every: the first failing element, and what of it fails.
        let j = run(
            r#"{ field = "IpPermissions", every = { field = "IpProtocol", op = "ne", value = "-1" } }"#,
        );
        assert_eq!(j.evidence.len(), 2, "{:?}", j.evidence);
        assert_eq!(j.evidence[0].field, "IpPermissions[1]");
        assert_eq!(
            j.evidence[0].value,
            r#"{"FromPort": 0, "IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}"#
        );
        assert_eq!(
            j.evidence[0].note,
            r#"the first element of IpPermissions that fails (1 of 3 fail); required every { IpProtocol ne "-1" }"#
        );
        assert_eq!(
            j.evidence[1],
            Evidence::new(
                "IpPermissions[1].IpProtocol",
                r#""-1""#,
                r#"required ne "-1""#
            )
        );
        assert_eq!(
            j.message,
            r#"IpPermissions[1].IpProtocol is "-1" (required ne "-1"); 1 of 3 elements of IpPermissions fail"#
        );
        // Nested: the first element whose inner list fails.
        let j = run(
            r#"{ field = "IpPermissions", every = { field = "IpRanges", every = { field = "CidrIp", op = "ne", value = "0.0.0.0/0" } } }"#,
        );
        assert!(
            j.message
                .starts_with(r#"IpPermissions[1].IpRanges[0].CidrIp is "0.0.0.0/0""#),
            "{}",
            j.message
        );
        // any: no element meets it.
        let j = run(
            r#"{ field = "EnabledCloudwatchLogsExports", any = { op = "eq", value = "audit" } }"#,
        );
        assert_eq!(
            j.evidence,
            vec![Evidence::new(
                "EnabledCloudwatchLogsExports",
                r#"["error", "general"]"#,
                r#"required any { eq "audit" }"#
            )]
        );
    }
}
