//! WMTS and WMS basemaps from capabilities, over real HTTP on 127.0.0.1: which layers can be drawn
//! as Web Mercator tiles (and why the others cannot), the template made for each, and a tile
//! fetched through the basemap crate's own template code from the server that published it.

mod common;

use common::{Route, Server, file, status};
use kuiwen_basemap::{Basemap, XyzTemplate};
use kuiwen_core::Bilingual;
use kuiwen_ogc::{Listing, OgcError, Pyramid, TileChoice, TileLayerInfo, list_tile_layers, probe, tile_template};
use walkers::TileId;

const XML: &str = "application/xml";
/// Kuiwen at zoom 12.
const TILE: TileId = TileId { x: 3403, y: 1598, zoom: 12 };

fn tile_bytes() -> Vec<u8> {
    std::fs::read(common::fixtures().join("tile.png")).expect("tile.png")
}

fn routes() -> Vec<Route> {
    let png = |path: &str, query: &[(&str, &str)]| file(path, query, "tile.png", "image/png");
    vec![
        file("/wmts/1.0.0/WMTSCapabilities.xml", &[], "wmts_capabilities.xml", XML),
        png("/wmts/rest/kuiwen_planning/default/GoogleMapsCompatible/12/1598/3403.png", &[]),
        png(
            "/geoserver/gwc/service/wmts/rest/kuiwen:parks/kuiwen:parks_style/EPSG:900913/EPSG:900913:12/1598/3403",
            &[("format", "image/png")],
        ),
        file("/vec_w/wmts", &[("request", "GetCapabilities")], "tianditu_vec_w.xml", XML),
        png(
            "/vec_w/wmts",
            &[
                ("REQUEST", "GetTile"),
                ("LAYER", "vec"),
                ("TILEMATRIXSET", "w"),
                ("TILEMATRIX", "12"),
                ("TILEROW", "1598"),
                ("TILECOL", "3403"),
            ],
        ),
        file("/vec_c/wmts", &[("request", "GetCapabilities")], "tianditu_vec_c.xml", XML),
        file("/geoserver/wms", &[("request", "GetCapabilities")], "wms_capabilities.xml", XML),
        png("/geoserver/wms", &[("REQUEST", "GetMap"), ("BBOX", "0,0,20037508.342789,20037508.342789")]),
        status("/broken/wmts", &[], 500, "text/html", "<html>Internal Server Error</html>"),
        file("/refusing/wmts", &[], "wfs_exception.xml", XML),
    ]
}

fn layer<'a>(layers: &'a [TileLayerInfo], name: &str) -> &'a TileLayerInfo {
    layers.iter().find(|l| l.name == name).unwrap_or_else(|| panic!("no layer {name}"))
}

fn get(url: &str) -> Vec<u8> {
    let resp = reqwest::blocking::get(url).expect("GET");
    assert_eq!(resp.status().as_u16(), 200, "{url}");
    resp.bytes().expect("body").to_vec()
}

#[test]
fn wmts_layers_are_usable_on_a_web_mercator_pyramid_only() {
    let server = Server::start(routes());
    let layers = list_tile_layers(&server.url("/wmts/1.0.0/WMTSCapabilities.xml")).expect("layers");
    let listed: Vec<(&str, bool)> = layers.iter().map(|l| (l.name.as_str(), l.usable())).collect();
    assert_eq!(listed, [("etopo2", false), ("kuiwen_planning", true), ("kuiwen:parks", true), ("roads", true)]);

    // The standard's own example layer: BigWorld is CRS84.
    let etopo = layer(&layers, "etopo2");
    let why = etopo.support.clone().expect_err("refused");
    assert!(why.en.contains("BigWorld") && why.en.contains("not Web Mercator"), "{}", why.en);
    assert!(why.zh.contains("经纬度") && why.zh.contains("球面墨卡托"), "{}", why.zh);
    let e = tile_template(etopo, &TileChoice::default()).expect_err("refused");
    assert!(matches!(e, OgcError::Unsupported { .. }) && e.zh().contains("不能用作底图"), "{e:?}");

    let planning = layer(&layers, "kuiwen_planning");
    assert_eq!(planning.title, "奎文规划底图");
    assert_eq!(planning.styles, ["default", "night"], "the default style first");
    assert_eq!(planning.matrix_sets[0].support, Ok(Pyramid { id_prefix: String::new(), min_zoom: 0, max_zoom: 18 }));

    // GeoServer's sets: EPSG:4326 refused, EPSG:900913 named EPSG:900913:z.
    let parks = layer(&layers, "kuiwen:parks");
    assert_eq!(parks.matrix_sets.len(), 2);
    assert!(parks.matrix_sets[0].support.is_err());
    assert_eq!(
        parks.matrix_sets[1].support,
        Ok(Pyramid { id_prefix: "EPSG:900913:".into(), min_zoom: 0, max_zoom: 18 })
    );
    let e = tile_template(parks, &TileChoice { matrix_set: Some("EPSG:4326".into()), ..TileChoice::default() })
        .expect_err("a geographic set");
    assert!(e.to_string().contains("EPSG::4326"), "{e}");
}

#[test]
fn a_wmts_template_fetches_the_tile_the_server_serves() {
    let server = Server::start(routes());
    let layers = list_tile_layers(&server.url("/wmts/1.0.0/WMTSCapabilities.xml")).expect("layers");

    // RESTful, PNG preferred over the JPEG listed first.
    let t = tile_template(layer(&layers, "kuiwen_planning"), &TileChoice::default()).expect("template");
    assert_eq!(t, server.url("/wmts/rest/kuiwen_planning/default/GoogleMapsCompatible/{z}/{y}/{x}.png"));
    let xyz = XyzTemplate::parse(&t).expect("the basemap crate takes it");
    assert_eq!(get(&xyz.url(TILE)), tile_bytes());
    let jpeg = TileChoice { format: Some("image/jpeg".into()), ..TileChoice::default() };
    let t = tile_template(layer(&layers, "kuiwen_planning"), &jpeg).expect("template");
    assert!(t.ends_with("/GoogleMapsCompatible/{z}/{y}/{x}.jpg"), "{t}");

    // GeoServer: the matrix of zoom z is EPSG:900913:z.
    let t = tile_template(layer(&layers, "kuiwen:parks"), &TileChoice::default()).expect("template");
    assert_eq!(
        t,
        server.url(
            "/geoserver/gwc/service/wmts/rest/kuiwen:parks/kuiwen:parks_style/EPSG:900913/EPSG:900913:{z}/{y}/{x}?format=image/png"
        )
    );
    let basemap: Basemap = t.parse().expect("--basemap takes it");
    let Basemap::Xyz(xyz) = basemap else { panic!("{basemap:?}") };
    assert_eq!(get(&xyz.url(TILE)), tile_bytes());

    // A layer with no ResourceURL: KVP GetTile.
    let t = tile_template(layer(&layers, "roads"), &TileChoice::default()).expect("template");
    assert_eq!(
        t,
        server.url("/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=roads&STYLE=default&TILEMATRIXSET=GoogleMapsCompatible&FORMAT=image/png&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}")
    );
}

#[test]
fn tianditu_w_is_used_with_its_key_and_c_is_refused_with_the_reason() {
    let server = Server::start(routes());
    let layers =
        list_tile_layers(&server.url("/vec_w/wmts?request=GetCapabilities&service=wmts&tk=SECRETKEY123")).expect("w");
    assert_eq!(layers.len(), 1);
    let vec = &layers[0];
    // 96-dpi scale denominators, the corner written northing first, and the published level 19
    // that belongs to the geographic set (left out).
    assert_eq!(vec.matrix_sets[0].support, Ok(Pyramid { id_prefix: String::new(), min_zoom: 1, max_zoom: 18 }));
    let t = tile_template(vec, &TileChoice::default()).expect("template");
    assert_eq!(
        t,
        server.url("/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=SECRETKEY123")
    );
    let xyz = XyzTemplate::parse(&t).expect("the basemap crate takes it");
    assert_eq!(get(&xyz.url(TILE)), tile_bytes());
    let asked = server.requests_to("/vec_w/wmts").into_iter().find(|r| r.param("REQUEST") == Some("GetTile"));
    assert_eq!(asked.expect("a GetTile").param("tk"), Some("SECRETKEY123"), "the key goes with every tile");

    let layers =
        list_tile_layers(&server.url("/vec_c/wmts?request=GetCapabilities&service=wmts&tk=SECRETKEY123")).expect("c");
    let vec = &layers[0];
    assert!(!vec.usable());
    let why = vec.support.clone().expect_err("refused");
    assert!(why.en.contains("urn:ogc:def:crs:EPSG::4490") && why.en.contains("CGCS2000"), "{}", why.en);
    assert!(why.en.contains("vec_w"), "the reason says what to use instead: {}", why.en);
    assert!(why.zh.contains("CGCS2000 经纬度") && why.zh.contains("vec_w"), "{}", why.zh);
    let e = tile_template(vec, &TileChoice::default()).expect_err("refused");
    assert!(e.to_string().contains("CGCS2000") && e.zh().contains("CGCS2000"), "{e}");
}

#[test]
fn a_wms_template_asks_for_the_tile_box_in_web_mercator() {
    let server = Server::start(routes());
    let layers = list_tile_layers(&server.url("/geoserver/wms?service=WMS&request=GetCapabilities")).expect("layers");
    let listed: Vec<(&str, bool)> = layers.iter().map(|l| (l.name.as_str(), l.usable())).collect();
    assert_eq!(listed, [("kuiwen:districts", true), ("kuiwen:parks", true), ("kuiwen:cadastre", false)]);
    let districts = layer(&layers, "kuiwen:districts");
    assert_eq!(districts.crs, ["CRS:84", "EPSG:4490", "EPSG:3857"], "inherited from the parents");
    assert_eq!(districts.styles, ["districts_outline"]);
    assert_eq!(layer(&layers, "kuiwen:parks").wgs84_bbox, Some([119.1, 36.62, 119.25, 36.72]));
    let why = layer(&layers, "kuiwen:cadastre").support.clone().expect_err("refused");
    assert!(why.en.contains("EPSG:4490") && why.zh.contains("EPSG:4490"), "{why}");

    let t = tile_template(layer(&layers, "kuiwen:parks"), &TileChoice::default()).expect("template");
    assert_eq!(
        t,
        server.url("/geoserver/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=kuiwen:parks&STYLES=&CRS=EPSG:3857&BBOX={bbox}&WIDTH=256&HEIGHT=256&FORMAT=image/png&TRANSPARENT=TRUE")
    );
    let basemap: Basemap = t.parse().expect("--basemap takes a {bbox} template");
    let Basemap::Xyz(xyz) = basemap else { panic!("{basemap:?}") };
    // Zoom 1, x 1, y 0: the north-east quarter of the world.
    assert_eq!(get(&xyz.url(TileId { x: 1, y: 0, zoom: 1 })), tile_bytes());
    let asked = server.requests_to("/geoserver/wms").into_iter().find(|r| r.param("REQUEST") == Some("GetMap"));
    let asked = asked.expect("a GetMap");
    assert_eq!(asked.param("BBOX"), Some("0,0,20037508.342789,20037508.342789"));
    assert_eq!(asked.param("CRS"), Some("EPSG:3857"));
    assert_eq!((asked.param("WIDTH"), asked.param("HEIGHT")), (Some("256"), Some("256")));
}

#[test]
fn capabilities_errors_keep_the_key_out() {
    let server = Server::start(routes());
    let e = list_tile_layers(&server.url("/broken/wmts?request=GetCapabilities&tk=SECRETKEY123")).expect_err("500");
    assert!(matches!(e, OgcError::Http { status: 500, .. }), "{e:?}");
    for text in [e.to_string(), e.zh()] {
        assert!(!text.contains("SECRETKEY123") && text.contains("tk=***"), "{text}");
    }
    let e = list_tile_layers(&server.url("/refusing/wmts?request=GetCapabilities")).expect_err("exception report");
    assert!(matches!(e, OgcError::ServiceException { .. }), "{e:?}");
    let e = list_tile_layers(&server.url("/nothing/wmts?request=GetCapabilities")).expect_err("404");
    assert!(matches!(e, OgcError::Http { status: 404, .. }), "{e:?}");
}

#[test]
fn probe_tells_the_services_apart() {
    let mut all = routes();
    all.push(file(
        "/geoserver/ows",
        &[("service", "WFS"), ("request", "GetCapabilities")],
        "wfs_capabilities.xml",
        XML,
    ));
    all.push(file("/ogcapi", &[], "oapif_landing.json", "application/json"));
    all.push(file("/ogcapi/collections", &[("f", "json")], "oapif_collections.json", "application/json"));
    all.push(status("/portal", &[], 200, "text/html", "<!DOCTYPE html><html><body>门户</body></html>"));
    let server = Server::start(all);
    let tiles = |url: &str| match probe(&server.url(url)).expect("a listing") {
        Listing::Tiles(l) => l.len(),
        other => panic!("{other:?}"),
    };
    let features = |url: &str| match probe(&server.url(url)).expect("a listing") {
        Listing::Features { service, layers } => (service.kind_label(), layers.len()),
        other => panic!("{other:?}"),
    };
    assert_eq!(tiles("/wmts/1.0.0/WMTSCapabilities.xml"), 4);
    assert_eq!(tiles("/geoserver/wms?service=WMS&request=GetCapabilities"), 3);
    assert_eq!(tiles("/vec_w/wmts?request=GetCapabilities"), 1, "told by the answer");
    assert_eq!(features("/geoserver/ows?service=WFS&request=GetCapabilities"), ("WFS", 5));
    assert_eq!(features("/ogcapi"), ("OGC API Features", 2));
    let e = probe(&server.url("/portal")).expect_err("a web page");
    assert!(matches!(e, OgcError::UnknownService { .. }), "{e:?}");
    assert!(e.zh().contains("不是 WFS、OGC API Features、WMTS 或 WMS 服务地址"), "{}", e.zh());
}
