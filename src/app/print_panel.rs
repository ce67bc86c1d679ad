//! 出图 / Print: the print-layout window. Paper, orientation, resolution and format; the title,
//! subtitle, 制图单位 and 制图日期; the grid; the scale (the view fitted, or a round 1:N); a
//! template, with the elements dragged into place on the preview and saved as the planner's own
//! template in the workspace. Preview and export run on a worker thread.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use egui::{Color32, ColorImage, Pos2, Rect, RichText, Sense, Stroke, StrokeKind, TextureHandle, vec2};

use super::actions::Action;
use super::{AtlasApp, Lang, Notice};
use crate::basemap::{Basemap, BasemapEnv, MapProjection};
use crate::model::Layer;
use crate::model::layout::{DPI_CHOICES, Element, Grid, Orientation, Paper, PrintSettings};
use crate::model::marks::Marks;
use crate::print::{Extent, Format, PrintBasemap, PrintJob};

/// Width of the preview image, pixels.
const PREVIEW_WIDTH_PX: f64 = 520.0;

/// Everything a print needs, owned, so it can go to a worker thread.
pub struct PrintSnapshot {
    /// Page set-up, texts, template.
    pub settings: PrintSettings,
    /// Visible layers, bottom first.
    pub layers: Vec<Layer>,
    /// The marks.
    pub marks: Marks,
    /// Where the map looks.
    pub extent: Extent,
    /// The basemap's projection.
    pub projection: MapProjection,
    /// English texts.
    pub english: bool,
    /// The sources block's lines.
    pub sources: Vec<String>,
    /// Today's date as printed.
    pub today: String,
    /// The basemap and its settings.
    pub basemap: Basemap,
    /// Keys and cache for the basemap.
    pub env: BasemapEnv,
}

impl PrintSnapshot {
    /// The app's layers, marks and basemap as they are now, at `extent`.
    pub fn from_app(app: &AtlasApp, settings: &PrintSettings, extent: Extent) -> Self {
        let english = app.lang().english();
        let layers: Vec<Layer> = app.layers.iter().filter(|e| e.layer.visible).map(|e| e.layer.clone()).collect();
        Self {
            settings: settings.clone(),
            sources: sources_lines(app, &layers, english),
            layers,
            marks: app.marks.clone(),
            extent,
            projection: app.persisted.basemap.projection(),
            english,
            today: today_text(english),
            basemap: app.persisted.basemap.clone(),
            env: app.basemap_settings.env(),
        }
    }

    /// The job to print.
    pub fn job(&self, big_layers_as_images: bool) -> PrintJob<'_> {
        PrintJob {
            settings: &self.settings,
            layers: self.layers.iter().collect(),
            marks: &self.marks,
            extent: self.extent,
            projection: self.projection,
            english: self.english,
            sources: self.sources.clone(),
            today: self.today.clone(),
            big_layers_as_images,
        }
    }

    /// The basemap to fetch (None without one).
    pub fn basemap(&self) -> Option<PrintBasemap<'_>> {
        (self.basemap != Basemap::None).then_some(PrintBasemap { basemap: &self.basemap, env: &self.env })
    }
}

/// The sources block: each layer's accuracy as the info panel states it, the credits, the
/// basemap's credit and the map's coordinate system.
pub fn sources_lines(app: &AtlasApp, layers: &[Layer], english: bool) -> Vec<String> {
    use crate::model::provenance;
    let mut parts = Vec::new();
    for l in layers.iter().rev() {
        if l.features.first().is_some_and(|f| f.properties.contains_key("accuracy")) {
            let summary = provenance::summarize(l, english);
            if let Some(w) = summary.worst() {
                parts.push(format!("{}（{}）", l.name(english), w.label(english)));
                continue;
            }
        }
        parts.push(l.name(english).to_owned());
    }
    let mut lines = Vec::new();
    if !parts.is_empty() {
        lines.push(parts.join(if english { "; " } else { "；" }));
    }
    // The visible layers' credits, each once, as the map credits them.
    let mut credits = app.data_credits();
    if let Some(c) = app.basemap_credit() {
        credits.push(c.text);
    }
    if !credits.is_empty() {
        lines.push(credits.join(" · "));
    }
    lines.push(if english {
        "Coordinates: CGCS2000 (≈ WGS84), drawn in Web Mercator; the scale bar is measured on the ellipsoid.".to_owned()
    } else {
        "坐标系：CGCS2000（与 WGS84 相差厘米级），Web 墨卡托投影显示；比例尺按椭球面实测。".to_owned()
    });
    lines
}

/// Today in Beijing time: `2026年12月2日` (or `2026-12-02`).
pub fn today_text(english: bool) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let text = super::history_panel::local_time_text(now);
    let date = text.split([' ', 'T']).next().unwrap_or_default().to_owned();
    if english {
        return date;
    }
    let mut parts = date.split('-').map(|p| p.trim_start_matches('0'));
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => format!("{y}年{m}月{d}日"),
        _ => date,
    }
}

/// How the frame is chosen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScaleChoice {
    /// The map's current view, at the next round scale.
    FitView,
    /// Every visible layer, at the next round scale.
    FitAll,
    /// The view's centre at exactly 1:N.
    Fixed(u32),
}

/// A drag on the preview: moving an element or resizing it from its lower-right corner.
#[derive(Clone, Copy, Debug)]
struct Drag {
    element: Element,
    resize: bool,
    start_rect: [f32; 4],
    start_pointer: Pos2,
}

/// The print window.
pub struct PrintPanel {
    /// Whether the window is shown.
    pub open: bool,
    /// The set-up: saved in the workspace.
    pub settings: PrintSettings,
    /// The file to write.
    pub out_path: String,
    /// How the frame is chosen.
    pub scale: ScaleChoice,
    scale_text: String,
    template_name: String,
    preview: Option<TextureHandle>,
    preview_key: Option<u64>,
    preview_job: Option<(u64, Receiver<Result<ColorImage, String>>)>,
    export_job: Option<Receiver<Result<String, String>>>,
    /// The last export's outcome: (ok, text).
    pub last_result: Option<(bool, String)>,
    drag: Option<Drag>,
}

impl Default for PrintPanel {
    fn default() -> Self {
        Self {
            open: false,
            settings: PrintSettings::default(),
            out_path: String::new(),
            scale: ScaleChoice::FitView,
            scale_text: "10000".to_owned(),
            template_name: String::new(),
            preview: None,
            preview_key: None,
            preview_job: None,
            export_job: None,
            last_result: None,
            drag: None,
        }
    }
}

impl PrintPanel {
    /// The frame's extent for the app as it is now.
    pub fn extent(&self, app: &AtlasApp) -> Extent {
        let view = app.last_view();
        let center = view.map(|v| v.screen_to_lon_lat(v.rect.center()).to_array());
        let all = app.all_bbox().unwrap_or([119.1, 36.6, 119.3, 36.8]);
        match self.scale {
            ScaleChoice::Fixed(n) => Extent::Scale {
                center_lon_lat: center.unwrap_or([(all[0] + all[2]) / 2.0, (all[1] + all[3]) / 2.0]),
                denominator: n as f64,
            },
            ScaleChoice::FitAll => Extent::Fit(all),
            ScaleChoice::FitView => match view {
                Some(v) => {
                    let a = v.screen_to_lon_lat(v.rect.left_bottom());
                    let b = v.screen_to_lon_lat(v.rect.right_top());
                    Extent::Fit([a.lon_deg, a.lat_deg, b.lon_deg, b.lat_deg])
                }
                None => Extent::Fit(all),
            },
        }
    }

    /// Start writing the page to `path` on a worker thread.
    pub fn start_export(&mut self, app: &AtlasApp, path: PathBuf, ctx: &egui::Context) {
        let snapshot = PrintSnapshot::from_app(app, &self.settings, self.extent(app));
        let english = snapshot.english;
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let result = (|| {
                let format = Format::from_path(&path)?;
                let job = snapshot.job(format == Format::Pdf || format == Format::Svg);
                let report = crate::print::print_to_file(&job, snapshot.basemap(), &path)?;
                Ok::<_, crate::print::PrintError>(summary(&report, &path, english))
            })()
            .map_err(|e| crate::Bilingual::message(&e, english));
            let _ = tx.send(result);
            ctx.request_repaint();
        });
        self.export_job = Some(rx);
        self.last_result = None;
    }

    /// Whether the preview shows the set-up as it is now.
    pub fn preview_ready(&self) -> bool {
        self.preview.is_some() && self.preview_job.is_none() && self.drag.is_none()
    }

    /// Whether an export is running.
    pub fn exporting(&self) -> bool {
        self.export_job.is_some()
    }

    fn poll(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        if let Some(rx) = &self.export_job {
            match rx.try_recv() {
                Ok(r) => {
                    self.export_job = None;
                    let (ok, text) = match r {
                        Ok(t) => (true, t),
                        Err(e) => (false, e),
                    };
                    actions.push(Action::Notice(Notice { text: text.clone(), error: !ok }));
                    self.last_result = Some((ok, text));
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => self.export_job = None,
            }
        }
        if let Some((key, rx)) = &self.preview_job {
            match rx.try_recv() {
                Ok(Ok(img)) => {
                    self.preview = Some(ctx.load_texture("print_preview", img, egui::TextureOptions::LINEAR));
                    self.preview_key = Some(*key);
                    self.preview_job = None;
                }
                Ok(Err(e)) => {
                    self.preview_key = Some(*key);
                    self.preview_job = None;
                    self.last_result = Some((false, e));
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => self.preview_job = None,
            }
        }
    }

    fn refresh_preview(&mut self, app: &AtlasApp, ctx: &egui::Context) {
        let extent = self.extent(app);
        let key = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            serde_json::to_string(&self.settings).unwrap_or_default().hash(&mut h);
            format!("{extent:?}").hash(&mut h);
            serde_json::to_string(&app.marks).unwrap_or_default().hash(&mut h);
            for e in app.layers.iter().filter(|e| e.layer.visible) {
                (e.layer.key.as_str(), e.generation).hash(&mut h);
                serde_json::to_string(&e.layer.style).unwrap_or_default().hash(&mut h);
            }
            app.lang().english().hash(&mut h);
            h.finish()
        };
        if self.preview_key == Some(key) || self.preview_job.is_some() || self.drag.is_some() {
            return;
        }
        let mut settings = self.settings.clone();
        let width_mm = settings.page.size_mm()[0];
        settings.page.dpi = ((PREVIEW_WIDTH_PX / width_mm * 25.4).round() as u32).clamp(72, 1200);
        let mut snapshot = PrintSnapshot::from_app(app, &settings, extent);
        snapshot.settings.page.dpi = settings.page.dpi;
        // Online tiles would make the preview wait on the network: it shows local basemaps only.
        let local = snapshot.basemap.is_local();
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let job = snapshot.job(false);
            let basemap = if local { snapshot.basemap() } else { None };
            let result = crate::print::preview_rgba(&job, basemap)
                .map(|(size, rgba)| ColorImage::from_rgba_unmultiplied([size[0] as usize, size[1] as usize], &rgba))
                .map_err(|e| crate::Bilingual::message(&e, snapshot.english));
            let _ = tx.send(result);
            ctx.request_repaint();
        });
        self.preview_job = Some((key, rx));
    }

    /// The window.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let mut actions = Vec::new();
        let ctx = ui.ctx().clone();
        self.poll(&ctx, &mut actions);
        if !self.open {
            return actions;
        }
        let lang = app.lang();
        let mut open = self.open;
        egui::Window::new(lang.t("出图", "Print layout"))
            .id(egui::Id::unique("print_window"))
            .open(&mut open)
            .default_width(860.0)
            .resizable(true)
            .show(&ctx, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(300.0);
                        self.controls(ui, app, lang, &ctx);
                    });
                    ui.separator();
                    ui.vertical(|ui| self.preview_ui(ui, lang));
                });
            });
        self.open = open;
        if self.open {
            self.refresh_preview(app, &ctx);
        }
        actions
    }

    fn controls(&mut self, ui: &mut egui::Ui, app: &AtlasApp, lang: Lang, ctx: &egui::Context) {
        let s = &mut self.settings;
        egui::Grid::new("print_setup").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
            ui.label(lang.t("纸张", "Paper"));
            ui.horizontal(|ui| {
                for p in Paper::ALL {
                    ui.selectable_value(&mut s.page.paper, p, p.name());
                }
            });
            ui.end_row();
            ui.label(lang.t("方向", "Orientation"));
            ui.horizontal(|ui| {
                ui.selectable_value(&mut s.page.orientation, Orientation::Landscape, lang.t("横向", "Landscape"));
                ui.selectable_value(&mut s.page.orientation, Orientation::Portrait, lang.t("纵向", "Portrait"));
            });
            ui.end_row();
            ui.label(lang.t("分辨率", "Resolution"));
            ui.horizontal(|ui| {
                for d in DPI_CHOICES {
                    ui.selectable_value(&mut s.page.dpi, d, format!("{d} dpi"));
                }
            });
            ui.end_row();
            ui.label(lang.t("比例尺", "Scale"));
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.scale, ScaleChoice::FitView, lang.t("当前视图", "This view"));
                    ui.selectable_value(&mut self.scale, ScaleChoice::FitAll, lang.t("全部图层", "All layers"));
                });
                ui.horizontal(|ui| {
                    let fixed = matches!(self.scale, ScaleChoice::Fixed(_));
                    ui.label("1:");
                    let r = ui.add(egui::TextEdit::singleline(&mut self.scale_text).desired_width(70.0));
                    let n = self.scale_text.trim().replace([',', ' '], "").parse::<u32>().ok().filter(|n| *n >= 100);
                    if (r.changed() || (!fixed && ui.button(lang.t("固定比例", "Fixed")).clicked()))
                        && let Some(n) = n
                    {
                        self.scale = ScaleChoice::Fixed(n);
                    }
                    if n.is_none() {
                        ui.colored_label(
                            Color32::from_rgb(200, 30, 30),
                            lang.t("请输入 ≥100 的整数", "a whole number ≥ 100"),
                        );
                    }
                });
            });
            ui.end_row();
            ui.label(lang.t("坐标网", "Grid"));
            ui.horizontal(|ui| {
                ui.selectable_value(&mut s.grid, Grid::None, lang.t("无", "None"));
                ui.selectable_value(&mut s.grid, Grid::Graticule, lang.t("经纬网", "Lon/lat"));
                ui.selectable_value(&mut s.grid, Grid::Kilometre, lang.t("公里网", "Km grid"));
            });
            ui.end_row();
            ui.label(lang.t("标题", "Title"));
            ui.add(
                egui::TextEdit::singleline(&mut s.title)
                    .hint_text(lang.t("奎文区规划一张图", "Kuiwen District Planning Map")),
            );
            ui.end_row();
            ui.label(lang.t("副标题", "Subtitle"));
            ui.text_edit_singleline(&mut s.subtitle);
            ui.end_row();
            ui.label(lang.t("制图单位", "Made by"));
            ui.text_edit_singleline(&mut s.author);
            ui.end_row();
            ui.label(lang.t("制图日期", "Date"));
            ui.add(egui::TextEdit::singleline(&mut s.date).hint_text(today_text(lang.english())));
            ui.end_row();
        });
        ui.separator();
        // ---- Template and elements ----
        ui.horizontal(|ui| {
            ui.label(lang.t("模板", "Template"));
            let names: Vec<String> = crate::model::layout::Template::built_in()
                .into_iter()
                .map(|t| t.name)
                .chain(s.templates.iter().map(|t| t.name.clone()))
                .collect();
            ui.horizontal_wrapped(|ui| {
                for n in names {
                    if ui.selectable_label(s.layout.name == n, &n).clicked()
                        && let Some(t) = s.template(&n)
                    {
                        s.layout = t;
                    }
                }
            });
        });
        ui.horizontal_wrapped(|ui| {
            for e in Element::ALL.into_iter().filter(|e| *e != Element::Map) {
                let (zh, en) = e.names();
                let mut shown = s.layout.rect(e).is_some();
                if ui.checkbox(&mut shown, lang.t(zh, en)).changed() {
                    match s.layout.placements.iter_mut().find(|p| p.element == e) {
                        Some(p) => p.visible = shown,
                        None => {
                            if let Some(r) = crate::model::layout::Template::built_in()[0].rect(e) {
                                s.layout.set_rect(e, r);
                            }
                        }
                    }
                }
            }
        });
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.template_name)
                    .hint_text(lang.t("模板名称", "Template name"))
                    .desired_width(140.0),
            );
            let name = self.template_name.trim().to_owned();
            if ui.add_enabled(!name.is_empty(), egui::Button::new(lang.t("存为模板", "Save as template"))).clicked()
            {
                let mut t = s.layout.clone();
                t.name = name.clone();
                s.templates.retain(|x| x.name != name);
                s.templates.push(t.clone());
                s.layout = t;
                self.template_name.clear();
            }
        });
        ui.label(
            RichText::new(lang.t(
                "在右侧预览中拖动元素可移动，拖动右下角可改变大小；模板随工作区保存。",
                "Drag an element on the preview to move it, its lower-right corner to resize; templates are saved with the workspace.",
            ))
            .small()
            .weak(),
        );
        ui.separator();
        // ---- Output ----
        ui.horizontal(|ui| {
            ui.label(lang.t("输出文件", "Output file"));
            if ui.button(lang.t("浏览…", "Browse…")).clicked() {
                let name = format!(
                    "{}-{}-{}dpi.pdf",
                    if s.title.trim().is_empty() { "奎文区规划图" } else { s.title.trim() },
                    s.page.name(),
                    s.page.dpi
                );
                if let Some(p) = rfd::FileDialog::new()
                    .set_file_name(name)
                    .add_filter("PDF", &["pdf"])
                    .add_filter("JPEG", &["jpg", "jpeg"])
                    .add_filter("PNG", &["png"])
                    .add_filter("SVG", &["svg"])
                    .save_file()
                {
                    self.out_path = p.display().to_string();
                }
            }
        });
        ui.add(egui::TextEdit::singleline(&mut self.out_path).hint_text("D:/出图/规划图.pdf").desired_width(290.0));
        let [w, h] = s.page.size_px();
        let check = s.page.check();
        ui.label(
            RichText::new(format!(
                "{} · {w}×{h} {} · {}",
                s.page.name(),
                lang.t("像素", "px"),
                lang.t(
                    "JPG/PNG 记录分辨率；PDF 为矢量并嵌入字体",
                    "JPG/PNG record the dpi; PDF is vector with the font embedded"
                )
            ))
            .small(),
        );
        if let Err(e) = &check {
            ui.colored_label(Color32::from_rgb(200, 30, 30), crate::Bilingual::message(e, lang.english()));
        }
        let path = PathBuf::from(self.out_path.trim());
        let format_ok = !self.out_path.trim().is_empty() && Format::from_path(&path).is_ok();
        ui.horizontal(|ui| {
            let busy = self.exporting();
            if ui
                .add_enabled(format_ok && check.is_ok() && !busy, egui::Button::new(lang.t("导出", "Export")))
                .on_disabled_hover_text(
                    lang.t("请给出 .pdf、.jpg、.png 或 .svg 文件", "Give a .pdf, .jpg, .png or .svg file"),
                )
                .clicked()
            {
                self.start_export(app, path, ctx);
            }
            if busy {
                ui.spinner();
                ui.label(lang.t("正在出图…", "Printing…"));
            }
        });
        if let Some((ok, text)) = &self.last_result {
            let color = if *ok { Color32::from_rgb(0, 120, 50) } else { Color32::from_rgb(200, 30, 30) };
            ui.colored_label(color, text);
        }
    }

    fn preview_ui(&mut self, ui: &mut egui::Ui, lang: Lang) {
        let [w_mm, h_mm] = self.settings.page.size_mm();
        let avail = ui.available_width().clamp(300.0, 640.0);
        let size = vec2(avail, avail * (h_mm / w_mm) as f32);
        let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
        let label = lang.t("出图预览", "Print preview");
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, label));
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 0.0, Color32::WHITE);
        match &self.preview {
            Some(t) => {
                painter.image(t.id(), rect, Rect::from_min_max(Pos2::ZERO, egui::pos2(1.0, 1.0)), Color32::WHITE);
            }
            None => {
                painter.text(
                    rect.center(),
                    egui::Align2::CENTER_CENTER,
                    lang.t("正在生成预览…", "Making the preview…"),
                    egui::FontId::proportional(14.0),
                    Color32::GRAY,
                );
            }
        }
        painter.rect_stroke(rect, 0.0, Stroke::new(1.0, Color32::GRAY), StrokeKind::Outside);
        if self.preview_job.is_some() {
            painter.text(
                rect.right_top() + vec2(-6.0, 6.0),
                egui::Align2::RIGHT_TOP,
                lang.t("更新中…", "Updating…"),
                egui::FontId::proportional(11.0),
                Color32::GRAY,
            );
        }
        // ---- Element boxes: shown on hover, dragged to move or resize ----
        let to_screen = |r: [f32; 4]| {
            Rect::from_min_size(
                rect.min + vec2(r[0] * rect.width(), r[1] * rect.height()),
                vec2(r[2] * rect.width(), r[3] * rect.height()),
            )
        };
        let pointer = response.interact_pointer_pos().or(response.hover_pos());
        // From where the button went down, not where the drag was recognised (a few points
        // later), so the element follows the pointer exactly.
        let press = ui.input(|i| i.pointer.press_origin());
        if response.drag_started()
            && let Some(p) = press.or(pointer)
        {
            // The smallest box under the pointer: furniture inside the map frame wins over it.
            let mut hits: Vec<(Element, [f32; 4])> = self
                .settings
                .layout
                .placements
                .iter()
                .filter(|pl| pl.visible && to_screen(pl.rect).expand(4.0).contains(p))
                .map(|pl| (pl.element, pl.rect))
                .collect();
            hits.sort_by(|a, b| (a.1[2] * a.1[3]).total_cmp(&(b.1[2] * b.1[3])));
            if let Some((element, r)) = hits.first() {
                let corner = to_screen(*r).right_bottom();
                self.drag = Some(Drag {
                    element: *element,
                    resize: corner.distance(p) < 10.0,
                    start_rect: *r,
                    start_pointer: p,
                });
            }
        }
        if let (Some(d), Some(p)) = (self.drag, pointer) {
            let dx = (p.x - d.start_pointer.x) / rect.width();
            let dy = (p.y - d.start_pointer.y) / rect.height();
            let [x, y, w, h] = d.start_rect;
            let r = if d.resize { [x, y, w + dx, h + dy] } else { [x + dx, y + dy, w, h] };
            self.settings.layout.set_rect(d.element, r);
        }
        if response.drag_stopped() {
            self.drag = None;
        }
        if response.hovered() || self.drag.is_some() {
            for pl in self.settings.layout.placements.iter().filter(|p| p.visible) {
                let r = to_screen(pl.rect);
                let active = self.drag.is_some_and(|d| d.element == pl.element);
                let color = if active {
                    Color32::from_rgb(214, 39, 40)
                } else {
                    Color32::from_rgba_unmultiplied(30, 110, 220, 160)
                };
                painter.rect_stroke(r, 0.0, Stroke::new(1.0, color), StrokeKind::Inside);
                painter.rect_filled(Rect::from_min_size(r.right_bottom() - vec2(6.0, 6.0), vec2(6.0, 6.0)), 0.0, color);
                let (zh, en) = pl.element.names();
                painter.text(
                    r.left_top() + vec2(3.0, 2.0),
                    egui::Align2::LEFT_TOP,
                    lang.t(zh, en),
                    egui::FontId::proportional(10.0),
                    color,
                );
            }
        }
    }
}

/// The line reported after an export: what was written, its size and the figures.
fn summary(r: &crate::print::PrintReport, path: &std::path::Path, english: bool) -> String {
    let scale = crate::print::compose::group_thousands(r.info.scale_denominator.round() as u64);
    let secs = (r.basemap_time + r.layout_time + r.write_time).as_secs_f64();
    let mb = r.bytes as f64 / 1_048_576.0;
    let mut text = if english {
        format!("Wrote {} ({}×{} px, 1:{scale}, {mb:.1} MB) in {secs:.1} s", path.display(), r.size_px[0], r.size_px[1])
    } else {
        format!(
            "已写出 {}（{}×{} 像素，1:{scale}，{mb:.1} MB），用时 {secs:.1} 秒",
            path.display(),
            r.size_px[0],
            r.size_px[1]
        )
    };
    if let Some((missing, asked, why)) = &r.basemap_missing {
        text.push_str(&if english {
            format!("; {missing} of {asked} basemap tiles missing ({why})")
        } else {
            format!("；底图 {asked} 块中缺 {missing} 块（{why}）")
        });
    }
    text
}
