//! The planner's marks (标注) as egui shapes: point symbols with labels, plain and dashed lines
//! with arrowheads, filled polygons, text boxes and call-outs with leader lines. Sizes are paper
//! units (mm, pt) turned into screen points with [`SCREEN_PT_PER_MM`], times the map's text
//! scale (1 at the desk, larger when presenting). Also the hit test that finds the mark under a
//! screen point, from the same geometry as the drawing.

use egui::epaint::Mesh;
use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke, Vec2, vec2};
use geo::TriangulateEarcut;

use super::{MapView, to_color32};
use crate::model::marks::{Mark, MarkGeometry, MarkSymbol, Marks, SCREEN_PT_PER_MM};

/// Screen points per typographic point (1/72 inch against the 1/96-inch screen point).
const SCREEN_PT_PER_TYPO_PT: f32 = 96.0 / 72.0;

/// How far from a line, outline or symbol, in screen points, a click still hits the mark.
pub const PICK_SLACK_PT: f32 = 5.0;

/// Sizes of a mark on screen, from its paper sizes and the map's scale.
#[derive(Clone, Copy, Debug)]
struct Sizes {
    width_pt: f32,
    symbol_pt: f32,
    font_pt: f32,
    /// Screen points per millimetre, scale included.
    pt_per_mm: f32,
}

impl Sizes {
    fn of(mark: &Mark, scale: f32) -> Self {
        let pt_per_mm = SCREEN_PT_PER_MM * scale;
        let s = &mark.style;
        Self {
            width_pt: (s.width_mm * pt_per_mm).max(0.5),
            symbol_pt: (s.symbol_mm * pt_per_mm).max(2.0),
            font_pt: (s.text_pt * SCREEN_PT_PER_TYPO_PT * scale).clamp(4.0, 200.0),
            pt_per_mm,
        }
    }
}

/// Draw every mark, first at the bottom (nothing when the layer is hidden).
pub fn paint_marks(painter: &Painter, view: &MapView, marks: &Marks, scale: f32) {
    if marks.hidden {
        return;
    }
    for m in &marks.marks {
        paint_mark(painter, view, m, scale);
    }
}

/// Draw one mark.
pub fn paint_mark(painter: &Painter, view: &MapView, mark: &Mark, scale: f32) {
    let sizes = Sizes::of(mark, scale);
    let color = to_color32(mark.style.color, 1.0);
    let fill = to_color32(mark.style.fill, 1.0);
    let stroke = Stroke::new(sizes.width_pt, color);
    let screen = |p: [f64; 2]| view.lon_lat_to_screen(p);
    match &mark.geometry {
        MarkGeometry::Point { lon_lat, symbol } => {
            let at = screen(*lon_lat);
            paint_symbol(painter, at, *symbol, sizes.symbol_pt / 2.0, color);
            if !mark.label.is_empty() {
                let left = at + vec2(sizes.symbol_pt / 2.0 + 0.8 * sizes.pt_per_mm, 0.0);
                halo_text(painter, left, Align2::LEFT_CENTER, &mark.label, sizes.font_pt, color);
            }
        }
        MarkGeometry::Line { points, arrow } => {
            let mut pts: Vec<Pos2> = points.iter().map(|p| screen(*p)).collect();
            if *arrow && let Some(head) = arrowhead(&pts, sizes.width_pt) {
                // The line stops inside the head, so its square end does not show past the tip.
                if let Some(last) = pts.last_mut() {
                    *last = head.base;
                }
                painter.add(Shape::convex_polygon(head.corners.to_vec(), color, Stroke::NONE));
            }
            polyline(painter, pts.clone(), stroke, mark.style.dashed);
            if !mark.label.is_empty()
                && let Some(at) = line_middle(&pts)
            {
                halo_text(
                    painter,
                    at + vec2(0.0, -sizes.width_pt - 2.0),
                    Align2::CENTER_BOTTOM,
                    &mark.label,
                    sizes.font_pt,
                    color,
                );
            }
        }
        MarkGeometry::Polygon { ring } => {
            let pts: Vec<Pos2> = ring.iter().map(|p| screen(*p)).collect();
            if pts.len() >= 3 {
                painter.add(fill_mesh(&pts, fill));
            }
            let mut closed = pts.clone();
            if let Some(first) = pts.first() {
                closed.push(*first);
            }
            polyline(painter, closed, stroke, mark.style.dashed);
            if !mark.label.is_empty() && !pts.is_empty() {
                let c = pts.iter().fold(Vec2::ZERO, |acc, p| acc + p.to_vec2()) / pts.len() as f32;
                halo_text(painter, c.to_pos2(), Align2::CENTER_CENTER, &mark.label, sizes.font_pt, color);
            }
        }
        MarkGeometry::Text { lon_lat } => {
            text_box(painter, screen(*lon_lat), mark, sizes);
        }
        MarkGeometry::Callout { anchor_lon_lat, text_lon_lat } => {
            let anchor = screen(*anchor_lon_lat);
            let rect = text_box_rect(painter, screen(*text_lon_lat), mark, sizes);
            let edge = nearest_on_rect(rect, anchor);
            if !rect.contains(anchor) {
                polyline(painter, vec![anchor, edge], stroke, mark.style.dashed);
            }
            painter.circle_filled(anchor, (0.8 * sizes.pt_per_mm).max(sizes.width_pt), color);
            text_box(painter, screen(*text_lon_lat), mark, sizes);
        }
    }
}

/// A thin outline around a mark, for the selected one (drawn by the marks tool on top).
pub fn paint_selection(painter: &Painter, view: &MapView, mark: &Mark, scale: f32, color: Color32) {
    let stroke = Stroke::new(1.5, color);
    let pts: Vec<Pos2> = mark.geometry.positions().iter().map(|p| view.lon_lat_to_screen(*p)).collect();
    let mut rect = Rect::from_points(&pts);
    if let Some(text) = mark_text_rect(painter, view, mark, scale) {
        rect = rect.union(text);
    }
    let sizes = Sizes::of(mark, scale);
    let pad = sizes.symbol_pt.max(sizes.width_pt) / 2.0 + 4.0;
    let rect = rect.expand(pad);
    for s in Shape::dashed_line(
        &[rect.left_top(), rect.right_top(), rect.right_bottom(), rect.left_bottom(), rect.left_top()],
        stroke,
        5.0,
        3.0,
    ) {
        painter.add(s);
    }
    for p in pts {
        painter.circle(p, 3.5, Color32::WHITE, stroke);
    }
}

/// The text box of a text or call-out mark on screen (None for the other kinds).
pub fn mark_text_rect(painter: &Painter, view: &MapView, mark: &Mark, scale: f32) -> Option<Rect> {
    let at = match &mark.geometry {
        MarkGeometry::Text { lon_lat } => *lon_lat,
        MarkGeometry::Callout { text_lon_lat, .. } => *text_lon_lat,
        _ => return None,
    };
    Some(text_box_rect(painter, view.lon_lat_to_screen(at), mark, Sizes::of(mark, scale)))
}

/// The id of the topmost visible mark under the screen point `at` (None when the layer is
/// hidden or nothing is there).
pub fn pick_mark(painter: &Painter, view: &MapView, marks: &Marks, at: Pos2, scale: f32) -> Option<u64> {
    if marks.hidden {
        return None;
    }
    marks.marks.iter().rev().find(|m| hits(painter, view, m, at, scale)).map(|m| m.id)
}

/// Whether the screen point `at` is on the mark.
fn hits(painter: &Painter, view: &MapView, mark: &Mark, at: Pos2, scale: f32) -> bool {
    let sizes = Sizes::of(mark, scale);
    let near_line = sizes.width_pt / 2.0 + PICK_SLACK_PT;
    let screen = |p: &[f64; 2]| view.lon_lat_to_screen(*p);
    match &mark.geometry {
        MarkGeometry::Point { lon_lat, .. } => (screen(lon_lat) - at).length() <= sizes.symbol_pt / 2.0 + PICK_SLACK_PT,
        MarkGeometry::Line { points, .. } => {
            let pts: Vec<Pos2> = points.iter().map(screen).collect();
            distance_to_path(&pts, at) <= near_line
        }
        MarkGeometry::Polygon { ring } => {
            let mut pts: Vec<Pos2> = ring.iter().map(screen).collect();
            if inside(&pts, at) {
                return true;
            }
            if let Some(first) = pts.first().copied() {
                pts.push(first);
            }
            distance_to_path(&pts, at) <= near_line
        }
        MarkGeometry::Text { .. } => {
            mark_text_rect(painter, view, mark, scale).is_some_and(|r| r.expand(2.0).contains(at))
        }
        MarkGeometry::Callout { anchor_lon_lat, .. } => {
            let Some(rect) = mark_text_rect(painter, view, mark, scale) else { return false };
            let anchor = screen(anchor_lon_lat);
            rect.expand(2.0).contains(at) || distance_to_path(&[anchor, nearest_on_rect(rect, anchor)], at) <= near_line
        }
    }
}

/// A point symbol of radius `r` centred at `c`, with a white rim so it stands out on any basemap.
fn paint_symbol(painter: &Painter, c: Pos2, symbol: MarkSymbol, r: f32, color: Color32) {
    let rim = Stroke::new(1.0, Color32::WHITE);
    match symbol {
        MarkSymbol::Circle => {
            painter.circle(c, r, color, rim);
        }
        MarkSymbol::Square => {
            let s = r * 0.9;
            painter.rect(Rect::from_center_size(c, vec2(2.0 * s, 2.0 * s)), 0.0, color, rim, egui::StrokeKind::Middle);
        }
        MarkSymbol::Triangle => {
            let pts = (0..3)
                .map(|i| {
                    let a = -std::f32::consts::FRAC_PI_2 + i as f32 * std::f32::consts::TAU / 3.0;
                    c + r * 1.15 * vec2(a.cos(), a.sin())
                })
                .collect();
            painter.add(Shape::convex_polygon(pts, color, rim));
        }
        MarkSymbol::Star => {
            let pts: Vec<Pos2> = (0..10)
                .map(|i| {
                    let a = -std::f32::consts::FRAC_PI_2 + i as f32 * std::f32::consts::PI / 5.0;
                    let rr = if i % 2 == 0 { r * 1.2 } else { r * 0.5 };
                    c + rr * vec2(a.cos(), a.sin())
                })
                .collect();
            // A fan from the centre: a star is not convex, but every point sees the centre.
            let mut mesh = Mesh::default();
            mesh.colored_vertex(c, color);
            for p in &pts {
                mesh.colored_vertex(*p, color);
            }
            for i in 0..10u32 {
                mesh.add_triangle(0, 1 + i, 1 + (i + 1) % 10);
            }
            painter.add(Shape::mesh(mesh));
            let mut outline = pts;
            if let Some(first) = outline.first().copied() {
                outline.push(first);
            }
            painter.add(Shape::line(outline, rim));
        }
    }
}

/// A line through screen points, solid or dashed (dashes scale with the width).
fn polyline(painter: &Painter, pts: Vec<Pos2>, stroke: Stroke, dashed: bool) {
    if pts.len() < 2 {
        return;
    }
    if dashed {
        let dash = (stroke.width * 4.0).max(4.0);
        let gap = (stroke.width * 2.5).max(3.0);
        painter.extend(Shape::dashed_line(&pts, stroke, dash, gap));
    } else {
        painter.add(Shape::line(pts, stroke));
    }
}

/// An arrowhead at the end of a line: its three corners (tip first) and the middle of its base.
struct Arrowhead {
    corners: [Pos2; 3],
    base: Pos2,
}

fn arrowhead(pts: &[Pos2], width_pt: f32) -> Option<Arrowhead> {
    let tip = *pts.last()?;
    // The last point that is not on the tip gives the direction.
    let from = pts.iter().rev().skip(1).find(|p| (**p - tip).length() > 0.5)?;
    let dir = (tip - *from).normalized();
    let length = (width_pt * 4.5).max(9.0);
    let half = length * 0.55;
    let base = tip - dir * length;
    let normal = vec2(-dir.y, dir.x);
    Some(Arrowhead { corners: [tip, base + normal * half, base - normal * half], base: tip - dir * (length * 0.7) })
}

/// The middle of a path, measured along it.
fn line_middle(pts: &[Pos2]) -> Option<Pos2> {
    let total: f32 = pts.windows(2).map(|w| (w[1] - w[0]).length()).sum();
    let mut left = total / 2.0;
    for w in pts.windows(2) {
        let len = (w[1] - w[0]).length();
        if left <= len && len > 0.0 {
            return Some(w[0] + (w[1] - w[0]) * (left / len));
        }
        left -= len;
    }
    pts.first().copied()
}

/// Text on a soft white halo (legible on streets and imagery alike).
fn halo_text(painter: &Painter, at: Pos2, align: Align2, text: &str, size_pt: f32, color: Color32) {
    let galley = painter.layout_no_wrap(text.to_owned(), FontId::proportional(size_pt), color);
    let rect = align.anchor_size(at, galley.size());
    painter.rect_filled(rect.expand(1.5), 2.0, Color32::from_white_alpha(190));
    painter.galley(rect.min, galley, color);
}

/// Where a text box goes: centred at `at`, padded by 1.2 mm around its text. An empty text still
/// gets a box (one line high), so the mark can be seen and picked.
fn text_box_rect(painter: &Painter, at: Pos2, mark: &Mark, sizes: Sizes) -> Rect {
    let text = if mark.label.is_empty() { " " } else { mark.label.as_str() };
    let galley = painter.layout_no_wrap(text.to_owned(), FontId::proportional(sizes.font_pt), Color32::BLACK);
    let pad = 1.2 * sizes.pt_per_mm;
    Rect::from_center_size(at, galley.size() + vec2(2.0 * pad, 2.0 * pad))
}

/// A text box: white under the mark's fill (so the text reads whatever the fill), a border in
/// the mark's colour and width, and the text in that colour.
fn text_box(painter: &Painter, at: Pos2, mark: &Mark, sizes: Sizes) {
    let color = to_color32(mark.style.color, 1.0);
    let rect = text_box_rect(painter, at, mark, sizes);
    let radius = 0.6 * sizes.pt_per_mm;
    painter.rect_filled(rect, radius, Color32::from_white_alpha(235));
    painter.rect_filled(rect, radius, to_color32(mark.style.fill, 1.0));
    let border = Stroke::new(sizes.width_pt, color);
    if mark.style.dashed {
        let r = rect;
        polyline(
            painter,
            vec![r.left_top(), r.right_top(), r.right_bottom(), r.left_bottom(), r.left_top()],
            border,
            true,
        );
    } else {
        painter.rect_stroke(rect, radius, border, egui::StrokeKind::Middle);
    }
    if !mark.label.is_empty() {
        painter.text(rect.center(), Align2::CENTER_CENTER, &mark.label, FontId::proportional(sizes.font_pt), color);
    }
}

/// The point of `rect`'s outline nearest to `p` (`p` itself when inside).
fn nearest_on_rect(rect: Rect, p: Pos2) -> Pos2 {
    rect.clamp(p)
}

/// The distance from `p` to a path of screen points (infinite for no points).
fn distance_to_path(pts: &[Pos2], p: Pos2) -> f32 {
    if let [only] = pts {
        return (*only - p).length();
    }
    pts.windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let ab = b - a;
            let t = if ab.length_sq() > 0.0 { ((p - a).dot(ab) / ab.length_sq()).clamp(0.0, 1.0) } else { 0.0 };
            (a + ab * t - p).length()
        })
        .fold(f32::INFINITY, f32::min)
}

/// Whether `p` is inside the ring (even-odd rule).
fn inside(ring: &[Pos2], p: Pos2) -> bool {
    let mut inside = false;
    let n = ring.len();
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + n - 1) % n]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
    }
    inside
}

/// A filled polygon through screen points; earcut, so a concave outline fills correctly (egui's
/// own polygon fill is for convex shapes only).
pub fn fill_mesh(pts: &[Pos2], color: Color32) -> Shape {
    let ring: Vec<(f64, f64)> = pts.iter().map(|p| (f64::from(p.x), f64::from(p.y))).collect();
    let raw = geo::Polygon::new(ring.into(), vec![]).earcut_triangles_raw();
    let mut mesh = Mesh::default();
    for v in &raw.vertices {
        mesh.colored_vertex(Pos2::new(v[0] as f32, v[1] as f32), color);
    }
    mesh.indices.extend(raw.triangle_indices.iter().filter_map(|&i| u32::try_from(i).ok()));
    Shape::mesh(mesh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_inside_a_concave_ring_and_one_in_its_notch() {
        let notch =
            [Pos2::new(0.0, 0.0), Pos2::new(2.0, 0.0), Pos2::new(1.0, 1.0), Pos2::new(2.0, 2.0), Pos2::new(0.0, 2.0)];
        assert!(inside(&notch, Pos2::new(0.5, 1.0)));
        assert!(!inside(&notch, Pos2::new(1.8, 1.0)));
    }

    #[test]
    fn distance_to_a_path_is_to_its_nearest_segment() {
        let path = [Pos2::new(0.0, 0.0), Pos2::new(10.0, 0.0), Pos2::new(10.0, 10.0)];
        assert!((distance_to_path(&path, Pos2::new(5.0, 3.0)) - 3.0).abs() < 1e-5);
        assert!((distance_to_path(&path, Pos2::new(12.0, 5.0)) - 2.0).abs() < 1e-5);
        assert!((distance_to_path(&path, Pos2::new(-4.0, 3.0)) - 5.0).abs() < 1e-5);
    }

    #[test]
    fn the_arrowhead_points_along_the_last_segment() {
        let head = arrowhead(&[Pos2::new(0.0, 0.0), Pos2::new(100.0, 0.0)], 2.0).unwrap_or_else(|| panic!("no head"));
        assert_eq!(head.corners[0], Pos2::new(100.0, 0.0));
        assert!(head.corners[1].x < 100.0 && head.corners[2].x < 100.0);
        assert!((head.corners[1].y + head.corners[2].y).abs() < 1e-4);
        assert!(head.base.x < 100.0 && head.base.x > head.corners[1].x);
    }
}
