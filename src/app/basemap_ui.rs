//! The basemap in the interface: the switcher in the top bar, the status text in the status
//! bar, and a plain message over the map when the basemap cannot work at all (no key, key
//! rejected, quota, unreadable file) instead of tiles that never come.

use egui::{Color32, RichText};

use super::actions::{Action, Window};
use super::{AtlasApp, Lang};
use crate::basemap::Basemap;
use crate::basemap::health::{TileFailure, TileStatus};

/// The switcher: built-in basemaps, recent custom and local ones, and the way to the settings.
pub(super) fn switcher(app: &AtlasApp, ui: &mut egui::Ui) -> Vec<Action> {
    let lang = app.lang();
    let current = app.persisted.basemap.clone();
    let mut chosen = None;
    let mut settings = false;
    let no_key = app.basemap_settings.env().tianditu_key.is_none();
    let mut recent = app.persisted.basemap_prefs.recent.clone();
    if !recent.contains(&current) && !Basemap::BUILT_IN.contains(&current) {
        recent.insert(0, current.clone());
    }
    // A long name (a custom server's address) is cut to keep the top bar's buttons in view;
    // the list shows it whole.
    let short = current.short_label(lang.english());
    let shown =
        if short.chars().count() > 14 { format!("{}…", short.chars().take(13).collect::<String>()) } else { short };
    egui::ComboBox::new("basemap", lang.t("底图", "Basemap"))
        .selected_text(shown)
        .width(if lang.english() { 125.0 } else { 170.0 })
        .show_ui(ui, |ui| {
            for b in Basemap::BUILT_IN {
                let mut label = b.label(lang.english());
                if b.needs_tianditu_key() && no_key {
                    label.push_str(lang.t("（需密钥）", " (needs a key)"));
                }
                if ui.selectable_label(b == current, label).clicked() {
                    chosen = Some(b);
                }
            }
            if !recent.is_empty() {
                ui.separator();
            }
            for b in recent {
                let r = ui.selectable_label(b == current, b.label(lang.english())).on_hover_text(b.key_or_spec());
                if r.clicked() {
                    chosen = Some(b);
                }
            }
            ui.separator();
            if ui.selectable_label(false, lang.t("自定义或离线底图…", "Custom or offline basemap…")).clicked()
            {
                settings = true;
            }
        });
    let mut actions = Vec::new();
    if settings {
        actions.push(Action::Open(Window::BasemapSettings));
    }
    if let Some(b) = chosen.filter(|b| *b != current) {
        actions.push(Action::UseBasemap(b));
    }
    actions
}

/// What the status bar says about the basemap, and whether it is a problem.
pub(super) fn status_text(lang: Lang, status: &TileStatus, basemap: &Basemap) -> (String, bool) {
    let tianditu = basemap.needs_tianditu_key();
    let local = basemap.is_local();
    let t = |zh: &str, en: &str| lang.t(zh, en).to_owned();
    match status {
        TileStatus::Off => (t("无底图", "No basemap"), false),
        TileStatus::Ok { .. } => (t("底图正常", "Basemap OK"), false),
        TileStatus::Loading(n) => (format!("{} {n}", lang.t("底图加载中", "Loading tiles")), false),
        TileStatus::Slow { pending, waited } => (
            format!(
                "{} {} {}",
                lang.t("瓦片服务器响应慢：已等待", "Tile server slow: waiting"),
                waited.as_secs(),
                lang.t(&format!("秒（{pending} 张未到）"), &format!("s ({pending} tiles pending)"))
            ),
            true,
        ),
        TileStatus::Failing { failure, .. } => {
            let text = match failure {
                TileFailure::MissingKey => t(
                    "天地图需要密钥：请在“设置”中填写，或设置环境变量 TIANDITU_KEY",
                    "Tianditu needs a key: enter it in Settings or set TIANDITU_KEY",
                ),
                TileFailure::Denied(code) if tianditu => format!(
                    "{} (HTTP {code})",
                    lang.t(
                        "天地图密钥无效或类型不符（需“服务器端”密钥）",
                        "Tianditu key rejected or of the wrong type (use a server-side key)"
                    )
                ),
                TileFailure::Denied(code) => {
                    format!("{} (HTTP {code})", lang.t("瓦片服务器拒绝访问", "The tile server refused access"))
                }
                TileFailure::Quota(code) if tianditu => format!(
                    "{} (HTTP {code})",
                    lang.t(
                        "天地图密钥今日访问量已超限额：请明天再试或更换密钥",
                        "Tianditu key over its daily quota: try tomorrow or use another key"
                    )
                ),
                TileFailure::Quota(code) => format!(
                    "{} (HTTP {code})",
                    lang.t("瓦片请求超出配额或频率限制", "Tile quota or rate limit exceeded")
                ),
                TileFailure::NotFound if local => {
                    t("离线底图不含此区域或此缩放级别的瓦片", "The offline basemap has no tiles here at this zoom")
                }
                TileFailure::NotFound => {
                    t("瓦片服务器没有此区域的瓦片 (HTTP 404)", "The tile server has no tiles here (HTTP 404)")
                }
                TileFailure::Server(code) => format!(
                    "{} (HTTP {code}){}",
                    lang.t("瓦片服务器内部错误", "Tile server error"),
                    lang.t("，稍后自动重试", "; retrying later")
                ),
                TileFailure::Http(code) => format!("{} (HTTP {code})", lang.t("瓦片服务器错误", "Tile server error")),
                TileFailure::Timeout => t("瓦片服务器响应超时，稍后自动重试", "Tile server timed out; retrying later"),
                TileFailure::Unreachable(_) => t(
                    "底图离线：无法连接瓦片服务器，图层照常显示",
                    "Basemap offline: tile server unreachable; layers still shown",
                ),
                TileFailure::Garbage(_) => {
                    t("瓦片服务器返回的不是图片", "The tile server answered with something that is not an image")
                }
                TileFailure::Local(_) => t("无法读取离线底图", "Cannot read the offline basemap"),
            };
            (text, true)
        }
    }
}

/// The status bar's basemap part (with technical detail on hover).
pub(super) fn status_label(ui: &mut egui::Ui, lang: Lang, status: &TileStatus, basemap: &Basemap) {
    let (text, problem) = status_text(lang, status, basemap);
    let detail = match status {
        TileStatus::Ok { network, cached } => format!(
            "{} {network} · {} {cached}",
            lang.t("已下载", "downloaded"),
            lang.t("来自缓存或本地文件", "from cache or local files")
        ),
        TileStatus::Failing { failure, .. } => failure.detail(),
        _ => String::new(),
    };
    let label =
        if problem { ui.label(RichText::new(text).color(Color32::from_rgb(220, 120, 0))) } else { ui.label(text) };
    if !detail.is_empty() {
        label.on_hover_text(detail);
    }
}

/// A message box over the map when the basemap cannot work at all. Returns true when the user
/// asks for the settings.
pub(super) fn problem_overlay(
    ui: &mut egui::Ui,
    rect: egui::Rect,
    lang: Lang,
    status: &TileStatus,
    basemap: &Basemap,
) -> bool {
    let TileStatus::Failing { failure, partial: false } = status else { return false };
    if !failure.is_blocking() {
        return false;
    }
    let (text, _) = status_text(lang, status, basemap);
    let mut open = false;
    egui::Area::new(egui::Id::unique("basemap_problem"))
        .fixed_pos(rect.center_top() + egui::vec2(0.0, 16.0))
        .pivot(egui::Align2::CENTER_TOP)
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.set_max_width(520.0);
                ui.label(RichText::new(text).strong().color(Color32::from_rgb(200, 60, 0)));
                if let TileFailure::Local(detail) = failure {
                    ui.label(RichText::new(detail).small());
                }
                ui.horizontal(|ui| {
                    ui.label(lang.t("地图图层照常显示。", "The map layers are still shown."));
                    if ui.button(lang.t("打开设置", "Open settings")).clicked() {
                        open = true;
                    }
                });
            });
        });
    open
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tianditu_key_problems_are_named_in_both_languages() {
        let denied = TileStatus::Failing { failure: TileFailure::Denied(418), partial: false };
        let (zh, problem) = status_text(Lang::Zh, &denied, &Basemap::TiandituVec);
        assert!(problem && zh.contains("天地图密钥无效或类型不符（需“服务器端”密钥）") && zh.contains("418"), "{zh}");
        let (en, _) = status_text(Lang::En, &denied, &Basemap::TiandituImg);
        assert!(en.contains("Tianditu key rejected or of the wrong type (use a server-side key)"), "{en}");
        let quota = TileStatus::Failing { failure: TileFailure::Quota(429), partial: false };
        assert!(status_text(Lang::Zh, &quota, &Basemap::TiandituVec).0.contains("超限额"));
        assert!(status_text(Lang::En, &quota, &Basemap::TiandituVec).0.contains("daily quota"));
        // The same refusal from another server does not blame a Tianditu key.
        let (other, _) = status_text(Lang::En, &denied, &Basemap::Osm);
        assert!(!other.contains("Tianditu"), "{other}");
        let missing = TileStatus::Failing { failure: TileFailure::MissingKey, partial: false };
        assert!(status_text(Lang::En, &missing, &Basemap::TiandituVec).0.contains("TIANDITU_KEY"));
    }
}
