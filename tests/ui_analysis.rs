//! UI tests of the 查询统计 window with the real app (egui_kittest, software wgpu), driven by label:
//! statistics by community with its table and choropleth, conflict analysis added as a layer, and
//! a nearby query from a click on the map.

mod common;

use common::{App, click_at, harness, save_image, wait_for};
use egui_kittest::kittest::Queryable;
use geo::{Distance, Geodesic, Geometry, Point};
use kuiwen_atlas::analysis::overlay::intersect;
use kuiwen_atlas::app::{FeatureRef, StartOptions};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::model::{Classification, GeometryKind};

fn app() -> App {
    harness([1400.0, 900.0], StartOptions { basemap: Some(Basemap::None), ..Default::default() })
}

/// Click the first widget with this label, then step a few frames (a running analysis keeps
/// repainting its spinner, so the harness is stepped rather than run until it settles).
fn click(h: &mut App, label: &str) {
    h.get_all_by_label(label).next().unwrap_or_else(|| panic!("no {label}")).click();
    h.run_steps(4);
}

#[test]
fn statistics_by_community_show_a_table_a_choropleth_and_select_the_unit() {
    let mut h = app();
    click(&mut h, "查询统计");
    click(&mut h, "统计");
    wait_for(&mut h, "the statistics", |a| a.analysis.zonal.is_some());
    h.run();
    let table = &h.state().analysis.zonal.as_ref().unwrap_or_else(|| panic!("no table")).table;
    assert_eq!(table.units.len(), 65);
    // The count of one community, independently: facilities whose point lies in its polygon.
    let app = h.state();
    let communities = &app.layer("communities").unwrap_or_else(|| panic!("no communities")).layer;
    let facilities = &app.layer("facilities").unwrap_or_else(|| panic!("no facilities")).layer;
    let row = &table.units[0];
    let polygon = communities.features[row.unit].geometry.as_ref().unwrap_or_else(|| panic!("no geometry"));
    let inside = facilities
        .features
        .iter()
        .filter(|f| f.geometry.as_ref().is_some_and(|g| geo::Intersects::intersects(polygon, g)))
        .count();
    assert_eq!(row.count, inside, "{}", row.name);
    let name = row.name.clone();
    // The table lists the community by name; clicking its row selects it on the map.
    click(&mut h, &name);
    assert_eq!(h.state().selection, Some(FeatureRef { layer: "communities".into(), feature: row_unit(&h, &name) }));
    click(&mut h, "分级设色");
    let layer = h
        .state()
        .layers
        .iter()
        .find(|e| e.layer.key == "stats:facilities:communities")
        .unwrap_or_else(|| panic!("no choropleth layer"));
    assert_eq!(layer.layer.features.len(), 65);
    assert_eq!(layer.layer.main_kind(), GeometryKind::Polygon);
    assert!(matches!(&layer.layer.style.classification, Classification::Graduated { field, .. } if field == "count"));
    assert!(layer.layer.visible);
    let style = layer.layer.style.clone();
    save_image(&mut h, "analysis_statistics");
    // The result is kept in a saved workspace and comes back with it, styled as it was.
    let dir = common::temp_dir();
    let ws = dir.path().join("统计.kuiwen.json");
    h.state_mut().save_workspace(&ws);
    let mut again = common::harness_headless(
        [1400.0, 900.0],
        StartOptions { basemap: Some(Basemap::None), workspace: Some(ws), ..Default::default() },
    );
    again.step();
    let back = again
        .state()
        .layers
        .iter()
        .find(|e| e.layer.key == "stats:facilities:communities")
        .unwrap_or_else(|| panic!("the result did not come back: {}", common::notices(again.state())));
    assert_eq!(back.layer.features.len(), 65);
    assert_eq!(back.layer.style, style);
    assert_eq!(back.layer.name_zh, "统计：公共服务设施按社区统计");
    let counts = |l: &kuiwen_atlas::model::Layer| l.features.iter().map(|f| f.prop_f64("count")).collect::<Vec<_>>();
    let first =
        h.state().layers.iter().find(|e| e.layer.key == "stats:facilities:communities").map(|e| counts(&e.layer));
    assert_eq!(Some(counts(&back.layer)), first);
}

fn row_unit(h: &App, name: &str) -> usize {
    let t = &h.state().analysis.zonal.as_ref().unwrap_or_else(|| panic!("no table")).table;
    t.units.iter().find(|u| u.name == name).map(|u| u.unit).unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn conflict_analysis_is_added_as_a_layer_with_the_overlap_areas() {
    let mut h = app();
    click(&mut h, "查询统计");
    click(&mut h, "叠加分析");
    click(&mut h, "求交（冲突分析）");
    wait_for(&mut h, "the overlay", |a| a.analysis.overlay.is_some());
    h.run();
    click(&mut h, "添加为图层");
    let app = h.state();
    let town = &app.layer("southern_new_town").unwrap_or_else(|| panic!("no town")).layer;
    let communities = &app.layer("communities").unwrap_or_else(|| panic!("no communities")).layer;
    let expected =
        intersect(&town.features, "南部新城", &communities.features, "社区", false).unwrap_or_else(|e| panic!("{e}"));
    let layer = app
        .layers
        .iter()
        .find(|e| e.layer.key == "overlay:southern_new_town:communities")
        .unwrap_or_else(|| panic!("no overlay layer"));
    assert!(!expected.pairs.is_empty());
    assert_eq!(layer.layer.features.len(), expected.pairs.len());
    let total: f64 = layer.layer.features.iter().filter_map(|f| f.prop_f64("overlap_area_m2")).sum();
    assert!((total - expected.total_area_m2()).abs() < 1.0, "{total} vs {}", expected.total_area_m2());
    // The table shows each pair by both names.
    let first = &expected.pairs[0];
    assert!(h.get_all_by_label(&first.b).next().is_some(), "{} not in the table", first.b);
    save_image(&mut h, "analysis_overlay");
}

#[test]
fn clicking_the_map_with_the_nearby_tool_lists_what_is_within_the_distance() {
    let mut h = app();
    click(&mut h, "周边");
    let target = [119.1314, 36.7090];
    let pos = h.state().screen_pos(target).unwrap_or_else(|| panic!("no view"));
    click_at(&mut h, pos);
    h.run();
    let app = h.state();
    let r = app.analysis.nearby.as_ref().unwrap_or_else(|| panic!("no query ran"));
    let at = r.at.unwrap_or_else(|| panic!("no clicked point"));
    assert!((at[0] - target[0]).abs() < 0.001 && (at[1] - target[1]).abs() < 0.001, "{at:?}");
    // Independently: every facility within 500 m of the clicked point, by Karney's distance.
    let facilities = &app.layer("facilities").unwrap_or_else(|| panic!("no facilities")).layer;
    let mut expected: Vec<usize> = facilities
        .features
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            matches!(f.geometry, Some(Geometry::Point(p)) if Geodesic.distance(Point::new(at[0], at[1]), p) <= 500.0)
        })
        .map(|(i, _)| i)
        .collect();
    let mut found: Vec<usize> = r.hits.iter().map(|x| x.feature).collect();
    expected.sort_unstable();
    found.sort_unstable();
    assert!(expected.len() >= 3, "too few facilities near the government for a real check: {expected:?}");
    assert_eq!(found, expected);
    assert!(app.analysis.open, "the window opens on the nearby tab to list them");
    save_image(&mut h, "analysis_nearby");
    // What was found becomes a layer, each feature with its distance.
    click(&mut h, "添加为图层");
    let layer = h.state().layer("nearby:facilities").unwrap_or_else(|| panic!("no nearby layer"));
    assert_eq!(layer.layer.features.len(), expected.len());
    assert!(layer.layer.features.iter().all(|f| f.prop_f64("distance_m").is_some_and(|d| d <= 500.0)));
}

#[test]
fn the_difference_keeps_what_the_overlaps_do_not_cover() {
    let mut h = app();
    click(&mut h, "查询统计");
    click(&mut h, "叠加分析");
    click(&mut h, "A − B 差集");
    wait_for(&mut h, "the difference", |a| a.layer("difference:southern_new_town:communities").is_some());
    let app = h.state();
    let town = &app.layer("southern_new_town").unwrap_or_else(|| panic!("no town")).layer;
    let communities = &app.layer("communities").unwrap_or_else(|| panic!("no communities")).layer;
    let overlap = intersect(&town.features, "南部新城", &communities.features, "社区", false)
        .unwrap_or_else(|e| panic!("{e}"))
        .total_area_m2();
    let area = |fs: &[kuiwen_atlas::model::Feature]| -> f64 {
        fs.iter().filter_map(|f| f.geometry.as_ref()).map(kuiwen_atlas::analysis::measure::area_m2).sum()
    };
    let rest =
        area(&app.layer("difference:southern_new_town:communities").unwrap_or_else(|| panic!("gone")).layer.features);
    let whole = area(&town.features);
    assert!(overlap > 0.0 && rest < whole);
    assert!((rest + overlap - whole).abs() < 1e-4 * whole, "{rest} + {overlap} ≠ {whole}");
}

#[test]
fn life_circle_coverage_of_households_is_listed_per_facility_type_against_the_target() {
    let mut h = app();
    click(&mut h, "查询统计");
    click(&mut h, "生活圈覆盖");
    click(&mut h, "计算覆盖率");
    wait_for(&mut h, "the coverage", |a| a.analysis.population.is_some());
    h.run_steps(2);
    let r = h.state().analysis.population.clone().unwrap_or_else(|| panic!("no coverage"));
    assert!(r.walking);
    assert_eq!(r.items.len(), 12);
    assert_eq!(r.target_pct, 99.0);
    // Every type is a row, by its Chinese name, with its share at the 15-minute distance.
    for item in &r.items {
        assert!(h.get_all_by_label(item.name_zh).next().is_some(), "no row for {}", item.name_zh);
    }
    let kindergarten =
        r.items.iter().find(|i| i.category == "kindergarten").unwrap_or_else(|| panic!("no kindergartens"));
    assert!(h.get_all_by_label(&format!("{:.1}%", kindergarten.district.pct(2))).next().is_some());
    save_image(&mut h, "analysis_population");
}
