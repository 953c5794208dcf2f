//! Compile-time checks of an expression (paths, variables, the types the
//! checker can see without a full CEL type checker), the paths it reads,
//! and the search for an `all()`'s first failing element.
//!
//! Conservative: an expression CEL would run is only rejected when it
//! could never work (an unknown field or variable, a comparison of values
//! of different types, a predicate that is not a bool, ...); where a type
//! is not known (`dyn`), nothing is checked.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use cel::common::ast::{
    CallExpr, ComprehensionExpr, EntryExpr, Expr, IdedExpr, LiteralValue, operators,
};

use super::{ENV, Env, ExprError, Kind, Path, Seg, all_body, convert, show_path};
use crate::inventory::{Member, Type, Value};

/// What the analysis of a parsed expression found.
pub(super) struct Analysis {
    /// The expression to evaluate (`duration("90d")` rewritten to hours).
    pub expr: IdedExpr,
    pub fields: Vec<String>,
    pub paths: Vec<Vec<String>>,
    pub reads: Vec<Path>,
    pub labels: HashMap<u64, Label>,
    pub has_all: bool,
    pub uses_meta: bool,
    pub uses_params: bool,
    pub uses_now: bool,
}

/// How `first_failing` names the elements of an `all()`'s range.
#[derive(Debug, Clone)]
pub(super) enum Label {
    /// A path from a variable (`resource`, or an enclosing comprehension's).
    Chain { root: String, segs: Vec<Seg> },
    /// The range's source text.
    Text(String),
}

/// The type of an expression, as far as the checker can see it.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Bool,
    Int,
    Uint,
    Double,
    String,
    Bytes,
    Null,
    Timestamp,
    Duration,
    List(Box<Ty>),
    /// A map with string keys.
    Map(Box<Ty>),
    Struct(&'static [Member]),
    /// `resource`: the kind's catalogue.
    Resource,
    Meta,
    Params,
    /// A type (`int`, `type(x)`).
    Type,
    /// Not known.
    Dyn,
}

/// Which values can be compared with which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Bool,
    Number,
    String,
    Bytes,
    Null,
    Timestamp,
    Duration,
    List,
    Map,
    Type,
}

impl Ty {
    fn of(t: &Type) -> Ty {
        match t {
            Type::Bool => Ty::Bool,
            Type::Int => Ty::Int,
            Type::Float => Ty::Double,
            Type::String => Ty::String,
            Type::Timestamp => Ty::Timestamp,
            Type::List(t) => Ty::List(Box::new(Ty::of(t))),
            Type::Map(t) => Ty::Map(Box::new(Ty::of(t))),
            Type::Struct(members) => Ty::Struct(members),
        }
    }

    fn class(&self) -> Option<Class> {
        Some(match self {
            Ty::Bool => Class::Bool,
            Ty::Int | Ty::Uint | Ty::Double => Class::Number,
            Ty::String => Class::String,
            Ty::Bytes => Class::Bytes,
            Ty::Null => Class::Null,
            Ty::Timestamp => Class::Timestamp,
            Ty::Duration => Class::Duration,
            Ty::List(_) => Class::List,
            Ty::Map(_) | Ty::Struct(_) | Ty::Resource | Ty::Meta | Ty::Params => Class::Map,
            Ty::Type => Class::Type,
            Ty::Dyn => return None,
        })
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Bool => f.write_str("bool"),
            Ty::Int => f.write_str("int"),
            Ty::Uint => f.write_str("uint"),
            Ty::Double => f.write_str("double"),
            Ty::String => f.write_str("string"),
            Ty::Bytes => f.write_str("bytes"),
            Ty::Null => f.write_str("null"),
            Ty::Timestamp => f.write_str("timestamp"),
            Ty::Duration => f.write_str("duration"),
            Ty::List(t) if **t == Ty::Dyn => f.write_str("list"),
            Ty::List(t) => write!(f, "list({t})"),
            Ty::Map(t) if **t == Ty::Dyn => f.write_str("map"),
            Ty::Map(t) => write!(f, "map(string, {t})"),
            Ty::Struct(_) | Ty::Resource | Ty::Meta | Ty::Params => f.write_str("structure"),
            Ty::Type => f.write_str("type"),
            Ty::Dyn => f.write_str("dyn"),
        }
    }
}

/// The members of `meta`.
const META: &[Member] = &[
    Member {
        name: "account",
        ty: Type::String,
    },
    Member {
        name: "region",
        ty: Type::String,
    },
    Member {
        name: "arn",
        ty: Type::String,
    },
    Member {
        name: "kind",
        ty: Type::String,
    },
    Member {
        name: "tags",
        ty: Type::Map(&Type::String),
    },
];

/// Identifiers that name types or function namespaces, not variables.
const TYPE_NAMES: &[&str] = &[
    "bool",
    "int",
    "uint",
    "double",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
    "timestamp",
    "duration",
    "google",
];
const NAMESPACES: &[&str] = &["optional", "strings", "math", "base64", "google"];

/// Functions to suggest for a misspelt one.
const FUNCTIONS: &[&str] = &[
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "lowerAscii",
    "upperAscii",
    "split",
    "replace",
    "trim",
    "indexOf",
    "lastIndexOf",
    "join",
    "substring",
    "charAt",
    "getFullYear",
    "getMonth",
    "getDayOfMonth",
    "getDayOfWeek",
    "getDayOfYear",
    "getDate",
    "getHours",
    "getMinutes",
    "getSeconds",
    "getMilliseconds",
    "int",
    "uint",
    "double",
    "string",
    "bool",
    "duration",
    "timestamp",
    "type",
    "dyn",
    "distinct",
    "flatten",
    "sort",
    "slice",
    "reverse",
];

/// What the checker knows of one (sub)expression.
#[derive(Debug, Clone)]
struct Info {
    ty: Ty,
    /// The path into `resource` it denotes, if it is one.
    path: Option<Path>,
    /// The variable a select chain starts from, and its steps: for labels.
    chain: Option<(String, Vec<Seg>)>,
    span: Range<usize>,
    literal: bool,
}

impl Info {
    fn new(ty: Ty, span: Range<usize>) -> Info {
        Info {
            ty,
            path: None,
            chain: None,
            span,
            literal: false,
        }
    }
}

struct Analyser<'a> {
    source: &'a str,
    info: &'a cel::common::ast::SourceInfo,
    env: &'a Env<'a>,
    errors: Vec<ExprError>,
    fields: Vec<String>,
    whole_resource: bool,
    paths: Vec<Vec<String>>,
    reads: Vec<Path>,
    labels: HashMap<u64, Label>,
    has_all: bool,
    uses_meta: bool,
    uses_params: bool,
    uses_now: bool,
    /// Comprehension variables in scope, innermost last.
    scope: Vec<(String, Info)>,
}

/// The parser's errors, with byte spans.
pub(super) fn parse_errors(source: &str, errors: &cel::ParseErrors) -> Vec<ExprError> {
    errors
        .errors
        .iter()
        .map(|e| {
            let at = byte_offset(source, e.pos.0, e.pos.1);
            let end = source[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8());
            let message = e
                .msg
                .strip_prefix("Syntax error: ")
                .unwrap_or(&e.msg)
                .to_owned();
            ExprError {
                span: at..end,
                message: format!("syntax error: {message}"),
                help: None,
            }
        })
        .collect()
}

/// The byte offset of 1-based `line` and `column` (in characters).
fn byte_offset(source: &str, line: isize, column: isize) -> usize {
    let mut offset = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == usize::try_from(line).unwrap_or(1) {
            let col = usize::try_from(column.max(1) - 1).unwrap_or(0);
            return offset
                + l.char_indices()
                    .nth(col)
                    .map_or(l.trim_end_matches('\n').len(), |(b, _)| b);
        }
        offset += l.len();
    }
    source.len()
}

pub(super) fn analyse(
    source: &str,
    parsed: &cel::Program,
    kind: Kind,
    env: &Env,
) -> Result<Analysis, Vec<ExprError>> {
    let mut a = Analyser {
        source,
        info: parsed.source_info(),
        env,
        errors: Vec::new(),
        fields: Vec::new(),
        whole_resource: false,
        paths: Vec::new(),
        reads: Vec::new(),
        labels: HashMap::new(),
        has_all: false,
        uses_meta: false,
        uses_params: false,
        uses_now: false,
        scope: Vec::new(),
    };
    let mut expr = parsed.expression().clone();
    a.rewrite_days(&mut expr);
    let top = a.visit(&expr);
    a.used(&top);
    match (kind, top.ty.class()) {
        (Kind::Predicate, Some(class)) if class != Class::Bool => a.error(
            top.span.clone(),
            format!("this expression is a {}; a rule's `expr` must be a bool (true when the promise is kept)", top.ty),
            a.bool_hint(&top),
        ),
        (Kind::Message, Some(class)) if class != Class::String => a.error(
            top.span.clone(),
            format!("this expression is a {}; a message must be a string", top.ty),
            Some(format!("write `string({})`", a.text(&top.span))),
        ),
        _ => {}
    }
    if !a.errors.is_empty() {
        a.errors.sort_by_key(|e| (e.span.start, e.span.end));
        a.errors.dedup();
        return Err(a.errors);
    }
    if a.whole_resource
        && let Some(catalogue) = env.resource
    {
        a.fields = catalogue.iter().map(|(n, _)| (*n).to_owned()).collect();
    }
    Ok(Analysis {
        expr,
        fields: a.fields,
        paths: a.paths,
        reads: a.reads,
        labels: a.labels,
        has_all: a.has_all,
        uses_meta: a.uses_meta,
        uses_params: a.uses_params,
        uses_now: a.uses_now,
    })
}

impl Analyser<'_> {
    fn error(&mut self, span: Range<usize>, message: String, help: Option<String>) {
        self.errors.push(ExprError {
            span,
            message,
            help,
        });
    }

    /// The source range of node `id`'s token.
    fn tok(&self, id: u64) -> Range<usize> {
        let Some((start, stop)) = self.info.offset_for(id) else {
            return 0..0;
        };
        let (start, stop) = (start as usize, (stop as usize).max(start as usize));
        let end = self
            .source
            .get(stop..)
            .and_then(|s| s.chars().next())
            .map_or(stop, |c| stop + c.len_utf8());
        start.min(self.source.len())..end.min(self.source.len())
    }

    fn text(&self, span: &Range<usize>) -> &str {
        self.source.get(span.clone()).unwrap_or("").trim()
    }

    /// `duration("90d")`: days are hours times 24 (CEL has no day unit);
    /// `s.matches("literal")` with its regular expression compiled once.
    fn rewrite_days(&mut self, e: &mut IdedExpr) {
        if let Expr::Call(call) = &mut e.expr
            && call.func_name == "duration"
            && call.target.is_none()
            && call.args.len() == 1
            && let Expr::Literal(LiteralValue::String(s)) = &call.args[0].expr
            && let Some(hours) = days_to_hours(s.inner())
        {
            call.args[0].expr = Expr::Literal(LiteralValue::String(hours.into()));
        }
        if let Expr::Call(call) = &mut e.expr
            && call.func_name == "matches"
            && call.target.is_some()
            && call.args.len() == 1
            && let Expr::Literal(LiteralValue::String(s)) = &call.args[0].expr
            && super::cache_regex(s.inner())
        {
            call.func_name = super::MATCHES.to_owned();
        }
        match &mut e.expr {
            Expr::Call(call) => {
                if let Some(t) = call.target.as_deref_mut() {
                    self.rewrite_days(t);
                }
                for a in &mut call.args {
                    self.rewrite_days(a);
                }
            }
            Expr::Select(s) => self.rewrite_days(&mut s.operand),
            Expr::List(l) => l.elements.iter_mut().for_each(|x| self.rewrite_days(x)),
            Expr::Map(m) => {
                for entry in &mut m.entries {
                    if let EntryExpr::MapEntry(me) = &mut entry.expr {
                        self.rewrite_days(&mut me.key);
                        self.rewrite_days(&mut me.value);
                    }
                }
            }
            Expr::Struct(s) => {
                for entry in &mut s.entries {
                    if let EntryExpr::StructField(f) = &mut entry.expr {
                        self.rewrite_days(&mut f.value);
                    }
                }
            }
            Expr::Comprehension(c) => {
                self.rewrite_days(&mut c.iter_range);
                self.rewrite_days(&mut c.accu_init);
                self.rewrite_days(&mut c.loop_cond);
                self.rewrite_days(&mut c.loop_step);
                self.rewrite_days(&mut c.result);
            }
            _ => {}
        }
    }

    /// Records what `info` reads, as the value of something.
    fn used(&mut self, info: &Info) {
        let Some(path) = &info.path else { return };
        if path.is_empty() {
            self.whole_resource = true;
            return;
        }
        self.note_path(path);
    }

    fn note_path(&mut self, path: &Path) {
        if !self.reads.contains(path) {
            self.reads.push(path.clone());
        }
        if !path.contains(&Seg::Each) {
            let names: Vec<String> = path
                .iter()
                .map(|s| match s {
                    Seg::Field(n) => n.clone(),
                    Seg::Index(i) => format!("[{i}]"),
                    Seg::Each => String::new(),
                })
                .collect();
            if !self.paths.contains(&names) {
                self.paths.push(names);
            }
        }
    }

    fn note_field(&mut self, name: &str) {
        if !self.fields.iter().any(|f| f == name) {
            self.fields.push(name.to_owned());
        }
    }

    fn visit(&mut self, e: &IdedExpr) -> Info {
        let tok = self.tok(e.id);
        match &e.expr {
            Expr::Literal(l) => {
                let ty = match l {
                    LiteralValue::Boolean(_) => Ty::Bool,
                    LiteralValue::Bytes(_) => Ty::Bytes,
                    LiteralValue::Double(_) => Ty::Double,
                    LiteralValue::Int(_) => Ty::Int,
                    LiteralValue::Null => Ty::Null,
                    LiteralValue::String(_) => Ty::String,
                    LiteralValue::UInt(_) => Ty::Uint,
                };
                Info {
                    literal: true,
                    ..Info::new(ty, tok)
                }
            }
            Expr::Ident(name) => self.ident(name, tok),
            Expr::Select(s) => self.select(&s.operand, &s.field, s.test, tok),
            Expr::Call(c) => self.call(c, tok),
            Expr::List(l) => {
                let mut span = tok;
                let mut ty: Option<Ty> = None;
                for x in &l.elements {
                    let i = self.visit(x);
                    self.used(&i);
                    span = union(&span, &i.span);
                    ty = Some(match ty {
                        None => i.ty,
                        Some(t) if t == i.ty => t,
                        Some(_) => Ty::Dyn,
                    });
                }
                Info::new(Ty::List(Box::new(ty.unwrap_or(Ty::Dyn))), span)
            }
            Expr::Map(m) => {
                let mut span = tok;
                let mut string_keys = !m.entries.is_empty();
                for entry in &m.entries {
                    if let EntryExpr::MapEntry(me) = &entry.expr {
                        for (n, x) in [&me.key, &me.value].into_iter().enumerate() {
                            let i = self.visit(x);
                            self.used(&i);
                            span = union(&span, &i.span);
                            if n == 0 && i.ty != Ty::String {
                                string_keys = false;
                            }
                        }
                    }
                }
                // only string keys make it a map as the checker knows them
                let ty = if string_keys {
                    Ty::Map(Box::new(Ty::Dyn))
                } else {
                    Ty::Dyn
                };
                Info::new(ty, span)
            }
            Expr::Struct(s) => {
                let mut span = tok;
                for entry in &s.entries {
                    if let EntryExpr::StructField(f) = &entry.expr {
                        let i = self.visit(&f.value);
                        self.used(&i);
                        span = union(&span, &i.span);
                    }
                }
                Info::new(Ty::Dyn, span)
            }
            Expr::Comprehension(c) => self.comprehension(e.id, c, tok),
            Expr::Unspecified => Info::new(Ty::Dyn, tok),
        }
    }

    fn ident(&mut self, name: &str, tok: Range<usize>) -> Info {
        if let Some((_, bound)) = self.scope.iter().rev().find(|(n, _)| n == name) {
            return Info {
                span: tok,
                chain: Some((name.to_owned(), Vec::new())),
                literal: false,
                ..bound.clone()
            };
        }
        let ty = match name {
            "resource" => {
                if self.env.resource.is_none() {
                    self.error(
                        tok.clone(),
                        "`resource` is not available in a rule over every kind (`kind = \"*\"`)".to_owned(),
                        Some("name one kind (`kind = \"AWS::RDS::DBInstance\"`) to read its fields, or use `meta` (account, region, arn, kind, tags)".to_owned()),
                    );
                    return Info::new(Ty::Dyn, tok);
                }
                return Info {
                    path: Some(Vec::new()),
                    chain: Some(("resource".to_owned(), Vec::new())),
                    ..Info::new(Ty::Resource, tok)
                };
            }
            "meta" => {
                self.uses_meta = true;
                Ty::Meta
            }
            "params" => {
                self.uses_params = true;
                Ty::Params
            }
            "now" => {
                self.uses_now = true;
                Ty::Timestamp
            }
            _ if TYPE_NAMES.contains(&name) => Ty::Type,
            _ => {
                let help = self.unknown_variable_help(name);
                self.error(
                    tok.clone(),
                    format!("unknown variable `{name}`"),
                    Some(help),
                );
                Ty::Dyn
            }
        };
        Info::new(ty, tok)
    }

    fn unknown_variable_help(&self, name: &str) -> String {
        if let Some(catalogue) = self.env.resource
            && let Some(field) = closest(name, catalogue.iter().map(|(n, _)| *n))
        {
            return format!("did you mean `resource.{field}`?");
        }
        let mut names: Vec<&str> = vec!["resource", "meta", "params", "now"];
        names.extend(
            self.scope
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| !n.starts_with('@')),
        );
        if let Some(near) = closest(name, names.iter().copied()) {
            return format!("did you mean `{near}`?");
        }
        "the variables are `resource`, `meta`, `params` and `now`".to_owned()
    }

    /// The span of `.field` written after `after`, if it is there.
    fn field_span(&self, after: usize, field: &str) -> Option<Range<usize>> {
        let rest = self.source.get(after..)?;
        let trimmed = rest.trim_start();
        let dot = trimmed.strip_prefix('.')?;
        let name = dot.trim_start();
        let start = after + (rest.len() - name.len());
        name.starts_with(field).then(|| start..start + field.len())
    }

    fn select(&mut self, operand: &IdedExpr, field: &str, test: bool, tok: Range<usize>) -> Info {
        let op = self.visit(operand);
        let fspan = self
            .field_span(op.span.end, field)
            .unwrap_or_else(|| tok.start..tok.end + field.len());
        let span = union(&op.span, &fspan);
        let ty = self.member(&op, field, &span, &fspan);
        let path = op.path.clone().map(|mut p| {
            p.push(Seg::Field(field.to_owned()));
            p
        });
        if let Some(p) = &path
            && let [Seg::Field(top)] = p.as_slice()
        {
            self.note_field(top);
        }
        let chain = op.chain.clone().map(|(root, mut segs)| {
            segs.push(Seg::Field(field.to_owned()));
            (root, segs)
        });
        if test {
            if let Some(p) = &path {
                self.note_path(p);
            }
            let span = union(&tok, &span);
            return Info::new(Ty::Bool, span);
        }
        Info {
            ty,
            path,
            chain,
            span,
            literal: false,
        }
    }

    /// `x.?field`: an optional, empty when the field is absent.
    fn optional_select(&mut self, operand: &IdedExpr, field: &str, tok: Range<usize>) -> Info {
        let op = self.visit(operand);
        let after = self.source.get(op.span.end..).unwrap_or("");
        let fspan = after
            .find(field)
            .map(|i| op.span.end + i..op.span.end + i + field.len())
            .unwrap_or_else(|| tok.clone());
        let span = union(&op.span, &fspan);
        self.member(&op, field, &span, &fspan);
        if let Some(mut path) = op.path.clone() {
            path.push(Seg::Field(field.to_owned()));
            if let [Seg::Field(top)] = path.as_slice() {
                let top = top.clone();
                self.note_field(&top);
            }
            self.note_path(&path);
        }
        Info::new(Ty::Dyn, span)
    }

    /// The type of member `field` of `op`; an error when it has none.
    fn member(&mut self, op: &Info, field: &str, span: &Range<usize>, fspan: &Range<usize>) -> Ty {
        let text = self.text(&op.span).to_owned();
        let whole = self.text(span).to_owned();
        let found = |members: &mut dyn Iterator<Item = (&'static str, &Type)>| -> Result<Ty, Vec<&'static str>> {
            let mut names = Vec::new();
            for (name, ty) in members {
                if name == field {
                    return Ok(Ty::of(ty));
                }
                names.push(name);
            }
            Err(names)
        };
        let lookup = match &op.ty {
            Ty::Resource => self
                .env
                .resource
                .map(|c| found(&mut c.iter().map(|(n, t)| (*n, t))))
                .unwrap_or(Ok(Ty::Dyn)),
            Ty::Struct(members) => found(&mut members.iter().map(|m| (m.name, &m.ty))),
            Ty::Meta => found(&mut META.iter().map(|m| (m.name, &m.ty))),
            Ty::Params => {
                let params = self.env.params;
                match params.iter().find(|(n, _)| n == field) {
                    Some((_, t)) => Ok(Ty::of(t)),
                    None => {
                        let names: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
                        let help = match closest(field, names.iter().copied()) {
                            Some(near) => format!("did you mean `params.{near}`?"),
                            None if names.is_empty() => "this rule has no `params`".to_owned(),
                            None => format!(
                                "this rule's params are {}",
                                names
                                    .iter()
                                    .map(|n| format!("`{n}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        };
                        self.error(
                            fspan.clone(),
                            format!("unknown parameter `{whole}`"),
                            Some(help),
                        );
                        return Ty::Dyn;
                    }
                }
            }
            Ty::Map(t) => Ok((**t).clone()),
            Ty::List(_) => {
                self.error(
                    span.clone(),
                    format!("`{text}` is a list: it has no field `{field}`"),
                    Some(format!(
                        "test its elements with `{text}.all(x, x.{field} ...)` or `{text}.exists(x, ...)`, or pick one with `{text}[0].{field}`"
                    )),
                );
                return Ty::Dyn;
            }
            Ty::Dyn | Ty::Type | Ty::Null => Ok(Ty::Dyn),
            scalar => {
                self.error(
                    span.clone(),
                    format!("`{text}` is a {scalar}: it has no field `{field}`"),
                    None,
                );
                return Ty::Dyn;
            }
        };
        match lookup {
            Ok(t) => t,
            Err(names) => {
                let what = match &op.ty {
                    Ty::Resource => "field of this kind".to_owned(),
                    Ty::Meta => "member of `meta`".to_owned(),
                    _ => format!("member of `{text}`"),
                };
                let help = match closest(field, names.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None if op.ty == Ty::Resource => {
                        "`conform fields KIND` lists the fields of a kind".to_owned()
                    }
                    None => format!(
                        "its members are {}",
                        names
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                self.error(
                    span.clone(),
                    format!("`{whole}`: no {what} is called `{field}`"),
                    Some(help),
                );
                Ty::Dyn
            }
        }
    }

    fn call(&mut self, c: &CallExpr, tok: Range<usize>) -> Info {
        let name = c.func_name.as_str();
        if name == operators::INDEX || name == operators::OPT_INDEX {
            return self.index(c, tok);
        }
        if let (operators::OPT_SELECT, [operand, field]) = (name, c.args.as_slice())
            && let Expr::Literal(LiteralValue::String(field)) = &field.expr
        {
            return self.optional_select(operand, field.inner(), tok);
        }
        let mut span = tok;
        let target = match c.target.as_deref() {
            Some(IdedExpr {
                expr: Expr::Ident(ns),
                id,
            }) if NAMESPACES.contains(&ns.as_str()) && !self.scope.iter().any(|(n, _)| n == ns) => {
                span = union(&span, &self.tok(*id));
                None
            }
            Some(t) => {
                let i = self.visit(t);
                self.used(&i);
                span = union(&span, &i.span);
                Some(i)
            }
            None => None,
        };
        let args: Vec<Info> = c
            .args
            .iter()
            .map(|a| {
                let i = self.visit(a);
                self.used(&i);
                i
            })
            .collect();
        for a in &args {
            span = union(&span, &a.span);
        }
        let shown = if name == super::MATCHES {
            "matches"
        } else {
            name
        };
        if is_function(shown) {
            span = self.call_span(span, shown, target.is_none());
            self.declared(c, &span);
        }
        let ty = match (name, target.as_ref(), args.as_slice()) {
            (operators::EQUALS | operators::NOT_EQUALS, None, [a, b]) => {
                self.comparable(a, b, &span, true);
                Ty::Bool
            }
            (
                operators::LESS
                | operators::LESS_EQUALS
                | operators::GREATER
                | operators::GREATER_EQUALS,
                None,
                [a, b],
            ) => {
                self.comparable(a, b, &span, false);
                Ty::Bool
            }
            (
                operators::LOGICAL_AND | operators::LOGICAL_OR | operators::LOGICAL_NOT,
                None,
                args,
            ) => {
                for a in args {
                    self.must_be_bool(a);
                }
                Ty::Bool
            }
            (operators::NOT_STRICTLY_FALSE, _, _) => Ty::Bool,
            (operators::CONDITIONAL, None, [cond, a, b]) => {
                self.must_be_bool(cond);
                if a.ty == b.ty { a.ty.clone() } else { Ty::Dyn }
            }
            (operators::IN, None, [x, coll]) => {
                self.contained(x, coll, &span);
                Ty::Bool
            }
            (operators::NEGATE, None, [a]) => match a.ty {
                Ty::Int | Ty::Double | Ty::Duration => a.ty.clone(),
                _ => Ty::Dyn,
            },
            (
                operators::ADD
                | operators::SUBSTRACT
                | operators::MULTIPLY
                | operators::DIVIDE
                | operators::MODULO,
                None,
                [a, b],
            ) => self.arithmetic(name, a, b, &span),
            ("size", _, _) => Ty::Int,
            ("contains" | "startsWith" | "endsWith" | "matches" | super::MATCHES, Some(t), _) => {
                self.string_target(shown, t);
                if let ("matches", [pattern]) = (name, args.as_slice())
                    && pattern.literal
                {
                    self.constant(c, &span, "matches");
                }
                Ty::Bool
            }
            ("matches", None, [_, pattern]) if pattern.literal => {
                self.constant(c, &span, "matches");
                Ty::Bool
            }
            ("duration" | "timestamp", None, [a]) => {
                if a.literal {
                    self.constant(c, &span, name);
                }
                if name == "duration" {
                    Ty::Duration
                } else {
                    Ty::Timestamp
                }
            }
            ("int", _, _) => Ty::Int,
            ("uint", _, _) => Ty::Uint,
            ("double", _, _) => Ty::Double,
            ("string", _, _) => Ty::String,
            ("bool", _, _) => Ty::Bool,
            ("bytes", _, _) => Ty::Bytes,
            ("type", _, _) => Ty::Type,
            ("dyn", _, _) => Ty::Dyn,
            (
                "getFullYear" | "getMonth" | "getDayOfYear" | "getDayOfMonth" | "getDate"
                | "getDayOfWeek" | "getHours" | "getMinutes" | "getSeconds" | "getMilliseconds"
                | "indexOf" | "lastIndexOf",
                Some(_),
                _,
            ) => Ty::Int,
            (
                "lowerAscii" | "upperAscii" | "replace" | "trim" | "substring" | "charAt"
                | "reverse" | "join" | "format" | "quote",
                _,
                _,
            ) => Ty::String,
            ("split", Some(_), _) => Ty::List(Box::new(Ty::String)),
            _ => Ty::Dyn,
        };
        Info::new(ty, span)
    }

    /// A call of a function CEL does not have fails on every resource: an
    /// error. Asks the engine itself, with a call of the same shape (name,
    /// receiver or not, number of arguments): it tells an unknown function
    /// from known one given the wrong arguments by the name and shape alone.
    fn declared(&mut self, c: &CallExpr, span: &Range<usize>) {
        let null = || IdedExpr {
            id: 0,
            expr: Expr::Literal(LiteralValue::Null),
        };
        let target = c.target.as_deref().map(|t| match &t.expr {
            Expr::Ident(ns) if NAMESPACES.contains(&ns.as_str()) => t.clone(),
            _ => null(),
        });
        let probe = IdedExpr {
            id: 0,
            expr: Expr::Call(CallExpr {
                func_name: c.func_name.clone(),
                target: target.map(Box::new),
                args: c.args.iter().map(|_| null()).collect(),
            }),
        };
        let ctx = cel::Context::with_env(Arc::clone(&ENV));
        let Err(cel::ExecutionError::UndeclaredReference(_)) = cel::Value::resolve(&probe, &ctx)
        else {
            return;
        };
        let name = c.func_name.as_str();
        let help = match name {
            "all" | "exists" | "exists_one" | "filter" => Some(format!(
                "{name}() takes a variable and a condition: `list.{name}(x, x > 0)`"
            )),
            "map" => {
                Some("map() takes a variable and an expression: `list.map(x, x * 2)`".to_owned())
            }
            _ => closest(name, FUNCTIONS.iter().copied())
                .map(|near| format!("did you mean `{near}`?")),
        };
        let how = if c.target.is_some() {
            "method"
        } else {
            "function"
        };
        self.error(
            span.clone(),
            format!("unknown {how} `{name}` with {} argument(s)", c.args.len()),
            help,
        );
    }

    /// A function call's span: with its name and closing parenthesis.
    fn call_span(&self, span: Range<usize>, name: &str, global: bool) -> Range<usize> {
        let mut start = span.start;
        if global {
            let before = self.source.get(..start).unwrap_or("").trim_end();
            if before.ends_with(name) {
                start = before.len() - name.len();
            }
        }
        let after = self.source.get(span.end..).unwrap_or("");
        let trimmed = after.trim_start();
        let end = if trimmed.starts_with(')') {
            span.end + (after.len() - trimmed.len()) + 1
        } else {
            span.end
        };
        start..end
    }

    /// `x[key]`.
    fn index(&mut self, c: &CallExpr, tok: Range<usize>) -> Info {
        let (Some(operand), Some(key)) = (c.args.first(), c.args.get(1)) else {
            return Info::new(Ty::Dyn, tok);
        };
        let op = self.visit(operand);
        let k = self.visit(key);
        self.used(&k);
        let span = union(&union(&op.span, &k.span), &tok);
        let literal = match &key.expr {
            Expr::Literal(LiteralValue::String(s)) => Some(Seg::Field(s.inner().to_owned())),
            Expr::Literal(LiteralValue::Int(i)) => Some(Seg::Index(*i.inner())),
            _ => None,
        };
        let optional = c.func_name == operators::OPT_INDEX;
        let ty = match (&op.ty, &literal) {
            (Ty::List(t), _) => {
                if let Some(class) = k.ty.class()
                    && class != Class::Number
                {
                    let text = self.text(&op.span).to_owned();
                    self.error(
                        k.span.clone(),
                        format!(
                            "`{text}` is a list: its index must be an int, not a {}",
                            k.ty
                        ),
                        None,
                    );
                }
                (**t).clone()
            }
            (Ty::Map(t), _) => (**t).clone(),
            (Ty::Resource | Ty::Struct(_) | Ty::Meta | Ty::Params, Some(Seg::Field(name))) => {
                let name = name.clone();
                self.member(&op, &name, &span, &k.span)
            }
            _ => Ty::Dyn,
        };
        let extend = matches!(
            (&op.ty, &literal),
            (Ty::List(_), Some(Seg::Index(_)))
                | (
                    Ty::Map(_) | Ty::Resource | Ty::Struct(_),
                    Some(Seg::Field(_))
                )
        ) && !optional;
        if extend && let Some(seg) = literal {
            let path = op.path.clone().map(|mut p| {
                p.push(seg.clone());
                p
            });
            if let Some(p) = &path
                && let [Seg::Field(top)] = p.as_slice()
            {
                let top = top.clone();
                self.note_field(&top);
            }
            let chain = op.chain.clone().map(|(root, mut segs)| {
                segs.push(seg);
                (root, segs)
            });
            return Info {
                ty,
                path,
                chain,
                span,
                literal: false,
            };
        }
        self.used(&op);
        Info::new(ty, span)
    }

    fn comprehension(&mut self, id: u64, c: &ComprehensionExpr, tok: Range<usize>) -> Info {
        let range = self.visit(&c.iter_range);
        self.used(&range);
        let (elem, elem_path) = match &range.ty {
            Ty::List(t) => (
                (**t).clone(),
                range.path.clone().map(|mut p| {
                    p.push(Seg::Each);
                    p
                }),
            ),
            Ty::Map(_) | Ty::Struct(_) | Ty::Resource | Ty::Meta | Ty::Params => (Ty::String, None),
            Ty::Dyn | Ty::Type => (Ty::Dyn, None),
            other => {
                let text = self.text(&range.span).to_owned();
                self.error(
                    range.span.clone(),
                    format!("`{text}` is a {other}: a macro like all() or exists() needs a list or a map"),
                    None,
                );
                (Ty::Dyn, None)
            }
        };
        let accu = self.visit(&c.accu_init);
        let depth = self.scope.len();
        self.scope.push((
            c.iter_var.clone(),
            Info {
                path: elem_path,
                ..Info::new(elem, range.span.clone())
            },
        ));
        if let Some(v2) = &c.iter_var2 {
            self.scope
                .push((v2.clone(), Info::new(Ty::Dyn, range.span.clone())));
        }
        self.scope
            .push((c.accu_var.clone(), Info::new(accu.ty.clone(), tok.clone())));
        let cond = self.visit(&c.loop_cond);
        self.used(&cond);
        let step = self.visit(&c.loop_step);
        self.used(&step);
        // the result sees the accumulator only
        let accu_binding = self.scope.pop();
        self.scope.truncate(depth);
        self.scope.extend(accu_binding);
        let result = self.visit(&c.result);
        self.used(&result);
        self.scope.truncate(depth);
        if all_body(c).is_some() {
            self.has_all = true;
            let label = match &range.chain {
                Some((root, segs)) => Label::Chain {
                    root: root.clone(),
                    segs: segs.clone(),
                },
                None => Label::Text(self.text(&range.span).to_owned()),
            };
            self.labels.insert(id, label);
        }
        let span = union(&union(&range.span, &tok), &step.span);
        let span = self.call_span(span, "", false);
        Info::new(result.ty, span)
    }

    fn must_be_bool(&mut self, a: &Info) {
        if let Some(class) = a.ty.class()
            && class != Class::Bool
        {
            let text = self.text(&a.span).to_owned();
            let help = self.bool_hint(a);
            self.error(
                a.span.clone(),
                format!("`{text}` is a {}, not a bool", a.ty),
                help,
            );
        }
    }

    fn bool_hint(&self, a: &Info) -> Option<String> {
        let text = self.text(&a.span);
        match a.ty {
            Ty::String if a.literal => Some(format!(
                "a string is not a condition; did you mean {}?",
                text.trim_matches(['"', '\''])
            )),
            Ty::String => Some(format!("compare it: `{text} == \"...\"`")),
            Ty::Int | Ty::Uint | Ty::Double => Some(format!("compare it: `{text} > 0`")),
            Ty::List(_) => Some(format!(
                "test its elements: `{text}.all(x, ...)`, or its size: `size({text}) > 0`"
            )),
            _ if a.path.is_some() => {
                Some(format!("to test that it is present, write `has({text})`"))
            }
            _ => None,
        }
    }

    /// `a == b` (`equal`) or `a < b`: both sides of one class.
    fn comparable(&mut self, a: &Info, b: &Info, span: &Range<usize>, equal: bool) {
        let (Some(ca), Some(cb)) = (a.ty.class(), b.ty.class()) else {
            return;
        };
        if ca == cb {
            return;
        }
        let (ta, tb) = (self.text(&a.span).to_owned(), self.text(&b.span).to_owned());
        if equal && (ca == Class::Null || cb == Class::Null) {
            let (field, fty) = if ca == Class::Null {
                (&tb, &b.ty)
            } else {
                (&ta, &a.ty)
            };
            let help = if a.path.is_some() || b.path.is_some() {
                format!("a field AWS did not return is absent, not null: write `has({field})`")
            } else {
                format!("a {fty} is never null")
            };
            self.error(
                span.clone(),
                format!("`{field}` is a {fty}: it is never null"),
                Some(help),
            );
            return;
        }
        let message = if equal {
            format!(
                "`{ta}` is a {} and `{tb}` is a {}: they are never equal",
                a.ty, b.ty
            )
        } else {
            format!("cannot compare `{ta}`, a {}, with `{tb}`, a {}", a.ty, b.ty)
        };
        let help = literal_hint(a, &tb, b).or_else(|| literal_hint(b, &ta, a));
        self.error(span.clone(), message, help);
    }

    /// `x in coll`.
    fn contained(&mut self, x: &Info, coll: &Info, span: &Range<usize>) {
        let tc = self.text(&coll.span).to_owned();
        let tx = self.text(&x.span).to_owned();
        match &coll.ty {
            Ty::List(elem) => {
                if let (Some(cx), Some(ce)) = (x.ty.class(), elem.class())
                    && cx != ce
                {
                    let help =
                        literal_hint(&Info::new((**elem).clone(), coll.span.clone()), &tx, x);
                    self.error(
                        span.clone(),
                        format!(
                            "`{tx}` is a {} and `{tc}` holds {}s: it is never in it",
                            x.ty, elem
                        ),
                        help,
                    );
                }
            }
            Ty::Map(_) | Ty::Struct(_) | Ty::Resource | Ty::Meta | Ty::Params => {
                if let Some(cx) = x.ty.class()
                    && cx != Class::String
                {
                    self.error(
                        span.clone(),
                        format!("`{tc}` has string keys and `{tx}` is a {}", x.ty),
                        None,
                    );
                }
            }
            Ty::Dyn | Ty::Type => {}
            other => {
                let help = (*other == Ty::String)
                    .then(|| format!("for a substring, write `{tc}.contains({tx})`"));
                self.error(
                    coll.span.clone(),
                    format!("`{tc}` is a {other}: `in` needs a list or a map"),
                    help,
                );
            }
        }
    }

    fn arithmetic(&mut self, op: &str, a: &Info, b: &Info, span: &Range<usize>) -> Ty {
        use Ty::*;

        match (op, &a.ty, &b.ty) {
            (_, Dyn, _) | (_, _, Dyn) => Dyn,
            (_, Int, Int) => Int,
            (_, Uint, Uint) => Uint,
            (_, Double, Double) => Double,
            (_, Int | Uint | Double, Int | Uint | Double) => Dyn,
            (operators::ADD, String, String) => String,
            (operators::ADD, Bytes, Bytes) => Bytes,
            (operators::ADD, List(x), List(y)) => {
                List(Box::new(if x == y { (**x).clone() } else { Dyn }))
            }
            (operators::ADD, Timestamp, Duration) | (operators::ADD, Duration, Timestamp) => {
                Timestamp
            }
            (operators::ADD | operators::SUBSTRACT, Duration, Duration) => Duration,
            (operators::SUBSTRACT, Timestamp, Timestamp) => Duration,
            (operators::SUBSTRACT, Timestamp, Duration) => Timestamp,
            (_, Type, _) | (_, _, Type) => Dyn,
            _ => {
                let symbol = match op {
                    operators::ADD => "+",
                    operators::SUBSTRACT => "-",
                    operators::MULTIPLY => "*",
                    operators::DIVIDE => "/",
                    _ => "%",
                };
                let (ta, tb) = (self.text(&a.span).to_owned(), self.text(&b.span).to_owned());
                let help = literal_hint(a, &tb, b).or_else(|| literal_hint(b, &ta, a));
                self.error(
                    span.clone(),
                    format!(
                        "no `{symbol}` for `{ta}`, a {}, and `{tb}`, a {}",
                        a.ty, b.ty
                    ),
                    help,
                );
                Dyn
            }
        }
    }

    /// `contains` and the like work on strings only.
    fn string_target(&mut self, name: &str, t: &Info) {
        let Some(class) = t.ty.class() else { return };
        if class == Class::String {
            return;
        }
        let text = self.text(&t.span).to_owned();
        let help = (class == Class::List && name == "contains")
            .then(|| format!("for an element of a list, write `x in {text}`"));
        self.error(
            t.span.clone(),
            format!("`{text}` is a {}: {name}() works on strings", t.ty),
            help,
        );
    }

    /// A call with literal arguments (`duration("90d")`, `"".matches("[")`)
    /// that fails now will fail on every resource: an error at load.
    fn constant(&mut self, c: &CallExpr, span: &Range<usize>, name: &str) {
        let call = if name == "matches" {
            let pattern = c.args.last().cloned().unwrap_or_default();
            CallExpr {
                func_name: "matches".to_owned(),
                target: Some(Box::new(IdedExpr {
                    id: 0,
                    expr: Expr::Literal(LiteralValue::String(String::new().into())),
                })),
                args: vec![pattern],
            }
        } else {
            c.clone()
        };
        let e = IdedExpr {
            id: 0,
            expr: Expr::Call(call),
        };
        let ctx = cel::Context::with_env(Arc::clone(&ENV));
        if let Err(error) = cel::Value::resolve(&e, &ctx) {
            let help = match name {
                "duration" => Some("a duration is a sequence of numbers with units d, h, m, s, ms, us or ns: `duration(\"90d\")`, `duration(\"1h30m\")`".to_owned()),
                "timestamp" => Some("a timestamp is written in RFC 3339: `timestamp(\"2024-01-31T00:00:00Z\")`".to_owned()),
                _ => None,
            };
            self.error(span.clone(), format!("invalid {name}(): {error}"), help);
        }
    }
}

/// A hint when `lit` (shown as `text`) is a string literal that would fit
/// `want`'s type written otherwise: `true` for `"true"`, `7` for `"7"`.
fn literal_hint(want: &Info, text: &str, lit: &Info) -> Option<String> {
    if !lit.literal || lit.ty != Ty::String {
        return None;
    }
    let inner = text.trim_matches(['"', '\'']);
    match want.ty.class()? {
        Class::Bool if inner == "true" || inner == "false" => {
            Some(format!("write `{inner}`, without quotes"))
        }
        Class::Number if inner.parse::<f64>().is_ok() => {
            Some(format!("write `{inner}`, without quotes"))
        }
        Class::Timestamp => Some(format!("write `timestamp({text})`")),
        Class::Duration => Some(format!("write `duration({text})`")),
        _ => None,
    }
}

/// Whether a call's name is a function's, not an operator's.
fn is_function(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
}

fn union(a: &Range<usize>, b: &Range<usize>) -> Range<usize> {
    if a.is_empty() && a.start == 0 {
        return b.clone();
    }
    if b.is_empty() && b.start == 0 {
        return a.clone();
    }
    a.start.min(b.start)..a.end.max(b.end)
}

/// The name among `names` that `name` is most likely a typo of.
fn closest<'n>(name: &str, names: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace(['_', '-'], "");
    let target = norm(name);
    let mut best: Option<(usize, &str)> = None;
    for candidate in names {
        let norm_candidate = norm(candidate);
        if norm_candidate == target {
            return Some(candidate);
        }
        let d = crate::regions::distance(&target, &norm_candidate);
        let longer = target.len().max(norm_candidate.len());
        let mut limit = (longer / 3).clamp(2, 4);
        if target.len() >= 3
            && (norm_candidate.starts_with(&target) || target.starts_with(&norm_candidate))
        {
            limit = limit.max(d);
        }
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, n)| n)
}

/// `"90d"` as `"2160h"`: CEL's durations have no day unit. `None` when the
/// text has no day or is not a duration.
fn days_to_hours(text: &str) -> Option<String> {
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text),
    };
    let mut out = String::from(sign);
    let mut days = false;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let (number, after) = rest.split_at(digits);
        let unit_len = ["ms", "us", "ns", "d", "h", "m", "s"]
            .iter()
            .find(|u| after.starts_with(**u))?
            .len();
        let (unit, after) = after.split_at(unit_len);
        if unit == "d" {
            let n: f64 = number.parse().ok()?;
            out.push_str(&format!("{}h", n * 24.0));
            days = true;
        } else {
            out.push_str(number);
            out.push_str(unit);
        }
        rest = after;
    }
    days.then_some(out)
}

/// The first element, in source order, for which an `all()` of the false
/// predicate `e` is false.
pub(super) fn first_failing<'v>(
    e: &IdedExpr,
    ctx: &cel::Context<'_, 'v>,
    labels: &HashMap<u64, Label>,
    fetched: &'v [(&'v str, Option<Value>)],
) -> Option<(String, Value)> {
    let mut search = Search {
        labels,
        fetched,
        bound: Vec::new(),
    };
    search.find(e, ctx)
}

/// A comprehension variable bound to an element: its name, how it is
/// shown, and the element when it is a resource value.
struct Bound<'v> {
    var: String,
    label: String,
    value: Option<&'v Value>,
}

struct Search<'a, 'v> {
    labels: &'a HashMap<u64, Label>,
    fetched: &'v [(&'v str, Option<Value>)],
    bound: Vec<Bound<'v>>,
}

/// An element of an `all()`'s range: its value, or CEL's when it is not a
/// resource value.
enum Item<'v> {
    Resource(&'v Value),
    Cel(cel::Value),
}

impl<'v> Search<'_, 'v> {
    fn bound(&self, var: &str) -> Option<&Bound<'v>> {
        self.bound.iter().rev().find(|b| b.var == var)
    }

    fn label(&self, id: u64) -> String {
        match self.labels.get(&id) {
            Some(Label::Chain { root, segs }) if root == "resource" => show_path(segs),
            Some(Label::Chain { root, segs }) => {
                let base = self
                    .bound(root)
                    .map_or_else(|| root.clone(), |b| b.label.clone());
                let suffix = show_path(segs);
                format!("{base}{}", &suffix["resource".len()..])
            }
            Some(Label::Text(t)) => t.clone(),
            None => "element".to_owned(),
        }
    }

    /// The range's elements as resource values, when it is a path into one.
    fn resource_range(&self, id: u64) -> Option<&'v [Value]> {
        let Some(Label::Chain { root, segs }) = self.labels.get(&id) else {
            return None;
        };
        let value = if root == "resource" {
            super::lookup(self.fetched, segs)?
        } else {
            super::walk(self.bound(root)?.value?, segs)?
        };
        match value {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    fn find(&mut self, e: &IdedExpr, ctx: &cel::Context<'_, 'v>) -> Option<(String, Value)> {
        match &e.expr {
            Expr::Comprehension(c) => {
                let Some(body) = all_body(c) else {
                    return self.find(&c.iter_range, ctx);
                };
                let items: Vec<(String, Item<'v>)> = match self.resource_range(e.id) {
                    Some(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (format!("[{i}]"), Item::Resource(v)))
                        .collect(),
                    None => match cel::Value::resolve(&c.iter_range, ctx).ok()? {
                        cel::Value::List(items) => items
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (format!("[{i}]"), Item::Cel(v.clone())))
                            .collect(),
                        cel::Value::Map(map) => {
                            let mut keys: Vec<(String, Item)> = map
                                .map
                                .keys()
                                .map(|k| {
                                    let v = cel::Value::from(k);
                                    let shown = convert::from_cel(&v)
                                        .map_or_else(String::new, |v| v.to_string());
                                    (format!("[{shown}]"), Item::Cel(v))
                                })
                                .collect();
                            keys.sort_by(|a, b| a.0.cmp(&b.0));
                            keys
                        }
                        _ => return None,
                    },
                };
                for (suffix, item) in items {
                    let mut inner = ctx.new_inner_scope();
                    let value = match &item {
                        Item::Resource(v) => {
                            inner.add_variable_as_val(c.iter_var.clone(), convert::to_val(v));
                            Some(*v)
                        }
                        Item::Cel(v) => {
                            inner.add_variable_from_value(c.iter_var.clone(), v.clone());
                            None
                        }
                    };
                    if let Ok(cel::Value::Bool(false)) = cel::Value::resolve(body, &inner) {
                        let label = format!("{}{suffix}", self.label(e.id));
                        self.bound.push(Bound {
                            var: c.iter_var.clone(),
                            label: label.clone(),
                            value,
                        });
                        let deeper = self.find(body, &inner);
                        self.bound.pop();
                        let shown = match item {
                            Item::Resource(v) => Some(v.clone()),
                            Item::Cel(v) => convert::from_cel(&v),
                        };
                        return deeper.or_else(|| Some((label, shown?)));
                    }
                }
                None
            }
            Expr::Call(call) => call
                .target
                .iter()
                .map(|t| &**t)
                .chain(call.args.iter())
                .find_map(|x| self.find(x, ctx)),
            Expr::Select(s) => self.find(&s.operand, ctx),
            Expr::List(l) => l.elements.iter().find_map(|x| self.find(x, ctx)),
            _ => None,
        }
    }
}
