//! The map legend: one row per visible layer, with its classes beneath when it is classified.

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Stroke, StrokeKind, vec2};

use super::to_color32;
use crate::model::{GeometryKind, Layer};

/// One legend row.
#[derive(Clone, Debug)]
pub struct LegendRow {
    /// Text.
    pub label: String,
    /// Swatch shape.
    pub kind: GeometryKind,
    /// Fill.
    pub fill: Color32,
    /// Outline or line colour.
    pub stroke: Color32,
    /// Indented (a class of the layer above).
    pub indent: bool,
}

/// The rows for the layers shown (the caller knows which: the panel's ticks, a split view's own
/// list), top layer first.
pub fn legend_rows<'a>(layers: impl DoubleEndedIterator<Item = &'a Layer>, english: bool) -> Vec<LegendRow> {
    let mut rows = Vec::new();
    for l in layers.rev().filter(|l| !l.features.is_empty()) {
        let s = &l.style;
        let kind = l.legend_kind();
        rows.push(LegendRow {
            label: l.name(english).to_owned(),
            kind,
            fill: to_color32(s.fill, 1.0),
            stroke: to_color32(s.stroke, 1.0),
            indent: false,
        });
        for (label, c) in s.classification.legend().into_iter().take(8) {
            let fill = to_color32(c.faded(0.55), 1.0);
            let stroke = if kind == GeometryKind::Polygon { to_color32(s.stroke, 1.0) } else { to_color32(c, 1.0) };
            rows.push(LegendRow { label, kind, fill, stroke, indent: true });
        }
    }
    rows
}

/// The legend's width and height in points (zero without rows).
pub fn legend_size(painter: &Painter, rows: &[LegendRow], font_size: f32) -> egui::Vec2 {
    if rows.is_empty() {
        return egui::Vec2::ZERO;
    }
    let font = FontId::proportional(font_size);
    let width = rows
        .iter()
        .map(|r| {
            painter.layout_no_wrap(r.label.clone(), font.clone(), Color32::WHITE).size().x
                + if r.indent { 44.0 } else { 30.0 }
        })
        .fold(0.0f32, f32::max)
        + 12.0;
    vec2(width, rows.len() as f32 * (font_size + 6.0) + 10.0)
}

/// Paint the legend with its bottom-left corner at `anchor`; returns the rectangle used.
pub fn paint_legend(painter: &Painter, anchor: Pos2, rows: &[LegendRow], font_size: f32, dark: bool) -> Rect {
    if rows.is_empty() {
        return Rect::from_min_max(anchor, anchor);
    }
    let row_h = font_size + 6.0;
    let font = FontId::proportional(font_size);
    let text_color = if dark { Color32::WHITE } else { Color32::from_rgb(25, 25, 25) };
    let size = legend_size(painter, rows, font_size);
    let rect = Rect::from_min_size(anchor - vec2(0.0, size.y), size);
    painter.rect_filled(rect, 4.0, if dark { Color32::from_black_alpha(190) } else { Color32::from_white_alpha(225) });
    painter.rect_stroke(rect, 4.0, Stroke::new(1.0, Color32::from_gray(150)), StrokeKind::Inside);
    for (i, r) in rows.iter().enumerate() {
        let y = rect.top() + 5.0 + row_h * (i as f32 + 0.5);
        let x = rect.left() + 8.0 + if r.indent { 14.0 } else { 0.0 };
        let sw = Rect::from_center_size(Pos2::new(x + 8.0, y), vec2(16.0, font_size * 0.8));
        match r.kind {
            GeometryKind::Line => {
                painter.line_segment([sw.left_center(), sw.right_center()], Stroke::new(3.0, r.stroke));
            }
            GeometryKind::Point => {
                painter.circle(sw.center(), font_size * 0.3, r.stroke, Stroke::new(1.0, Color32::WHITE));
            }
            _ => {
                painter.rect_filled(sw, 2.0, r.fill);
                painter.rect_stroke(sw, 2.0, Stroke::new(1.5, r.stroke), StrokeKind::Inside);
            }
        }
        painter.text(Pos2::new(x + 22.0, y), Align2::LEFT_CENTER, &r.label, font.clone(), text_color);
    }
    rect
}
