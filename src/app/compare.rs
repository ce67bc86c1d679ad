//! 对比分析 on screen: two to four linked map views side by side (分屏) with a cursor cross, or
//! a divider the planner drags across one map (卷帘), and the window that sets them up.
//!
//! The first split view is the app's main map, so the tools (measure, life circle, selection)
//! keep working in it; the others are extra [`MapViewState`]s drawing the same borrowed layers.

use egui::{Align2, Color32, FontId, Key, Modifiers, Pos2, Rect, Stroke, UiBuilder, vec2};

use super::actions::Action;
use super::map_view::{LayerFilter, MapViewState, ViewInputs, ViewOutput, swipe_halves};
use super::{AtlasApp, Lang};
use crate::basemap::{ActiveBasemap, Basemap};
use crate::model::LonLat;
use crate::model::compare::{Compare, CompareMode, CompareView, MAX_VIEWS};

/// Gap between split views, in points.
const GAP_PT: f32 = 3.0;

/// How far either side of the divider a drag grabs it, in points.
const GRAB_PT: f32 = 8.0;

/// One keyboard step of the divider, as a fraction of the map.
const KEY_STEP: f32 = 0.05;

/// How long the divider takes to sweep across when a clicker asks for the next step, in seconds.
const SWEEP_S: f64 = 0.6;

/// The comparison on screen and its setup window.
#[derive(Default)]
pub struct CompareState {
    /// What is compared (kept while off, so the window reopens as it was left).
    pub spec: Compare,
    /// Comparing now: the map area shows the split views or the swipe.
    pub active: bool,
    /// The setup window is open.
    pub window_open: bool,
    /// Views 2 to 4 (the first is the app's main map), with the basemap each was opened with.
    pub extra: Vec<(MapViewState, Option<String>)>,
    /// Centre and zoom the linked views were last brought to.
    synced: Option<(LonLat, f64)>,
    /// The whole area of the views in the last frame (caption and credits span it).
    pub area: Option<Rect>,
    /// The desk's comparison while presenting slides that carry their own, put back after.
    desk: Option<(Compare, bool)>,
    /// A sweep of the swipe's divider in progress: from, to, start time (s).
    sweep: Option<(f32, f32, f64)>,
}

impl CompareState {
    /// Start comparing with `spec`.
    pub fn start(&mut self, spec: Compare) {
        self.spec = spec.normalized();
        self.active = true;
        self.synced = None;
    }

    /// The comparison as saved in a workspace or a slide: Some while comparing.
    pub fn saved(&self) -> Option<Compare> {
        self.active.then(|| self.spec.clone())
    }

    /// A slide was shown: its comparison replaces the desk's until presenting ends.
    pub fn enter_slide(&mut self, slide: Option<&Compare>, presenting: bool) {
        if presenting && self.desk.is_none() {
            self.desk = Some((self.spec.clone(), self.active));
        }
        match slide {
            Some(c) => self.start(c.clone()),
            None if presenting => self.active = false,
            None => {}
        }
        self.sweep = None;
    }

    /// Presenting ended: the desk's comparison comes back.
    pub fn leave_presenting(&mut self) {
        if let Some((spec, active)) = self.desk.take() {
            self.spec = spec;
            self.active = active;
        }
        self.sweep = None;
    }

    /// Whether the map area shows a swipe now.
    pub fn swiping(&self) -> bool {
        self.active && self.spec.mode == CompareMode::Swipe
    }

    /// Whether the map area shows split views now.
    pub fn splitting(&self) -> bool {
        self.active && self.spec.mode == CompareMode::Split
    }

    /// Move the swipe's divider by `step` (a fraction of the map), within the map.
    pub fn nudge(&mut self, step: f32) {
        self.sweep = None;
        self.spec.swipe_position = (self.spec.swipe_position + step).clamp(0.0, 1.0);
    }

    /// A clicker's "next" on a swipe slide: sweep the divider to the far side first (showing the
    /// second version whole). Returns false when it is already there (go on to the next slide).
    pub fn sweep_next(&mut self, now_s: f64) -> bool {
        if !self.swiping() || self.spec.swipe_position <= 0.02 || self.sweep.is_some() {
            return false;
        }
        self.sweep = Some((self.spec.swipe_position, 0.0, now_s));
        true
    }

    /// Advance a sweep in progress; true while it runs.
    fn animate(&mut self, now_s: f64) -> bool {
        let Some((from, to, t0)) = self.sweep else { return false };
        let t = ((now_s - t0) / SWEEP_S).clamp(0.0, 1.0) as f32;
        // Ease in and out, so the divider does not jerk into motion on a projector.
        let eased = t * t * (3.0 - 2.0 * t);
        self.spec.swipe_position = from + (to - from) * eased;
        if t >= 1.0 {
            self.sweep = None;
        }
        true
    }

    /// Views 2..n as the spec asks: one per extra view, each with its basemap opened.
    pub(super) fn prepare_views(app: &mut AtlasApp) {
        let wanted = app.compare.spec.views.len().saturating_sub(1);
        app.compare.extra.truncate(wanted);
        for i in 0..wanted {
            let spec = app.compare.spec.views[i + 1].basemap.clone();
            let have = app.compare.extra.get(i).map(|(_, b)| b.clone());
            if have.as_ref() == Some(&spec) {
                continue;
            }
            let basemap = match spec.as_deref().map(str::parse::<Basemap>) {
                None => app.persisted.basemap.clone(),
                Some(Ok(b)) => b,
                Some(Err(e)) => {
                    let title = view_title(&app.compare.spec, i + 1, app.lang().english());
                    app.notices.push(super::Notice { text: format!("{title}: {e}"), error: true });
                    app.persisted.basemap.clone()
                }
            };
            let tiles = ActiveBasemap::open(&basemap, &app.basemap_settings.env(), &app.egui_ctx);
            let mut view =
                MapViewState::new(basemap.projection(), tiles).with_id(egui::Id::unique(("compare_view", i + 1)));
            // A new view opens where the main map is; linking keeps it there.
            if let Some(v) = app.map.last_view {
                view.center_at(v.screen_to_lon_lat(v.rect.center()), v.zoom);
            }
            if i < app.compare.extra.len() {
                app.compare.extra[i] = (view, spec);
            } else {
                app.compare.extra.push((view, spec));
            }
        }
    }

    /// The basemap status of every extra view is busy (for the render's settling).
    pub fn any_pending(&self, layers: &[super::LayerEntry]) -> bool {
        self.splitting()
            && self.extra.iter().zip(self.spec.views.iter().skip(1)).any(|((v, _), spec)| {
                v.any_pending_of(layers, filter_of(spec))
                    || v.tiles.as_ref().is_some_and(|t| {
                        matches!(
                            t.status(),
                            crate::basemap::health::TileStatus::Loading(_)
                                | crate::basemap::health::TileStatus::Slow { .. }
                        )
                    })
            })
    }
}

impl AtlasApp {
    /// The key of the layer a planner names on the command line: its key, its Chinese or English
    /// name, or its file's name with or without the extension.
    pub fn find_layer_key(&self, name: &str) -> Option<String> {
        let name = name.trim();
        let file_matches = |e: &&super::LayerEntry| match &e.layer.origin {
            crate::model::LayerOrigin::File { path } => {
                path.file_name().is_some_and(|f| f.to_string_lossy() == name)
                    || path.file_stem().is_some_and(|f| f.to_string_lossy() == name)
            }
            _ => false,
        };
        let by = |f: &dyn Fn(&&super::LayerEntry) -> bool| self.layers.iter().find(f).map(|e| e.layer.key.clone());
        by(&|e| e.layer.key == name)
            .or_else(|| by(&|e| e.layer.name_zh == name || e.layer.name_en.eq_ignore_ascii_case(name)))
            .or_else(|| by(&file_matches))
    }
}

/// A swipe's second side with a basemap of its own (imagery against the plan's streets): open
/// it for the main map, or drop it when the swipe ends or shares the main map's basemap.
pub(super) fn prepare_swipe_basemap(app: &mut AtlasApp) {
    let wanted =
        if app.compare.swiping() { app.compare.spec.views.get(1).and_then(|v| v.basemap.clone()) } else { None };
    let wanted = wanted.filter(|s| *s != app.persisted.basemap.key_or_spec());
    let have = app.map.swipe_tiles.as_ref().map(|(_, s)| s.clone());
    if wanted == have {
        return;
    }
    app.map.swipe_tiles = None;
    let Some(spec) = wanted else { return };
    match spec.parse::<Basemap>() {
        Ok(b) => {
            // None: the plain background (the layers alone) on the second side.
            let tiles = ActiveBasemap::open(&b, &app.basemap_settings.env(), &app.egui_ctx);
            app.map.swipe_tiles = tiles.map(|t| (t, spec));
        }
        Err(e) => {
            let title = view_title(&app.compare.spec, 1, app.lang().english());
            app.notices.push(super::Notice { text: format!("{title}: {e}"), error: true });
            // Forget it, so the message is not repeated every frame.
            if let Some(v) = app.compare.spec.views.get_mut(1) {
                v.basemap = None;
            }
        }
    }
}

/// The layer filter of a split view.
fn filter_of(view: &CompareView) -> LayerFilter<'_> {
    match &view.layers {
        Some(keys) => LayerFilter::Only(keys),
        None => LayerFilter::Panel,
    }
}

/// The caption of view `i` (its title, or 视图 N).
fn view_title(spec: &Compare, i: usize, english: bool) -> String {
    match spec.views.get(i) {
        Some(v) if !v.title.is_empty() => v.title.clone(),
        _ if english => format!("View {}", i + 1),
        _ => format!("视图 {}", i + 1),
    }
}

/// The split views' rectangles in `area`: 2 side by side, 3 in a row, 4 in a 2×2 grid.
pub fn split_rects(area: Rect, compare: &Compare) -> Vec<Rect> {
    let (rows, cols) = compare.grid();
    let w = (area.width() - GAP_PT * (cols as f32 - 1.0)) / cols as f32;
    let h = (area.height() - GAP_PT * (rows as f32 - 1.0)) / rows as f32;
    (0..compare.views.len().min(rows * cols))
        .map(|i| {
            let (r, c) = (i / cols, i % cols);
            let min = area.min + vec2(c as f32 * (w + GAP_PT), r as f32 * (h + GAP_PT));
            Rect::from_min_size(min, vec2(w, h))
        })
        .collect()
}

/// What the split views did this frame.
pub(super) struct SplitOutput {
    /// The first view's output (the main map, where the tools work).
    pub first: ViewOutput,
    /// A click in another view: what it picked.
    pub clicked: Option<Option<super::FeatureRef>>,
}

/// Draw the split views in `area`: the main map (with the tools) in the first, the others
/// after, then link them and draw the titles and the cursor cross. `top_pt` keeps the titles
/// below a presenting caption.
pub(super) fn show_split(
    map: &mut MapViewState,
    compare: &mut CompareState,
    ui: &mut egui::Ui,
    area: Rect,
    input: &ViewInputs,
    top_pt: f32,
) -> SplitOutput {
    compare.area = Some(area);
    let rects = split_rects(area, &compare.spec);
    let last = rects.len().saturating_sub(1);
    let view_input = |i: usize| ViewInputs {
        layers: input.layers,
        filter: compare.spec.views.get(i).map(filter_of).unwrap_or_default(),
        selection: input.selection,
        english: input.english,
        text_scale: input.text_scale,
        legend: input.legend,
        // One data credit for the whole comparison, at its bottom right.
        data_line: if i == last { input.data_line.clone() } else { None },
        pick_on_click: input.pick_on_click,
        pan_buttons: input.pan_buttons,
        double_click_zoom: if i == 0 { input.double_click_zoom } else { true },
        label_keep_out: if i == 0 { input.label_keep_out } else { &[] },
        marks: input.marks,
    };
    let inputs: Vec<ViewInputs> = (0..rects.len()).map(view_input).collect();
    let first_rect = rects.first().copied().unwrap_or(area);
    let first = ui.scope_builder(UiBuilder::new().max_rect(first_rect), |ui| map.show(ui, &inputs[0])).inner;
    let mut outputs = vec![(first.response.clone(), first.view)];
    let mut clicked = None;
    for ((rect, (view, _)), input) in rects.iter().skip(1).zip(compare.extra.iter_mut()).zip(inputs.iter().skip(1)) {
        let out = ui.scope_builder(UiBuilder::new().max_rect(*rect), |ui| view.show(ui, input)).inner;
        if out.clicked.is_some() {
            clicked = out.clicked;
        }
        outputs.push((out.response, out.view));
    }
    if compare.spec.linked && link_views(map, compare, &outputs) {
        ui.ctx().request_repaint();
    }
    // ---- Titles, frames and the cursor cross ----
    let painter = ui.painter_at(area);
    let cursor = outputs.iter().find_map(|(r, v)| r.hover_pos().map(|p| (r.id, v.screen_to_lon_lat(p))));
    for (i, (response, view)) in outputs.iter().enumerate() {
        let title = view_title(&compare.spec, i, input.english);
        title_chip(&painter, response.rect, top_pt, &title, input.text_scale);
        if let Some((id, at)) = cursor
            && id != response.id
        {
            cursor_cross(&painter, view.lon_lat_to_screen(at), response.rect);
        }
        // A thin frame, so the views read as separate maps.
        painter.rect_stroke(response.rect, 0.0, Stroke::new(1.0, Color32::from_gray(120)), egui::StrokeKind::Outside);
    }
    SplitOutput { first, clicked }
}

/// Bring the other views to the one the planner moved. Returns whether any view moved.
fn link_views(
    map: &mut MapViewState,
    compare: &mut CompareState,
    outputs: &[(egui::Response, crate::render::MapView)],
) -> bool {
    let states: Vec<(LonLat, f64, f64)> =
        outputs.iter().map(|(_, v)| (v.screen_to_lon_lat(v.rect.center()), v.zoom, v.metres_per_point())).collect();
    let synced = compare.synced;
    let moved = |(c, z, m_per_pt): &(LonLat, f64, f64)| match synced {
        None => true,
        Some((s, sz)) => {
            let dx_m = (c.lon_deg - s.lon_deg) * 111_320.0 * s.lat_deg.to_radians().cos();
            let dy_m = (c.lat_deg - s.lat_deg) * 110_540.0;
            (z - sz).abs() > 1e-4 || dx_m.hypot(dy_m) > 0.5 * m_per_pt
        }
    };
    let changed: Vec<usize> = (0..states.len()).filter(|&i| moved(&states[i])).collect();
    if changed.is_empty() {
        return false;
    }
    // The view under the pointer leads (it is the one being dragged or zoomed); else the first
    // that moved (a fit or a slide in the main map).
    let hovered = outputs.iter().position(|(r, _)| r.hovered() || r.dragged());
    let leader = hovered.filter(|h| changed.contains(h)).unwrap_or(changed[0]);
    let (center, zoom, _) = states[leader];
    compare.synced = Some((center, zoom));
    let mut any = false;
    for i in (0..states.len()).filter(|&i| i != leader) {
        if !moved(&states[i]) && (states[i].1 - zoom).abs() < 1e-4 {
            continue;
        }
        any = true;
        if i == 0 {
            map.center_at(center, zoom);
        } else if let Some((v, _)) = compare.extra.get_mut(i - 1) {
            v.center_at(center, zoom);
        }
    }
    any
}

/// A view's caption chip at its top centre.
fn title_chip(painter: &egui::Painter, rect: Rect, top_pt: f32, title: &str, scale: f32) {
    let at = egui::pos2(rect.center().x, rect.top() + top_pt + 8.0);
    let galley = painter.layout_no_wrap(title.to_owned(), FontId::proportional(15.0 * scale), Color32::WHITE);
    let r = Align2::CENTER_TOP.anchor_size(at, galley.size()).expand2(vec2(10.0, 4.0));
    painter.rect_filled(r, 4.0, Color32::from_rgba_unmultiplied(30, 40, 60, 215));
    painter.galley(r.min + vec2(10.0, 4.0), galley, Color32::WHITE);
}

/// The cursor cross: where the pointer in another view is, in this one.
fn cursor_cross(painter: &egui::Painter, at: Pos2, rect: Rect) {
    if !rect.contains(at) {
        return;
    }
    let arm = 12.0;
    for stroke in [Stroke::new(4.0, Color32::WHITE), Stroke::new(2.0, Color32::from_rgb(220, 30, 30))] {
        painter.line_segment([at - vec2(arm, 0.0), at + vec2(arm, 0.0)], stroke);
        painter.line_segment([at - vec2(0.0, arm), at + vec2(0.0, arm)], stroke);
    }
}

/// The swipe's divider over the main map: drawn, dragged, moved by keys, with the two sides'
/// titles. `rect` is the map's rectangle this frame.
pub(super) fn swipe_overlay(app: &mut AtlasApp, ui: &mut egui::Ui, rect: Rect) {
    app.compare.area = Some(rect);
    let now_s = ui.input(|i| i.time);
    if app.compare.animate(now_s) {
        ui.ctx().request_repaint();
    }
    let horizontal = app.compare.spec.swipe_horizontal;
    // ---- Dragging ----
    let (first, _) = swipe_halves(&app.compare.spec, rect);
    let line = if horizontal {
        Rect::from_min_max(
            egui::pos2(rect.left(), first.bottom() - GRAB_PT),
            egui::pos2(rect.right(), first.bottom() + GRAB_PT),
        )
    } else {
        Rect::from_min_max(
            egui::pos2(first.right() - GRAB_PT, rect.top()),
            egui::pos2(first.right() + GRAB_PT, rect.bottom()),
        )
    };
    let response = ui.interact(line, ui.scope_id().with("swipe_divider"), egui::Sense::drag());
    let cursor = if horizontal { egui::CursorIcon::ResizeVertical } else { egui::CursorIcon::ResizeHorizontal };
    let response = response.on_hover_cursor(cursor);
    if response.dragged()
        && let Some(p) = response.interact_pointer_pos()
    {
        app.compare.sweep = None;
        app.compare.spec.swipe_position = if horizontal {
            ((p.y - rect.top()) / rect.height()).clamp(0.0, 1.0)
        } else {
            ((p.x - rect.left()) / rect.width()).clamp(0.0, 1.0)
        };
    }
    // ---- Drawing ----
    let painter = ui.painter_at(rect);
    let scale = app.overlay_text_scale();
    let (first, second) = swipe_halves(&app.compare.spec, rect);
    let (a, b, knob) = if horizontal {
        let y = first.bottom();
        (egui::pos2(rect.left(), y), egui::pos2(rect.right(), y), egui::pos2(rect.center().x, y))
    } else {
        let x = first.right();
        (egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom()), egui::pos2(x, rect.center().y))
    };
    let active = response.hovered() || response.dragged();
    painter.line_segment([a, b], Stroke::new(5.0, Color32::from_black_alpha(90)));
    painter.line_segment([a, b], Stroke::new(if active { 3.0 } else { 2.0 }, Color32::WHITE));
    painter.circle(knob, 14.0, Color32::WHITE, Stroke::new(1.5, Color32::from_gray(90)));
    // Two small arrows on the knob say which way it moves (drawn: no font has to carry them).
    let dir = if horizontal { vec2(0.0, 1.0) } else { vec2(1.0, 0.0) };
    let side = vec2(dir.y, dir.x);
    for sign in [-1.0, 1.0] {
        let tip = knob + dir * (9.0 * sign);
        let base = knob + dir * (3.0 * sign);
        let points = vec![tip, base + side * 4.5, base - side * 4.5];
        painter.add(egui::Shape::convex_polygon(points, Color32::from_gray(60), Stroke::NONE));
    }
    let top = if app.presenting.active { super::present::caption_band_pt(scale) } else { 0.0 };
    for (i, half) in [first, second].into_iter().enumerate() {
        if half.width() > 60.0 && half.height() > 40.0 {
            title_chip(&painter, half, top, &view_title(&app.compare.spec, i, app.lang().english()), scale);
        }
    }
}

/// Keys for the swipe's divider: [ and ], or Shift with the arrows across the divider. Taken
/// before the presenting keys, which would read Shift+→ as "next slide".
pub(super) fn swipe_keys(app: &mut AtlasApp, ctx: &egui::Context) {
    if !app.compare.swiping() || ctx.egui_wants_keyboard_input() {
        return;
    }
    let horizontal = app.compare.spec.swipe_horizontal;
    let (back, forth) = if horizontal { (Key::ArrowUp, Key::ArrowDown) } else { (Key::ArrowLeft, Key::ArrowRight) };
    let step = ctx.input_mut(|i| {
        if i.consume_key(Modifiers::NONE, Key::OpenBracket) || i.consume_key(Modifiers::SHIFT, back) {
            -KEY_STEP
        } else if i.consume_key(Modifiers::NONE, Key::CloseBracket) || i.consume_key(Modifiers::SHIFT, forth) {
            KEY_STEP
        } else {
            0.0
        }
    });
    if step != 0.0 {
        app.compare.nudge(step);
        ctx.request_repaint();
    }
}

/// Keys for the swipe while presenting: a clicker's "next" sweeps the divider across first.
/// Returns whether the key was taken.
pub(super) fn presenting_next(app: &mut AtlasApp, now_s: f64) -> bool {
    app.compare.sweep_next(now_s)
}

impl CompareState {
    /// The setup window: split views or swipe, each view's title, layers and basemap.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let mut actions = Vec::new();
        if !self.window_open {
            return actions;
        }
        let lang = app.lang();
        let mut open = true;
        egui::Window::new(lang.t("对比分析", "Compare"))
            .id(egui::Id::unique("compare_window"))
            .open(&mut open)
            .default_width(360.0)
            .resizable(true)
            .show(ui.ctx(), |ui| {
                self.setup_ui(ui, app, lang, &mut actions);
            });
        if !open {
            self.window_open = false;
        }
        actions
    }

    fn setup_ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp, lang: Lang, actions: &mut Vec<Action>) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.spec.mode, CompareMode::Split, lang.t("分屏", "Split views"))
                .on_hover_text(lang.t("二至四个联动视图并排", "Two to four linked views side by side"));
            ui.selectable_value(&mut self.spec.mode, CompareMode::Swipe, lang.t("卷帘", "Swipe"))
                .on_hover_text(lang.t("一张图，拖动分隔线对比两侧", "One map; drag the divider to compare two sides"));
        });
        match self.spec.mode {
            CompareMode::Split => {
                ui.horizontal(|ui| {
                    ui.label(lang.t("视图数", "Views"));
                    for n in 2..=MAX_VIEWS {
                        if ui.selectable_label(self.spec.views.len() == n, n.to_string()).clicked() {
                            self.spec.views.resize(n, CompareView::default());
                        }
                    }
                    ui.checkbox(&mut self.spec.linked, lang.t("联动", "Linked")).on_hover_text(
                        lang.t(
                            "平移或缩放一个视图时，其他视图同步",
                            "Panning or zooming one view moves the others too",
                        ),
                    );
                });
            }
            CompareMode::Swipe => {
                ui.horizontal(|ui| {
                    ui.label(lang.t("分隔线", "Divider"));
                    ui.selectable_value(&mut self.spec.swipe_horizontal, false, lang.t("竖向", "Vertical"));
                    ui.selectable_value(&mut self.spec.swipe_horizontal, true, lang.t("横向", "Horizontal"));
                });
                ui.add(
                    egui::Slider::new(&mut self.spec.swipe_position, 0.0..=1.0)
                        .show_value(false)
                        .text(lang.t("位置", "Position")),
                );
                ui.label(
                    egui::RichText::new(lang.t(
                        "拖动地图上的分隔线，或按 [ ] 键移动；放映时翻页键先把分隔线扫到底",
                        "Drag the divider on the map, or press [ and ]; presenting, the clicker's next sweeps it across first",
                    ))
                    .small()
                    .weak(),
                );
            }
        }
        ui.separator();
        let shown = if self.spec.mode == CompareMode::Swipe { 2 } else { self.spec.views.len() };
        for i in 0..shown.min(self.spec.views.len()) {
            self.view_ui(ui, app, lang, i);
        }
        ui.separator();
        ui.horizontal(|ui| {
            if self.active {
                if ui.button(lang.t("结束对比", "Stop comparing")).clicked() {
                    self.active = false;
                }
            } else if ui.button(lang.t("开始对比", "Start comparing")).clicked() {
                let spec = std::mem::take(&mut self.spec);
                self.start(spec);
            }
            if ui
                .button(lang.t("加入简报", "Add to briefing"))
                .on_hover_text(lang.t("把这一对比存为幻灯片", "Keep this comparison as a slide"))
                .clicked()
            {
                let title = self.spec.views.iter().map(|v| v.title.as_str()).filter(|t| !t.is_empty());
                let title = title.collect::<Vec<_>>().join(lang.t(" 与 ", " vs "));
                let title = if title.is_empty() { lang.t("对比", "Comparison").to_owned() } else { title };
                let mut slide = app.slide_from_view(&title);
                slide.compare = Some(self.spec.clone().normalized());
                actions.push(Action::AddPreparedSlide(Box::new(slide)));
            }
        });
    }

    /// One view's title, layers and basemap.
    fn view_ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp, lang: Lang, i: usize) {
        let swipe = self.spec.mode == CompareMode::Swipe;
        let heading = match (swipe, self.spec.swipe_horizontal, i) {
            (true, false, 0) => lang.t("左侧", "Left").to_owned(),
            (true, false, _) => lang.t("右侧", "Right").to_owned(),
            (true, true, 0) => lang.t("上方", "Top").to_owned(),
            (true, true, _) => lang.t("下方", "Bottom").to_owned(),
            _ => format!("{} {}", lang.t("视图", "View"), i + 1),
        };
        let Some(view) = self.spec.views.get_mut(i) else { return };
        ui.push_id(("compare_view", i), |ui| {
            ui.horizontal(|ui| {
                ui.strong(&heading);
                ui.add(
                    egui::TextEdit::singleline(&mut view.title)
                        .hint_text(lang.t("标题，如 2017 版", "title, e.g. 2017 plan"))
                        .desired_width(150.0),
                );
            });
            ui.horizontal(|ui| {
                let count = view.layers.as_ref().map(Vec::len);
                let label = match count {
                    None => lang.t("图层：随图层面板", "Layers: as in the layer panel").to_owned(),
                    Some(n) => format!("{}{n}{}", lang.t("图层：", "Layers: "), lang.t(" 个", "")),
                };
                ui.menu_button(label, |ui| layer_checklist(ui, app, lang, view));
                // A swipe's first side is the main map, with its basemap; the second may have its own.
                if !swipe || i == 1 {
                    basemap_menu(ui, lang, view);
                }
            });
        });
    }
}

/// The layers a view shows, as ticks (or "as in the layer panel").
fn layer_checklist(ui: &mut egui::Ui, app: &AtlasApp, lang: Lang, view: &mut CompareView) {
    let mut follow = view.layers.is_none();
    if ui.checkbox(&mut follow, lang.t("随图层面板", "As in the layer panel")).changed() {
        view.layers = if follow {
            None
        } else {
            Some(app.layers.iter().filter(|e| e.layer.visible).map(|e| e.layer.key.clone()).collect())
        };
    }
    ui.separator();
    for e in app.layers.iter().rev() {
        let key = &e.layer.key;
        let mut on = view.shows(key, e.layer.visible);
        if ui.checkbox(&mut on, e.layer.name(lang.english())).changed() {
            let keys = view.layers.get_or_insert_with(|| {
                app.layers.iter().filter(|e| e.layer.visible).map(|e| e.layer.key.clone()).collect()
            });
            keys.retain(|k| k != key);
            if on {
                keys.push(key.clone());
            }
            // Bottom first, as in the layer list.
            keys.sort_by_key(|k| app.layers.iter().position(|e| &e.layer.key == k));
        }
    }
}

/// A split view's basemap: the main map's or one of the built-in ones.
fn basemap_menu(ui: &mut egui::Ui, lang: Lang, view: &mut CompareView) {
    let current = match &view.basemap {
        None => lang.t("底图：同主图", "Basemap: as the main map").to_owned(),
        Some(s) => match s.parse::<Basemap>() {
            Ok(b) => format!("{}{}", lang.t("底图：", "Basemap: "), b.label(lang.english())),
            Err(_) => s.clone(),
        },
    };
    ui.menu_button(current, |ui| {
        if ui.selectable_label(view.basemap.is_none(), lang.t("同主图", "As the main map")).clicked() {
            view.basemap = None;
        }
        for b in Basemap::BUILT_IN {
            let key = b.key_or_spec();
            if ui.selectable_label(view.basemap.as_deref() == Some(&key), b.label(lang.english())).clicked() {
                view.basemap = Some(key);
            }
        }
    });
}
