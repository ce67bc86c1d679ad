//! The planner's desk: a layer tree of groups (hide a group, collapse it, drag a layer), side
//! panels that collapse to the edge, and a map that keeps at least half the window at 1280×800
//! with the life circle and the feature details open.

mod common;

use egui::Pos2;
use egui_kittest::kittest::Queryable;
use kuiwen_atlas::app::tools::Tool;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;

const WIDTH_PT: f32 = 1280.0;
const HEIGHT_PT: f32 = 800.0;
/// Kuiwen's old city government (老市府片区), where the life circle is placed.
const GOVERNMENT: [f64; 2] = [119.1314, 36.709];

fn start() -> StartOptions {
    StartOptions { basemap: Some(Basemap::None), ..Default::default() }
}

fn visible(app: &AtlasApp, key: &str) -> bool {
    app.layer(key).is_some_and(|e| e.layer.visible)
}

fn map_width(app: &AtlasApp) -> f32 {
    app.map.last_rect.map_or(0.0, |r| r.width())
}

#[test]
fn the_map_keeps_half_the_window_with_the_life_circle_and_details_open() {
    let s = StartOptions { life_circle_at: Some(GOVERNMENT), ..start() };
    let mut h = common::harness([WIDTH_PT, HEIGHT_PT], s);
    h.run();
    assert_eq!(h.state().tool, Tool::LifeCircle);
    // The life circle is a tab of the right dock, beside the details: one column, not two.
    assert!(h.query_all_by_label("要素信息").next().is_some());
    assert!(h.query_all_by_label("生活圈").count() >= 2, "the tool's button and the dock's tab");
    let w = map_width(h.state());
    assert!(w >= WIDTH_PT / 2.0, "the map is {w} points wide of {WIDTH_PT}");
    common::save_image(&mut h, "desk_life_circle_1280");
    // Selecting a feature in the details tab keeps the width too.
    h.query_all_by_label("要素信息").next().unwrap_or_else(|| panic!("no details tab")).click();
    h.run();
    assert!(map_width(h.state()) >= WIDTH_PT / 2.0);
    // Collapsing both panels gives the map nearly the whole window, and is remembered.
    h.get_by_label("«").click();
    h.run();
    h.get_by_label("»").click();
    h.run();
    h.get_by_label("»\n图\n层");
    let w = map_width(h.state());
    assert!(w > WIDTH_PT - 80.0, "collapsed panels leave the map {w} points");
    assert!(!h.state().persisted.panels.layers && !h.state().persisted.panels.dock);
    common::save_image(&mut h, "desk_collapsed");
    // The strips open them again.
    h.get_by_label("»\n图\n层").click();
    h.run();
    assert!(h.state().persisted.panels.layers);
}

#[test]
fn a_group_hides_and_shows_its_layers_and_collapses() {
    let mut h = common::harness([WIDTH_PT, HEIGHT_PT], start());
    h.run();
    for key in ["subdistricts", "communities", "grids"] {
        assert!(visible(h.state(), key), "{key} starts visible");
    }
    // The group's tick hides every layer of 网格, and nothing else.
    h.get_by_label("网格").click();
    h.run();
    for key in ["subdistricts", "communities", "grids"] {
        assert!(!visible(h.state(), key), "{key} hidden with its group");
    }
    assert!(visible(h.state(), "parks") && visible(h.state(), "roads"));
    // A second click shows them all again.
    h.get_by_label("网格").click();
    h.run();
    assert!(visible(h.state(), "grids"));
    // One row per layer: the rows of 基础 are one line each (the group is no taller than a line
    // per layer and its header).
    let tick = |label: &str| h.query_all_by_label(label).next().unwrap_or_else(|| panic!("no {label}")).rect();
    let rows = tick("胶济铁路").top() - tick("奎文区界").top();
    assert!(rows.abs() <= 3.5 * 26.0, "four layers of 基础 take {rows} points");
    // Collapsing the group takes its rows away, and a workspace keeps it collapsed. (The details
    // panel names the layers too: count the names before and after.)
    let before = h.query_all_by_label("道路").count();
    h.state_mut().layer_tree.collapsed.insert("base".to_owned());
    h.run();
    assert_eq!(h.query_all_by_label("道路").count(), before - 1, "a collapsed group hides its rows");
    let dir = common::temp_dir();
    let ws = dir.path().join("desk.kuiwen.json");
    h.state_mut().save_workspace(&ws);
    let h2 = common::harness_headless([WIDTH_PT, HEIGHT_PT], StartOptions { workspace: Some(ws), ..start() });
    assert!(h2.state().layer_tree.collapsed.contains("base"), "collapsed groups are saved");
}

#[test]
fn dragging_a_layer_by_its_handle_reorders_it() {
    let mut h = common::harness([WIDTH_PT, HEIGHT_PT], start());
    h.run();
    let index = |app: &AtlasApp, key: &str| app.layers.iter().position(|e| e.layer.key == key);
    let (roads, boundary) = (index(h.state(), "roads"), index(h.state(), "kuiwen_boundary"));
    assert!(roads > boundary, "roads are drawn above the outline at start");
    // The handle sits left of the symbol, left of the tick box with the name.
    let first = |label: &str| h.query_all_by_label(label).next().unwrap_or_else(|| panic!("no {label}")).rect();
    let (from_row, to_row) = (first("道路"), first("奎文区界"));
    let handle = Pos2::new(from_row.left() - 16.0 - 2.0 * 4.0 - 5.0, from_row.center().y);
    let target = Pos2::new(to_row.center().x, to_row.center().y);
    common::drag(&mut h, handle, target, 8, 0);
    h.run();
    let (roads_after, boundary_after) = (index(h.state(), "roads"), index(h.state(), "kuiwen_boundary"));
    assert_eq!(roads_after, boundary, "roads took the outline's place: {roads_after:?}");
    assert!(boundary_after > roads_after, "the outline moved up one");
}
