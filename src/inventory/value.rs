//! Values of resource fields as attribute rules see them.
//!
//! The field catalogue ([`super::fields`]) reads each field of a resource
//! into a [`Value`] under AWS's own field name; attribute rules (`require`
//! and `expr`) judge those values. A field AWS did not return is not a
//! value at all: its getter gives `None`, so an expression's `has()` is
//! false and a rule that needs it gives *unknown*.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;

/// A field's value, as AWS's Describe API returned it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Timestamp(Timestamp),
    List(Vec<Value>),
    /// A structure (AWS's nested shapes) or a map with string keys (tags).
    Map(BTreeMap<String, Value>),
}

/// The type of a field, as the catalogue declares it. `'static` so that a
/// kind's catalogue is a constant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Type {
    Bool,
    Int,
    Float,
    String,
    Timestamp,
    /// A list of values of one type.
    List(&'static Type),
    /// A map from strings to values of one type (tags).
    Map(&'static Type),
    /// A structure with named members (AWS's nested shapes).
    Struct(&'static [Member]),
}

/// A member of a [`Type::Struct`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Member {
    /// AWS's name for it (PascalCase, as in the API reference).
    pub name: &'static str,
    pub ty: Type,
}

impl Type {
    /// The member `name` of a structure type.
    pub fn member(&self, name: &str) -> Option<&'static Member> {
        match self {
            Type::Struct(members) => members.iter().find(|m| m.name == name),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Float => f.write_str("double"),
            Type::String => f.write_str("string"),
            Type::Timestamp => f.write_str("timestamp"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Map(t) => write!(f, "map(string, {t})"),
            Type::Struct(_) => f.write_str("struct"),
        }
    }
}

impl Value {
    /// A string value.
    pub fn str(s: &str) -> Value {
        Value::String(s.to_owned())
    }

    /// A list of strings.
    pub fn strings<S: AsRef<str>>(items: &[S]) -> Value {
        Value::List(items.iter().map(|s| Value::str(s.as_ref())).collect())
    }

    /// A structure from `(member, value)` pairs; members whose value is
    /// `None` (AWS did not return them) are left out.
    pub fn record<const N: usize>(members: [(&str, Option<Value>); N]) -> Value {
        Value::Map(
            members
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
                .collect(),
        )
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i32> for Value {
    fn from(i: i32) -> Self {
        Value::Int(i64::from(i))
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<u16> for Value {
    fn from(i: u16) -> Self {
        Value::Int(i64::from(i))
    }
}

impl From<u32> for Value {
    fn from(i: u32) -> Self {
        Value::Int(i64::from(i))
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::str(s)
    }
}

impl From<&super::Sym> for Value {
    fn from(s: &super::Sym) -> Self {
        Value::str(s)
    }
}

impl From<&super::Text> for Value {
    fn from(s: &super::Text) -> Self {
        Value::str(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Self {
        Value::str(s)
    }
}

impl From<&super::Str> for Value {
    fn from(s: &super::Str) -> Self {
        Value::str(s)
    }
}

impl From<Timestamp> for Value {
    fn from(t: Timestamp) -> Self {
        Value::Timestamp(t)
    }
}

impl From<&super::Tags> for Value {
    fn from(tags: &super::Tags) -> Self {
        Value::Map(
            tags.iter()
                .map(|(k, v)| (k.to_string(), Value::str(v)))
                .collect(),
        )
    }
}

/// Shows a value in evidence: strings quoted, lists and structures in the
/// JSON-like notation of CEL literals.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Timestamp(t) => write!(f, "timestamp(\"{t}\")"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(members) => {
                f.write_str("{")?;
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k:?}: {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_leaves_out_what_aws_did_not_return() {
        let v = Value::record([("A", Some(Value::from(1))), ("B", None)]);
        assert_eq!(v.to_string(), r#"{"A": 1}"#);
    }

    #[test]
    fn values_show_as_cel_literals() {
        let v = Value::List(vec![
            Value::str("a\"b"),
            Value::from(true),
            Value::from(2.5),
        ]);
        assert_eq!(v.to_string(), r#"["a\"b", true, 2.5]"#);
    }

    #[test]
    fn types_show_as_cel_types() {
        assert_eq!(
            Type::List(&Type::Map(&Type::String)).to_string(),
            "list(map(string, string))"
        );
    }
}
