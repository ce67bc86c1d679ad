//! The built-in briefing for the embedded Kuiwen data, computed from the layers themselves so its
//! figures (areas, counts, investment, grid managers) are always those of the data on screen.

use crate::analysis::measure::area_m2;
use crate::model::briefing::{Slide, SlideFeature, SlideLayer, SlideLifeCircle};
use crate::model::{BBox, Layer};

/// The built-in briefing for the embedded Kuiwen layers: the district overview, the four
/// development districts, the southern new town with its 15-minute life circle, the parks with
/// their figures, and the community grid system. Slides whose layers are missing are left out.
pub fn builtin_briefing(layers: &[&Layer]) -> Vec<Slide> {
    let find = |key: &str| layers.iter().find(|l| l.key == key).copied();
    let base = ["kuiwen_boundary", "bailang_river", "jiaoji_railway"];
    // Every slide shows the district boundary, the river and the railway for orientation.
    let show = |keys: &[&str]| -> Option<Vec<SlideLayer>> {
        let wanted = |k: &str| base.contains(&k) || keys.contains(&k);
        Some(layers.iter().map(|l| SlideLayer { key: l.key.clone(), visible: wanted(&l.key), style: None }).collect())
    };
    let mut slides = Vec::new();

    if let Some(boundary) = find("kuiwen_boundary").and_then(|l| l.bbox) {
        let mut s = Slide::framing("奎文区规划一张图", "Kuiwen District at a glance", pad(boundary, 0.04));
        let subdistricts = find("subdistricts").map_or(0, |l| l.features.len());
        let area_km2 = find("kuiwen_boundary")
            .map(|l| l.features.iter().filter_map(|f| f.geometry.as_ref()).map(area_m2).sum())
            .unwrap_or(0.0)
            / 1e6;
        s.subtitle = format!("潍坊市中心城区 · {area_km2:.0} km² · {subdistricts} 个街道");
        s.subtitle_en = Some(format!("Central Weifang · {area_km2:.0} km² · {subdistricts} subdistricts"));
        s.layers = show(&["subdistricts", "development_districts", "southern_new_town", "roads"]);
        s.notes = "开场：奎文区区位、面积与街道构成。".to_owned();
        slides.push(s);
    }

    if let Some(d) = find("development_districts").filter(|l| !l.features.is_empty()) {
        let extent = d.bbox.map(|b| pad(b, 0.25));
        if let Some(extent) = extent {
            let mut s = Slide::framing("四大开发片区", "The four development districts", extent);
            let names: Vec<&str> = d.features.iter().filter_map(|f| f.display_name(false)).collect();
            let names_en: Vec<&str> = d.features.iter().filter_map(|f| f.display_name(true)).collect();
            s.subtitle = names.join(" · ");
            s.subtitle_en = Some(names_en.join(" · "));
            s.layers = show(&["development_districts", "roads"]);
            s.notes = "老城更新与片区开发：逐个介绍片区定位与重点项目。".to_owned();
            slides.push(s);
        }
    }

    if let Some(town) = find("southern_new_town").filter(|l| !l.features.is_empty())
        && let Some(b) = town.bbox
    {
        let mut s =
            Slide::framing("南部新城与15分钟生活圈", "Southern new town and its 15-minute life circle", pad(b, 0.1));
        let area_km2: f64 = town.features.iter().filter_map(|f| f.geometry.as_ref()).map(area_m2).sum::<f64>() / 1e6;
        s.subtitle = format!("胶济铁路以南 {area_km2:.1} km² · 按 GB 50180-2018 评估步行可达");
        s.subtitle_en = Some(format!(
            "{area_km2:.1} km² south of the Jiaoji railway · walking access checked against GB 50180-2018"
        ));
        s.layers = show(&["southern_new_town", "communities", "roads", "facilities"]);
        // Inside the town: its largest part's interior point (the box's centre can fall between
        // two parts), else the box's centre.
        let center_lon_lat = largest_part_interior(town).unwrap_or([(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0]);
        s.life_circle = Some(SlideLifeCircle { center_lon_lat, coverage: false });
        s.notes = "生活圈：圈层为直线距离，彩色区域为沿道路的步行范围。".to_owned();
        slides.push(s);
    }

    if let Some(parks) = find("parks").filter(|l| !l.features.is_empty())
        && let Some(b) = parks.bbox
    {
        let mut s = Slide::framing("产业与文创园区", "Industrial and creative parks", pad(b, 0.15));
        let figures: Vec<(String, String)> = parks
            .features
            .iter()
            .take(4)
            .filter_map(|f| {
                let zh = f.display_name(false)?;
                let en = f.display_name(true).unwrap_or(zh);
                let area_km2 = f.geometry.as_ref().map(area_m2).unwrap_or(0.0) / 1e6;
                let invest = f.properties.get("investment_yuan").and_then(serde_json::Value::as_f64).map(|y| y / 1e8);
                Some(match invest {
                    Some(i) => (format!("{zh} {area_km2:.2} km² {i} 亿元"), format!("{en} {area_km2:.2} km² ¥{i}00 m")),
                    None => (format!("{zh} {area_km2:.2} km²"), format!("{en} {area_km2:.2} km²")),
                })
            })
            .collect();
        s.subtitle = figures.iter().map(|f| f.0.as_str()).collect::<Vec<_>>().join(" · ");
        s.subtitle_en = Some(figures.iter().map(|f| f.1.as_str()).collect::<Vec<_>>().join(" · "));
        s.layers = show(&["parks", "roads"]);
        if let Some((i, f)) = parks.features.iter().enumerate().max_by(|a, b| {
            let inv = |f: &crate::model::Feature| f.properties.get("investment_yuan").and_then(|v| v.as_f64());
            inv(a.1).partial_cmp(&inv(b.1)).unwrap_or(std::cmp::Ordering::Equal)
        }) {
            s.selected = Some(SlideFeature {
                layer: "parks".to_owned(),
                name: f.display_name(false).map(str::to_owned),
                index: i,
            });
        }
        s.notes = "园区：面积、投资与业态，点击园区显示详情。".to_owned();
        slides.push(s);
    }

    if let Some(grids) = find("grids").filter(|l| !l.features.is_empty()) {
        let extent = find("kuiwen_boundary").and_then(|l| l.bbox).or(grids.bbox);
        if let Some(extent) = extent {
            let mut s = Slide::framing("社区网格化治理体系", "The community grid system", pad(extent, 0.04));
            let count = |k: &str| find(k).map_or(0, |l| l.features.len());
            let managers: f64 = grids
                .features
                .iter()
                .filter_map(|f| f.properties.get("managers").and_then(serde_json::Value::as_f64))
                .sum();
            s.subtitle = format!(
                "{} 个街道 · {} 个社区 · {} 个网格 · {managers:.0} 名网格员",
                count("subdistricts"),
                count("communities"),
                count("grids")
            );
            s.subtitle_en = Some(format!(
                "{} subdistricts · {} communities · {} grids · {managers:.0} grid managers",
                count("subdistricts"),
                count("communities"),
                count("grids")
            ));
            s.layers = show(&["grids", "communities", "subdistricts"]);
            s.notes = "网格化：街道—社区—网格三级，网格员数量。".to_owned();
            slides.push(s);
        }
    }
    slides
}

/// `b` grown by `share` of its size on each side.
fn pad(b: BBox, share: f64) -> BBox {
    let (dx, dy) = ((b[2] - b[0]) * share, (b[3] - b[1]) * share);
    [b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy]
}

/// The interior point of the largest polygon among a layer's features (by geodesic area).
fn largest_part_interior(layer: &Layer) -> Option<[f64; 2]> {
    use geo::InteriorPoint;
    let parts = layer.features.iter().filter_map(|f| f.geometry.as_ref()).flat_map(|g| match g {
        geo::Geometry::Polygon(p) => vec![p.clone()],
        geo::Geometry::MultiPolygon(m) => m.0.clone(),
        _ => Vec::new(),
    });
    let largest = parts.max_by(|a, b| {
        let area = |p: &geo::Polygon<f64>| area_m2(&geo::Geometry::Polygon(p.clone()));
        area(a).total_cmp(&area(b))
    })?;
    largest.interior_point().map(|p| [p.x(), p.y()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_briefing_has_five_slides_with_figures_from_the_data() {
        let layers = crate::io::embedded::load_all().unwrap_or_else(|(f, e)| panic!("{f}: {e}"));
        let slides = builtin_briefing(&layers.iter().collect::<Vec<_>>());
        let titles: Vec<&str> = slides.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            ["奎文区规划一张图", "四大开发片区", "南部新城与15分钟生活圈", "产业与文创园区", "社区网格化治理体系"]
        );
        assert!(
            slides[1].subtitle.contains("老市府") && slides[1].subtitle.contains("白浪河"),
            "{}",
            slides[1].subtitle
        );
        assert!(slides[2].subtitle.contains("30.0 km²"), "{}", slides[2].subtitle);
        assert!(slides[2].life_circle.is_some());
        assert!(slides[3].subtitle.contains("齐鲁创智园 2.00 km² 30 亿元"), "{}", slides[3].subtitle);
        assert_eq!(slides[4].subtitle, "8 个街道 · 65 个社区 · 413 个网格 · 1315 名网格员");
        for s in &slides {
            let layers = s.layers.as_ref().unwrap_or_else(|| panic!("{} sets its layers", s.title));
            assert!(layers.iter().any(|l| l.key == "kuiwen_boundary" && l.visible));
            assert!(s.extent.is_some() && (10.0..17.0).contains(&s.zoom), "{}: {}", s.title, s.zoom);
        }
    }
}
