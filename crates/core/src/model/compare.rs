//! 对比分析: what a comparison shows. Two to four linked map views side by side (分屏), or one
//! map whose layers are split by a divider the planner drags (卷帘). Saved in workspaces and
//! slides, so a briefing can show the 2017 plan beside the 2020 one.

use serde::{Deserialize, Serialize};

/// The most views side by side: four still leave each view a usable map on a 1280×800 screen.
pub const MAX_VIEWS: usize = 4;

/// How the views are laid out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareMode {
    /// 分屏: the views side by side (two in a row, three or four in a grid).
    #[default]
    Split,
    /// 卷帘: one map; the first view's layers left of (or above) the divider, the second's right
    /// of (or below) it.
    Swipe,
}

/// One side of a comparison: its title, layers and basemap.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CompareView {
    /// The caption over the view (e.g. `2017 版`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// The layers it shows, by key, bottom first; None: those visible in the layer panel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<String>>,
    /// Its basemap as on the command line (`osm`, `none`, …); None: the main map's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basemap: Option<String>,
}

impl CompareView {
    /// A view titled `title` showing `layers`.
    pub fn of(title: &str, layers: &[&str]) -> Self {
        Self { title: title.to_owned(), layers: Some(layers.iter().map(|s| (*s).to_owned()).collect()), basemap: None }
    }

    /// Whether the view shows the layer (`visible_in_panel`: its tick in the layer panel).
    pub fn shows(&self, key: &str, visible_in_panel: bool) -> bool {
        match &self.layers {
            Some(keys) => keys.iter().any(|k| k == key),
            None => visible_in_panel,
        }
    }
}

/// A comparison: the views, how they are laid out, and whether they move together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Compare {
    /// Split views or swipe.
    #[serde(default)]
    pub mode: CompareMode,
    /// Two to [`MAX_VIEWS`] views (a swipe uses the first two).
    pub views: Vec<CompareView>,
    /// Panning or zooming one view moves the others to the same centre and zoom.
    #[serde(default = "yes")]
    pub linked: bool,
    /// Where the swipe's divider is, as a fraction of the map's width (or height), 0–1.
    #[serde(default = "half")]
    pub swipe_position: f32,
    /// The swipe's divider is horizontal: the first view above, the second below.
    #[serde(default)]
    pub swipe_horizontal: bool,
}

fn yes() -> bool {
    true
}

fn half() -> f32 {
    0.5
}

impl Default for Compare {
    fn default() -> Self {
        Self {
            mode: CompareMode::Split,
            views: vec![CompareView::default(), CompareView::default()],
            linked: true,
            swipe_position: 0.5,
            swipe_horizontal: false,
        }
    }
}

impl Compare {
    /// The same comparison with its numbers made usable: 2 to [`MAX_VIEWS`] views (missing ones
    /// follow the layer panel), the divider inside the map. Files edited by hand or written by a
    /// future version stay readable.
    pub fn normalized(mut self) -> Self {
        self.views.truncate(MAX_VIEWS);
        while self.views.len() < 2 {
            self.views.push(CompareView::default());
        }
        self.swipe_position = if self.swipe_position.is_finite() { self.swipe_position.clamp(0.0, 1.0) } else { 0.5 };
        self
    }

    /// Rows and columns of the split layout: 2 side by side, 3 in a row, 4 in a 2×2 grid.
    pub fn grid(&self) -> (usize, usize) {
        match self.views.len() {
            0..=2 => (1, 2),
            3 => (1, 3),
            _ => (2, 2),
        }
    }

    /// In a swipe, which side a layer is drawn on: both (a layer of both views, such as the
    /// district outline), the first view's only, the second's only, or neither. A view without
    /// its own list shows what the layer panel ticks (`visible_in_panel`).
    pub fn swipe_side(&self, key: &str, visible_in_panel: bool) -> SwipeSide {
        let first = self.views.first().is_some_and(|v| v.shows(key, visible_in_panel));
        let second = self.views.get(1).is_some_and(|v| v.shows(key, visible_in_panel));
        match (first, second) {
            (true, true) => SwipeSide::Both,
            (true, false) => SwipeSide::First,
            (false, true) => SwipeSide::Second,
            (false, false) => SwipeSide::Hidden,
        }
    }
}

/// Where a swipe draws a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwipeSide {
    /// Across the whole map.
    Both,
    /// Left of (or above) the divider.
    First,
    /// Right of (or below) the divider.
    Second,
    /// Not at all.
    Hidden,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_keeps_two_to_four_views_and_the_divider_inside() {
        let c = Compare { views: vec![], swipe_position: f32::NAN, ..Default::default() }.normalized();
        assert_eq!(c.views.len(), 2);
        assert_eq!(c.swipe_position, 0.5);
        let c =
            Compare { views: vec![CompareView::default(); 6], swipe_position: 3.0, ..Default::default() }.normalized();
        assert_eq!(c.views.len(), 4);
        assert_eq!(c.swipe_position, 1.0);
        assert_eq!(c.grid(), (2, 2));
    }

    #[test]
    fn swipe_sides_follow_the_views_and_the_panel() {
        let c = Compare {
            mode: CompareMode::Swipe,
            views: vec![
                CompareView::of("2017", &["plan2017", "roads"]),
                CompareView::of("2020", &["plan2020", "roads"]),
            ],
            ..Default::default()
        };
        assert_eq!(c.swipe_side("plan2017", false), SwipeSide::First);
        assert_eq!(c.swipe_side("plan2020", true), SwipeSide::Second);
        assert_eq!(c.swipe_side("roads", false), SwipeSide::Both);
        assert_eq!(c.swipe_side("outline", true), SwipeSide::Hidden, "named by neither view");
        // Imagery against the plan: nothing on the left (the basemap alone), the plan on the right.
        let c = Compare {
            mode: CompareMode::Swipe,
            views: vec![CompareView::of("影像", &[]), CompareView::of("规划", &["plan2020"])],
            ..Default::default()
        };
        assert_eq!(c.swipe_side("plan2020", true), SwipeSide::Second);
        // A view without its own list follows the layer panel.
        let c = Compare { views: vec![CompareView::default(), CompareView::of("2020", &["plan2020"])], ..c };
        assert_eq!(c.swipe_side("outline", true), SwipeSide::First);
        assert_eq!(c.swipe_side("outline", false), SwipeSide::Hidden);
        assert_eq!(c.swipe_side("plan2020", false), SwipeSide::Second);
    }

    #[test]
    fn reads_a_hand_written_comparison_with_defaults() {
        let c: Compare =
            serde_json::from_str(r#"{"views":[{"title":"2017","layers":["a"]},{}]}"#).unwrap_or_else(|e| panic!("{e}"));
        assert!(c.linked);
        assert_eq!(c.mode, CompareMode::Split);
        assert_eq!(c.swipe_position, 0.5);
        assert_eq!(c.views[1].layers, None);
        assert!(c.views[1].shows("x", true));
        assert!(!c.views[0].shows("x", true));
    }
}
