//! The history of files read (成果留痕): every distinct version kept within the size limit, the
//! newest of each file always, exact bytes back on restore, damaged entries reported and skipped,
//! and a process killed while writing leaves a history that still reads.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use kuiwen_atlas::io::history::{History, HistoryError, Seen};
use serde_json::json;

/// A GeoJSON file of `n` points, different for every `n` (about 100 bytes a point).
fn points(n: usize) -> String {
    let features: Vec<_> = (0..n)
        .map(|i| {
            json!({"type": "Feature", "properties": {"name": format!("设施{i}"), "seq": i},
                "geometry": {"type": "Point", "coordinates": [119.1 + i as f64 * 1e-4, 36.7]}})
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features}).to_string()
}

#[test]
fn fifty_reloads_keep_every_distinct_version_and_restore_their_exact_bytes() {
    let dir = common::temp_dir();
    let file = dir.path().join("facilities.geojson");
    let history = History::new(dir.path().join("history"), 64 << 20);
    let mut distinct: BTreeMap<u64, String> = BTreeMap::new();
    for reload in 0..50 {
        // Every fifth write repeats the last content: no new version for it.
        let n = if reload % 5 == 4 { reload } else { reload + 1 };
        let text = points(n);
        std::fs::write(&file, &text).unwrap_or_else(|e| panic!("{e}"));
        let seen = if reload == 0 { Seen::Opened } else { Seen::Reloaded };
        if let Some(v) = history.record(&file, seen, n).unwrap_or_else(|e| panic!("{e}")) {
            distinct.insert(v.number, text);
        }
    }
    assert_eq!(distinct.len(), 40, "ten writes repeated the one before");
    let versions = history.versions_of(&file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(versions.len(), 40);
    // Deduplicated and compressed: well under the 40 files' own size.
    let raw: u64 = versions.iter().map(|v| v.size_bytes()).sum();
    assert!(history.stored_bytes() * 4 < raw, "stored {} of {raw} bytes", history.stored_bytes());
    for v in &versions {
        let out = dir.path().join(format!("restored-{}", v.number));
        let written = history.restore(v, &out).unwrap_or_else(|e| panic!("{e}"));
        let back = std::fs::read_to_string(&written[0]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, distinct[&v.number], "version {}", v.number);
        // A restore never overwrites.
        assert!(matches!(history.restore(v, &out), Err(HistoryError::WouldOverwrite { .. })));
    }
}

#[test]
fn the_size_limit_drops_the_oldest_but_never_the_newest_of_a_file() {
    let dir = common::temp_dir();
    let (a, b) = (dir.path().join("a.geojson"), dir.path().join("b.geojson"));
    // Room for a few versions only (each about 2 KiB compressed).
    let history = History::new(dir.path().join("history"), 12 << 10);
    std::fs::write(&b, points(300)).unwrap_or_else(|e| panic!("{e}"));
    history.record(&b, Seen::Opened, 300).unwrap_or_else(|e| panic!("{e}"));
    for n in 300..330 {
        std::fs::write(&a, points(n)).unwrap_or_else(|e| panic!("{e}"));
        history.record(&a, Seen::Reloaded, n).unwrap_or_else(|e| panic!("{e}"));
        assert!(history.stored_bytes() <= 12 << 10 || history.versions_of(&a).map_or(0, |v| v.len()) == 1);
    }
    let kept_a = history.versions_of(&a).unwrap_or_else(|e| panic!("{e}"));
    assert!(kept_a.len() < 30 && !kept_a.is_empty(), "{} versions of a kept", kept_a.len());
    assert_eq!(kept_a.last().map(|v| v.features), Some(329), "the newest of a stays");
    assert_eq!(history.versions_of(&b).map(|v| v.len()).unwrap_or(0), 1, "b's only version stays");
    assert!(history.stored_bytes() <= 12 << 10, "{} bytes stored", history.stored_bytes());
    // What is listed is whole.
    for v in kept_a {
        assert!(history.read_member(&v, "a.geojson").is_ok(), "version {}", v.number);
    }
}

#[test]
fn a_shapefile_is_kept_with_its_sidecars() {
    let dir = common::temp_dir();
    // A shapefile made by ogr2ogr, with .shx, .dbf, .prj and .cpg.
    let shp = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/parks_4528_gbk/parks.shp");
    let history = History::new(dir.path().join("history"), 64 << 20);
    let v = history.record(&shp, Seen::Opened, 0).unwrap_or_else(|e| panic!("{e}")).unwrap_or_else(|| panic!("new"));
    let names: Vec<&str> = v.members.iter().map(|m| m.name.as_str()).collect();
    assert!(names.len() >= 3 && names.iter().any(|n| n.ends_with(".dbf")), "{names:?}");
    let out = dir.path().join("restored");
    for path in history.restore(&v, &out).unwrap_or_else(|e| panic!("{e}")) {
        let name = path.file_name().unwrap_or_default();
        let original = std::fs::read(shp.with_file_name(name)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&path).unwrap_or_default(), original, "{}", path.display());
    }
}

#[test]
fn damaged_entries_are_reported_and_skipped() {
    let dir = common::temp_dir();
    let file = dir.path().join("f.geojson");
    let history = History::new(dir.path().join("history"), 64 << 20);
    for n in 1..=3 {
        std::fs::write(&file, points(n)).unwrap_or_else(|e| panic!("{e}"));
        history.record(&file, Seen::Reloaded, n).unwrap_or_else(|e| panic!("{e}"));
    }
    // A garbled line in the index, and a stored copy overwritten with garbage.
    let index = history.dir().join("index.jsonl");
    let mut text = std::fs::read_to_string(&index).unwrap_or_else(|e| panic!("{e}"));
    text.push_str("{\"number\": 99, \"time_unix_s\": tru\n");
    std::fs::write(&index, text).unwrap_or_else(|e| panic!("{e}"));
    let (versions, damaged) = history.versions().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(versions.len(), 3);
    assert_eq!(damaged.len(), 1);
    assert_eq!(damaged[0].line, 4);
    let object = history.dir().join("objects").join(&versions[1].members[0].sha256[..2]);
    for f in std::fs::read_dir(object).unwrap_or_else(|e| panic!("{e}")).flatten() {
        std::fs::write(f.path(), b"not gzip").unwrap_or_else(|e| panic!("{e}"));
    }
    let err = history.restore(&versions[1], &dir.path().join("r1")).err().unwrap_or_else(|| panic!("restored garbage"));
    assert!(matches!(err, HistoryError::Damaged { version: 2, .. }), "{err}");
    assert!(kuiwen_atlas::Bilingual::zh(&err).contains("损坏"));
    assert!(!dir.path().join("r1").exists(), "nothing written for a damaged version");
    // The others still restore, and a new version is still recorded after the damaged line.
    assert!(history.restore(&versions[2], &dir.path().join("r2")).is_ok());
    std::fs::write(&file, points(4)).unwrap_or_else(|e| panic!("{e}"));
    assert!(history.record(&file, Seen::Reloaded, 4).unwrap_or_else(|e| panic!("{e}")).is_some());
    assert_eq!(history.versions().map(|(v, _)| v.len()).unwrap_or(0), 4);
}

/// The writer of the killed-process test: records versions until it is killed.
#[test]
#[ignore = "run by a_process_killed_while_recording_leaves_a_readable_history"]
fn record_until_killed() {
    let Some(dir) = std::env::var_os("KUIWEN_HISTORY_TEST_DIR") else { return };
    let dir = std::path::PathBuf::from(dir);
    let file = dir.join("busy.geojson");
    let history = History::new(dir.join("history"), 256 << 10);
    for n in 1.. {
        let _ = std::fs::write(&file, points(n % 400 + 1));
        let _ = history.record(&file, Seen::Reloaded, n);
    }
}

#[test]
fn a_process_killed_while_recording_leaves_a_readable_history() {
    let dir = common::temp_dir();
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    for round in 0..3 {
        let mut child = Command::new(&exe)
            .args(["record_until_killed", "--exact", "--ignored", "--nocapture"])
            .env("KUIWEN_HISTORY_TEST_DIR", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{e}"));
        std::thread::sleep(Duration::from_millis(400 + 150 * round));
        child.kill().unwrap_or_else(|e| panic!("{e}"));
        let _ = child.wait();
        let history = History::new(dir.path().join("history"), 256 << 10);
        let (versions, _damaged) = history.versions().unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert!(!versions.is_empty(), "round {round}: the writer recorded nothing");
        // Every version listed reads back whole; a line cut short, if any, is only reported.
        for v in &versions {
            history.read_member(v, "busy.geojson").unwrap_or_else(|e| panic!("round {round}: {e}"));
        }
    }
}

/// Step the app until `cond` holds (the loader and the watcher are real threads).
fn step_until(h: &mut common::App, what: &str, cond: impl Fn(&kuiwen_atlas::app::AtlasApp) -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        h.step();
        if cond(h.state()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    panic!("timed out waiting for {what}; notices: {}", common::notices(h.state()));
}

#[test]
fn the_app_keeps_each_version_of_a_file_it_opens_and_reloads() {
    use kuiwen_atlas::app::StartOptions;
    use kuiwen_atlas::basemap::Basemap;
    use kuiwen_atlas::io::history::DEFAULT_LIMIT_BYTES;
    let dir = common::temp_dir();
    let file = dir.path().join("设施.geojson");
    std::fs::write(&file, points(3)).unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let start = StartOptions {
        basemap: Some(Basemap::None),
        files: vec![file.clone()],
        data_dir: Some(data.clone()),
        config_dir: Some(dir.path().join("config")),
        cache_dir: Some(dir.path().join("cache")),
        ..Default::default()
    };
    let mut h = common::harness_headless([1200.0, 800.0], start);
    let history = History::new(data.join("history"), DEFAULT_LIMIT_BYTES);
    let kept = |n: usize| history.versions_of(&file).map(|v| v.len() == n).unwrap_or(false);
    step_until(&mut h, "the first version in the history", |_| kept(1));
    // The file changes on disk: the app reloads it, and the new version is kept too.
    std::fs::write(&file, points(5)).unwrap_or_else(|e| panic!("{e}"));
    step_until(&mut h, "the reload", |app| common::file_layer(app).is_some_and(|e| e.layer.features.len() == 5));
    step_until(&mut h, "the second version in the history", |_| kept(2));
    let versions = history.versions_of(&file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(versions[0].seen, Seen::Opened);
    assert_eq!(versions[1].seen, Seen::Reloaded);
    assert_eq!((versions[0].features, versions[1].features), (3, 5));
    let first = history.read_member(&versions[0], "设施.geojson").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(String::from_utf8_lossy(&first), points(3));
}

#[test]
fn the_history_command_lists_the_versions_and_writes_one_back() {
    let bin = env!("CARGO_BIN_EXE_kuiwen-atlas");
    let dir = common::temp_dir();
    let file = dir.path().join("parks.geojson");
    let data = dir.path().join("data");
    let history = History::new(data.join("history"), 64 << 20);
    for n in [2, 4] {
        std::fs::write(&file, points(n)).unwrap_or_else(|e| panic!("{e}"));
        history.record(&file, Seen::Reloaded, n).unwrap_or_else(|e| panic!("{e}"));
    }
    let run = |args: &[&str]| {
        Command::new(bin)
            .arg("history")
            .arg(&file)
            .arg("--data-dir")
            .arg(&data)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let out = run(&["--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let versions = doc["versions"].as_array().unwrap_or_else(|| panic!("{doc}"));
    assert_eq!(versions.iter().map(|v| v["features"].as_u64().unwrap_or(0)).collect::<Vec<_>>(), [2, 4]);
    let first = versions[0]["number"].as_u64().unwrap_or(0).to_string();
    let to = dir.path().join("back");
    let out = run(&["--restore", &first, "--to", to.to_str().unwrap_or("")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(to.join("parks.geojson")).unwrap_or_default(), points(2));
    // Again into the same folder: refused, nothing overwritten.
    let out = run(&["--restore", &first, "--to", to.to_str().unwrap_or("")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不会覆盖"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(run(&["--restore", "99", "--to", to.to_str().unwrap_or("")]).status.code(), Some(2));
}
