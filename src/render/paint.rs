//! Painting one layer's cached shapes for the current view.

use egui::epaint::{Mesh, PathShape, PathStroke};
use egui::{Color32, Painter, Pos2, Rect, Shape, Stroke};

use super::{FeatureShape, LabelCandidate, LayerCache, MapView};
use crate::model::{Layer, Rgba};

/// The features to draw emphasised.
#[derive(Clone, Copy, Debug, Default)]
pub struct Highlight {
    /// The selected feature of this layer.
    pub selected: Option<usize>,
    /// The feature under the pointer.
    pub hovered: Option<usize>,
}

/// What a paint pass did (for the frame-time read-out and tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaintStats {
    /// Features drawn.
    pub drawn: usize,
    /// Features skipped as off-screen.
    pub culled: usize,
    /// Features drawn as a dot because smaller than a pixel.
    pub dots: usize,
    /// Raster layers: tiles of the view's zoom.
    pub tiles: usize,
    /// Raster layers: of those, ready and drawn (the rest show a scaled stand-in meanwhile).
    pub tiles_ready: usize,
}

/// Colour with the layer opacity applied.
pub fn to_color32(c: Rgba, opacity: f32) -> Color32 {
    let c = c.faded(opacity);
    Color32::from_rgba_unmultiplied(c.0[0], c.0[1], c.0[2], c.0[3])
}

/// Features smaller than this on screen (in points) are drawn as a small square.
pub(super) const SMALL_FEATURE_PX: f64 = 4.0;
/// Polygon outlines are skipped for features smaller than this: at that size the fill says it all.
pub(super) const OUTLINE_MIN_PX: f64 = 8.0;
/// Lines are labelled only when at least this long on screen.
const LABEL_MIN_LINE_PX: f64 = 120.0;
/// Labels are offered only for areas at least this big on screen (points always).
const LABEL_MIN_AREA_PX2: f64 = 1600.0;
/// Raster layers look for labels among at most this many features per frame, so the cost of
/// labels stays bounded whatever the zoom (see [`raster_labels`]).
const LABEL_SCAN_LIMIT: usize = 20_000;

/// How one layer is painted this frame, beyond its style.
#[derive(Clone, Copy, Debug, Default)]
pub struct PaintOptions {
    /// Selected and hovered features.
    pub highlight: Highlight,
    /// English labels.
    pub english: bool,
    /// Position of the layer in the drawing order (upper layers win label contests).
    pub layer_rank: usize,
}

/// Paint the visible features of `layer` and collect their label candidates.
pub fn paint_layer(
    painter: &Painter,
    view: &MapView,
    layer: &Layer,
    cache: &LayerCache,
    options: PaintOptions,
    labels: &mut Vec<LabelCandidate>,
) -> PaintStats {
    // ---- Raster cache for big layers ----
    let PaintOptions { highlight, english, layer_rank } = options;
    let mut stats = PaintStats::default();
    let style = &layer.style;
    if let Some(raster) = &cache.raster {
        let r = raster.paint(painter, view, layer);
        stats.tiles = r.tiles;
        stats.tiles_ready = r.ready;
        if style.labels && view.zoom as f32 >= style.label_min_zoom {
            raster_labels(view, layer, cache, raster.source(), english, layer_rank, labels);
        }
        paint_highlight(painter, view, cache, highlight, style.point_radius_pt);
        return stats;
    }
    // ---- Vector: style, culling and symbols ----
    let fill = to_color32(style.fill, style.opacity);
    let stroke_color = to_color32(style.stroke, style.opacity);
    let stroke = Stroke::new(style.stroke_width_pt, stroke_color);
    let bbox = view.visible_bbox(64.0);
    let mut visible: Vec<usize> = layer.index.query_bbox(bbox).collect();
    visible.sort_unstable();
    stats.culled = layer.features.len().saturating_sub(visible.len());
    let w = view.world_px();
    let mut mesh = Mesh::default();
    let mut outlines: Vec<Shape> = Vec::new();
    let show_labels = style.labels && view.zoom as f32 >= style.label_min_zoom;
    // Symbols shrink when zoomed out so hundreds of facilities do not bury the overview.
    let point_radius = style.point_radius_pt * ((view.zoom as f32 - 10.0) / 4.0).clamp(0.45, 1.0);
    // ---- Each visible feature ----
    for &i in &visible {
        let (Some(shape), Some(feature)) = (cache.shapes.get(i), layer.features.get(i)) else { continue };
        let size_px = ((shape.extent[2] - shape.extent[0]).max(shape.extent[3] - shape.extent[1])) * w;
        if size_px < SMALL_FEATURE_PX && shape.points.is_empty() {
            // A few pixels at most: a small square in the shared mesh tells the reader something is
            // there, without a polygon, an outline path and a label for each of thousands.
            let c =
                view.to_screen([(shape.extent[0] + shape.extent[2]) / 2.0, (shape.extent[1] + shape.extent[3]) / 2.0]);
            let half = (size_px as f32 / 2.0).max(0.6);
            mesh.add_colored_rect(egui::Rect::from_center_size(c, egui::vec2(half * 2.0, half * 2.0)), stroke_color);
            stats.dots += 1;
            continue;
        }
        stats.drawn += 1;
        // A classified style colours each feature by its property; otherwise the layer colours.
        let class = style.classification.color_for(feature);
        let fill = class.map(|c| to_color32(c.faded(0.55), style.opacity)).unwrap_or(fill);
        let stroke = class
            .filter(|_| shape.polygons.is_empty())
            .map(|c| Stroke::new(stroke.width, to_color32(c, style.opacity)))
            .unwrap_or(stroke);
        let stroke_color = stroke.color;
        for poly in &shape.polygons {
            if fill.a() > 0 {
                let base = mesh.vertices.len() as u32;
                for v in &poly.vertices {
                    mesh.colored_vertex(view.to_screen(*v), fill);
                }
                mesh.indices.extend(poly.indices.iter().map(|i| base + i));
            }
            if size_px >= OUTLINE_MIN_PX {
                for ring in &poly.rings {
                    let pts: Vec<Pos2> = ring.iter().map(|p| view.to_screen(*p)).collect();
                    push_line(&mut outlines, pts, stroke, style.dashed, true, view.rect);
                }
            }
        }
        for line in &shape.lines {
            let pts: Vec<Pos2> = line.iter().map(|p| view.to_screen(*p)).collect();
            if style.dashed {
                // A railway reads as a dark line with white dashes, on any basemap.
                outlines.push(Shape::line(pts.clone(), Stroke::new(stroke.width + 1.0, stroke_color)));
                for piece in visible_pieces(&pts, view.rect.expand(DASH_CLIP_MARGIN_PT)) {
                    outlines.extend(Shape::dashed_line(
                        &piece,
                        Stroke::new((stroke.width - 1.0).max(1.0), Color32::WHITE),
                        8.0,
                        8.0,
                    ));
                }
            } else {
                // A light casing under the line keeps it visible on dark imagery.
                outlines
                    .push(Shape::line(pts.clone(), Stroke::new(stroke.width + 1.5, Color32::from_white_alpha(150))));
                outlines.push(Shape::line(pts, stroke));
            }
        }
        for p in &shape.points {
            let c = view.to_screen(*p);
            outlines.push(Shape::circle_filled(c, point_radius, stroke_color));
            outlines.push(Shape::circle_stroke(
                c,
                point_radius,
                Stroke::new(if point_radius > 2.5 { 1.2 } else { 0.6 }, Color32::WHITE),
            ));
        }
        let area_px = (shape.extent[2] - shape.extent[0]) * (shape.extent[3] - shape.extent[1]) * w * w;
        if show_labels
            && (!shape.points.is_empty()
                || (shape.polygons.is_empty() && size_px >= LABEL_MIN_LINE_PX)
                || area_px >= LABEL_MIN_AREA_PX2)
            && let (Some(anchor), Some(text)) = (shape.label_anchor, label_text(feature, &style.label_field, english))
        {
            labels.push(LabelCandidate {
                text,
                at: view.to_screen(anchor),
                priority: label_priority(style.label_priority, layer_rank, area_px, shape.points.is_empty()),
                is_point: !shape.points.is_empty(),
            });
        }
    }
    // ---- Submit and highlight ----
    if !mesh.is_empty() {
        painter.add(Shape::mesh(mesh));
    }
    painter.extend(outlines);
    paint_highlight(painter, view, cache, highlight, style.point_radius_pt);
    stats
}

/// Hovered and selected features, drawn as vectors on top (they change every frame).
fn paint_highlight(painter: &Painter, view: &MapView, cache: &LayerCache, highlight: Highlight, point_radius: f32) {
    for (idx, color, width) in [
        (highlight.hovered, Color32::from_rgb(255, 255, 255), 3.0),
        (highlight.selected, Color32::from_rgb(255, 214, 0), 4.0),
    ] {
        if let Some(shape) = idx.and_then(|i| cache.shapes.get(i)) {
            paint_emphasis(painter, view, shape, color, width, point_radius);
        }
    }
}

/// Label candidates of a raster layer, at a cost bounded whatever the zoom. A feature earns a
/// label when its rank × world_px² reaches the readable size, so the candidates of a zoom are a
/// prefix of the biggest-first order: scan that prefix when it is short (zoomed out, few
/// features are big enough), else the view's features through the index (zoomed in, few are in
/// view), stopping at the label budget either way.
fn raster_labels(
    view: &MapView,
    layer: &Layer,
    cache: &LayerCache,
    source: &super::raster::RasterSource,
    english: bool,
    layer_rank: usize,
    labels: &mut Vec<LabelCandidate>,
) {
    let w = view.world_px();
    let min_rank = LABEL_MIN_AREA_PX2 / (w * w);
    let order = source.label_order();
    let prefix = order.partition_point(|(rank, _)| *rank >= min_rank);
    let r = view.rect.expand(8.0);
    let (a, b) = (view.screen_to_norm(r.left_top()), view.screen_to_norm(r.right_bottom()));
    let view_norm = [a.x.min(b.x), a.y.min(b.y), a.x.max(b.x), a.y.max(b.y)];
    let in_view = |i: usize| {
        cache.shapes.get(i).and_then(|s| s.label_anchor).is_some_and(|p| {
            p[0] >= view_norm[0] && p[0] <= view_norm[2] && p[1] >= view_norm[1] && p[1] <= view_norm[3]
        })
    };
    let ranked: Box<dyn Iterator<Item = usize>> = if prefix <= LABEL_SCAN_LIMIT {
        Box::new(order[..prefix].iter().map(|(_, i)| *i as usize).filter(|&i| in_view(i)))
    } else {
        Box::new(
            source
                .query(view_norm)
                .filter(move |&i| cache.shapes.get(i).is_some_and(|s| super::raster::label_rank(s) >= min_rank))
                .filter(|&i| in_view(i))
                .take(LABEL_SCAN_LIMIT),
        )
    };
    let style = &layer.style;
    let before = labels.len();
    for i in ranked {
        if labels.len() - before >= super::labels::MAX_LABEL_CANDIDATES {
            break;
        }
        let (Some(shape), Some(feature)) = (cache.shapes.get(i), layer.features.get(i)) else { continue };
        let (Some(anchor), Some(text)) = (shape.label_anchor, label_text(feature, &style.label_field, english)) else {
            continue;
        };
        let area_px = (shape.extent[2] - shape.extent[0]) * (shape.extent[3] - shape.extent[1]) * w * w;
        labels.push(LabelCandidate {
            text,
            at: view.to_screen(anchor),
            priority: label_priority(style.label_priority, layer_rank, area_px, shape.points.is_empty()),
            is_point: !shape.points.is_empty(),
        });
    }
}

fn label_text(feature: &crate::model::Feature, field: &str, english: bool) -> Option<String> {
    if field == "name" {
        return feature.display_name(english).map(str::to_owned);
    }
    match feature.properties.get(field)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Higher first: the layer's label priority, then upper layers, then bigger features.
fn label_priority(layer_priority: f32, layer_rank: usize, area_px: f64, is_area: bool) -> f64 {
    layer_priority as f64 * 1.0e12 + layer_rank as f64 * 1.0e9 + if is_area { area_px.min(9.0e8) } else { 0.0 }
}

/// Dashes are cut only this far outside the map.
const DASH_CLIP_MARGIN_PT: f32 = 24.0;

fn push_line(out: &mut Vec<Shape>, mut pts: Vec<Pos2>, stroke: Stroke, dashed: bool, closed: bool, clip: Rect) {
    if stroke.width <= 0.0 || stroke.color.a() == 0 {
        return;
    }
    if dashed {
        if closed && let Some(&first) = pts.first() {
            pts.push(first);
        }
        for piece in visible_pieces(&pts, clip.expand(DASH_CLIP_MARGIN_PT)) {
            out.extend(Shape::dashed_line(&piece, stroke, 10.0, 6.0));
        }
    } else if closed {
        out.push(Shape::Path(PathShape::closed_line(pts, PathStroke::from(stroke))));
    } else {
        out.push(Shape::line(pts, stroke));
    }
}

/// The parts of a polyline inside `clip`, each a run of consecutive visible segments.
///
/// Dashes are shapes of their own: a district boundary 50 km long is tens of millions of points
/// long at street zoom, and dashing it whole would make hundreds of thousands of dashes off screen.
fn visible_pieces(pts: &[Pos2], clip: Rect) -> Vec<Vec<Pos2>> {
    let mut pieces: Vec<Vec<Pos2>> = Vec::new();
    let mut current: Vec<Pos2> = Vec::new();
    for w in pts.windows(2) {
        match clip_segment(w[0], w[1], clip) {
            Some((a, b)) => {
                if current.last().is_none_or(|last| *last != a) {
                    if current.len() >= 2 {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(a);
                }
                current.push(b);
            }
            None => {
                if current.len() >= 2 {
                    pieces.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    pieces
}

/// The part of segment a–b inside `r` (Liang–Barsky), if any.
fn clip_segment(a: Pos2, b: Pos2, r: Rect) -> Option<(Pos2, Pos2)> {
    let d = b - a;
    let (mut t0, mut t1) = (0.0f32, 1.0f32);
    for (p, q) in [(-d.x, a.x - r.min.x), (d.x, r.max.x - a.x), (-d.y, a.y - r.min.y), (d.y, r.max.y - a.y)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    Some((a + d * t0, a + d * t1))
}

/// A dark-haloed bright outline around one feature, readable on any basemap.
pub fn paint_emphasis(
    painter: &Painter,
    view: &MapView,
    shape: &FeatureShape,
    color: Color32,
    width: f32,
    point_radius: f32,
) {
    let halo = Stroke::new(width + 2.5, Color32::from_black_alpha(200));
    let line = Stroke::new(width, color);
    for ring in shape.polygons.iter().flat_map(|p| &p.rings) {
        let pts: Vec<Pos2> = ring.iter().map(|p| view.to_screen(*p)).collect();
        painter.add(PathShape::closed_line(pts.clone(), PathStroke::from(halo)));
        painter.add(PathShape::closed_line(pts, PathStroke::from(line)));
    }
    for l in &shape.lines {
        let pts: Vec<Pos2> = l.iter().map(|p| view.to_screen(*p)).collect();
        painter.add(Shape::line(pts.clone(), halo));
        painter.add(Shape::line(pts, line));
    }
    for p in &shape.points {
        let c = view.to_screen(*p);
        painter.circle_stroke(c, point_radius + 3.0, halo);
        painter.circle_stroke(c, point_radius + 3.0, line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::pos2;

    #[test]
    fn only_the_visible_parts_of_a_long_line_are_kept() {
        let r = Rect::from_min_max(pos2(0.0, 0.0), pos2(100.0, 100.0));
        // Enters, leaves, re-enters: two pieces, cut at the edges.
        let line = [pos2(-1.0e7, 50.0), pos2(50.0, 50.0), pos2(50.0, 1.0e7), pos2(80.0, 1.0e7), pos2(80.0, 20.0)];
        let pieces = visible_pieces(&line, r);
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert_eq!(pieces[0], vec![pos2(0.0, 50.0), pos2(50.0, 50.0), pos2(50.0, 100.0)]);
        assert_eq!(pieces[1], vec![pos2(80.0, 100.0), pos2(80.0, 20.0)]);
        assert!(visible_pieces(&[pos2(-5.0, -5.0), pos2(-5.0, 500.0)], r).is_empty());
        // A line crossing the corner region without entering.
        assert!(clip_segment(pos2(-10.0, 5.0), pos2(5.0, -10.0), r).is_none());
    }
}
