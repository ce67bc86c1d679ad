//! `kuiwen-atlas tiles`: offline downloads from the command line, against a tile server on
//! 127.0.0.1; public servers refused before any request.

mod basemap_common;

use std::process::Command;

use basemap_common::{Mode, TileServer};
use kuiwen_atlas::basemap::offline::{KUIWEN_EXTENT, count_tiles};
use kuiwen_atlas::basemap::pmtiles::PmTilesArchive;

fn atlas() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas"))
}

#[test]
fn tiles_downloads_an_area_into_pmtiles() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = TileServer::start(Mode::Ok, [10, 120, 90]);
    let out = tmp.path().join("kuiwen.pmtiles");
    let dry = atlas()
        .args(["tiles", "--from", &server.template(), "--zoom", "10-12", "--dry-run", "--out"])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    let expected = count_tiles(KUIWEN_EXTENT, 10, 12);
    assert!(String::from_utf8_lossy(&dry.stdout).starts_with(&format!("{expected} tiles")));
    assert_eq!(server.requests(), 0, "a dry run downloads nothing");
    assert!(!out.exists());

    let run = atlas()
        .args(["tiles", "--from", &server.template(), "--zoom", "10-12", "--out"])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(server.requests() as u64, expected);
    let archive = PmTilesArchive::open(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((archive.header().min_zoom, archive.header().max_zoom), (10, 12));
}

#[test]
fn tiles_refuses_public_servers_and_bad_arguments() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = tmp.path().join("x.pmtiles");
    for from in ["osm", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "tianditu-img", "amap"] {
        let r = atlas().args(["tiles", "--from", from, "--out"]).arg(&out).output().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status.code(), Some(1), "{from}");
        let err = String::from_utf8_lossy(&r.stderr);
        assert!(err.contains("bulk download"), "{from}: {err}");
    }
    let r = atlas()
        .args(["tiles", "--from", "http://127.0.0.1:9/{z}/{x}/{y}.png", "--zoom", "ten", "--out"])
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status.code(), Some(2));
    assert!(!out.exists());
}
