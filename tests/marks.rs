//! The planner's marks (标注), driven through the real app: the 标注 tool places a labelled point
//! and draws a polygon whose first vertex snaps exactly onto a vertex of the embedded district
//! boundary; both are drawn on the map (pixels checked), saved in the workspace and back at the
//! same longitude and latitude in a fresh app; a mark is selected, dragged and deleted; the
//! layer list hides the marks; GeoJSON export and import round-trip and a bad file says why.

mod common;

use egui::{Key, Pos2, vec2};
use egui_kittest::kittest::{NodeT, Queryable};
use geo::CoordsIter;
use kuiwen_atlas::app::marks_tool::{self, MarkMode};
use kuiwen_atlas::app::tools::Tool;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::model::LayerOrigin;
use kuiwen_atlas::model::marks::{Mark, MarkGeometry, MarkStyle, Marks, round_lon_lat};
use kuiwen_atlas::render::MapView;

/// The default mark colour (MarkStyle::default()).
const MARK_RED: [u8; 3] = [214, 39, 40];

const BOUNDARY: &str = "kuiwen_boundary.geojson";

fn start(workspace: Option<std::path::PathBuf>) -> StartOptions {
    StartOptions { basemap: Some(Basemap::None), workspace, ..Default::default() }
}

/// The app with only the district boundary shown, centred on one of its vertices at zoom 16
/// (no legend, no basemap). Returns the vertex.
fn app_on_boundary_vertex() -> (common::App, [f64; 2]) {
    let mut h = common::harness([1200.0, 800.0], start(None));
    let app = h.state_mut();
    let mut vertex = None;
    for e in &mut app.layers {
        let boundary = matches!(e.layer.origin, LayerOrigin::Embedded { file } if file == BOUNDARY);
        e.layer.visible = boundary;
        if boundary {
            vertex = e.layer.features.iter().filter_map(|f| f.geometry.as_ref()).flat_map(|g| g.coords_iter()).nth(40);
        }
    }
    let v = vertex.expect("the boundary has vertices");
    app.persisted.show_legend = false;
    app.map.center_at([v.x, v.y], 16.0);
    app.map.pending_fit = None;
    h.run_steps(4);
    (h, [v.x, v.y])
}

fn view(h: &common::App) -> MapView {
    h.state().last_view().expect("the map was drawn")
}

/// Every vertex of the visible layers, on screen.
fn visible_vertices(app: &AtlasApp, view: &MapView) -> Vec<([f64; 2], Pos2)> {
    app.layers
        .iter()
        .filter(|e| e.layer.visible)
        .flat_map(|e| e.layer.features.iter())
        .filter_map(|f| f.geometry.as_ref())
        .flat_map(|g| g.coords_iter().map(|c| ([c.x, c.y], view.lon_lat_to_screen([c.x, c.y]))).collect::<Vec<_>>())
        .collect()
}

/// A spot of the map's left part near `near`, at least 30 points from every visible vertex (so a
/// click there is not snapped), away from the tool window on the right.
fn free_spot(h: &common::App, near: Pos2) -> Pos2 {
    let v = view(h);
    let vertices = visible_vertices(h.state(), &v);
    let area = egui::Rect::from_min_max(
        v.rect.min + vec2(40.0, 40.0),
        Pos2::new(v.rect.center().x + 100.0, v.rect.bottom() - 80.0),
    );
    for ring in 0..40 {
        for k in 0..16 {
            let a = k as f32 * std::f32::consts::TAU / 16.0;
            let p = near + vec2(a.cos(), a.sin()) * (ring as f32 * 8.0);
            if area.contains(p) && vertices.iter().all(|(_, s)| (*s - p).length() >= 30.0) {
                return p;
            }
        }
    }
    panic!("no free spot near {near:?}");
}

fn colour_at(img: &image::RgbaImage, p: Pos2) -> [u8; 3] {
    let px = img.get_pixel(p.x.round() as u32, p.y.round() as u32).0;
    [px[0], px[1], px[2]]
}

fn near(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| (*x as i32 - y as i32).abs() <= 14)
}

/// Whether a pixel within `radius` pixels of `p` has the colour (thin lines are anti-aliased).
fn colour_near(img: &image::RgbaImage, p: Pos2, radius: i32, colour: [u8; 3]) -> bool {
    (-radius..=radius)
        .any(|dy| (-radius..=radius).any(|dx| near(colour_at(img, p + vec2(dx as f32, dy as f32)), colour)))
}

/// The window rendered without the pointer over it (kittest draws the cursor).
fn render(h: &mut common::App, name: &str) -> image::RgbaImage {
    h.remove_cursor();
    h.run_steps(2);
    common::save_image(h, name)
}

/// The 标注 button of the top bar (the layer list's marks row has the same name, as a checkbox).
fn open_tool(h: &mut common::App) {
    let button = h
        .query_all_by_label("标注")
        .find(|n| n.accesskit_node().role() != egui::accesskit::Role::CheckBox)
        .expect("a 标注 button");
    button.click();
    h.run_steps(3);
    assert_eq!(h.state().tool, Tool::Marks, "the 标注 button turns the marks tool on");
    h.get_by_label("标注工具");
}

fn mode(h: &mut common::App, label: &str, want: MarkMode) {
    // 选择 is also the top bar's select tool: the tool window's button comes after it.
    let button = h.query_all_by_label(label).last().unwrap_or_else(|| panic!("no {label} button"));
    button.click();
    h.run_steps(2);
    assert_eq!(h.state().marks_tool.mode, want);
}

fn point_of(m: &Mark) -> [f64; 2] {
    match &m.geometry {
        MarkGeometry::Point { lon_lat, .. } | MarkGeometry::Text { lon_lat } => *lon_lat,
        g => panic!("not a point: {g:?}"),
    }
}

fn close(a: [f64; 2], b: [f64; 2], tolerance_deg: f64) -> bool {
    (a[0] - b[0]).abs() <= tolerance_deg && (a[1] - b[1]).abs() <= tolerance_deg
}

#[test]
fn a_labelled_point_and_a_snapped_polygon_are_drawn_saved_and_reopened() {
    let (mut h, vertex) = app_on_boundary_vertex();
    open_tool(&mut h);
    // ---- A point with a label ----
    mode(&mut h, "点", MarkMode::Point);
    h.get_by_label("内容").click();
    h.run_steps(2);
    h.get_by_label("内容").type_text("拟建学校");
    h.run_steps(2);
    let center = view(&h).rect.center();
    let p = free_spot(&h, center + vec2(-250.0, -120.0));
    common::click_at(&mut h, p);
    h.run_steps(2);
    let marks = &h.state().marks;
    assert_eq!(marks.len(), 1, "one click places one point: {marks:?}");
    assert_eq!(marks.marks[0].label, "拟建学校");
    let point = point_of(&marks.marks[0]);
    let expected = view(&h).screen_to_lon_lat(p).to_array();
    assert!(close(point, expected, 1e-7), "placed at {point:?}, clicked at {expected:?}");
    // Drawn in the mark's colour, above the data.
    let img = render(&mut h, "marks_point");
    let at = view(&h).lon_lat_to_screen(point);
    assert!(near(colour_at(&img, at), MARK_RED), "the point's symbol: {:?}", colour_at(&img, at));

    // ---- A polygon: the first click near a boundary vertex snaps onto it ----
    mode(&mut h, "面", MarkMode::Polygon);
    let v_screen = view(&h).lon_lat_to_screen(vertex);
    let others = visible_vertices(h.state(), &view(&h));
    let nearest_other = others
        .iter()
        .filter(|(ll, _)| *ll != vertex)
        .map(|(_, s)| (*s - v_screen).length())
        .fold(f32::INFINITY, f32::min);
    assert!(nearest_other > 12.0, "the vertex is alone within the snap radius ({nearest_other} pt)");
    let first = v_screen + vec2(3.0, 2.0);
    let second = free_spot(&h, v_screen + vec2(-160.0, 40.0));
    let third = free_spot(&h, v_screen + vec2(-60.0, 160.0));
    let before = render(&mut h, "marks_before_polygon");
    for q in [first, second, third] {
        common::click_at(&mut h, q);
    }
    assert_eq!(h.state().marks_tool.drawing.len(), 3, "three vertices clicked");
    h.key_press(Key::Enter);
    h.run_steps(3);
    let marks = h.state().marks.clone();
    assert_eq!(marks.len(), 2, "Enter finishes the polygon");
    let MarkGeometry::Polygon { ring } = &marks.marks[1].geometry else {
        panic!("not a polygon: {:?}", marks.marks[1])
    };
    assert_eq!(ring.len(), 3);
    assert_eq!(ring[0], vertex, "snapped exactly onto the boundary's vertex");
    let v = view(&h);
    for (got, clicked) in ring[1..].iter().zip([second, third]) {
        assert!(close(*got, v.screen_to_lon_lat(clicked).to_array(), 1e-7), "a free click stays where it was");
    }
    // Its fill tints the map inside it.
    let after = render(&mut h, "marks_polygon");
    // Halfway from the middle (where its label is) to a corner.
    let middle = Pos2::new((first.x + second.x + third.x) / 3.0, (first.y + second.y + third.y) / 3.0);
    let inside = middle + (second - middle) * 0.5;
    let redness = |c: [u8; 3]| c[0] as i32 - c[1] as i32;
    assert!(
        redness(colour_at(&after, inside)) - redness(colour_at(&before, inside)) > 15,
        "the polygon's fill: {:?} before {:?}",
        colour_at(&after, inside),
        colour_at(&before, inside)
    );

    // ---- Saved in the workspace, and back in a fresh app at the same place ----
    let dir = common::temp_dir();
    let path = dir.path().join("标注.kuiwen.json");
    h.state_mut().save_workspace(&path);
    let saved = std::fs::read_to_string(&path).expect("the workspace was written");
    assert!(saved.contains("拟建学校"), "the marks are in the workspace file");
    let mut reopened = common::harness([1200.0, 800.0], start(Some(path)));
    reopened.run_steps(4);
    assert_eq!(reopened.state().marks, marks, "the same marks at the same longitude and latitude");
    let img = render(&mut reopened, "marks_reopened");
    let at = view(&reopened).lon_lat_to_screen(point);
    assert!(near(colour_at(&img, at), MARK_RED), "drawn after reopening: {:?}", colour_at(&img, at));
}

#[test]
fn a_line_with_an_arrow_and_a_call_out_are_drawn_by_clicks_and_esc_cancels() {
    let (mut h, _) = app_on_boundary_vertex();
    open_tool(&mut h);
    let c = view(&h).rect.center();
    mode(&mut h, "箭头", MarkMode::Arrow);
    let a = free_spot(&h, c + vec2(-300.0, -150.0));
    let b = free_spot(&h, c + vec2(-100.0, -150.0));
    common::click_at(&mut h, a);
    common::click_at(&mut h, b);
    h.key_press(Key::Enter);
    h.run_steps(2);
    // Esc drops a line half drawn.
    let stray = free_spot(&h, c + vec2(-300.0, 100.0));
    common::click_at(&mut h, stray);
    assert_eq!(h.state().marks_tool.drawing.len(), 1);
    h.key_press(Key::Escape);
    h.run_steps(2);
    assert!(h.state().marks_tool.drawing.is_empty(), "Esc cancels");
    mode(&mut h, "引线标注", MarkMode::Callout);
    let anchor = free_spot(&h, c + vec2(-250.0, 150.0));
    let text = free_spot(&h, c + vec2(-120.0, 60.0));
    common::click_at(&mut h, anchor);
    assert!(h.state().marks.len() == 1, "the first click only places the anchor");
    common::click_at(&mut h, text);
    h.run_steps(2);
    let marks = &h.state().marks.marks;
    assert_eq!(marks.len(), 2, "{marks:?}");
    assert!(matches!(&marks[0].geometry, MarkGeometry::Line { points, arrow: true } if points.len() == 2));
    let v = view(&h);
    let MarkGeometry::Callout { anchor_lon_lat, text_lon_lat } = marks[1].geometry else { panic!("{:?}", marks[1]) };
    assert!(close(anchor_lon_lat, v.screen_to_lon_lat(anchor).to_array(), 1e-7));
    assert!(close(text_lon_lat, v.screen_to_lon_lat(text).to_array(), 1e-7));
    // The arrow's line is drawn in the mark's colour between its ends.
    let img = render(&mut h, "marks_arrow");
    let mid = a + (b - a) * 0.4;
    assert!(colour_near(&img, mid, 1, MARK_RED), "the arrow's line: {:?}", colour_at(&img, mid));
}

/// Two marks put in the document: a point and a text box.
fn two_marks(h: &mut common::App) -> (u64, u64) {
    let v = view(h);
    let c = v.rect.center();
    let p = free_spot(h, c + vec2(-250.0, -100.0));
    let t = free_spot(h, c + vec2(-250.0, 120.0));
    let marks = &mut h.state_mut().marks;
    let lon_lat = |at: Pos2| round_lon_lat(v.screen_to_lon_lat(at).to_array());
    let mut point = Mark::new(MarkGeometry::Point { lon_lat: lon_lat(p), symbol: Default::default() });
    point.label = "甲".into();
    let a = marks.add(point);
    let mut text = Mark::new(MarkGeometry::Text { lon_lat: lon_lat(t) });
    text.label = "说明文字".into();
    let b = marks.add(text);
    h.run_steps(2);
    (a, b)
}

#[test]
fn a_mark_is_selected_moved_and_deleted_and_undo_brings_it_back() {
    let (mut h, _) = app_on_boundary_vertex();
    let (a, b) = two_marks(&mut h);
    open_tool(&mut h);
    mode(&mut h, "选择", MarkMode::Select);
    // Select the point by clicking it.
    let v = view(&h);
    let pa = v.lon_lat_to_screen(point_of(h.state().marks.get(a).expect("mark a")));
    common::click_at(&mut h, pa);
    assert_eq!(h.state().marks_tool.selected, Some(a));
    h.get_by_label("删除");
    // Drag it 60 points right: the mark moves, the map does not.
    let centre_before = view(&h).screen_to_lon_lat(view(&h).rect.center()).to_array();
    common::drag(&mut h, pa, pa + vec2(60.0, 0.0), 6, 4);
    let v = view(&h);
    let centre_after = v.screen_to_lon_lat(v.rect.center()).to_array();
    assert!(close(centre_before, centre_after, 1e-9), "the map did not pan: {centre_before:?} → {centre_after:?}");
    let moved = v.lon_lat_to_screen(point_of(h.state().marks.get(a).expect("mark a")));
    assert!((moved - (pa + vec2(60.0, 0.0))).length() < 1.5, "the point followed the pointer: {moved:?}");
    // The Delete key removes it.
    h.key_press(Key::Delete);
    h.run_steps(2);
    assert!(h.state().marks.get(a).is_none(), "Delete removed the selected mark");
    assert_eq!(h.state().marks.len(), 1);
    // Select the text box by clicking inside it, and remove it with the 删除 button.
    let pb = v.lon_lat_to_screen(point_of(h.state().marks.get(b).expect("mark b")));
    common::click_at(&mut h, pb + vec2(8.0, 0.0));
    assert_eq!(h.state().marks_tool.selected, Some(b));
    h.get_by_label("删除").click();
    h.run_steps(2);
    assert_eq!(h.state().marks.len(), 0, "the 删除 button removed it");
    // 撤销 brings the text box back.
    h.get_by_label("撤销").click();
    h.run_steps(2);
    assert!(h.state().marks.get(b).is_some(), "undo restores the deleted mark");
}

#[test]
fn the_layer_list_hides_the_marks_and_geojson_round_trips() {
    let (mut h, _) = app_on_boundary_vertex();
    let (a, _) = two_marks(&mut h);
    let at = view(&h).lon_lat_to_screen(point_of(h.state().marks.get(a).expect("mark a")));
    let img = render(&mut h, "marks_shown");
    assert!(near(colour_at(&img, at), MARK_RED));
    // The 标注 row of the layer list: a checkbox with the count beside it.
    let row = h
        .query_all_by_label("标注")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::CheckBox)
        .expect("the marks row");
    row.click();
    h.run_steps(2);
    assert!(h.state().marks.hidden, "unticked: hidden");
    let img = render(&mut h, "marks_hidden");
    assert!(!near(colour_at(&img, at), MARK_RED), "a hidden mark is not drawn");
    h.query_all_by_label("标注")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::CheckBox)
        .expect("the marks row")
        .click();
    h.run_steps(2);
    assert!(!h.state().marks.hidden);

    // Export, then import into the same app: every mark twice, new ids, same places and looks.
    let dir = common::temp_dir();
    let file = dir.path().join("marks.geojson");
    let before = h.state().marks.clone();
    marks_tool::export_file(&before, &file).expect("exported");
    marks_tool::import_file(h.state_mut(), &file);
    let after = &h.state().marks;
    assert_eq!(after.len(), 4, "{}", common::notices(h.state()));
    for (old, new) in before.marks.iter().zip(&after.marks[2..]) {
        assert_ne!(old.id, new.id);
        assert_eq!((&old.geometry, &old.label, &old.style), (&new.geometry, &new.label, &new.style));
    }
    // A file that is not GeoJSON marks says so, and changes nothing.
    let bad = dir.path().join("bad.geojson");
    std::fs::write(&bad, r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[999,36]}}"#).expect("written");
    marks_tool::import_file(h.state_mut(), &bad);
    assert_eq!(h.state().marks.len(), 4);
    let last = h.state().notices.last().expect("a notice");
    assert!(last.error && last.text.contains("坐标") && last.text.contains("bad.geojson"), "{}", last.text);
    assert_eq!(Marks::default().len(), 0);
    assert_eq!(MarkStyle::default().color.0[..3], MARK_RED);
}
