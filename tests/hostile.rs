//! Hostile files: each must get a clear error or load, never a panic, a hang or unbounded memory.
//!
//! The small cases are committed under `tests/fixtures/hostile/`; the huge ones (100,000-level
//! nesting, a 1,000,000-vertex polygon, 1,000,000 features, a file past the size limit) and the
//! truncations at every structural point of a representative file are generated here at run time
//! into a temporary folder. Every case runs in its own child process of the real binary,
//! `kuiwen-atlas check --json FILE`, under a wall-clock limit and an address-space limit
//! (`ulimit -v` in `sh`), and must exit 0 (valid) or 1 (invalid, with a message): a signal (an
//! abort on a failed allocation included), exit 101 (a panic) or the time limit is a failure.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Wall-clock limit per case (debug builds are slower; CI runs release).
const TIME_LIMIT: Duration = Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 10 });
/// Address-space limit per case, KiB (2 GiB).
const MEMORY_LIMIT_KIB: u64 = 2 * 1024 * 1024;
/// The loader's size limit (`kuiwen_atlas::io::geojson::MAX_FILE_BYTES`).
const MAX_FILE_BYTES: u64 = kuiwen_atlas::io::geojson::MAX_FILE_BYTES;

/// What a case must give.
#[derive(Clone, Debug, Default)]
struct Expect {
    /// `Some(true)`: valid (exit 0); `Some(false)`: invalid (exit 1); `None`: either.
    ok: Option<bool>,
    /// Features that must load.
    features: Option<usize>,
    /// Text the first error must contain (English).
    error: Option<&'static str>,
    /// Text some warning must contain.
    warning: Option<&'static str>,
    /// Largest total area that is plausible, m².
    max_area_m2: Option<f64>,
}

fn invalid(error: &'static str) -> Expect {
    Expect { ok: Some(false), error: Some(error), ..Expect::default() }
}

fn loads(features: usize) -> Expect {
    Expect { ok: Some(true), features: Some(features), ..Expect::default() }
}

/// The committed small cases and what each must give. Every file in the folder must be listed.
fn committed() -> Vec<(&'static str, Expect)> {
    vec![
        ("empty.geojson", invalid("empty")),
        ("whitespace.geojson", invalid("empty")),
        ("bom_only.geojson", invalid("empty")),
        ("top_level_array.geojson", invalid("top level is an array")),
        ("top_level_string.geojson", invalid("top level is a string")),
        ("top_level_null.geojson", invalid("top level is null")),
        ("type_lowercase.geojson", invalid("unknown \"type\"")),
        ("type_number.geojson", invalid("\"type\" must be a string")),
        ("type_missing.geojson", invalid("no \"type\"")),
        (
            "feature_with_wrong_type.geojson",
            Expect { features: Some(1), ..invalid("\"type\" of a feature must be \"Feature\"") },
        ),
        ("geometry_type_unknown.geojson", invalid("unknown geometry type \"Circle\"")),
        ("features_not_array.geojson", invalid("\"features\" must be an array")),
        ("features_missing.geojson", invalid("needs a \"features\" array")),
        ("number_1e400.geojson", invalid("too large")),
        ("number_minus_1e400.geojson", invalid("too large")),
        ("number_1e-400.geojson", loads(1)),
        ("number_huge_integer.geojson", invalid("out of range")),
        ("nan_literal.geojson", invalid("NaN and Infinity")),
        ("infinity_literal.geojson", invalid("NaN and Infinity")),
        ("minus_infinity_literal.geojson", invalid("NaN and Infinity")),
        ("invalid_utf8.geojson", invalid("not valid UTF-8")),
        ("gbk_encoded.geojson", invalid("GBK")),
        ("utf16le_bom.geojson", invalid("UTF-16")),
        ("utf16be_bom.geojson", invalid("UTF-16")),
        ("utf16le_no_bom.geojson", invalid("UTF-16")),
        ("nul_bytes.geojson", invalid("NUL bytes")),
        ("lone_surrogate.geojson", invalid("not valid JSON")),
        // serde_json keeps the last of duplicate keys; what matters is a clear error, not a crash.
        ("duplicate_keys.geojson", Expect { ok: Some(false), ..Expect::default() }),
        ("duplicate_coordinates_key.geojson", invalid("found a string")),
        ("properties_array.geojson", invalid("\"properties\" must be an object")),
        ("properties_string.geojson", invalid("\"properties\" must be an object")),
        ("properties_nested_arrays.geojson", loads(1)),
        ("id_object.geojson", Expect { warning: Some("\"id\" should be"), ..loads(1) }),
        ("position_1_number.geojson", invalid("at least 2 numbers")),
        ("position_7_numbers.geojson", Expect { warning: Some("7 numbers"), ..loads(1) }),
        ("position_empty.geojson", invalid("at least 2 numbers")),
        ("position_strings.geojson", invalid("must be a number")),
        ("ring_3_points.geojson", invalid("at least 4")),
        ("ring_not_closed.geojson", invalid("not closed")),
        ("polygon_no_rings.geojson", invalid("at least one ring")),
        ("polygon_degenerate.geojson", loads(1)),
        ("polygon_bowtie.geojson", loads(1)),
        ("polygon_around_pole.geojson", Expect { max_area_m2: Some(3.0e12), ..loads(1) }),
        // 0.2° × 1° straddling 180°: 2.4e9 m², not the rest of the Earth (5.1e14 m²).
        ("polygon_antimeridian.geojson", Expect { max_area_m2: Some(3.0e9), ..loads(1) }),
        ("polygon_hemisphere.geojson", loads(1)),
        ("multipolygon_empty.geojson", loads(1)),
        ("linestring_1_point.geojson", invalid("at least 2 positions")),
        ("lat_95.geojson", invalid("out of range")),
        ("lon_lat_swapped.geojson", invalid("swapped")),
        ("projected_web_mercator.geojson", invalid("Web Mercator")),
        // 8-digit eastings name zone 40: read as EPSG:4528, and the warning says so.
        ("projected_gauss_kruger_zone40.geojson", Expect { warning: Some("8-digit eastings"), ..loads(1) }),
        ("projected_gauss_kruger_no_prefix.geojson", invalid("Gauss-Krüger")),
        // Xian 1980 needs the project's seven parameters: never a silent guess.
        ("crs_unsupported.geojson", invalid("seven parameters")),
        ("crs_garbage.geojson", invalid("not understood")),
        ("geometry_missing.geojson", invalid("no \"geometry\"")),
        ("geometry_collection_nested_10.geojson", invalid("nested too deeply")),
        ("trailing_garbage.geojson", invalid("text after the end")),
        ("two_documents_geojsonseq.geojson", invalid("more than one JSON document")),
        ("comments.geojson", invalid("comments")),
        ("trailing_comma.geojson", invalid("trailing comma")),
        ("single_quotes.geojson", invalid("double quotes")),
        ("truncated_mid_string.geojson", invalid("ends too early")),
        ("truncated_mid_number.geojson", invalid("ends too early")),
        ("truncated_mid_escape.geojson", invalid("ends too early")),
    ]
}

/// A representative file: every geometry type, a hole, properties of every JSON kind, escapes,
/// Chinese text, a foreign member and a legacy `crs`, spread over lines.
const REPRESENTATIVE: &str = r#"{"type":"FeatureCollection","name":"样例","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},
"features":[
{"type":"Feature","id":1,"properties":{"name":"甲 \"引号\" \\ \u5730","n":-1.5e2,"ok":true,"none":null,"tags":["a",{"b":[]}]},
 "geometry":{"type":"Polygon","coordinates":[[[119.1,36.7],[119.2,36.7],[119.2,36.8],[119.1,36.8],[119.1,36.7]],
  [[119.12,36.72],[119.13,36.72],[119.13,36.73],[119.12,36.72]]]}},
{"type":"Feature","id":"b","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[119.1,36.7],[119.2,36.7],[119.2,36.8],[119.1,36.7]]]]}},
{"type":"Feature","properties":null,"geometry":{"type":"LineString","coordinates":[[119.1,36.7,5],[119.2,36.75,6]]}},
{"type":"Feature","properties":{"x":0},"geometry":{"type":"MultiLineString","coordinates":[[[119.1,36.7],[119.2,36.7]]]}},
{"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[119.1,36.7],[119.15,36.71]]}},
{"type":"Feature","properties":{},"foreign":{"k":[1,2]},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[119.1,36.7]}]}},
{"type":"Feature","properties":{},"geometry":null}
]}
"#;

struct Case {
    name: String,
    path: PathBuf,
    expect: Expect,
}

/// Write `parts` to `path` without building the whole text in memory.
fn write_parts(path: &Path, parts: impl IntoIterator<Item = Vec<u8>>) {
    let f = std::fs::File::create(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    for p in parts {
        w.write_all(&p).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    w.flush().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn repeat(s: &str, n: usize) -> Vec<u8> {
    s.repeat(n).into_bytes()
}

/// A regular polygon of `n` vertices (closed) around Kuiwen, radius ~1 km.
fn polygon_text(n: usize) -> impl Iterator<Item = Vec<u8>> {
    let head = std::iter::once(
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"百万顶点\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[["
            .as_bytes()
            .to_vec(),
    );
    let body = (0..=n).map(move |i| {
        let a = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
        let sep = if i == 0 { "" } else { "," };
        format!("{sep}[{:.7},{:.7}]", 119.1 + 0.0112 * a.cos(), 36.7 + 0.009 * a.sin()).into_bytes()
    });
    head.chain(body).chain(std::iter::once(b"]]}}]}\n".to_vec()))
}

fn features_text(n: usize, feature: &'static str) -> impl Iterator<Item = Vec<u8>> {
    let head = std::iter::once(b"{\"type\":\"FeatureCollection\",\"features\":[\n".to_vec());
    let body =
        (0..n).map(move |i| if i == 0 { feature.as_bytes().to_vec() } else { format!(",\n{feature}").into_bytes() });
    head.chain(body).chain(std::iter::once(b"\n]}\n".to_vec()))
}

fn bom() -> Vec<u8> {
    b"\xEF\xBB\xBF".to_vec()
}

/// The huge and hostile cases made at run time.
fn generated(dir: &Path) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |name: &str, expect: Expect, parts: Box<dyn Iterator<Item = Vec<u8>>>| {
        let path = dir.join(name);
        write_parts(&path, parts);
        cases.push(Case { name: name.to_owned(), path, expect });
    };
    const DEEP: usize = 100_000;
    let nested = || invalid("nested more than 128");
    add("deep_arrays_100k.geojson", nested(), Box::new([repeat("[", DEEP), repeat("]", DEEP)].into_iter()));
    add(
        "deep_objects_100k.geojson",
        nested(),
        Box::new([repeat("{\"a\":", DEEP), b"1".to_vec(), repeat("}", DEEP)].into_iter()),
    );
    add("deep_unclosed_100k.geojson", nested(), Box::new([repeat("[{\"a\":", DEEP)].into_iter()));
    add(
        "deep_in_properties_100k.geojson",
        nested(),
        Box::new(
            [
                b"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"a\":".to_vec(),
                repeat("[", DEEP),
                repeat("]", DEEP),
                b"}}]}".to_vec(),
            ]
            .into_iter(),
        ),
    );
    add(
        "deep_in_coordinates_100k.geojson",
        nested(),
        Box::new(
            [b"{\"type\":\"Point\",\"coordinates\":".to_vec(), repeat("[", DEEP), repeat("]", DEEP), b"}".to_vec()]
                .into_iter(),
        ),
    );
    // 40 GeometryCollections (80 JSON levels: within serde_json's limit, past the loader's).
    add(
        "deep_geometry_collections_40.geojson",
        invalid("nested too deeply"),
        Box::new(
            [
                repeat("{\"type\":\"GeometryCollection\",\"geometries\":[", 40),
                b"{\"type\":\"Point\",\"coordinates\":[119.1,36.7]}".to_vec(),
                repeat("]}", 40),
            ]
            .into_iter(),
        ),
    );
    // A 1,000,000-vertex polygon: 2π·1 km ≈ 3.1 km² (the fast path), and with a byte-order mark
    // (which sends it down the general path).
    let big = || Expect { max_area_m2: Some(3.5e6), ..loads(1) };
    add("polygon_1m_vertices.geojson", big(), Box::new(polygon_text(1_000_000)));
    add(
        "polygon_1m_vertices_bom.geojson",
        Expect { warning: Some("byte-order mark"), ..big() },
        Box::new(std::iter::once(bom()).chain(polygon_text(1_000_000))),
    );
    const EMPTY: &str = r#"{"type":"Feature","properties":null,"geometry":null}"#;
    add("empty_features_1m.geojson", loads(1_000_000), Box::new(features_text(1_000_000, EMPTY)));
    add(
        "empty_features_1m_bom.geojson",
        loads(1_000_000),
        Box::new(std::iter::once(bom()).chain(features_text(1_000_000, EMPTY))),
    );
    // 200,000 features that all fail: as many diagnostics.
    add(
        "bad_features_200k.geojson",
        Expect { features: Some(0), ..invalid("no \"geometry\"") },
        Box::new(features_text(200_000, r#"{"type":"Feature","properties":{}}"#)),
    );
    add(
        "string_property_20mb.geojson",
        loads(1),
        Box::new(
            [
                b"{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"notes\":\"".to_vec(),
                repeat("规划", 20 << 20 >> 3),
                b"\"}}".to_vec(),
            ]
            .into_iter(),
        ),
    );
    add(
        "properties_100k_keys.geojson",
        loads(1),
        Box::new(
            std::iter::once(b"{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"k0\":0".to_vec())
                .chain((1..100_000).map(|i| format!(",\"k{i}\":{i}").into_bytes()))
                .chain(std::iter::once(b"}}".to_vec())),
        ),
    );
    // Over 1 MiB (the fast path) and not JSON between features: nothing may be silently dropped.
    const POINT: &str =
        r#"{"type":"Feature","properties":{"name":"点"},"geometry":{"type":"Point","coordinates":[119.1,36.7]}}"#;
    for (name, joint, error) in [
        ("fast_path_missing_comma.geojson", " ", "expected `,` or `]`"),
        ("fast_path_stray_text.geojson", " stray, ", "expected `,` or `]`"),
        ("fast_path_double_comma.geojson", ",,", "expected value"),
    ] {
        add(
            name,
            invalid(error),
            Box::new(features_text(20_000, POINT).take(20_001).chain([
                joint.as_bytes().to_vec(),
                POINT.as_bytes().to_vec(),
                b"]}".to_vec(),
            ])),
        );
    }
    add(
        "fast_path_trailing_comma.geojson",
        invalid("trailing comma"),
        Box::new(features_text(20_000, POINT).take(20_001).chain([b",]}".to_vec()])),
    );
    // Past the detailed loader's limit and not plain (a byte-order mark; the rest sparse zeros):
    // refused with what to do, in bounded memory.
    let not_plain = dir.join("not_plain_300mb.geojson");
    let mut f = std::fs::File::create(&not_plain).unwrap_or_else(|e| panic!("{e}"));
    f.write_all(&bom()).unwrap_or_else(|e| panic!("{e}"));
    f.set_len(300 << 20).unwrap_or_else(|e| panic!("{e}"));
    cases.push(Case { name: "not_plain_300mb.geojson".into(), path: not_plain, expect: invalid("RFC7946=YES") });
    // Past the size limit: a sparse file, no disk used; refused before reading.
    let sparse = dir.join("too_large_sparse.geojson");
    let f = std::fs::File::create(&sparse).unwrap_or_else(|e| panic!("{e}"));
    f.set_len(MAX_FILE_BYTES + 1).unwrap_or_else(|e| panic!("{e}"));
    cases.push(Case { name: "too_large_sparse.geojson".into(), path: sparse, expect: invalid("more than the") });

    // Truncated at every structural point of the representative file (and mid-token beside it).
    let full = REPRESENTATIVE.as_bytes();
    let end = REPRESENTATIVE.trim_end().len();
    let mut cuts: Vec<usize> = Vec::new();
    for (i, &b) in full[..end].iter().enumerate() {
        if matches!(b, b'{' | b'}' | b'[' | b']' | b',' | b':' | b'"' | b'\n') {
            cuts.extend([i, i + 1]);
        }
    }
    cuts.retain(|&k| k < end && REPRESENTATIVE.is_char_boundary(k));
    cuts.sort_unstable();
    cuts.dedup();
    for k in cuts {
        let name = format!("truncated_at_{k:04}.geojson");
        let path = dir.join(&name);
        std::fs::write(&path, &full[..k]).unwrap_or_else(|e| panic!("{e}"));
        cases.push(Case { name, path, expect: invalid(if k == 0 { "empty" } else { "ends too early" }) });
    }
    // The whole file loads (so the truncations above are truncations of something valid).
    let path = dir.join("representative.geojson");
    std::fs::write(&path, full).unwrap_or_else(|e| panic!("{e}"));
    cases.push(Case { name: "representative.geojson".into(), path, expect: loads(7) });
    cases
}

/// How a child run ended.
struct Run {
    code: Option<i32>,
    elapsed: Duration,
    timed_out: bool,
    peak_rss_kib: Option<u64>,
    stdout: String,
    stderr: String,
}

/// Peak resident memory of a running process (Linux), KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn run_check(file: &Path, out_dir: &Path, tag: &str) -> Run {
    let stdout_path = out_dir.join(format!("{tag}.stdout"));
    let stderr_path = out_dir.join(format!("{tag}.stderr"));
    let open = |p: &Path| std::fs::File::create(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" check --json \"$1\""))
        .arg(env!("CARGO_BIN_EXE_kuiwen-atlas"))
        .arg(file)
        .stdin(Stdio::null())
        .stdout(open(&stdout_path))
        .stderr(open(&stderr_path))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the binary: {e}"));
    let mut peak = None;
    let mut timed_out = false;
    let status = loop {
        if let Some(kib) = peak_rss_kib(child.id()) {
            peak = Some(kib);
        }
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if started.elapsed() > TIME_LIMIT => {
                timed_out = true;
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("waiting for the child: {e}"),
        }
    };
    let elapsed = started.elapsed();
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Run {
        code: status.and_then(|s| s.code()),
        elapsed,
        timed_out,
        peak_rss_kib: peak,
        stdout: read(&stdout_path),
        stderr: read(&stderr_path),
    }
}

/// Check one case; `Err` says what went wrong.
fn judge(case: &Case, run: &Run) -> Result<(), String> {
    let tail = |s: &str| s.chars().rev().take(600).collect::<Vec<_>>().into_iter().rev().collect::<String>();
    if run.timed_out {
        return Err(format!("no answer within {TIME_LIMIT:?} (a hang?)"));
    }
    let code = match run.code {
        Some(c @ (0 | 1)) => c,
        Some(101) => return Err(format!("panicked: {}", tail(&run.stderr))),
        Some(c) => return Err(format!("exit code {c}: {}", tail(&run.stderr))),
        None => {
            return Err(format!(
                "killed by a signal (out of memory under the {} MiB limit, or a crash): {}",
                MEMORY_LIMIT_KIB / 1024,
                tail(&run.stderr)
            ));
        }
    };
    let v: Value =
        serde_json::from_str(&run.stdout).map_err(|e| format!("output is not JSON ({e}): {}", tail(&run.stdout)))?;
    let file = &v["files"][0];
    let ok = file["ok"].as_bool().ok_or("no \"ok\" in the report")?;
    if ok != (code == 0) {
        return Err(format!("exit code {code} but ok = {ok}"));
    }
    let errors: Vec<&str> =
        file["errors"].as_array().map(|a| a.iter().filter_map(|e| e["message"].as_str()).collect()).unwrap_or_default();
    if !ok && (errors.is_empty() || errors.iter().any(|m| m.trim().is_empty())) {
        return Err("invalid without a message".into());
    }
    let e = &case.expect;
    if let Some(want) = e.ok
        && want != ok
    {
        return Err(format!(
            "expected {}, got {} (errors: {:?})",
            if want { "valid" } else { "invalid" },
            if ok { "valid" } else { "invalid" },
            errors.first()
        ));
    }
    if let Some(n) = e.features
        && file["features"].as_u64() != Some(n as u64)
    {
        return Err(format!("expected {n} features, got {}", file["features"]));
    }
    if let Some(text) = e.error
        && !errors.first().is_some_and(|m| m.contains(text))
    {
        return Err(format!("first error should mention {text:?}: {:?}", errors.first()));
    }
    if let Some(text) = e.warning {
        let warnings = file["warnings"].as_array().cloned().unwrap_or_default();
        if !warnings.iter().any(|w| w["message"].as_str().is_some_and(|m| m.contains(text))) {
            return Err(format!("a warning should mention {text:?}: {warnings:?}"));
        }
    }
    if let Some(max) = e.max_area_m2 {
        let area = file["area_m2"].as_f64().unwrap_or(f64::NAN);
        if !(area.is_finite() && (0.0..=max).contains(&area)) {
            return Err(format!("area {area} m² is not within 0–{max}"));
        }
    }
    Ok(())
}

#[test]
fn every_hostile_file_gets_a_clear_answer_in_bounded_time_and_memory() {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let table = committed();
    // Every committed file has an expectation, and every expectation a file.
    let mut on_disk: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap_or_else(|e| panic!("{}: {e}", fixtures.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".geojson"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = table.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "tests/fixtures/hostile and the table in tests/hostile.rs disagree");

    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let gen_dir = tmp.path().join("generated");
    let out_dir = tmp.path().join("out");
    for d in [&gen_dir, &out_dir] {
        std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut cases: Vec<Case> = table
        .into_iter()
        .map(|(name, expect)| Case { name: name.to_owned(), path: fixtures.join(name), expect })
        .collect();
    cases.extend(generated(&gen_dir));

    let started = Instant::now();
    let mut failures = Vec::new();
    let mut slowest: Vec<(Duration, u64, String)> = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let run = run_check(&case.path, &out_dir, &format!("{i:04}"));
        slowest.push((run.elapsed, run.peak_rss_kib.unwrap_or(0), case.name.clone()));
        if let Err(why) = judge(case, &run) {
            failures.push(format!("{}: {why}", case.name));
        }
    }
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    println!("{} hostile cases in {:.1} s; the slowest:", cases.len(), started.elapsed().as_secs_f64());
    for (t, kib, name) in slowest.iter().take(12) {
        println!("  {:>7.0} ms {:>7} MiB  {name}", t.as_secs_f64() * 1000.0, kib / 1024);
    }
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
