//! Fuzz target: the fast path for big FeatureCollections (src/io/fast.rs) against the general
//! loader. The fast path takes only files of 1 MiB and more, so the input is padded with trailing
//! spaces (the same JSON) and whatever comes back must be what the general loader answers for the
//! unpadded text: the same features, errors and warnings. Slower per run than `geojson` (each run
//! reads 1 MiB), so a target of its own.
#![no_main]

use kuiwen_atlas::io::crs::Crs;
use kuiwen_atlas::io::{LoadOptions, parse_bytes};
use libfuzzer_sys::fuzz_target;

/// Whether two optional geometries are the same shapes with the same coordinates (to 1e-9°: the
/// two paths parse numbers with different float parsers, which may differ in the last bit).
fn same_geometry(a: Option<&geo::Geometry<f64>>, b: Option<&geo::Geometry<f64>>) -> bool {
    use geo::CoordsIter;
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            std::mem::discriminant(a) == std::mem::discriminant(b)
                && a.coords_count() == b.coords_count()
                && a.coords_iter()
                    .zip(b.coords_iter())
                    .all(|(p, q)| (p.x - q.x).abs() <= 1e-9 && (p.y - q.y).abs() <= 1e-9)
        }
        _ => false,
    }
}

/// The fast path (src/io/fast.rs) takes only files of at least 1 MiB. Padding the input with
/// trailing spaces keeps it the same JSON but sends it there first; whatever it answers must be
/// what the general loader answers for the unpadded text.
const FAST_PATH_MIN_BYTES: usize = 1 << 20;

fn check_fast_path_agrees(data: &[u8], options: LoadOptions) {
    if data.len() >= FAST_PATH_MIN_BYTES || !data.windows(10).any(|w| w == b"\"features\"") {
        return;
    }
    let mut padded = Vec::with_capacity(FAST_PATH_MIN_BYTES + 1);
    padded.extend_from_slice(data);
    padded.resize(FAST_PATH_MIN_BYTES + 1, b' ');
    match (parse_bytes(data, options.clone()), parse_bytes(&padded, options)) {
        (Err(a), Err(b)) => assert_eq!(a.diagnostic().message, b.diagnostic().message),
        (Ok(a), Ok(b)) => {
            assert_eq!(a.features.len(), b.features.len(), "feature count differs with padding");
            for (i, (f, g)) in a.features.iter().zip(&b.features).enumerate() {
                assert_eq!(f.id, g.id, "id of feature {i}");
                assert_eq!(f.properties, g.properties, "properties of feature {i}");
                assert!(
                    same_geometry(f.geometry.as_ref(), g.geometry.as_ref()),
                    "geometry of feature {i}: {:?} vs {:?}",
                    f.geometry,
                    g.geometry
                );
            }
            assert_eq!(a.errors, b.errors, "errors differ with padding");
            assert_eq!(a.warnings, b.warnings, "warnings differ with padding");
            assert_eq!(a.name, b.name);
            assert_eq!(a.crs, b.crs);
        }
        (a, b) => panic!(
            "padding changed the outcome: {:?} vs {:?}",
            a.map(|p| p.features.len()),
            b.map(|p| p.features.len())
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    check_fast_path_agrees(data, LoadOptions::default());
    // The five named systems and a Gauss-Krüger grid through proj4rs.
    let systems = [Crs::ALL[0], Crs::ALL[1], Crs::ALL[2], Crs::ALL[3], Crs::ALL[4], Crs::Epsg(4528)];
    let declared = systems[data.len() % systems.len()];
    check_fast_path_agrees(data, LoadOptions::with_crs(Some(declared)));
});
