//! inventory values <-> CEL values.

use std::collections::HashMap;
use std::sync::Arc;

use cel::objects::{Key, Map};
use jiff::Timestamp;

use crate::inventory::Value;

/// `resource`: a map of the fields that are present.
pub(super) fn resource_to_cel(fields: &[(&str, Option<Value>)]) -> cel::Value {
    let map: HashMap<Key, cel::Value> = fields
        .iter()
        .filter_map(|(name, v)| {
            v.as_ref()
                .map(|v| (Key::String(Arc::new((*name).to_owned())), to_cel(v)))
        })
        .collect();
    cel::Value::Map(Map { map: Arc::new(map) })
}

pub(super) fn to_cel(value: &Value) -> cel::Value {
    match value {
        Value::Bool(b) => cel::Value::Bool(*b),
        Value::Int(i) => cel::Value::Int(*i),
        Value::Float(x) => cel::Value::Float(*x),
        Value::String(s) => cel::Value::String(Arc::new(s.clone())),
        Value::Timestamp(t) => timestamp_to_cel(*t),
        Value::List(items) => cel::Value::List(Arc::new(items.iter().map(to_cel).collect())),
        Value::Map(members) => {
            let map: HashMap<Key, cel::Value> = members
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), to_cel(v)))
                .collect();
            cel::Value::Map(Map { map: Arc::new(map) })
        }
    }
}

pub(super) fn timestamp_to_cel(t: Timestamp) -> cel::Value {
    let nanos = t.as_nanosecond();
    let secs = nanos.div_euclid(1_000_000_000);
    let sub = nanos.rem_euclid(1_000_000_000);
    let dt = i64::try_from(secs)
        .ok()
        .zip(u32::try_from(sub).ok())
        .and_then(|(s, n)| chrono::DateTime::from_timestamp(s, n))
        .unwrap_or_default();
    cel::Value::Timestamp(dt.fixed_offset())
}

/// A CEL value as an inventory value; `None` for what has no counterpart
/// (null, bytes, durations, types, ...).
pub(super) fn from_cel(value: &cel::Value) -> Option<Value> {
    Some(match value {
        cel::Value::Bool(b) => Value::Bool(*b),
        cel::Value::Int(i) => Value::Int(*i),
        cel::Value::UInt(u) => match i64::try_from(*u) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(*u as f64),
        },
        cel::Value::Float(x) => Value::Float(*x),
        cel::Value::String(s) => Value::String(s.to_string()),
        cel::Value::Timestamp(t) => {
            let nanos =
                i128::from(t.timestamp()) * 1_000_000_000 + i128::from(t.timestamp_subsec_nanos());
            Value::Timestamp(Timestamp::from_nanosecond(nanos).ok()?)
        }
        cel::Value::List(items) => Value::List(items.iter().map(from_cel).collect::<Option<_>>()?),
        cel::Value::Map(map) => Value::Map(
            map.map
                .iter()
                .map(|(k, v)| {
                    let k = match k {
                        Key::String(s) => s.to_string(),
                        Key::Int(i) => i.to_string(),
                        Key::Uint(u) => u.to_string(),
                        Key::Bool(b) => b.to_string(),
                    };
                    Some((k, from_cel(v)?))
                })
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

/// A value in an error message: its CEL type and value.
pub(super) fn describe(value: &cel::Value) -> String {
    let shown = match value {
        cel::Value::Duration(d) => format!("duration(\"{}s\")", d.num_seconds()),
        cel::Value::Null => "null".to_owned(),
        other => match from_cel(other) {
            Some(v) => v.to_string(),
            None => format!("{other:?}"),
        },
    };
    format!("{} {shown}", value.type_of())
}
