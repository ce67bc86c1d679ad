//! A printed page as a list of drawing items in millimetres from the top left: the one
//! description that the raster (PNG, JPEG), PDF and SVG writers each turn into their format.

use std::sync::Arc;

use crate::model::Rgba;

/// A point on the page, millimetres from the top left (x right, y down).
pub type Mm = [f32; 2];

/// A rectangle on the page, `[x, y, width, height]` in millimetres.
pub type RectMm = [f32; 4];

/// A line style.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StrokeMm {
    /// Colour.
    pub color: Rgba,
    /// Width, millimetres.
    pub width_mm: f32,
    /// Dash and gap lengths, millimetres; None for a solid line.
    pub dash_mm: Option<[f32; 2]>,
}

impl StrokeMm {
    /// A solid line.
    pub fn solid(color: Rgba, width_mm: f32) -> Self {
        Self { color, width_mm, dash_mm: None }
    }
}

/// Vector shapes: one or more sub-paths filled together (even-odd, so holes stay holes) and/or
/// stroked.
#[derive(Clone, Debug, PartialEq)]
pub struct PathItem {
    /// The sub-paths and whether each is closed.
    pub parts: Vec<(Vec<Mm>, bool)>,
    /// The fill, if any.
    pub fill: Option<Rgba>,
    /// The outline, if any.
    pub stroke: Option<StrokeMm>,
}

/// How a text's anchor relates to it horizontally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// The anchor is at the left end.
    Left,
    /// The anchor is at the middle.
    Center,
    /// The anchor is at the right end.
    Right,
}

/// One line of text. The anchor is on the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct TextItem {
    /// The text (one line).
    pub text: String,
    /// Baseline anchor, millimetres.
    pub at_mm: Mm,
    /// Size in typographic points (1/72 inch).
    pub size_pt: f32,
    /// Colour.
    pub color: Rgba,
    /// Where the anchor is along the line.
    pub align: Align,
    /// A halo behind the glyphs (colour, width in millimetres) so labels read over the map.
    pub halo: Option<(Rgba, f32)>,
}

/// An image stretched over a rectangle.
#[derive(Clone, Debug)]
pub struct ImageItem {
    /// Width and height in pixels.
    pub size_px: [u32; 2],
    /// Straight-alpha RGBA pixels, row by row.
    pub rgba: Arc<Vec<u8>>,
    /// Where it goes.
    pub rect_mm: RectMm,
}

/// One drawing item.
#[derive(Clone, Debug)]
pub enum Item {
    /// Vector shapes.
    Path(PathItem),
    /// A line of text.
    Text(TextItem),
    /// A raster image (the basemap, a very big layer).
    Image(ImageItem),
    /// From here on, draw only inside this rectangle (None: the whole page again).
    Clip(Option<RectMm>),
}

/// A page ready to write.
#[derive(Clone, Debug, Default)]
pub struct PagePlan {
    /// Width and height, millimetres.
    pub size_mm: [f32; 2],
    /// Items in drawing order.
    pub items: Vec<Item>,
    /// The document title (the PDF's metadata, the SVG's `<title>`).
    pub title: String,
}

impl PagePlan {
    /// Add a closed polygon outline (and fill).
    pub fn polygon(&mut self, ring: Vec<Mm>, fill: Option<Rgba>, stroke: Option<StrokeMm>) {
        self.items.push(Item::Path(PathItem { parts: vec![(ring, true)], fill, stroke }));
    }

    /// Add an open line.
    pub fn line(&mut self, points: Vec<Mm>, stroke: StrokeMm) {
        self.items.push(Item::Path(PathItem { parts: vec![(points, false)], fill: None, stroke: Some(stroke) }));
    }

    /// Add a rectangle.
    pub fn rect(&mut self, [x, y, w, h]: RectMm, fill: Option<Rgba>, stroke: Option<StrokeMm>) {
        self.polygon(vec![[x, y], [x + w, y], [x + w, y + h], [x, y + h]], fill, stroke);
    }

    /// Add a line of text.
    pub fn text(&mut self, text: impl Into<String>, at_mm: Mm, size_pt: f32, color: Rgba, align: Align) {
        let text = text.into();
        if !text.trim().is_empty() {
            self.items.push(Item::Text(TextItem { text, at_mm, size_pt, color, align, halo: None }));
        }
    }
}

/// Millimetres per typographic point.
pub const MM_PER_PT: f32 = 25.4 / 72.0;
