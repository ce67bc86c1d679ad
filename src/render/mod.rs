//! Layers into egui shapes: projection cache, culling, tessellation, outlines and labels.
//!
//! Geometry is projected once per layer and projection into the 0–1 Web Mercator square and
//! polygons are tessellated there (earcut, so concave shapes, holes and multipolygons fill
//! correctly). A frame only scales and shifts those vertices to the screen, which is affine, so the
//! cached triangles stay valid at every zoom.

mod cache;
mod labels;
pub mod legend;
pub mod marks;
mod paint;
pub mod raster;

pub use cache::{FeatureShape, LayerCache, PolygonMesh, any_pending};
pub use labels::{LabelCandidate, place_labels};
pub use paint::{Highlight, PaintOptions, PaintStats, paint_emphasis, paint_layer, to_color32};

use egui::{Pos2, Rect, pos2};

use crate::basemap::MapProjection;
use crate::basemap::projection::world_px;
use crate::model::{BBox, LonLat};

/// A point in the normalized projected square of the map: 0–1 Web Mercator (or GCJ-02 Mercator
/// for AMap and Tencent tiles), x east, y south. The render caches keep vertices in this frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct NormXY {
    /// 0 at 180° W, 1 at 180° E.
    pub x: f64,
    /// 0 at the north edge of the square, 1 at the south edge.
    pub y: f64,
}

impl From<[f64; 2]> for NormXY {
    fn from([x, y]: [f64; 2]) -> Self {
        Self { x, y }
    }
}

/// Where the map is looking: enough to turn cached normalized coordinates into screen points.
/// It is where the three frames meet: WGS84 ([`LonLat`]), the normalized projected square
/// ([`NormXY`]) and screen points ([`Pos2`]).
#[derive(Clone, Copy, Debug)]
pub struct MapView {
    /// The map's rectangle on screen.
    pub rect: Rect,
    /// The map centre in the normalized projected square.
    pub center_norm: NormXY,
    /// Zoom level.
    pub zoom: f64,
    /// The projection.
    pub projection: MapProjection,
}

impl MapView {
    /// A view centred on `center`.
    pub fn new(rect: Rect, center: impl Into<LonLat>, zoom: f64, projection: MapProjection) -> Self {
        let c = center.into();
        Self { rect, center_norm: projection.normalized(c.lon_deg, c.lat_deg).into(), zoom, projection }
    }

    /// Pixels of the whole world at this zoom.
    pub fn world_px(&self) -> f64 {
        world_px(self.zoom)
    }

    /// A normalized coordinate (`[x, y]` of the render caches, see [`NormXY`]) on screen.
    #[inline]
    pub fn to_screen(&self, norm: [f64; 2]) -> Pos2 {
        let w = self.world_px();
        let c = self.rect.center();
        pos2(
            (c.x as f64 + (norm[0] - self.center_norm.x) * w) as f32,
            (c.y as f64 + (norm[1] - self.center_norm.y) * w) as f32,
        )
    }

    /// The normalized coordinate under a screen point.
    pub fn screen_to_norm(&self, p: Pos2) -> NormXY {
        let w = self.world_px();
        let c = self.rect.center();
        NormXY {
            x: self.center_norm.x + (p.x as f64 - c.x as f64) / w,
            y: self.center_norm.y + (p.y as f64 - c.y as f64) / w,
        }
    }

    /// A WGS84 position on screen.
    pub fn lon_lat_to_screen(&self, lon_lat: impl Into<LonLat>) -> Pos2 {
        let p = lon_lat.into();
        self.to_screen(self.projection.normalized(p.lon_deg, p.lat_deg))
    }

    /// The WGS84 position under a screen point.
    pub fn screen_to_lon_lat(&self, p: Pos2) -> LonLat {
        let n = self.screen_to_norm(p);
        self.projection.unnormalized(n.x, n.y).into()
    }

    /// The WGS84 box seen on screen, grown by `margin_px` on each side (for culling).
    pub fn visible_bbox(&self, margin_px: f32) -> BBox {
        let r = self.rect.expand(margin_px);
        let a = self.screen_to_lon_lat(r.left_top()).to_array();
        let b = self.screen_to_lon_lat(r.right_bottom()).to_array();
        // GCJ-02 shifts by well under a kilometre: widen by 0.01° so culling never drops an edge feature.
        let pad = if self.projection == MapProjection::Gcj02Mercator { 0.01 } else { 0.0 };
        [a[0].min(b[0]) - pad, a[1].min(b[1]) - pad, a[0].max(b[0]) + pad, a[1].max(b[1]) + pad]
    }

    /// Metres per screen point at the view centre (for scale bars and pick tolerances).
    pub fn metres_per_point(&self) -> f64 {
        let [_, lat] = self.projection.unnormalized(self.center_norm.x, self.center_norm.y);
        40_075_016.686 * lat.to_radians().cos() / self.world_px()
    }

    /// The zoom and centre that fit `bbox` into `rect` with `padding_px` around it.
    pub fn fit(rect: Rect, bbox: BBox, padding_px: f32, projection: MapProjection) -> (f64, LonLat) {
        let a = projection.normalized(bbox[0], bbox[1]);
        let b = projection.normalized(bbox[2], bbox[3]);
        let (dx, dy) = ((b[0] - a[0]).abs().max(1e-12), (b[1] - a[1]).abs().max(1e-12));
        let w = (rect.width() - 2.0 * padding_px).max(50.0) as f64;
        let h = (rect.height() - 2.0 * padding_px).max(50.0) as f64;
        let world = (w / dx).min(h / dy);
        let zoom = (world / 256.0).log2().clamp(1.0, 19.0);
        let center = projection.unnormalized((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0);
        (zoom, center.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_round_trip_and_fit() {
        let rect = Rect::from_min_size(pos2(0.0, 0.0), egui::vec2(800.0, 600.0));
        let v = MapView::new(rect, [119.13, 36.71], 13.0, MapProjection::WebMercator);
        assert!((v.lon_lat_to_screen([119.13, 36.71]) - rect.center()).length() < 0.01);
        let ll = v.screen_to_lon_lat(pos2(100.0, 50.0));
        assert!((v.lon_lat_to_screen(ll) - pos2(100.0, 50.0)).length() < 0.01);
        let bbox = [119.09, 36.61, 119.30, 36.77];
        let (zoom, center) = MapView::fit(rect, bbox, 20.0, MapProjection::WebMercator);
        let fitted = MapView::new(rect, center, zoom, MapProjection::WebMercator);
        let a = fitted.lon_lat_to_screen([bbox[0], bbox[1]]);
        let b = fitted.lon_lat_to_screen([bbox[2], bbox[3]]);
        assert!(rect.contains(a) && rect.contains(b));
        assert!((b.x - a.x) > 700.0 || (a.y - b.y) > 500.0, "fills the view: {a:?} {b:?}");
    }
}
