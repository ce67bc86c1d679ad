//! WFS 2.0 and OGC API Features over real HTTP on 127.0.0.1: a small server in the test answers
//! with responses recorded after the standards' examples (tests/fixtures), and records what it
//! was asked, so the paging, the bounding box's axis order and the errors are checked as a
//! server sees them.

mod common;

use std::sync::Mutex;

use common::{Route, Server, file, status};
use kuiwen_core::Bilingual;
use kuiwen_core::model::Feature;
use kuiwen_ogc::features::{CRS84, EPSG_4326_URN};
use kuiwen_ogc::{FeatureService, FetchOptions, OgcError, fetch, fetch_report, list_layers, open_spec};

const WFS: &str = "/geoserver/wfs";
const XML: &str = "application/xml";
const GEOJSON: &str = "application/json;charset=UTF-8";
/// The view the tests ask for: Kuiwen, WGS84 [west, south, east, north].
const VIEW: [f64; 4] = [119.1, 36.6, 119.3, 36.75];

fn wfs_routes() -> Vec<Route> {
    let get_feature = |layer: &'static str, extra: &[(&'static str, &'static str)], fixture: &str, ct: &str| {
        let mut q = vec![("request", "GetFeature"), ("typeNames", layer)];
        q.extend_from_slice(extra);
        file(WFS, &q, fixture, ct)
    };
    vec![
        file(WFS, &[("request", "GetCapabilities")], "wfs_capabilities.xml", XML),
        get_feature("kuiwen:parks", &[("startIndex", "0")], "wfs_parks_page0.json", GEOJSON),
        get_feature("kuiwen:parks", &[("startIndex", "2")], "wfs_parks_page1.json", GEOJSON),
        get_feature("kuiwen:parks", &[("startIndex", "4")], "wfs_parks_page2.json", GEOJSON),
        get_feature("kuiwen:facilities", &[], "wfs_facilities_latlon.json", GEOJSON),
        get_feature("kuiwen:broken", &[], "wfs_exception.xml", "text/xml"),
        get_feature("kuiwen:gml", &[], "wfs_gml_answer.xml", "text/xml; subtype=gml/3.2"),
        // A server that answers every page with the first one.
        get_feature("kuiwen:stuck", &[], "wfs_parks_page0.json", GEOJSON),
        file("/gmlonly/wfs", &[("request", "GetCapabilities")], "wfs_capabilities_gml_only.xml", XML),
        status("/down/wfs", &[], 500, "text/html", "<html><body>Internal Server Error</body></html>"),
    ]
}

fn oapif_routes() -> Vec<Route> {
    let items = "/ogcapi/collections/communities/items";
    vec![
        file("/ogcapi", &[], "oapif_landing.json", "application/json"),
        file("/ogcapi/collections", &[("f", "json")], "oapif_collections.json", "application/json"),
        file(items, &[("f", "json")], "oapif_items_1.json", "application/geo+json"),
        file(items, &[("f", "json"), ("offset", "2")], "oapif_items_2.json", "application/geo+json"),
        file(items, &[("f", "json"), ("offset", "4")], "oapif_items_3.json", "application/geo+json"),
    ]
}

fn names(features: &[Feature]) -> Vec<&str> {
    features.iter().map(|f| f.prop_str("名称").unwrap_or("?")).collect()
}

/// The first vertex of a feature's geometry.
fn first_point(f: &Feature) -> (f64, f64) {
    use geo::CoordsIter;
    let g = f.geometry.as_ref().expect("a geometry");
    let c = g.coords_iter().next().expect("a coordinate");
    (c.x, c.y)
}

#[test]
fn wfs_capabilities_list_the_layers() {
    let server = Server::start(wfs_routes());
    let layers = list_layers(&server.url("/geoserver/wfs?service=WFS&request=GetCapabilities")).expect("layers");
    let listed: Vec<(&str, &str)> = layers.iter().map(|l| (l.name.as_str(), l.title.as_str())).collect();
    assert_eq!(
        listed,
        [
            ("kuiwen:parks", "公园绿地"),
            ("kuiwen:facilities", "公共设施"),
            ("kuiwen:broken", "出错的图层"),
            ("kuiwen:gml", "只返回 GML 的图层"),
            ("kuiwen:stuck", "不分页的图层")
        ]
    );
    let parks = &layers[0];
    assert_eq!(parks.default_crs.as_deref(), Some(EPSG_4326_URN));
    assert_eq!(parks.other_crs, [CRS84, "urn:ogc:def:crs:EPSG::4528"]);
    assert_eq!(parks.wgs84_bbox, Some([119.085, 36.605, 119.305, 36.81]));
    let gc = server.requests_to(WFS);
    assert_eq!(gc.len(), 1);
    assert_eq!(gc[0].param("SERVICE"), Some("WFS"));
    assert_eq!(gc[0].param("ACCEPTVERSIONS"), Some("2.0.0,1.1.0"));
}

#[test]
fn wfs_pages_are_followed_with_start_index_until_number_matched() {
    let server = Server::start(wfs_routes());
    let service =
        FeatureService::detect(&server.url("/geoserver/wfs?service=WFS&request=GetCapabilities")).expect("a WFS");
    assert_eq!(service, FeatureService::Wfs { base_url: server.url(WFS) });
    let seen = Mutex::new(Vec::new());
    let features =
        fetch(&service, "kuiwen:parks", Some(VIEW), &|n| seen.lock().expect("progress").push(n)).expect("features");
    assert_eq!(names(&features), ["人民公园", "潍坊植物园", "白浪河湿地公园", "虞河湿地公园", "金宝公园"]);
    assert_eq!(*seen.lock().expect("progress"), [2, 4, 5]);
    assert_eq!(features[2].prop_str("类别"), Some("湿地公园"));
    assert_eq!(features[2].prop_f64("面积_公顷"), Some(88.5));
    assert_eq!(features[0].id.as_deref(), Some("parks.1"));
    // Longitude first: the layer offers CRS84, so CRS84 is what is asked for.
    let (lon, lat) = first_point(&features[0]);
    assert!((lon - 119.114).abs() < 1e-9 && (lat - 36.704).abs() < 1e-9, "{lon} {lat}");

    let pages: Vec<_> =
        server.requests_to(WFS).into_iter().filter(|r| r.param("REQUEST") == Some("GetFeature")).collect();
    let starts: Vec<&str> = pages.iter().filter_map(|r| r.param("STARTINDEX")).collect();
    assert_eq!(starts, ["0", "2", "4"], "CountDefault is 2: three pages");
    for p in &pages {
        assert_eq!(p.param("VERSION"), Some("2.0.0"));
        assert_eq!(p.param("TYPENAMES"), Some("kuiwen:parks"));
        assert_eq!(p.param("COUNT"), Some("2"));
        assert_eq!(p.param("OUTPUTFORMAT"), Some("application/json"));
        assert_eq!(p.param("SRSNAME"), Some(CRS84));
        assert_eq!(p.param("BBOX"), Some(format!("119.1,36.6,119.3,36.75,{CRS84}").as_str()));
        assert!(p.accept.contains("json"), "{}", p.accept);
    }
}

#[test]
fn epsg_4326_is_asked_latitude_first_and_answers_in_that_order_are_turned_round() {
    let server = Server::start(wfs_routes());
    let service = FeatureService::Wfs { base_url: server.url(WFS) };
    let features = fetch(&service, "kuiwen:facilities", Some(VIEW), &|_| {}).expect("features");
    assert_eq!(names(&features), ["齐鲁创智园", "奎文区政务服务中心", "潍坊火车站"]);
    assert_eq!(first_point(&features[0]), (119.176, 36.676));
    let page = server
        .requests_to(WFS)
        .into_iter()
        .find(|r| r.param("REQUEST") == Some("GetFeature"))
        .expect("a GetFeature request");
    assert_eq!(page.param("SRSNAME"), Some(EPSG_4326_URN));
    assert_eq!(page.param("BBOX"), Some(format!("36.6,119.1,36.75,119.3,{EPSG_4326_URN}").as_str()));
}

#[test]
fn a_layer_named_without_its_prefix_is_found() {
    let server = Server::start(wfs_routes());
    let service = FeatureService::Wfs { base_url: server.url(WFS) };
    assert_eq!(fetch(&service, "facilities", None, &|_| {}).expect("features").len(), 3);
    let e = fetch(&service, "roads", None, &|_| {}).expect_err("no such layer");
    let OgcError::UnknownLayer { layer, available } = &e else { panic!("{e:?}") };
    assert_eq!(layer, "roads");
    assert!(available.contains(&"kuiwen:parks".to_owned()), "{available:?}");
    assert!(e.zh().contains("该服务没有图层“roads”"), "{}", e.zh());
}

#[test]
fn wfs_errors_say_what_went_wrong_in_both_languages() {
    let server = Server::start(wfs_routes());
    let service = FeatureService::Wfs { base_url: server.url(WFS) };

    // An ows:ExceptionReport (with HTTP 200, as GeoServer sends it).
    let e = fetch(&service, "kuiwen:broken", None, &|_| {}).expect_err("an exception report");
    let OgcError::ServiceException { code, text, .. } = &e else { panic!("{e:?}") };
    assert_eq!(code, "OperationProcessingFailed");
    assert!(text.contains("relation \"kuiwen.broken\" does not exist"), "{text}");
    assert!(e.zh().starts_with("服务拒绝了请求（OperationProcessingFailed）"), "{}", e.zh());

    // GML where GeoJSON was asked for.
    let e = fetch(&service, "kuiwen:gml", None, &|_| {}).expect_err("not GeoJSON");
    assert!(matches!(e, OgcError::NotGeoJson { .. }), "{e:?}");
    assert!(e.to_string().contains("XML (root element FeatureCollection)"), "{e}");
    assert!(e.zh().contains("不是 GeoJSON") && e.zh().contains("根元素 FeatureCollection"), "{}", e.zh());

    // HTTP 500.
    let e = list_layers(&server.url("/down/wfs?service=WFS&request=GetCapabilities")).expect_err("500");
    assert!(matches!(e, OgcError::Http { status: 500, .. }), "{e:?}");
    assert!(e.to_string().contains("HTTP 500") && e.zh().contains("服务器内部出错"), "{e}");

    // A WFS without GeoJSON output.
    let gml_only = FeatureService::Wfs { base_url: server.url("/gmlonly/wfs") };
    let e = fetch(&gml_only, "kuiwen:roads", None, &|_| {}).expect_err("no GeoJSON");
    let OgcError::NoGeoJsonOutput { formats, .. } = &e else { panic!("{e:?}") };
    assert_eq!(formats.len(), 2);
    assert!(e.zh().contains("GeoJSON") && e.zh().contains("application/json"), "{}", e.zh());
    assert!(
        server.requests_to("/gmlonly/wfs").iter().all(|r| r.param("REQUEST") == Some("GetCapabilities")),
        "no GetFeature is sent when no GeoJSON is offered"
    );

    // More features than allowed: refused after the first page, which says how many match.
    let options = FetchOptions { bbox_wgs84: None, max_features: 3 };
    let e = fetch_report(&service, "kuiwen:parks", &options, &|_| {}).expect_err("too many");
    assert_eq!(e, OgcError::TooManyFeatures { layer: "kuiwen:parks".into(), limit: 3, matched: Some(5) });
    assert!(e.zh().contains("超过 3 个") && e.zh().contains("请放大地图"), "{}", e.zh());

    // A server that ignores startIndex would repeat features forever.
    let e = fetch(&service, "kuiwen:stuck", None, &|_| {}).expect_err("paging ignored");
    assert!(matches!(e, OgcError::PagingIgnored { .. }), "{e:?}");
}

#[test]
fn ogc_api_next_links_are_followed_across_three_pages() {
    let server = Server::start(oapif_routes());
    // The landing page says what the service is.
    let service = FeatureService::detect(&server.url("/ogcapi")).expect("an OGC API");
    assert_eq!(service, FeatureService::OgcApi { base_url: server.url("/ogcapi") });
    let layers = list_layers(&server.url("/ogcapi")).expect("collections");
    assert_eq!(
        layers.iter().map(|l| (l.name.as_str(), l.title.as_str())).collect::<Vec<_>>(),
        [("communities", "社区"), ("parks", "公园绿地")]
    );
    assert_eq!(layers[0].wgs84_bbox, Some([119.085, 36.605, 119.305, 36.81]));

    let seen = Mutex::new(Vec::new());
    let report = fetch_report(
        &service,
        "communities",
        &FetchOptions { bbox_wgs84: Some(VIEW), ..FetchOptions::default() },
        &|n| seen.lock().expect("progress").push(n),
    )
    .expect("features");
    assert_eq!(names(&report.features), ["广文社区", "文化路社区", "樱前街社区", "梨园社区", "北苑社区"]);
    assert_eq!(report.features[3].prop_str("街道"), Some("梨园街道"));
    assert_eq!(report.features[0].id.as_deref(), Some("370705001001"));
    assert_eq!((report.pages, report.number_matched), (3, Some(5)));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(*seen.lock().expect("progress"), [2, 4, 5]);

    let pages = server.requests_to("/ogcapi/collections/communities/items");
    assert_eq!(pages.len(), 3, "{pages:?}");
    // The first request carries the view; the next ones are the links as given (the JSON one,
    // not the HTML one; the third page's link relative to the second page).
    assert_eq!(pages[0].param("bbox"), Some("119.1,36.6,119.3,36.75"));
    assert_eq!(pages[0].param("limit"), Some("1000"));
    assert_eq!(pages[0].param("f"), Some("json"));
    assert_eq!(pages[1].target, "/ogcapi/collections/communities/items?f=json&limit=2&offset=2");
    assert_eq!(pages[2].target, "/ogcapi/collections/communities/items?f=json&limit=2&offset=4");
}

#[test]
fn an_unknown_collection_lists_the_ones_there_are() {
    let server = Server::start(oapif_routes());
    let service = FeatureService::OgcApi { base_url: server.url("/ogcapi") };
    let e = fetch(&service, "roads", None, &|_| {}).expect_err("404");
    assert_eq!(
        e,
        OgcError::UnknownLayer { layer: "roads".into(), available: vec!["communities".into(), "parks".into()] }
    );
}

#[test]
fn specs_open_service_layers_for_the_command_line() {
    let mut routes = wfs_routes();
    routes.extend(oapif_routes());
    let server = Server::start(routes);
    let (features, name) = open_spec(&format!("OAPIF:{}", server.url("/ogcapi/collections/communities")))
        .expect("a spec")
        .expect("features");
    assert_eq!((features.len(), name.as_str()), (5, "communities"));
    let (features, name) = open_spec(&format!("WFS:{}", server.url("/geoserver/wfs?typeNames=kuiwen:parks")))
        .expect("a spec")
        .expect("features");
    assert_eq!((features.len(), name.as_str()), (5, "parks"));
    assert!(open_spec("规划/公园.geojson").is_none());
    assert!(matches!(open_spec(&format!("WFS:{}", server.url(WFS))), Some(Err(OgcError::NoLayerName { .. }))));
}
