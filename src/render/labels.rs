//! Label placement: most important first, and never on top of one already placed.

use egui::{Color32, FontId, Painter, Pos2, Rect, vec2};

/// How many label candidates are laid out per frame, most important first.
pub const MAX_LABEL_CANDIDATES: usize = 600;

/// A label that wants a place on the map.
#[derive(Clone, Debug)]
pub struct LabelCandidate {
    /// The text.
    pub text: String,
    /// The anchor on screen (centre for areas and lines, the symbol for points).
    pub at: Pos2,
    /// Higher is placed first.
    pub priority: f64,
    /// Points put their label beside the symbol rather than centred on it.
    pub is_point: bool,
}

/// Place labels greedily by priority, skipping any that would overlap a placed one or fall off
/// the map; returns how many were placed.
pub fn place_labels(painter: &Painter, mut candidates: Vec<LabelCandidate>, font_size: f32, dark_text: bool) -> usize {
    candidates.sort_by(|a, b| b.priority.total_cmp(&a.priority));
    // Text layout is the costly part: a screen holds a few hundred readable labels at most, so
    // only the most important candidates are tried.
    candidates.truncate(MAX_LABEL_CANDIDATES);
    let clip = painter.clip_rect();
    let mut placed: Vec<Rect> = Vec::new();
    let (text_color, halo_color) = if dark_text {
        (Color32::from_rgb(20, 20, 20), Color32::from_white_alpha(220))
    } else {
        (Color32::WHITE, Color32::from_black_alpha(200))
    };
    for c in candidates {
        let font = FontId::proportional(if c.is_point { font_size * 0.9 } else { font_size });
        let galley = painter.layout_no_wrap(c.text.clone(), font, text_color);
        let size = galley.size();
        let rect = if c.is_point {
            Rect::from_min_size(c.at + vec2(7.0, -size.y / 2.0), size)
        } else {
            Rect::from_center_size(c.at, size)
        };
        if !clip.contains_rect(rect) {
            continue;
        }
        let padded = rect.expand(3.0);
        if placed.iter().any(|r| r.intersects(padded)) {
            continue;
        }
        placed.push(padded);
        // A soft halo rectangle behind the text: legible on light streets and dark imagery alike.
        painter.rect_filled(rect.expand(1.5), 3.0, halo_color.gamma_multiply(0.75));
        painter.galley(rect.min, galley, text_color);
    }
    placed.len()
}
