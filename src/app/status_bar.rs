//! The status bar: cursor position, zoom, basemap state and the latest message.

use egui::{Color32, Panel, RichText};

use super::AtlasApp;

pub(super) fn show(app: &AtlasApp, ui: &mut egui::Ui) {
    let lang = app.lang();
    let status = app.basemap_status();
    Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            match app.map.cursor_lon_lat {
                Some(p) => ui.monospace(format!("{:.5}°E {:.5}°N", p.lon_deg, p.lat_deg)),
                None => ui.monospace("—"),
            };
            ui.separator();
            ui.monospace(format!("{} {:.1}", lang.t("缩放", "Zoom"), app.map.memory.zoom()));
            ui.separator();
            ui.monospace(format!("{} {:.1} ms", lang.t("绘制", "Frame"), app.map.last_paint_ms))
                .on_hover_text(lang.t("地图一帧的绘制准备时间", "CPU time to prepare the last map frame"));
            ui.separator();
            super::basemap_ui::status_label(ui, lang, &status, &app.persisted.basemap);
            if let Some(last) = app.notices.last() {
                ui.separator();
                let t = RichText::new(&last.text);
                ui.label(if last.error { t.color(Color32::from_rgb(210, 50, 50)) } else { t });
            }
        });
    });
}
