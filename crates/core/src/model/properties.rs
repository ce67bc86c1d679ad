//! A feature's properties, stored compactly: the key names are shared between features that have
//! the same keys (in a city file, all 200,000 buildings share one list), and the values sit in one
//! slice. The API follows `serde_json::Map` (`get`, `iter`, `len`, `contains_key`, `insert`), and
//! iteration is in key order like the `BTreeMap` behind `serde_json::Map`, so callers read the same.
//!
//! One `serde_json::Map` per feature cost about 650 bytes for four properties (a B-tree node plus a
//! heap string per key); this costs the values and a pointer.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

/// Key lists recently seen on this thread, reused by features with the same keys.
const RECENT_KEY_SETS: usize = 16;

thread_local! {
    static RECENT: RefCell<Vec<Arc<[String]>>> = const { RefCell::new(Vec::new()) };
}

/// The shared list for these sorted, distinct keys.
fn intern<'k>(keys: impl ExactSizeIterator<Item = &'k str> + Clone) -> Arc<[String]> {
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        if let Some(pos) =
            recent.iter().position(|set| set.len() == keys.len() && set.iter().zip(keys.clone()).all(|(a, b)| a == b))
        {
            let set = recent.remove(pos);
            recent.push(set.clone());
            return set;
        }
        let set: Arc<[String]> = keys.map(str::to_owned).collect();
        if recent.len() >= RECENT_KEY_SETS {
            recent.remove(0);
        }
        recent.push(set.clone());
        set
    })
}

/// A feature's GeoJSON `properties`: keys in order, each with its JSON value.
#[derive(Clone, Default)]
pub struct Properties {
    /// Sorted, distinct; `None` when there are no properties (no allocation).
    keys: Option<Arc<[String]>>,
    /// One per key, same order.
    values: Box<[Value]>,
}

impl Properties {
    /// No properties.
    pub fn new() -> Self {
        Self::default()
    }

    /// From key/value pairs in any order; a repeated key keeps its last value, as in JSON. Keys
    /// may be borrowed: a table's column names are copied once per distinct key list, not per row.
    pub fn from_pairs<S: AsRef<str>>(mut pairs: Vec<(S, Value)>) -> Self {
        if pairs.is_empty() {
            return Self::default();
        }
        // Stable, so among equal keys the last one stays last; its value is kept.
        pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        pairs.dedup_by(|later, kept| {
            let same = later.0.as_ref() == kept.0.as_ref();
            if same {
                kept.1 = std::mem::take(&mut later.1);
            }
            same
        });
        let keys = intern(pairs.iter().map(|(k, _)| k.as_ref()));
        Self { keys: Some(keys), values: pairs.into_iter().map(|(_, v)| v).collect() }
    }

    fn key_list(&self) -> &[String] {
        self.keys.as_deref().unwrap_or(&[])
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.key_list().binary_search_by(|k| k.as_str().cmp(key))
    }

    /// How many properties.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).ok().and_then(|i| self.values.get(i))
    }

    /// The value of `key`, to change in place.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).ok().and_then(|i| self.values.get_mut(i))
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// Set `key` to `value`, returning the value it replaces.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.position(&key) {
            Ok(i) => self.values.get_mut(i).map(|v| std::mem::replace(v, value)),
            Err(i) => {
                let mut keys: Vec<&str> = self.key_list().iter().map(String::as_str).collect();
                keys.insert(i, &key);
                let keys = intern(keys.iter().copied());
                let mut values = std::mem::take(&mut self.values).into_vec();
                values.insert(i, value);
                *self = Self { keys: Some(keys), values: values.into_boxed_slice() };
                None
            }
        }
    }

    /// Remove `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key).ok()?;
        let mut keys: Vec<&str> = self.key_list().iter().map(String::as_str).collect();
        keys.remove(i);
        let keys = if keys.is_empty() { None } else { Some(intern(keys.iter().copied())) };
        let mut values = std::mem::take(&mut self.values).into_vec();
        let old = values.remove(i);
        *self = Self { keys, values: values.into_boxed_slice() };
        Some(old)
    }

    /// Keys and values, in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&String, &Value)> + '_ {
        self.key_list().iter().zip(self.values.iter())
    }

    /// Keys, in order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &String> + '_ {
        self.key_list().iter()
    }

    /// Values, in key order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Value> + '_ {
        self.values.iter()
    }

    /// As a `serde_json::Map` (for writing GeoJSON).
    pub fn to_map(&self) -> Map<String, Value> {
        self.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

impl PartialEq for Properties {
    fn eq(&self, other: &Self) -> bool {
        self.key_list() == other.key_list() && self.values == other.values
    }
}

impl fmt::Debug for Properties {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl From<Map<String, Value>> for Properties {
    fn from(map: Map<String, Value>) -> Self {
        Self::from_pairs(map.into_iter().collect())
    }
}

impl From<&Properties> for Map<String, Value> {
    fn from(p: &Properties) -> Self {
        p.to_map()
    }
}

impl FromIterator<(String, Value)> for Properties {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Self::from_pairs(iter.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a Properties {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Zip<std::slice::Iter<'a, String>, std::slice::Iter<'a, Value>>;
    fn into_iter(self) -> Self::IntoIter {
        self.key_list().iter().zip(self.values.iter())
    }
}

impl Serialize for Properties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A key read without a copy when the text has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Properties {
    /// Straight from a JSON object, without building a map first.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Properties;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object of properties")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Properties, A::Error> {
                let mut pairs: Vec<(Cow<'de, str>, Value)> = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some((Key(k), v)) = map.next_entry::<Key<'de>, Value>()? {
                    pairs.push((k, v));
                }
                Ok(Properties::from_pairs(pairs))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn round_trips_a_map_in_key_order() {
        let m = map(json!({"use": "住宅", "name": "楼栋1", "floors": 3, "tags": ["a", {"b": null}]}));
        let p = Properties::from(m.clone());
        assert_eq!(p.len(), 4);
        assert_eq!(p.to_map(), m);
        let keys: Vec<&String> = p.keys().collect();
        assert_eq!(keys, ["floors", "name", "tags", "use"], "the order serde_json::Map iterates in");
        assert_eq!(p.get("name"), Some(&json!("楼栋1")));
        assert!(p.contains_key("floors") && !p.contains_key("height"));
        assert_eq!(p.get("missing"), None);
        assert_eq!(serde_json::to_value(&p).unwrap_or_else(|e| panic!("{e}")), Value::Object(m));
    }

    #[test]
    fn deserializes_like_serde_json_map_with_the_last_duplicate_winning() {
        let text = r#"{"b": 1, "a\u0041": "x", "b": 2, "c": {"d": [1]}}"#;
        let p: Properties = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        let m: Map<String, Value> = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.to_map(), m);
        assert_eq!(p.get("b"), Some(&json!(2)));
        assert_eq!(p.get("aA"), Some(&json!("x")));
        assert!(serde_json::from_str::<Properties>("[1]").is_err());
        let empty: Properties = serde_json::from_str("{}").unwrap_or_else(|e| panic!("{e}"));
        assert!(empty.is_empty() && empty == Properties::new());
    }

    #[test]
    fn features_with_the_same_keys_share_one_key_list() {
        let a: Properties = serde_json::from_str(r#"{"name": "甲", "n": 1}"#).unwrap_or_else(|e| panic!("{e}"));
        let b: Properties = serde_json::from_str(r#"{"n": 2, "name": "乙"}"#).unwrap_or_else(|e| panic!("{e}"));
        match (&a.keys, &b.keys) {
            (Some(ka), Some(kb)) => assert!(Arc::ptr_eq(ka, kb)),
            _ => panic!("keys missing"),
        }
        assert_ne!(a, b);
        let mut c = b.clone();
        c.insert("name", json!("甲"));
        c.insert("n", json!(1));
        assert_eq!(a, c);
    }

    #[test]
    fn insert_and_remove_keep_order_and_values() {
        let mut p = Properties::new();
        assert_eq!(p.insert("z", json!(1)), None);
        assert_eq!(p.insert("a", json!(2)), None);
        assert_eq!(p.insert("m", json!(3)), None);
        assert_eq!(p.insert("a", json!(4)), Some(json!(2)));
        let pairs: Vec<(String, Value)> = p.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        assert_eq!(pairs, vec![("a".into(), json!(4)), ("m".into(), json!(3)), ("z".into(), json!(1))]);
        let Some(v) = p.get_mut("m") else { panic!("m is missing") };
        *v = json!("x");
        assert_eq!(p.remove("m"), Some(json!("x")));
        assert_eq!(p.remove("m"), None);
        assert_eq!(p.len(), 2);
        assert_eq!(p.remove("a"), Some(json!(4)));
        assert_eq!(p.remove("z"), Some(json!(1)));
        assert!(p.is_empty() && p == Properties::default());
        let collected: Properties = [("k".to_owned(), json!(true))].into_iter().collect();
        assert_eq!(format!("{collected:?}"), r#"{"k": Bool(true)}"#);
    }
}
