//! UI tests of the planner's toolkit with the real app (egui_kittest, software wgpu): the measure
//! tool, the attribute table, the charts and the rectangle selection, driven by label.

mod common;

use common::click_at;
use egui::accesskit::{Role, Toggled};
use egui::{Event, Key, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use kuiwen_atlas::app::measure_tool::MeasureMode;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;

/// 1 km of longitude at 36.7°N on the WGS84 ellipsoid.
const DLON_1KM: f64 = 0.011_193_9;
/// 1 km of latitude at 36.7°N.
const DLAT_1KM: f64 = 0.009_008_5;

fn harness_with(start: StartOptions) -> Harness<'static, AtlasApp> {
    harness_stepped(start, 0.25)
}

/// A harness whose frames are `step_dt` seconds apart. kittest runs one frame per queued event,
/// so a double-click (two clicks within 0.3 s) needs short frames.
fn harness_stepped(start: StartOptions, step_dt: f32) -> Harness<'static, AtlasApp> {
    let mut h = Harness::builder().with_size([1400.0, 900.0]).with_step_dt(step_dt).wgpu().build_eframe(move |cc| {
        AtlasApp::new(&cc.egui_ctx, None, StartOptions { basemap: Some(Basemap::None), ..start })
    });
    h.run();
    h
}

fn harness() -> Harness<'static, AtlasApp> {
    harness_with(StartOptions::default())
}

fn press_release(h: &Harness<'static, AtlasApp>, pos: Pos2, modifiers: Modifiers) {
    h.event(Event::PointerButton { pos, button: PointerButton::Primary, pressed: true, modifiers });
    h.event(Event::PointerButton { pos, button: PointerButton::Primary, pressed: false, modifiers });
}

fn screen(h: &Harness<'static, AtlasApp>, lon_lat: [f64; 2]) -> Pos2 {
    h.state().screen_pos(lon_lat).unwrap_or_else(|| panic!("no view yet"))
}

/// Untick a layer in the layer list (the first widget with its name).
fn hide_layer(h: &mut Harness<'static, AtlasApp>, label: &str) {
    h.get_all_by_label(label).next().unwrap_or_else(|| panic!("no layer {label}")).click();
    h.run();
}

fn click(h: &mut Harness<'static, AtlasApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// Save the frame when KUIWEN_TEST_IMAGES names a folder (to look at it).
fn keep_image(h: &mut Harness<'static, AtlasApp>, name: &str) {
    if let Ok(dir) = std::env::var("KUIWEN_TEST_IMAGES") {
        let img = h.render().unwrap_or_else(|e| panic!("render failed: {e}"));
        let _ = img.save(format!("{dir}/{name}.png"));
    }
}

// ---------------------------------------------------------------------------------------------
// Measure

#[test]
fn measuring_one_km_east_west_shows_1_000_km() {
    let mut h = harness();
    click(&mut h, "量算");
    // Free placement: the points below must not jump to a street vertex.
    click(&mut h, "吸附顶点");
    assert!(!h.state().measure.snap);
    // DLON_1KM is 1 km at exactly 36.7°N.
    let a = [119.13, 36.7];
    let b = [119.13 + DLON_1KM, 36.7];
    let (pa, pb) = (screen(&h, a), screen(&h, b));
    let window = h.get_all_by_label("量算结果").fold(egui::Rect::NOTHING, |r, n| r.union(n.rect()));
    assert!(!window.contains(pa) && !window.contains(pb), "the measure window covers the test points");
    click_at(&mut h, pa);
    // Live: one vertex placed, the pointer still at it.
    assert_eq!(h.state().measure.vertices.len(), 1);
    click_at(&mut h, pb);
    h.key_press(Key::Enter);
    h.run();
    let m = &h.state().measure;
    assert!(m.finished, "Enter finishes the line");
    assert_eq!(m.vertices.len(), 2);
    assert!((m.length_m() - 1000.0).abs() < 0.5, "{} m", m.length_m());
    // The window shows it in km and in m.
    h.get_by_label("1.000 km");
    h.get_by_label_contains("1,000.");
    keep_image(&mut h, "measure-line");
    // Esc clears it.
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().measure.vertices.is_empty());
    assert!(h.query_by_label("1.000 km").is_none());
}

#[test]
fn measuring_a_square_km_by_double_click_and_keeping_it_as_a_layer() {
    let mut h = harness_stepped(StartOptions::default(), 1.0 / 60.0);
    click(&mut h, "量算");
    click(&mut h, "面积");
    assert_eq!(h.state().measure.mode, MeasureMode::Area);
    click(&mut h, "吸附顶点");
    let (x0, y0) = (119.12, 36.655);
    let corners = [[x0, y0], [x0 + DLON_1KM, y0], [x0 + DLON_1KM, y0 + DLAT_1KM], [x0, y0 + DLAT_1KM]];
    for c in &corners[..3] {
        let p = screen(&h, *c);
        click_at(&mut h, p);
    }
    // The last corner by double-click: two clicks at the same place, a few frames apart.
    let p = screen(&h, corners[3]);
    h.event(Event::PointerMoved(p));
    h.run();
    press_release(&h, p, Modifiers::NONE);
    h.step();
    assert!(!h.state().measure.finished, "one click does not finish");
    press_release(&h, p, Modifiers::NONE);
    h.run();
    let m = &h.state().measure;
    assert!(m.finished, "double-click finishes the polygon");
    assert_eq!(m.vertices.len(), 4, "the double-click adds its vertex once");
    let a = m.area_m2();
    assert!((a - 1.0e6).abs() < 3_000.0, "{a} m²");
    // km², 公顷 and 亩 are all shown.
    assert!(h.query_all_by_label_contains("km²").count() >= 1);
    let text = |n: egui_kittest::Node<'_>| {
        let a = n.accesskit_node();
        a.label().or_else(|| a.value()).unwrap_or_default()
    };
    let ha = text(h.get_by_label_contains("公顷"));
    assert!(ha.starts_with("99.") || ha.starts_with("100.0"), "{ha}");
    let mu = text(h.get_by_label_contains("亩"));
    assert!(mu.starts_with("1,49") || mu.starts_with("1,500"), "{mu}");
    keep_image(&mut h, "measure-area");

    click(&mut h, "保留为图层");
    let e = h.state().layer("measurements").unwrap_or_else(|| panic!("no measurements layer"));
    assert_eq!(e.layer.features.len(), 1);
    let mu = e.layer.features[0].prop_f64("area_mu").unwrap_or_default();
    assert!((mu - 1500.0).abs() < 5.0, "{mu}");
    // The generated layer is listed with the others.
    h.get_by_label("量算记录");
}

#[test]
fn measure_snaps_to_a_street_vertex_unless_alt_is_held() {
    let mut h = harness();
    // Only the streets stay visible: their vertices are the only snap targets.
    for label in
        ["公共服务设施", "胶济铁路", "河流", "产业园区", "四大片区", "二级网格", "社区", "街道", "南部新城", "奎文区界"]
    {
        hide_layer(&mut h, label);
    }
    click(&mut h, "量算");
    assert!(h.state().measure.snap);
    // A vertex in the middle of a street in the old town, clicked 2.5 px off.
    let roads = h.state().layer("roads").unwrap_or_else(|| panic!("no roads"));
    let vertices: Vec<geo::Coord<f64>> = roads
        .layer
        .features
        .iter()
        .filter_map(|f| match f.geometry.as_ref() {
            Some(geo::Geometry::LineString(ls)) => Some(ls.0.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    let v = *vertices
        .iter()
        .find(|c| c.x > 119.11 && c.x < 119.16 && c.y > 36.66 && c.y < 36.72)
        .unwrap_or_else(|| panic!("no road vertex in the test area"));
    // Zoom in around it until no other street vertex is within 12 px: the nearest is not in doubt.
    h.state_mut().fit([v.x - 0.002, v.y - 0.002, v.x + 0.002, v.y + 0.002]);
    h.run();
    let pv = screen(&h, [v.x, v.y]);
    assert!(
        vertices.iter().all(|o| *o == v || (screen(&h, [o.x, o.y]) - pv).length() > 12.0),
        "another vertex is close at zoom {}",
        h.state().zoom()
    );
    let p = screen(&h, [v.x, v.y]) + egui::vec2(2.0, -1.5);
    click_at(&mut h, p);
    let placed = h.state().measure.vertices.first().copied().unwrap_or_else(|| panic!("no vertex placed"));
    assert_eq!(placed, [v.x, v.y], "the click snapped onto the street vertex");
    // With Alt held the same click lands where it is.
    h.event(Event::ModifiersChanged(Modifiers::ALT));
    h.run();
    press_release(&h, p, Modifiers::ALT);
    h.run();
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
    let free = h.state().measure.vertices.get(1).copied().unwrap_or_else(|| panic!("no second vertex"));
    assert_ne!(free, [v.x, v.y]);
    assert!((screen(&h, free) - p).length() < 0.01, "Alt places the point under the pointer");
}

// ---------------------------------------------------------------------------------------------
// Attribute table

#[test]
fn attribute_table_selects_rows_and_follows_the_map() {
    let mut h = harness();
    click(&mut h, "表格");
    assert!(h.state().table.open);
    // Choose the parks in the table's layer chooser.
    h.get_by_role_and_label(Role::ComboBox, "表格图层").click();
    h.run();
    click(&mut h, "产业园区 · 8");
    assert_eq!(h.state().table.layer.as_deref(), Some("parks"));
    // Units and figures, right in the rows.
    h.get_by_label("30 亿元");
    h.get_by_label("600 亩");
    keep_image(&mut h, "table-parks");

    // Click a row: it selects and zooms to the park.
    let zoom_before = h.state().zoom();
    click(&mut h, "1532文化创意园");
    let sel = h.state().selection.clone().unwrap_or_else(|| panic!("the row selected nothing"));
    assert_eq!(sel.layer, "parks");
    let name = h.state().layer("parks").and_then(|e| e.layer.features.get(sel.feature)).and_then(|f| f.name());
    assert_eq!(name, Some("1532文化创意园"));
    assert!(h.state().zoom() > zoom_before + 0.5, "zoomed to the park");

    // Filter: only matching rows stay.
    let filter = h.get_by_role_and_label(Role::TextInput, "筛选");
    filter.click();
    h.run();
    h.get_by_role_and_label(Role::TextInput, "筛选").type_text("金融");
    h.run();
    let rows: Vec<usize> = h.state().table.rows().to_vec();
    assert_eq!(rows.len(), 2, "特色金融小镇 and 山东互联网金融中心: {rows:?}");
    assert!(h.query_by_label("齐鲁创智园").is_none());
}

#[test]
fn sorting_a_numeric_column_orders_by_value() {
    let mut h = harness_with(StartOptions { table: Some("communities".into()), ..Default::default() });
    // Descending households: click the header twice.
    click(&mut h, "户数");
    click(&mut h, "户数 ▲");
    let app = h.state();
    let e = app.layer("communities").unwrap_or_else(|| panic!("no communities"));
    let values: Vec<f64> = app
        .table
        .rows()
        .iter()
        .filter_map(|&i| e.layer.features.get(i))
        .filter_map(|f| f.prop_f64("households"))
        .collect();
    assert_eq!(values.len(), 65);
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "not descending: {values:?}");
    h.get_by_label("户数 ▼");
}

#[test]
fn selecting_on_the_map_selects_the_row() {
    let mut h = harness_with(StartOptions { table: Some("subdistricts".into()), ..Default::default() });
    // Only the subdistricts on the map, so a click picks one.
    for label in ["公共服务设施", "道路", "胶济铁路", "河流", "产业园区", "四大片区", "二级网格", "社区"]
    {
        hide_layer(&mut h, label);
    }
    let f = h
        .state()
        .layer("subdistricts")
        .and_then(|e| e.layer.features.iter().position(|f| f.name() == Some("广文街道")))
        .unwrap_or_else(|| panic!("no 广文街道"));
    let ll = {
        use geo::InteriorPoint;
        let e = h.state().layer("subdistricts").unwrap_or_else(|| panic!("no subdistricts"));
        let p = e.layer.features[f]
            .geometry
            .as_ref()
            .and_then(|g| g.interior_point())
            .unwrap_or_else(|| panic!("no point"));
        [p.x(), p.y()]
    };
    let p = screen(&h, ll);
    click_at(&mut h, p);
    let sel = h.state().selection.clone().unwrap_or_else(|| panic!("nothing selected"));
    assert_eq!((sel.layer.as_str(), sel.feature), ("subdistricts", f));
    // The row's name cell is shown selected.
    assert!(
        h.get_all_by_label("广文街道").any(|n| n.accesskit_node().toggled() == Some(Toggled::True)),
        "the row is not highlighted"
    );
}

// ---------------------------------------------------------------------------------------------
// Charts and multi-selection

#[test]
fn clicking_a_bar_selects_its_subdistrict() {
    let mut h = harness();
    click(&mut h, "图表");
    click(&mut h, "街道网格");
    let (frame, rows) = h.state().charts.plot_frame().unwrap_or_else(|| panic!("no chart drawn"));
    assert_eq!(rows, 8, "one row per subdistrict");
    keep_image(&mut h, "chart-grids");
    // Row 2 from the top, just right of the value axis (every bar starts at 0).
    let y = frame.top() + (2.0 + 0.4) / rows as f32 * frame.height();
    click_at(&mut h, Pos2::new(frame.left() + 8.0, y));
    let sel = h.state().selection.clone().unwrap_or_else(|| panic!("the bar selected nothing"));
    assert_eq!(sel.layer, "subdistricts");
    assert_eq!(sel.feature, 2, "the third subdistrict of the layer");
}

#[test]
fn exporting_a_chart_crops_the_screenshot_to_the_chart() {
    let mut h = harness();
    click(&mut h, "图表");
    click(&mut h, "园区面积");
    let rect = h.state().charts.chart_rect().unwrap_or_else(|| panic!("no chart drawn"));
    assert!(h.state().charts.last_export_px().is_none());
    // The screenshot is taken by the harness like by eframe; the save dialog that follows finds
    // no desktop here and is cancelled.
    click(&mut h, "导出 PNG");
    h.run();
    let [w, hgt] = h.state().charts.last_export_px().unwrap_or_else(|| panic!("no screenshot came back"));
    assert_eq!([w, hgt], [rect.width().round() as usize, rect.height().round() as usize], "{rect:?}");
    assert!(w > 300 && hgt > 200, "{w}×{hgt}");
}

/// The communities of geodata/communities.geojson, read with the geojson crate (not the app's
/// loader): each one's interior point and households.
fn communities_from_the_file() -> Vec<([f64; 2], f64)> {
    use geo::InteriorPoint;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/communities.geojson");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let fc: geojson::FeatureCollection = text.parse().unwrap_or_else(|e| panic!("{e}"));
    fc.features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let g: geo::Geometry<f64> = f
                .geometry
                .clone()
                .and_then(|g| g.try_into().ok())
                .unwrap_or_else(|| panic!("community {i} has no geometry"));
            let p = g.interior_point().unwrap_or_else(|| panic!("community {i}: no interior point"));
            let households = f.property("households").and_then(serde_json::Value::as_f64).unwrap_or(0.0);
            ([p.x(), p.y()], households)
        })
        .collect()
}

/// `[west, south, east, north]` near `nominal`, each edge moved by up to 1 km until no
/// community's interior point is within 50 m of it: a pixel of rounding in the drag must not
/// decide what is selected.
fn clear_box(nominal: [f64; 4], points: &[([f64; 2], f64)]) -> [f64; 4] {
    let margin_deg = [50.0 / 89_000.0, 50.0 / 111_000.0];
    let mut out = nominal;
    for (k, edge) in out.iter_mut().enumerate() {
        let axis = k % 2;
        *edge = (0..100)
            .flat_map(|i| [i as f64, -(i as f64)])
            .map(|i| nominal[k] + i * 0.0001)
            .find(|v| points.iter().all(|(p, _)| (p[axis] - v).abs() > margin_deg[axis]))
            .unwrap_or_else(|| panic!("no clear place for edge {k} near {}", nominal[k]));
    }
    out
}

#[test]
fn shift_drag_selects_communities_and_sums_households() {
    let mut h = harness();
    let points = communities_from_the_file();
    let bx = clear_box([119.105, 36.70, 119.16, 36.745], &points);
    let (a, b) = (screen(&h, [bx[0], bx[3]]), screen(&h, [bx[2], bx[1]]));
    assert!(a.x > 300.0 && b.x < 1100.0 && a.y > 40.0 && b.y < 880.0, "the box is on the map: {a:?} {b:?}");
    h.event(Event::PointerMoved(a));
    h.event(Event::ModifiersChanged(Modifiers::SHIFT));
    h.run();
    h.event(Event::PointerButton {
        pos: a,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::SHIFT,
    });
    h.run();
    h.event(Event::PointerMoved(a + egui::vec2(10.0, 10.0)));
    h.run();
    h.event(Event::PointerMoved(b));
    h.run();
    h.event(Event::PointerButton {
        pos: b,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::SHIFT,
    });
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.run();
    let multi = &h.state().multi;
    let communities: Vec<usize> = multi.items.iter().filter(|r| r.layer == "communities").map(|r| r.feature).collect();
    // What the box must select, worked out from the file itself: the communities whose interior
    // point lies in the dragged box, and their households.
    let inside = |p: &[f64; 2]| p[0] > bx[0] && p[0] < bx[2] && p[1] > bx[1] && p[1] < bx[3];
    let want: Vec<usize> = (0..points.len()).filter(|&i| inside(&points[i].0)).collect();
    let expected: f64 = want.iter().map(|&i| points[i].1).sum();
    assert!(want.len() >= 5, "the box holds {} communities: too few to check", want.len());
    assert_eq!(communities, want, "selected communities (by index in communities.geojson)");
    let summary = multi
        .summaries
        .iter()
        .find(|(k, _)| k == "communities")
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("no summary"));
    assert_eq!(summary.stats.get("households").map(|s| s.sum), Some(expected));
    assert!(summary.area_m2 > 1.0e6);
    // The map did not pan while the box was drawn.
    assert!((screen(&h, [bx[0], bx[3]]) - a).length() < 0.5);
    h.get_by_label("选择集统计");
    keep_image(&mut h, "selection");
}
