//! Pictures that must not change by accident: the presenting view of the first slide, an exported
//! slide (the `render` path), and, in `map_views.rs`, two map views side by side, compared with
//! the images in `tests/snapshots/` (rendered with wgpu on software Vulkan). Animation is off (the
//! export mode), so time plays no part. After an intended change of the picture, look at
//! `tests/snapshots/NAME.new.png` and `NAME.diff.png`, then remake the images with
//! `UPDATE_SNAPSHOTS=1 cargo test --release --test snapshots --test map_views`.

mod common;

use std::sync::atomic::AtomicBool;

use egui_kittest::{Harness, try_image_snapshot_options};
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::export::{RenderRequest, Views, render};

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

#[test]
fn an_exported_slide_is_unchanged() {
    let config = common::temp_dir();
    let cache = common::temp_dir();
    let req = RenderRequest {
        views: Views::Slides(vec![2]),
        size_px: [1280, 720],
        basemap: Some(Basemap::None),
        cache_dir: Some(cache.path().to_path_buf()),
        config_dir: Some(config.path().to_path_buf()),
        ..Default::default()
    };
    let views = render(&req, &mut |_, _| {}, &AtomicBool::new(false)).unwrap_or_else(|e| panic!("{e}"));
    let [view] = views.as_slice() else { panic!("one view expected, got {}", views.len()) };
    assert!(view.complete, "the slide was drawn before everything arrived");
    assert_eq!(view.image.dimensions(), (1280, 720));
    if let Err(e) = try_image_snapshot_options(&view.image, "export_slide_3", &common::snapshot_options()) {
        panic!("{e}");
    }
}
