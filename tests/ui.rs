//! UI tests with the real app, driven by label through egui_kittest (software-rendered with wgpu).

mod common;

use common::click_at;
use egui::accesskit::Role;
use egui::{Key, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use geo::InteriorPoint;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::io::embedded::FILES;

fn harness() -> Harness<'static, AtlasApp> {
    let mut h = Harness::builder().with_size([1400.0, 900.0]).wgpu().build_eframe(|cc| {
        AtlasApp::new(&cc.egui_ctx, None, StartOptions { basemap: Some(Basemap::None), ..Default::default() })
    });
    h.run();
    h
}

/// Pixels that are the development districts' red outline and nothing else on the map.
fn district_red_pixels(h: &mut Harness<'static, AtlasApp>) -> usize {
    let img = h.render().unwrap_or_else(|e| panic!("render failed: {e}"));
    if let Ok(dir) = std::env::var("KUIWEN_TEST_IMAGES") {
        let n = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        let _ = img.save(format!("{dir}/red-{n}.png"));
    }
    // Only the map (between the side panels), not the legend swatches in the layer list.
    img.enumerate_pixels().filter(|(x, _, p)| (300..1050).contains(x) && p[0] > 170 && p[1] < 70 && p[2] < 90).count()
}

/// Tick or untick a layer in the layer list (its checkbox: the name also appears elsewhere).
fn toggle(h: &mut Harness<'static, AtlasApp>, label: &str) {
    h.get_by_role_and_label(Role::CheckBox, label).click();
    h.run();
}

fn interior_point(app: &AtlasApp, layer: &str, name: &str) -> [f64; 2] {
    let e = app.layer(layer).unwrap_or_else(|| panic!("no layer {layer}"));
    let f = e.layer.features.iter().find(|f| f.name() == Some(name)).unwrap_or_else(|| panic!("no feature {name}"));
    let p =
        f.geometry.as_ref().and_then(|g| g.interior_point()).unwrap_or_else(|| panic!("no interior point for {name}"));
    [p.x(), p.y()]
}

#[test]
fn every_embedded_layer_is_listed_by_its_chinese_name() {
    let h = harness();
    for f in FILES {
        h.get_by_role_and_label(Role::CheckBox, f.name_zh);
    }
    assert_eq!(h.state().layers.len(), FILES.len());
}

#[test]
fn hiding_a_layer_removes_it_from_the_map() {
    let mut h = harness();
    let before = district_red_pixels(&mut h);
    assert!(before > 200, "the districts should be drawn: {before} red pixels");
    toggle(&mut h, "四大片区");
    assert!(!h.state().layer("development_districts").is_some_and(|e| e.layer.visible));
    let after = district_red_pixels(&mut h);
    assert!(after < before / 20, "hidden districts still drawn: {after} of {before} red pixels");
    toggle(&mut h, "四大片区");
    assert!(district_red_pixels(&mut h) > before / 2);
}

#[test]
fn clicking_inside_a_district_selects_it_and_shows_its_metadata() {
    let mut h = harness();
    // Layers drawn above the districts would win the click near their features: hide them.
    for label in ["公共服务设施", "道路", "胶济铁路", "河流", "产业园区"] {
        toggle(&mut h, label);
    }
    let ll = interior_point(h.state(), "development_districts", "老市府片区");
    let pos = h.state().screen_pos(ll).unwrap_or_else(|| panic!("no view yet"));
    click_at(&mut h, pos);
    let sel = h.state().selection.clone().unwrap_or_else(|| panic!("nothing selected"));
    assert_eq!(sel.layer, "development_districts");
    h.get_by_label("老市府片区");
    assert!(!h.get_all_by_label_contains("km²").collect::<Vec<_>>().is_empty());
    assert!(!h.get_all_by_label_contains("亩").collect::<Vec<_>>().is_empty());
    // Clicking empty ground, on the map but outside every layer, clears the selection and its card.
    let view = h.state().last_view().unwrap_or_else(|| panic!("no view"));
    let empty = outside_every_layer(h.state(), view.rect);
    click_at(&mut h, empty);
    assert_eq!(h.state().selection, None, "a click at {empty:?} on empty ground leaves a selection");
    assert!(h.query_by_label("老市府片区").is_none(), "the district's card is still shown");
}

/// A point on the map rectangle at least 40 points from every feature's bounding box.
fn outside_every_layer(app: &AtlasApp, map: egui::Rect) -> Pos2 {
    let boxes: Vec<egui::Rect> = app
        .layers
        .iter()
        .filter(|e| e.layer.visible)
        .flat_map(|e| e.layer.features.iter().filter_map(|f| f.bbox))
        .filter_map(|b| {
            let (a, c) = (app.screen_pos([b[0], b[1]])?, app.screen_pos([b[2], b[3]])?);
            Some(egui::Rect::from_two_pos(a, c).expand(40.0))
        })
        .collect();
    let inner = map.shrink(20.0);
    (0..=20)
        .flat_map(|i| (0..=20).map(move |j| (i, j)))
        .map(|(i, j)| inner.lerp_inside(egui::vec2(i as f32 / 20.0, j as f32 / 20.0)))
        .find(|p| !boxes.iter().any(|b| b.contains(*p)))
        .unwrap_or_else(|| panic!("no empty ground on the map {map:?}"))
}

#[test]
fn searching_a_park_selects_and_zooms_to_it() {
    let mut h = harness();
    let zoom_before = h.state().zoom();
    let search = h.get_by_role(Role::TextInput);
    search.click();
    h.run();
    h.get_by_role(Role::TextInput).type_text("齐鲁创智");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let sel = h.state().selection.clone().unwrap_or_else(|| panic!("search selected nothing"));
    assert_eq!(sel.layer, "parks");
    assert!(h.state().zoom() > zoom_before + 0.5, "zoomed in to the park: {} → {}", zoom_before, h.state().zoom());
    h.get_by_label("齐鲁创智园");
    // Figures from the articles show with units.
    h.get_by_label("30 亿元");
    assert!(h.query_all_by_label("2 km²").count() >= 1);
}

#[test]
fn searching_in_english_finds_the_same_park() {
    let mut h = harness();
    h.get_by_role(Role::TextInput).click();
    h.run();
    h.get_by_role(Role::TextInput).type_text("qilu");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let sel = h.state().selection.clone().unwrap_or_else(|| panic!("search selected nothing"));
    let app = h.state();
    let name = app.layer(&sel.layer).and_then(|e| e.layer.features.get(sel.feature)).and_then(|f| f.name());
    assert_eq!(name, Some("齐鲁创智园"));
}

#[test]
fn switching_to_english_changes_the_labels() {
    let mut h = harness();
    h.get_by_label("图层");
    h.get_by_label("English").click();
    h.run();
    h.get_by_label("Layers");
    h.get_by_role_and_label(Role::CheckBox, "Development districts");
    h.get_by_label("Feature details");
    assert!(h.query_by_label("图层").is_none());
    h.get_by_label("中文").click();
    h.run();
    h.get_by_role_and_label(Role::CheckBox, "四大片区");
}

/// The OpenStreetMap-derived outline is credited on the map while it is shown; with nothing
/// selected the info panel says which layers are approximate (with their tolerance) and which
/// illustrative; a station's card gives its accuracy and credit.
#[test]
fn the_outline_is_credited_and_every_layer_says_how_accurate_it_is() {
    let mut h = harness();
    h.get_by_label("数据 © OpenStreetMap contributors, geoBoundaries");
    h.get_by_label_contains("数据来源与精度");
    h.get_by_label("近似 (±1000 m) · © OpenStreetMap contributors, geoBoundaries");
    h.get_by_label_contains("其中近似：潍坊站 (±50 m)、廿里堡站 (±50 m)");
    assert!(h.query_all_by_label("示意").count() >= 5, "the drawn layers are marked illustrative");
    // Hidden outline and railway: no credit is claimed for what is not shown.
    toggle(&mut h, "奎文区界");
    toggle(&mut h, "胶济铁路");
    assert!(
        h.query_by_label_contains("OpenStreetMap contributors, geoBoundaries").is_some(),
        "still listed in the panel"
    );
    assert!(h.query_by_label("数据 © OpenStreetMap contributors, geoBoundaries").is_none(), "credit of a hidden layer");
    toggle(&mut h, "胶济铁路");
    h.get_by_label("数据 © OpenStreetMap contributors");
    // A station's card.
    let station = interior_point(h.state(), "jiaoji_railway", "廿里堡站");
    let pos = h.state().screen_pos(station).unwrap_or_else(|| panic!("no view"));
    click_at(&mut h, pos);
    let sel = h.state().selection.clone().unwrap_or_else(|| panic!("the station was not selected"));
    assert_eq!(sel.layer, "jiaoji_railway");
    h.get_by_label("近似 (±50 m)");
    h.get_by_label("精度");
}
