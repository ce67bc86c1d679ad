//! Plain map data: features, layers, styles and the spatial index. No egui, no files.

pub mod briefing;
pub mod compare;
pub mod diff;
mod feature;
pub mod index;
mod layer;
pub mod layout;
mod lon_lat;
pub mod marks;
mod properties;
pub mod provenance;
pub mod schema;
mod style;

pub use diff::{ChangeKind, LayerDiff, diff};
pub use feature::{Feature, GeometryKind, main_kind};
pub use index::{PickTolerance, SpatialIndex};
pub use layer::{Layer, LayerOrigin};
pub use lon_lat::LonLat;
pub use properties::Properties;
pub use style::{Classification, Rgba, Style};

/// A bounding box in WGS84 degrees: `[min_lon, min_lat, max_lon, max_lat]`.
pub type BBox = [f64; 4];

/// The union of two optional boxes.
pub fn bbox_union(a: Option<BBox>, b: Option<BBox>) -> Option<BBox> {
    match (a, b) {
        (Some(a), Some(b)) => Some([a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]),
        (a, None) => a,
        (None, b) => b,
    }
}
