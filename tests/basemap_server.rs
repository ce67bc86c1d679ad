//! A custom XYZ basemap against a tile server started inside the test on 127.0.0.1: tiles are
//! requested, drawn, and served from the disk cache on the second run; a server answering
//! 404, 500, 403, garbage, very slowly or not at all leaves the app responsive with a clear
//! status. No network other than 127.0.0.1.

mod basemap_common;

use std::time::Duration;

use basemap_common::{Mode, TileServer, count_colour, files_under, harness, settled_ok, start_in, step_until};
use egui_kittest::kittest::Queryable;
use kuiwen_atlas::app::StartOptions;
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::basemap::health::{TileFailure, TileStatus};

const TEAL: [u8; 3] = [20, 170, 160];

fn xyz(server: &TileServer) -> Basemap {
    server.template().parse().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn tiles_are_requested_drawn_and_cached_for_the_second_run() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Each tile takes 300 ms: long enough that frames are drawn while they are on their way.
    let server = TileServer::start(Mode::Slow(Duration::from_millis(300)), TEAL);
    let tiles_dir = tmp.path().join("cache").join("tiles");

    // First run: every tile comes from the server, and the UI does not wait for it.
    let mut h = harness(start_in(tmp.path(), xyz(&server)));
    let pending = step_until(&mut h, Duration::from_secs(30), "tiles from the server", settled_ok);
    assert!(pending > 0, "no frame was drawn while the tiles were on their way: the UI waited");
    let first = server.requests();
    assert!(first >= 4, "only {first} tiles requested");
    assert!(server.paths().iter().all(|p| p.ends_with(".png") && p.split('/').count() == 4), "{:?}", server.paths());
    let TileStatus::Ok { network, cached: 0 } = h.state().basemap_status() else {
        panic!("first run: {:?}", h.state().basemap_status())
    };
    assert_eq!(network as usize, first, "every request delivered one tile");
    let drawn = count_colour(&mut h, TEAL, 6, "server-first-run");
    assert!(drawn > 50_000, "tiles not drawn: {drawn} teal pixels");
    h.run_ok();
    h.get_by_label("底图正常");
    // The credit of a custom server names it.
    h.get_by_label_contains(&format!("127.0.0.1:{}", server.port));
    assert_eq!(files_under(&tiles_dir), first, "each downloaded tile is in the disk cache");
    drop(h);

    // Second run, same cache: the same view is drawn without a single request.
    let mut h = harness(start_in(tmp.path(), xyz(&server)));
    step_until(&mut h, Duration::from_secs(30), "tiles from the cache", settled_ok);
    assert_eq!(server.requests(), first, "the second run asked the server again");
    assert!(
        matches!(h.state().basemap_status(), TileStatus::Ok { network: 0, cached } if cached as usize == first),
        "{:?}",
        h.state().basemap_status()
    );
    let drawn = count_colour(&mut h, TEAL, 6, "server-second-run");
    assert!(drawn > 50_000, "cached tiles not drawn: {drawn} teal pixels");
}

/// Run the app against a server in `mode` until the status shows `expected`; check the status
/// bar says `label` and nothing was cached.
fn failing_server(mode: Mode, english: bool, expected: fn(&TileFailure) -> bool, label: &str) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = TileServer::start(mode, TEAL);
    let start = StartOptions { english: Some(english), ..start_in(tmp.path(), xyz(&server)) };
    let mut h = harness(start);
    step_until(
        &mut h,
        Duration::from_secs(20),
        label,
        |app| matches!(app.basemap_status(), TileStatus::Failing { failure, .. } if expected(&failure)),
    );
    assert!(server.requests() > 0);
    h.run_ok();
    // In the status bar; failures no retry can fix are also said over the map.
    let shown = h.query_all_by_label_contains(label).count();
    let blocking = matches!(h.state().basemap_status(), TileStatus::Failing { failure, .. } if failure.is_blocking());
    assert_eq!(shown, if blocking { 2 } else { 1 }, "{label:?} shown {shown} times");
    assert_eq!(files_under(&tmp.path().join("cache")), 0, "an error answer was cached");
    assert!(count_colour(&mut h, TEAL, 6, "server-failing") < 100, "no tile can be drawn");
}

#[test]
fn http_404_is_reported() {
    failing_server(Mode::NotFound, false, |f| *f == TileFailure::NotFound, "瓦片服务器没有此区域的瓦片 (HTTP 404)");
}

#[test]
fn http_500_is_reported() {
    failing_server(Mode::ServerError, false, |f| *f == TileFailure::Server(500), "瓦片服务器内部错误 (HTTP 500)");
}

#[test]
fn http_403_is_reported_as_refused() {
    failing_server(Mode::Forbidden, false, |f| *f == TileFailure::Denied(403), "瓦片服务器拒绝访问 (HTTP 403)");
}

#[test]
fn garbage_is_reported_in_english_too() {
    failing_server(
        Mode::Garbage,
        true,
        |f| matches!(f, TileFailure::Garbage(_)),
        "The tile server answered with something that is not an image",
    );
}

#[test]
fn an_unreachable_server_means_offline() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let basemap: Basemap =
        format!("http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png").parse().unwrap_or_else(|e| panic!("{e}"));
    let mut h = harness(start_in(tmp.path(), basemap));
    step_until(&mut h, Duration::from_secs(20), "offline", |app| {
        matches!(app.basemap_status(), TileStatus::Failing { failure: TileFailure::Unreachable(_), .. })
    });
    h.run_ok();
    h.get_by_label_contains("底图离线：无法连接瓦片服务器");
    // The layers are still there.
    assert!(!h.state().layers.is_empty());
}

#[test]
fn a_very_slow_server_is_reported_and_the_ui_stays_responsive() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = TileServer::start(Mode::Slow(Duration::from_secs(10)), TEAL);
    let mut h = harness(start_in(tmp.path(), xyz(&server)));
    let pending = step_until(&mut h, Duration::from_secs(10), "slow status", |app| {
        matches!(app.basemap_status(), TileStatus::Slow { .. })
    });
    assert!(pending > 0, "no frame was drawn while the server was slow");
    h.run_ok();
    h.get_by_label_contains("瓦片服务器响应慢");
    // The interface answers meanwhile: the settings window opens at once.
    h.get_by_label("设置").click();
    h.run_ok();
    h.get_by_label("瓦片缓存");
    // The requests time out (8 s) before the server's 10 s: said plainly.
    let pending = step_until(&mut h, Duration::from_secs(20), "timeout status", |app| {
        matches!(app.basemap_status(), TileStatus::Failing { failure: TileFailure::Timeout, .. })
    });
    assert!(pending > 0, "no frame was drawn while the requests waited for their timeout");
    h.run_ok();
    h.get_by_label_contains("瓦片服务器响应超时");
    assert_eq!(files_under(&tmp.path().join("cache")), 0);
}
