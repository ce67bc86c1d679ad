//! Pictures that must not change by accident: the presenting view of the first slide (and, in
//! `map_views.rs`, two map views side by side), compared with the images in `tests/snapshots/` (rendered with wgpu on
//! software Vulkan). Animation is off (the export mode), so time plays no part. After an intended
//! change of the picture, look at `tests/snapshots/NAME.new.png` and `NAME.diff.png`, then remake
//! the images with `UPDATE_SNAPSHOTS=1 cargo test --release --test snapshots`.

mod common;

use egui_kittest::Harness;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;

fn settle(h: &mut Harness<'static, AtlasApp>) {
    common::wait_for(h, "the view to settle", |app| app.is_settled());
    h.run_steps(3);
}

#[test]
fn the_presenting_view_of_the_first_slide_is_unchanged() {
    let start =
        StartOptions { basemap: Some(Basemap::None), present_slide: Some(0), exporting: true, ..Default::default() };
    let mut h = common::harness([1280.0, 800.0], start);
    settle(&mut h);
    assert_eq!(h.state().presenting_slide(), Some(0));
    if let Err(e) = h.try_snapshot_options("presenting_first_slide", &common::snapshot_options()) {
        panic!("{e}");
    }
}
