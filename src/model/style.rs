//! How a layer is drawn: plain data (no egui), saved in workspaces.

use serde::{Deserialize, Serialize};

/// An sRGB colour with straight (not premultiplied) alpha.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self([r, g, b, 255])
    }
    /// A colour with alpha.
    pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Self {
        Self([r, g, b, a])
    }
    /// The same colour with its alpha multiplied by `factor` (0–1).
    pub fn faded(self, factor: f32) -> Self {
        let [r, g, b, a] = self.0;
        Self([r, g, b, (a as f32 * factor.clamp(0.0, 1.0)).round() as u8])
    }
}

/// The style of one layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Style {
    /// Polygon fill.
    pub fill: Rgba,
    /// Outline and line colour.
    pub stroke: Rgba,
    /// Outline and line width, in screen points.
    pub stroke_width_pt: f32,
    /// Point symbol radius, in screen points.
    pub point_radius_pt: f32,
    /// Whole-layer opacity (0–1), applied on top of the colours' own alpha.
    pub opacity: f32,
    /// Whether labels are drawn.
    pub labels: bool,
    /// The property used as label text (`name` by default).
    pub label_field: String,
    /// Labels are hidden below this zoom level (so dense layers do not clutter the overview).
    pub label_min_zoom: f32,
    /// Dashed lines (used for the railway and for boundaries).
    pub dashed: bool,
    /// Labels of layers with a higher priority are placed first when labels compete for room.
    pub label_priority: f32,
}

impl Default for Style {
    fn default() -> Self {
        Self {
            fill: Rgba::rgba(66, 133, 244, 70),
            stroke: Rgba::rgb(25, 90, 200),
            stroke_width_pt: 1.5,
            point_radius_pt: 4.0,
            opacity: 1.0,
            labels: true,
            label_field: "name".to_owned(),
            label_min_zoom: 0.0,
            dashed: false,
            label_priority: 5.0,
        }
    }
}

impl Style {
    /// A distinct style for the `n`-th loaded layer: colours far apart on the hue circle, with a
    /// dark outline that reads on light tiles and a translucent fill that lets dark tiles through.
    pub fn distinct(n: usize) -> Self {
        const PALETTE: [[u8; 3]; 8] = [
            [230, 85, 13],
            [49, 130, 189],
            [49, 163, 84],
            [117, 107, 177],
            [214, 39, 40],
            [140, 86, 75],
            [227, 119, 194],
            [23, 190, 207],
        ];
        let [r, g, b] = PALETTE[n % PALETTE.len()];
        Self { fill: Rgba::rgba(r, g, b, 64), stroke: Rgba::rgb(r, g, b), ..Self::default() }
    }
}
