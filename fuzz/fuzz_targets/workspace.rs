//! Fuzz target: the workspace reader, and what opening a workspace does with it (resolving layer
//! paths, reading the basemap) and saving it again (relative paths, the JSON written).
//!
//! Any input must give either a clean `WorkspaceError` or a workspace that, once saved, reads back;
//! a panic or an abort is a finding.
#![no_main]

use std::path::Path;

use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::io::workspace::{LayerSource, Workspace, relative_to, resolve};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = Path::new("/nonexistent-kuiwen-fuzz/projects/w.kuiwen.json");
    let ws = match Workspace::parse(data, file) {
        Ok(ws) => ws,
        Err(e) => {
            assert!(!e.to_string().trim().is_empty());
            return;
        }
    };
    for l in &ws.layers {
        if let LayerSource::File { path } = &l.source {
            let full = resolve(path, file);
            let _ = relative_to(&full, Path::new("/nonexistent-kuiwen-fuzz/projects"));
        }
        for m in [l.style.stroke_width_pt, l.style.point_radius_pt, l.style.opacity, l.style.label_min_zoom] {
            assert!(m.is_finite() && m >= 0.0, "style not sanitised: {:?}", l.style);
        }
    }
    if let Some(b) = &ws.basemap {
        let _ = b.parse::<Basemap>();
    }
    // What `Workspace::save` writes must load again.
    let text = match serde_json::to_string_pretty(&ws) {
        Ok(t) => t,
        Err(e) => panic!("a loaded workspace cannot be written: {e}"),
    };
    match Workspace::parse(text.as_bytes(), file) {
        Ok(back) => assert_eq!(back.layers.len(), ws.layers.len()),
        Err(e) => panic!("a saved workspace does not load again: {e}\n{text}"),
    }
});
