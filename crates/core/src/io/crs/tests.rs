//! Tests of the coordinate systems: round trips, published check points, PROJ agreement.

use super::gauss_kruger::{transverse_mercator_forward, transverse_mercator_inverse};
use super::*;

/// Great-circle distance in metres on a 6 371 008.8 m sphere (haversine).
fn haversine_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().asin()
}

fn assert_close(got: (f64, f64), want: (f64, f64), tol: f64, what: &str) {
    assert!(
        (got.0 - want.0).abs() <= tol && (got.1 - want.1).abs() <= tol,
        "{what}: got {got:?}, want {want:?} (tolerance {tol})"
    );
}

/// Grid of `(lon, lat)` points from `lon0..=lon1`, `lat0..=lat1` with `step` degrees.
fn grid(lon0: f64, lon1: f64, lat0: f64, lat1: f64, step: f64) -> Vec<(f64, f64)> {
    let nx = ((lon1 - lon0) / step).round() as usize;
    let ny = ((lat1 - lat0) / step).round() as usize;
    let mut out = Vec::with_capacity((nx + 1) * (ny + 1));
    for i in 0..=nx {
        for j in 0..=ny {
            out.push((lon0 + i as f64 * step, lat0 + j as f64 * step));
        }
    }
    out
}

// Test vectors from googollee/eviltransform (go/transform_test.go, javascript/test.js,
// matlab/test/testSuite.m). The source lists (wgsLat, wgsLng, gcjLat, gcjLng); they are
// rewritten here as ((wgs lon, lat), (gcj lon, lat)).
const EVILTRANSFORM_WGS_GCJ: [((f64, f64), (f64, f64)); 3] = [
    // Shanghai
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    // Shenzhen
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    // Beijing
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
];

#[test]
fn wgs84_to_gcj02_matches_eviltransform_vectors() {
    for (wgs, gcj) in EVILTRANSFORM_WGS_GCJ {
        assert_close(wgs84_to_gcj02(wgs.0, wgs.1), gcj, 1e-9, "wgs84_to_gcj02");
    }
}

#[test]
fn gcj02_to_wgs84_matches_eviltransform_vectors() {
    // eviltransform requires < 0.5 m for its exact inverse; ours should be ~0.1 mm.
    for (wgs, gcj) in EVILTRANSFORM_WGS_GCJ {
        let got = gcj02_to_wgs84(gcj.0, gcj.1);
        let d = haversine_m(got, wgs);
        assert!(d < 0.001, "gcj02_to_wgs84 {gcj:?}: {d} m from {wgs:?}");
    }
}

#[test]
fn gcj02_matches_coordtransform_readme_vectors() {
    // wandergis/coordtransform README.md, all for input (116.404, 39.915), lon first.
    assert_close(wgs84_to_gcj02(116.404, 39.915), (116.41024449916938, 39.91640428150164), 1e-9, "wgs84togcj02");
    // coordtransform's gcj02towgs84 is the one-step approximation
    // (116.39775550083061, 39.91359571849836). The exact inverse differs from it by a few
    // metres, and its forward transform must reproduce the input.
    let exact = gcj02_to_wgs84(116.404, 39.915);
    let approx = (116.39775550083061, 39.91359571849836);
    let d = haversine_m(exact, approx);
    assert!(d < 5.0, "exact vs one-step inverse: {d} m");
    assert_close(wgs84_to_gcj02(exact.0, exact.1), (116.404, 39.915), 1e-9, "forward(inverse)");
}

#[test]
fn bd09_matches_published_vectors() {
    // wandergis/coordtransform README.md.
    assert_close(gcj02_to_bd09(116.404, 39.915), (116.41036949371029, 39.92133699351021), 1e-9, "gcj02tobd09");
    // coordtransform uses the closed-form approximate inverse; ours is exact, so allow 1e-6°.
    assert_close(bd09_to_gcj02(116.404, 39.915), (116.39762729119315, 39.90865673957631), 1e-6, "bd09togcj02");
    // googollee/eviltransform matlab/test/testSuite.m (tolerance 5e-5° there):
    // BD-09 (lat 39.90851, lon 116.43351) <-> GCJ-02 (lat 39.90245, lon 116.42703).
    assert_close(gcj02_to_bd09(116.42703, 39.90245), (116.43351, 39.90851), 5e-5, "gcj2bd");
    assert_close(bd09_to_gcj02(116.43351, 39.90851), (116.42703, 39.90245), 5e-5, "bd2gcj");
    // Not used: eviltransform's python/test.py and matlab/test/testSuite.m also list
    // BD-09 -> WGS84 pairs, e.g. (lat 29.199786, lon 120.019809) -> (29.196131605295484,
    // 120.00877901149691). They do not follow the public formulas: eviltransform's own
    // formulas (checked by hand) and ours land 10 m and 41 m away. They were probably taken
    // from Baidu's online service.
}

#[test]
fn round_trips_over_china_are_sub_millimetre() {
    let points = grid(73.0, 135.0, 18.0, 53.0, 0.25);
    let (mut max_wgs_gcj, mut max_gcj_wgs, mut max_bd, mut max_bd_gcj) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for &(lon, lat) in &points {
        let gcj = wgs84_to_gcj02(lon, lat);
        max_wgs_gcj = max_wgs_gcj.max(haversine_m(gcj02_to_wgs84(gcj.0, gcj.1), (lon, lat)));
        let wgs = gcj02_to_wgs84(lon, lat);
        max_gcj_wgs = max_gcj_wgs.max(haversine_m(wgs84_to_gcj02(wgs.0, wgs.1), (lon, lat)));
        let bd = wgs84_to_bd09(lon, lat);
        max_bd = max_bd.max(haversine_m(bd09_to_wgs84(bd.0, bd.1), (lon, lat)));
        let bd = gcj02_to_bd09(lon, lat);
        max_bd_gcj = max_bd_gcj.max(haversine_m(bd09_to_gcj02(bd.0, bd.1), (lon, lat)));
    }
    println!(
        "China grid ({} points): max round-trip error WGS→GCJ→WGS {max_wgs_gcj:.3e} m, \
         GCJ→WGS→GCJ {max_gcj_wgs:.3e} m, WGS→BD→WGS {max_bd:.3e} m, GCJ→BD→GCJ {max_bd_gcj:.3e} m",
        points.len()
    );
    for e in [max_wgs_gcj, max_gcj_wgs, max_bd, max_bd_gcj] {
        assert!(e < 0.001, "round-trip error {e} m");
    }
}

#[test]
fn weifang_offsets_and_round_trips() {
    let points = grid(118.8, 119.4, 36.4, 37.0, 0.01);
    let (mut min_off, mut max_off, mut max_err) = (f64::MAX, 0.0f64, 0.0f64);
    for &(lon, lat) in &points {
        let gcj = wgs84_to_gcj02(lon, lat);
        let off = haversine_m(gcj, (lon, lat));
        min_off = min_off.min(off);
        max_off = max_off.max(off);
        max_err = max_err.max(haversine_m(gcj02_to_wgs84(gcj.0, gcj.1), (lon, lat)));
        let bd = wgs84_to_bd09(lon, lat);
        max_err = max_err.max(haversine_m(bd09_to_wgs84(bd.0, bd.1), (lon, lat)));
    }
    let kuiwen = (KUIWEN_CENTER_LON_DEG, KUIWEN_CENTER_LAT_DEG);
    let gcj = wgs84_to_gcj02(kuiwen.0, kuiwen.1);
    let bd = wgs84_to_bd09(kuiwen.0, kuiwen.1);
    println!(
        "Weifang: GCJ-02 offset {min_off:.1}–{max_off:.1} m (Kuiwen {:.1} m, GCJ {gcj:?}, \
         BD-09 offset {:.1} m), max round-trip error {max_err:.3e} m",
        haversine_m(gcj, kuiwen),
        haversine_m(bd, kuiwen)
    );
    assert!((400.0..=700.0).contains(&min_off) && (400.0..=700.0).contains(&max_off));
    assert!(max_err < 0.001, "round-trip error {max_err} m");
    // GCJ-02 is shifted east and (slightly) north of WGS84 here.
    assert!(gcj.0 > kuiwen.0);
}

#[test]
fn identity_outside_china() {
    let outside = [
        (-0.1276, 51.5072),   // London
        (-74.006, 40.7128),   // New York
        (139.6917, 35.6895),  // Tokyo: east of 137.8347°E, so outside the rectangle
        (-104.9903, 39.7392), // Denver (eviltransform edge case)
        (153.0251, -27.4698), // Brisbane (eviltransform edge case)
    ];
    for p in outside {
        assert!(out_of_china(p.0, p.1), "{p:?}");
        for f in [wgs84_to_gcj02, gcj02_to_wgs84, gcj02_to_bd09, bd09_to_gcj02, wgs84_to_bd09, bd09_to_wgs84] {
            assert_eq!(f(p.0, p.1), p);
        }
    }
    // The customary rectangle is coarse: Seoul is inside it.
    assert!(!out_of_china(126.978, 37.5665));
    assert!(!out_of_china(KUIWEN_CENTER_LON_DEG, KUIWEN_CENTER_LAT_DEG));
    assert!(out_of_china(f64::NAN, 36.0));
    let nan = gcj02_to_wgs84(f64::NAN, 36.0);
    assert!(nan.0.is_nan());
}

#[test]
fn web_mercator_check_point_and_round_trip() {
    // Computed with PROJ 9.1.1: cs2cs +proj=longlat +ellps=WGS84 +to +proj=merc
    // +a=6378137 +b=6378137 (i.e. EPSG:3857) for (119.1, 36.7).
    assert_close(
        wgs84_to_web_mercator(119.1, 36.7),
        (13_258_151.353_479, 4_397_372.744_462),
        1e-3,
        "web mercator forward",
    );
    assert_close(wgs84_to_web_mercator(0.0, 0.0), (0.0, 0.0), 1e-9, "origin");
    let (x_max, y_max) = wgs84_to_web_mercator(180.0, 90.0);
    assert!((x_max - WEB_MERCATOR_MAX_M).abs() < 1e-6);
    assert!((y_max - WEB_MERCATOR_MAX_M).abs() < 1e-3, "clamped pole y {y_max}");
    let mut max_err = 0.0f64;
    for (lon, lat) in grid(-179.0, 179.0, -85.0, 85.0, 1.0) {
        let (x, y) = wgs84_to_web_mercator(lon, lat);
        let back = web_mercator_to_wgs84(x, y);
        max_err = max_err.max(haversine_m(back, (lon, lat)));
    }
    println!("Web Mercator max round-trip error {max_err:.3e} m");
    assert!(max_err < 1e-6);
}

#[test]
fn gauss_kruger_check_points_from_proj() {
    // Computed with PROJ 9.1.1: cs2cs EPSG:4490 EPSG:4528 (CGCS2000 / 3-degree GK zone 40,
    // x_0 = 40 500 000). Input (lat, lon), output (northing, easting). Rewritten here as
    // ((lon, lat), (easting, northing)).
    let zone40 = GaussKrugerSpec { kind: ZoneWidth::Three, zone: 40, zone_prefix: true };
    let cases = [
        ((119.1, 36.7), (40_419_574.913_161, 4_063_596.036_663)),
        ((120.159, 30.267), (40_515_300.094_105, 3_349_722.302_100)),
        ((121.5, 53.0), (40_600_702.677_878, 5_875_673.237_069)),
        ((118.5, 20.0), (40_343_015.539_089, 2_213_069.191_288)),
    ];
    for ((lon, lat), grid_m) in cases {
        assert_close(zone40.wgs84_to_grid(lon, lat), grid_m, 1e-3, "GK zone 40 forward");
        assert_close(zone40.grid_to_wgs84(grid_m.0, grid_m.1), (lon, lat), 1e-9, "GK zone 40 inverse");
        let (e, n) = wgs84_to_gauss_kruger(lon, lat, 120.0);
        assert_close((e + 40_000_000.0, n), grid_m, 1e-3, "wgs84_to_gauss_kruger");
    }
    // PROJ 9.1.1: +proj=tmerc +lon_0=117 +k=1 +x_0=20500000 +ellps=GRS80 (EPSG:4498, 6° zone 20).
    let zone20 = GaussKrugerSpec::from_epsg(4498).expect("EPSG:4498 is 6-degree zone 20");
    assert_eq!(zone20.central_meridian_deg(), 117.0);
    assert_close(
        zone20.wgs84_to_grid(119.1, 36.7),
        (20_687_668.424_648, 4_065_274.409_635),
        1e-3,
        "GK 6-degree zone 20",
    );
}

#[test]
fn transverse_mercator_matches_eviltransform_utm_vector() {
    // googollee/eviltransform matlab/test/testSuite.m: lat 36.903784, lon -104.545898 is
    // UTM 13N (540455.18, 4084295.17), checked there to 0.1 m. UTM is transverse Mercator with
    // k0 = 0.9996 and CM -105°. The WGS84/CGCS2000 flattening difference is < 1 mm here.
    let (dx, n) = transverse_mercator_forward(-104.545898, 36.903784, -105.0, 0.9996);
    assert_close((dx + 500_000.0, n), (540_455.18, 4_084_295.17), 0.01, "UTM forward");
    let back = transverse_mercator_inverse(540_455.18 - 500_000.0, 4_084_295.17, -105.0, 0.9996);
    assert_close(back, (-104.545898, 36.903784), 1e-6, "UTM inverse");
}

#[test]
fn gauss_kruger_central_meridian_is_meridian_arc() {
    // On the central meridian the northing is the meridian arc length. Check it against
    // Simpson integration of M(φ) = a(1−e²)/(1−e² sin²φ)^{3/2}, and the published GRS80
    // meridian quadrant, 10 001 965.7293 m.
    let f = 1.0 / CGCS2000_INVERSE_FLATTENING;
    let e2 = f * (2.0 - f);
    let radius = |phi: f64| CGCS2000_SEMI_MAJOR_AXIS_M * (1.0 - e2) / (1.0 - e2 * phi.sin().powi(2)).powf(1.5);
    for lat in [10.0, 36.7, 53.0, 90.0] {
        let phi1: f64 = f64::to_radians(lat);
        let n_steps = 20_000;
        let h = phi1 / n_steps as f64;
        let mut sum = radius(0.0) + radius(phi1);
        for i in 1..n_steps {
            let w = if i % 2 == 1 { 4.0 } else { 2.0 };
            sum += w * radius(i as f64 * h);
        }
        let arc_m = sum * h / 3.0;
        let (e, n) = wgs84_to_gauss_kruger(120.0, lat, 120.0);
        assert!((e - 500_000.0).abs() < 1e-6);
        assert!((n - arc_m).abs() < 1e-4, "lat {lat}: northing {n} vs arc {arc_m}");
    }
    let (_, quadrant_m) = wgs84_to_gauss_kruger(120.0, 90.0, 120.0);
    assert!((quadrant_m - 10_001_965.729_3).abs() < 1e-3, "{quadrant_m}");
    let pole = gauss_kruger_to_wgs84(500_000.0, quadrant_m, 120.0);
    assert!((pole.1 - 90.0).abs() < 1e-9, "{pole:?}");
}

#[test]
fn gauss_kruger_round_trip_is_sub_millimetre() {
    let mut max_err = 0.0f64;
    for (kind, cm) in [(ZoneWidth::Three, 120.0), (ZoneWidth::Six, 117.0)] {
        let half = kind.width_deg() / 2.0;
        for (lon, lat) in grid(cm - half, cm + half, 0.0, 56.0, 0.1) {
            let (e, n) = wgs84_to_gauss_kruger(lon, lat, cm);
            let back = gauss_kruger_to_wgs84(e, n, cm);
            max_err = max_err.max(haversine_m(back, (lon, lat)));
            // And the other way, grid → geo → grid.
            let (e2, n2) = wgs84_to_gauss_kruger(back.0, back.1, cm);
            max_err = max_err.max((e2 - e).hypot(n2 - n));
        }
    }
    println!("Gauss-Krüger max round-trip error {max_err:.3e} m");
    assert!(max_err < 1e-3);
}

#[test]
fn gauss_kruger_zones() {
    assert_eq!(gauss_kruger_zone_central_meridian(40, ZoneWidth::Three), 120.0);
    assert_eq!(gauss_kruger_zone_central_meridian(20, ZoneWidth::Six), 117.0);
    assert_eq!(gauss_kruger_zone_central_meridian(25, ZoneWidth::Three), 75.0);
    assert_eq!(gauss_kruger_zone_central_meridian(1, ZoneWidth::Six), 3.0);
    assert_eq!(gauss_kruger_zone_central_meridian(120, ZoneWidth::Three), 0.0);
    assert_eq!(ZoneWidth::Three.zone_for_lon_deg(KUIWEN_CENTER_LON_DEG), 40);
    assert_eq!(ZoneWidth::Six.zone_for_lon_deg(KUIWEN_CENTER_LON_DEG), 20);
    assert_eq!(ZoneWidth::Three.zone_for_lon_deg(0.5), 120);
    assert_eq!(ZoneWidth::Six.zone_for_lon_deg(-1.0), 60);
    assert_eq!(ZoneWidth::Six.zone_for_lon_deg(f64::NAN), 0);
    let (zone, local_m) = split_gauss_kruger_zone_prefix(40_419_574.9).expect("prefixed");
    assert_eq!(zone, 40);
    assert!((local_m - 419_574.9).abs() < 1e-6);
    assert_eq!(split_gauss_kruger_zone_prefix(419_574.9), None);
    for code in 4491..=4554 {
        let spec = GaussKrugerSpec::from_epsg(code).expect("CGCS2000 GK code");
        assert_eq!(spec.epsg(), Some(code));
    }
    assert_eq!(GaussKrugerSpec::from_epsg(4490), None);
    assert_eq!(
        GaussKrugerSpec::from_epsg(4528),
        Some(GaussKrugerSpec { kind: ZoneWidth::Three, zone: 40, zone_prefix: true })
    );
    let cm120 = GaussKrugerSpec::from_epsg(4549).expect("EPSG:4549");
    assert_eq!((cm120.kind, cm120.zone, cm120.zone_prefix), (ZoneWidth::Three, 40, false));
    assert_eq!(cm120.false_easting_m(), 500_000.0);
    assert_eq!(parse_epsg_code("urn:ogc:def:crs:EPSG::4528"), Some(4528));
    assert_eq!(parse_epsg_code("http://www.opengis.net/def/crs/EPSG/0/4549"), Some(4549));
    assert_eq!(parse_epsg_code("urn:ogc:def:crs:OGC:1.3:CRS84"), None);
    assert_eq!(parse_epsg_code("urn:ogc:def:crs:FOO::4326"), None);
}

#[test]
fn from_str_accepts_names_and_aliases() {
    let cases: [(&str, Crs); 22] = [
        ("wgs84", Crs::Wgs84),
        ("WGS84", Crs::Wgs84),
        ("EPSG:4326", Crs::Wgs84),
        (" 4326 ", Crs::Wgs84),
        ("cgcs2000", Crs::Cgcs2000),
        ("epsg:4490", Crs::Cgcs2000),
        ("4490", Crs::Cgcs2000),
        ("gcj02", Crs::Gcj02),
        ("GCJ-02", Crs::Gcj02),
        ("AMap", Crs::Gcj02),
        ("gaode", Crs::Gcj02),
        ("高德", Crs::Gcj02),
        ("bd09", Crs::Bd09),
        ("BD-09", Crs::Bd09),
        ("Baidu", Crs::Bd09),
        ("webmercator", Crs::WebMercator),
        ("Web-Mercator", Crs::WebMercator),
        ("epsg:3857", Crs::WebMercator),
        ("3857", Crs::WebMercator),
        ("900913", Crs::WebMercator),
        ("urn:ogc:def:crs:EPSG::3857", Crs::WebMercator),
        ("urn:ogc:def:crs:OGC:1.3:CRS84", Crs::Wgs84),
    ];
    for (s, want) in cases {
        assert_eq!(s.parse::<Crs>(), Ok(want), "{s:?}");
    }
    for crs in Crs::ALL {
        assert_eq!(crs.name().parse::<Crs>(), Ok(crs));
        assert_eq!(crs.to_string(), crs.name());
        assert!(!crs.label_zh().is_empty() && !crs.label_en().is_empty());
    }
    assert_eq!(Crs::default(), Crs::Wgs84);
    let err = "bd09mc".parse::<Crs>().expect_err("Baidu Mercator is not BD-09 lon/lat");
    assert_eq!(err, CrsError::Unknown("bd09mc".to_owned()));
    let msg = err.to_string();
    for name in ["wgs84", "cgcs2000", "gcj02", "bd09", "webmercator", "900913", "amap"] {
        assert!(msg.contains(name), "{msg}");
    }
}

#[test]
fn from_epsg_urn_recognises_legacy_geojson_names() {
    let cases = [
        ("urn:ogc:def:crs:OGC:1.3:CRS84", Some(Crs::Wgs84)),
        ("urn:ogc:def:crs:OGC::CRS84", Some(Crs::Wgs84)),
        ("CRS:84", Some(Crs::Wgs84)),
        ("urn:ogc:def:crs:EPSG::4326", Some(Crs::Wgs84)),
        ("urn:ogc:def:crs:EPSG:6.6:4326", Some(Crs::Wgs84)),
        ("EPSG:4326", Some(Crs::Wgs84)),
        ("http://www.opengis.net/def/crs/EPSG/0/4326", Some(Crs::Wgs84)),
        ("urn:ogc:def:crs:EPSG::4490", Some(Crs::Cgcs2000)),
        ("EPSG:4490", Some(Crs::Cgcs2000)),
        ("EPSG:3857", Some(Crs::WebMercator)),
        ("urn:ogc:def:crs:EPSG::3857", Some(Crs::WebMercator)),
        ("EPSG:900913", Some(Crs::WebMercator)),
        ("EPSG:102100", Some(Crs::WebMercator)),
        ("urn:ogc:def:crs:EPSG::4528", None),
        ("urn:ogc:def:crs:EPSG::2000", None),
        ("nonsense", None),
        ("", None),
    ];
    for (s, want) in cases {
        assert_eq!(Crs::from_epsg_urn(s), want, "{s:?}");
    }
}

#[test]
fn serde_names() {
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as DeError, StrDeserializer};
    for (s, want) in [
        ("wgs84", Crs::Wgs84),
        ("cgcs2000", Crs::Cgcs2000),
        ("gcj02", Crs::Gcj02),
        ("bd09", Crs::Bd09),
        ("webmercator", Crs::WebMercator),
        ("gcj-02", Crs::Gcj02),
        ("web-mercator", Crs::WebMercator),
    ] {
        let de: StrDeserializer<'_, DeError> = s.into_deserializer();
        assert_eq!(Crs::deserialize(de), Ok(want), "{s}");
    }
    let de: StrDeserializer<'_, DeError> = "mars".into_deserializer();
    assert!(Crs::deserialize(de).is_err());
}

#[test]
fn crs_conversions_round_trip_at_kuiwen() {
    let kuiwen = (KUIWEN_CENTER_LON_DEG, KUIWEN_CENTER_LAT_DEG);
    for crs in Crs::ALL {
        let (x, y) = crs.from_wgs84(kuiwen.0, kuiwen.1);
        let back = crs.to_wgs84(x, y);
        assert!(haversine_m(back, kuiwen) < 0.001, "{crs}: {back:?}");
        assert_eq!(crs.try_to_wgs84(x, y), Ok(back));
    }
    let gcj = Crs::Wgs84.convert_to(Crs::Gcj02, kuiwen.0, kuiwen.1);
    let bd = Crs::Gcj02.convert_to(Crs::Bd09, gcj.0, gcj.1);
    assert_close(bd, gcj02_to_bd09(gcj.0, gcj.1), 1e-9, "gcj→bd via convert_to");
    assert_eq!(Crs::Bd09.convert_to(Crs::Bd09, 1.0, 2.0), (1.0, 2.0));
    assert_eq!(Crs::Wgs84.epsg(), Some(4326));
    assert_eq!(Crs::Gcj02.epsg(), None);
    assert!(Crs::WebMercator.is_projected() && !Crs::Cgcs2000.is_projected());
}

#[test]
fn try_to_wgs84_rejects_bad_input() {
    assert!(matches!(
        Crs::Wgs84.try_to_wgs84(13_257_000.0, 4_400_000.0),
        Err(CrsError::OutOfRange { crs: Crs::Wgs84, .. })
    ));
    assert!(matches!(Crs::Gcj02.try_to_wgs84(f64::NAN, 36.0), Err(CrsError::NonFinite { .. })));
    assert!(matches!(Crs::WebMercator.try_to_wgs84(40_419_574.9, 4_063_596.0), Err(CrsError::OutOfRange { .. })));
    let msg = Crs::Wgs84.try_to_wgs84(500.0, 36.0).expect_err("out of range").to_string();
    assert!(msg.contains("wgs84") && msg.contains("±180"), "{msg}");
}

#[test]
fn guess_projected_web_mercator_weifang() {
    let guess = guess_projected(13_257_000.0, 4_400_000.0);
    let Some(ProjectedGuess::WebMercator { lon_deg, lat_deg }) = guess else {
        panic!("expected Web Mercator, got {guess:?}");
    };
    assert!((lon_deg - 119.09).abs() < 0.02 && (lat_deg - 36.72).abs() < 0.02, "{lon_deg}, {lat_deg}");
    let g = guess.expect("checked above");
    assert_eq!(g.suggested_source_epsg(), Some(3857));
    assert_eq!(g.convert_to_wgs84(13_257_000.0, 4_400_000.0), Some((lon_deg, lat_deg)));
    assert!(g.advice_zh().contains("EPSG:3857") && g.advice_zh().contains("ogr2ogr"));
    assert!(g.advice_en().contains("-t_srs EPSG:4326") && g.advice_en().contains("Web Mercator"));
    // 6-degree GK zone 13 is a lower-ranked alternative reading of the same numbers.
    let all = projected_candidates(13_257_000.0, 4_400_000.0);
    assert!(all.len() >= 2, "{all:?}");
    assert!(
        all.iter().any(|c| matches!(c, ProjectedGuess::GaussKrugerWithZone { zone: 13, kind: ZoneWidth::Six, .. }))
    );
}

#[test]
fn guess_projected_gauss_kruger_zone_40_with_prefix() {
    let (e, n) = (40_419_574.913_161, 4_063_596.036_663);
    let guess = guess_projected(e, n);
    let Some(ProjectedGuess::GaussKrugerWithZone {
        zone: 40,
        kind: ZoneWidth::Three,
        axes_swapped: false,
        lon_deg,
        lat_deg,
    }) = guess
    else {
        panic!("expected 3-degree zone 40, got {guess:?}");
    };
    assert_close((lon_deg, lat_deg), (119.1, 36.7), 1e-9, "zone 40 reading");
    let g = guess.expect("checked above");
    assert_eq!(g.suggested_source_epsg(), Some(4528));
    assert!(g.advice_zh().contains("EPSG:4528") && g.advice_zh().contains("第 40 带"));
    assert!(g.advice_en().contains("ogr2ogr -s_srs EPSG:4528 -t_srs EPSG:4326"));
    // Swapped axes (surveying X = northing first).
    let swapped = guess_projected(n, e);
    assert!(
        matches!(
            swapped,
            Some(ProjectedGuess::GaussKrugerWithZone { zone: 40, kind: ZoneWidth::Three, axes_swapped: true, .. })
        ),
        "{swapped:?}"
    );
    let sw = swapped.expect("checked above");
    assert_close(sw.convert_to_wgs84(n, e).expect("convertible"), (119.1, 36.7), 1e-9, "swapped");
    assert!(sw.advice_zh().contains("交换"));
    // 6-degree zone 20 with prefix.
    let six = guess_projected(20_687_668.424_648, 4_065_274.409_635);
    assert!(matches!(six, Some(ProjectedGuess::GaussKrugerWithZone { zone: 20, kind: ZoneWidth::Six, .. })), "{six:?}");
}

#[test]
fn guess_projected_gauss_kruger_without_prefix() {
    let guess = guess_projected(419_574.9, 4_063_596.0);
    assert_eq!(
        guess,
        Some(ProjectedGuess::GaussKrugerNoZone { easting_m: 419_574.9, northing_m: 4_063_596.0, axes_swapped: false })
    );
    let g = guess.expect("checked above");
    assert_eq!(g.convert_to_wgs84(419_574.9, 4_063_596.0), None);
    assert!(g.advice_zh().contains("EPSG:4549") && g.advice_en().contains("EPSG:4549"));
    assert!(matches!(
        guess_projected(4_063_596.0, 419_574.9),
        Some(ProjectedGuess::GaussKrugerNoZone { axes_swapped: true, .. })
    ));
}

#[test]
fn guess_projected_none_for_degrees_and_swapped_degrees_detected() {
    assert_eq!(guess_projected(119.1, 36.7), None);
    assert_eq!(guess_projected(-180.0, -90.0), None);
    assert_eq!(guess_projected(f64::NAN, 1.0), None);
    assert_eq!(guess_projected(f64::INFINITY, 1e7), None);
    let swapped = guess_projected(36.7, 119.1);
    assert_eq!(swapped, Some(ProjectedGuess::SwappedLonLat { lon_deg: 119.1, lat_deg: 36.7 }));
    let g = swapped.expect("checked above");
    assert!(g.advice_zh().contains("[经度, 纬度]") && g.advice_en().contains("swapped"));
    // Numbers too large for anything known.
    assert_eq!(guess_projected(5e9, 5e9), None);
    // Small out-of-range numbers are bad degrees, not Web Mercator near (0°, 0°).
    assert_eq!(guess_projected(119.1, 95.0), None);
    assert_eq!(guess_projected(500.0, 300.0), None);
    assert_eq!(guess_projected(-200.0, 50.0), None);
    // Web Mercator far from China is still recognised (New York).
    assert!(matches!(guess_projected(-8_238_000.0, 4_970_000.0), Some(ProjectedGuess::WebMercator { .. })));
}
