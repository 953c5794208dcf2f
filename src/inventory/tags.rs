//! [`Tags`]: a resource's tags, compact and shared.

use std::fmt;
use std::sync::Arc;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Str;

/// A resource's tags as AWS returns them, in key order, each key once (the
/// last value given wins, as in a map).
///
/// An estate of a million resources holds a million of these, and every
/// verdict on a resource carries its tags, so they are one shared,
/// immutable array: no tags cost nothing, a verdict's copy is a reference
/// count, and a resource's tags take one allocation beside their strings
/// (a `BTreeMap` took a 544-byte node for the first tag). Written and read
/// as a JSON object.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Tags(Option<Arc<[(Str, Str)]>>);

impl Tags {
    /// No tags.
    pub const fn new() -> Tags {
        Tags(None)
    }

    fn pairs(&self) -> &[(Str, Str)] {
        self.0.as_deref().unwrap_or_default()
    }

    /// The value of tag `key`.
    pub fn get(&self, key: &str) -> Option<&Str> {
        let pairs = self.pairs();
        pairs
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .map(|i| &pairs[i].1)
    }

    /// Whether tag `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Every tag, in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Str, &Str)> + ExactSizeIterator {
        self.pairs().iter().map(|(k, v)| (k, v))
    }

    /// Every key, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Str> + ExactSizeIterator {
        self.pairs().iter().map(|(k, _)| k)
    }

    pub fn len(&self) -> usize {
        self.pairs().len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs().is_empty()
    }

    /// Sets tag `key` (the tags are built again: for building and tests,
    /// not for loops over an estate). Returns the value it replaces.
    pub fn insert(&mut self, key: Str, value: Str) -> Option<Str> {
        let old = self.get(&key).cloned();
        let pairs = self
            .pairs()
            .iter()
            .cloned()
            .chain([(key, value)])
            .collect::<Vec<_>>();
        *self = Tags::from_pairs(pairs);
        old
    }

    /// The tags of `pairs`, sorted by key; of two values of a key, the
    /// later wins.
    fn from_pairs(mut pairs: Vec<(Str, Str)>) -> Tags {
        if pairs.is_empty() {
            return Tags(None);
        }
        // Stable: equal keys stay in the order given.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        // `dedup_by` hands over the later of two neighbours first and
        // drops it: keep its value in the earlier one.
        pairs.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                std::mem::swap(&mut later.1, &mut earlier.1);
            }
            same
        });
        Tags(Some(pairs.into()))
    }
}

impl<K: Into<Str>, V: Into<Str>> FromIterator<(K, V)> for Tags {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Tags {
        Tags::from_pairs(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl<K: Into<Str>, V: Into<Str>, const N: usize> From<[(K, V); N]> for Tags {
    fn from(pairs: [(K, V); N]) -> Tags {
        pairs.into_iter().collect()
    }
}

impl From<std::collections::BTreeMap<String, String>> for Tags {
    fn from(map: std::collections::BTreeMap<String, String>) -> Tags {
        map.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a Tags {
    type Item = (&'a Str, &'a Str);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, (Str, Str)>, fn(&'a (Str, Str)) -> (&'a Str, &'a Str)>;

    fn into_iter(self) -> Self::IntoIter {
        self.pairs().iter().map(|(k, v)| (k, v))
    }
}

impl fmt::Debug for Tags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Tags {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tags, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = Tags;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of tag keys to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tags, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Tags::from_pairs(pairs))
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn tags_are_a_map_in_key_order_where_the_last_value_wins() {
        let t = tags(&[("team", "web"), ("env", "prod"), ("team", "data")]);
        let pairs: Vec<_> = t.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("env", "prod"), ("team", "data")]);
        assert_eq!(t.get("team").map(|s| s.as_str()), Some("data"));
        assert_eq!(t.get("owner"), None);
        assert!(t.contains_key("env") && !t.contains_key("Env"));
        assert_eq!(t.len(), 2);
        assert!(Tags::new().is_empty() && tags(&[]) == Tags::new());
        assert_eq!(format!("{t:?}"), r#"{"env": "prod", "team": "data"}"#);
    }

    #[test]
    fn tags_read_and_write_as_the_json_object_a_map_gives() {
        let text = r#"{"team":"web","env":"prod","team":"data"}"#;
        let t: Tags = serde_json::from_str(text).unwrap();
        let map: std::collections::BTreeMap<String, String> = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        assert_eq!(t, Tags::from(map));
        let mut u = t.clone();
        assert_eq!(u.insert("owner".into(), "ops".into()), None);
        assert_eq!(u.insert("env".into(), "dev".into()), Some("prod".into()));
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            r#"{"env":"dev","owner":"ops","team":"data"}"#
        );
        assert_eq!(t.len(), 2, "a clone is not changed by the other's insert");
        assert!(serde_json::from_str::<Tags>("[1]").is_err());
    }
}
