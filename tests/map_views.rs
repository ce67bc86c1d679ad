//! Two map views of the same layers side by side: each keeps its own place and zoom, render
//! caches and picking, and both draw from one borrowed copy of the layers.

mod common;

use egui::{Color32, Pos2};
use egui_kittest::Harness;
use kuiwen_atlas::app::map_view::{LayerFilter, MapViewState, ViewInputs};
use kuiwen_atlas::app::{FeatureRef, LayerEntry};
use kuiwen_atlas::basemap::MapProjection;
use kuiwen_atlas::io::embedded;
use kuiwen_atlas::model::bbox_union;

/// The panel background under the maps (no basemap in tests).
const PAPER: Color32 = Color32::from_rgb(242, 239, 233);
const WIDTH_PT: f32 = 1200.0;
const HEIGHT_PT: f32 = 600.0;
/// A point inside 齐鲁创智园 (the parks layer).
const PARK_INSIDE: [f64; 2] = [119.232, 36.628];

struct Split {
    layers: Vec<LayerEntry>,
    views: [MapViewState; 2],
    selection: Option<FeatureRef>,
    fonts_installed: bool,
}

fn split_harness() -> Harness<'static, Split> {
    let layers: Vec<LayerEntry> = embedded::load_all()
        .unwrap_or_else(|(file, e)| panic!("embedded {file}: {e}"))
        .into_iter()
        .enumerate()
        .map(|(i, l)| LayerEntry::new(l, i as u64 + 1))
        .collect();
    let all = layers.iter().fold(None, |acc, e| bbox_union(acc, e.layer.bbox)).expect("the layers have extents");
    let mut left = MapViewState::new(MapProjection::WebMercator, None).with_id(egui::Id::unique("left"));
    left.fit(all);
    let mut right = MapViewState::new(MapProjection::WebMercator, None).with_id(egui::Id::unique("right"));
    right.center_at(PARK_INSIDE, 15.0);
    let state = Split { layers, views: [left, right], selection: None, fonts_installed: false };
    Harness::builder().with_size([WIDTH_PT, HEIGHT_PT]).wgpu().build_ui_state(
        |ui, s: &mut Split| {
            // The bundled Chinese font takes effect from the next frame: draw from then on.
            if !s.fonts_installed {
                kuiwen_atlas::app::fonts::install(ui.ctx());
                s.fonts_installed = true;
                return;
            }
            egui::CentralPanel::default().frame(egui::Frame::NONE.fill(PAPER)).show(ui, |ui| {
                ui.spacing_mut().item_spacing = egui::Vec2::ZERO;
                ui.columns(2, |cols| {
                    for (col, view) in cols.iter_mut().zip(s.views.iter_mut()) {
                        let input = ViewInputs {
                            layers: &s.layers,
                            filter: LayerFilter::Panel,
                            selection: s.selection.as_ref(),
                            english: false,
                            text_scale: 1.0,
                            legend: false,
                            data_line: None,
                            pick_on_click: true,
                            pan_buttons: egui::DragPanButtons::PRIMARY,
                            double_click_zoom: true,
                            label_keep_out: &[],
                            marks: None,
                        };
                        if let Some(hit) = view.show(col, &input).clicked {
                            s.selection = hit;
                        }
                    }
                });
            });
        },
        state,
    )
}

fn pixel(img: &image::RgbaImage, p: Pos2) -> Color32 {
    let px = img.get_pixel(p.x.round() as u32, p.y.round() as u32).0;
    Color32::from_rgb(px[0], px[1], px[2])
}

#[test]
fn two_views_of_the_same_layers_show_different_places() {
    let mut h = split_harness();
    h.run();
    let [left, right] = &h.state().views;
    let (lv, rv) = (left.last_view.expect("the left view was drawn"), right.last_view.expect("the right view too"));
    // Side by side, each in its half, the map never squeezed to nothing.
    assert!(lv.rect.max.x <= WIDTH_PT / 2.0 + 1.0 && lv.rect.width() > WIDTH_PT / 2.0 - 20.0, "left {:?}", lv.rect);
    assert!(rv.rect.min.x >= WIDTH_PT / 2.0 - 1.0 && rv.rect.width() > WIDTH_PT / 2.0 - 20.0, "right {:?}", rv.rect);
    // The left shows the whole district, the right a street-level view of one park.
    assert!(rv.zoom - lv.zoom > 2.0, "zooms {} and {}", lv.zoom, rv.zoom);
    let park = rv.lon_lat_to_screen(PARK_INSIDE);
    assert!(rv.rect.contains(park) && (park - rv.rect.center()).length() < 2.0, "park at {park:?} in {:?}", rv.rect);
    // Each view built its own render caches for every layer, from the one list of layers.
    for e in &h.state().layers {
        for v in &h.state().views {
            assert!(v.cache(&e.layer.key).is_some(), "no cache for {} in a view", e.layer.key);
        }
    }
    // Both draw: the park is filled in each, and the two halves show different pictures.
    let img = common::save_image(&mut h, "split_views");
    let [left, right] = &h.state().views;
    let (lv, rv) = (left.last_view.expect("drawn"), right.last_view.expect("drawn"));
    for (name, view) in [("left", lv), ("right", rv)] {
        let at = view.lon_lat_to_screen(PARK_INSIDE);
        assert_ne!(pixel(&img, at), PAPER, "the {name} view does not show the park at {at:?}");
    }
    let half = (WIDTH_PT / 2.0) as u32;
    let differing = (0..HEIGHT_PT as u32)
        .step_by(4)
        .flat_map(|y| (0..half).step_by(4).map(move |x| (x, y)))
        .filter(|&(x, y)| img.get_pixel(x, y) != img.get_pixel(x + half, y))
        .count();
    assert!(differing > 1000, "the two views look alike ({differing} differing samples)");
    // And the picture is the one reviewed (tests/snapshots/split_views.png).
    if let Err(e) = h.try_snapshot_options("split_views", &common::snapshot_options()) {
        panic!("{e}");
    }
}

#[test]
fn a_click_picks_in_the_view_it_lands_in() {
    let mut h = split_harness();
    h.run();
    let rv = h.state().views[1].last_view.expect("the right view was drawn");
    common::click_at(&mut h, rv.lon_lat_to_screen(PARK_INSIDE));
    let sel = h.state().selection.clone().expect("the click on the park selects it");
    let e = h.state().layers.iter().find(|e| e.layer.key == sel.layer).expect("a layer of the document");
    assert_eq!(e.layer.features[sel.feature].name(), Some("齐鲁创智园"));
    // The left view did not move when the right one was clicked.
    let [left, right] = &h.state().views;
    assert!(right.zoom() - left.zoom() > 2.0);
}
