//! Per-layer projected and tessellated geometry, computed once per projection.

use std::sync::Arc;

use geo::{Geometry, InteriorPoint, LineString, Polygon, TriangulateEarcut};

use super::raster::{LayerRaster, RASTER_MIN_FEATURES};
use crate::basemap::MapProjection;
use crate::model::Layer;

/// A polygon ready to paint: triangles for the fill, rings for the outline.
#[derive(Clone, Debug, Default)]
pub struct PolygonMesh {
    /// Vertices in normalized projected coordinates.
    pub vertices: Vec<[f64; 2]>,
    /// Triangle indices into `vertices`.
    pub indices: Vec<u32>,
    /// Every ring (outer and holes), closed, in normalized coordinates.
    pub rings: Vec<Vec<[f64; 2]>>,
}

/// One feature's projected shape.
#[derive(Clone, Debug, Default)]
pub struct FeatureShape {
    /// Polygons (a MultiPolygon gives several).
    pub polygons: Vec<PolygonMesh>,
    /// Lines.
    pub lines: Vec<Vec<[f64; 2]>>,
    /// Points.
    pub points: Vec<[f64; 2]>,
    /// Where its label goes, in normalized coordinates (inside polygons, mid-line for lines).
    pub label_anchor: Option<[f64; 2]>,
    /// The normalized box (min x, min y, max x, max y), for level of detail.
    pub extent: [f64; 4],
}

/// The cached shapes of one layer.
#[derive(Clone, Debug, Default)]
pub struct LayerCache {
    /// For which projection the shapes were made.
    pub projection: Option<MapProjection>,
    /// How many features the layer had (a changed count means the layer was reloaded).
    pub feature_count: usize,
    /// A generation counter the app bumps on reload.
    pub generation: u64,
    /// One shape per feature, same order (shared with the tile workers of big layers).
    pub shapes: Arc<Vec<FeatureShape>>,
    /// For layers of [`RASTER_MIN_FEATURES`] features or more: their raster tiles.
    pub raster: Option<Arc<LayerRaster>>,
}

impl LayerCache {
    /// Whether the cache must be rebuilt for this layer/projection.
    pub fn is_stale(&self, layer: &Layer, projection: MapProjection, generation: u64) -> bool {
        self.projection != Some(projection)
            || self.feature_count != layer.features.len()
            || self.generation != generation
    }

    /// Project and tessellate every feature of `layer`.
    pub fn build(layer: &Layer, projection: MapProjection, generation: u64) -> Self {
        Self::build_with(layer, projection, generation, layer.features.len() >= RASTER_MIN_FEATURES)
    }

    /// Vector shapes only, however many features: for transient emphasis (the ghosts of features
    /// removed by a reload or listed by the change report, built once per flash), where indexing for tiles is wasted.
    pub fn build_vector(layer: &Layer, projection: MapProjection) -> Self {
        Self::build_with(layer, projection, 0, false)
    }

    fn build_with(layer: &Layer, projection: MapProjection, generation: u64, raster: bool) -> Self {
        // Big layers are drawn from raster tiles, which fill rings directly: no triangles needed,
        // which saves the tessellation time and two thirds of the cache's memory.
        let shape = |f: &crate::model::Feature| {
            f.geometry.as_ref().map(|g| shape_of(g, projection, !raster)).unwrap_or_default()
        };
        let shapes: Vec<FeatureShape> = if raster {
            // A city of buildings takes a second on one core: share it out.
            let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 8);
            let chunk = layer.features.len().div_ceil(threads).max(1);
            std::thread::scope(|s| {
                let handles: Vec<_> = layer
                    .features
                    .chunks(chunk)
                    .map(|part| s.spawn(move || part.iter().map(shape).collect::<Vec<_>>()))
                    .collect();
                // A worker that panicked leaves its features blank rather than taking the app down.
                handles
                    .into_iter()
                    .zip(layer.features.chunks(chunk))
                    .flat_map(|(h, part)| h.join().unwrap_or_else(|_| vec![FeatureShape::default(); part.len()]))
                    .collect()
            })
        } else {
            layer.features.iter().map(shape).collect()
        };
        let shapes = Arc::new(shapes);
        let raster = raster.then(|| Arc::new(LayerRaster::new(shapes.clone())));
        Self { projection: Some(projection), feature_count: layer.features.len(), generation, shapes, raster }
    }

    /// Whether raster work for the view painted last is still in flight (tiles of the view's zoom
    /// missing or rendering). Always false for vector layers. An offscreen renderer paints frames
    /// until no visible layer's cache is pending.
    pub fn pending(&self) -> bool {
        self.raster.as_ref().is_some_and(|r| r.pending())
    }
}

/// Whether any of these caches still waits for raster tiles of the last painted view.
pub fn any_pending<'a>(caches: impl IntoIterator<Item = &'a LayerCache>) -> bool {
    caches.into_iter().any(LayerCache::pending)
}

fn shape_of(g: &Geometry<f64>, projection: MapProjection, tessellate: bool) -> FeatureShape {
    let mut s = FeatureShape { extent: [f64::MAX, f64::MAX, f64::MIN, f64::MIN], ..Default::default() };
    add_geometry(&mut s, g, projection, tessellate);
    // Big layers (no tessellation) take a quicker anchor: their labels show one at a time.
    s.label_anchor = if tessellate { label_anchor(g, &s, projection) } else { quick_label_anchor(g, &s, projection) };
    s
}

fn add_geometry(s: &mut FeatureShape, g: &Geometry<f64>, projection: MapProjection, tessellate: bool) {
    let proj = |x: f64, y: f64, s: &mut FeatureShape| {
        let p = projection.normalized(x, y);
        s.extent = [s.extent[0].min(p[0]), s.extent[1].min(p[1]), s.extent[2].max(p[0]), s.extent[3].max(p[1])];
        p
    };
    match g {
        Geometry::Point(p) => {
            let q = proj(p.x(), p.y(), s);
            s.points.push(q);
        }
        Geometry::MultiPoint(mp) => {
            for p in mp {
                let q = proj(p.x(), p.y(), s);
                s.points.push(q);
            }
        }
        Geometry::LineString(ls) => {
            let line = ls.coords().map(|c| proj(c.x, c.y, s)).collect();
            s.lines.push(line);
        }
        Geometry::Line(l) => {
            let line = vec![proj(l.start.x, l.start.y, s), proj(l.end.x, l.end.y, s)];
            s.lines.push(line);
        }
        Geometry::MultiLineString(mls) => {
            for ls in mls {
                let line = ls.coords().map(|c| proj(c.x, c.y, s)).collect();
                s.lines.push(line);
            }
        }
        Geometry::Polygon(p) => {
            let m = polygon_mesh(p, &mut |x, y| proj(x, y, s), tessellate);
            s.polygons.push(m);
        }
        Geometry::MultiPolygon(mp) => {
            for p in mp {
                let m = polygon_mesh(p, &mut |x, y| proj(x, y, s), tessellate);
                s.polygons.push(m);
            }
        }
        Geometry::Rect(r) => {
            let m = polygon_mesh(&r.to_polygon(), &mut |x, y| proj(x, y, s), tessellate);
            s.polygons.push(m);
        }
        Geometry::Triangle(t) => {
            let m = polygon_mesh(&t.to_polygon(), &mut |x, y| proj(x, y, s), tessellate);
            s.polygons.push(m);
        }
        Geometry::GeometryCollection(gc) => {
            for part in gc {
                add_geometry(s, part, projection, tessellate);
            }
        }
    }
}

fn polygon_mesh(p: &Polygon<f64>, proj: &mut dyn FnMut(f64, f64) -> [f64; 2], tessellate: bool) -> PolygonMesh {
    let ring = |ls: &LineString<f64>, proj: &mut dyn FnMut(f64, f64) -> [f64; 2]| {
        ls.coords().map(|c| proj(c.x, c.y)).collect::<Vec<_>>()
    };
    let mut rings = vec![ring(p.exterior(), proj)];
    rings.extend(p.interiors().iter().map(|r| ring(r, proj)));
    if !tessellate {
        return PolygonMesh { rings, ..Default::default() };
    }
    // Tessellate in projected space: the screen transform is affine, so these triangles hold at
    // every zoom. Earcut handles concave rings and holes.
    let projected = Polygon::new(
        LineString::from(rings[0].clone()),
        rings[1..].iter().map(|r| LineString::from(r.clone())).collect(),
    );
    let raw = projected.earcut_triangles_raw();
    PolygonMesh { vertices: raw.vertices, indices: raw.triangle_indices.into_iter().map(|i| i as u32).collect(), rings }
}

/// A point inside a simple polygon without the cost of a full interior-point search: the box
/// centre or the centroid when either is inside (rectangles, L shapes), else the interior point.
fn quick_label_anchor(g: &Geometry<f64>, s: &FeatureShape, projection: MapProjection) -> Option<[f64; 2]> {
    use geo::{BoundingRect, Centroid, Intersects};
    let Geometry::Polygon(p) = g else { return label_anchor(g, s, projection) };
    let candidates = [p.bounding_rect().map(|r| r.center()), p.centroid().map(|c| c.0)];
    match candidates.into_iter().flatten().find(|c| p.intersects(c)) {
        Some(c) => Some(projection.normalized(c.x, c.y)),
        None => label_anchor(g, s, projection),
    }
}

fn label_anchor(g: &Geometry<f64>, s: &FeatureShape, projection: MapProjection) -> Option<[f64; 2]> {
    match g {
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) => {
            // The interior point of the largest part is always inside, even for U-shaped polygons.
            let biggest = match g {
                Geometry::MultiPolygon(mp) => mp
                    .iter()
                    .max_by(|a, b| {
                        use geo::Area;
                        a.unsigned_area().total_cmp(&b.unsigned_area())
                    })?
                    .interior_point()?,
                other => other.interior_point()?,
            };
            Some(projection.normalized(biggest.x(), biggest.y()))
        }
        _ => {
            if let Some(line) = s.lines.iter().max_by_key(|l| l.len()) {
                return line.get(line.len() / 2).copied();
            }
            s.points.first().copied()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Feature, LayerOrigin, Style};
    use geo::polygon;

    #[test]
    fn concave_polygon_with_hole_tessellates_to_its_true_area() {
        // A U shape with a square hole in its base: the triangles must cover exactly its area.
        let outer = polygon![
            exterior: [(x: 0.0, y: 0.0), (x: 3.0, y: 0.0), (x: 3.0, y: 3.0), (x: 2.0, y: 3.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 3.0), (x: 0.0, y: 3.0), (x: 0.0, y: 0.0)],
            interiors: [[(x: 0.2, y: 0.2), (x: 0.8, y: 0.2), (x: 0.8, y: 0.8), (x: 0.2, y: 0.8), (x: 0.2, y: 0.2)]],
        ];
        let f = Feature::new(None, Some(outer.into()), crate::model::Properties::new());
        let layer = Layer::new("t", "t", "t", LayerOrigin::Generated, vec![f], Style::default());
        let cache = LayerCache::build(&layer, MapProjection::WebMercator, 0);
        let mesh = &cache.shapes[0].polygons[0];
        assert_eq!(mesh.rings.len(), 2);
        let tri_area: f64 = mesh
            .indices
            .chunks(3)
            .map(|t| {
                let [a, b, c] =
                    [mesh.vertices[t[0] as usize], mesh.vertices[t[1] as usize], mesh.vertices[t[2] as usize]];
                ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1])).abs() / 2.0
            })
            .sum();
        let ring_area =
            |r: &Vec<[f64; 2]>| r.windows(2).map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1]).sum::<f64>().abs() / 2.0;
        let expected = ring_area(&mesh.rings[0]) - ring_area(&mesh.rings[1]);
        assert!((tri_area - expected).abs() < expected * 1e-9, "{tri_area} vs {expected}");
    }
}
