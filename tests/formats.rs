//! The formats planners receive, read from files GDAL's `ogr2ogr` made from the embedded layers
//! (`tests/fixtures/formats/`, remade by `scripts/make_format_fixtures.sh`): each comes back to
//! the embedded data's coordinates within 5 cm and with identical Chinese names, whatever its
//! format, coordinate system and text encoding. Then the way back: `convert` writes shapefiles,
//! GeoPackages and GeoJSON that read back unchanged, and that GDAL itself reads.

use std::path::{Path, PathBuf};
use std::process::Command;

use geo::{CoordsIter, Geometry};
use kuiwen_atlas::io::crs::Crs;
use kuiwen_atlas::io::formats::{EncodingSource, TextEncoding};
use kuiwen_atlas::io::{LoadOptions, Parsed, embedded, load_path};
use kuiwen_atlas::model::Feature;

/// The largest distance, in metres, a vertex may move through a format and a projection.
const TOLERANCE_M: f64 = 0.05;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats").join(name)
}

fn embedded_layer(key: &str) -> Vec<Feature> {
    embedded::load_all()
        .unwrap_or_else(|(f, e)| panic!("{f}: {e}"))
        .into_iter()
        .find(|l| l.key == key)
        .unwrap_or_else(|| panic!("no embedded {key}"))
        .features
}

fn load(path: &Path, options: LoadOptions) -> Parsed {
    let parsed = load_path(path, options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(parsed.ok(), "{}: {:?}", path.display(), parsed.errors);
    parsed
}

/// Metres between two WGS84 positions (equirectangular: exact enough at centimetres).
fn distance_m(a: geo::Coord<f64>, b: geo::Coord<f64>) -> f64 {
    let lat = a.y.to_radians();
    let dx = (a.x - b.x).to_radians() * 6_378_137.0 * lat.cos();
    let dy = (a.y - b.y).to_radians() * 6_378_137.0;
    dx.hypot(dy)
}

/// Every vertex of `want` has a vertex of `got` within the tolerance and the counts agree
/// (rings may run the other way round in a shapefile).
fn same_shape(what: &str, want: &Geometry<f64>, got: &Geometry<f64>) {
    let w: Vec<_> = want.coords_iter().collect();
    let g: Vec<_> = got.coords_iter().collect();
    assert_eq!(w.len(), g.len(), "{what}: vertex count");
    let worst =
        w.iter().map(|a| g.iter().map(|b| distance_m(*a, *b)).fold(f64::INFINITY, f64::min)).fold(0.0, f64::max);
    assert!(worst < TOLERANCE_M, "{what}: a vertex is {worst:.4} m away");
}

/// The loaded features are the embedded ones: same order, names and shapes.
fn lands_on(what: &str, parsed: &Parsed, key: &str, limit: Option<usize>, check_names: bool) {
    let mut want = embedded_layer(key);
    if let Some(n) = limit {
        want.truncate(n);
    }
    assert_eq!(parsed.features.len(), want.len(), "{what}: feature count");
    let got: Vec<&Feature> = if parsed.source.format == "FlatGeobuf" {
        // GDAL writes FlatGeobuf features in the order of its spatial index: match by name.
        want.iter()
            .map(|w| {
                parsed
                    .features
                    .iter()
                    .find(|g| g.name() == w.name())
                    .unwrap_or_else(|| panic!("{what}: {:?} missing", w.name()))
            })
            .collect()
    } else {
        parsed.features.iter().collect()
    };
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        if check_names {
            assert_eq!(g.name(), w.name(), "{what}: feature #{i} name");
        }
        match (&w.geometry, &g.geometry) {
            (Some(a), Some(b)) => same_shape(&format!("{what} #{i}"), a, b),
            other => panic!("{what} #{i}: geometry {other:?}"),
        }
    }
}

#[test]
fn shapefiles_in_gauss_kruger_with_gbk_utf8_and_ldid_encodings() {
    // GBK with nothing saying so: the bytes tell.
    let p = load(&fixture("parks_4528_gbk/parks.shp"), LoadOptions::default());
    lands_on("GBK shapefile, no .cpg", &p, "parks", None, true);
    assert_eq!(p.crs, Crs::Epsg(4528));
    assert_eq!(p.source.format, "ESRI Shapefile");
    assert_eq!(p.source.encoding, Some((TextEncoding::Gb18030, EncodingSource::Detected)));
    assert_eq!(p.features[0].prop_str("category"), embedded_layer("parks")[0].prop_str("category"));
    // The language-driver byte 0x4D.
    let p = load(&fixture("parks_4528_ldid/parks.shp"), LoadOptions::default());
    lands_on("GBK shapefile, LDID", &p, "parks", None, true);
    assert_eq!(p.source.encoding, Some((TextEncoding::Gbk, EncodingSource::Ldid)));
    // UTF-8 named by the .cpg, EPSG:4549 (no zone prefix) named by the .prj.
    let p = load(&fixture("districts_4549_utf8/development_districts.shp"), LoadOptions::default());
    lands_on("UTF-8 shapefile", &p, "development_districts", None, true);
    assert_eq!(p.crs, Crs::Epsg(4549));
    assert_eq!(p.source.encoding, Some((TextEncoding::Utf8, EncodingSource::Cpg)));
    // The user's choice wins, and reading GBK as UTF-8 visibly breaks the names.
    let wrong = LoadOptions { encoding: Some(TextEncoding::Utf8), ..LoadOptions::default() };
    let p = load(&fixture("parks_4528_gbk/parks.shp"), wrong);
    assert_eq!(p.source.encoding, Some((TextEncoding::Utf8, EncodingSource::Declared)));
    assert_ne!(p.features[0].name(), embedded_layer("parks")[0].name());
}

#[test]
fn a_shapefile_missing_a_part_says_which() {
    let err = load_path(&fixture("parks_4528_nodbf/parks.shp"), LoadOptions::default()).expect_err("no .dbf");
    let d = err.diagnostic();
    assert!(d.message.contains(".dbf") && d.message.contains("attribute table"), "{}", d.message);
    assert!(d.message_zh.contains(".dbf") && d.message_zh.contains("属性表"), "{}", d.message_zh);
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for ext in ["shp", "dbf", "prj"] {
        std::fs::copy(fixture(&format!("parks_4528_gbk/parks.{ext}")), tmp.path().join(format!("p.{ext}")))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let err = load_path(&tmp.path().join("p.shp"), LoadOptions::default()).expect_err("no .shx");
    assert!(err.diagnostic().message.contains(".shx"), "{}", err.diagnostic().message);
}

#[test]
fn geojson_with_a_gauss_kruger_crs_member_and_without_one() {
    let p = load(&fixture("parks_4528.geojson"), LoadOptions::default());
    lands_on("GeoJSON EPSG:4528", &p, "parks", None, true);
    assert_eq!(p.crs, Crs::Epsg(4528));
    // The same numbers with the crs member removed: 8-digit eastings name zone 40; loaded, and
    // the warning says what was assumed.
    let text = std::fs::read_to_string(fixture("parks_4528.geojson")).unwrap_or_else(|e| panic!("{e}"));
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    assert!(doc.as_object_mut().and_then(|o| o.remove("crs")).is_some(), "the fixture names its system");
    let bare = doc.to_string();
    assert!(!bare.contains("EPSG"), "crs member removed");
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = tmp.path().join("bare.geojson");
    std::fs::write(&path, bare).unwrap_or_else(|e| panic!("{e}"));
    let p = load(&path, LoadOptions::default());
    lands_on("GeoJSON, zone told by the eastings", &p, "parks", None, true);
    assert_eq!(p.crs, Crs::Epsg(4528));
    assert!(
        p.warnings.iter().any(|w| w.message.contains("EPSG:4528") && w.message_zh.contains("带号")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn geopackage_layers_each_in_its_own_system() {
    let path = fixture("kuiwen.gpkg");
    assert_eq!(
        kuiwen_atlas::io::formats::list_layers(&path).unwrap_or_else(|e| panic!("{e}")),
        vec!["parks", "facilities", "development_districts"]
    );
    let p = load(&path, LoadOptions::default());
    assert_eq!(p.source.layer.as_deref(), Some("parks"), "the first layer by default");
    lands_on("GeoPackage parks", &p, "parks", None, true);
    assert_eq!(p.crs, Crs::Epsg(4528));
    let layer = |l: &str| LoadOptions { layer: Some(l.to_owned()), ..LoadOptions::default() };
    let p = load(&path, layer("facilities"));
    lands_on("GeoPackage facilities", &p, "facilities", Some(40), true);
    assert_eq!(p.crs, Crs::Cgcs2000);
    let p = load(&path, layer("development_districts"));
    lands_on("GeoPackage districts", &p, "development_districts", None, true);
    let err = load_path(&path, layer("roads")).expect_err("no such layer");
    assert!(err.diagnostic().message.contains("parks, facilities, development_districts"));
}

#[test]
fn kml_kmz_and_flatgeobuf() {
    for name in ["parks.kml", "parks.kmz", "parks.fgb"] {
        let p = load(&fixture(name), LoadOptions::default());
        lands_on(name, &p, "parks", None, true);
        assert_eq!(p.crs, Crs::Wgs84, "{name}");
    }
    // KML's extended data keeps the other fields, numbers as numbers.
    let p = load(&fixture("parks.kml"), LoadOptions::default());
    let want = embedded_layer("parks");
    let first = &p.features[0];
    assert_eq!(first.prop_str("category"), want[0].prop_str("category"));
    assert_eq!(first.prop_f64("area_mu").is_some(), want[0].prop_f64("area_mu").is_some());
    // A KML from a Chinese app in GCJ-02: the declared system moves it back by hundreds of metres.
    let gcj = load(&fixture("parks.kml"), LoadOptions::with_crs(Some(Crs::Gcj02)));
    let (a, b) = (p.features[0].bbox.unwrap_or_default(), gcj.features[0].bbox.unwrap_or_default());
    let shift = distance_m(geo::Coord { x: a[0], y: a[1] }, geo::Coord { x: b[0], y: b[1] });
    assert!((200.0..1000.0).contains(&shift), "GCJ-02 shift {shift} m");
}

#[test]
fn csv_with_gb18030_lon_lat_with_surveyors_xy_and_with_wkt() {
    let p = load(&fixture("facilities_gb18030.csv"), LoadOptions::default());
    lands_on("GB18030 CSV", &p, "facilities", Some(40), true);
    assert_eq!(p.source.encoding, Some((TextEncoding::Gb18030, EncodingSource::Detected)));
    assert_eq!(p.features[0].prop_str("类别"), embedded_layer("facilities")[0].prop_str("category"));
    // X/Y metres in EPSG:4549: six-digit eastings fit every central meridian, so it must be said.
    let err = load_path(&fixture("facilities_4549_xy.csv"), LoadOptions::default()).expect_err("ambiguous");
    assert!(err.diagnostic().message.contains("Gauss-Kr"), "{}", err.diagnostic().message);
    let p = load(&fixture("facilities_4549_xy.csv"), LoadOptions::with_crs(Some(Crs::Epsg(4549))));
    lands_on("X/Y CSV", &p, "facilities", Some(40), true);
    // The surveying convention (X north, Y east) is recognised from the numbers.
    let text = std::fs::read_to_string(fixture("facilities_4549_xy.csv")).unwrap_or_else(|e| panic!("{e}"));
    // The column named X holds the northings, Y the eastings: the header stays, the numbers swap.
    let swapped: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let mut c: Vec<&str> = l.split(',').collect();
            if i > 0 {
                c.swap(0, 1);
            }
            c.join(",")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = tmp.path().join("survey.csv");
    std::fs::write(&path, swapped).unwrap_or_else(|e| panic!("{e}"));
    let p = load(&path, LoadOptions::with_crs(Some(Crs::Epsg(4549))));
    lands_on("surveyor's X/Y CSV", &p, "facilities", Some(40), true);
    assert!(p.warnings.iter().any(|w| w.message_zh.contains("X 为北")), "{:?}", p.warnings);
    let p = load(&fixture("districts_wkt.csv"), LoadOptions::default());
    lands_on("WKT CSV", &p, "development_districts", None, true);
}

#[test]
fn dxf_polylines_need_their_system_declared() {
    let path = fixture("parks_4549.dxf");
    let err = load_path(&path, LoadOptions::default()).expect_err("a CAD drawing states no system");
    assert!(err.diagnostic().message_zh.contains("坐标系"), "{}", err.diagnostic().message_zh);
    let p = load(&path, LoadOptions::with_crs(Some(Crs::Epsg(4549))));
    lands_on("DXF", &p, "parks", None, false);
    assert!(p.features.iter().all(|f| f.prop_str("layer") == Some("0") && f.prop_str("entity") == Some("LWPOLYLINE")));
}

fn gdal_installed() -> bool {
    Command::new("ogr2ogr").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn file_geodatabase_through_gdal_or_a_clear_error_without_it() {
    let path = fixture("parks.gdb");
    if gdal_installed() {
        let p = load(&path, LoadOptions::default());
        lands_on("File Geodatabase", &p, "parks", None, true);
        assert_eq!(p.crs, Crs::Epsg(4528));
        assert_eq!(p.source.format, "File Geodatabase");
        // Opening a table file inside the folder opens the folder.
        let p = load(&path.join("a00000009.gdbtable"), LoadOptions::default());
        assert_eq!(p.features.len(), 8);
    }
    // Without GDAL (a PATH with no ogr2ogr): the message says what to install.
    let out = Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas"))
        .args(["check", "--json"])
        .arg(&path)
        .env("PATH", "/nonexistent")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ogr2ogr") && text.contains("apt install gdal-bin"), "{text}");
}

#[test]
fn unsupported_files_say_what_they_are_and_what_to_do() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for (name, needle) in [("plan.dwg", "DXF"), ("table.xlsx", "CSV"), ("data.zip", "unpack"), ("parks.dbf", ".shp")] {
        let p = tmp.path().join(name);
        std::fs::write(&p, b"x").unwrap_or_else(|e| panic!("{e}"));
        let err = load_path(&p, LoadOptions::default()).expect_err(name);
        assert!(err.diagnostic().message.contains(needle), "{name}: {}", err.diagnostic().message);
        assert!(!err.diagnostic().message_zh.is_empty());
    }
}

#[test]
fn xian_80_is_refused_without_seven_parameters_and_read_with_them() {
    let bin = env!("CARGO_BIN_EXE_kuiwen-atlas");
    let file = fixture("districts_4549_utf8/development_districts.shp");
    let out =
        Command::new(bin).args(["check", "--crs", "EPSG:2385"]).arg(&file).output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(2), "refused as an argument");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("seven parameters") && err.contains("--towgs84"), "{err}");
    let out = Command::new(bin)
        .args(["check", "--json", "--crs", "EPSG:2385", "--towgs84", "24,-123,-94,0.02,-0.25,-0.13,1.1"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("+towgs84=24,-123,-94,0.02,-0.25,-0.13,1.1"), "the parameters used are reported: {text}");
}

#[test]
fn check_reports_every_layer_with_format_system_and_encoding() {
    let bin = env!("CARGO_BIN_EXE_kuiwen-atlas");
    let out = Command::new(bin)
        .args(["check", "--json"])
        .arg(fixture("kuiwen.gpkg"))
        .arg(fixture("parks_4528_ldid/parks.shp"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let files = v["files"].as_array().unwrap_or_else(|| panic!("files"));
    let layers: Vec<&str> = files.iter().filter_map(|f| f["layer"].as_str()).collect();
    assert_eq!(layers, ["parks", "facilities", "development_districts"]);
    assert_eq!(files[0]["crs"], "EPSG:4528");
    assert_eq!(files[1]["crs"], "cgcs2000");
    assert_eq!(files[3]["format"], "ESRI Shapefile");
    assert_eq!(files[3]["features"], 8);
    assert!(files[3]["encoding"].as_str().is_some_and(|e| e.starts_with("GBK")), "{}", files[3]);
    assert!(files[3]["area_m2"].as_f64().is_some_and(|a| a > 1e6));
}

/// Every key of the features, in order of first appearance: the columns a table format gets.
fn union_keys(features: &[Feature]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for f in features {
        for k in f.properties.keys() {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys
}

/// The field names of a dBase table, in the file's order, read straight from its header.
fn dbf_field_names(dbf: &[u8], enc: TextEncoding) -> Vec<String> {
    let header_len = usize::from(u16::from_le_bytes([dbf[8], dbf[9]]));
    dbf[32..header_len - 1]
        .chunks(32)
        .map(|d| {
            let name = &d[..11];
            let end = name.iter().position(|&b| b == 0).unwrap_or(11);
            enc.decode(&name[..end]).0
        })
        .collect()
}

/// A property, absent and null alike being null: a table has a cell for every column.
fn cell(f: &Feature, key: &str) -> serde_json::Value {
    f.properties.get(key).cloned().unwrap_or(serde_json::Value::Null)
}

#[test]
fn convert_to_shapefile_in_gbk_and_4528_and_back_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bin = env!("CARGO_BIN_EXE_kuiwen-atlas");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/communities.geojson");
    let out_shp = tmp.path().join("社区.shp");
    let out = Command::new(bin)
        .args(["convert", "--json", "--to-crs", "EPSG:4528", "--to-encoding", "GBK"])
        // Versions of converted files go to the test's folder, never the user's history.
        .env("KUIWEN_DATA_DIR", tmp.path().join("data"))
        .arg(&src)
        .arg(&out_shp)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report["features"], 65);
    assert_eq!(report["crs_out"], "EPSG:4528");
    assert_eq!(std::fs::read_to_string(out_shp.with_extension("cpg")).unwrap_or_default(), "GBK");
    let prj = std::fs::read_to_string(out_shp.with_extension("prj")).unwrap_or_default();
    assert!(prj.contains("CGCS2000 / 3-degree Gauss-Kruger zone 40"), "{prj}");
    let dbf = std::fs::read(out_shp.with_extension("dbf")).unwrap_or_default();
    let want = embedded_layer("communities");
    let first_name = want[0].name().unwrap_or_default();
    assert!(
        dbf.windows(first_name.len() * 2 / 3).any(|w| w == TextEncoding::Gbk.encode(first_name).as_slice()),
        "names are GBK in the .dbf"
    );
    let back = load(&out_shp, LoadOptions::default());
    assert_eq!(back.crs, Crs::Epsg(4528));
    lands_on("communities via GBK shapefile", &back, "communities", None, true);
    // Every value of every column: text, numbers and nulls. Field names are cut to 10 bytes, so
    // columns are matched by position.
    let (want_keys, got_keys) = (union_keys(&want), dbf_field_names(&dbf, TextEncoding::Gbk));
    assert_eq!(want_keys.len(), got_keys.len(), "{got_keys:?}");
    for (w, g) in want.iter().zip(&back.features) {
        for (wk, gk) in want_keys.iter().zip(&got_keys) {
            let (a, b) = (&cell(w, wk), &cell(g, gk));
            let _ = (wk, gk);
            match (a, b) {
                (serde_json::Value::String(x), serde_json::Value::String(y))
                    if TextEncoding::Gbk.encode(x).len() > 254 =>
                {
                    assert!(x.starts_with(y.as_str()), "long text is cut, not changed")
                }
                (serde_json::Value::Number(x), serde_json::Value::Number(y)) => {
                    assert!((x.as_f64().unwrap_or(0.0) - y.as_f64().unwrap_or(1.0)).abs() < 1e-9, "{x} vs {y}")
                }
                _ => assert_eq!(a, b),
            }
        }
    }
    // GDAL reads what we wrote the same way.
    if gdal_installed() {
        let out = Command::new("ogrinfo")
            .args(["-ro", "-al", "-so"])
            .arg(&out_shp)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Feature Count: 65") && text.contains("zone 40"), "{text}");
        let out =
            Command::new("ogrinfo").args(["-ro", "-al", "-q"]).arg(&out_shp).output().unwrap_or_else(|e| panic!("{e}"));
        assert!(String::from_utf8_lossy(&out.stdout).contains(first_name), "GDAL decodes the GBK names");
    }
}

#[test]
fn convert_to_geopackage_and_geojson_keeps_every_property_exactly() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let bin = env!("CARGO_BIN_EXE_kuiwen-atlas");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/parks.geojson");
    let want = embedded_layer("parks");
    for (name, to) in [("parks.gpkg", "EPSG:4549"), ("parks.geojson", "wgs84"), ("back.gpkg", "wgs84")] {
        let input = if name == "back.gpkg" { tmp.path().join("parks.gpkg") } else { src.clone() };
        let out_path = tmp.path().join(name);
        let out = Command::new(bin)
            .args(["convert", "--to-crs", to])
            // Versions of converted files go to the test's folder, never the user's history.
            .env("KUIWEN_DATA_DIR", tmp.path().join("data"))
            .arg(&input)
            .arg(&out_path)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let back = load(&out_path, LoadOptions::default());
        lands_on(name, &back, "parks", None, true);
        for (w, g) in want.iter().zip(&back.features) {
            for k in union_keys(&want) {
                assert_eq!(cell(w, &k), cell(g, &k), "{name}: {k}");
            }
        }
        if gdal_installed() && name.ends_with(".gpkg") {
            let out = Command::new("ogrinfo")
                .args(["-ro", "-al", "-so"])
                .arg(&out_path)
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(String::from_utf8_lossy(&out.stdout).contains("Feature Count: 8"), "GDAL reads our GeoPackage");
        }
    }
    // A shapefile holds one geometry type: a mixed layer is refused with the reason.
    let mixed = tmp.path().join("mixed.geojson");
    std::fs::write(
        &mixed,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"点"},"geometry":{"type":"Point","coordinates":[119.1,36.7]}},
{"type":"Feature","properties":{"name":"线"},"geometry":{"type":"LineString","coordinates":[[119.1,36.7],[119.2,36.7]]}}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(bin)
        .arg("convert")
        .arg(&mixed)
        // Versions of converted files go to the test's folder, never the user's history.
        .env("KUIWEN_DATA_DIR", tmp.path().join("data"))
        .arg(tmp.path().join("m.shp"))
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("one geometry type") && err.contains("GeoPackage") && err.contains("几何类型"), "{err}");
    assert!(!tmp.path().join("m.shp").exists(), "nothing half-written");
}

#[test]
fn editing_a_shapefiles_table_alone_is_seen_by_the_watcher() {
    use kuiwen_atlas::io::watch::FileWatcher;
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for ext in ["shp", "shx", "dbf", "prj"] {
        std::fs::copy(fixture(&format!("parks_4528_ldid/parks.{ext}")), tmp.path().join(format!("parks.{ext}")))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let shp = tmp.path().join("parks.shp");
    let mut w = FileWatcher::new(|| {}).unwrap_or_else(|e| panic!("{e}"));
    w.watch(&shp).unwrap_or_else(|e| panic!("{e}"));
    std::thread::sleep(std::time::Duration::from_millis(200));
    let dbf = std::fs::read(tmp.path().join("parks.dbf")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(tmp.path().join("parks.dbf"), dbf).unwrap_or_else(|e| panic!("{e}"));
    let changed = w.wait(std::time::Duration::from_secs(10));
    assert_eq!(changed, vec![kuiwen_atlas::io::watch::absolute(&shp)]);
}
