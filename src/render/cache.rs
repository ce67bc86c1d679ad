//! Per-layer projected and tessellated geometry, computed once per projection.

use geo::{Geometry, InteriorPoint, LineString, Polygon, TriangulateEarcut};

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
    /// One shape per feature, same order.
    pub shapes: Vec<FeatureShape>,
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
        let shapes = layer
            .features
            .iter()
            .map(|f| f.geometry.as_ref().map(|g| shape_of(g, projection)).unwrap_or_default())
            .collect();
        Self { projection: Some(projection), feature_count: layer.features.len(), generation, shapes }
    }
}

fn shape_of(g: &Geometry<f64>, projection: MapProjection) -> FeatureShape {
    let mut s = FeatureShape { extent: [f64::MAX, f64::MAX, f64::MIN, f64::MIN], ..Default::default() };
    add_geometry(&mut s, g, projection);
    s.label_anchor = label_anchor(g, &s, projection);
    s
}

fn add_geometry(s: &mut FeatureShape, g: &Geometry<f64>, projection: MapProjection) {
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
            let m = polygon_mesh(p, &mut |x, y| proj(x, y, s));
            s.polygons.push(m);
        }
        Geometry::MultiPolygon(mp) => {
            for p in mp {
                let m = polygon_mesh(p, &mut |x, y| proj(x, y, s));
                s.polygons.push(m);
            }
        }
        Geometry::Rect(r) => {
            let m = polygon_mesh(&r.to_polygon(), &mut |x, y| proj(x, y, s));
            s.polygons.push(m);
        }
        Geometry::Triangle(t) => {
            let m = polygon_mesh(&t.to_polygon(), &mut |x, y| proj(x, y, s));
            s.polygons.push(m);
        }
        Geometry::GeometryCollection(gc) => {
            for part in gc {
                add_geometry(s, part, projection);
            }
        }
    }
}

fn polygon_mesh(p: &Polygon<f64>, proj: &mut dyn FnMut(f64, f64) -> [f64; 2]) -> PolygonMesh {
    let ring = |ls: &LineString<f64>, proj: &mut dyn FnMut(f64, f64) -> [f64; 2]| {
        ls.coords().map(|c| proj(c.x, c.y)).collect::<Vec<_>>()
    };
    let mut rings = vec![ring(p.exterior(), proj)];
    rings.extend(p.interiors().iter().map(|r| ring(r, proj)));
    // Tessellate in projected space: the screen transform is affine, so these triangles hold at
    // every zoom. Earcut handles concave rings and holes.
    let projected = Polygon::new(
        LineString::from(rings[0].clone()),
        rings[1..].iter().map(|r| LineString::from(r.clone())).collect(),
    );
    let raw = projected.earcut_triangles_raw();
    PolygonMesh { vertices: raw.vertices, indices: raw.triangle_indices.into_iter().map(|i| i as u32).collect(), rings }
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
        let f = Feature::new(None, Some(outer.into()), Default::default());
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
