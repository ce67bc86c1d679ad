//! The status bar: cursor position, zoom, basemap state and the latest message.

use egui::{Color32, Panel, RichText};

use super::AtlasApp;
use crate::basemap::health::TileStatus;

pub(super) fn show(app: &mut AtlasApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let status = app.tile_status();
    Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            match app.cursor_lon_lat {
                Some([lon, lat]) => ui.monospace(format!("{lon:.5}°E {lat:.5}°N")),
                None => ui.monospace("—"),
            };
            ui.separator();
            ui.monospace(format!("{} {:.1}", lang.t("缩放", "Zoom"), app.map_memory.zoom()));
            ui.separator();
            let (text, color) = match &status {
                TileStatus::Off => (lang.t("无底图", "No basemap").to_owned(), None),
                TileStatus::Ok => (lang.t("底图正常", "Basemap OK").to_owned(), None),
                TileStatus::Loading(n) => (format!("{} {n}", lang.t("底图加载中", "Loading tiles")), None),
                TileStatus::Offline(msg) => (
                    lang.t(
                        "底图离线：无法连接瓦片服务器，图层照常显示",
                        "Basemap offline: tile server unreachable; layers still shown",
                    )
                    .to_owned(),
                    Some(msg.clone()),
                ),
                TileStatus::HttpError(code, msg) => (
                    match code {
                        401 | 403 => format!(
                            "{} (HTTP {code})",
                            lang.t("底图被拒绝：密钥无效或类型不符", "Basemap refused: bad or wrong-type key")
                        ),
                        429 => format!("{} (HTTP 429)", lang.t("底图请求超出配额", "Basemap quota exceeded")),
                        _ => format!("{} HTTP {code}", lang.t("底图服务器错误", "Basemap server error")),
                    },
                    Some(msg.clone()),
                ),
            };
            let r = match color {
                Some(detail) => {
                    ui.label(RichText::new(text).color(Color32::from_rgb(220, 120, 0))).on_hover_text(detail)
                }
                None => ui.label(text),
            };
            let _ = r;
            if let Some(last) = app.notices.last() {
                ui.separator();
                let t = RichText::new(&last.text);
                ui.label(if last.error { t.color(Color32::from_rgb(210, 50, 50)) } else { t });
            }
        });
    });
}
