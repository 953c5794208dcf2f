//! inventory values <-> CEL values.

use std::collections::HashMap;

use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelString, CelTimestamp,
};
use cel::common::value::Val;
use cel::objects::Key;
use jiff::Timestamp;

use crate::inventory::Value;

/// `resource`: a map of the fields that are present, borrowing their
/// names and values (nothing is copied but the numbers).
pub(super) fn resource_to_val<'v>(fields: &'v [(&'v str, Option<Value>)]) -> Box<dyn Val + 'v> {
    let map: HashMap<CelMapKey<'v>, Box<dyn Val + 'v>> = fields
        .iter()
        .filter_map(|(name, v)| v.as_ref().map(|v| (CelMapKey::from(*name), to_val(v))))
        .collect();
    Box::new(CelMap::from(map))
}

/// A value as CEL sees it, borrowing its strings.
pub(super) fn to_val(value: &Value) -> Box<dyn Val + '_> {
    match value {
        Value::Bool(b) => Box::new(CelBool::from(*b)),
        Value::Int(i) => Box::new(CelInt::from(*i)),
        Value::Float(x) => Box::new(CelDouble::from(*x)),
        Value::String(s) => Box::new(CelString::from(s.as_str())),
        Value::Timestamp(t) => Box::new(CelTimestamp::from(chrono_of(*t))),
        Value::List(items) => Box::new(CelList::from(items.iter().map(to_val).collect::<Vec<_>>())),
        Value::Map(members) => {
            let map: HashMap<CelMapKey<'_>, Box<dyn Val + '_>> = members
                .iter()
                .map(|(k, v)| (CelMapKey::from(k.as_str()), to_val(v)))
                .collect();
            Box::new(CelMap::from(map))
        }
    }
}

fn chrono_of(t: Timestamp) -> chrono::DateTime<chrono::FixedOffset> {
    let nanos = t.as_nanosecond();
    let secs = nanos.div_euclid(1_000_000_000);
    let sub = nanos.rem_euclid(1_000_000_000);
    i64::try_from(secs)
        .ok()
        .zip(u32::try_from(sub).ok())
        .and_then(|(s, n)| chrono::DateTime::from_timestamp(s, n))
        .unwrap_or_default()
        .fixed_offset()
}

pub(super) fn timestamp_to_cel(t: Timestamp) -> cel::Value {
    cel::Value::Timestamp(chrono_of(t))
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
