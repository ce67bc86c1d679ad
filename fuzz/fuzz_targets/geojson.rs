//! Fuzz target: the GeoJSON loader and validator, and what the app does next with what loaded
//! (bounding boxes, the spatial index, picking, geodesic measures).
//!
//! Any input must give either a clean `LoadError` or a `Parsed` whose features are in WGS84 range
//! with finite boxes and measures; a panic, an abort or an out-of-range coordinate is a finding.
#![no_main]

use kuiwen_atlas::analysis::measure::{area_m2, length_m, perimeter_m};
use kuiwen_atlas::io::crs::Crs;
use kuiwen_atlas::io::{Diagnostic, LoadOptions, parse_bytes};
use kuiwen_atlas::model::{Layer, LayerOrigin, PickTolerance, Style};
use libfuzzer_sys::fuzz_target;

fn check_diagnostic(d: &Diagnostic) {
    assert!(!d.message.trim().is_empty(), "empty message: {d:?}");
    assert!(!d.message_zh.trim().is_empty(), "empty Chinese message: {d:?}");
    assert!(d.line.is_none_or(|l| l >= 1) && d.column.is_none_or(|c| c >= 1), "bad position: {d:?}");
}

fn check(data: &[u8], options: LoadOptions) {
    let parsed = match parse_bytes(data, options) {
        Ok(p) => p,
        Err(e) => {
            check_diagnostic(&e.diagnostic());
            return;
        }
    };
    parsed.errors.iter().chain(&parsed.warnings).for_each(check_diagnostic);
    for f in &parsed.features {
        if let Some([x0, y0, x1, y1]) = f.bbox {
            assert!([x0, y0, x1, y1].iter().all(|v| v.is_finite()), "non-finite bbox {:?}", f.bbox);
            assert!(x0 <= x1 && y0 <= y1, "inverted bbox {:?}", f.bbox);
            assert!((-180.0..=180.0).contains(&x0) && (-180.0..=180.0).contains(&x1), "lon out of range {:?}", f.bbox);
            assert!((-90.0..=90.0).contains(&y0) && (-90.0..=90.0).contains(&y1), "lat out of range {:?}", f.bbox);
        }
        if let Some(g) = &f.geometry {
            for m in [area_m2(g), perimeter_m(g), length_m(g)] {
                assert!(m.is_finite() && m >= 0.0, "bad measure {m} for {g:?}");
            }
        }
    }
    let _ = parsed.geometry_types();
    let _ = parsed.bbox();
    // The app's next steps: a layer (box, R-tree), a click in the middle of it, a box query.
    let layer = Layer::new("fuzz", "fuzz", "fuzz", LayerOrigin::Generated, parsed.features, Style::default());
    if let Some(b) = layer.bbox {
        let centre = [(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0];
        let picked = layer.index.pick(&layer.features, centre, PickTolerance { radius_m: 10.0 });
        assert!(picked.is_none_or(|i| i < layer.features.len()));
        assert!(layer.index.query_bbox(b).all(|i| i < layer.features.len()));
    }
}

fuzz_target!(|data: &[u8]| {
    // As the file would be opened: no declared coordinate system…
    check(data, LoadOptions::default());
    // …and declared as one of the others, so every conversion path is reached (picked by length so
    // the input itself stays plain GeoJSON that the seed corpus and minimised findings can share).
    // The five named systems and a Gauss-Krüger grid through proj4rs.
    let systems = [Crs::ALL[0], Crs::ALL[1], Crs::ALL[2], Crs::ALL[3], Crs::ALL[4], Crs::Epsg(4528)];
    let declared = systems[data.len() % systems.len()];
    check(data, LoadOptions::with_crs(Some(declared)));
});
