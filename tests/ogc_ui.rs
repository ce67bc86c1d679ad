//! WMTS and WMS basemaps through the settings window (egui_kittest, software wgpu): a capabilities
//! address typed where templates go offers 读取服务图层; the layers are read on a helper thread
//! from a server on 127.0.0.1 (the OGC crate's test server and fixtures), listed by title (the
//! ones that cannot be Web Mercator greyed), and choosing one makes it the basemap as a custom
//! template does. A server error is said in the window.

mod basemap_common;
#[path = "../crates/ogc/tests/common/mod.rs"]
mod ogc_server;

use std::time::{Duration, Instant};

use basemap_common::{harness, start_in};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use kuiwen_atlas::app::AtlasApp;
use kuiwen_atlas::basemap::{Basemap, XyzTemplate};
use ogc_server::{Server, file, status};

fn type_template(h: &mut Harness<'static, AtlasApp>, text: &str) {
    h.get_by_role_and_label(Role::TextInput, "瓦片地址模板").click();
    h.run_ok();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run_ok();
    h.get_by_role_and_label(Role::TextInput, "瓦片地址模板").type_text(text);
    h.run_ok();
}

/// Step the app in real time until a label containing `text` is shown (the capabilities are read
/// on a helper thread).
fn wait_for_label(h: &mut Harness<'static, AtlasApp>, text: &str) {
    let start = Instant::now();
    while h.query_by_label_contains(text).is_none() {
        assert!(start.elapsed() < Duration::from_secs(20), "no label containing {text:?}");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    h.run_ok();
}

#[test]
fn a_wmts_layer_is_chosen_from_its_capabilities_in_the_settings_window() {
    let server = Server::start(vec![
        file("/wmts/1.0.0/WMTSCapabilities.xml", &[], "wmts_capabilities.xml", "application/xml"),
        status("/down/wmts", &[], 500, "text/html", "<html>Internal Server Error</html>"),
    ]);
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut h = harness(start_in(tmp.path(), Basemap::None));
    h.run_ok();
    h.get_by_label("设置").click();
    h.run_ok();

    // A server error, in the window's language.
    type_template(&mut h, &server.url("/down/wmts?SERVICE=WMTS&REQUEST=GetCapabilities"));
    h.get_by_label("读取服务图层").click();
    wait_for_label(&mut h, "无法读取服务图层");
    h.get_by_label_contains("HTTP 500");

    // The capabilities: usable layers by title, the CRS84 one greyed.
    type_template(&mut h, &server.url("/wmts/1.0.0/WMTSCapabilities.xml"));
    assert!(
        h.query_by_label_contains("瓦片地址模板“").is_none(),
        "a capabilities address is not checked as a template"
    );
    h.get_by_label("读取服务图层").click();
    wait_for_label(&mut h, "奎文规划底图");
    h.get_by_label_contains("可作底图的图层 3 个（共 4");
    let etopo = h.get_by_label_contains("etopo2");
    assert!(etopo.accesskit_node().is_disabled(), "etopo2 (BigWorld, CRS84) should be greyed");
    assert_eq!(h.state().persisted.basemap, Basemap::None);

    h.get_by_label_contains("奎文规划底图").click();
    h.run_ok();
    let want =
        XyzTemplate::parse(&server.url("/wmts/rest/kuiwen_planning/default/GoogleMapsCompatible/{z}/{y}/{x}.png"))
            .expect("template");
    assert_eq!(h.state().persisted.basemap, Basemap::Xyz(want.clone()));
    assert!(h.state().persisted.basemap_prefs.recent.contains(&Basemap::Xyz(want)), "remembered like a template");
    h.get_by_label_contains("已使用：");
    let reads = server.requests_to("/wmts/1.0.0/WMTSCapabilities.xml");
    assert_eq!(reads.len(), 1, "read once, when asked");
}

/// An OGC API Features layer from the 数据库与网络服务 window: listed by its address, added, read
/// for the map's view (every page, the view's box in the request), and read again when the map
/// moves to where the first box did not reach.
#[test]
fn a_feature_service_layer_is_added_from_the_window_and_read_for_the_view() {
    let items = "/ogcapi/collections/communities/items";
    let server = Server::start(vec![
        file("/ogcapi", &[], "oapif_landing.json", "application/json"),
        file("/ogcapi/collections", &[("f", "json")], "oapif_collections.json", "application/json"),
        file(items, &[("f", "json")], "oapif_items_1.json", "application/geo+json"),
        file(items, &[("f", "json"), ("offset", "2")], "oapif_items_2.json", "application/geo+json"),
        file(items, &[("f", "json"), ("offset", "4")], "oapif_items_3.json", "application/geo+json"),
    ]);
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut h = harness(start_in(tmp.path(), Basemap::None));
    h.run_ok();
    h.get_by_label("文件").click();
    h.run_ok();
    h.get_by_label("数据库与网络服务…").click();
    h.run_ok();
    h.get_by_role_and_label(Role::TextInput, "服务地址").click();
    h.run_ok();
    h.get_by_role_and_label(Role::TextInput, "服务地址").type_text(&server.url("/ogcapi"));
    h.run_ok();
    h.get_by_label("列出服务图层").click();
    wait_for_label(&mut h, "公园绿地");
    h.get_by_label("communities");
    let add = h.get_all_by_label("添加服务图层").next().expect("an add button");
    add.click();
    let service_layer = |a: &AtlasApp| {
        a.layers
            .iter()
            .find(|e| matches!(e.layer.origin, kuiwen_atlas::model::LayerOrigin::Remote { .. }))
            .map(|e| e.layer.features.len())
    };
    let start = Instant::now();
    while service_layer(h.state()) != Some(5) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no features; notices: {:?}",
            h.state().notices.iter().map(|n| &n.text).collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    let first = server.requests_to(items);
    assert_eq!(first.len(), 3, "three pages followed");
    let view = h.state().last_view().expect("a view").visible_bbox(0.0);
    let sent: Vec<f64> = first[0].param("bbox").expect("bbox").split(',').map(|v| v.parse().expect("number")).collect();
    // The box asked for holds the view (and a margin around it).
    assert!(
        sent[0] <= view[0] && sent[1] <= view[1] && sent[2] >= view[2] && sent[3] >= view[3],
        "{sent:?} vs {view:?}"
    );
    let e = h.state().layers.iter().find(|e| e.layer.key.starts_with("OAPIF:")).expect("the layer");
    assert_eq!(e.layer.name_zh, "communities");
    assert_eq!(e.layer.features[0].prop_str("名称"), Some("广文社区"));

    // The map moves far east: a new read for the new view.
    let far = [sent[2] + 0.5, sent[1], sent[2] + 0.6, sent[3]];
    h.state_mut().fit(far);
    let start = Instant::now();
    while server.requests_to(items).len() < 4 {
        assert!(start.elapsed() < Duration::from_secs(20), "no new read after the map moved");
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    let again: Vec<f64> = server.requests_to(items)[3]
        .param("bbox")
        .expect("bbox")
        .split(',')
        .map(|v| v.parse().expect("number"))
        .collect();
    assert!(again[0] > sent[2], "{again:?}");
}
