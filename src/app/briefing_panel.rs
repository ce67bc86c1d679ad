//! The briefing window: the slide list (go to, add the current view, rename, notes, reorder,
//! delete), start presenting, and export to PNG and PDF in the background.

use egui::RichText;

use super::actions::Action;
#[cfg(feature = "image-export")]
pub use super::briefing_export::{ExportKind, ExportUi, start_export};
use super::{AtlasApp, Lang};

/// The briefing window's own state.
#[derive(Default)]
pub struct BriefingUi {
    /// The window is open.
    pub window_open: bool,
    /// Title typed for the next slide.
    pub new_title: String,
    /// Image and PDF export: the dialog asking where, the job running.
    #[cfg(feature = "image-export")]
    pub export: ExportUi,
}

/// Before the frame: an export's chosen path starts it; a finished export says where it wrote.
pub(super) fn logic(app: &mut AtlasApp) {
    #[cfg(feature = "image-export")]
    super::briefing_export::poll_export(app);
    #[cfg(not(feature = "image-export"))]
    let _ = app;
}

impl BriefingUi {
    /// Draw the window when open. Everything it changes in the briefing comes back as actions.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let mut actions = Vec::new();
        if !self.window_open {
            return actions;
        }
        let lang = app.lang();
        let mut open = self.window_open;
        egui::Window::new(lang.t("简报", "Briefing"))
            .id(egui::Id::unique("briefing_window"))
            .open(&mut open)
            .default_width(380.0)
            .default_pos(ui.ctx().content_rect().right_top() + egui::vec2(-400.0, 60.0))
            .show(ui.ctx(), |ui| self.contents(ui, app, lang, &mut actions));
        self.window_open = open;
        actions
    }

    fn contents(&mut self, ui: &mut egui::Ui, app: &AtlasApp, lang: Lang, actions: &mut Vec<Action>) {
        let briefing = &app.briefing;
        // ---- Presenting and the briefing's origin ----
        ui.horizontal(|ui| {
            if ui.button(RichText::new(lang.t("从头放映 (F5)", "Present from start (F5)")).strong()).clicked() {
                actions.push(Action::Present(0));
            }
            if ui.button(lang.t("从当前页放映", "From this slide")).clicked() {
                actions.push(Action::Present(briefing.current));
            }
        });
        if briefing.builtin {
            ui.label(
                RichText::new(lang.t(
                    "内置简报：由奎文区数据生成。编辑后随工作空间保存。",
                    "Built-in briefing, made from the Kuiwen data. Once edited it is saved with the workspace.",
                ))
                .weak(),
            );
        }
        ui.separator();
        // ---- New slide from the view ----
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.new_title)
                    .hint_text(lang.t("新幻灯片标题", "New slide title"))
                    .desired_width(200.0),
            );
            if ui.button(lang.t("添加当前视图", "Add current view")).clicked() {
                let title = if self.new_title.trim().is_empty() {
                    format!("{} {}", lang.t("视图", "View"), briefing.slides.len() + 1)
                } else {
                    self.new_title.trim().to_owned()
                };
                actions.push(Action::AddSlide(title));
                self.new_title.clear();
            }
        });
        ui.add_space(4.0);
        // ---- Slide list ----
        let english = lang.english();
        egui::ScrollArea::vertical().max_height(220.0).show(ui, |ui| {
            let count = briefing.slides.len();
            for (i, s) in briefing.slides.iter().enumerate() {
                ui.horizontal(|ui| {
                    let label = format!("{}. {}", i + 1, s.caption(english));
                    if ui.selectable_label(i == briefing.current, label).clicked() {
                        actions.push(Action::GoToSlide(i));
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui.small_button(lang.t("删除", "Delete")).clicked() {
                            actions.push(Action::EditBriefing(BriefingEdit::Delete(i)));
                        }
                        if ui.add_enabled(i + 1 < count, egui::Button::new("↓").small()).clicked() {
                            actions.push(Action::EditBriefing(BriefingEdit::Move { from: i, to: i + 1 }));
                        }
                        if ui.add_enabled(i > 0, egui::Button::new("↑").small()).clicked() {
                            actions.push(Action::EditBriefing(BriefingEdit::Move { from: i, to: i - 1 }));
                        }
                    });
                });
            }
        });
        // ---- The current slide's details ----
        if let Some(slide) = briefing.slides.get(briefing.current) {
            let i = briefing.current;
            ui.separator();
            // Editing the title edits the caption in the interface language.
            let mut title = match (&slide.title_en, english) {
                (Some(en), true) => en.clone(),
                _ => slide.title.clone(),
            };
            let mut subtitle = match (&slide.subtitle_en, english) {
                (Some(en), true) => en.clone(),
                _ => slide.subtitle.clone(),
            };
            let mut notes = slide.notes.clone();
            let mut edited = false;
            egui::Grid::new("slide_edit").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
                ui.label(lang.t("标题", "Title"));
                edited |= ui.add(egui::TextEdit::singleline(&mut title).desired_width(260.0)).changed();
                ui.end_row();
                ui.label(lang.t("副标题", "Subtitle"));
                edited |= ui.add(egui::TextEdit::singleline(&mut subtitle).desired_width(260.0)).changed();
                ui.end_row();
                ui.label(lang.t("讲稿", "Notes"));
                edited |= ui.add(egui::TextEdit::multiline(&mut notes).desired_rows(3).desired_width(260.0)).changed();
                ui.end_row();
            });
            if edited {
                actions.push(Action::EditBriefing(BriefingEdit::Texts { index: i, english, title, subtitle, notes }));
            }
            if ui.button(lang.t("用当前视图更新此页", "Update this slide to the current view")).clicked() {
                actions.push(Action::EditBriefing(BriefingEdit::UpdateView(i)));
            }
        }
        if !briefing.builtin && ui.button(lang.t("恢复内置简报", "Restore the built-in briefing")).clicked() {
            actions.push(Action::EditBriefing(BriefingEdit::RestoreBuiltin));
        }
        // ---- Export ----
        #[cfg(feature = "image-export")]
        {
            ui.separator();
            self.export.section(ui, app, lang, actions);
        }
    }
}

/// A change to the briefing from its window.
#[derive(Debug)]
pub enum BriefingEdit {
    /// Move a slide to another place.
    Move {
        /// Where it is.
        from: usize,
        /// Where it goes.
        to: usize,
    },
    /// Delete a slide.
    Delete(usize),
    /// New texts for a slide, in the interface's language.
    Texts {
        /// The slide.
        index: usize,
        /// The texts are the English ones (where the slide has English texts).
        english: bool,
        /// Title.
        title: String,
        /// Subtitle.
        subtitle: String,
        /// Speaker's notes.
        notes: String,
    },
    /// Put the map's current view into the slide, keeping its texts.
    UpdateView(usize),
    /// Back to the built-in briefing.
    RestoreBuiltin,
}

impl AtlasApp {
    /// Apply a change made in the briefing window; any change makes the briefing the planner's.
    pub(super) fn edit_briefing(&mut self, edit: BriefingEdit) {
        let slides = &mut self.briefing.slides;
        match edit {
            BriefingEdit::Move { from, to } if from < slides.len() && to < slides.len() => {
                slides.swap(from, to);
                self.briefing.current = to;
            }
            BriefingEdit::Delete(i) if i < slides.len() => {
                slides.remove(i);
                self.briefing.current = self.briefing.current.min(slides.len().saturating_sub(1));
            }
            BriefingEdit::Texts { index, english, title, subtitle, notes } => {
                let Some(slide) = slides.get_mut(index) else { return };
                match (&mut slide.title_en, english) {
                    (Some(en), true) => *en = title,
                    _ => slide.title = title,
                }
                match (&mut slide.subtitle_en, english) {
                    (Some(en), true) => *en = subtitle,
                    _ => slide.subtitle = subtitle,
                }
                slide.notes = notes;
            }
            BriefingEdit::UpdateView(i) => {
                let Some(old) = slides.get(i).cloned() else { return };
                let mut fresh = self.slide_from_view(&old.title);
                fresh.title_en = old.title_en;
                fresh.subtitle = old.subtitle;
                fresh.subtitle_en = old.subtitle_en;
                fresh.notes = old.notes;
                self.briefing.slides[i] = fresh;
            }
            BriefingEdit::RestoreBuiltin => {
                self.briefing = super::present::Briefing::builtin(&self.layers);
                return;
            }
            _ => return,
        }
        self.briefing.builtin = false;
    }
}
