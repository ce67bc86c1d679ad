//! Helpers shared by the tests that drive the real app: harnesses, pointer clicks, waiting on the
//! app's real threads, the file layer a test opened, temporary folders, saved renders, and running
//! a test again without an environment variable that would change what it checks.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use kuiwen_atlas::app::{AtlasApp, LayerEntry, StartOptions};
use kuiwen_atlas::model::LayerOrigin;

/// The app under test.
pub type App = Harness<'static, AtlasApp>;

/// The app in a window of `size` points, rendered with wgpu (for tests that look at pixels).
pub fn harness(size: [f32; 2], start: StartOptions) -> App {
    let mut h =
        Harness::builder().with_size(size).wgpu().build_eframe(move |cc| AtlasApp::new(&cc.egui_ctx, None, start));
    h.run();
    h
}

/// The app without a renderer, stepped once (for tests of state, files and threads).
pub fn harness_headless(size: [f32; 2], start: StartOptions) -> App {
    let mut h = Harness::builder().with_size(size).build_eframe(move |cc| AtlasApp::new(&cc.egui_ctx, None, start));
    h.step();
    h
}

/// A primary click at `pos`, with the pointer moved there first (as a hand would).
pub fn click_at<S>(h: &mut Harness<'_, S>, pos: Pos2) {
    h.event(Event::PointerMoved(pos));
    h.run();
    h.event(Event::PointerButton { pos, button: PointerButton::Primary, pressed: true, modifiers: Modifiers::NONE });
    h.event(Event::PointerButton { pos, button: PointerButton::Primary, pressed: false, modifiers: Modifiers::NONE });
    h.run();
}

/// A drag with the primary button from `from` to `to` in `steps` moves (as a hand moves), then
/// `settle` frames (the map glides a little after a fast drag).
pub fn drag<S>(h: &mut Harness<'_, S>, from: Pos2, to: Pos2, steps: usize, settle: usize) {
    h.event(Event::PointerMoved(from));
    h.step();
    h.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.step();
    for k in 1..=steps {
        h.event(Event::PointerMoved(from + (to - from) * (k as f32 / steps as f32)));
        h.step();
    }
    h.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(settle);
}

/// Step the app in real time until `cond` holds (the watcher and loader are real threads). The
/// deadline only bounds a hang; nothing is asserted about how long it took.
pub fn wait_for(h: &mut App, what: &str, cond: impl Fn(&AtlasApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        h.step();
        if cond(h.state()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    panic!("timed out waiting for {what}; notices: {}", notices(h.state()));
}

/// The first layer opened from a file.
pub fn file_layer(app: &AtlasApp) -> Option<&LayerEntry> {
    app.layers.iter().find(|e| matches!(e.layer.origin, LayerOrigin::File { .. }))
}

/// The names of the file layer's features, in order.
pub fn names(app: &AtlasApp) -> Vec<String> {
    file_layer(app)
        .map(|e| e.layer.features.iter().filter_map(|f| f.name().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// Every notice the app shows, one per line.
pub fn notices(app: &AtlasApp) -> String {
    app.notices.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join("\n")
}

/// A temporary folder, removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("cannot make a temporary folder: {e}"))
}

/// Render the window; kept as `name.png` in `KUIWEN_TEST_IMAGES` when that is set.
pub fn save_image<S>(h: &mut Harness<'_, S>, name: &str) -> image::RgbaImage {
    let img = h.render().unwrap_or_else(|e| panic!("render failed: {e}"));
    if let Ok(dir) = std::env::var("KUIWEN_TEST_IMAGES") {
        let _ = img.save(Path::new(&dir).join(format!("{name}.png")));
    }
    img
}

/// When `var` is set, run `test` again in a child process without it and return true (the caller
/// returns: the child's result is the test's result). A test that must not see, say, a real
/// `TIANDITU_KEY` is then still run, instead of passing without checking anything.
pub fn rerun_without_env(var: &str, test: &str) -> bool {
    if std::env::var_os(var).is_none() {
        return false;
    }
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env_remove(var)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {test} again: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{test} without {var}:\n{text}");
    assert!(text.contains("1 passed"), "{test} did not run without {var}:\n{text}");
    true
}

/// Snapshot comparison: a per-pixel colour tolerance (YIQ distance) a little above kittest's
/// default, for anti-aliasing that differs between CPUs running the software renderer, and at
/// most 50 pixels beyond it (of about a million): a moved line or label changes thousands.
pub fn snapshot_options() -> egui_kittest::SnapshotOptions {
    egui_kittest::SnapshotOptions::new().threshold(1.0).max_failed_pixels(50)
}

/// Three plots: 甲, 乙 and 丙地块 (points with a status), the first version of a changing file.
pub const PLOTS_V1: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"name":"甲地块","status":"规划"},"geometry":{"type":"Point","coordinates":[119.10,36.70]}},
{"type":"Feature","id":"b","properties":{"name":"乙地块","status":"规划"},"geometry":{"type":"Point","coordinates":[119.11,36.70]}},
{"type":"Feature","id":"c","properties":{"name":"丙地块","status":"规划"},"geometry":{"type":"Point","coordinates":[119.12,36.70]}}
]}"#;

/// The second version: 乙地块 changed its status, 丙地块 removed, 丁地块 added.
pub const PLOTS_V2: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"name":"甲地块","status":"规划"},"geometry":{"type":"Point","coordinates":[119.10,36.70]}},
{"type":"Feature","id":"b","properties":{"name":"乙地块","status":"在建"},"geometry":{"type":"Point","coordinates":[119.11,36.70]}},
{"type":"Feature","id":"d","properties":{"name":"丁地块","status":"规划"},"geometry":{"type":"Point","coordinates":[119.13,36.70]}}
]}"#;
