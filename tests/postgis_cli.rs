//! `kuiwen-atlas convert` to and from PostGIS, as a planner would run it, against a real
//! PostgreSQL + PostGIS started in a temporary folder: a GBK shapefile in EPSG:4528 published
//! (the table keeps the file's system, as ogr2ogr does), refused a second time until
//! `--overwrite`, and read back out to a GeoPackage with the same Chinese names and coordinates.

use std::path::Path;
use std::process::Command;

use kuiwen_atlas::io::{LoadOptions, load_path};
use kuiwen_postgis::testing::TestServer;

fn convert(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas"))
        .arg("convert")
        .args(args)
        .args(["--data-dir", &dir.display().to_string()])
        // No password anywhere but here: the server trusts loopback, and it must not be echoed.
        .env("PGPASSWORD", "不该出现-secret")
        .output()
        .expect("kuiwen-atlas runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_gbk_shapefile_goes_into_postgis_in_its_own_system_and_comes_back_out_unchanged() {
    let pg = TestServer::start().expect("a PostgreSQL + PostGIS test server");
    let dir = tempfile::tempdir().expect("temp dir");
    let shp = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/parks_4528_gbk/parks.shp");
    let table = pg.spec_text(Some("规划.公园"));

    let (code, stdout, stderr) = convert(&[shp.to_str().expect("utf-8"), &table], dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("EPSG:4528") && stdout.contains("已写入数据库表 规划.公园（8 个要素）"), "{stdout}");
    let mut client = pg.client().expect("client");
    let srid: i32 = client.query_one("SELECT ST_SRID(geom) FROM 规划.公园 LIMIT 1", &[]).expect("q").get(0);
    assert_eq!(srid, 4528);

    // Again: refused, the table untouched; then replaced when confirmed.
    let (code, _, stderr) = convert(&[shp.to_str().expect("utf-8"), &table], dir.path());
    assert_eq!(code, 1);
    assert!(stderr.contains("已存在") && stderr.contains("--overwrite"), "{stderr}");
    let (code, stdout, stderr) = convert(&[shp.to_str().expect("utf-8"), &table, "--overwrite", "--json"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    assert_eq!((report["features"].as_u64(), report["replaced"].as_bool()), (Some(8), Some(true)));

    // Out again, to a GeoPackage in WGS84: the names and places the shapefile has.
    let gpkg = dir.path().join("公园.gpkg");
    let (code, stdout, stderr) = convert(&[&table, gpkg.to_str().expect("utf-8")], dir.path());
    assert_eq!(code, 0, "{stdout}{stderr}");
    for text in [&stdout, &stderr] {
        assert!(!text.contains("不该出现"), "the password was printed: {text}");
    }
    let a = load_path(&shp, LoadOptions::default()).expect("shapefile").features;
    let b = load_path(&gpkg, LoadOptions::default()).expect("gpkg").features;
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.name(), y.name());
        let (p, q) = (x.bbox.expect("bbox"), y.bbox.expect("bbox"));
        // 5 cm is about 5e-7 degrees here.
        assert!(p.iter().zip(q).all(|(u, v)| (u - v).abs() < 5e-7), "{p:?} vs {q:?}");
    }
    assert!(a.iter().any(|f| f.name() == Some("齐鲁创智园")));

    // A table that is not there: the message names it.
    let (code, _, stderr) = convert(&[&pg.spec_text(Some("没有.这张表")), gpkg.to_str().expect("utf-8")], dir.path());
    assert_eq!(code, 1);
    assert!(stderr.contains("没有.这张表"), "{stderr}");
}
