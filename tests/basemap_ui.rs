//! The basemap through the interface (egui_kittest, software wgpu): switching basemaps with
//! the switcher and the settings window, custom template validation, the remembered choice,
//! the Tianditu key (missing-key message, private storage, never in saved state or
//! workspaces) and accessible labels. Tile servers run on 127.0.0.1 inside the tests.

mod basemap_common;
mod common;

use std::collections::HashMap;
use std::time::Duration;

use basemap_common::{Mode, TileServer, count_colour, harness, settled_ok, start_in, step_until};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable};
use kuiwen_atlas::app::{AtlasApp, StartOptions};
use kuiwen_atlas::basemap::Basemap;
use kuiwen_atlas::basemap::health::{TileFailure, TileStatus};

const RED: [u8; 3] = [220, 40, 60];
const BLUE: [u8; 3] = [40, 90, 230];

/// eframe storage in memory.
#[derive(Default)]
struct MemStorage(HashMap<String, String>);

impl eframe::Storage for MemStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}

/// Click into a text field, optionally select what is there, and type.
fn type_into(h: &mut egui_kittest::Harness<'static, AtlasApp>, role: Role, label: &str, text: &str, replace: bool) {
    h.get_by_role_and_label(role, label).click();
    h.run_ok();
    if replace {
        h.key_press_modifiers(Modifiers::COMMAND, Key::A);
        h.run_ok();
    }
    h.get_by_role_and_label(role, label).type_text(text);
    h.run_ok();
}

fn choose_in_switcher(h: &mut egui_kittest::Harness<'static, AtlasApp>, label: &str) {
    h.get_by_role_and_label(Role::ComboBox, "底图").click();
    h.run_ok();
    h.get_by_label(label).click();
    h.run_ok();
}

#[test]
fn switching_basemaps_through_the_ui_and_the_choice_is_remembered() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let red = TileServer::start(Mode::Ok, RED);
    let blue = TileServer::start(Mode::Ok, BLUE);
    let red_map: Basemap = red.template().parse().unwrap_or_else(|e| panic!("{e}"));
    let mut h = harness(start_in(tmp.path(), red_map.clone()));
    step_until(&mut h, Duration::from_secs(30), "red tiles", settled_ok);
    assert!(count_colour(&mut h, RED, 6, "switch-red") > 50_000);
    let red_requests = red.requests();

    // The switcher: no basemap.
    choose_in_switcher(&mut h, "无底图（纯色背景）");
    assert_eq!(h.state().persisted.basemap, Basemap::None);
    assert_eq!(h.state().basemap_status(), TileStatus::Off);
    assert!(count_colour(&mut h, RED, 6, "switch-none") < 100, "red tiles still drawn");
    h.get_by_label("无底图");
    assert!(h.query_by_label_contains(&format!("127.0.0.1:{}", red.port)).is_none(), "stale credit");

    // The settings window: a custom template, checked as it is typed.
    h.get_by_label("设置").click();
    h.run_ok();
    type_into(&mut h, Role::TextInput, "瓦片地址模板", "ftp://10.0.0.5/{z}/{x}/{y}.png", false);
    h.get_by_label("只允许 http:// 或 https:// 地址");
    type_into(&mut h, Role::TextInput, "瓦片地址模板", &blue.template(), true);
    h.get_by_label("地址有效");
    h.get_by_label("使用此地址").click();
    h.run_ok();
    assert_eq!(h.state().persisted.basemap, blue.template().parse().unwrap_or_else(|e| panic!("{e}")));
    step_until(&mut h, Duration::from_secs(30), "blue tiles", settled_ok);
    assert!(count_colour(&mut h, BLUE, 6, "switch-blue") > 50_000, "blue tiles not drawn");
    h.get_by_label(&format!("Tiles © 127.0.0.1:{}", blue.port));

    // Back to the red server from the switcher's recent list: from the disk cache.
    choose_in_switcher(&mut h, &red_map.label(false));
    step_until(&mut h, Duration::from_secs(30), "red tiles again", settled_ok);
    assert!(count_colour(&mut h, RED, 6, "switch-red-again") > 50_000);
    assert_eq!(red.requests(), red_requests, "the red tiles should come from the cache");

    // Remembered: saved state brings the red server back on the next start.
    let mut storage = MemStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    let ctx = egui::Context::default();
    let start = StartOptions { basemap: None, ..start_in(tmp.path(), Basemap::None) };
    let again = AtlasApp::new(&ctx, Some(&storage), start);
    assert_eq!(again.persisted.basemap, red_map);
    assert!(again.persisted.basemap_prefs.recent.contains(&blue.template().parse().unwrap_or_else(|e| panic!("{e}"))));
}

#[test]
fn tianditu_without_a_key_says_so_and_a_saved_key_stays_private() {
    // With a real key in the environment the app would reach tianditu.gov.cn: run without it.
    if common::rerun_without_env("TIANDITU_KEY", "tianditu_without_a_key_says_so_and_a_saved_key_stays_private") {
        return;
    }
    const KEY: &str = "0123456789abcdef0123456789abcdef";
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut h = harness(start_in(tmp.path(), Basemap::TiandituVec));
    h.run_ok();
    assert_eq!(h.state().basemap_status(), TileStatus::Failing { failure: TileFailure::MissingKey, partial: false });
    // Said in the status bar and over the map, not tiles that never come.
    let message = "天地图需要密钥：请在“设置”中填写，或设置环境变量 TIANDITU_KEY";
    assert_eq!(h.query_all_by_label(message).count(), 2);
    h.get_by_label("打开设置").click();
    h.run_ok();
    h.get_by_label("未设置：天地图底图无法显示");
    // Leave Tianditu before the key exists, so that no request can leave this machine.
    choose_in_switcher(&mut h, "无底图（纯色背景）");

    // A malformed key is refused with the reason.
    type_into(&mut h, Role::PasswordInput, "新密钥", "abc", false);
    h.get_by_label("保存密钥").click();
    h.run_ok();
    h.get_by_label_contains("密钥应为 32 位字母数字");
    type_into(&mut h, Role::PasswordInput, "新密钥", &format!(" {KEY} "), true);
    // The field shows dots, never the key, also to assistive technology.
    assert!(h.query_by_label_contains(KEY).is_none());
    let field = h.get_by_role_and_label(Role::PasswordInput, "新密钥");
    assert!(!field.accesskit_node().value().unwrap_or_default().contains(KEY), "the key is in the accessibility tree");
    h.get_by_label("保存密钥").click();
    h.run_ok();
    h.get_by_label("密钥已保存");
    h.get_by_label("已设置（保存在本机用户配置文件夹）");
    let file = tmp.path().join("config").join("tianditu_key");
    assert_eq!(std::fs::read_to_string(&file).unwrap_or_default(), KEY);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).map(|m| m.permissions().mode()).unwrap_or(0);
        assert_eq!(mode & 0o777, 0o600, "the key file must be private");
    }
    // The switcher no longer asks for a key.
    h.get_by_role_and_label(Role::ComboBox, "底图").click();
    h.run_ok();
    h.get_by_label("天地图 矢量");
    assert!(h.query_by_label("天地图 矢量（需密钥）").is_none());

    // Never in the saved app state or a workspace, even with Tianditu chosen.
    h.state_mut().persisted.basemap = Basemap::TiandituImg;
    let mut storage = MemStorage::default();
    eframe::App::save(h.state_mut(), &mut storage);
    assert!(storage.0.values().all(|v| !v.contains(KEY)), "the key leaked into the saved state");
    let ws = serde_json::to_string(&h.state().to_workspace()).unwrap_or_default();
    assert!(ws.contains("tianditu-img") && !ws.contains(KEY), "workspace: {ws}");
}

#[test]
fn settings_inputs_have_accessible_labels() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = TileServer::start(Mode::Ok, BLUE);
    let basemap: Basemap = server.template().parse().unwrap_or_else(|e| panic!("{e}"));
    let mut h = harness(StartOptions { english: Some(true), ..start_in(tmp.path(), basemap) });
    h.run_ok();
    let unlabelled = |h: &egui_kittest::Harness<'static, AtlasApp>| {
        h.query_all_by_role(Role::TextInput)
            .chain(h.query_all_by_role(Role::PasswordInput))
            .chain(h.query_all_by_role(Role::SpinButton))
            .filter(|n| n.accesskit_node().label().is_none_or(|l| l.trim().is_empty()))
            .count()
    };
    let before = unlabelled(&h);
    h.get_by_label("Settings").click();
    h.run_ok();
    h.get_by_role_and_label(Role::PasswordInput, "New key");
    h.get_by_role_and_label(Role::TextInput, "Tile URL template");
    for label in ["Limit", "Min zoom", "Max zoom"] {
        h.get_by_role_and_label(Role::SpinButton, label);
    }
    for label in ["Clear cache", "Start download", "Open a PMTiles file…", "Choose a tile folder…", "Save as…"] {
        h.get_by_role_and_label(Role::Button, label);
    }
    h.get_by_label("All of Kuiwen");
    h.get_by_label("Current view");
    // The window adds no text input or number field without a label.
    assert_eq!(unlabelled(&h), before);
}

#[test]
fn the_cache_is_measured_and_cleared_from_the_settings_window() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let server = TileServer::start(Mode::Ok, RED);
    let basemap: Basemap = server.template().parse().unwrap_or_else(|e| panic!("{e}"));
    let mut h = harness(start_in(tmp.path(), basemap));
    step_until(&mut h, Duration::from_secs(30), "tiles", settled_ok);
    let tiles = tmp.path().join("cache").join("tiles");
    let cached = basemap_common::files_under(&tiles);
    assert!(cached > 0);
    h.get_by_label("设置").click();
    h.run_ok();
    // The size is measured in the background, then shown.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while h.query_by_label_contains("当前占用").is_none() {
        assert!(std::time::Instant::now() < deadline, "the cache size never showed");
        h.step();
    }
    h.get_by_label_contains(tiles.to_string_lossy().as_ref());
    h.get_by_label("清空缓存").click();
    h.run_ok();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while h.query_by_label_contains("已清空缓存").is_none() {
        assert!(std::time::Instant::now() < deadline, "clearing never finished");
        h.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(basemap_common::files_under(&tiles), 0, "tiles left in the cache");
}
