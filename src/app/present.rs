//! Briefing mode: the slides of the open briefing, presenting them full screen (F5), the smooth
//! fly between them, and the overlays a projector needs (caption, north arrow, legend, scale bar,
//! spotlight, a large info card). Image export renders this same presenting view off screen
//! (`crate::export`), so what is exported is what the audience sees.

use egui::{Align2, Color32, FontId, Key, Modifiers, Pos2, Rect, RichText, Stroke, Vec2, pos2, vec2};
use serde::{Deserialize, Serialize};
use walkers::lon_lat;

use super::{AtlasApp, FeatureRef, Lang, tools::Tool};
use crate::analysis::briefing::builtin_briefing;
use crate::analysis::measure::{AreaUnits, area_m2};
use crate::basemap::health::TileStatus;
use crate::model::LonLat;
use crate::model::briefing::{Slide, SlideFeature, SlideLayer, SlideLifeCircle};
use crate::render::MapView;

/// Padding around a slide's extent when it is fitted to the screen, in points.
pub const SLIDE_PADDING_PT: f32 = 30.0;
/// The caption band's height at text size 100 %, in points (the fit leaves it free).
const CAPTION_BAND_PT: f32 = 96.0;

/// Presentation settings the app remembers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PresentPrefs {
    /// High-contrast overlays and a dark map background, for projectors in bright rooms.
    pub high_contrast: bool,
    /// Text size of the overlays and labels while presenting (1.0 = 100 %).
    pub text_scale: f32,
    /// Exported image size in pixels at 1×.
    pub export_size_px: [u32; 2],
    /// Export at twice the pixels (for print).
    pub export_2x: bool,
}

impl Default for PresentPrefs {
    fn default() -> Self {
        Self { high_contrast: false, text_scale: 1.4, export_size_px: [1920, 1080], export_2x: false }
    }
}

/// Text sizes offered: A− / A+ step through these.
const TEXT_SCALES: [f32; 7] = [1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.4];

/// A fly between two views, following van Wijk and Nuij's smooth zoom-and-pan path: it zooms out
/// just enough that both places are on screen, moves, then zooms in — the path a viewer's eye
/// follows most easily.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fly {
    from: [f64; 2],
    to: [f64; 2],
    /// Screen width in normalized world units at the start and the end.
    w0: f64,
    w1: f64,
    /// Path parameters (see [`Fly::at`]).
    r0: f64,
    length: f64,
    distance: f64,
    /// When it started (egui time, seconds) and how long it takes.
    start_s: f64,
    duration_s: f64,
}

/// The curvature of the path (van Wijk and Nuij's ρ; 1.42 is their measured optimum).
const RHO: f64 = 1.42;

impl Fly {
    /// A fly from centre `from` at zoom `z0` to `to` at `z1` (normalized world coordinates) on a
    /// screen `width_pt` wide, starting at egui time `now_s`.
    pub fn new(from: [f64; 2], z0: f64, to: [f64; 2], z1: f64, width_pt: f64, now_s: f64) -> Self {
        let w = |z: f64| width_pt / (256.0 * 2f64.powf(z));
        let (w0, w1) = (w(z0), w(z1));
        let distance = ((to[0] - from[0]).powi(2) + (to[1] - from[1]).powi(2)).sqrt();
        let (r0, length) = if distance < 1e-12 {
            (0.0, (w1 / w0).ln().abs() / RHO)
        } else {
            let b = |wi: f64, sign: f64| {
                (w1 * w1 - w0 * w0 + sign * RHO.powi(4) * distance * distance) / (2.0 * wi * RHO * RHO * distance)
            };
            let r = |b: f64| (-b + (b * b + 1.0).sqrt()).ln();
            let (r0, r1) = (r(b(w0, 1.0)), r(b(w1, -1.0)));
            (r0, (r1 - r0) / RHO)
        };
        // Longer journeys take longer, within what keeps an audience with the speaker.
        let duration_s = (0.5 + 0.35 * length).clamp(0.6, 2.4);
        Self { from, to, w0, w1, r0, length, distance, start_s: now_s, duration_s }
    }

    /// Centre (normalized) and screen width (normalized) at time `now_s`; `None` once arrived.
    pub fn at(&self, now_s: f64) -> Option<([f64; 2], f64)> {
        let t = ((now_s - self.start_s) / self.duration_s).clamp(0.0, 1.0);
        if t >= 1.0 || !self.length.is_finite() {
            return None;
        }
        // Ease in and out so the start and the stop are gentle.
        let e = t * t * (3.0 - 2.0 * t);
        let s = e * self.length;
        if self.distance < 1e-12 {
            let k = if self.w1 < self.w0 { -1.0 } else { 1.0 };
            return Some((self.from, self.w0 * (k * RHO * s).exp()));
        }
        let (r0, w0) = (self.r0, self.w0);
        let u = w0 / (RHO * RHO) * (r0.cosh() * (RHO * s + r0).tanh() - r0.sinh());
        let w = w0 * r0.cosh() / (RHO * s + r0).cosh();
        let f = (u / self.distance).clamp(0.0, 1.0);
        Some(([self.from[0] + (self.to[0] - self.from[0]) * f, self.from[1] + (self.to[1] - self.from[1]) * f], w))
    }
}

/// Where a slide puts the map on a screen rectangle: (zoom, centre lon/lat).
pub fn slide_target(slide: &Slide, rect: Rect, projection: crate::basemap::MapProjection) -> (f64, LonLat) {
    match slide.extent {
        Some(extent) => {
            // The caption band covers the top of the map: fit the extent below it.
            let below = Rect::from_min_max(rect.min + vec2(0.0, CAPTION_BAND_PT), rect.max);
            let (zoom, c) = MapView::fit(below, extent, SLIDE_PADDING_PT, projection);
            // Shift the centre up by half the band so the extent sits in the free area.
            let view = MapView::new(rect, c, zoom, projection);
            let shifted = view.screen_to_lon_lat(rect.center() - vec2(0.0, CAPTION_BAND_PT / 2.0));
            (zoom, shifted)
        }
        None => (slide.zoom, slide.center_lon_lat.into()),
    }
}

/// The briefing: the slides in presenting order and the one last shown. It is the planner's
/// document (saved in workspaces as bookmarks); presenting it is [`Presenting`], editing it the
/// briefing window's.
#[derive(Default)]
pub struct Briefing {
    /// The slides in presenting order.
    pub slides: Vec<Slide>,
    /// The slides are the built-in briefing, untouched (so it is not written into workspaces).
    pub builtin: bool,
    /// The slide last shown or picked in the list.
    pub current: usize,
}

impl Briefing {
    /// Add a slide at the end and make it the current one; the briefing is the planner's now.
    pub fn add_slide(&mut self, slide: Slide) {
        self.slides.push(slide);
        self.current = self.slides.len() - 1;
        self.builtin = false;
    }

    /// The built-in briefing for these layers.
    pub fn builtin(layers: &[super::LayerEntry]) -> Self {
        let slides = builtin_briefing(&layers.iter().map(|e| &e.layer).collect::<Vec<_>>());
        Self { slides, builtin: true, current: 0 }
    }
}

/// Presenting mode: full screen, the current slide's view reached by a fly, the spotlight, the
/// slide's life circle. Nothing here is saved.
pub struct Presenting {
    /// Presenting now.
    pub active: bool,
    /// A render for export: no animation, no presenter controls.
    pub exporting: bool,
    /// The fly in progress.
    pub fly: Option<Fly>,
    /// Show "3 / 5" in the caption (not for a one-off exported view).
    pub show_counter: bool,
    /// Where the current slide puts the map (zoom, centre), to offer "back to the slide".
    pub(super) target: Option<(f64, LonLat)>,
    /// The high-contrast style is the one set on the context.
    pub(super) high_contrast_applied: bool,
    /// Darken all but a circle around the pointer.
    pub spotlight: bool,
    /// Draw the life circle of the current slide.
    pub life_circle: Option<SlideLifeCircle>,
    /// The map rectangle the current slide was fitted to.
    pub(super) fitted_rect: Option<Rect>,
    /// How many layers there were when the slide's layer states were applied.
    pub(super) layers_applied: usize,
}

impl Default for Presenting {
    fn default() -> Self {
        Self {
            active: false,
            exporting: false,
            fly: None,
            show_counter: true,
            target: None,
            high_contrast_applied: false,
            spotlight: false,
            life_circle: None,
            fitted_rect: None,
            layers_applied: 0,
        }
    }
}

impl AtlasApp {
    /// The slides of the open briefing.
    pub fn slides(&self) -> &[Slide] {
        &self.briefing.slides
    }

    /// The slide on screen while presenting.
    pub fn presenting_slide(&self) -> Option<usize> {
        self.presenting.active.then_some(self.briefing.current)
    }

    /// Start presenting at slide `from` (full screen, panels hidden).
    pub fn start_presenting(&mut self, from: usize) {
        if self.briefing.slides.is_empty() {
            self.notices.push(super::Notice {
                text: self.lang().t("简报中还没有幻灯片", "The briefing has no slides yet").to_owned(),
                error: true,
            });
            return;
        }
        self.presenting.active = true;
        if !self.presenting.exporting {
            self.egui_ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(true));
        }
        self.go_to_slide(from.min(self.briefing.slides.len() - 1), false);
    }

    /// Leave presenting: panels come back, the window leaves full screen.
    pub fn stop_presenting(&mut self) {
        self.presenting.active = false;
        self.presenting.spotlight = false;
        self.presenting.fly = None;
        self.compare.leave_presenting();
        self.egui_ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(false));
    }

    /// Show slide `i`: its layers, styles, basemap, selection and life circle, then its view
    /// (flying there when `animate`).
    pub fn go_to_slide(&mut self, i: usize, animate: bool) {
        let Some(slide) = self.briefing.slides.get(i).cloned() else { return };
        self.briefing.current = i;
        self.apply_slide_layers(&slide);
        if let Some(spec) = &slide.basemap
            && !self.basemap_fixed
            && *spec != self.persisted.basemap.key_or_spec()
        {
            match spec.parse::<crate::basemap::Basemap>() {
                Ok(b) => self.set_basemap(b),
                Err(e) => self.notices.push(super::Notice { text: format!("{}: {e}", slide.title), error: true }),
            }
        }
        self.selection = slide.selected.as_ref().and_then(|s| self.find_slide_feature(s));
        self.presenting.life_circle = slide.life_circle;
        let presenting = self.presenting.active;
        self.compare.enter_slide(slide.compare.as_ref(), presenting);
        if let Some(lc) = slide.life_circle {
            self.life_circle.center = Some(lc.center_lon_lat);
            self.life_circle.coverage = lc.coverage;
            // Presenting, the circle is an overlay and clicks open info cards; at the desk the
            // slide opens the life-circle tool with its panel, ready to explore.
            self.tool = if self.presenting.active { Tool::Select } else { Tool::LifeCircle };
        } else if self.presenting.active && self.tool == Tool::LifeCircle {
            self.tool = Tool::Select;
        }
        let rect = self.map.last_rect.filter(|_| !self.presenting.exporting);
        match rect {
            Some(rect) if animate => {
                let (zoom, center) = slide_target(&slide, rect, self.map.projection);
                self.presenting.fitted_rect = Some(rect);
                let now_s = self.egui_ctx.input(|i| i.time);
                let here = self.map.memory.detached().map(|p| self.map.projection.normalized(p.x(), p.y()));
                let from_center = here.or_else(|| self.map.last_view.map(|v| [v.center_norm.x, v.center_norm.y]));
                if let Some(from) = from_center {
                    let to = self.map.projection.normalized(center.lon_deg, center.lat_deg);
                    self.presenting.fly =
                        Some(Fly::new(from, self.map.memory.zoom(), to, zoom, rect.width() as f64, now_s));
                }
                self.presenting.target = Some((zoom, center));
            }
            _ => {
                self.presenting.fly = None;
                self.presenting.target = None;
                if slide.extent.is_some() {
                    self.pending_slide_fit = Some(i);
                } else {
                    self.map.memory.center_at(lon_lat(slide.center_lon_lat[0], slide.center_lon_lat[1]));
                    let _ = self.map.memory.set_zoom(slide.zoom);
                }
            }
        }
    }

    /// The slide's layer visibility and styles (again when a file layer arrives later).
    fn apply_slide_layers(&mut self, slide: &Slide) {
        self.presenting.layers_applied = self.layers.len();
        if let Some(layers) = &slide.layers {
            for e in &mut self.layers {
                match layers.iter().find(|l| l.key == e.layer.key) {
                    Some(l) => {
                        e.layer.visible = l.visible;
                        if let Some(style) = &l.style {
                            e.layer.style = style.clone();
                        }
                    }
                    None => e.layer.visible = false,
                }
            }
        }
    }

    fn find_slide_feature(&self, s: &SlideFeature) -> Option<FeatureRef> {
        let e = self.layer(&s.layer)?;
        let by_name = s.name.as_deref().and_then(|n| e.layer.features.iter().position(|f| f.name() == Some(n)));
        let feature = by_name.or_else(|| (s.index < e.layer.features.len()).then_some(s.index))?;
        Some(FeatureRef { layer: s.layer.clone(), feature })
    }

    /// The current view, layers, basemap, selection and life circle as a new slide.
    pub fn slide_from_view(&self, title: &str) -> Slide {
        let (center, zoom, extent) = match self.map.last_view {
            Some(v) => {
                let a = v.screen_to_lon_lat(v.rect.left_bottom());
                let b = v.screen_to_lon_lat(v.rect.right_top());
                let center = v.screen_to_lon_lat(v.rect.center()).to_array();
                (center, v.zoom, Some([a.lon_deg, a.lat_deg, b.lon_deg, b.lat_deg]))
            }
            None => ([119.197, 36.708], 12.0, self.all_bbox()),
        };
        let mut slide = Slide::framing(title, "", extent.unwrap_or([center[0], center[1], center[0], center[1]]));
        slide.title_en = None;
        slide.center_lon_lat = center;
        slide.zoom = zoom;
        slide.extent = extent;
        slide.layers = Some(
            self.layers
                .iter()
                .map(|e| SlideLayer {
                    key: e.layer.key.clone(),
                    visible: e.layer.visible,
                    style: Some(e.layer.style.clone()),
                })
                .collect(),
        );
        slide.basemap = Some(self.persisted.basemap.key_or_spec());
        slide.selected = self.selection.as_ref().and_then(|s| {
            let f = self.layer(&s.layer)?.layer.features.get(s.feature)?;
            Some(SlideFeature { layer: s.layer.clone(), name: f.name().map(str::to_owned), index: s.feature })
        });
        slide.compare = self.compare.saved();
        slide.life_circle = match (self.tool, self.life_circle.center) {
            (Tool::LifeCircle, Some(c)) => {
                Some(SlideLifeCircle { center_lon_lat: c, coverage: self.life_circle.coverage })
            }
            _ => self.presenting.life_circle,
        };
        slide
    }

    /// Nothing left to do before a picture of the map is complete: no file loading, no fly, no
    /// basemap tiles on their way, no raster tiles of a big layer still rendering, no fit
    /// waiting for the next frame.
    pub fn is_settled(&self) -> bool {
        !self.loader.busy()
            && self.presenting.fly.is_none()
            && self.map.pending_fit.is_none()
            && self.pending_slide_fit.is_none()
            && !self.map.any_pending(&self.layers)
            && !self.compare.any_pending(&self.layers)
            && self
                .map
                .tiles
                .as_ref()
                .is_none_or(|t| !matches!(t.status(), TileStatus::Loading(_) | TileStatus::Slow { .. }))
    }

    /// Text size of the map overlays (legend, labels, scale bar): larger while presenting.
    pub fn overlay_text_scale(&self) -> f32 {
        if self.presenting.active { self.persisted.present.text_scale.clamp(0.8, 3.0) } else { 1.0 }
    }

    /// High-contrast presenting.
    pub fn high_contrast(&self) -> bool {
        self.presenting.active && self.persisted.present.high_contrast
    }
}

/// F5 starts presenting from the first slide, Shift+F5 from the current one (as in slide software).
pub(super) fn start_keys(app: &mut AtlasApp, ctx: &egui::Context) {
    if app.presenting.active {
        return;
    }
    if ctx.input_mut(|i| i.consume_key(Modifiers::SHIFT, Key::F5)) {
        let from = app.briefing.current;
        app.start_presenting(from);
    } else if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::F5)) {
        app.start_presenting(0);
    }
}

/// While presenting: what clickers and keyboards send. Consumed before any widget sees them, so a
/// focused button never takes Space a second time.
pub(super) fn presenting_keys(app: &mut AtlasApp, ctx: &egui::Context) {
    if !app.presenting.active || app.presenting.exporting {
        return;
    }
    let pressed = |keys: &[Key]| ctx.input_mut(|i| keys.iter().any(|k| i.consume_key(Modifiers::NONE, *k)));
    let n = app.briefing.slides.len();
    let cur = app.briefing.current;
    if pressed(&[Key::Escape]) {
        app.stop_presenting();
    } else if pressed(&[Key::ArrowRight, Key::PageDown, Key::Space, Key::N]) {
        // A swipe slide first sweeps its divider across (the second version whole), then goes on.
        let now_s = ctx.input(|i| i.time);
        if super::compare::presenting_next(app, now_s) {
            ctx.request_repaint();
        } else if cur + 1 < n {
            app.go_to_slide(cur + 1, true);
        }
    } else if pressed(&[Key::ArrowLeft, Key::PageUp, Key::Backspace, Key::P]) {
        if cur > 0 {
            app.go_to_slide(cur - 1, true);
        }
    } else if pressed(&[Key::Home]) {
        app.go_to_slide(0, true);
    } else if pressed(&[Key::End]) {
        app.go_to_slide(n.saturating_sub(1), true);
    } else if pressed(&[Key::B]) {
        app.go_to_slide(cur, true);
    } else if pressed(&[Key::S]) {
        app.presenting.spotlight = !app.presenting.spotlight;
    } else if pressed(&[Key::Plus, Key::Equals]) {
        step_text_scale(app, 1);
    } else if pressed(&[Key::Minus]) {
        step_text_scale(app, -1);
    } else if pressed(&[Key::H]) {
        app.persisted.present.high_contrast = !app.persisted.present.high_contrast;
    }
}

fn step_text_scale(app: &mut AtlasApp, dir: i32) {
    let s = app.persisted.present.text_scale;
    let i = TEXT_SCALES.iter().position(|x| (*x - s).abs() < 0.05).unwrap_or(2) as i32;
    let j = (i + dir).clamp(0, TEXT_SCALES.len() as i32 - 1) as usize;
    app.persisted.present.text_scale = TEXT_SCALES[j];
}

/// Before the map is drawn: advance the fly, fit a slide waiting for the map's size, and keep
/// the life circle of the slide computed.
pub(super) fn before_map(app: &mut AtlasApp, ctx: &egui::Context) {
    if let (Some(i), Some(rect)) = (app.pending_slide_fit, app.map.last_rect) {
        app.pending_slide_fit = None;
        if let Some(slide) = app.briefing.slides.get(i) {
            let (zoom, center) = slide_target(slide, rect, app.map.projection);
            app.map.center_at(center, zoom);
            app.presenting.target = Some((zoom, center));
            app.presenting.fitted_rect = Some(rect);
            app.map.pending_fit = None;
        }
    }
    // The window changed size (full screen arrived, a projector was plugged in): fit the slide
    // again, unless the presenter has moved away from it.
    if app.presenting.active
        && app.presenting.fly.is_none()
        && app.pending_slide_fit.is_none()
        && let (Some(rect), Some(fitted)) = (app.map.last_rect, app.presenting.fitted_rect)
        && rect != fitted
        && !moved_from_slide(app)
    {
        app.pending_slide_fit = Some(app.briefing.current);
        ctx.request_repaint();
    }
    if let (Some(fly), Some(rect)) = (app.presenting.fly, app.map.last_rect) {
        let now_s = ctx.input(|i| i.time);
        match fly.at(now_s) {
            Some((c, w)) => {
                let ll = app.map.projection.unnormalized(c[0], c[1]);
                app.map.memory.center_at(lon_lat(ll[0], ll[1]));
                let zoom = (rect.width() as f64 / (256.0 * w)).log2();
                let _ = app.map.memory.set_zoom(zoom.clamp(1.0, 19.0));
                ctx.request_repaint();
            }
            None => {
                app.presenting.fly = None;
                if let Some((zoom, c)) = app.presenting.target {
                    app.map.center_at(c, zoom);
                }
            }
        }
    }
    // A file layer of the workspace arrived after the slide was shown: give it the slide's state.
    if app.presenting.active
        && app.layers.len() != app.presenting.layers_applied
        && let Some(slide) = app.briefing.slides.get(app.briefing.current).cloned()
    {
        app.apply_slide_layers(&slide);
    }
    if app.presenting.life_circle.is_some() && (app.presenting.active || app.ui_briefing.window_open) {
        app.life_circle.refresh(&app.layers);
    }
}

/// Whether the map should draw the slide's life circle.
pub(super) fn shows_life_circle(app: &AtlasApp) -> bool {
    app.presenting.life_circle.is_some() && app.presenting.active
}

/// High-contrast interface while presenting (black, white and yellow), the chosen theme otherwise.
/// Applied when that changes, not every frame: a new style makes egui lay text out again.
pub(super) fn apply_theme(app: &mut AtlasApp, ctx: &egui::Context) {
    let hc = app.high_contrast();
    if hc == app.presenting.high_contrast_applied {
        return;
    }
    app.presenting.high_contrast_applied = hc;
    if hc {
        let mut v = egui::Visuals::dark();
        // White text everywhere but on the yellow of a switched-on control, where black reads.
        for w in [&mut v.widgets.noninteractive, &mut v.widgets.inactive, &mut v.widgets.hovered, &mut v.widgets.active]
        {
            w.fg_stroke = Stroke::new(1.5, Color32::WHITE);
        }
        v.selection.stroke = Stroke::new(1.5, Color32::BLACK);
        v.panel_fill = Color32::BLACK;
        v.window_fill = Color32::BLACK;
        v.extreme_bg_color = Color32::BLACK;
        v.selection.bg_fill = Color32::from_rgb(255, 214, 0);
        v.widgets.inactive.bg_stroke = Stroke::new(1.5, Color32::WHITE);
        v.widgets.hovered.bg_stroke = Stroke::new(2.0, Color32::from_rgb(255, 214, 0));
        // Into the dark theme's style, which is put back whole when presenting ends.
        ctx.set_visuals_of(egui::Theme::Dark, v);
        ctx.set_theme(egui::Theme::Dark);
    } else {
        ctx.set_visuals_of(egui::Theme::Dark, egui::Visuals::dark());
        ctx.set_theme(if app.persisted.dark_theme { egui::Theme::Dark } else { egui::Theme::Light });
    }
}

/// The overlays of presenting mode (and of exported images) over the map rectangle.
pub(super) fn overlays(app: &mut AtlasApp, ui: &mut egui::Ui) {
    // Split views: the caption and credits span all of them.
    let area = app.compare.area.filter(|_| app.compare.active);
    let Some(rect) = area.or(app.map.last_rect) else { return };
    let lang = app.lang();
    let scale = app.overlay_text_scale();
    let hc = app.high_contrast();
    // Above the map, below the caption, card and controls (which are foreground areas).
    let painter = ui.ctx().layer_painter(egui::LayerId::new(egui::Order::Middle, egui::Id::unique("present")));
    if app.presenting.spotlight
        && !app.presenting.exporting
        && let Some(p) = ui.ctx().pointer_hover_pos()
    {
        spotlight(&painter, rect, p, 150.0 * scale);
    }
    let counter = app.presenting.show_counter.then_some((app.briefing.current, app.briefing.slides.len()));
    let Some(slide) = app.briefing.slides.get(app.briefing.current) else { return };
    caption(ui, rect, slide, lang, scale, hc, counter);
    north_arrow(&painter, rect.right_top() + vec2(-44.0 * scale, caption_band_pt(scale) + 40.0), scale, hc);
    data_credit(&painter, rect, lang, scale, app.basemap_credit().is_some(), &app.data_credits());
    info_card(app, ui, rect, scale, hc);
    if !app.presenting.exporting {
        presenter_bar(app, ui, rect, lang);
    }
}

/// The height of the caption band at this text scale (what overlays keep clear of).
pub(super) fn caption_band_pt(scale: f32) -> f32 {
    CAPTION_BAND_PT * scale.min(1.6)
}

/// The title band: slide title, the line of figures under it, and the slide number.
#[allow(clippy::too_many_arguments)]
fn caption(
    ui: &egui::Ui,
    rect: Rect,
    slide: &Slide,
    lang: Lang,
    scale: f32,
    hc: bool,
    counter: Option<(usize, usize)>,
) {
    let english = lang.english();
    let (bg, fg, sub) = if hc {
        (Color32::BLACK, Color32::WHITE, Color32::from_rgb(255, 214, 0))
    } else {
        (Color32::from_rgba_unmultiplied(18, 36, 64, 225), Color32::WHITE, Color32::from_rgb(210, 225, 245))
    };
    egui::Area::new(egui::Id::unique("slide_caption"))
        .fixed_pos(rect.left_top())
        .order(egui::Order::Foreground)
        .interactable(false)
        .show(ui.ctx(), |ui| {
            egui::Frame::NONE.fill(bg).inner_margin(egui::Margin::symmetric(24, 12)).show(ui, |ui| {
                ui.set_width(rect.width() - 48.0);
                ui.horizontal(|ui| {
                    ui.vertical(|ui| {
                        ui.label(RichText::new(slide.caption(english)).size(34.0 * scale.min(1.8)).strong().color(fg));
                        let subtitle = slide.subtitle(english);
                        if !subtitle.is_empty() {
                            ui.label(RichText::new(subtitle).size(17.0 * scale.min(1.8)).color(sub));
                        }
                    });
                    if let Some((current, count)) = counter {
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.label(
                                RichText::new(format!("{} / {}", current + 1, count))
                                    .size(20.0 * scale.min(1.8))
                                    .color(sub),
                            );
                        });
                    }
                });
            });
        });
}

/// A north arrow: the map is north-up in both Web Mercator and GCJ-02 Mercator.
fn north_arrow(painter: &egui::Painter, center: Pos2, scale: f32, hc: bool) {
    let s = 22.0 * scale.min(1.8);
    let (fg, bg) = if hc { (Color32::WHITE, Color32::BLACK) } else { (Color32::from_rgb(30, 30, 30), Color32::WHITE) };
    painter.circle_filled(center, s * 1.25, bg.gamma_multiply(0.85));
    let tip = center + vec2(0.0, -s);
    let left = center + vec2(-s * 0.55, s * 0.7);
    let right = center + vec2(s * 0.55, s * 0.7);
    let notch = center + vec2(0.0, s * 0.35);
    painter.add(egui::Shape::convex_polygon(vec![tip, notch, left], fg, Stroke::NONE));
    painter.add(egui::Shape::convex_polygon(vec![tip, right, notch], fg.gamma_multiply(0.45), Stroke::new(1.0, fg)));
    painter.text(
        center + vec2(0.0, -s * 1.25 - 2.0),
        Align2::CENTER_BOTTOM,
        "N",
        FontId::proportional(14.0 * scale.min(1.8)),
        fg,
    );
}

/// Where the data comes from, on every presented and exported view.
fn data_credit(
    painter: &egui::Painter,
    rect: Rect,
    lang: Lang,
    scale: f32,
    has_basemap_credit: bool,
    credits: &[String],
) {
    let mut text = lang
        .t(
            "来源：2017 年《潍坊日报》报道与公开资料，部分边界为示意",
            "Sources: 2017 Weifang Daily reports and public records; some boundaries are illustrative",
        )
        .to_owned();
    for c in credits {
        text.push_str(lang.t("；", "; "));
        text.push_str(c);
    }
    let font = FontId::proportional(11.0 * scale.min(1.5));
    // Above the basemap credit when there is one.
    let y = if has_basemap_credit { 34.0 } else { 8.0 };
    let pos = rect.right_bottom() - vec2(8.0, y);
    let galley = painter.layout_no_wrap(text, font, Color32::from_rgb(30, 30, 30));
    let r = Align2::RIGHT_BOTTOM.anchor_size(pos, galley.size()).expand2(vec2(6.0, 2.0));
    painter.rect_filled(r, 3.0, Color32::from_white_alpha(200));
    painter.galley(r.min + vec2(6.0, 2.0), galley, Color32::BLACK);
}

/// Darkens the screen but for a soft circle around the pointer.
fn spotlight(painter: &egui::Painter, rect: Rect, at: Pos2, radius_pt: f32) {
    let dark = Color32::from_black_alpha(170);
    let outer = rect.size().length() + (at - rect.center()).length();
    let mut mesh = egui::Mesh::default();
    let segments = 72u32;
    let feather = 24.0;
    for (r0, r1, c0, c1) in
        [(radius_pt, radius_pt + feather, Color32::TRANSPARENT, dark), (radius_pt + feather, outer, dark, dark)]
    {
        let base = mesh.vertices.len() as u32;
        for k in 0..=segments {
            let a = k as f32 / segments as f32 * std::f32::consts::TAU;
            let d = Vec2::angled(a);
            mesh.colored_vertex(at + d * r0, c0);
            mesh.colored_vertex(at + d * r1, c1);
        }
        for k in 0..segments {
            let i = base + 2 * k;
            mesh.add_triangle(i, i + 1, i + 2);
            mesh.add_triangle(i + 1, i + 3, i + 2);
        }
    }
    painter.with_clip_rect(rect).add(egui::Shape::mesh(mesh));
}

/// The selected feature in large type: name, layer, area and its main figures.
fn info_card(app: &mut AtlasApp, ui: &egui::Ui, rect: Rect, scale: f32, hc: bool) {
    let lang = app.lang();
    let english = lang.english();
    let Some(sel) = app.selection.clone() else { return };
    let Some(entry) = app.layer(&sel.layer) else { return };
    let Some(f) = entry.layer.features.get(sel.feature) else { return };
    let name = f.display_name(english).unwrap_or("—").to_owned();
    let layer_name = entry.layer.name(english).to_owned();
    let area = f
        .geometry
        .as_ref()
        .filter(|_| matches!(f.kind(), crate::model::GeometryKind::Polygon | crate::model::GeometryKind::Mixed))
        .map(|g| AreaUnits::from_m2(area_m2(g)));
    // The figures a planner quotes: the `*_text` sentences of the source, else numbers with units.
    let mut lines: Vec<String> = f
        .properties
        .iter()
        .filter(|(k, _)| k.ends_with("_text"))
        .filter_map(|(_, v)| v.as_str().map(str::to_owned))
        .take(5)
        .collect();
    if lines.is_empty() {
        // Named and ordered by the layer's field schema, as in the info panel's card.
        let schema = app.info.schema(&entry.layer);
        lines = schema
            .ordered(&f.properties)
            .into_iter()
            .filter(|(fld, v)| v.is_number() && !fld.hidden && fld.role.is_none() && !fld.key.ends_with("_id"))
            .take(5)
            .map(|(fld, v)| format!("{}: {}", fld.label(english), super::format::field_value(&fld, v, lang)))
            .collect();
    }
    let (bg, fg, accent) = if hc {
        (Color32::BLACK, Color32::WHITE, Color32::from_rgb(255, 214, 0))
    } else {
        (Color32::from_white_alpha(245), Color32::from_rgb(20, 20, 20), Color32::from_rgb(180, 30, 30))
    };
    let mut close = false;
    let width = (420.0 * scale.min(1.8)).min(rect.width() * 0.45);
    egui::Area::new(egui::Id::unique("present_card"))
        .fixed_pos(rect.right_bottom() - vec2(width + 24.0, 24.0))
        .pivot(Align2::LEFT_BOTTOM)
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::NONE
                .fill(bg)
                .stroke(Stroke::new(2.0, accent))
                .corner_radius(8.0)
                .inner_margin(egui::Margin::same(16))
                .show(ui, |ui| {
                    ui.set_width(width - 32.0);
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(&name).size(26.0 * scale.min(1.8)).strong().color(fg));
                        if !app.presenting.exporting {
                            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                                close = ui.button(lang.t("关闭", "Close")).clicked();
                            });
                        }
                    });
                    ui.label(RichText::new(layer_name).size(14.0 * scale.min(1.8)).color(accent));
                    if let Some(a) = area {
                        ui.label(
                            RichText::new(format!(
                                "{} km² · {} {} · {} {}",
                                super::format::number(a.km2, 2),
                                super::format::number(a.hectares, 0),
                                lang.t("公顷", "ha"),
                                super::format::number(a.mu, 0),
                                lang.t("亩", "mu")
                            ))
                            .size(17.0 * scale.min(1.8))
                            .color(fg),
                        );
                    }
                    for l in &lines {
                        ui.add(egui::Label::new(RichText::new(l).size(15.0 * scale.min(1.8)).color(fg)).wrap());
                    }
                });
        });
    if close {
        app.selection = None;
    }
}

/// The presenter has panned or zoomed away from the slide's view.
fn moved_from_slide(app: &AtlasApp) -> bool {
    app.presenting.target.is_some_and(|(z, c)| {
        let here = app.map.last_view.map(|v| (v.zoom, v.screen_to_lon_lat(v.rect.center())));
        here.is_some_and(|(hz, hc)| {
            (hz - z).abs() > 0.05 || (hc.lon_deg - c.lon_deg).abs() + (hc.lat_deg - c.lat_deg).abs() > 1e-4
        })
    })
}

/// The presenter's controls, bottom centre: previous/next, back to the slide, spotlight,
/// contrast, text size, leave.
fn presenter_bar(app: &mut AtlasApp, ui: &egui::Ui, rect: Rect, lang: Lang) {
    let n = app.briefing.slides.len();
    let cur = app.briefing.current;
    let moved = app.presenting.fly.is_none() && moved_from_slide(app);
    // Out of the audience's way: the controls show while the pointer moves, as in a video player.
    let idle_s = ui.ctx().input(|i| i.pointer.time_since_last_movement());
    if idle_s > 2.5 && !moved {
        if idle_s < 3.0 {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(600));
        }
        return;
    }
    egui::Area::new(egui::Id::unique("presenter_bar"))
        .fixed_pos(pos2(rect.center().x, rect.bottom() - 12.0))
        .pivot(Align2::CENTER_BOTTOM)
        .order(egui::Order::Foreground)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.horizontal(|ui| {
                    if ui.add_enabled(cur > 0, egui::Button::new(lang.t("← 上一页", "← Previous"))).clicked() {
                        app.go_to_slide(cur - 1, true);
                    }
                    ui.label(format!("{} / {n}", cur + 1));
                    if ui.add_enabled(cur + 1 < n, egui::Button::new(lang.t("下一页 →", "Next →"))).clicked() {
                        app.go_to_slide(cur + 1, true);
                    }
                    if moved && ui.button(lang.t("回到本页视图 (B)", "Back to the slide (B)")).clicked() {
                        app.go_to_slide(cur, true);
                    }
                    ui.separator();
                    ui.toggle_value(&mut app.presenting.spotlight, lang.t("聚光灯 (S)", "Spotlight (S)"));
                    ui.toggle_value(
                        &mut app.persisted.present.high_contrast,
                        lang.t("高对比度 (H)", "High contrast (H)"),
                    );
                    if ui.button("A−").on_hover_text(lang.t("缩小文字", "Smaller text")).clicked() {
                        step_text_scale(app, -1);
                    }
                    ui.label(format!("{:.0}%", app.persisted.present.text_scale * 100.0));
                    if ui.button("A+").on_hover_text(lang.t("放大文字", "Larger text")).clicked() {
                        step_text_scale(app, 1);
                    }
                    ui.separator();
                    if ui.button(lang.t("退出放映 (Esc)", "Stop (Esc)")).clicked() {
                        app.stop_presenting();
                    }
                });
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fly_starts_and_ends_where_asked_and_zooms_out_between_far_places() {
        let (a, b) = ([0.8300, 0.3870], [0.8320, 0.3880]);
        let fly = Fly::new(a, 14.0, b, 15.0, 1600.0, 10.0);
        let (c0, w0) = fly.at(10.0).unwrap_or_else(|| panic!("not started"));
        assert!((c0[0] - a[0]).abs() < 1e-9 && (c0[1] - a[1]).abs() < 1e-9);
        assert!((w0 - 1600.0 / (256.0 * 2f64.powi(14))).abs() < 1e-12);
        assert!(fly.at(10.0 + fly.duration_s + 0.01).is_none(), "arrives");
        // Near the end it is close to the target view.
        let (c1, w1) = fly.at(10.0 + fly.duration_s * 0.999).unwrap_or_else(|| panic!("arrived early"));
        assert!((c1[0] - b[0]).abs() < 1e-5 && (c1[1] - b[1]).abs() < 1e-5, "{c1:?}");
        assert!((w1 / (1600.0 / (256.0 * 2f64.powi(15))) - 1.0).abs() < 0.01, "{w1}");
        // Halfway it has zoomed out to see both places.
        let (_, wm) = fly.at(10.0 + fly.duration_s / 2.0).unwrap_or_else(|| panic!("arrived early"));
        assert!(wm > w0, "zooms out between: {wm} vs {w0}");
    }

    #[test]
    fn a_fly_on_the_spot_only_zooms() {
        let c = [0.83, 0.387];
        let fly = Fly::new(c, 12.0, c, 14.0, 1000.0, 0.0);
        let (m, w) = fly.at(fly.duration_s / 2.0).unwrap_or_else(|| panic!("arrived early"));
        assert_eq!(m, c);
        let (w12, w14) = (1000.0 / (256.0 * 4096.0), 1000.0 / (256.0 * 16384.0));
        assert!(w < w12 && w > w14, "{w}");
    }
}
