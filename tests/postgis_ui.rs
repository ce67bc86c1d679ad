//! The 连接数据库 window and live PostGIS layers in the real app, driven by labels, against a real
//! PostgreSQL + PostGIS started in a temporary folder: connect, list, add a table, see another
//! connection's UPDATE as a modification within 2 s, keep the layer through a killed server and
//! reconnect, publish a layer (refusing to overwrite until confirmed), and a workspace that
//! reopens the table without ever holding the password.

mod common;

use std::time::{Duration, Instant};

use common::{harness_headless, notices, temp_dir, wait_for};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::model::LayerOrigin;
use kuiwen_postgis::testing::TestServer;
use kuiwen_postgis::{PublishOptions, TableName, publish};

type App = egui_kittest::Harness<'static, AtlasApp>;

const SECRET: &str = "秘密-Pa55";

fn db_layer(app: &AtlasApp) -> Option<&kuiwen_atlas::app::LayerEntry> {
    app.layers.iter().find(|e| matches!(e.layer.origin, LayerOrigin::Remote { .. }))
}

fn type_into(h: &mut App, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).click();
    h.run_ok();
    h.get_by_role_and_label(Role::TextInput, label).type_text(text);
    h.run_ok();
}

#[test]
fn a_planner_adds_a_table_sees_updates_within_2_s_keeps_it_through_a_killed_server_and_publishes() {
    let pg = TestServer::start().expect("a PostgreSQL + PostGIS test server");
    let mut other = pg.client().expect("a second connection");
    let parks = kuiwen_atlas::io::embedded::FILES.iter().find(|f| f.file == "parks.geojson").expect("parks");
    let parks = kuiwen_atlas::io::embedded::load_one(parks).expect("parks load").features;
    let table = TableName::parse("规划.产业园区").expect("name");
    publish(&mut other, &table, &parks, &PublishOptions { srid: 4549, overwrite: false }).expect("published");

    let mut h = harness_headless([1400.0, 900.0], StartOptions::default());
    // ---- Connect by the window's labels, password typed (the server trusts loopback) ----
    h.get_by_label("文件").click();
    h.run_ok();
    h.get_by_label("数据库与网络服务…").click();
    h.run_ok();
    type_into(&mut h, "主机", "127.0.0.1");
    type_into(&mut h, "端口", &pg.port.to_string());
    type_into(&mut h, "数据库", "kuiwen");
    type_into(&mut h, "用户", "kuiwen");
    h.get_by_role_and_label(Role::PasswordInput, "密码").click();
    h.run_ok();
    h.get_by_role_and_label(Role::PasswordInput, "密码").type_text(SECRET);
    h.run_ok();
    h.get_by_label("连接并列出空间表").click();
    wait_for(&mut h, "the table list", |a| !a.database.tables.is_empty());
    h.run_ok();
    // The row says what the table is.
    h.get_by_label("规划.产业园区");
    h.get_by_label("MULTIPOLYGON");
    h.get_by_label("4549");
    h.get_by_label("整表");
    h.get_by_label("添加图层").click();
    wait_for(&mut h, "the table's features", |a| db_layer(a).is_some_and(|e| e.layer.features.len() == 8));
    let e = db_layer(h.state()).expect("layer");
    assert_eq!(e.layer.name_zh, "产业园区");
    assert!(e.layer.features.iter().any(|f| f.name() == Some("齐鲁创智园")));
    assert_eq!(e.read_crs.map(|c| c.epsg()), Some(Some(4549)));
    assert!(notices(h.state()).contains("已载入 产业园区: 8 个要素"), "{}", notices(h.state()));

    // ---- Another connection's UPDATE: a modification on the layer within 2 s ----
    let started = Instant::now();
    other
        .execute("UPDATE 规划.产业园区 SET name = '齐鲁创智园（二期）' WHERE name = '齐鲁创智园'", &[])
        .expect("update");
    wait_for(&mut h, "the update", |a| {
        db_layer(a).and_then(|e| e.flash.as_ref()).is_some_and(|f| f.modified.len() == 1)
    });
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "the update took {took:?} to show");
    let e = db_layer(h.state()).expect("layer");
    let change = e.changes.last().expect("a change record");
    assert_eq!(
        (change.added.len(), change.modified.clone(), change.removed.len()),
        (0, vec!["齐鲁创智园（二期）".to_owned()], 0)
    );
    assert!(notices(h.state()).contains("数据库已更新 产业园区: +0 ~1 −0"), "{}", notices(h.state()));
    eprintln!("an UPDATE showed on the layer after {took:?}");

    // ---- The server killed: said, and the layer stays ----
    pg.kill().expect("killed");
    wait_for(&mut h, "the loss reported", |a| db_layer(a).is_some_and(|e| e.last_error.is_some()));
    let e = db_layer(h.state()).expect("layer");
    assert_eq!(e.layer.features.len(), 8);
    let err = e.last_error.clone().unwrap_or_default();
    assert!(err.contains("数据库连接已断开") && err.contains("仍显示最后一次读取的数据"), "{err}");
    // Back: reconnected by itself, and it follows changes again.
    pg.start_again().expect("restarted");
    wait_for(&mut h, "the reconnection", |a| notices(a).contains("已重新连接"));
    let mut other = pg.client().expect("a second connection");
    other.execute("DELETE FROM 规划.产业园区 WHERE name = '1532文化创意园'", &[]).expect("delete");
    wait_for(&mut h, "the deletion", |a| db_layer(a).is_some_and(|e| e.layer.features.len() == 7));
    assert!(db_layer(h.state()).is_some_and(|e| e.last_error.is_none()));

    // ---- Publish the facilities, refused until the overwrite is confirmed ----
    let facilities = h.state().layers.iter().find(|e| e.layer.name_zh == "公共服务设施").map(|e| e.layer.key.clone());
    h.state_mut().database.publish_layer = facilities;
    h.state_mut().database.publish_table.clear();
    type_into(&mut h, "表名", "成果.公共服务设施");
    h.get_by_label("发布").click();
    wait_for(&mut h, "the publish", |a| a.database.published.is_some());
    let n: i64 =
        other.query_one("SELECT count(*) FROM 成果.公共服务设施 WHERE ST_SRID(geom) = 4549", &[]).expect("q").get(0);
    assert_eq!(n, 667);
    h.state_mut().database.published = None;
    h.run_ok();
    h.get_by_label("发布").click();
    wait_for(&mut h, "the overwrite question", |a| a.database.confirm_overwrite.is_some());
    h.run_ok();
    h.get_by_label_contains("已存在。覆盖它吗");
    h.get_by_label("覆盖").click();
    wait_for(&mut h, "the overwrite", |a| a.database.published.is_some());
    assert!(h.state().database.published.as_deref().is_some_and(|p| p.contains("667")));

    // ---- The workspace names the table, never the password, and reopens it ----
    let dir = temp_dir();
    let ws = dir.path().join("共享.kuiwen.json");
    h.state_mut().save_workspace(&ws);
    let text = std::fs::read_to_string(&ws).expect("workspace written");
    assert!(text.contains(&format!("port={}", pg.port)) && text.contains("规划.产业园区"), "{text}");
    assert!(!text.contains(SECRET), "the password is in the workspace");
    assert!(!notices(h.state()).contains(SECRET), "the password is in a notice");
    drop(h);
    let mut h = harness_headless([1400.0, 900.0], StartOptions { workspace: Some(ws), ..Default::default() });
    wait_for(&mut h, "the table from the workspace", |a| db_layer(a).is_some_and(|e| e.layer.features.len() == 7));
}
