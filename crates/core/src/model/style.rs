//! How a layer is drawn: plain data (no egui), saved in workspaces.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Feature;

/// An sRGB colour with straight (not premultiplied) alpha.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self([r, g, b, 255])
    }
    /// A colour with alpha.
    #[allow(clippy::self_named_constructors)] // reads as the CSS rgba() planners know
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
    /// Colours by a property (categories or graduated classes), on top of `fill`/`stroke`.
    pub classification: Classification,
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
            classification: Classification::Single,
        }
    }
}

impl Style {
    /// Bring numbers read from a file into ranges the renderer can draw: a hand-edited or damaged
    /// workspace may hold `1e39` (infinite as f32), negative widths or an opacity of 7. Non-finite
    /// values fall back to the default.
    pub fn sanitize(&mut self) {
        let d = Style::default();
        let fix = |x: f32, lo: f32, hi: f32, default: f32| if x.is_finite() { x.clamp(lo, hi) } else { default };
        self.stroke_width_pt = fix(self.stroke_width_pt, 0.0, 50.0, d.stroke_width_pt);
        self.point_radius_pt = fix(self.point_radius_pt, 0.0, 100.0, d.point_radius_pt);
        self.opacity = fix(self.opacity, 0.0, 1.0, d.opacity);
        self.label_min_zoom = fix(self.label_min_zoom, 0.0, 30.0, d.label_min_zoom);
        self.label_priority = fix(self.label_priority, -1.0e6, 1.0e6, d.label_priority);
        if let Classification::Graduated { breaks, .. } = &mut self.classification {
            breaks.retain(|b| b.is_finite());
        }
    }

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

/// Colouring features by one of their properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum Classification {
    /// One colour for the whole layer.
    #[default]
    Single,
    /// A colour per distinct value (text or number).
    Categorized {
        /// The property.
        field: String,
        /// Value → colour, in legend order. Values beyond the palette share the last colour.
        classes: Vec<(String, Rgba)>,
    },
    /// Colour ramps over numeric classes.
    Graduated {
        /// The property.
        field: String,
        /// Upper bounds of the classes (ascending); the last class takes everything above.
        breaks: Vec<f64>,
        /// One colour per class.
        colors: Vec<Rgba>,
    },
}

/// Twelve qualitative colours (ColorBrewer Set3/Paired-like, readable on light and dark).
const QUALITATIVE: [[u8; 3]; 12] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [127, 127, 127],
    [188, 189, 34],
    [23, 190, 207],
    [174, 199, 232],
    [255, 187, 120],
];

/// A yellow-to-red sequential ramp for graduated classes.
const SEQUENTIAL: [[u8; 3]; 5] = [[255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38]];

/// The text form of a property value used as a category.
fn category_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".to_owned(),
        other => other.to_string(),
    }
}

impl Classification {
    /// Categories from the distinct values of `field`, most frequent first (at most 12 colours).
    pub fn categorized(features: &[Feature], field: &str) -> Self {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for f in features {
            let v = category_text(f.properties.get(field).unwrap_or(&Value::Null));
            match counts.iter_mut().find(|(k, _)| *k == v) {
                Some((_, n)) => *n += 1,
                None => counts.push((v, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let classes = counts
            .into_iter()
            .enumerate()
            .map(|(i, (v, _))| {
                let [r, g, b] = QUALITATIVE[i.min(QUALITATIVE.len() - 1)];
                (v, Rgba::rgb(r, g, b))
            })
            .collect();
        Classification::Categorized { field: field.to_owned(), classes }
    }

    /// `n` (≤ 5) quantile classes of the numeric values of `field`.
    pub fn graduated(features: &[Feature], field: &str, n: usize) -> Self {
        let mut values: Vec<f64> =
            features.iter().filter_map(|f| f.prop_f64(field)).filter(|x| x.is_finite()).collect();
        values.sort_by(f64::total_cmp);
        let n = n.clamp(1, SEQUENTIAL.len());
        let mut breaks: Vec<f64> =
            (1..=n).filter_map(|k| values.get(((values.len() * k) / n).saturating_sub(1)).copied()).collect();
        breaks.dedup();
        let colors = (0..breaks.len()).map(|i| {
            let idx =
                if breaks.len() <= 1 { SEQUENTIAL.len() - 1 } else { i * (SEQUENTIAL.len() - 1) / (breaks.len() - 1) };
            let [r, g, b] = SEQUENTIAL[idx];
            Rgba::rgb(r, g, b)
        });
        Classification::Graduated { field: field.to_owned(), colors: colors.collect(), breaks }
    }

    /// The colour of a feature, or `None` to use the layer's own colours.
    pub fn color_for(&self, f: &Feature) -> Option<Rgba> {
        match self {
            Classification::Single => None,
            Classification::Categorized { field, classes } => {
                let v = category_text(f.properties.get(field).unwrap_or(&Value::Null));
                classes.iter().find(|(k, _)| *k == v).or(classes.last()).map(|(_, c)| *c)
            }
            Classification::Graduated { field, breaks, colors } => {
                let x = f.prop_f64(field)?;
                let i = breaks.iter().position(|b| x <= *b).unwrap_or(breaks.len().saturating_sub(1));
                colors.get(i).copied()
            }
        }
    }

    /// Legend entries: label and colour.
    pub fn legend(&self) -> Vec<(String, Rgba)> {
        match self {
            Classification::Single => Vec::new(),
            Classification::Categorized { classes, .. } => classes.clone(),
            Classification::Graduated { breaks, colors, .. } => {
                let mut lower: Option<f64> = None;
                breaks
                    .iter()
                    .zip(colors)
                    .map(|(b, c)| {
                        let label = match lower {
                            None => format!("≤ {}", trim_number(*b)),
                            Some(l) => format!("{} – {}", trim_number(l), trim_number(*b)),
                        };
                        lower = Some(*b);
                        (label, *c)
                    })
                    .collect()
            }
        }
    }

    /// The property it classifies by.
    pub fn field(&self) -> Option<&str> {
        match self {
            Classification::Single => None,
            Classification::Categorized { field, .. } | Classification::Graduated { field, .. } => Some(field),
        }
    }
}

fn trim_number(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    fn f(props: Value) -> Feature {
        let map: Map<String, Value> = props.as_object().cloned().unwrap_or_default();
        Feature::new(None, None, map)
    }

    #[test]
    fn sanitize_brings_numbers_into_drawable_ranges() {
        let mut s = Style {
            stroke_width_pt: f32::INFINITY,
            point_radius_pt: -3.0,
            opacity: 7.0,
            label_min_zoom: f32::NAN,
            ..Style::default()
        };
        s.sanitize();
        assert_eq!(s.stroke_width_pt, Style::default().stroke_width_pt);
        assert_eq!(s.point_radius_pt, 0.0);
        assert_eq!(s.opacity, 1.0);
        assert_eq!(s.label_min_zoom, 0.0);
        let mut ok = Style::distinct(3);
        ok.sanitize();
        assert_eq!(ok, Style::distinct(3), "sane styles are left alone");
    }

    #[test]
    fn categorized_colours_by_value_most_frequent_first() {
        let fs = vec![f(json!({"status":"在建"})), f(json!({"status":"规划"})), f(json!({"status":"规划"}))];
        let c = Classification::categorized(&fs, "status");
        let legend = c.legend();
        assert_eq!(legend[0].0, "规划");
        assert_eq!(legend.len(), 2);
        assert_ne!(c.color_for(&fs[0]), c.color_for(&fs[1]));
        assert_eq!(c.color_for(&fs[1]), c.color_for(&fs[2]));
    }

    #[test]
    fn graduated_classes_order_values() {
        let fs: Vec<Feature> = (1..=10).map(|i| f(json!({"households": i * 1000}))).collect();
        let c = Classification::graduated(&fs, "households", 5);
        let Classification::Graduated { breaks, colors, .. } = &c else { panic!("not graduated") };
        assert_eq!(breaks, &vec![2000.0, 4000.0, 6000.0, 8000.0, 10000.0]);
        assert_eq!(colors.len(), 5);
        assert_eq!(c.color_for(&fs[0]), Some(colors[0]));
        assert_eq!(c.color_for(&fs[9]), Some(colors[4]));
        assert_eq!(c.color_for(&f(json!({"households": "n/a"}))), None);
        assert_eq!(c.legend()[1].0, "2000 – 4000");
    }
}
