//! Laying out a printed map: the map frame at a true scale, its layers, labels and marks, the
//! grid, and the title, legend, scale bar, north arrow, overview map, sources and
//! 制图单位/制图日期 at the template's places, all as [`PagePlan`] items in millimetres.

use geo::{Distance, Geodesic, Geometry, InteriorPoint, Point};

use super::plan::{Align, Item, MM_PER_PT, Mm, PagePlan, PathItem, RectMm, StrokeMm, TextItem};
use super::text::PrintFont;
use crate::basemap::MapProjection;
use crate::model::layout::{Element, Grid, PrintSettings};
use crate::model::marks::{Mark, MarkGeometry, MarkSymbol, Marks};
use crate::model::{BBox, GeometryKind, Layer, Rgba};

/// Earth's equatorial radius in metres (WGS84 and Web Mercator).
const EARTH_RADIUS_M: f64 = 6_378_137.0;
/// Millimetres per screen point: styles are set on screen in points of 1/96 inch.
pub const MM_PER_SCREEN_PT: f32 = 25.4 / 96.0;
/// Vertices closer than this to the previous one are dropped (a tenth of a 300-dpi pixel is
/// invisible; this keeps PDF and SVG files small).
const MIN_STEP_MM: f32 = 0.04;
/// Layers with more features than this are drawn as an image in PDF and SVG.
pub const VECTOR_MAX_FEATURES: usize = crate::render::raster::RASTER_MIN_FEATURES;

const BLACK: Rgba = Rgba::rgb(0, 0, 0);
const WHITE: Rgba = Rgba::rgb(255, 255, 255);
const GREY: Rgba = Rgba::rgb(110, 110, 110);

/// Where the map frame looks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Extent {
    /// Show this box whole, at the next round scale (1:10 000, 1:25 000, …).
    Fit(BBox),
    /// This centre at exactly 1:`denominator`.
    Scale {
        /// Centre, lon/lat.
        center_lon_lat: [f64; 2],
        /// The scale's denominator (25 000 for 1:25 000).
        denominator: f64,
    },
}

/// The map frame: where it is on the page and how the map is projected into it.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// The frame on the page.
    pub rect_mm: RectMm,
    /// Its centre in the normalized projected square.
    pub center_norm: [f64; 2],
    /// Normalized units per millimetre of paper.
    pub norm_per_mm: f64,
    /// The projection (the basemap's).
    pub projection: MapProjection,
}

impl Frame {
    /// Where a normalized point lands on the page.
    pub fn norm_to_mm(&self, n: [f64; 2]) -> Mm {
        let [x, y, w, h] = self.rect_mm;
        [
            (x as f64 + w as f64 / 2.0 + (n[0] - self.center_norm[0]) / self.norm_per_mm) as f32,
            (y as f64 + h as f64 / 2.0 + (n[1] - self.center_norm[1]) / self.norm_per_mm) as f32,
        ]
    }

    /// Where a lon/lat lands on the page.
    pub fn to_mm(&self, lon_lat: [f64; 2]) -> Mm {
        self.norm_to_mm(self.projection.normalized(lon_lat[0], lon_lat[1]))
    }

    /// The page point's normalized coordinates.
    pub fn mm_to_norm(&self, p: Mm) -> [f64; 2] {
        let [x, y, w, h] = self.rect_mm;
        [
            self.center_norm[0] + (p[0] as f64 - x as f64 - w as f64 / 2.0) * self.norm_per_mm,
            self.center_norm[1] + (p[1] as f64 - y as f64 - h as f64 / 2.0) * self.norm_per_mm,
        ]
    }

    /// The page point's lon/lat.
    pub fn to_lon_lat(&self, p: Mm) -> [f64; 2] {
        let n = self.mm_to_norm(p);
        self.projection.unnormalized(n[0], n[1])
    }

    /// The frame's box in lon/lat.
    pub fn bbox(&self) -> BBox {
        let [x, y, w, h] = self.rect_mm;
        let a = self.to_lon_lat([x, y + h]);
        let b = self.to_lon_lat([x + w, y]);
        [a[0], a[1], b[0], b[1]]
    }

    /// Ground metres per millimetre of paper at the frame's centre, measured on the ellipsoid
    /// along the parallel.
    pub fn ground_m_per_mm(&self) -> f64 {
        let [x, y, w, h] = self.rect_mm;
        let (cx, cy) = (x + w / 2.0, y + h / 2.0);
        let half = w / 4.0;
        let a = self.to_lon_lat([cx - half, cy]);
        let b = self.to_lon_lat([cx + half, cy]);
        Geodesic.distance(Point::new(a[0], a[1]), Point::new(b[0], b[1])) / (2.0 * half as f64)
    }

    /// The representative fraction's denominator (25 000 for 1:25 000).
    pub fn scale_denominator(&self) -> f64 {
        self.ground_m_per_mm() * 1000.0
    }

    fn contains(&self, p: Mm) -> bool {
        let [x, y, w, h] = self.rect_mm;
        p[0] >= x && p[0] <= x + w && p[1] >= y && p[1] <= y + h
    }
}

/// What to print.
pub struct PrintJob<'a> {
    /// Page set-up, texts and template.
    pub settings: &'a PrintSettings,
    /// The layers shown, bottom first.
    pub layers: Vec<&'a Layer>,
    /// The planner's marks.
    pub marks: &'a Marks,
    /// Where the map looks.
    pub extent: Extent,
    /// The map's projection (the basemap's, so tiles line up).
    pub projection: MapProjection,
    /// English texts.
    pub english: bool,
    /// Lines for the sources block: where each layer's data comes from, the basemap's credit.
    pub sources: Vec<String>,
    /// The date printed when the settings give none (`2026年12月2日`).
    pub today: String,
    /// Draw layers of more than [`VECTOR_MAX_FEATURES`] features as one image at the page's
    /// resolution (PDF and SVG), rather than as vectors.
    pub big_layers_as_images: bool,
}

/// What the layout measured, for the caller and the tests.
#[derive(Clone, Copy, Debug)]
pub struct PrintInfo {
    /// The map frame.
    pub frame: Frame,
    /// The printed scale's denominator.
    pub scale_denominator: f64,
    /// The scale bar: its length on paper and the ground length it is labelled with.
    pub scale_bar: Option<ScaleBar>,
}

/// The scale bar as drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScaleBar {
    /// Where the bar starts (its left end, on its baseline), millimetres.
    pub start_mm: Mm,
    /// Its length on paper, millimetres.
    pub length_mm: f32,
    /// The ground length it stands for, metres.
    pub length_m: f64,
}

/// The map frame for a job, before anything is drawn (the basemap needs it first).
pub fn frame_for(job: &PrintJob<'_>) -> Frame {
    let page_mm = job.settings.page.size_mm().map(|v| v as f32);
    let rect = job.settings.layout.rect(Element::Map).unwrap_or([0.03, 0.03, 0.94, 0.94]);
    let rect_mm = [rect[0] * page_mm[0], rect[1] * page_mm[1], rect[2] * page_mm[0], rect[3] * page_mm[1]];
    let projection = job.projection;
    match job.extent {
        Extent::Fit(b) => {
            let a = projection.normalized(b[0], b[3]);
            let c = projection.normalized(b[2], b[1]);
            let center_norm = [(a[0] + c[0]) / 2.0, (a[1] + c[1]) / 2.0];
            // 4 % of air around the box, then the next round scale.
            let fit = ((c[0] - a[0]) / rect_mm[2] as f64).max((c[1] - a[1]) / rect_mm[3] as f64).max(1e-12) * 1.04;
            let mut frame = Frame { rect_mm, center_norm, norm_per_mm: fit, projection };
            let exact = frame.scale_denominator();
            if exact.is_finite() && exact > 0.0 {
                frame.norm_per_mm *= round_scale(exact) / exact;
            }
            frame
        }
        Extent::Scale { center_lon_lat, denominator } => {
            let center_norm = projection.normalized(center_lon_lat[0], center_lon_lat[1]);
            let lat = center_lon_lat[1].to_radians();
            let m_per_norm = 2.0 * std::f64::consts::PI * EARTH_RADIUS_M * lat.cos();
            let mut frame = Frame { rect_mm, center_norm, norm_per_mm: denominator / 1000.0 / m_per_norm, projection };
            // Mercator's scale is the ellipsoid's only approximately: correct it once on the
            // geodesic measure so the printed 1:N is true at the centre.
            let exact = frame.scale_denominator();
            if exact.is_finite() && exact > 0.0 {
                frame.norm_per_mm *= denominator / exact;
            }
            frame
        }
    }
}

/// The next round scale at or above `denominator`: 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 7.5 × 10ⁿ.
pub fn round_scale(denominator: f64) -> f64 {
    let exp = denominator.max(1.0).log10().floor();
    let base = 10f64.powf(exp);
    for m in [1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5, 10.0] {
        if m * base >= denominator * 0.9999 {
            return m * base;
        }
    }
    10.0 * base
}

/// Lay out the page. `basemap` turns the frame into the basemap's image (None: no basemap).
pub fn compose(
    job: &PrintJob<'_>,
    font: &PrintFont,
    basemap: Option<super::plan::ImageItem>,
    big_layer_image: &dyn Fn(&Frame, &[&Layer]) -> Option<super::plan::ImageItem>,
) -> (PagePlan, PrintInfo) {
    let s = job.settings;
    let page_mm = s.page.size_mm().map(|v| v as f32);
    let k = s.page.content_scale() as f32;
    let frame = frame_for(job);
    let px = |r: [f32; 4]| [r[0] * page_mm[0], r[1] * page_mm[1], r[2] * page_mm[0], r[3] * page_mm[1]];
    let title = if s.title.trim().is_empty() { default_title(job.english) } else { s.title.clone() };
    let mut plan = PagePlan { size_mm: page_mm, items: Vec::new(), title: title.clone() };
    plan.rect([0.0, 0.0, page_mm[0], page_mm[1]], Some(WHITE), None);

    // Map frame
    plan.items.push(Item::Clip(Some(frame.rect_mm)));
    if let Some(img) = basemap {
        plan.items.push(Item::Image(img));
    }
    let (big, small): (Vec<&Layer>, Vec<&Layer>) =
        job.layers.iter().partition(|l| job.big_layers_as_images && l.features.len() > VECTOR_MAX_FEATURES);
    if !big.is_empty()
        && let Some(img) = big_layer_image(&frame, &big)
    {
        plan.items.push(Item::Image(img));
    }
    let bbox = frame.bbox();
    for layer in job.layers.iter().filter(|l| small.iter().any(|s| std::ptr::eq(*s, **l))) {
        draw_layer(&mut plan, &frame, layer, k, bbox);
    }
    if let Some(Grid::Graticule | Grid::Kilometre) = Some(s.grid) {
        draw_grid(&mut plan, &frame, s.grid, k, font);
    }
    draw_labels(&mut plan, &frame, &job.layers, k, font, job.english);
    if !job.marks.hidden {
        for m in &job.marks.marks {
            draw_mark(&mut plan, &frame, m, k, font);
        }
    }
    plan.items.push(Item::Clip(None));
    plan.rect(frame.rect_mm, None, Some(StrokeMm::solid(BLACK, 0.35 * k)));
    if s.grid != Grid::None {
        grid_labels(&mut plan, &frame, s.grid, k);
    }

    // Furniture
    let scale_denominator = frame.scale_denominator();
    let mut scale_bar = None;
    for p in s.layout.placements.iter().filter(|p| p.visible) {
        let r = px(p.rect);
        match p.element {
            Element::Map => {}
            Element::Title => fit_text(&mut plan, font, &title, r, 26.0 * k, BLACK),
            Element::Subtitle => fit_text(&mut plan, font, &s.subtitle, r, 14.0 * k, GREY),
            Element::Legend => legend(&mut plan, font, &job.layers, job.marks, r, k, job.english),
            Element::ScaleBar => scale_bar = draw_scale_bar(&mut plan, font, &frame, r, k, job.english),
            Element::NorthArrow => north_arrow(&mut plan, r, k, job.english),
            Element::Overview => overview(&mut plan, &frame, &job.layers, r, k),
            Element::Sources => sources(&mut plan, font, &job.sources, r, k, job.english),
            Element::Credits => {
                let date = if s.date.trim().is_empty() { job.today.clone() } else { s.date.clone() };
                let lines = if job.english {
                    vec![format!("Made by: {}", s.author), format!("Date: {date}")]
                } else {
                    vec![format!("制图单位：{}", s.author), format!("制图日期：{date}")]
                };
                text_block(&mut plan, font, &lines, r, 8.0 * k, Align::Right);
            }
        }
    }
    (plan, PrintInfo { frame, scale_denominator, scale_bar })
}

fn default_title(english: bool) -> String {
    if english { "Kuiwen District Planning Map".to_owned() } else { "奎文区规划一张图".to_owned() }
}

// ---------------------------------------------------------------------------------------------
// Layers

fn intersects(a: BBox, b: BBox) -> bool {
    a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1]
}

fn ring_mm<'a>(frame: &Frame, coords: impl Iterator<Item = &'a geo::Coord<f64>>) -> Vec<Mm> {
    let mut out: Vec<Mm> = Vec::new();
    for c in coords {
        let p = frame.to_mm([c.x, c.y]);
        match out.last() {
            Some(l) if (l[0] - p[0]).abs() < MIN_STEP_MM && (l[1] - p[1]).abs() < MIN_STEP_MM => {}
            _ => out.push(p),
        }
    }
    out
}

fn with_opacity(c: Rgba, opacity: f32) -> Rgba {
    c.faded(opacity)
}

/// Draw one layer's features (those whose box meets the frame's).
pub fn draw_layer(plan: &mut PagePlan, frame: &Frame, layer: &Layer, k: f32, frame_bbox: BBox) {
    let style = &layer.style;
    let width_mm = (style.stroke_width_pt * MM_PER_SCREEN_PT * k).max(0.05);
    let dash = style.dashed.then_some([2.0 * k, 1.2 * k]);
    let kind = layer.main_kind();
    for f in &layer.features {
        let Some(geom) = &f.geometry else { continue };
        if let Some(b) = f.bbox
            && !intersects(b, frame_bbox)
        {
            continue;
        }
        let class = style.classification.color_for(f);
        let fill = with_opacity(class.map(|c| c.faded(0.55)).unwrap_or(style.fill), style.opacity);
        let line_color = with_opacity(
            match (class, kind) {
                (Some(c), GeometryKind::Line | GeometryKind::Point) => c,
                _ => style.stroke,
            },
            style.opacity,
        );
        let stroke = StrokeMm { color: line_color, width_mm, dash_mm: dash };
        draw_geometry(plan, frame, geom, fill, stroke, style.point_radius_pt * MM_PER_SCREEN_PT * k);
    }
}

fn draw_geometry(plan: &mut PagePlan, frame: &Frame, g: &Geometry<f64>, fill: Rgba, stroke: StrokeMm, radius_mm: f32) {
    let polygon = |plan: &mut PagePlan, p: &geo::Polygon<f64>| {
        let mut parts = vec![(ring_mm(frame, p.exterior().coords()), true)];
        parts.extend(p.interiors().iter().map(|r| (ring_mm(frame, r.coords()), true)));
        parts.retain(|(r, _)| r.len() >= 3);
        if !parts.is_empty() {
            let fill = (fill.0[3] > 0).then_some(fill);
            plan.items.push(Item::Path(PathItem { parts, fill, stroke: Some(stroke) }));
        }
    };
    let point = |plan: &mut PagePlan, p: &geo::Point<f64>| {
        let c = frame.to_mm([p.x(), p.y()]);
        let fill = stroke.color;
        plan.polygon(circle(c, radius_mm.max(0.3)), Some(fill), Some(StrokeMm::solid(WHITE, radius_mm * 0.3)));
    };
    match g {
        Geometry::Polygon(p) => polygon(plan, p),
        Geometry::MultiPolygon(mp) => mp.0.iter().for_each(|p| polygon(plan, p)),
        Geometry::LineString(l) => {
            let pts = ring_mm(frame, l.coords());
            if pts.len() >= 2 {
                plan.line(pts, stroke);
            }
        }
        Geometry::MultiLineString(ml) => {
            for l in &ml.0 {
                let pts = ring_mm(frame, l.coords());
                if pts.len() >= 2 {
                    plan.line(pts, stroke);
                }
            }
        }
        Geometry::Point(p) => point(plan, p),
        Geometry::MultiPoint(mp) => mp.0.iter().for_each(|p| point(plan, p)),
        Geometry::GeometryCollection(gc) => {
            gc.0.iter().for_each(|g| draw_geometry(plan, frame, g, fill, stroke, radius_mm));
        }
        Geometry::Rect(r) => polygon(plan, &r.to_polygon()),
        Geometry::Triangle(t) => polygon(plan, &t.to_polygon()),
        Geometry::Line(l) => {
            plan.line(vec![frame.to_mm([l.start.x, l.start.y]), frame.to_mm([l.end.x, l.end.y])], stroke)
        }
    }
}

fn circle(c: Mm, r: f32) -> Vec<Mm> {
    (0..24)
        .map(|i| {
            let a = i as f32 / 24.0 * std::f32::consts::TAU;
            [c[0] + r * a.cos(), c[1] + r * a.sin()]
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Labels

/// The web-map zoom at which a screen shows the map at this print's size (for the styles'
/// label thresholds).
fn equivalent_zoom(frame: &Frame, k: f32) -> f64 {
    let world_mm = 1.0 / frame.norm_per_mm;
    let world_pt = world_mm / (MM_PER_SCREEN_PT * k) as f64;
    (world_pt / 256.0).log2()
}

/// Labels take at most this share of the frame's area (as on screen), the most important first.
const LABEL_AREA_SHARE: f32 = 0.18;
/// Side of the cells of the collision grid, millimetres.
const LABEL_CELL_MM: f32 = 10.0;

fn draw_labels(plan: &mut PagePlan, frame: &Frame, layers: &[&Layer], k: f32, font: &PrintFont, english: bool) {
    let zoom = equivalent_zoom(frame, k);
    let mut order: Vec<&&Layer> =
        layers.iter().filter(|l| l.style.labels && zoom >= l.style.label_min_zoom as f64).collect();
    order.sort_by(|a, b| b.style.label_priority.total_cmp(&a.style.label_priority));
    // Placed labels by grid cell, so a check looks at its neighbours only (a city has 200,000).
    let mut grid: std::collections::HashMap<(i32, i32), Vec<RectMm>> = std::collections::HashMap::new();
    let cell = |x: f32, y: f32| ((x / LABEL_CELL_MM).floor() as i32, (y / LABEL_CELL_MM).floor() as i32);
    let budget_mm2 = frame.rect_mm[2] * frame.rect_mm[3] * LABEL_AREA_SHARE;
    let mut used_mm2 = 0.0;
    let size_pt = 8.5 * k;
    let size_mm = size_pt * MM_PER_PT;
    let frame_bbox = frame.bbox();
    'layers: for layer in order {
        let field = if english && layer.features.iter().any(|f| f.prop_str("name_en").is_some()) {
            "name_en"
        } else {
            layer.style.label_field.as_str()
        };
        for f in &layer.features {
            if f.bbox.is_some_and(|b| !intersects(b, frame_bbox)) {
                continue;
            }
            let (Some(g), Some(text)) = (&f.geometry, f.prop_str(field).or_else(|| f.name())) else { continue };
            if text.trim().is_empty() {
                continue;
            }
            let w = font.width_em(text) * size_mm;
            // A polygon or line much smaller on paper than its name is not labelled (a building
            // or a street segment at 1:75 000).
            if let Some(b) = f.bbox {
                let (a, c) = (frame.to_mm([b[0], b[1]]), frame.to_mm([b[2], b[3]]));
                let (dx, dy) = ((c[0] - a[0]).abs(), (c[1] - a[1]).abs());
                let small = match g {
                    Geometry::Polygon(_) | Geometry::MultiPolygon(_) => dx < w * 0.6 && dy < size_mm * 2.0,
                    Geometry::LineString(_) | Geometry::MultiLineString(_) => dx.max(dy) < w,
                    _ => false,
                };
                if small {
                    continue;
                }
            }
            let Some(p) = g.interior_point() else { continue };
            let mut at = frame.to_mm([p.x(), p.y()]);
            if matches!(g, Geometry::Point(_) | Geometry::MultiPoint(_)) {
                at[1] -= layer.style.point_radius_pt * MM_PER_SCREEN_PT * k + 0.8 * k;
            }
            let rect = [at[0] - w / 2.0 - 0.5, at[1] - size_mm * 0.85, w + 1.0, size_mm * 1.1];
            let inside = frame.contains([rect[0], rect[1]]) && frame.contains([rect[0] + rect[2], rect[1] + rect[3]]);
            if !inside {
                continue;
            }
            let (c0, c1) = (cell(rect[0], rect[1]), cell(rect[0] + rect[2], rect[1] + rect[3]));
            // Each label is kept in every cell it covers, so one that overlaps shares a cell.
            let cells = || (c0.0..=c1.0).flat_map(move |x| (c0.1..=c1.1).map(move |y| (x, y)));
            if cells().any(|c| grid.get(&c).is_some_and(|v| v.iter().any(|t| overlaps(*t, rect)))) {
                continue;
            }
            for c in cells() {
                grid.entry(c).or_default().push(rect);
            }
            used_mm2 += rect[2] * rect[3];
            plan.items.push(Item::Text(TextItem {
                text: text.to_owned(),
                at_mm: [at[0], at[1] + size_mm * 0.35],
                size_pt,
                color: Rgba::rgb(40, 40, 40),
                align: Align::Center,
                halo: Some((WHITE, 0.5 * k)),
            }));
            if used_mm2 > budget_mm2 {
                break 'layers;
            }
        }
    }
}

fn overlaps(a: RectMm, b: RectMm) -> bool {
    a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
}

// ---------------------------------------------------------------------------------------------
// Marks

/// Draw one mark: sizes are paper millimetres and points, grown with the paper.
pub fn draw_mark(plan: &mut PagePlan, frame: &Frame, m: &Mark, k: f32, font: &PrintFont) {
    let st = &m.style;
    let stroke = StrokeMm {
        color: st.color,
        width_mm: st.width_mm * k,
        dash_mm: st.dashed.then_some([2.5 * st.width_mm.max(0.3) * k, 1.5 * st.width_mm.max(0.3) * k]),
    };
    let text_pt = st.text_pt * k;
    let text_mm = text_pt * MM_PER_PT;
    let label = |plan: &mut PagePlan, at: Mm, align: Align| {
        if !m.label.trim().is_empty() {
            plan.items.push(Item::Text(TextItem {
                text: m.label.clone(),
                at_mm: at,
                size_pt: text_pt,
                color: st.color,
                align,
                halo: Some((WHITE, 0.6 * k)),
            }));
        }
    };
    let text_box = |plan: &mut PagePlan, c: Mm| {
        let w = font.width_em(&m.label) * text_mm + 2.0 * k;
        let h = text_mm * 1.5;
        plan.rect([c[0] - w / 2.0, c[1] - h / 2.0, w, h], Some(st.fill), Some(StrokeMm::solid(st.color, 0.3 * k)));
        plan.text(m.label.clone(), [c[0], c[1] + text_mm * 0.35], text_pt, st.color, Align::Center);
    };
    match &m.geometry {
        MarkGeometry::Point { lon_lat, symbol } => {
            let c = frame.to_mm(*lon_lat);
            let r = st.symbol_mm * k / 2.0;
            let shape = match symbol {
                MarkSymbol::Circle => circle(c, r),
                MarkSymbol::Square => {
                    vec![[c[0] - r, c[1] - r], [c[0] + r, c[1] - r], [c[0] + r, c[1] + r], [c[0] - r, c[1] + r]]
                }
                MarkSymbol::Triangle => {
                    vec![[c[0], c[1] - r * 1.15], [c[0] + r, c[1] + r * 0.6], [c[0] - r, c[1] + r * 0.6]]
                }
                MarkSymbol::Star => (0u32..10)
                    .map(|i| {
                        let a = i as f32 * std::f32::consts::PI / 5.0 - std::f32::consts::FRAC_PI_2;
                        let rr = if i.is_multiple_of(2) { r * 1.2 } else { r * 0.5 };
                        [c[0] + rr * a.cos(), c[1] + rr * a.sin()]
                    })
                    .collect(),
            };
            plan.polygon(shape, Some(st.color), Some(StrokeMm::solid(WHITE, 0.25 * k)));
            label(plan, [c[0] + r + 1.0 * k, c[1] + text_mm * 0.35], Align::Left);
        }
        MarkGeometry::Line { points, arrow } => {
            let pts: Vec<Mm> = points.iter().map(|p| frame.to_mm(*p)).collect();
            if pts.len() < 2 {
                return;
            }
            if *arrow {
                let (a, b) = (pts[pts.len() - 2], pts[pts.len() - 1]);
                let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                let len = (dx * dx + dy * dy).sqrt().max(1e-6);
                let (ux, uy) = (dx / len, dy / len);
                let head = (st.width_mm * 5.0 + 1.5) * k;
                let base = [b[0] - ux * head, b[1] - uy * head];
                let mut shaft = pts.clone();
                if let Some(last) = shaft.last_mut() {
                    *last = [b[0] - ux * head * 0.8, b[1] - uy * head * 0.8];
                }
                plan.line(shaft, stroke);
                let half = head * 0.45;
                plan.polygon(
                    vec![b, [base[0] - uy * half, base[1] + ux * half], [base[0] + uy * half, base[1] - ux * half]],
                    Some(st.color),
                    None,
                );
            } else {
                plan.line(pts.clone(), stroke);
            }
            let mid = pts[pts.len() / 2];
            label(plan, [mid[0], mid[1] - 1.0 * k], Align::Center);
        }
        MarkGeometry::Polygon { ring } => {
            let pts: Vec<Mm> = ring.iter().map(|p| frame.to_mm(*p)).collect();
            if pts.len() < 3 {
                return;
            }
            let n = pts.len() as f32;
            let c = [pts.iter().map(|p| p[0]).sum::<f32>() / n, pts.iter().map(|p| p[1]).sum::<f32>() / n];
            plan.polygon(pts, Some(st.fill), Some(stroke));
            label(plan, [c[0], c[1] + text_mm * 0.35], Align::Center);
        }
        MarkGeometry::Text { lon_lat } => text_box(plan, frame.to_mm(*lon_lat)),
        MarkGeometry::Callout { anchor_lon_lat, text_lon_lat } => {
            let a = frame.to_mm(*anchor_lon_lat);
            let t = frame.to_mm(*text_lon_lat);
            plan.line(vec![a, t], StrokeMm::solid(st.color, (st.width_mm * 0.7).max(0.2) * k));
            plan.polygon(circle(a, 0.6 * k), Some(st.color), None);
            text_box(plan, t);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Grid

/// Grid line positions: (value, is_longitude_or_easting) with a step giving 3–8 lines.
fn nice_steps(span: f64, candidates: &[f64]) -> f64 {
    candidates.iter().copied().find(|s| span / s <= 7.0).unwrap_or(*candidates.last().unwrap_or(&1.0))
}

const DEGREE_STEPS: [f64; 12] =
    [1.0 / 60.0, 2.0 / 60.0, 5.0 / 60.0, 10.0 / 60.0, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0];
const KM_STEPS_M: [f64; 10] = [100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0, 100000.0];

fn km_crs() -> Option<crate::io::crs::Crs> {
    crate::io::crs::Crs::from_epsg(4528).ok()
}

/// The grid lines as polylines on the page, with each line's value and whether it runs
/// north–south (a meridian or an easting).
fn grid_lines(frame: &Frame, grid: Grid) -> Vec<(f64, bool, Vec<Mm>)> {
    let b = frame.bbox();
    let mut out = Vec::new();
    match grid {
        Grid::None => {}
        Grid::Graticule => {
            let step = nice_steps((b[2] - b[0]).max(b[3] - b[1]), &DEGREE_STEPS);
            let mut lon = (b[0] / step).ceil() * step;
            while lon <= b[2] {
                out.push((lon, true, vec![frame.to_mm([lon, b[1]]), frame.to_mm([lon, b[3]])]));
                lon += step;
            }
            let mut lat = (b[1] / step).ceil() * step;
            while lat <= b[3] {
                out.push((lat, false, vec![frame.to_mm([b[0], lat]), frame.to_mm([b[2], lat])]));
                lat += step;
            }
        }
        Grid::Kilometre => {
            let Some(crs) = km_crs() else { return out };
            let corners = [[b[0], b[1]], [b[2], b[1]], [b[0], b[3]], [b[2], b[3]]].map(|c| crs.from_wgs84(c[0], c[1]));
            let (e0, e1) = (
                corners.iter().map(|c| c.0).fold(f64::MAX, f64::min),
                corners.iter().map(|c| c.0).fold(f64::MIN, f64::max),
            );
            let (n0, n1) = (
                corners.iter().map(|c| c.1).fold(f64::MAX, f64::min),
                corners.iter().map(|c| c.1).fold(f64::MIN, f64::max),
            );
            let step = nice_steps((e1 - e0).max(n1 - n0), &KM_STEPS_M);
            let sample = |f: &dyn Fn(f64) -> (f64, f64)| -> Vec<Mm> {
                (0..=24)
                    .map(|i| f(i as f64 / 24.0))
                    .map(|(e, n)| crs.to_wgs84(e, n))
                    .map(|(lon, lat)| frame.to_mm([lon, lat]))
                    .collect()
            };
            let mut e = (e0 / step).ceil() * step;
            while e <= e1 {
                out.push((e, true, sample(&|t| (e, n0 + (n1 - n0) * t))));
                e += step;
            }
            let mut n = (n0 / step).ceil() * step;
            while n <= n1 {
                out.push((n, false, sample(&|t| (e0 + (e1 - e0) * t, n))));
                n += step;
            }
        }
    }
    out
}

fn draw_grid(plan: &mut PagePlan, frame: &Frame, grid: Grid, k: f32, _font: &PrintFont) {
    for (_, _, line) in grid_lines(frame, grid) {
        plan.line(
            line,
            StrokeMm { color: Rgba::rgba(60, 60, 60, 150), width_mm: 0.12 * k, dash_mm: Some([1.5 * k, 1.0 * k]) },
        );
    }
}

fn dms(value: f64, positive: char, negative: char) -> String {
    let hemi = if value >= 0.0 { positive } else { negative };
    let total_min = (value.abs() * 60.0).round() as i64;
    format!("{}°{:02}′{hemi}", total_min / 60, total_min % 60)
}

/// Labels outside the frame where each grid line meets its edge.
fn grid_labels(plan: &mut PagePlan, frame: &Frame, grid: Grid, k: f32) {
    let [x, y, w, h] = frame.rect_mm;
    let size_pt = 6.5 * k;
    let gap = 1.2 * k;
    let tick = StrokeMm::solid(BLACK, 0.2 * k);
    for (value, ns, line) in grid_lines(frame, grid) {
        let text = match (grid, ns) {
            (Grid::Graticule, true) => dms(value, 'E', 'W'),
            (Grid::Graticule, false) => dms(value, 'N', 'S'),
            // Gauss-Krüger kilometres: the zone number and easting as printed on Chinese
            // topographic maps (40 512), northings in km (4062).
            (_, _) => format!("{}", (value / 1000.0).round() as i64),
        };
        let (Some(first), Some(last)) = (line.first(), line.last()) else { continue };
        if ns {
            // Where it meets the bottom and top edges (the line runs south to north).
            for (p, below) in [(first, true), (last, false)] {
                if p[0] < x || p[0] > x + w {
                    continue;
                }
                let edge = if below { y + h } else { y };
                let dir = if below { 1.0 } else { -1.0 };
                plan.line(vec![[p[0], edge], [p[0], edge + dir * gap]], tick);
                let base = if below { edge + gap + size_pt * MM_PER_PT } else { edge - gap - 0.3 };
                plan.text(text.clone(), [p[0], base], size_pt, BLACK, Align::Center);
            }
        } else {
            for (p, left) in [(first, true), (last, false)] {
                if p[1] < y || p[1] > y + h {
                    continue;
                }
                let edge = if left { x } else { x + w };
                let dir = if left { -1.0 } else { 1.0 };
                plan.line(vec![[edge, p[1]], [edge + dir * gap, p[1]]], tick);
                let align = if left { Align::Right } else { Align::Left };
                plan.text(
                    text.clone(),
                    [edge + dir * (gap + 0.5), p[1] + size_pt * MM_PER_PT * 0.35],
                    size_pt,
                    BLACK,
                    align,
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Furniture

/// One line of text as large as fits the box (up to `max_pt`), centred.
fn fit_text(plan: &mut PagePlan, font: &PrintFont, text: &str, r: RectMm, max_pt: f32, color: Rgba) {
    if text.trim().is_empty() {
        return;
    }
    let by_height = r[3] / MM_PER_PT * 0.8;
    let by_width = r[2] / (font.width_em(text).max(0.1) * MM_PER_PT);
    let size = max_pt.min(by_height).min(by_width);
    let baseline = r[1] + r[3] / 2.0 + size * MM_PER_PT * 0.35;
    plan.text(text, [r[0] + r[2] / 2.0, baseline], size, color, Align::Center);
}

/// Lines of text from the top of the box, wrapped to its width.
fn text_block(plan: &mut PagePlan, font: &PrintFont, lines: &[String], r: RectMm, size_pt: f32, align: Align) {
    let line_mm = size_pt * MM_PER_PT * 1.35;
    let width_em = r[2] / (size_pt * MM_PER_PT);
    let mut y = r[1] + size_pt * MM_PER_PT;
    let x = match align {
        Align::Left => r[0],
        Align::Center => r[0] + r[2] / 2.0,
        Align::Right => r[0] + r[2],
    };
    for line in lines.iter().flat_map(|l| wrap(font, l, width_em)) {
        if y > r[1] + r[3] + line_mm * 0.5 {
            break;
        }
        plan.text(line, [x, y], size_pt, Rgba::rgb(60, 60, 60), align);
        y += line_mm;
    }
}

/// Break a line so each piece is at most `width_em` wide (at characters: Chinese has no spaces).
pub fn wrap(font: &PrintFont, text: &str, width_em: f32) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    let mut w = 0.0;
    for g in font.layout(text) {
        let piece = &text[g.range.clone()];
        if w + g.advance_em > width_em && !line.is_empty() {
            out.push(std::mem::take(&mut line));
            w = 0.0;
        }
        line.push_str(piece);
        w += g.advance_em;
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

fn legend(plan: &mut PagePlan, font: &PrintFont, layers: &[&Layer], marks: &Marks, r: RectMm, k: f32, english: bool) {
    struct Row {
        label: String,
        kind: GeometryKind,
        fill: Rgba,
        stroke: Rgba,
        dashed: bool,
        indent: bool,
    }
    let mut rows = Vec::new();
    for l in layers.iter().rev().filter(|l| !l.features.is_empty()) {
        let s = &l.style;
        let kind = l.legend_kind();
        rows.push(Row {
            label: l.name(english).to_owned(),
            kind,
            fill: s.fill,
            stroke: s.stroke,
            dashed: s.dashed,
            indent: false,
        });
        for (label, c) in s.classification.legend().into_iter().take(8) {
            let stroke = if kind == GeometryKind::Polygon { s.stroke } else { c };
            rows.push(Row { label, kind, fill: c.faded(0.55), stroke, dashed: s.dashed, indent: true });
        }
    }
    if !marks.hidden && !marks.marks.is_empty() {
        let st = &marks.marks[0].style;
        let label = if english { "Marks" } else { "标注" };
        rows.push(Row {
            label: label.to_owned(),
            kind: GeometryKind::Polygon,
            fill: st.fill,
            stroke: st.color,
            dashed: false,
            indent: false,
        });
    }
    if rows.is_empty() {
        return;
    }
    let pad = 2.0 * k;
    let title_pt = 10.0 * k;
    // The box shrinks to its rows: kept at its top in the page's upper half, at its bottom in
    // the lower half (where the templates put it against the frame's corner).
    let needed = pad * 2.8 + title_pt * MM_PER_PT + rows.len() as f32 * 8.0 * k * MM_PER_PT * 1.7;
    let r = if needed < r[3] {
        let top_half = r[1] + r[3] / 2.0 < plan.size_mm[1] / 2.0;
        if top_half { [r[0], r[1], r[2], needed] } else { [r[0], r[1] + r[3] - needed, r[2], needed] }
    } else {
        r
    };
    plan.rect(r, Some(Rgba::rgba(255, 255, 255, 235)), Some(StrokeMm::solid(BLACK, 0.25 * k)));
    plan.text(
        if english { "Legend" } else { "图 例" },
        [r[0] + r[2] / 2.0, r[1] + pad + title_pt * MM_PER_PT],
        title_pt,
        BLACK,
        Align::Center,
    );
    let top = r[1] + pad * 1.8 + title_pt * MM_PER_PT;
    let avail = r[1] + r[3] - pad - top;
    // Rows as big as fit: 8 pt at most, 4 pt at least; what does not fit is counted.
    let mut size_pt = 8.0 * k;
    let row_mm = |size_pt: f32| size_pt * MM_PER_PT * 1.7;
    while size_pt > 4.0 && row_mm(size_pt) * rows.len() as f32 > avail {
        size_pt -= 0.25;
    }
    let fit = ((avail / row_mm(size_pt)).floor() as usize).min(rows.len());
    let shown = if fit < rows.len() { fit.saturating_sub(1) } else { fit };
    let sw = [6.0 * k, size_pt * MM_PER_PT * 1.1];
    for (i, row) in rows.iter().take(shown).enumerate() {
        let y = top + i as f32 * row_mm(size_pt);
        let x = r[0] + pad + if row.indent { 3.0 * k } else { 0.0 };
        let sw_rect = [x, y, sw[0], sw[1]];
        let dash = row.dashed.then_some([1.2 * k, 0.8 * k]);
        match row.kind {
            GeometryKind::Line => plan.line(
                vec![[x, y + sw[1] / 2.0], [x + sw[0], y + sw[1] / 2.0]],
                StrokeMm { color: row.stroke, width_mm: 0.6 * k, dash_mm: dash },
            ),
            GeometryKind::Point => {
                plan.polygon(circle([x + sw[0] / 2.0, y + sw[1] / 2.0], sw[1] * 0.35), Some(row.stroke), None)
            }
            _ => plan.rect(
                sw_rect,
                Some(row.fill),
                Some(StrokeMm { color: row.stroke, width_mm: 0.3 * k, dash_mm: dash }),
            ),
        }
        let label_x = x + sw[0] + 1.5 * k;
        let max_em = (r[0] + r[2] - pad - label_x) / (size_pt * MM_PER_PT);
        let label = wrap(font, &row.label, max_em).into_iter().next().unwrap_or_default();
        let label = if label.len() < row.label.len() { format!("{}…", label.trim_end()) } else { label };
        plan.text(label, [label_x, y + sw[1] * 0.5 + size_pt * MM_PER_PT * 0.35], size_pt, BLACK, Align::Left);
    }
    if shown < rows.len() {
        let y = top + shown as f32 * row_mm(size_pt) + size_pt * MM_PER_PT;
        let more = rows.len() - shown;
        let text = if english { format!("… and {more} more") } else { format!("……另有 {more} 项") };
        plan.text(text, [r[0] + pad, y], size_pt, GREY, Align::Left);
    }
}

/// A scale bar of a round ground length no longer than the box, in four alternating segments,
/// measured on the ellipsoid at the frame's centre.
fn draw_scale_bar(
    plan: &mut PagePlan,
    font: &PrintFont,
    frame: &Frame,
    r: RectMm,
    k: f32,
    english: bool,
) -> Option<ScaleBar> {
    let m_per_mm = frame.ground_m_per_mm();
    if !(m_per_mm.is_finite() && m_per_mm > 0.0) {
        return None;
    }
    let size_pt = 7.0 * k;
    let label_room = font.width_em("10000 m") * size_pt * MM_PER_PT;
    let max_len_mm = (r[2] - label_room).max(r[2] * 0.5);
    let max_m = max_len_mm as f64 * m_per_mm;
    let exp = max_m.log10().floor();
    let base = 10f64.powf(exp);
    let length_m = [5.0, 4.0, 2.5, 2.0, 1.0].into_iter().map(|m| m * base).find(|l| *l <= max_m).unwrap_or(base);
    let length_mm = (length_m / m_per_mm) as f32;
    let bar_h = (r[3] * 0.22).min(1.6 * k);
    let x0 = r[0];
    let y0 = r[1] + r[3] - bar_h - 0.2 * k;
    let seg = length_mm / 4.0;
    for i in 0u32..4 {
        let fill = if i.is_multiple_of(2) { BLACK } else { WHITE };
        plan.rect([x0 + seg * i as f32, y0, seg, bar_h], Some(fill), Some(StrokeMm::solid(BLACK, 0.2 * k)));
    }
    let (unit, div) = if length_m >= 1000.0 {
        (if english { "km" } else { "公里" }, 1000.0)
    } else {
        (if english { "m" } else { "米" }, 1.0)
    };
    let fmt = |v: f64| {
        let v = v / div;
        if (v - v.round()).abs() < 1e-9 { format!("{}", v.round() as i64) } else { format!("{v:.1}") }
    };
    let label_y = y0 - 0.8 * k;
    plan.text("0", [x0, label_y], size_pt, BLACK, Align::Center);
    plan.text(fmt(length_m / 2.0), [x0 + length_mm / 2.0, label_y], size_pt, BLACK, Align::Center);
    plan.text(fmt(length_m), [x0 + length_mm, label_y], size_pt, BLACK, Align::Center);
    plan.text(unit, [x0 + length_mm + 1.5 * k, y0 + bar_h], size_pt, BLACK, Align::Left);
    let fraction = format!("1:{}", group_thousands(frame.scale_denominator().round() as u64));
    let caption = if english { format!("Scale {fraction}") } else { format!("比例尺 {fraction}") };
    plan.text(caption, [x0, r[1] + size_pt * MM_PER_PT], size_pt, BLACK, Align::Left);
    Some(ScaleBar { start_mm: [x0, y0 + bar_h], length_mm, length_m })
}

/// `25 000` for 25000 (the thin-space grouping of Chinese and ISO map scales).
pub fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn north_arrow(plan: &mut PagePlan, r: RectMm, k: f32, english: bool) {
    let size_pt = (r[3] * 0.28 / MM_PER_PT).min(12.0 * k);
    let text_h = size_pt * MM_PER_PT;
    let cx = r[0] + r[2] / 2.0;
    let top = r[1] + text_h * 1.25;
    let bottom = r[1] + r[3];
    let half_w = (r[2] / 2.0).min((bottom - top) * 0.3);
    let waist = bottom - (bottom - top) * 0.25;
    plan.text(if english { "N" } else { "北" }, [cx, r[1] + text_h], size_pt, BLACK, Align::Center);
    // The classic two-tone arrowhead: the left half black, the right half white.
    plan.polygon(
        vec![[cx, top], [cx, waist], [cx - half_w, bottom]],
        Some(BLACK),
        Some(StrokeMm::solid(BLACK, 0.2 * k)),
    );
    plan.polygon(
        vec![[cx, top], [cx + half_w, bottom], [cx, waist]],
        Some(WHITE),
        Some(StrokeMm::solid(BLACK, 0.2 * k)),
    );
}

fn overview(plan: &mut PagePlan, frame: &Frame, layers: &[&Layer], r: RectMm, k: f32) {
    let main = frame.bbox();
    let mut all = main;
    for l in layers.iter().filter(|l| l.features.len() <= 5_000) {
        if let Some(b) = l.bbox {
            all = [all[0].min(b[0]), all[1].min(b[1]), all[2].max(b[2]), all[3].max(b[3])];
        }
    }
    // The frame within everything shown (the whole district when the frame is a part of it).
    let area = [all[0], all[1], all[2], all[3]];
    let pad = [(area[2] - area[0]) * 0.08, (area[3] - area[1]) * 0.08];
    let area = [area[0] - pad[0], area[1] - pad[1], area[2] + pad[0], area[3] + pad[1]];
    let inner = [r[0], r[1], r[2], r[3]];
    let job_frame = {
        let a = frame.projection.normalized(area[0], area[3]);
        let c = frame.projection.normalized(area[2], area[1]);
        Frame {
            rect_mm: inner,
            center_norm: [(a[0] + c[0]) / 2.0, (a[1] + c[1]) / 2.0],
            norm_per_mm: ((c[0] - a[0]) / inner[2] as f64).max((c[1] - a[1]) / inner[3] as f64).max(1e-12),
            projection: frame.projection,
        }
    };
    plan.rect(r, Some(WHITE), None);
    plan.items.push(Item::Clip(Some(r)));
    for l in layers.iter().filter(|l| l.features.len() <= 5_000 && l.main_kind() == GeometryKind::Polygon) {
        for f in &l.features {
            if let Some(g) = &f.geometry {
                let stroke = StrokeMm::solid(Rgba::rgb(150, 150, 150), 0.12 * k);
                draw_geometry(plan, &job_frame, g, Rgba::rgba(0, 0, 0, 0), stroke, 0.3);
            }
        }
    }
    let a = job_frame.to_mm([main[0], main[3]]);
    let b = job_frame.to_mm([main[2], main[1]]);
    plan.rect(
        [a[0], a[1], (b[0] - a[0]).max(0.6), (b[1] - a[1]).max(0.6)],
        Some(Rgba::rgba(214, 39, 40, 40)),
        Some(StrokeMm::solid(Rgba::rgb(214, 39, 40), 0.4 * k)),
    );
    plan.items.push(Item::Clip(None));
    plan.rect(r, None, Some(StrokeMm::solid(BLACK, 0.25 * k)));
}

fn sources(plan: &mut PagePlan, font: &PrintFont, lines: &[String], r: RectMm, k: f32, english: bool) {
    let mut all = Vec::new();
    let head = if english { "Sources: " } else { "数据来源：" };
    for (i, l) in lines.iter().enumerate() {
        all.push(if i == 0 { format!("{head}{l}") } else { l.clone() });
    }
    text_block(plan, font, &all, r, 6.5 * k, Align::Left);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_scales_are_the_ones_planners_use() {
        assert_eq!(round_scale(23_456.0), 25_000.0);
        assert_eq!(round_scale(10_000.0), 10_000.0);
        assert_eq!(round_scale(61_000.0), 75_000.0);
        assert_eq!(round_scale(4_100.0), 5_000.0);
        assert_eq!(group_thousands(25000), "25 000");
        assert_eq!(group_thousands(500), "500");
    }

    #[test]
    fn wrap_breaks_chinese_at_the_width() {
        let font = PrintFont::bundled();
        let lines = wrap(&font, "奎文区行政边界来自开放街道地图", 5.0);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| font.width_em(l) <= 5.01));
    }
}
