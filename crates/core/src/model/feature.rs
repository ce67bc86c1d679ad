//! One map feature: a WGS84 geometry with its GeoJSON properties.

use geo::{BoundingRect, Geometry};
use serde_json::Value;

use super::{BBox, Properties};

/// What a feature's geometry is, for styling, picking and the metadata panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GeometryKind {
    /// Point or MultiPoint.
    Point,
    /// LineString or MultiLineString.
    Line,
    /// Polygon or MultiPolygon.
    Polygon,
    /// A GeometryCollection or anything mixed.
    Mixed,
    /// A feature with a `null` geometry (allowed by RFC 7946).
    Empty,
}

/// A feature of a layer. Coordinates are always WGS84 longitude/latitude (x is longitude).
#[derive(Clone, Debug)]
pub struct Feature {
    /// The GeoJSON `id` as text, if the file had one.
    pub id: Option<String>,
    /// The geometry, already converted to WGS84. `None` for a null geometry.
    pub geometry: Option<Geometry<f64>>,
    /// The GeoJSON `properties` object (empty when absent or null), stored compactly.
    pub properties: Properties,
    /// The bounding box of the geometry, cached at construction.
    pub bbox: Option<BBox>,
}

impl Feature {
    /// A feature from its parts; computes the bounding box.
    pub fn new(id: Option<String>, geometry: Option<Geometry<f64>>, properties: impl Into<Properties>) -> Self {
        let bbox =
            geometry.as_ref().and_then(|g| g.bounding_rect()).map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]);
        Self { id, geometry, properties: properties.into(), bbox }
    }

    /// The kind of geometry.
    pub fn kind(&self) -> GeometryKind {
        kind_of(self.geometry.as_ref())
    }

    /// A text property, if present and a string.
    pub fn prop_str(&self, key: &str) -> Option<&str> {
        self.properties.get(key).and_then(Value::as_str)
    }

    /// A numeric property, if present and a number.
    pub fn prop_f64(&self, key: &str) -> Option<f64> {
        self.properties.get(key).and_then(Value::as_f64)
    }

    /// The Chinese name (`name`), falling back to common alternatives and then the id.
    pub fn name(&self) -> Option<&str> {
        ["name", "名称", "NAME", "Name", "name_zh", "title"]
            .iter()
            .find_map(|k| self.prop_str(k))
            .filter(|s| !s.trim().is_empty())
            .or(self.id.as_deref())
    }

    /// The English name (`name_en`), if any.
    pub fn name_en(&self) -> Option<&str> {
        self.prop_str("name_en").filter(|s| !s.trim().is_empty())
    }

    /// The name to show in the given language, falling back to the other one.
    pub fn display_name(&self, english: bool) -> Option<&str> {
        if english { self.name_en().or_else(|| self.name()) } else { self.name() }
    }

    /// The `category` property.
    pub fn category(&self) -> Option<&str> {
        self.prop_str("category")
    }
}

/// The geometry kind most of `features` have (nulls aside): what a layer of them is.
pub fn main_kind(features: &[Feature]) -> GeometryKind {
    let mut counts = std::collections::BTreeMap::new();
    for f in features {
        *counts.entry(f.kind()).or_insert(0usize) += 1;
    }
    counts
        .into_iter()
        .filter(|(k, _)| *k != GeometryKind::Empty)
        .max_by_key(|(_, n)| *n)
        .map_or(GeometryKind::Empty, |(k, _)| k)
}

/// The kind of an optional geometry.
pub fn kind_of(geometry: Option<&Geometry<f64>>) -> GeometryKind {
    match geometry {
        None => GeometryKind::Empty,
        Some(Geometry::Point(_) | Geometry::MultiPoint(_)) => GeometryKind::Point,
        Some(Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_)) => GeometryKind::Line,
        Some(Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) | Geometry::Triangle(_)) => {
            GeometryKind::Polygon
        }
        Some(Geometry::GeometryCollection(gc)) => {
            let mut kinds = gc.iter().map(|g| kind_of(Some(g)));
            match kinds.next() {
                Some(first) if kinds.all(|k| k == first) => first,
                Some(_) => GeometryKind::Mixed,
                None => GeometryKind::Empty,
            }
        }
    }
}
