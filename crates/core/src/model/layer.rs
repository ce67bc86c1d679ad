//! A layer: a named set of features with its index and style.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{BBox, Feature, GeometryKind, SpatialIndex, Style, bbox_union};

/// Where a layer's data came from.
#[derive(Clone, Debug, PartialEq)]
pub enum LayerOrigin {
    /// A file compiled into the binary (under `geodata/`).
    Embedded {
        /// The file name, e.g. `parks.geojson`.
        file: &'static str,
    },
    /// A file on disk.
    File {
        /// The path it was loaded from.
        path: PathBuf,
    },
    /// A table in a spatial database (followed live) or a layer of a feature service (read by
    /// view).
    Remote {
        /// The source as the command line names it, without a password: `PG:host=… dbname=…
        /// user=… table=…`, `WFS:https://…?typeNames=…` or `OAPIF:https://…/collections/…`.
        source: String,
    },
    /// Made inside the app (analysis results, measurements).
    Generated,
}

/// A layer of features.
#[derive(Clone, Debug)]
pub struct Layer {
    /// A stable key (the embedded file stem, or the file path), unique among open layers.
    pub key: String,
    /// The Chinese display name.
    pub name_zh: String,
    /// The English display name.
    pub name_en: String,
    /// Where it came from.
    pub origin: LayerOrigin,
    /// The features, in drawing order (later ones on top).
    pub features: Vec<Feature>,
    /// The union of the features' boxes.
    pub bbox: Option<BBox>,
    /// The R-tree over the features.
    pub index: SpatialIndex,
    /// How it is drawn.
    pub style: Style,
    /// Whether it is shown.
    pub visible: bool,
    /// The credits its features ask for (their `attribution`, e.g. "© OpenStreetMap
    /// contributors"), shown wherever the layer is.
    pub credits: Vec<String>,
}

impl Layer {
    /// A layer over `features`, with its box and index computed.
    pub fn new(
        key: impl Into<String>,
        name_zh: impl Into<String>,
        name_en: impl Into<String>,
        origin: LayerOrigin,
        features: Vec<Feature>,
        style: Style,
    ) -> Self {
        let bbox = features.iter().fold(None, |acc, f| bbox_union(acc, f.bbox));
        let index = SpatialIndex::build(&features);
        let credits = super::provenance::credits(&features);
        Self {
            key: key.into(),
            name_zh: name_zh.into(),
            name_en: name_en.into(),
            origin,
            features,
            bbox,
            index,
            style,
            visible: true,
            credits,
        }
    }

    /// The display name in the given language.
    pub fn name(&self, english: bool) -> &str {
        if english { &self.name_en } else { &self.name_zh }
    }

    /// Replace the features (after a reload), recomputing box and index.
    pub fn set_features(&mut self, features: Vec<Feature>) {
        self.bbox = features.iter().fold(None, |acc, f| bbox_union(acc, f.bbox));
        self.index = SpatialIndex::build(&features);
        self.credits = super::provenance::credits(&features);
        self.features = features;
    }

    /// How many features of each geometry kind the layer holds.
    pub fn kind_counts(&self) -> BTreeMap<GeometryKind, usize> {
        let mut counts = BTreeMap::new();
        for f in &self.features {
            *counts.entry(f.kind()).or_insert(0) += 1;
        }
        counts
    }

    /// Property keys of the features, in first-seen order, each with whether every value that
    /// is present is a number (for graduated styles).
    pub fn property_keys(&self) -> Vec<(String, bool)> {
        let mut keys: Vec<(String, bool)> = Vec::new();
        for f in self.features.iter().take(5000) {
            for (k, v) in &f.properties {
                let numeric = v.is_number() || v.is_null();
                match keys.iter_mut().find(|(kk, _)| kk == k) {
                    Some((_, n)) => *n &= numeric,
                    None => keys.push((k.clone(), numeric)),
                }
            }
        }
        keys
    }

    /// The dominant geometry kind (for the legend swatch).
    pub fn main_kind(&self) -> GeometryKind {
        super::feature::main_kind(&self.features)
    }

    /// The symbol a legend shows: the main kind, except that a line with a few points on it (a
    /// railway and its stations) is shown as a line.
    pub fn legend_kind(&self) -> GeometryKind {
        match self.main_kind() {
            GeometryKind::Point if self.features.iter().any(|f| f.kind() == GeometryKind::Line) => GeometryKind::Line,
            k => k,
        }
    }
}
