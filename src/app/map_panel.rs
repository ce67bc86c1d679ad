//! The main map: the app's map view in the central panel, the active tool's clicks and drawing
//! on top of it, and the basemap's problems over it.

use egui::CentralPanel;

use super::map_view::{LayerFilter, ViewInputs};
use super::tools::{MapInteraction, Tool};
use super::{AtlasApp, life_circle_panel, marks_tool, measure_tool, multi_select};

pub(super) fn show(app: &mut AtlasApp, ui: &mut egui::Ui) {
    // The plain background under the tiles: what shows offline or with no basemap.
    let paper = super::map_view::paper(ui.visuals().dark_mode);
    CentralPanel::default().frame(egui::Frame::NONE.fill(paper)).show(ui, |ui| {
        if app.compare.splitting() {
            super::compare::CompareState::prepare_views(app);
        }
        super::compare::prepare_swipe_basemap(app);
        let lang = app.lang();
        let tool = app.tool;
        // A briefing carries the data credit in its own line (present.rs).
        let data_credits = if app.presenting.active { Vec::new() } else { app.data_credits() };
        let data_line = (!data_credits.is_empty())
            .then(|| format!("{}{}", lang.t("数据 ", "Data "), data_credits.join(lang.t("；", "; "))));
        // A copy, so the swipe's divider can move while the map borrows the layers.
        let swipe = app.compare.swiping().then(|| app.compare.spec.clone());
        // The life circle labels its rings on top: the map's labels keep out of their way.
        let keep_out = match app.map.last_view {
            Some(v) => life_circle_panel::label_keep_out(app, ui.painter(), &v),
            None => Vec::new(),
        };
        let input = ViewInputs {
            layers: &app.layers,
            filter: swipe.as_ref().map_or(LayerFilter::Panel, LayerFilter::Swipe),
            selection: app.selection.as_ref(),
            english: lang.english(),
            text_scale: app.overlay_text_scale(),
            // A briefing always shows its legend.
            legend: app.persisted.show_legend || app.presenting.active,
            data_line,
            pick_on_click: tool == Tool::Select,
            // Dragging a mark moves it, not the map.
            pan_buttons: if marks_tool::holds_drag(app, ui) {
                egui::DragPanButtons::MIDDLE
            } else {
                multi_select::pan_buttons(tool, ui)
            },
            double_click_zoom: tool != Tool::Measure && tool != Tool::Marks,
            label_keep_out: &keep_out,
            marks: Some(&app.marks),
        };
        let out = if app.compare.splitting() {
            let area = ui.available_rect_before_wrap();
            let top_pt =
                if app.presenting.active { super::present::caption_band_pt(app.overlay_text_scale()) } else { 0.0 };
            let split = super::compare::show_split(&mut app.map, &mut app.compare, ui, area, &input, top_pt);
            if let Some(hit) = split.clicked {
                app.selection = hit;
            }
            split.first
        } else {
            app.map.show(ui, &input)
        };
        if let Some(hit) = out.clicked {
            app.selection = hit;
        }
        if app.compare.swiping() {
            super::compare::swipe_overlay(app, ui, out.response.rect);
        } else if !app.compare.splitting() {
            app.compare.area = None;
        }
        // Tools get the map's response after it is drawn, and paint on top of the layers.
        let interaction = MapInteraction {
            response: out.response.clone(),
            view: out.view,
            painter: ui.painter_at(out.response.rect),
        };
        match app.tool {
            Tool::Select => multi_select::on_map(app, &interaction),
            Tool::LifeCircle => life_circle_panel::on_map(app, &interaction),
            Tool::Measure => measure_tool::on_map(app, &interaction),
            Tool::Nearby => super::analysis_panel::on_map(app, &interaction),
            Tool::Marks => marks_tool::on_map(app, &interaction),
        }
        life_circle_panel::paint_overlay(app, &interaction);
        measure_tool::paint_overlay(app, &interaction);
        marks_tool::paint_overlay(app, &interaction);
        multi_select::paint_overlay(app, &interaction);
        if let Some(status) = app.map.tiles.as_ref().map(|t| t.status())
            && super::basemap_ui::problem_overlay(ui, out.response.rect, lang, &status, &app.persisted.basemap)
        {
            app.basemap_settings.open = true;
        }
    });
}
