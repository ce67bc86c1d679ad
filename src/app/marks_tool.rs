//! The marks tool (标注): the planner draws points, lines, arrows, polygons, text boxes and
//! call-outs on the map, and selects, edits, moves and deletes them.
//!
//! Clicks add vertices, snapped to the nearest vertex of a visible layer or of another mark
//! within [`SNAP_RADIUS_PT`] (Alt places a point freely); a double-click or Enter finishes a
//! line or polygon (so does a click on a polygon's first vertex); Esc cancels; Backspace takes
//! back the last vertex. A point or a text box is placed by one click, a call-out by two (the
//! place pointed at, then the text). In 选择 mode a click selects a mark, a drag moves it and
//! Delete removes it; Ctrl+Z undoes the last change of the layer. The marks themselves are
//! `AtlasApp::marks` (document data, saved in the workspace); this module keeps only what the
//! tool needs between frames. The map views draw the marks (`render::marks`).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError};

use egui::{Color32, Key, Pos2, RichText, Stroke};
use kuiwen_core::Bilingual;

use super::measure_tool::{SNAP_RADIUS_PT, snap_vertex};
use super::save_dialog::{self, FileKind, PendingSave};
use super::tools::{MapInteraction, Tool};
use super::{AtlasApp, Lang, Notice};
use crate::model::Rgba;
use crate::model::marks::{self, Mark, MarkGeometry, MarkStyle, MarkSymbol, Marks};
use crate::render::MapView;
use crate::render::marks::{paint_mark, paint_selection, pick_mark};

/// How many changes Ctrl+Z can take back.
const UNDO_DEPTH: usize = 50;

/// The selection outline's colour.
const SELECTION_COLOR: Color32 = Color32::from_rgb(0, 150, 255);

/// What a click on the map does while the tool is on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MarkMode {
    /// Select a mark to edit, move or delete it.
    Select,
    /// Place a point with a symbol and a label.
    #[default]
    Point,
    /// Draw a line.
    Line,
    /// Draw a line with an arrowhead at its end.
    Arrow,
    /// Draw a polygon.
    Polygon,
    /// Place a text box.
    Text,
    /// Place a call-out: the place pointed at, then the text.
    Callout,
}

impl MarkMode {
    /// Every mode, in the order of the tool's buttons.
    pub const ALL: [MarkMode; 7] = [
        MarkMode::Select,
        MarkMode::Point,
        MarkMode::Line,
        MarkMode::Arrow,
        MarkMode::Polygon,
        MarkMode::Text,
        MarkMode::Callout,
    ];

    /// The button's label as (zh, en).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            MarkMode::Select => ("选择", "Select"),
            MarkMode::Point => ("点", "Point"),
            MarkMode::Line => ("线", "Line"),
            MarkMode::Arrow => ("箭头", "Arrow"),
            MarkMode::Polygon => ("面", "Polygon"),
            MarkMode::Text => ("文字", "Text"),
            MarkMode::Callout => ("引线标注", "Call-out"),
        }
    }

    /// Whether the mode draws with several clicks finished by a double-click or Enter.
    fn multi_vertex(self) -> bool {
        matches!(self, MarkMode::Line | MarkMode::Arrow | MarkMode::Polygon)
    }
}

/// What the layer list asks of the marks layer as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarksAction {
    /// Show (false) or hide (true) the marks.
    SetHidden(bool),
    /// Save the marks as GeoJSON where the planner chooses.
    Export,
    /// Add marks from a GeoJSON file the planner chooses.
    Import,
    /// Ask whether to remove every mark.
    AskClear,
    /// Zoom to the marks.
    Fit,
    /// Turn the marks tool on.
    OpenTool,
}

/// The marks tool's state: the mark drawn next (its mode, look, label and group), a drawing in
/// progress, the selected mark, and the layer's undo history and file dialogs.
pub struct MarksTool {
    /// What a click does.
    pub mode: MarkMode,
    /// The symbol of the next point.
    pub symbol: MarkSymbol,
    /// The look of the next mark.
    pub style: MarkStyle,
    /// The label of the next mark.
    pub label: String,
    /// The group of the next mark.
    pub group: String,
    /// Snap clicks to vertices of visible layers and marks.
    pub snap: bool,
    /// The vertices clicked so far of a line, polygon or call-out being drawn.
    pub drawing: Vec<[f64; 2]>,
    /// The selected mark's id (选择 mode).
    pub selected: Option<u64>,
    /// Where the pointer is (snapped), for the rubber band; None off the map.
    pointer: Option<[f64; 2]>,
    /// Whether `pointer` is a snapped vertex.
    pointer_snapped: bool,
    /// While a mark is dragged: the pointer's lon/lat in the last frame.
    drag_last: Option<[f64; 2]>,
    /// The marks before each change, newest last.
    undo: Vec<Marks>,
    /// The export being saved.
    save: Option<PendingSave>,
    /// The import dialog: the file chosen arrives here.
    import: Option<Receiver<PathBuf>>,
    /// The "remove every mark?" question is open.
    confirm_clear: bool,
}

impl Default for MarksTool {
    fn default() -> Self {
        Self {
            mode: MarkMode::Point,
            symbol: MarkSymbol::Circle,
            style: MarkStyle::default(),
            label: String::new(),
            group: String::new(),
            snap: true,
            drawing: Vec::new(),
            selected: None,
            pointer: None,
            pointer_snapped: false,
            drag_last: None,
            undo: Vec::new(),
            save: None,
            import: None,
            confirm_clear: false,
        }
    }
}

impl MarksTool {
    /// Forget the drawing, the selection and the undo history (another workspace was opened).
    pub fn reset(&mut self) {
        self.drawing.clear();
        self.selected = None;
        self.drag_last = None;
        self.undo.clear();
    }

    /// Switch mode: a drawing in progress is dropped, and the selection kept only for 选择.
    pub fn set_mode(&mut self, mode: MarkMode) {
        if mode != self.mode {
            self.drawing.clear();
            self.drag_last = None;
        }
        if mode != MarkMode::Select {
            self.selected = None;
        }
        self.mode = mode;
    }

    /// Whether Ctrl+Z has something to take back.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Remember the marks before a change.
    fn checkpoint(&mut self, marks: &Marks) {
        self.undo.push(marks.clone());
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
    }

    /// Take back the last change.
    fn undo(&mut self, marks: &mut Marks) {
        if let Some(before) = self.undo.pop() {
            *marks = before;
            if self.selected.is_some_and(|id| marks.get(id).is_none()) {
                self.selected = None;
            }
        }
    }

    /// A new mark of the tool's look, label and group.
    fn new_mark(&self, geometry: MarkGeometry) -> Mark {
        Mark { id: 0, geometry, label: self.label.clone(), style: self.style.clone(), group: self.group.clone() }
    }

    /// The finished line or polygon being drawn, if it has enough vertices.
    fn finished_shape(&self) -> Option<MarkGeometry> {
        let points = self.drawing.clone();
        match self.mode {
            MarkMode::Line | MarkMode::Arrow if points.len() >= 2 => {
                Some(MarkGeometry::Line { points, arrow: self.mode == MarkMode::Arrow })
            }
            MarkMode::Polygon if points.len() >= 3 => Some(MarkGeometry::Polygon { ring: points }),
            _ => None,
        }
    }
}

/// Add a mark of the tool's look (showing the layer if it was hidden).
fn add_mark(app: &mut AtlasApp, geometry: MarkGeometry) -> u64 {
    let mut mark = app.marks_tool.new_mark(geometry);
    if matches!(mark.geometry, MarkGeometry::Text { .. }) && mark.label.is_empty() {
        mark.label = app.lang().t("文字", "Text").to_owned();
    }
    app.marks_tool.checkpoint(&app.marks);
    app.marks.hidden = false;
    app.marks.add(mark)
}

/// Finish the line or polygon being drawn (dropped when it has too few vertices).
fn finish_drawing(app: &mut AtlasApp) {
    if let Some(g) = app.marks_tool.finished_shape() {
        add_mark(app, g);
    }
    app.marks_tool.drawing.clear();
}

/// Where a click at `pos` puts a vertex: the nearest vertex of a visible layer or of a mark
/// within [`SNAP_RADIUS_PT`] when snapping (exactly), else the point under the pointer (rounded
/// to [`marks::LON_LAT_STEP_DEG`], so it saves and reads back exactly). True when snapped.
fn place(app: &AtlasApp, view: &MapView, pos: Pos2, snap: bool) -> ([f64; 2], bool) {
    if snap {
        let layer = snap_vertex(&app.layers, view, pos).map(|v| (v, (view.lon_lat_to_screen(v) - pos).length()));
        let own = app
            .marks
            .marks
            .iter()
            .filter(|_| !app.marks.hidden)
            .flat_map(|m| m.geometry.positions())
            .chain(app.marks_tool.drawing.iter().copied())
            .map(|v| (v, (view.lon_lat_to_screen(v) - pos).length()))
            .filter(|(_, d)| *d <= SNAP_RADIUS_PT)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let best = match (layer, own) {
            (Some(l), Some(o)) => Some(if o.1 < l.1 { o } else { l }),
            (l, o) => l.or(o),
        };
        if let Some((v, _)) = best {
            return (v, true);
        }
    }
    (marks::round_lon_lat(view.screen_to_lon_lat(pos).to_array()), false)
}

/// Whether a press on the map now would move a mark rather than the map: the tool is selecting
/// and the pointer is over a mark (or one is being dragged). The map then pans with the middle
/// button only.
pub(super) fn holds_drag(app: &AtlasApp, ui: &egui::Ui) -> bool {
    let t = &app.marks_tool;
    if app.tool != Tool::Marks || t.mode != MarkMode::Select {
        return false;
    }
    if t.drag_last.is_some() {
        return true;
    }
    let Some(view) = app.map.last_view else { return false };
    let pos = ui.input(|i| i.pointer.press_origin().filter(|_| i.pointer.any_down()).or(i.pointer.hover_pos()));
    pos.filter(|p| view.rect.contains(*p))
        .and_then(|p| pick_mark(ui.painter(), &view, &app.marks, p, app.overlay_text_scale()))
        .is_some()
}

/// Handle map input while the marks tool is active, and show the tool's window.
pub(super) fn on_map(app: &mut AtlasApp, map: &MapInteraction) {
    let ctx = map.response.ctx.clone();
    let no_focus = ctx.memory(|m| m.focused().is_none());
    let (esc, enter, backspace, delete, undo, alt, origin) = ctx.input(|i| {
        (
            i.key_pressed(Key::Escape),
            i.key_pressed(Key::Enter),
            i.key_pressed(Key::Backspace),
            i.key_pressed(Key::Delete),
            i.modifiers.command && i.key_pressed(Key::Z),
            i.modifiers.alt,
            i.pointer.press_origin(),
        )
    });
    let scale = app.overlay_text_scale();
    let snap = app.marks_tool.snap && !alt;
    let view = map.view;
    let (pointer, snapped) = match map.response.hover_pos() {
        Some(pos) => {
            let (p, s) = place(app, &view, pos, snap);
            (Some(p), s)
        }
        None => (None, false),
    };
    app.marks_tool.pointer = pointer;
    app.marks_tool.pointer_snapped = snapped;
    if no_focus && undo {
        app.marks_tool.undo(&mut app.marks);
    }
    let mode = app.marks_tool.mode;
    let r = &map.response;
    match mode {
        // ---- Select, move, delete ----
        MarkMode::Select => {
            if no_focus && esc {
                app.marks_tool.selected = None;
            }
            if no_focus
                && (delete || backspace)
                && let Some(id) = app.marks_tool.selected
            {
                app.marks_tool.checkpoint(&app.marks);
                app.marks.remove(id);
                app.marks_tool.selected = None;
            }
            if r.drag_started_by(egui::PointerButton::Primary)
                && let Some(o) = origin.or(r.interact_pointer_pos())
                && let Some(id) = pick_mark(&map.painter, &view, &app.marks, o, scale)
            {
                app.marks_tool.selected = Some(id);
                app.marks_tool.checkpoint(&app.marks);
                app.marks_tool.drag_last = Some(view.screen_to_lon_lat(o).to_array());
            }
            if let Some(last) = app.marks_tool.drag_last
                && r.dragged()
                && let Some(p) = r.interact_pointer_pos()
            {
                let now = view.screen_to_lon_lat(p).to_array();
                // (translate rounds the moved positions: they save and read back exactly)
                if let Some(m) = app.marks_tool.selected.and_then(|id| app.marks.get_mut(id)) {
                    m.geometry.translate([now[0] - last[0], now[1] - last[1]]);
                }
                app.marks_tool.drag_last = Some(now);
            }
            if r.drag_stopped() || !ctx.input(|i| i.pointer.primary_down()) {
                app.marks_tool.drag_last = None;
            }
            if r.clicked()
                && let Some(pos) = r.interact_pointer_pos()
            {
                app.marks_tool.selected = pick_mark(&map.painter, &view, &app.marks, pos, scale);
            }
        }
        // ---- One click ----
        MarkMode::Point | MarkMode::Text => {
            if r.clicked()
                && let Some(pos) = r.interact_pointer_pos()
            {
                let (p, _) = place(app, &view, pos, snap);
                let g = if mode == MarkMode::Point {
                    MarkGeometry::Point { lon_lat: p, symbol: app.marks_tool.symbol }
                } else {
                    MarkGeometry::Text { lon_lat: p }
                };
                add_mark(app, g);
            }
        }
        // ---- Two clicks: the place pointed at, then the text ----
        MarkMode::Callout => {
            if no_focus && esc {
                app.marks_tool.drawing.clear();
            }
            if r.clicked()
                && let Some(pos) = r.interact_pointer_pos()
            {
                let (p, _) = place(app, &view, pos, snap);
                match app.marks_tool.drawing.first().copied() {
                    None => app.marks_tool.drawing.push(p),
                    Some(anchor) => {
                        app.marks_tool.drawing.clear();
                        add_mark(app, MarkGeometry::Callout { anchor_lon_lat: anchor, text_lon_lat: p });
                    }
                }
            }
        }
        // ---- Clicks until a double-click or Enter ----
        MarkMode::Line | MarkMode::Arrow | MarkMode::Polygon => {
            if no_focus && esc {
                app.marks_tool.drawing.clear();
            }
            if no_focus && backspace {
                app.marks_tool.drawing.pop();
            }
            if no_focus && enter {
                finish_drawing(app);
            }
            // As in the measure tool: a quick click after a double-click counts as a triple-click.
            if r.double_clicked() || r.triple_clicked() {
                // The first click of the pair placed the last vertex a frame earlier; if both
                // arrived in one frame, place it now.
                if let Some(pos) = r.interact_pointer_pos()
                    && app.marks_tool.drawing.last().is_none_or(|v| (view.lon_lat_to_screen(*v) - pos).length() > 3.0)
                {
                    let (p, _) = place(app, &view, pos, snap);
                    app.marks_tool.drawing.push(p);
                }
                finish_drawing(app);
            } else if r.clicked()
                && let Some(pos) = r.interact_pointer_pos()
            {
                let t = &app.marks_tool;
                let closes = mode == MarkMode::Polygon
                    && t.drawing.len() >= 3
                    && t.drawing.first().is_some_and(|f| (view.lon_lat_to_screen(*f) - pos).length() <= SNAP_RADIUS_PT);
                if closes {
                    finish_drawing(app);
                } else {
                    let (p, _) = place(app, &view, pos, snap);
                    app.marks_tool.drawing.push(p);
                }
            }
        }
    }
    marks_window(app, &ctx, map.view.rect);
}

/// The tool's window: the modes, the look of the next mark or of the selected one, and the
/// buttons that finish, undo and delete.
fn marks_window(app: &mut AtlasApp, ctx: &egui::Context, map_rect: egui::Rect) {
    let lang = app.lang();
    let mut finish = false;
    let mut undo = false;
    let mut delete = false;
    let mut done = false;
    egui::Window::new(lang.t("标注工具", "Marks tool"))
        .id(egui::Id::unique("marks_window"))
        .default_pos(map_rect.right_top() + egui::vec2(-330.0, 12.0))
        .resizable(false)
        .collapsible(true)
        .show(ctx, |ui| {
            let (t, marks) = (&mut app.marks_tool, &mut app.marks);
            // ---- Modes ----
            ui.horizontal_wrapped(|ui| {
                for mode in MarkMode::ALL {
                    let (zh, en) = mode.label();
                    if ui.selectable_label(t.mode == mode, lang.t(zh, en)).clicked() {
                        t.set_mode(mode);
                    }
                }
            });
            ui.checkbox(&mut t.snap, lang.t("吸附顶点", "Snap to vertices"))
                .on_hover_text(lang.t("按住 Alt 临时关闭吸附", "Hold Alt to place a point freely"));
            ui.separator();
            // ---- The selected mark, or the next one ----
            let selected = t.selected.filter(|_| t.mode == MarkMode::Select).and_then(|id| marks.get_mut(id));
            match selected {
                Some(m) => {
                    ui.label(
                        RichText::new(format!("{}：{}", lang.t("已选标注", "Selected"), kind_name(&m.geometry, lang)))
                            .strong(),
                    );
                    let (symbol, arrow) = match &mut m.geometry {
                        MarkGeometry::Point { symbol, .. } => (Some(symbol), None),
                        MarkGeometry::Line { arrow, .. } => (None, Some(arrow)),
                        _ => (None, None),
                    };
                    style_editor(ui, lang, &mut m.label, &mut m.group, &mut m.style, symbol, arrow);
                    delete = ui
                        .button(lang.t("删除", "Delete"))
                        .on_hover_text(lang.t("或按 Delete 键", "or press Delete"))
                        .clicked();
                }
                None if t.mode == MarkMode::Select => {
                    ui.label(
                        RichText::new(lang.t(
                            "单击地图上的标注以选择，拖动可移动",
                            "Click a mark on the map to select it; drag to move it",
                        ))
                        .weak(),
                    );
                }
                None => {
                    let symbol = (t.mode == MarkMode::Point).then_some(&mut t.symbol);
                    style_editor(ui, lang, &mut t.label, &mut t.group, &mut t.style, symbol, None);
                }
            }
            ui.label(RichText::new(hint(t.mode, lang)).weak().small());
            ui.separator();
            ui.horizontal_wrapped(|ui| {
                if t.mode.multi_vertex() {
                    finish = ui
                        .add_enabled(t.finished_shape().is_some(), egui::Button::new(lang.t("完成", "Finish")))
                        .clicked();
                }
                undo = ui.add_enabled(t.can_undo(), egui::Button::new(lang.t("撤销", "Undo"))).clicked();
                done = ui
                    .button(lang.t("关闭", "Close"))
                    .on_hover_text(lang.t("回到选择工具", "Back to the select tool"))
                    .clicked();
            });
        });
    // ---- After drawing: what was asked ----
    if finish {
        finish_drawing(app);
    }
    if undo {
        app.marks_tool.undo(&mut app.marks);
    }
    if delete && let Some(id) = app.marks_tool.selected.take() {
        app.marks_tool.checkpoint(&app.marks);
        app.marks.remove(id);
    }
    if done {
        app.marks_tool.drawing.clear();
        app.tool = Tool::Select;
    }
}

/// What to do next in a mode.
fn hint(mode: MarkMode, lang: Lang) -> &'static str {
    match mode {
        MarkMode::Select => lang.t("Delete 删除，Ctrl+Z 撤销", "Delete removes; Ctrl+Z undoes"),
        MarkMode::Point | MarkMode::Text => lang.t("单击地图放置", "Click the map to place it"),
        MarkMode::Callout => {
            lang.t("先单击指向的位置，再单击文字的位置", "Click the place pointed at, then where the text goes")
        }
        MarkMode::Line | MarkMode::Arrow | MarkMode::Polygon => lang.t(
            "单击添加节点，双击或回车结束，Esc 取消，退格撤销",
            "Click to add points; double-click or Enter finishes; Esc cancels; Backspace undoes",
        ),
    }
}

/// A mark's kind as the tool names it.
fn kind_name(g: &MarkGeometry, lang: Lang) -> &'static str {
    let mode = match g {
        MarkGeometry::Point { .. } => MarkMode::Point,
        MarkGeometry::Line { arrow: true, .. } => MarkMode::Arrow,
        MarkGeometry::Line { .. } => MarkMode::Line,
        MarkGeometry::Polygon { .. } => MarkMode::Polygon,
        MarkGeometry::Text { .. } => MarkMode::Text,
        MarkGeometry::Callout { .. } => MarkMode::Callout,
    };
    let (zh, en) = mode.label();
    lang.t(zh, en)
}

/// The label, group and look of a mark (the next one, or the selected one).
fn style_editor(
    ui: &mut egui::Ui,
    lang: Lang,
    label: &mut String,
    group: &mut String,
    style: &mut MarkStyle,
    symbol: Option<&mut MarkSymbol>,
    arrow: Option<&mut bool>,
) {
    egui::Grid::new("marks_style").num_columns(2).spacing([10.0, 4.0]).show(ui, |ui| {
        let l = ui.label(lang.t("内容", "Label"));
        ui.add(egui::TextEdit::singleline(label).desired_width(170.0)).labelled_by(l.id);
        ui.end_row();
        let l = ui.label(lang.t("分组", "Group"));
        ui.add(egui::TextEdit::singleline(group).desired_width(170.0).hint_text(lang.t("如：方案一", "e.g. Option 1")))
            .labelled_by(l.id);
        ui.end_row();
        if let Some(symbol) = symbol {
            ui.label(lang.t("符号", "Symbol"));
            ui.horizontal(|ui| {
                for s in MarkSymbol::ALL {
                    let (zh, en) = s.label();
                    ui.selectable_value(symbol, s, lang.t(zh, en));
                }
            });
            ui.end_row();
        }
        let l = ui.label(lang.t("颜色", "Colour"));
        ui.horizontal(|ui| {
            color_button(ui, &mut style.color).labelled_by(l.id);
            let f = ui.label(lang.t("填充", "Fill"));
            color_button(ui, &mut style.fill).labelled_by(f.id);
        });
        ui.end_row();
        let l = ui.label(lang.t("线宽", "Width"));
        ui.add(egui::DragValue::new(&mut style.width_mm).range(0.1..=5.0).speed(0.05).suffix(" mm")).labelled_by(l.id);
        ui.end_row();
        let l = ui.label(lang.t("符号大小", "Symbol size"));
        ui.add(egui::DragValue::new(&mut style.symbol_mm).range(1.0..=20.0).speed(0.1).suffix(" mm")).labelled_by(l.id);
        ui.end_row();
        let l = ui.label(lang.t("字号", "Text size"));
        ui.add(egui::DragValue::new(&mut style.text_pt).range(5.0..=48.0).speed(0.2).suffix(" pt")).labelled_by(l.id);
        ui.end_row();
        ui.label("");
        ui.horizontal(|ui| {
            ui.checkbox(&mut style.dashed, lang.t("虚线", "Dashed"));
            if let Some(arrow) = arrow {
                ui.checkbox(arrow, lang.t("末端箭头", "Arrowhead"));
            }
        });
        ui.end_row();
    });
}

/// A colour button for a core colour.
fn color_button(ui: &mut egui::Ui, c: &mut Rgba) -> egui::Response {
    let [r, g, b, a] = c.0;
    let mut color = Color32::from_rgba_unmultiplied(r, g, b, a);
    let response = ui.color_edit_button_srgba(&mut color);
    if response.changed() {
        *c = Rgba(color.to_srgba_unmultiplied());
    }
    response
}

/// Paint what the tool adds on the map: the drawing in progress with its rubber band, the snap
/// target, and the selected mark's outline.
pub(super) fn paint_overlay(app: &AtlasApp, map: &MapInteraction) {
    if app.tool != Tool::Marks {
        return;
    }
    let t = &app.marks_tool;
    let painter = &map.painter;
    let view = &map.view;
    let scale = app.overlay_text_scale();
    if let Some(m) = t.selected.filter(|_| !app.marks.hidden).and_then(|id| app.marks.get(id)) {
        paint_selection(painter, view, m, scale, SELECTION_COLOR);
    }
    let mut live = t.drawing.clone();
    if let Some(p) = t.pointer.filter(|_| !live.is_empty()) {
        live.push(p);
    }
    let preview = match t.mode {
        MarkMode::Line | MarkMode::Arrow if live.len() >= 2 => {
            Some(MarkGeometry::Line { points: live.clone(), arrow: t.mode == MarkMode::Arrow })
        }
        MarkMode::Polygon if live.len() >= 3 => Some(MarkGeometry::Polygon { ring: live.clone() }),
        MarkMode::Polygon if live.len() == 2 => Some(MarkGeometry::Line { points: live.clone(), arrow: false }),
        MarkMode::Callout if live.len() == 2 => {
            Some(MarkGeometry::Callout { anchor_lon_lat: live[0], text_lon_lat: live[1] })
        }
        _ => None,
    };
    if let Some(g) = preview {
        paint_mark(painter, view, &t.new_mark(g), scale);
    }
    let color = crate::render::to_color32(t.style.color, 1.0);
    for (i, p) in t.drawing.iter().enumerate() {
        let r = if i == 0 { 5.0 } else { 4.0 };
        painter.circle(view.lon_lat_to_screen(*p), r, Color32::WHITE, Stroke::new(2.0, color));
    }
    if t.mode != MarkMode::Select
        && t.pointer_snapped
        && let Some(p) = t.pointer
    {
        painter.circle_stroke(view.lon_lat_to_screen(p), SNAP_RADIUS_PT, Stroke::new(2.0, SELECTION_COLOR));
    }
}

// ---- The layer as a whole: show, export, import, clear ----

/// Carry out what the layer list asked of the marks.
pub(super) fn apply(app: &mut AtlasApp, action: MarksAction) {
    let lang = app.lang();
    match action {
        MarksAction::SetHidden(hidden) => {
            app.marks.hidden = hidden;
            if hidden {
                app.marks_tool.selected = None;
            }
        }
        MarksAction::Export => {
            if app.marks.marks.is_empty() {
                app.notices.push(Notice {
                    text: lang.t("没有可导出的标注", "There are no marks to export").to_owned(),
                    error: true,
                });
                return;
            }
            let text = marks::to_geojson(&app.marks);
            let english = lang.english();
            app.marks_tool.save = Some(save_dialog::save_files_async(
                &app.egui_ctx,
                lang.t("导出标注", "Export marks"),
                "标注.geojson",
                vec![FileKind { name: "GeoJSON", extensions: &["geojson", "json"] }],
                move |path| write_text(path, &text, english),
            ));
        }
        MarksAction::Import => {
            let (tx, rx) = std::sync::mpsc::channel();
            let ctx = app.egui_ctx.clone();
            std::thread::spawn(move || {
                let file = pollster::block_on(
                    rfd::AsyncFileDialog::new()
                        .add_filter("GeoJSON", &["geojson", "json"])
                        .set_title("导入标注 / Import marks")
                        .pick_file(),
                );
                if let Some(f) = file {
                    let _ = tx.send(f.path().to_owned());
                }
                ctx.request_repaint();
            });
            app.marks_tool.import = Some(rx);
        }
        MarksAction::AskClear => app.marks_tool.confirm_clear = !app.marks.marks.is_empty(),
        MarksAction::Fit => {
            if let Some(b) = app.marks.bbox() {
                // A single point gets a neighbourhood around it, not zoom 19.
                let pad = 0.002;
                app.fit([b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad]);
            }
        }
        MarksAction::OpenTool => app.tool = Tool::Marks,
    }
}

/// Write text atomically (the file is either the old one or the new one, never half written).
fn write_text(path: &Path, text: &str, english: bool) -> Result<(), String> {
    crate::io::atomic::write(path, text.as_bytes()).map_err(|e| {
        let why = if english { e.to_string() } else { kuiwen_core::i18n::io_error_zh(&e) };
        format!("{}: {why}", path.display())
    })
}

/// Save the marks as GeoJSON at `path` (atomically).
pub fn export_file(marks: &Marks, path: &Path) -> std::io::Result<()> {
    crate::io::atomic::write(path, marks::to_geojson(marks).as_bytes())
}

/// Add the marks of a GeoJSON file on top of the layer (with fresh ids where theirs are taken),
/// and say how many; a file that cannot be read says why, by name, in the interface language.
pub fn import_file(app: &mut AtlasApp, path: &Path) {
    let lang = app.lang();
    let failed = |why: String| Notice {
        text: format!("{} {}：{why}", lang.t("无法导入标注", "Could not import marks from"), path.display()),
        error: true,
    };
    let text = match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                app.notices.push(failed(lang.t("文件不是 UTF-8 文本", "the file is not UTF-8 text").to_owned()));
                return;
            }
        },
        Err(e) => {
            let why = if lang.english() { e.to_string() } else { kuiwen_core::i18n::io_error_zh(&e) };
            app.notices.push(failed(why));
            return;
        }
    };
    match marks::from_geojson(&text) {
        Ok(read) => {
            app.marks_tool.checkpoint(&app.marks);
            app.marks.hidden = false;
            let n = app.marks.extend(read);
            app.notices.push(Notice {
                text: format!("{} {n} {}", lang.t("已导入", "Imported"), lang.t("个标注", "marks")),
                error: false,
            });
        }
        Err(e) => app.notices.push(failed(e.message(lang.english()))),
    }
}

/// Between frames: the export's outcome, and the file the import dialog chose.
pub(super) fn logic(app: &mut AtlasApp) {
    app.marks_tool.save = save_dialog::poll(app.marks_tool.save.take(), app.lang(), &mut app.notices);
    let Some(rx) = app.marks_tool.import.take() else { return };
    match rx.try_recv() {
        Ok(path) => import_file(app, &path),
        Err(TryRecvError::Empty) => app.marks_tool.import = Some(rx),
        Err(TryRecvError::Disconnected) => {}
    }
}

/// The question before every mark is removed.
pub(super) fn dialogs(app: &mut AtlasApp, ui: &mut egui::Ui) {
    if !app.marks_tool.confirm_clear {
        return;
    }
    let lang = app.lang();
    let mut answer = None;
    egui::Window::new(lang.t("清除标注", "Clear marks"))
        .id(egui::Id::unique("marks_clear"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ui.ctx(), |ui| {
            ui.label(format!(
                "{} {} {}",
                lang.t("确定清除全部", "Remove all"),
                app.marks.len(),
                lang.t("个标注？可用 Ctrl+Z 撤销。", "marks? Ctrl+Z in the marks tool undoes it.")
            ));
            ui.horizontal(|ui| {
                if ui.button(lang.t("全部清除", "Remove all")).clicked() {
                    answer = Some(true);
                }
                if ui.button(lang.t("取消", "Cancel")).clicked() {
                    answer = Some(false);
                }
            });
        });
    match answer {
        Some(true) => {
            app.marks_tool.checkpoint(&app.marks);
            app.marks.marks.clear();
            app.marks_tool.selected = None;
            app.marks_tool.confirm_clear = false;
        }
        Some(false) => app.marks_tool.confirm_clear = false,
        None => {}
    }
}
