//! The planner's own marks (标注): points, lines and arrows, polygons, text boxes and call-outs
//! drawn on the map, kept as one "marks" layer in the workspace. Plain data: sizes are in paper
//! units (millimetres and typographic points) so a print is as legible as the screen, where one
//! millimetre is drawn as 96/25.4 screen points (the CSS reference pixel).

use serde::{Deserialize, Serialize};

use super::Rgba;

/// Screen points per millimetre: the CSS reference pixel, 1/96 inch.
pub const SCREEN_PT_PER_MM: f32 = 96.0 / 25.4;

/// The marks layer: every mark of a workspace, drawn above the data layers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Marks {
    /// The marks, drawn in this order (last on top).
    pub marks: Vec<Mark>,
    /// Whether the layer is hidden.
    #[serde(skip_serializing_if = "is_false")]
    pub hidden: bool,
}

impl Marks {
    /// No marks and not hidden: nothing to save.
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty() && !self.hidden
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One mark.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    /// Stable id within the layer (for selection and editing).
    pub id: u64,
    /// Where it is, in WGS84 longitude/latitude.
    pub geometry: MarkGeometry,
    /// Its text: the point's label, the text box's or call-out's text, a line's or polygon's
    /// name (may be empty).
    #[serde(default)]
    pub label: String,
    /// How it looks.
    #[serde(default)]
    pub style: MarkStyle,
    /// The group it belongs to (e.g. "方案一"); empty for none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
}

/// The shape of a mark, in WGS84 `[lon, lat]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MarkGeometry {
    /// A point with a symbol and its label beside it.
    Point {
        /// Where.
        lon_lat: [f64; 2],
        /// The symbol.
        #[serde(default)]
        symbol: MarkSymbol,
    },
    /// A line through two or more points, with an arrowhead at its end when `arrow`.
    Line {
        /// The vertices.
        points: Vec<[f64; 2]>,
        /// An arrowhead at the last point.
        #[serde(default)]
        arrow: bool,
    },
    /// A polygon (the ring is closed implicitly; at least three points).
    Polygon {
        /// The vertices of the outer ring.
        ring: Vec<[f64; 2]>,
    },
    /// A text box anchored at its centre.
    Text {
        /// Where.
        lon_lat: [f64; 2],
    },
    /// A text box with a leader line to the place it points at.
    Callout {
        /// The place pointed at.
        anchor_lon_lat: [f64; 2],
        /// The centre of the text box.
        text_lon_lat: [f64; 2],
    },
}

/// A point mark's symbol.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkSymbol {
    /// A filled circle.
    #[default]
    Circle,
    /// A filled square.
    Square,
    /// A filled triangle, point up.
    Triangle,
    /// A five-pointed star.
    Star,
}

/// How a mark looks, in paper units.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MarkStyle {
    /// Line, outline, symbol and text colour.
    pub color: Rgba,
    /// Polygon and text-box fill.
    pub fill: Rgba,
    /// Line and outline width, millimetres.
    pub width_mm: f32,
    /// Point symbol size (diameter), millimetres.
    pub symbol_mm: f32,
    /// Text size, typographic points.
    pub text_pt: f32,
    /// Dashed lines and outlines.
    pub dashed: bool,
}

impl Default for MarkStyle {
    fn default() -> Self {
        Self {
            color: Rgba::rgb(214, 39, 40),
            fill: Rgba::rgba(214, 39, 40, 40),
            width_mm: 0.6,
            symbol_mm: 3.0,
            text_pt: 10.0,
            dashed: false,
        }
    }
}
