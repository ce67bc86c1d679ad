//! Print layouts (专题制图): the paper, its resolution, and where the map frame, title, legend,
//! scale bar, north arrow, grid, overview map, sources and the 制图单位/制图日期 line sit on it.
//! Plain data saved in workspaces; drawing is the app's `print` module.
//!
//! Element positions are fractions of the page, so a template fits every paper size and
//! orientation; text and line sizes are typographic points and millimetres, multiplied by
//! [`PageSetup::content_scale`] so an A0 wall map is legible from as far as an A4 is from the desk.

use serde::{Deserialize, Serialize};

/// Millimetres per inch.
pub const MM_PER_INCH: f64 = 25.4;
/// The resolutions offered, dots per inch.
pub const DPI_CHOICES: [u32; 3] = [150, 300, 600];
/// Largest page in pixels this app rasterizes (A0 at 600 dpi is 558 million).
pub const MAX_PAGE_PIXELS: u64 = 600_000_000;

/// ISO 216 paper sizes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Paper {
    /// 210 × 297 mm.
    A4,
    /// 297 × 420 mm.
    #[default]
    A3,
    /// 420 × 594 mm.
    A2,
    /// 594 × 841 mm.
    A1,
    /// 841 × 1189 mm.
    A0,
}

impl Paper {
    /// Every size, smallest first.
    pub const ALL: [Paper; 5] = [Paper::A4, Paper::A3, Paper::A2, Paper::A1, Paper::A0];

    /// Short and long side in millimetres.
    pub fn sides_mm(self) -> [f64; 2] {
        match self {
            Paper::A4 => [210.0, 297.0],
            Paper::A3 => [297.0, 420.0],
            Paper::A2 => [420.0, 594.0],
            Paper::A1 => [594.0, 841.0],
            Paper::A0 => [841.0, 1189.0],
        }
    }

    /// `A3` and so on.
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A3 => "A3",
            Paper::A2 => "A2",
            Paper::A1 => "A1",
            Paper::A0 => "A0",
        }
    }
}

/// Which way the paper is turned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    /// Taller than wide.
    Portrait,
    /// Wider than tall.
    #[default]
    Landscape,
}

/// The paper, its orientation and the resolution of images made from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct PageSetup {
    /// Paper size.
    pub paper: Paper,
    /// Orientation.
    pub orientation: Orientation,
    /// Dots per inch of PNG and JPEG output (and of the images inside a PDF).
    pub dpi: u32,
}

impl Default for PageSetup {
    fn default() -> Self {
        Self { paper: Paper::A3, orientation: Orientation::Landscape, dpi: 300 }
    }
}

/// Why a page set-up given as text is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// Not `A0`–`A4` with an optional `-landscape`/`-portrait`.
    #[error("page {0:?}: use A4, A3, A2, A1 or A0, optionally with -landscape or -portrait (e.g. A3-landscape)")]
    Page(String),
    /// A resolution outside 72–1200 dpi.
    #[error("{0} dpi: use 72 to 1200 (150, 300 or 600 are usual)")]
    Dpi(u32),
    /// The page would be too many pixels.
    #[error("{paper} at {dpi} dpi is {pixels} pixels, more than the {max} this app rasterizes; lower the dpi")]
    TooLarge {
        /// `A0-landscape`.
        paper: String,
        /// Resolution.
        dpi: u32,
        /// Pixels asked for.
        pixels: u64,
        /// The limit.
        max: u64,
    },
}

impl crate::Bilingual for LayoutError {
    fn zh(&self) -> String {
        match self {
            LayoutError::Page(t) => {
                format!("纸张“{t}”不可用：请用 A4、A3、A2、A1 或 A0，可加 -landscape（横向）或 -portrait（纵向）")
            }
            LayoutError::Dpi(d) => format!("{d} dpi 不可用：请用 72 至 1200（常用 150、300、600）"),
            LayoutError::TooLarge { paper, dpi, pixels, max } => {
                format!("{paper} 在 {dpi} dpi 下为 {pixels} 像素，超过本程序可栅格化的 {max} 像素；请降低分辨率")
            }
        }
    }
}

impl PageSetup {
    /// Parse `A3-landscape`, `A1-portrait` or `A4` (landscape) with a resolution.
    pub fn parse(text: &str, dpi: u32) -> Result<Self, LayoutError> {
        let lower = text.trim().to_ascii_lowercase();
        let (paper, orient) = match lower.split_once(['-', '_', ' ']) {
            Some((p, o)) => (p, o),
            None => (lower.as_str(), "landscape"),
        };
        let paper = Paper::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(paper))
            .ok_or_else(|| LayoutError::Page(text.to_owned()))?;
        let orientation = match orient {
            "landscape" | "l" | "横" | "横向" => Orientation::Landscape,
            "portrait" | "p" | "纵" | "纵向" => Orientation::Portrait,
            _ => return Err(LayoutError::Page(text.to_owned())),
        };
        let page = Self { paper, orientation, dpi };
        page.check()?;
        Ok(page)
    }

    /// Whether the resolution and pixel count are usable.
    pub fn check(&self) -> Result<(), LayoutError> {
        if !(72..=1200).contains(&self.dpi) {
            return Err(LayoutError::Dpi(self.dpi));
        }
        let [w, h] = self.size_px();
        let pixels = w as u64 * h as u64;
        if pixels > MAX_PAGE_PIXELS {
            return Err(LayoutError::TooLarge { paper: self.name(), dpi: self.dpi, pixels, max: MAX_PAGE_PIXELS });
        }
        Ok(())
    }

    /// `A3-landscape`.
    pub fn name(&self) -> String {
        let o = match self.orientation {
            Orientation::Landscape => "landscape",
            Orientation::Portrait => "portrait",
        };
        format!("{}-{o}", self.paper.name())
    }

    /// Width and height in millimetres.
    pub fn size_mm(&self) -> [f64; 2] {
        let [short, long] = self.paper.sides_mm();
        match self.orientation {
            Orientation::Portrait => [short, long],
            Orientation::Landscape => [long, short],
        }
    }

    /// Width and height in pixels at the set resolution, rounded to the nearest pixel
    /// (A3 landscape at 300 dpi: 4961 × 3508).
    pub fn size_px(&self) -> [u32; 2] {
        self.size_mm().map(|mm| (mm / MM_PER_INCH * self.dpi as f64).round() as u32)
    }

    /// Pixels per millimetre.
    pub fn px_per_mm(&self) -> f64 {
        self.dpi as f64 / MM_PER_INCH
    }

    /// How much text and lines grow with the paper: 1 on A4, √2 per size up (A3 1.19, A1 1.68,
    /// A0 2.0), so a wall map reads from further away.
    pub fn content_scale(&self) -> f64 {
        (self.paper.sides_mm()[0] / 210.0).sqrt()
    }
}

/// The parts of a layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Element {
    /// The map frame (图廓), with its grid labels around it.
    Map,
    /// The title.
    Title,
    /// The subtitle.
    Subtitle,
    /// The legend (图例): visible layers and their classes.
    Legend,
    /// The scale bar (比例尺) and the representative fraction.
    ScaleBar,
    /// The north arrow (指北针).
    NorthArrow,
    /// The overview map (位置示意图) with the frame's extent.
    Overview,
    /// The data's sources and accuracy (数据来源).
    Sources,
    /// 制图单位 and 制图日期.
    Credits,
}

impl Element {
    /// Every element, in drawing order (the map first).
    pub const ALL: [Element; 9] = [
        Element::Map,
        Element::Title,
        Element::Subtitle,
        Element::Legend,
        Element::ScaleBar,
        Element::NorthArrow,
        Element::Overview,
        Element::Sources,
        Element::Credits,
    ];

    /// Chinese and English name.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Element::Map => ("地图", "Map"),
            Element::Title => ("标题", "Title"),
            Element::Subtitle => ("副标题", "Subtitle"),
            Element::Legend => ("图例", "Legend"),
            Element::ScaleBar => ("比例尺", "Scale bar"),
            Element::NorthArrow => ("指北针", "North arrow"),
            Element::Overview => ("位置示意图", "Overview map"),
            Element::Sources => ("数据来源", "Sources"),
            Element::Credits => ("制图单位与日期", "Author and date"),
        }
    }
}

/// Where an element sits: its box as fractions of the page, `[x, y, width, height]` from the
/// top left.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// The element.
    pub element: Element,
    /// `[x, y, width, height]`, fractions of the page width and height.
    pub rect: [f32; 4],
    /// Drawn or not.
    #[serde(default = "yes")]
    pub visible: bool,
}

fn yes() -> bool {
    true
}

/// The coordinate grid drawn over the map frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grid {
    /// None.
    None,
    /// Lines of longitude and latitude labelled in degrees and minutes (经纬网).
    #[default]
    Graticule,
    /// A kilometre grid in CGCS2000 3-degree Gauss-Krüger zone 40 (EPSG:4528), labelled in km
    /// (公里网).
    Kilometre,
}

/// A named arrangement of the elements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Template {
    /// Its name, as listed.
    pub name: String,
    /// The elements' places; an element not listed is not drawn.
    pub placements: Vec<Placement>,
}

impl Template {
    /// The box of an element that is shown.
    pub fn rect(&self, element: Element) -> Option<[f32; 4]> {
        self.placements.iter().find(|p| p.element == element && p.visible).map(|p| p.rect)
    }

    /// Set an element's box (adding it when missing), kept on the page.
    pub fn set_rect(&mut self, element: Element, rect: [f32; 4]) {
        let [mut x, mut y, w, h] = rect;
        let (w, h) = (w.clamp(0.02, 1.0), h.clamp(0.02, 1.0));
        x = x.clamp(0.0, 1.0 - w);
        y = y.clamp(0.0, 1.0 - h);
        match self.placements.iter_mut().find(|p| p.element == element) {
            Some(p) => p.rect = [x, y, w, h],
            None => self.placements.push(Placement { element, rect: [x, y, w, h], visible: true }),
        }
    }

    /// The built-in templates: 标准 (title above, legend and overview inside the frame), 侧栏
    /// (a column beside the map for title, legend and overview) and 简洁 (the map alone with its
    /// scale and north arrow).
    pub fn built_in() -> Vec<Template> {
        let p = |element, rect: [f32; 4]| Placement { element, rect, visible: true };
        use Element::*;
        vec![
            Template {
                name: "标准".to_owned(),
                placements: vec![
                    p(Map, [0.05, 0.115, 0.90, 0.79]),
                    p(Title, [0.05, 0.025, 0.90, 0.055]),
                    p(Subtitle, [0.05, 0.078, 0.90, 0.03]),
                    p(Legend, [0.065, 0.58, 0.20, 0.31]),
                    p(ScaleBar, [0.70, 0.845, 0.235, 0.045]),
                    p(NorthArrow, [0.895, 0.13, 0.04, 0.08]),
                    p(Overview, [0.065, 0.13, 0.16, 0.20]),
                    p(Sources, [0.05, 0.93, 0.62, 0.05]),
                    p(Credits, [0.70, 0.93, 0.25, 0.05]),
                ],
            },
            Template {
                name: "侧栏".to_owned(),
                placements: vec![
                    p(Map, [0.04, 0.05, 0.70, 0.90]),
                    p(Title, [0.76, 0.05, 0.20, 0.08]),
                    p(Subtitle, [0.76, 0.13, 0.20, 0.04]),
                    p(NorthArrow, [0.76, 0.19, 0.035, 0.07]),
                    p(Legend, [0.76, 0.28, 0.20, 0.33]),
                    p(Overview, [0.76, 0.62, 0.20, 0.17]),
                    p(ScaleBar, [0.76, 0.80, 0.20, 0.045]),
                    p(Sources, [0.76, 0.855, 0.20, 0.055]),
                    p(Credits, [0.76, 0.915, 0.20, 0.035]),
                ],
            },
            Template {
                name: "简洁".to_owned(),
                placements: vec![
                    p(Map, [0.03, 0.03, 0.94, 0.94]),
                    p(Title, [0.05, 0.05, 0.50, 0.05]),
                    p(ScaleBar, [0.72, 0.88, 0.22, 0.045]),
                    p(NorthArrow, [0.915, 0.06, 0.03, 0.065]),
                    p(Sources, [0.05, 0.92, 0.60, 0.03]),
                ],
            },
        ]
    }
}

/// Everything about printing a workspace: the set-up and texts last used, the template in use
/// (with the planner's adjustments) and the planner's own saved templates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PrintSettings {
    /// Paper, orientation, resolution.
    pub page: PageSetup,
    /// The title; empty: the workspace's or the app's name.
    pub title: String,
    /// The subtitle (e.g. the plan's name and stage).
    pub subtitle: String,
    /// 制图单位: who made the map.
    pub author: String,
    /// 制图日期; empty: the day of printing.
    pub date: String,
    /// The grid over the map frame.
    pub grid: Grid,
    /// The arrangement in use, with any positions the planner moved.
    pub layout: Template,
    /// The planner's own templates, offered beside the built-in ones.
    pub templates: Vec<Template>,
}

impl Default for PrintSettings {
    fn default() -> Self {
        Self {
            page: PageSetup::default(),
            title: String::new(),
            subtitle: String::new(),
            author: String::new(),
            date: String::new(),
            grid: Grid::default(),
            layout: Template::built_in().remove(0),
            templates: Vec::new(),
        }
    }
}

impl PrintSettings {
    /// Nothing changed from the defaults: nothing to save.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// A template by name: the planner's own first, then the built-in ones.
    pub fn template(&self, name: &str) -> Option<Template> {
        self.templates.iter().cloned().chain(Template::built_in()).find(|t| t.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a3_landscape_at_300_dpi_is_4961_by_3508() {
        let page = PageSetup::parse("A3-landscape", 300).unwrap();
        assert_eq!(page.size_px(), [4961, 3508]);
        assert_eq!(page.size_mm(), [420.0, 297.0]);
        let a4 = PageSetup::parse("a4-portrait", 150).unwrap();
        assert_eq!(a4.size_px(), [1240, 1754]);
        assert_eq!(PageSetup::parse("A1", 300).unwrap().size_px(), [9933, 7016]);
    }

    #[test]
    fn bad_pages_are_refused_with_a_reason() {
        assert!(matches!(PageSetup::parse("B5", 300), Err(LayoutError::Page(_))));
        assert!(matches!(PageSetup::parse("A3-sideways", 300), Err(LayoutError::Page(_))));
        assert!(matches!(PageSetup::parse("A3", 20), Err(LayoutError::Dpi(20))));
        assert!(matches!(PageSetup::parse("A0", 1200), Err(LayoutError::TooLarge { .. })));
        assert!(PageSetup::parse("A0-portrait", 600).is_ok(), "A0 at 600 dpi is within the limit");
    }

    #[test]
    fn templates_are_found_and_positions_kept_on_the_page() {
        let mut s = PrintSettings::default();
        assert_eq!(s.layout.name, "标准");
        assert!(s.template("侧栏").is_some() && s.template("无此模板").is_none());
        s.layout.set_rect(Element::Legend, [0.95, -0.2, 0.2, 0.3]);
        let r = s.layout.rect(Element::Legend).unwrap();
        assert!((r[0] - 0.8).abs() < 1e-6 && r[1] == 0.0, "{r:?}");
        let json = serde_json::to_string(&s).unwrap();
        let back: PrintSettings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        assert!(PrintSettings::default().is_default());
    }

    #[test]
    fn content_grows_with_the_paper() {
        let a4 = PageSetup { paper: Paper::A4, ..Default::default() };
        let a0 = PageSetup { paper: Paper::A0, ..Default::default() };
        assert!((a4.content_scale() - 1.0).abs() < 1e-9);
        assert!((a0.content_scale() - 2.001).abs() < 0.01);
    }
}
