//! Damaged files of every format: each fixture cut short at several points and with bytes
//! overwritten, checked by the real binary in a child process. Every one must end in a clear
//! result (loaded, or invalid with a message) within the time limit: no panic, no hang.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats").join(name)
}

/// Runs `check --json` on `file` and checks the outcome is a clean one.
fn check_survives(file: &Path, what: &str) {
    let started = Instant::now();
    // A CAD drawing names no system: the one it was drawn in.
    let crs: &[&str] = if file.extension().is_some_and(|e| e == "dxf") { &["--crs", "EPSG:4549"] } else { &[] };
    let mut child = Command::new(env!("CARGO_BIN_EXE_kuiwen-atlas"))
        .args(["check", "--json"])
        .args(crs)
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    // A bound, not a timing claim: a damaged file must not make the reader loop forever.
    while child.try_wait().unwrap_or_else(|e| panic!("{e}")).is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("{what}: still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    let code = out.status.code();
    assert!(matches!(code, Some(0 | 1)), "{what}: exit {code:?}\n{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{what}: {e}"));
    let reports = v["files"].as_array().cloned().unwrap_or_default();
    for report in reports.iter().filter(|r| r["ok"] == false) {
        let message = report["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{what}: invalid without a message: {report}");
    }
    assert_eq!(code == Some(1), reports.iter().any(|r| r["ok"] == false), "{what}: exit code and reports agree");
}

/// Copies the files named by `parts` into `dir` and returns the copy of the first.
fn copy_set(dir: &Path, parts: &[&str]) -> Vec<PathBuf> {
    parts
        .iter()
        .map(|p| {
            let src = fixture(p);
            let dst = dir.join(src.file_name().unwrap_or_default());
            std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("{p}: {e}"));
            dst
        })
        .collect()
}

#[test]
fn every_format_cut_short_or_overwritten_gives_a_clear_result() {
    let sets: Vec<Vec<&str>> = vec![
        vec![
            "parks_4528_gbk/parks.shp",
            "parks_4528_gbk/parks.shx",
            "parks_4528_gbk/parks.dbf",
            "parks_4528_gbk/parks.prj",
        ],
        vec!["kuiwen.gpkg"],
        vec!["parks.kml"],
        vec!["parks.kmz"],
        vec!["parks.fgb"],
        vec!["parks_4549.dxf"],
        vec!["facilities_gb18030.csv"],
        vec!["districts_wkt.csv"],
    ];
    let mut cases = 0;
    for set in sets {
        // Damage each part of the set in turn (a shapefile's .shx or .dbf as much as its .shp).
        for victim in 0..set.len() {
            for cut_eighths in [0usize, 1, 3, 5, 7] {
                let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
                let files = copy_set(tmp.path(), &set);
                let bytes = std::fs::read(&files[victim]).unwrap_or_else(|e| panic!("{e}"));
                std::fs::write(&files[victim], &bytes[..bytes.len() * cut_eighths / 8])
                    .unwrap_or_else(|e| panic!("{e}"));
                check_survives(&files[0], &format!("{} cut to {cut_eighths}/8", set[victim]));
                cases += 1;
            }
            for (seed, at_eighths) in [(0xA5u8, 1usize), (0xFF, 2), (0x00, 4), (0x7F, 6)] {
                let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
                let files = copy_set(tmp.path(), &set);
                let mut bytes = std::fs::read(&files[victim]).unwrap_or_else(|e| panic!("{e}"));
                let start = bytes.len() * at_eighths / 8;
                let end = (start + 64).min(bytes.len());
                for (k, b) in bytes[start..end].iter_mut().enumerate() {
                    *b = seed.wrapping_add(k as u8 * 31);
                }
                std::fs::write(&files[victim], &bytes).unwrap_or_else(|e| panic!("{e}"));
                check_survives(&files[0], &format!("{} overwritten at {at_eighths}/8 with {seed:#x}", set[victim]));
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 99, "every damaged file was checked");
}
