//! Briefings (汇报): slides that each hold a prepared view of the map.
//!
//! A slide is data only: where the map looks, which layers show with which style, the basemap,
//! the selected feature and the life-circle overlay. The app applies it; the workspace keeps it
//! (its `bookmarks` array). The built-in briefing is made in `analysis::briefing`.

use serde::{Deserialize, Serialize};

use super::{BBox, Style, bbox_union};

/// One layer's state on a slide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlideLayer {
    /// The layer's key (file stem for embedded layers and files).
    pub key: String,
    /// Shown on this slide.
    pub visible: bool,
    /// The style on this slide (None: the layer's current style).
    #[serde(default)]
    pub style: Option<Style>,
}

/// The feature a slide selects (its info card shows while presenting).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlideFeature {
    /// The layer's key.
    pub layer: String,
    /// The feature's name (found again after the file changes); the index is the fallback.
    #[serde(default)]
    pub name: Option<String>,
    /// Index of the feature in the layer when saved.
    #[serde(default)]
    pub index: usize,
}

/// The 15-minute life circle drawn on a slide.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlideLifeCircle {
    /// Its centre, lon/lat (WGS84).
    pub center_lon_lat: [f64; 2],
    /// Colour the communities by the checklist instead of drawing one circle.
    #[serde(default)]
    pub coverage: bool,
}

/// A prepared view of the map, with a title and speaker notes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Slide {
    /// The caption shown while presenting and on exported images.
    pub title: String,
    /// The English caption, when different (the built-in briefing has both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// A line under the caption (key figures).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subtitle: String,
    /// Its English version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle_en: Option<String>,
    /// Speaker notes: seen by the presenter in the slide list, never on screen while presenting.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// The map centre, lon/lat.
    pub center_lon_lat: [f64; 2],
    /// The zoom level when saved.
    pub zoom: f64,
    /// The area to show (lon/lat box). On a screen of another size the slide fits this box, so a
    /// projector or a 1920×1080 export shows the same area as the window it was made in.
    #[serde(default)]
    pub extent: Option<BBox>,
    /// Layer visibility and styles; None leaves the layers as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<SlideLayer>>,
    /// The basemap as on the command line (`osm`, `none`, a template or a file); None keeps it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basemap: Option<String>,
    /// The selected feature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<SlideFeature>,
    /// The life-circle overlay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub life_circle: Option<SlideLifeCircle>,
    /// A comparison (split views or swipe) shown instead of the single map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<super::compare::Compare>,
}

impl Slide {
    /// The caption in the interface language.
    pub fn caption(&self, english: bool) -> &str {
        match (&self.title_en, english) {
            (Some(en), true) if !en.is_empty() => en,
            _ => &self.title,
        }
    }

    /// The subtitle in the interface language.
    pub fn subtitle(&self, english: bool) -> &str {
        match (&self.subtitle_en, english) {
            (Some(en), true) if !en.is_empty() => en,
            _ => &self.subtitle,
        }
    }

    /// A slide showing `extent` (centre and a zoom that fits it in a 1600×900 window).
    pub fn framing(title: &str, title_en: &str, extent: BBox) -> Self {
        let center = [(extent[0] + extent[2]) / 2.0, (extent[1] + extent[3]) / 2.0];
        Self {
            title: title.to_owned(),
            title_en: Some(title_en.to_owned()),
            subtitle: String::new(),
            subtitle_en: None,
            notes: String::new(),
            center_lon_lat: center,
            zoom: zoom_to_fit(extent, 1600.0, 900.0),
            extent: Some(extent),
            layers: None,
            basemap: None,
            selected: None,
            life_circle: None,
            compare: None,
        }
    }
}

/// The Web Mercator zoom at which `extent` fits a `width_px`×`height_px` screen.
pub fn zoom_to_fit(extent: BBox, width_px: f64, height_px: f64) -> f64 {
    let x = |lon: f64| (lon + 180.0) / 360.0;
    let y = |lat: f64| {
        let s = lat.to_radians().sin().clamp(-0.9999, 0.9999);
        0.5 - ((1.0 + s) / (1.0 - s)).ln() / (4.0 * std::f64::consts::PI)
    };
    let dx = (x(extent[2]) - x(extent[0])).abs().max(1e-12);
    let dy = (y(extent[1]) - y(extent[3])).abs().max(1e-12);
    ((width_px / dx).min(height_px / dy) / 256.0).log2().clamp(1.0, 19.0)
}

/// The box around all slides' extents (for an overview).
pub fn slides_extent(slides: &[Slide]) -> Option<BBox> {
    slides.iter().fold(None, |acc, s| bbox_union(acc, s.extent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_to_fit_halves_with_the_box() {
        let b = [119.0, 36.6, 119.2, 36.8];
        let z = zoom_to_fit(b, 1600.0, 900.0);
        let half = [119.05, 36.65, 119.15, 36.75];
        assert!((zoom_to_fit(half, 1600.0, 900.0) - z - 1.0).abs() < 0.02, "{z}");
        assert!((10.0..14.0).contains(&z), "{z}");
    }

    #[test]
    fn slides_round_trip_through_json_and_old_fields_default() {
        let mut s = Slide::framing("四大开发片区", "Districts", [119.1, 36.7, 119.2, 36.8]);
        s.notes = "讲稿".to_owned();
        s.life_circle = Some(SlideLifeCircle { center_lon_lat: [119.15, 36.65], coverage: true });
        let text = serde_json::to_string(&s).unwrap_or_default();
        let back: Slide = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(back, s);
        let minimal: Slide = serde_json::from_str(r#"{"title":"t","center_lon_lat":[119,36],"zoom":12}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(minimal.caption(true), "t");
        assert!(minimal.layers.is_none() && minimal.extent.is_none());
    }
}
