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

/// The most of the map labels may cover, as a share of its area. At street zooms every block
/// and facility has a name; past this the map is text, not a map, so the less important go.
pub const LABEL_AREA_BUDGET: f32 = 0.18;

/// Place labels greedily by priority, skipping any that would overlap a placed one, a
/// `keep_out` rectangle (the life circle's ring labels and centre) or fall off the map, until
/// they cover [`LABEL_AREA_BUDGET`] of it; returns how many were placed.
pub fn place_labels(
    painter: &Painter,
    mut candidates: Vec<LabelCandidate>,
    font_size: f32,
    dark_text: bool,
    keep_out: &[Rect],
) -> usize {
    candidates.sort_by(|a, b| b.priority.total_cmp(&a.priority));
    // Text layout is the costly part: a screen holds a few hundred readable labels at most, so
    // only the most important candidates are tried.
    candidates.truncate(MAX_LABEL_CANDIDATES);
    let clip = painter.clip_rect();
    let budget = clip.area() * LABEL_AREA_BUDGET;
    let mut covered = 0.0;
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
        if placed.iter().chain(keep_out).any(|r| r.intersects(padded)) {
            continue;
        }
        if covered + padded.area() > budget {
            break;
        }
        covered += padded.area();
        placed.push(padded);
        // A soft halo rectangle behind the text: legible on light streets and dark imagery alike.
        painter.rect_filled(rect.expand(1.5), 3.0, halo_color.gamma_multiply(0.75));
        painter.galley(rect.min, galley, text_color);
    }
    placed.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Place `n` candidates spread over a 400×300 map; how many were placed.
    fn place(n: usize, keep_out: &[Rect]) -> usize {
        let ctx = egui::Context::default();
        let mut out = 0;
        let _ = ctx.run_ui(egui::RawInput::default(), |ui| {
            let clip = Rect::from_min_size(egui::pos2(0.0, 0.0), vec2(400.0, 300.0));
            let painter = ui.painter().with_clip_rect(clip);
            let candidates = (0..n)
                .map(|i| LabelCandidate {
                    text: format!("Block {i}"),
                    at: egui::pos2(60.0 + (i * 37 % 280) as f32, 20.0 + (i * 53 % 260) as f32),
                    priority: (n - i) as f64,
                    is_point: false,
                })
                .collect();
            out = place_labels(&painter, candidates, 13.0, true, keep_out);
        });
        out
    }

    #[test]
    fn labels_stop_at_the_area_budget() {
        let few = place(4, &[]);
        assert_eq!(few, 4, "a few labels all fit");
        let many = place(400, &[]);
        // "Block 123" at 13 pt is about 65×18 points with its padding: 18 % of 400×300 holds
        // about 18 of them; without the budget the free space would take some 60.
        assert!((10..=25).contains(&many), "{many} labels placed");
    }

    #[test]
    fn labels_keep_out_of_the_rings_labels() {
        let everything = [Rect::from_min_size(egui::pos2(0.0, 0.0), vec2(400.0, 300.0))];
        let placed = place(50, &everything);
        assert_eq!(placed, 0, "a keep-out over the whole map leaves no room");
    }
}
