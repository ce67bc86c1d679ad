//! The planner's own marks (标注): points, lines and arrows, polygons, text boxes and call-outs
//! drawn on the map, kept as one "marks" layer in the workspace. Plain data: sizes are in paper
//! units (millimetres and typographic points) so a print is as legible as the screen, where one
//! millimetre is drawn as 96/25.4 screen points (the CSS reference pixel).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{BBox, Rgba, bbox_union};
use crate::i18n::Bilingual;

/// Screen points per millimetre: the CSS reference pixel, 1/96 inch.
pub const SCREEN_PT_PER_MM: f32 = 96.0 / 25.4;

/// The step marks placed by hand are rounded to: 1e-9 degrees, about 0.1 mm on the ground.
pub const LON_LAT_STEP_DEG: f64 = 1e-9;

/// A position rounded to [`LON_LAT_STEP_DEG`]. Such a number has at most twelve significant
/// digits, so the JSON text of a workspace or GeoJSON file reads back as exactly the same `f64`
/// (a full-precision double may come back one unit in the last place off).
pub fn round_lon_lat(p: [f64; 2]) -> [f64; 2] {
    // Divided by the exact 1e9 (not times the inexact 1e-9, nor 1/1e-9): the nearest double
    // to k/1e9.
    const STEPS_PER_DEG: f64 = 1e9;
    let round = |x: f64| (x * STEPS_PER_DEG).round() / STEPS_PER_DEG;
    [round(p[0]), round(p[1])]
}

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

    /// How many marks there are.
    pub fn len(&self) -> usize {
        self.marks.len()
    }

    /// An id no mark of the layer has: one more than the largest (1 for the first).
    pub fn next_id(&self) -> u64 {
        self.marks.iter().map(|m| m.id).max().map_or(1, |m| m.saturating_add(1))
    }

    /// Add a mark on top. It keeps its id unless that is 0 or already taken, when it gets
    /// [`Marks::next_id`]. Returns the id it has in the layer.
    pub fn add(&mut self, mut mark: Mark) -> u64 {
        if mark.id == 0 || self.get(mark.id).is_some() {
            mark.id = self.next_id();
        }
        let id = mark.id;
        self.marks.push(mark);
        id
    }

    /// Add every mark of `other` on top (with new ids where theirs are taken); returns how many.
    pub fn extend(&mut self, other: Marks) -> usize {
        let n = other.marks.len();
        for m in other.marks {
            self.add(m);
        }
        n
    }

    /// Remove the mark with this id, returning it.
    pub fn remove(&mut self, id: u64) -> Option<Mark> {
        let i = self.marks.iter().position(|m| m.id == id)?;
        Some(self.marks.remove(i))
    }

    /// The mark with this id.
    pub fn get(&self, id: u64) -> Option<&Mark> {
        self.marks.iter().find(|m| m.id == id)
    }

    /// The mark with this id, to edit.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut Mark> {
        self.marks.iter_mut().find(|m| m.id == id)
    }

    /// The box around every mark's positions (None without marks).
    pub fn bbox(&self) -> Option<BBox> {
        self.marks.iter().fold(None, |acc, m| bbox_union(acc, m.bbox()))
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

impl Mark {
    /// A mark with the default style, no label or group, and id 0 (given one by [`Marks::add`]).
    pub fn new(geometry: MarkGeometry) -> Self {
        Self { id: 0, geometry, label: String::new(), style: MarkStyle::default(), group: String::new() }
    }

    /// The box around its positions (None for a shape with no points).
    pub fn bbox(&self) -> Option<BBox> {
        self.geometry.positions().iter().fold(None, |acc, p| bbox_union(acc, Some([p[0], p[1], p[0], p[1]])))
    }
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

impl MarkGeometry {
    /// The kind's key, as in the workspace and GeoJSON: `point`, `line`, `polygon`, `text`,
    /// `callout`.
    pub fn kind(&self) -> &'static str {
        match self {
            MarkGeometry::Point { .. } => "point",
            MarkGeometry::Line { .. } => "line",
            MarkGeometry::Polygon { .. } => "polygon",
            MarkGeometry::Text { .. } => "text",
            MarkGeometry::Callout { .. } => "callout",
        }
    }

    /// Every position of the shape, in order (a call-out: anchor, then text).
    pub fn positions(&self) -> Vec<[f64; 2]> {
        match self {
            MarkGeometry::Point { lon_lat, .. } | MarkGeometry::Text { lon_lat } => vec![*lon_lat],
            MarkGeometry::Line { points, .. } => points.clone(),
            MarkGeometry::Polygon { ring } => ring.clone(),
            MarkGeometry::Callout { anchor_lon_lat, text_lon_lat } => vec![*anchor_lon_lat, *text_lon_lat],
        }
    }

    /// Move the whole shape by `d_lon_lat` degrees (the positions moved are rounded with
    /// [`round_lon_lat`]).
    pub fn translate(&mut self, d_lon_lat: [f64; 2]) {
        let shift = |p: &mut [f64; 2]| {
            *p = round_lon_lat([p[0] + d_lon_lat[0], p[1] + d_lon_lat[1]]);
        };
        match self {
            MarkGeometry::Point { lon_lat, .. } | MarkGeometry::Text { lon_lat } => shift(lon_lat),
            MarkGeometry::Line { points, .. } => points.iter_mut().for_each(shift),
            MarkGeometry::Polygon { ring } => ring.iter_mut().for_each(shift),
            MarkGeometry::Callout { anchor_lon_lat, text_lon_lat } => {
                shift(anchor_lon_lat);
                shift(text_lon_lat);
            }
        }
    }
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

impl MarkSymbol {
    /// Every symbol, in the order the tool offers them.
    pub const ALL: [MarkSymbol; 4] = [MarkSymbol::Circle, MarkSymbol::Square, MarkSymbol::Triangle, MarkSymbol::Star];

    /// Its key, as in the workspace and GeoJSON.
    pub fn key(self) -> &'static str {
        match self {
            MarkSymbol::Circle => "circle",
            MarkSymbol::Square => "square",
            MarkSymbol::Triangle => "triangle",
            MarkSymbol::Star => "star",
        }
    }

    /// The symbol with this key (None for an unknown one).
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// Its name as (zh, en).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            MarkSymbol::Circle => ("圆", "Circle"),
            MarkSymbol::Square => ("方", "Square"),
            MarkSymbol::Triangle => ("三角", "Triangle"),
            MarkSymbol::Star => ("星", "Star"),
        }
    }
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

// ---- GeoJSON ----

/// Why marks could not be read from GeoJSON. Feature numbers count from 1.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MarksError {
    /// Not JSON at all.
    #[error("not valid JSON: {message} (line {line}, column {column})")]
    Json {
        /// What the parser said.
        message: String,
        /// Line.
        line: usize,
        /// Column.
        column: usize,
    },
    /// JSON, but not a GeoJSON FeatureCollection or Feature.
    #[error("not a GeoJSON FeatureCollection (its \"type\" is {found})")]
    NotFeatureCollection {
        /// The top-level `type` found (or `none`).
        found: String,
    },
    /// A feature without a geometry.
    #[error("feature {feature} has no geometry")]
    NoGeometry {
        /// Which feature (from 1).
        feature: usize,
    },
    /// A geometry type a mark cannot be (a GeometryCollection, or one not in GeoJSON).
    #[error("feature {feature}: a {geometry} cannot be a mark (points, lines and polygons can)")]
    UnsupportedGeometry {
        /// Which feature (from 1).
        feature: usize,
        /// Its geometry type.
        geometry: String,
    },
    /// Coordinates that are not `[longitude, latitude]` numbers within range.
    #[error("feature {feature}: coordinates must be [longitude, latitude] numbers within ±180° and ±90°")]
    BadCoordinates {
        /// Which feature (from 1).
        feature: usize,
    },
    /// A line, call-out or polygon with too few points.
    #[error("feature {feature}: a {kind} needs at least {need} points, it has {found}")]
    TooFewPoints {
        /// Which feature (from 1).
        feature: usize,
        /// The kind of mark (`line`, `polygon`, `callout`).
        kind: &'static str,
        /// How many it needs.
        need: usize,
        /// How many it has.
        found: usize,
    },
}

impl Bilingual for MarksError {
    fn zh(&self) -> String {
        let kind_zh = |k: &str| match k {
            "line" => "线",
            "polygon" => "面",
            "callout" => "引线标注",
            _ => "标注",
        };
        match self {
            MarksError::Json { message, line, column } => {
                format!("不是有效的 JSON：{message}（第 {line} 行，第 {column} 列）")
            }
            MarksError::NotFeatureCollection { found } => {
                format!("不是 GeoJSON 要素集合（FeatureCollection），其 type 为 {found}")
            }
            MarksError::NoGeometry { feature } => format!("第 {feature} 个要素没有几何"),
            MarksError::UnsupportedGeometry { feature, geometry } => {
                format!("第 {feature} 个要素是 {geometry}，不能作为标注（只支持点、线、面）")
            }
            MarksError::BadCoordinates { feature } => {
                format!("第 {feature} 个要素的坐标应为经度、纬度数值，经度在 ±180° 内，纬度在 ±90° 内")
            }
            MarksError::TooFewPoints { feature, kind, need, found } => {
                format!("第 {feature} 个要素：{}至少需要 {need} 个点，只有 {found} 个", kind_zh(kind))
            }
        }
    }
}

/// A colour as `#rrggbb`, or `#rrggbbaa` when not opaque.
fn color_hex(c: Rgba) -> String {
    let [r, g, b, a] = c.0;
    if a == 255 { format!("#{r:02x}{g:02x}{b:02x}") } else { format!("#{r:02x}{g:02x}{b:02x}{a:02x}") }
}

/// `#rgb`, `#rrggbb` or `#rrggbbaa` (the `#` optional).
fn parse_hex(s: &str) -> Option<Rgba> {
    let h = s.trim().trim_start_matches('#');
    if !h.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    match h.len() {
        3 => {
            let nib = |i: usize| u8::from_str_radix(h.get(i..=i)?, 16).ok().map(|v| v * 17);
            Some(Rgba::rgb(nib(0)?, nib(1)?, nib(2)?))
        }
        6 => Some(Rgba::rgb(byte(0)?, byte(2)?, byte(4)?)),
        8 => Some(Rgba::rgba(byte(0)?, byte(2)?, byte(4)?, byte(6)?)),
        _ => None,
    }
}

/// An `f32` as the JSON number it reads as (0.6, not 0.6000000238418579), so it reads back equal.
fn f32_json(x: f32) -> Value {
    x.to_string().parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(Value::Null, Value::Number)
}

fn coords_json(points: &[[f64; 2]]) -> Value {
    Value::Array(points.iter().map(|p| json!([p[0], p[1]])).collect())
}

/// The marks as a GeoJSON FeatureCollection (pretty-printed). Each mark is one feature whose
/// properties say how to draw it: `kind` (`point`, `line`, `polygon`, `text`, `callout`),
/// `label`, `group`, the style (`color`, `fill` as `#rrggbb[aa]`, `width_mm`, `symbol_mm`,
/// `text_pt`, `dashed`), `arrow` for lines and `symbol` for points. Polygons get closed rings;
/// a call-out is a LineString from the anchor to the text.
pub fn to_geojson(marks: &Marks) -> String {
    let features: Vec<Value> = marks
        .marks
        .iter()
        .map(|m| {
            let mut props = Map::new();
            props.insert("kind".into(), json!(m.geometry.kind()));
            props.insert("label".into(), json!(m.label));
            props.insert("group".into(), json!(m.group));
            props.insert("color".into(), json!(color_hex(m.style.color)));
            props.insert("fill".into(), json!(color_hex(m.style.fill)));
            props.insert("width_mm".into(), f32_json(m.style.width_mm));
            props.insert("symbol_mm".into(), f32_json(m.style.symbol_mm));
            props.insert("text_pt".into(), f32_json(m.style.text_pt));
            props.insert("dashed".into(), json!(m.style.dashed));
            let geometry = match &m.geometry {
                MarkGeometry::Point { lon_lat, symbol } => {
                    props.insert("symbol".into(), json!(symbol.key()));
                    json!({"type": "Point", "coordinates": [lon_lat[0], lon_lat[1]]})
                }
                MarkGeometry::Text { lon_lat } => json!({"type": "Point", "coordinates": [lon_lat[0], lon_lat[1]]}),
                MarkGeometry::Line { points, arrow } => {
                    props.insert("arrow".into(), json!(arrow));
                    json!({"type": "LineString", "coordinates": coords_json(points)})
                }
                MarkGeometry::Polygon { ring } => {
                    let mut closed = ring.clone();
                    if let (Some(first), Some(last)) = (ring.first(), ring.last())
                        && first != last
                    {
                        closed.push(*first);
                    }
                    json!({"type": "Polygon", "coordinates": [coords_json(&closed)]})
                }
                MarkGeometry::Callout { anchor_lon_lat, text_lon_lat } => {
                    json!({"type": "LineString", "coordinates": coords_json(&[*anchor_lon_lat, *text_lon_lat])})
                }
            };
            json!({"type": "Feature", "id": m.id, "properties": Value::Object(props), "geometry": geometry})
        })
        .collect();
    format!("{:#}", json!({"type": "FeatureCollection", "features": features}))
}

/// Marks read from GeoJSON: what [`to_geojson`] writes, and GeoJSON from elsewhere (points,
/// lines and polygons, their multi-part forms as one mark per part, `label` or `name` as the
/// label; missing style properties take the defaults). A polygon's closing point and holes are
/// dropped. Ids are kept where they are distinct positive integers, and given afresh otherwise.
pub fn from_geojson(text: &str) -> Result<Marks, MarksError> {
    let root: Value = serde_json::from_str(text).map_err(|e| MarksError::Json {
        message: e.to_string(),
        line: e.line(),
        column: e.column(),
    })?;
    let kind = root.get("type").and_then(Value::as_str).unwrap_or("none");
    let features: Vec<&Value> = match kind {
        "FeatureCollection" => match root.get("features").and_then(Value::as_array) {
            Some(f) => f.iter().collect(),
            None => {
                return Err(MarksError::NotFeatureCollection { found: "FeatureCollection without features".into() });
            }
        },
        "Feature" => vec![&root],
        other => return Err(MarksError::NotFeatureCollection { found: other.to_owned() }),
    };
    let mut marks = Marks::default();
    for (i, f) in features.into_iter().enumerate() {
        for m in feature_marks(f, i + 1)? {
            marks.add(m);
        }
    }
    Ok(marks)
}

/// The marks of one feature (several for a multi-part geometry).
fn feature_marks(f: &Value, feature: usize) -> Result<Vec<Mark>, MarksError> {
    let empty = Map::new();
    let props = f.get("properties").and_then(Value::as_object).unwrap_or(&empty);
    let text = |k: &str| props.get(k).and_then(Value::as_str);
    let number = |k: &str| props.get(k).and_then(Value::as_f64).filter(|x| x.is_finite() && *x >= 0.0);
    let defaults = MarkStyle::default();
    let style = MarkStyle {
        color: text("color").and_then(parse_hex).unwrap_or(defaults.color),
        fill: text("fill").and_then(parse_hex).unwrap_or(defaults.fill),
        width_mm: number("width_mm").map_or(defaults.width_mm, |x| x as f32),
        symbol_mm: number("symbol_mm").map_or(defaults.symbol_mm, |x| x as f32),
        text_pt: number("text_pt").map_or(defaults.text_pt, |x| x as f32),
        dashed: props.get("dashed").and_then(Value::as_bool).unwrap_or(defaults.dashed),
    };
    let label = text("label").or_else(|| text("name")).unwrap_or_default().to_owned();
    let group = text("group").unwrap_or_default().to_owned();
    let kind = text("kind").unwrap_or_default();
    let arrow = props.get("arrow").and_then(Value::as_bool).unwrap_or(false);
    let symbol = text("symbol").and_then(MarkSymbol::from_key).unwrap_or_default();
    let id = f.get("id").and_then(Value::as_u64).unwrap_or(0);
    let geometry = f.get("geometry").filter(|g| !g.is_null()).ok_or(MarksError::NoGeometry { feature })?;
    let gtype = geometry.get("type").and_then(Value::as_str).unwrap_or("none");
    if !["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"].contains(&gtype) {
        return Err(MarksError::UnsupportedGeometry { feature, geometry: gtype.to_owned() });
    }
    let coords = geometry.get("coordinates").ok_or(MarksError::BadCoordinates { feature })?;
    let bad = || MarksError::BadCoordinates { feature };
    let position = |v: &Value| -> Result<[f64; 2], MarksError> {
        let a = v.as_array().filter(|a| a.len() >= 2).ok_or_else(bad)?;
        let (lon, lat) = (a[0].as_f64().ok_or_else(bad)?, a[1].as_f64().ok_or_else(bad)?);
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(bad());
        }
        Ok([lon, lat])
    };
    let positions = |v: &Value| -> Result<Vec<[f64; 2]>, MarksError> {
        v.as_array().ok_or_else(bad)?.iter().map(position).collect()
    };
    let parts = |v: &Value| -> Result<Vec<Value>, MarksError> { Ok(v.as_array().ok_or_else(bad)?.clone()) };
    // Each part as a geometry of the mark's kind.
    let point = |p: [f64; 2]| match kind {
        "text" => MarkGeometry::Text { lon_lat: p },
        _ => MarkGeometry::Point { lon_lat: p, symbol },
    };
    let line = |pts: Vec<[f64; 2]>| -> Result<MarkGeometry, MarksError> {
        if kind == "callout" {
            if pts.len() < 2 {
                return Err(MarksError::TooFewPoints { feature, kind: "callout", need: 2, found: pts.len() });
            }
            let (anchor, text) = (pts[0], pts[pts.len() - 1]);
            return Ok(MarkGeometry::Callout { anchor_lon_lat: anchor, text_lon_lat: text });
        }
        if pts.len() < 2 {
            return Err(MarksError::TooFewPoints { feature, kind: "line", need: 2, found: pts.len() });
        }
        Ok(MarkGeometry::Line { points: pts, arrow })
    };
    let polygon = |rings: &Value| -> Result<MarkGeometry, MarksError> {
        let rings = parts(rings)?;
        let mut ring = match rings.first() {
            Some(r) => positions(r)?,
            None => Vec::new(),
        };
        if ring.len() >= 2 && ring.first() == ring.last() {
            ring.pop();
        }
        if ring.len() < 3 {
            return Err(MarksError::TooFewPoints { feature, kind: "polygon", need: 3, found: ring.len() });
        }
        Ok(MarkGeometry::Polygon { ring })
    };
    let geometries = match gtype {
        "Point" => vec![point(position(coords)?)],
        "MultiPoint" => positions(coords)?.into_iter().map(point).collect(),
        "LineString" => vec![line(positions(coords)?)?],
        "MultiLineString" => parts(coords)?.iter().map(|l| positions(l).and_then(line)).collect::<Result<_, _>>()?,
        "Polygon" => vec![polygon(coords)?],
        "MultiPolygon" => parts(coords)?.iter().map(polygon).collect::<Result<_, _>>()?,
        other => return Err(MarksError::UnsupportedGeometry { feature, geometry: other.to_owned() }),
    };
    let single = geometries.len() == 1;
    Ok(geometries
        .into_iter()
        .map(|geometry| Mark {
            // The parts of a multi-part feature each get an id of their own.
            id: if single { id } else { 0 },
            geometry,
            label: label.clone(),
            style: style.clone(),
            group: group.clone(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Marks {
        let mut marks = Marks::default();
        let mut point = Mark::new(MarkGeometry::Point { lon_lat: [119.15, 36.71], symbol: MarkSymbol::Star });
        point.label = "拟建学校".into();
        point.group = "方案一".into();
        point.style.symbol_mm = 4.5;
        marks.add(point);
        let mut arrow = Mark::new(MarkGeometry::Line { points: vec![[119.1, 36.7], [119.12, 36.72]], arrow: true });
        arrow.style.dashed = true;
        arrow.style.width_mm = 0.35;
        arrow.style.color = Rgba::rgb(0, 90, 200);
        marks.add(arrow);
        let mut area = Mark::new(MarkGeometry::Polygon { ring: vec![[119.1, 36.7], [119.2, 36.7], [119.2, 36.8]] });
        area.style.fill = Rgba::rgba(0, 128, 0, 64);
        area.label = "研究范围".into();
        marks.add(area);
        let mut text = Mark::new(MarkGeometry::Text { lon_lat: [119.3, 36.6] });
        text.label = "说明 \"quoted\"".into();
        text.style.text_pt = 12.5;
        marks.add(text);
        let mut callout =
            Mark::new(MarkGeometry::Callout { anchor_lon_lat: [119.17, 36.69], text_lon_lat: [119.18, 36.7] });
        callout.label = "入口".into();
        marks.add(callout);
        marks
    }

    #[test]
    fn ids_are_fresh_and_marks_are_found_edited_and_removed() {
        let mut marks = sample();
        let ids: Vec<u64> = marks.marks.iter().map(|m| m.id).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5]);
        assert_eq!(marks.next_id(), 6);
        // A taken id is replaced, a free one kept.
        let mut m = Mark::new(MarkGeometry::Text { lon_lat: [0.0, 0.0] });
        m.id = 3;
        assert_eq!(marks.add(m.clone()), 6);
        m.id = 40;
        assert_eq!(marks.add(m), 40);
        if let Some(m) = marks.get_mut(2) {
            m.label = "路线".into();
        }
        assert_eq!(marks.get(2).map(|m| m.label.as_str()), Some("路线"));
        assert!(marks.remove(2).is_some());
        assert!(marks.remove(2).is_none());
        assert!(marks.get(2).is_none());
        assert_eq!(marks.len(), 6);
    }

    #[test]
    fn bbox_covers_every_position() {
        let marks = sample();
        assert_eq!(marks.bbox(), Some([119.1, 36.6, 119.3, 36.8]));
        assert_eq!(Marks::default().bbox(), None);
    }

    #[test]
    fn rounded_positions_read_back_exactly_from_json() {
        for p in [[119.09363758197021, 36.650219556642035], [-0.1234567894, 89.9999999996], [179.9, -45.0]] {
            let r = round_lon_lat(p);
            assert!((r[0] - p[0]).abs() <= LON_LAT_STEP_DEG && (r[1] - p[1]).abs() <= LON_LAT_STEP_DEG);
            // Exactly the double nearest to nine decimals (what a correctly rounding parser gives).
            for i in 0..2 {
                let nine: f64 = format!("{:.9}", p[i]).parse().unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(r[i], nine, "{}", p[i]);
            }
            let text = serde_json::to_string(&r).unwrap_or_else(|e| panic!("{e}"));
            let back: [f64; 2] = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, r, "{text}");
        }
        // A position with fewer decimals is kept as it is.
        assert_eq!(round_lon_lat([119.090012, 36.615981]), [119.090012, 36.615981]);
    }

    #[test]
    fn translate_moves_every_position() {
        let mut g = MarkGeometry::Callout { anchor_lon_lat: [1.0, 2.0], text_lon_lat: [3.0, 4.0] };
        g.translate([0.5, -1.0]);
        assert_eq!(g.positions(), vec![[1.5, 1.0], [3.5, 3.0]]);
    }

    #[test]
    fn geojson_round_trip_keeps_every_mark() {
        let marks = sample();
        let text = to_geojson(&marks);
        let back = from_geojson(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, marks);
    }

    #[test]
    fn geojson_has_the_documented_shape() {
        let text = to_geojson(&sample());
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(v["type"], "FeatureCollection");
        let f = &v["features"];
        assert_eq!(f[0]["properties"]["kind"], "point");
        assert_eq!(f[0]["properties"]["symbol"], "star");
        assert_eq!(f[0]["properties"]["label"], "拟建学校");
        assert_eq!(f[0]["properties"]["group"], "方案一");
        assert_eq!(f[0]["properties"]["symbol_mm"], 4.5);
        assert_eq!(f[1]["properties"]["arrow"], true);
        assert_eq!(f[1]["properties"]["dashed"], true);
        assert_eq!(f[1]["properties"]["width_mm"], 0.35);
        assert_eq!(f[1]["properties"]["color"], "#005ac8");
        // The polygon's ring is closed.
        let ring = f[2]["geometry"]["coordinates"][0].as_array().cloned().unwrap_or_default();
        assert_eq!(ring.len(), 4);
        assert_eq!(ring.first(), ring.last());
        assert_eq!(f[2]["properties"]["fill"], "#00800040");
        assert_eq!(f[3]["geometry"]["type"], "Point");
        assert_eq!(f[3]["properties"]["kind"], "text");
        assert_eq!(f[4]["geometry"]["type"], "LineString");
        assert_eq!(f[4]["properties"]["kind"], "callout");
        assert_eq!(f[4]["geometry"]["coordinates"][0], json!([119.17, 36.69]));
    }

    #[test]
    fn foreign_geojson_reads_with_defaults_and_parts() {
        let text = r##"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"name":"甲"},"geometry":{"type":"Point","coordinates":[119.1,36.7]}},
            {"type":"Feature","properties":null,"geometry":{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[5,6],[7,8]]]}},
            {"type":"Feature","properties":{"color":"#0f0"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0.1,0.1],[0.2,0.1],[0.2,0.2]]]}}
        ]}"##;
        let marks = from_geojson(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(marks.len(), 4);
        assert_eq!(marks.marks[0].label, "甲");
        assert_eq!(marks.marks[0].style, MarkStyle::default());
        assert!(matches!(marks.marks[0].geometry, MarkGeometry::Point { symbol: MarkSymbol::Circle, .. }));
        assert!(
            matches!(&marks.marks[2].geometry, MarkGeometry::Line { points, arrow: false } if points[0] == [5.0, 6.0])
        );
        assert_eq!(marks.marks[3].geometry, MarkGeometry::Polygon { ring: vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]] });
        assert_eq!(marks.marks[3].style.color, Rgba::rgb(0, 255, 0));
        let ids: Vec<u64> = marks.marks.iter().map(|m| m.id).collect();
        assert_eq!(ids, [1, 2, 3, 4]);
    }

    #[test]
    fn bad_geojson_says_what_is_wrong_in_both_languages() {
        type Expect = fn(&MarksError) -> bool;
        let cases: [(&str, Expect); 7] = [
            ("{\"type\":", |e| matches!(e, MarksError::Json { line: 1, .. })),
            (
                r#"{"type":"Topology"}"#,
                |e| matches!(e, MarksError::NotFeatureCollection { found } if found == "Topology"),
            ),
            (r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}"#, |e| {
                matches!(e, MarksError::NoGeometry { feature: 1 })
            }),
            (
                r#"{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[]}}"#,
                |e| matches!(e, MarksError::UnsupportedGeometry { geometry, .. } if geometry == "GeometryCollection"),
            ),
            (r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[200,36]}}"#, |e| {
                matches!(e, MarksError::BadCoordinates { feature: 1 })
            }),
            (
                r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}},{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}}]}"#,
                |e| matches!(e, MarksError::TooFewPoints { feature: 2, kind: "polygon", need: 3, found: 2 }),
            ),
            (
                r#"{"type":"Feature","properties":{"kind":"callout"},"geometry":{"type":"LineString","coordinates":[[1,2]]}}"#,
                |e| matches!(e, MarksError::TooFewPoints { kind: "callout", .. }),
            ),
        ];
        for (text, expected) in cases {
            let e = match from_geojson(text) {
                Ok(m) => panic!("{text} read as {m:?}"),
                Err(e) => e,
            };
            assert!(expected(&e), "{text}: {e:?}");
            assert!(!e.zh().is_empty() && e.zh() != e.en(), "{e}");
            assert!(e.zh().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}", e.zh());
        }
    }

    #[test]
    fn colours_parse_in_three_forms() {
        assert_eq!(parse_hex("#d62728"), Some(Rgba::rgb(214, 39, 40)));
        assert_eq!(parse_hex("d6272828"), Some(Rgba::rgba(214, 39, 40, 40)));
        assert_eq!(parse_hex("#f00"), Some(Rgba::rgb(255, 0, 0)));
        assert_eq!(parse_hex("#zzzzzz"), None);
        assert_eq!(parse_hex("红色"), None);
    }
}
