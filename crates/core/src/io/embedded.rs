//! The Kuiwen layers compiled into the binary, so the executable works anywhere, offline.

use super::geojson::{LoadError, LoadOptions, parse_bytes};
use crate::model::{Layer, LayerOrigin, Rgba, Style};

/// One embedded file: its bytes, names and default style.
pub struct EmbeddedFile {
    /// File name under `geodata/`.
    pub file: &'static str,
    /// Chinese layer name.
    pub name_zh: &'static str,
    /// English layer name.
    pub name_en: &'static str,
    /// The GeoJSON text.
    pub bytes: &'static [u8],
}

macro_rules! embedded {
    ($file:literal, $zh:literal, $en:literal) => {
        EmbeddedFile {
            file: $file,
            name_zh: $zh,
            name_en: $en,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../geodata/", $file)),
        }
    };
}

/// The embedded files in drawing order, bottom first.
pub const FILES: &[EmbeddedFile] = &[
    embedded!("kuiwen_boundary.geojson", "奎文区界", "Kuiwen boundary"),
    embedded!("southern_new_town.geojson", "南部新城", "Southern new town"),
    embedded!("subdistricts.geojson", "街道", "Subdistricts"),
    embedded!("communities.geojson", "社区", "Communities"),
    embedded!("grids.geojson", "二级网格", "Community grids"),
    embedded!("development_districts.geojson", "四大片区", "Development districts"),
    embedded!("parks.geojson", "产业园区", "Industrial and creative parks"),
    embedded!("bailang_river.geojson", "河流", "Rivers"),
    embedded!("roads.geojson", "道路", "Roads"),
    embedded!("jiaoji_railway.geojson", "胶济铁路", "Jiaoji railway"),
    embedded!("facilities.geojson", "公共服务设施", "Public facilities"),
];

/// The default style of an embedded layer, chosen to read on light and dark basemaps alike:
/// saturated outlines, translucent fills, and broad layers (grids, communities) kept quiet.
pub fn style_for(file: &str) -> Style {
    let base = Style::default();
    match file {
        "kuiwen_boundary.geojson" => Style {
            fill: Rgba::rgba(0, 0, 0, 0),
            stroke: Rgba::rgb(120, 40, 140),
            stroke_width_pt: 3.0,
            dashed: true,
            labels: false,
            label_priority: 0.0,
            ..base
        },
        "southern_new_town.geojson" => Style {
            fill: Rgba::rgba(255, 170, 0, 45),
            stroke: Rgba::rgb(230, 120, 0),
            stroke_width_pt: 2.5,
            dashed: true,
            label_priority: 9.0,
            ..base
        },
        "subdistricts.geojson" => Style {
            fill: Rgba::rgba(0, 0, 0, 0),
            stroke: Rgba::rgb(90, 90, 90),
            stroke_width_pt: 2.0,
            label_min_zoom: 11.5,
            label_priority: 6.0,
            ..base
        },
        "communities.geojson" => Style {
            fill: Rgba::rgba(0, 0, 0, 0),
            stroke: Rgba::rgb(130, 130, 130),
            stroke_width_pt: 1.0,
            label_min_zoom: 13.5,
            label_priority: 3.0,
            ..base
        },
        "grids.geojson" => Style {
            fill: Rgba::rgba(0, 0, 0, 0),
            stroke: Rgba::rgba(150, 150, 150, 160),
            stroke_width_pt: 0.6,
            label_min_zoom: 15.5,
            label_priority: 2.0,
            ..base
        },
        "development_districts.geojson" => Style {
            fill: Rgba::rgba(220, 40, 60, 60),
            stroke: Rgba::rgb(200, 20, 50),
            stroke_width_pt: 2.5,
            label_priority: 10.0,
            ..base
        },
        "parks.geojson" => Style {
            fill: Rgba::rgba(30, 160, 90, 90),
            stroke: Rgba::rgb(10, 120, 60),
            stroke_width_pt: 2.0,
            label_min_zoom: 12.0,
            label_priority: 8.0,
            ..base
        },
        "bailang_river.geojson" => Style {
            fill: Rgba::rgba(60, 140, 230, 120),
            stroke: Rgba::rgb(40, 120, 220),
            stroke_width_pt: 3.0,
            label_min_zoom: 12.0,
            label_priority: 5.0,
            ..base
        },
        "roads.geojson" => Style {
            fill: Rgba::rgba(0, 0, 0, 0),
            stroke: Rgba::rgb(235, 150, 40),
            stroke_width_pt: 2.0,
            label_min_zoom: 13.0,
            label_priority: 4.0,
            ..base
        },
        "jiaoji_railway.geojson" => Style {
            fill: Rgba::rgba(0, 0, 0, 0),
            stroke: Rgba::rgb(60, 60, 60),
            stroke_width_pt: 3.0,
            dashed: true,
            label_min_zoom: 11.0,
            label_priority: 7.0,
            ..base
        },
        "facilities.geojson" => Style {
            fill: Rgba::rgb(255, 255, 255),
            stroke: Rgba::rgb(20, 90, 170),
            stroke_width_pt: 1.5,
            point_radius_pt: 4.0,
            label_min_zoom: 15.0,
            label_priority: 1.0,
            ..base
        },
        _ => base,
    }
}

/// Parse every embedded file into a layer. The data is ours and tested, but a broken build of it
/// is still reported rather than panicking.
pub fn load_all() -> Result<Vec<Layer>, (String, LoadError)> {
    FILES.iter().map(|f| load_one(f).map_err(|e| (f.file.to_owned(), e))).collect()
}

/// Parse one embedded file.
pub fn load_one(f: &EmbeddedFile) -> Result<Layer, LoadError> {
    let parsed = parse_bytes(f.bytes, LoadOptions::default())?;
    let key = f.file.trim_end_matches(".geojson");
    Ok(Layer::new(
        key,
        f.name_zh,
        f.name_en,
        LayerOrigin::Embedded { file: f.file },
        parsed.features,
        style_for(f.file),
    ))
}
