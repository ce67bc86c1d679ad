//! A 2,000,000-row building table browsed at street level in the real app (rendered with wgpu),
//! against a real PostgreSQL + PostGIS: the app reads only the features of the view, simplified
//! for its zoom, follows the map as it pans, and its memory stays under 500 MB. Its own test
//! binary, so the process's peak memory is this test's alone.

mod common;

use common::{drag, harness, notices, wait_for};
use egui::Pos2;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::model::LayerOrigin;
use kuiwen_postgis::testing::{BUILDINGS_ORIGIN_4549, TestServer, buildings_sql};

const ROWS: i64 = 2_000_000;

fn buildings(app: &AtlasApp) -> Option<&kuiwen_atlas::app::LayerEntry> {
    app.layers.iter().find(|e| matches!(e.layer.origin, LayerOrigin::Remote { .. }))
}

/// The process's peak resident memory (VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM");
    kb / 1024.0
}

#[test]
fn a_two_million_row_table_is_browsed_at_street_level_under_500_mb() {
    let pg = TestServer::start().expect("a PostgreSQL + PostGIS test server");
    let mut client = pg.client().expect("client");
    let made = std::time::Instant::now();
    client.batch_execute(&buildings_sql(ROWS)).expect("2,000,000 buildings");
    eprintln!("table made in {:.1} s", made.elapsed().as_secs_f64());
    // A 1.3 km × 0.8 km street view in the grid's middle.
    let row = client
        .query_one(
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint($1::float8 + 14000, $2::float8 + 14000), 4549), 4326) p",
            &[&BUILDINGS_ORIGIN_4549[0], &BUILDINGS_ORIGIN_4549[1]],
        )
        .expect("centre");
    let (lon, lat): (f64, f64) = (row.get(0), row.get(1));
    let (half_w, half_h) = (650.0 / (111_320.0 * lat.to_radians().cos()), 400.0 / 110_574.0);
    let street = [lon - half_w, lat - half_h, lon + half_w, lat + half_h];

    let before = peak_rss_mb();
    let start = StartOptions { files: vec![pg.spec_text(Some("buildings")).into()], ..Default::default() };
    let mut h = harness([1600.0, 1000.0], start);
    h.state_mut().fit(street);
    wait_for(&mut h, "the street view's buildings", |a| {
        buildings(a).is_some_and(|e| e.layer.features.len() > 1000 && !e.layer.features.is_empty())
    });
    let e = buildings(h.state()).expect("layer");
    let first = e.layer.features.len();
    // The view and the third of a window around it: thousands of buildings, not millions.
    assert!((2_000..40_000).contains(&first), "{first} features read for a street view");
    assert!(notices(h.state()).contains("按当前视图读取"), "{}", notices(h.state()));

    // Pan east three times by most of the window: each pan brings the buildings now in view.
    for k in 0..3 {
        let generation = buildings(h.state()).map(|e| e.generation).unwrap_or_default();
        let view = h.state().last_view().expect("a view");
        let centre_before = view.screen_to_lon_lat(view.rect.center());
        // Most of the map's width, from right to left: the map moves east.
        let (c, half) = (view.rect.center(), view.rect.width() * 0.4);
        drag(&mut h, Pos2::new(c.x + half, c.y), Pos2::new(c.x - half, c.y), 12, 20);
        wait_for(&mut h, "the buildings after a pan", |a| buildings(a).is_some_and(|e| e.generation != generation));
        let e = buildings(h.state()).expect("layer");
        let view = h.state().last_view().expect("a view");
        let inner = view.visible_bbox(0.0);
        // What is on screen now is covered: some building lies within the view's east part.
        let east = [inner[0] + (inner[2] - inner[0]) * 0.75, inner[1], inner[2], inner[3]];
        assert!(
            e.layer
                .features
                .iter()
                .filter_map(|f| f.bbox)
                .any(|b| b[0] >= east[0] && b[2] <= east[2] && b[1] >= east[1] && b[3] <= east[3]),
            "pan {k}: nothing read in the view's east part"
        );
        assert!(view.screen_to_lon_lat(view.rect.center()).lon_deg > centre_before.lon_deg);
        assert!(e.layer.features.len() < 40_000, "pan {k}: {}", e.layer.features.len());
    }
    // Zoomed out to the whole grid (28 km): over 200,000 buildings in view, so none are read,
    // and the layer says to zoom in.
    let [w, s, e, n] = street;
    h.state_mut().fit([w - 0.15, s - 0.12, e + 0.15, n + 0.12]);
    wait_for(&mut h, "the zoomed-out view", |a| {
        buildings(a).is_some_and(|e| {
            e.layer.features.is_empty() && e.last_error.as_deref().is_some_and(|t| t.contains("放大后显示"))
        })
    });
    h.run();
    let peak = peak_rss_mb();
    eprintln!("peak memory {peak:.0} MB (before the app: {before:.0} MB); {first} features in the first street view");
    assert!(peak < 500.0, "peak memory {peak:.0} MB");
}
