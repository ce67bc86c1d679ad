//! What changed between two versions of a layer: features added, removed and modified.
//!
//! Features are matched by `id`, else by `name`, else by geometry, the way a planner would
//! recognise them; a matched pair whose properties or geometry differ is "modified".

use std::collections::{HashMap, VecDeque};

use super::Feature;

/// How a feature of the new version relates to the old one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Not in the old version.
    Added,
    /// In both, with different properties or geometry.
    Modified,
    /// Only in the old version.
    Removed,
}

/// The differences between an old and a new feature list.
#[derive(Clone, Debug, Default)]
pub struct LayerDiff {
    /// Indices (in the new list) of added features.
    pub added: Vec<usize>,
    /// Indices (in the new list) of modified features.
    pub modified: Vec<usize>,
    /// The removed features themselves (they are no longer in the layer).
    pub removed: Vec<Feature>,
    /// How many features matched unchanged.
    pub unchanged: usize,
}

impl LayerDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.modified.is_empty() && self.removed.is_empty()
    }

    /// Total number of changes.
    pub fn len(&self) -> usize {
        self.added.len() + self.modified.len() + self.removed.len()
    }
}

/// The key a feature is matched by.
fn match_key(f: &Feature) -> String {
    if let Some(id) = &f.id {
        return format!("id:{id}");
    }
    if let Some(name) = f.prop_str("name").filter(|n| !n.trim().is_empty()) {
        return format!("name:{name}");
    }
    match &f.geometry {
        Some(g) => format!("geom:{g:?}"),
        None => "null".to_owned(),
    }
}

/// Compare two versions of a layer.
pub fn diff(old: &[Feature], new: &[Feature]) -> LayerDiff {
    // Several features may share a key (two unnamed features with the same name): match them
    // in file order.
    let mut old_by_key: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (i, f) in old.iter().enumerate() {
        old_by_key.entry(match_key(f)).or_default().push_back(i);
    }
    let mut matched_old = vec![false; old.len()];
    let mut out = LayerDiff::default();
    for (j, f) in new.iter().enumerate() {
        match old_by_key.get_mut(&match_key(f)).and_then(VecDeque::pop_front) {
            Some(i) => {
                matched_old[i] = true;
                let o = &old[i];
                if o.properties != f.properties || o.geometry != f.geometry {
                    out.modified.push(j);
                } else {
                    out.unchanged += 1;
                }
            }
            None => out.added.push(j),
        }
    }
    out.removed = old.iter().zip(&matched_old).filter(|(_, m)| !**m).map(|(f, _)| f.clone()).collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Geometry, Point};
    use serde_json::{Map, Value, json};

    fn feat(id: Option<&str>, name: Option<&str>, x: f64, extra: Option<(&str, Value)>) -> Feature {
        let mut p = Map::new();
        if let Some(n) = name {
            p.insert("name".into(), json!(n));
        }
        if let Some((k, v)) = extra {
            p.insert(k.into(), v);
        }
        Feature::new(id.map(str::to_owned), Some(Geometry::Point(Point::new(x, 36.7))), p)
    }

    #[test]
    fn matches_by_id_then_name_then_geometry() {
        let old = vec![
            feat(Some("a"), Some("甲"), 119.0, None),
            feat(None, Some("乙"), 119.1, None),
            feat(None, None, 119.2, None),
            feat(Some("d"), Some("丁"), 119.3, None),
        ];
        let new = vec![
            // Renamed but same id: modified, not removed + added.
            feat(Some("a"), Some("甲二"), 119.0, None),
            // Same name, moved: modified.
            feat(None, Some("乙"), 119.15, None),
            // Unnamed, same geometry: unchanged.
            feat(None, None, 119.2, None),
            // New.
            feat(Some("e"), Some("戊"), 119.4, None),
        ];
        let d = diff(&old, &new);
        assert_eq!(d.modified, vec![0, 1]);
        assert_eq!(d.added, vec![3]);
        assert_eq!(d.unchanged, 1);
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].name(), Some("丁"));
        assert_eq!(d.len(), 4);
    }

    #[test]
    fn property_change_is_a_modification_and_identical_lists_have_no_changes() {
        let old = vec![feat(Some("a"), Some("甲"), 119.0, Some(("households", json!(6000))))];
        let same = old.clone();
        assert!(diff(&old, &same).is_empty());
        let new = vec![feat(Some("a"), Some("甲"), 119.0, Some(("households", json!(6100))))];
        assert_eq!(diff(&old, &new).modified, vec![0]);
    }
}
