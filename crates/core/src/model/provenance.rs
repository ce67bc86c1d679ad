//! Where a feature comes from and how accurate it is, read from the properties every embedded
//! feature carries (`accuracy`, `tolerance_m`, `source`, `attribution`), so the app can say which
//! layers are real, which approximate and which illustrative, and credit what it shows.

use super::{Feature, Layer};

/// How a feature's position was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Accuracy {
    /// From an official survey or the planning bureau.
    Official,
    /// From a cited public source, within a stated tolerance of it.
    Approximate,
    /// Drawn to fit published figures: not a surveyed position.
    Illustrative,
    /// The file does not say.
    Unknown,
}

impl Accuracy {
    /// The feature's `accuracy` property.
    pub fn of(f: &Feature) -> Self {
        match f.properties.get("accuracy").and_then(serde_json::Value::as_str) {
            Some("official" | "surveyed") => Self::Official,
            Some("approximate") => Self::Approximate,
            Some("illustrative") => Self::Illustrative,
            _ => Self::Unknown,
        }
    }

    /// A short label: 正式 / 近似 / 示意.
    pub fn label(self, english: bool) -> &'static str {
        match (self, english) {
            (Self::Official, false) => "正式",
            (Self::Official, true) => "official",
            (Self::Approximate, false) => "近似",
            (Self::Approximate, true) => "approximate",
            (Self::Illustrative, false) => "示意",
            (Self::Illustrative, true) => "illustrative",
            (Self::Unknown, false) => "未注明",
            (Self::Unknown, true) => "not stated",
        }
    }

    /// What the label means, for a tooltip.
    pub fn meaning(self, english: bool) -> &'static str {
        match (self, english) {
            (Self::Official, false) => "来自测绘或规划主管部门的正式数据",
            (Self::Official, true) => "Official data from a survey or the planning bureau",
            (Self::Approximate, false) => "来自注明的公开来源，误差在所注容差之内",
            (Self::Approximate, true) => "From the cited public source, within the stated tolerance",
            (Self::Illustrative, false) => "按公开报道的数字绘制的示意形状，不是测绘位置",
            (Self::Illustrative, true) => "Drawn to fit published figures, not a surveyed position",
            (Self::Unknown, false) => "文件未注明精度",
            (Self::Unknown, true) => "The file does not state its accuracy",
        }
    }
}

/// The stated tolerance in metres (`tolerance_m`), if any.
pub fn tolerance_m(f: &Feature) -> Option<f64> {
    f.properties.get("tolerance_m").and_then(serde_json::Value::as_f64).filter(|t| t.is_finite() && *t >= 0.0)
}

/// `what`, with its tolerance when there is one: "近似 (±50 m)".
fn with_tolerance(what: &str, tolerance_m: Option<f64>) -> String {
    match tolerance_m {
        Some(t) => format!("{what} (±{t:.0} m)"),
        None => what.to_owned(),
    }
}

/// The accuracy of one feature in words: "近似 (±50 m)".
pub fn accuracy_text(f: &Feature, english: bool) -> String {
    let a = Accuracy::of(f);
    with_tolerance(a.label(english), tolerance_m(f).filter(|_| a == Accuracy::Approximate))
}

/// The distinct credits (`attribution` properties) of a layer's features, in first-seen order.
pub fn credits(features: &[Feature]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in features {
        if let Some(a) = f.properties.get("attribution").and_then(serde_json::Value::as_str).map(str::trim)
            && !a.is_empty()
            && !out.iter().any(|c| c == a)
        {
            out.push(a.to_owned());
        }
    }
    out
}

/// A layer's features by accuracy: how many of each, and the approximate ones by name with their
/// tolerance.
pub fn summarize(layer: &Layer, english: bool) -> LayerAccuracy {
    let mut s = LayerAccuracy::default();
    for f in &layer.features {
        let a = Accuracy::of(f);
        match s.counts.iter_mut().find(|(k, _)| *k == a) {
            Some((_, n)) => *n += 1,
            None => s.counts.push((a, 1)),
        }
        if a == Accuracy::Approximate {
            let name = f.display_name(english).unwrap_or("—").to_owned();
            s.approximate.push((name, tolerance_m(f)));
        }
    }
    s.counts.sort();
    s
}

/// The approximate features of a summary in words: "潍坊站 (±50 m), 廿里堡站 (±50 m)".
pub fn accuracy_text_of(s: &LayerAccuracy, english: bool) -> String {
    let label = Accuracy::Approximate.label(english);
    match s.approximate.as_slice() {
        [] => label.to_owned(),
        // A one-feature layer (the outline): "近似 (±1000 m)".
        [(_, t)] if s.counts.iter().map(|(_, n)| n).sum::<usize>() == 1 => with_tolerance(label, *t),
        all => {
            let parts: Vec<String> = all.iter().map(|(name, t)| with_tolerance(name, *t)).collect();
            parts.join(if english { ", " } else { "、" })
        }
    }
}

/// What [`summarize`] found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerAccuracy {
    /// Features per accuracy, most accurate first.
    pub counts: Vec<(Accuracy, usize)>,
    /// The approximate features: name and tolerance in metres.
    pub approximate: Vec<(String, Option<f64>)>,
}

impl LayerAccuracy {
    /// The least accurate class present (what the layer as a whole can be trusted to).
    pub fn worst(&self) -> Option<Accuracy> {
        self.counts.last().map(|(a, _)| *a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    fn f(props: serde_json::Value) -> Feature {
        let serde_json::Value::Object(m) = props else { panic!("not an object") };
        Feature::new(None, None, m)
    }

    #[test]
    fn accuracy_tolerance_and_credits_come_from_the_properties() {
        let a = f(
            json!({"name": "潍坊站", "accuracy": "approximate", "tolerance_m": 50, "attribution": "© OpenStreetMap contributors"}),
        );
        let b = f(json!({"name": "东关街道", "accuracy": "illustrative"}));
        let c = f(json!({"name": "x", "attribution": " © OpenStreetMap contributors "}));
        assert_eq!(Accuracy::of(&a), Accuracy::Approximate);
        assert_eq!(accuracy_text(&a, false), "近似 (±50 m)");
        assert_eq!(accuracy_text(&b, true), "illustrative");
        assert_eq!(Accuracy::of(&Feature::new(None, None, Map::new())), Accuracy::Unknown);
        assert_eq!(credits(&[a.clone(), b.clone(), c]), ["© OpenStreetMap contributors"]);
        let layer = Layer::new(
            "k",
            "k",
            "k",
            super::super::LayerOrigin::Embedded { file: "k.geojson" },
            vec![a, b],
            Default::default(),
        );
        let s = summarize(&layer, false);
        assert_eq!(s.counts, [(Accuracy::Approximate, 1), (Accuracy::Illustrative, 1)]);
        assert_eq!(s.approximate, [("潍坊站".to_owned(), Some(50.0))]);
        assert_eq!(s.worst(), Some(Accuracy::Illustrative));
    }
}
