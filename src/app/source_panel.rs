//! A file layer's source settings in its details: format, layer, the coordinate system it was
//! read in and the one the planner declares (any EPSG code, and seven parameters for Xian 1980 /
//! Beijing 1954 grids), and the attribute text encoding. Changing one reloads the layer.

use egui::RichText;

use super::LayerEntry;
use super::actions::Action;
use super::actions::LayerEdit;
use super::i18n::Lang;
use crate::io::crs::Crs;
use crate::io::formats::TextEncoding;

/// The systems a Kuiwen planner meets most, offered in the menu before the text field.
const COMMON_EPSG: [u32; 5] = [4528, 4549, 4490, 4326, 32650];

fn label(c: Crs, lang: Lang) -> String {
    if lang.english() { c.label_en() } else { c.label_zh() }
}

/// A short name for a closed combo box, so the panel keeps its width: `EPSG:4528`, `WGS84`…
fn short(c: Crs, lang: Lang) -> String {
    match c {
        Crs::Epsg(code) => format!("EPSG:{code}"),
        Crs::Custom(_) => lang.t("自定义（七参数）", "Custom (7 parameters)").to_owned(),
        Crs::Cgcs2000 => "CGCS2000".to_owned(),
        Crs::Gcj02 => "GCJ-02".to_owned(),
        Crs::Bd09 => "BD-09".to_owned(),
        Crs::WebMercator => "EPSG:3857".to_owned(),
        Crs::Wgs84 => "WGS84".to_owned(),
    }
}

/// Draws the settings of `e` into `edit`; returns true when the layer must be read again.
pub(super) fn source_settings(ui: &mut egui::Ui, e: &LayerEntry, edit: &mut LayerEdit, idx: usize, lang: Lang) -> bool {
    let mut reload = false;
    let weak = |ui: &mut egui::Ui, text: String| {
        ui.add(egui::Label::new(RichText::new(text).small().weak()).wrap());
    };
    if !e.source.format.is_empty() {
        let layer = match (&e.source.layer, e.source.layers.len()) {
            (Some(l), n) if n > 1 => {
                format!(" · {} {l}（{n} {}）", lang.t("图层", "layer"), lang.t("个图层之一", "layers in the file"))
            }
            _ => String::new(),
        };
        weak(ui, format!("{} {}{layer}", lang.t("格式：", "Format:"), e.source.format));
    }
    if let Some(c) = e.read_crs {
        weak(ui, format!("{} {}", lang.t("读取坐标系：", "Read in:"), label(c, lang)));
    }
    for w in e.warnings.iter().take(4) {
        ui.add(egui::Label::new(RichText::new(w).small().color(egui::Color32::from_rgb(170, 110, 0))).wrap());
    }

    // Declared coordinate system.
    let before = edit.load.declared_crs;
    let auto = lang.t("按文件（自动）", "From the file (automatic)").to_owned();
    egui::ComboBox::new(("crs", idx), lang.t("坐标系", "Coordinate system"))
        .selected_text(edit.load.declared_crs.map(|c| short(c, lang)).unwrap_or_else(|| auto.clone()))
        .width(150.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut edit.load.declared_crs, None, auto.as_str());
            for c in Crs::ALL {
                ui.selectable_value(&mut edit.load.declared_crs, Some(c), label(c, lang));
            }
            for code in COMMON_EPSG {
                if let Ok(c) = Crs::from_epsg(code)
                    && !Crs::ALL.contains(&c)
                {
                    ui.selectable_value(&mut edit.load.declared_crs, Some(c), label(c, lang));
                }
            }
        });
    // Any other system: an EPSG code, with seven parameters for the old datums.
    let id = ui.make_persistent_id(("crs_text", idx));
    let (mut code_text, mut params_text): (String, String) = ui.data_mut(|d| d.get_temp(id).unwrap_or_default());
    ui.horizontal(|ui| {
        ui.label(RichText::new("EPSG").small());
        ui.add(egui::TextEdit::singleline(&mut code_text).desired_width(52.0).hint_text("4528"));
        ui.add(
            egui::TextEdit::singleline(&mut params_text)
                .desired_width(150.0)
                .hint_text(lang.t("七参数 dx,dy,dz,rx,ry,rz,ppm", "7 parameters dx,dy,dz,rx,ry,rz,ppm")),
        );
    });
    let mut error = None;
    if ui.small_button(lang.t("使用此坐标系", "Use this system")).clicked() {
        let towgs84 = Some(params_text.trim()).filter(|p| !p.is_empty());
        match crate::cli::parse_crs_arg(code_text.trim(), towgs84) {
            Ok(c) => edit.load.declared_crs = Some(c),
            Err(err) => error = Some(kuiwen_core::Bilingual::message(&err, lang.english())),
        }
    }
    ui.data_mut(|d| d.insert_temp(id, (code_text, params_text)));
    if let Some(msg) = error {
        edit.last_error = Some(msg);
    }
    if edit.load.declared_crs != before {
        reload = true;
    }

    // Text encoding, for the formats that have one to choose.
    if let Some((used, from)) = e.source.encoding {
        let (zh, en) = from.describe();
        weak(
            ui,
            format!("{} {used}（{}）", lang.t("属性编码：", "Text encoding:"), if lang.english() { en } else { zh }),
        );
        if from != crate::io::formats::EncodingSource::Format {
            let before = edit.load.encoding;
            let auto = lang.t("自动", "Automatic").to_owned();
            egui::ComboBox::new(("encoding", idx), lang.t("编码", "Encoding"))
                .selected_text(edit.load.encoding.map(|c| c.name().to_owned()).unwrap_or_else(|| auto.clone()))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut edit.load.encoding, None, auto.as_str());
                    for enc in TextEncoding::ALL {
                        ui.selectable_value(&mut edit.load.encoding, Some(enc), enc.name());
                    }
                });
            if edit.load.encoding != before {
                reload = true;
            }
        }
    }
    reload
}

/// The export controls: the system to write in (the one the file was read in, or WGS84, or the
/// common Kuiwen grids) and the button. Returns the system when the button is pressed.
pub(super) fn export_buttons(ui: &mut egui::Ui, e: &LayerEntry, idx: usize, lang: Lang) -> Option<Crs> {
    let id = ui.make_persistent_id(("export_crs", idx));
    let own = e.read_crs.unwrap_or_default();
    let mut target: Crs = ui.data_mut(|d| d.get_temp(id)).unwrap_or(own);
    let mut pressed = None;
    ui.horizontal(|ui| {
        if ui
            .small_button(lang.t("导出图层…", "Export layer…"))
            .on_hover_text(lang.t(
                "写出为 GeoPackage、Shapefile 或 GeoJSON（格式转换 / 坐标转换）",
                "Write as GeoPackage, shapefile or GeoJSON (format and coordinate conversion)",
            ))
            .clicked()
        {
            pressed = Some(target);
        }
        egui::ComboBox::new(("export_crs", idx), lang.t("导出坐标系", "Export in"))
            .selected_text(short(target, lang))
            .width(90.0)
            .show_ui(ui, |ui| {
                let mut choices = vec![own, Crs::Wgs84, Crs::Cgcs2000];
                choices.extend(COMMON_EPSG.iter().filter_map(|c| Crs::from_epsg(*c).ok()));
                choices.dedup();
                for (i, c) in choices.into_iter().enumerate() {
                    if i > 0 && c == own {
                        continue;
                    }
                    let text = if i == 0 {
                        format!("{}（{}）", label(c, lang), lang.t("读取时的坐标系", "as read"))
                    } else {
                        label(c, lang)
                    };
                    ui.selectable_value(&mut target, c, text);
                }
            });
    });
    ui.data_mut(|d| d.insert_temp(id, target));
    pressed
}

/// Asks where to write a layer and writes it there, off the UI thread: the format by the chosen
/// extension, the text of a shapefile in the encoding it was read in (GBK stays GBK).
pub(super) fn export_layer(app: &mut super::AtlasApp, key: &str, crs: Crs) {
    use super::save_dialog::{FileKind, save_files_async};
    use crate::io::formats::write::{WriteOptions, write};
    let Some(e) = app.layers.iter().find(|e| e.layer.key == key) else { return };
    let features = e.layer.features.clone();
    let encoding = match e.source.encoding {
        Some((TextEncoding::Gbk | TextEncoding::Gb18030, _)) => TextEncoding::Gbk,
        _ => TextEncoding::Utf8,
    };
    let name = e.layer.name_zh.clone();
    let options = WriteOptions { to_crs: crs, encoding, layer_name: name.clone() };
    let kinds = vec![
        FileKind { name: "GeoPackage", extensions: &["gpkg"] },
        FileKind { name: "ESRI Shapefile", extensions: &["shp"] },
        FileKind { name: "GeoJSON", extensions: &["geojson", "json"] },
    ];
    let title = app.lang().t("导出图层", "Export layer").to_owned();
    app.layer_export = Some(save_files_async(&app.egui_ctx, &title, &format!("{name}.gpkg"), kinds, move |path| {
        // A name typed without an extension becomes a GeoPackage.
        let path = if path.extension().is_none() { path.with_extension("gpkg") } else { path.to_path_buf() };
        write(&path, &features, &options).map(|_| ()).map_err(|e| format!("{e} / {}", kuiwen_core::Bilingual::zh(&e)))
    }));
}

/// A file whose numbers are metres in a system nothing names: the candidate systems, each with
/// where it puts the file's first coordinate.
pub struct CrsQuestion {
    /// The file.
    pub path: std::path::PathBuf,
    /// How it was being opened.
    pub options: crate::io::LoadOptions,
    /// The first coordinate, as written.
    pub sample: (f64, f64),
    /// `(system, lon, lat)`, nearest to Kuiwen first.
    pub candidates: Vec<(Crs, f64, f64)>,
}

impl CrsQuestion {
    /// The question for a file and one of its coordinates.
    pub fn new(path: std::path::PathBuf, options: crate::io::LoadOptions, sample: (f64, f64)) -> Self {
        let candidates = crate::io::crs::crs_candidates(sample.0, sample.1).into_iter().take(6).collect();
        Self { path, options, sample, candidates }
    }
}

/// Where a position lies from Kuiwen's centre, in words: "在奎文区内" or "距奎文 270 km（西）".
fn where_from_kuiwen(lon: f64, lat: f64, lang: Lang) -> String {
    use crate::io::crs::{KUIWEN_CENTER_LAT_DEG, KUIWEN_CENTER_LON_DEG};
    let d_km =
        crate::analysis::measure::distance_m([lon, lat], [KUIWEN_CENTER_LON_DEG, KUIWEN_CENTER_LAT_DEG]) / 1000.0;
    if d_km < 15.0 {
        return lang.t("在奎文区内", "in Kuiwen").to_owned();
    }
    let (dx, dy) = (lon - KUIWEN_CENTER_LON_DEG, lat - KUIWEN_CENTER_LAT_DEG);
    let (zh, en) = if dx.abs() > dy.abs() {
        if dx > 0.0 { ("东", "east") } else { ("西", "west") }
    } else if dy > 0.0 {
        ("北", "north")
    } else {
        ("南", "south")
    };
    if lang.english() { format!("{d_km:.0} km {en} of Kuiwen") } else { format!("距奎文 {d_km:.0} km（{zh}）") }
}

/// The window asking which system a file is in; a choice opens the file in it.
pub(super) fn crs_question(app: &super::AtlasApp, ui: &mut egui::Ui) -> Vec<Action> {
    let Some(q) = &app.crs_question else { return Vec::new() };
    let lang = app.lang();
    let mut chosen: Option<Option<Crs>> = None;
    let name = q.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    egui::Window::new(lang.t("选择坐标系", "Choose the coordinate system"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ui.ctx(), |ui| {
            ui.label(format!(
                "{name}：{}",
                lang.t(
                    "坐标是米，文件没有说明坐标系。请选择，每一项都注明数据会落在哪里：",
                    "the coordinates are metres and the file does not say in which system. Choose one; each says where it puts the data:",
                )
            ));
            ui.label(RichText::new(format!("({:.2}, {:.2})", q.sample.0, q.sample.1)).small().weak());
            ui.add_space(4.0);
            for (i, (c, lon, lat)) in q.candidates.iter().enumerate() {
                let text = format!("{} → {lon:.4}°E {lat:.4}°N，{}", label(*c, lang), where_from_kuiwen(*lon, *lat, lang));
                let text = if i == 0 { RichText::new(text).strong() } else { RichText::new(text) };
                if ui.button(text).clicked() {
                    chosen = Some(Some(*c));
                }
            }
            if q.candidates.is_empty() {
                ui.label(lang.t("没有把数据放在中国境内的候选坐标系。", "No candidate system puts the data in China."));
            }
            ui.add_space(4.0);
            if ui.button(lang.t("取消", "Cancel")).clicked() {
                chosen = Some(None);
            }
        });
    chosen.map(Action::AnswerCrs).into_iter().collect()
}

impl super::AtlasApp {
    /// The planner answered which coordinate system a file is in (None: cancelled): open it so.
    pub(super) fn answer_crs(&mut self, choice: Option<Crs>) {
        if let Some(q) = self.crs_question.take()
            && let Some(c) = choice
        {
            self.open_file(q.path, crate::io::LoadOptions { declared_crs: Some(c), ..q.options });
        }
    }
}
