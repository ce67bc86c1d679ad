//! The project card at the top of the info panel: the feature as a planning document presents a
//! project. Name, category and an accuracy badge; status and the key figures with their units;
//! the article's own wording; where the shape comes from. Below it the rest of the attributes,
//! by the layer's field schema: aliases, units, schema order, hidden fields left out.
//!
//! Everything shown goes through the schema ([`LayerSchema`]), so no property key of the embedded
//! data reaches the planner; a loaded file's keys show as they are unless its sidecar names them.

use egui::{Color32, RichText};
use serde_json::Value;

use super::info_panel::category_label;
use crate::Bilingual;
use crate::app::format::field_value;
use crate::app::{Lang, LayerEntry};
use crate::io::schema::SchemaError;
use crate::model::Feature;
use crate::model::LayerOrigin;
use crate::model::provenance::{self, Accuracy};
use crate::model::schema::{Field, LayerSchema, Role};

/// Text size of the key figures' values: a little larger than the body, as figures in a briefing.
const FIGURE_SIZE: f32 = 15.0;

/// Text size of the provenance line: a footnote, but one a planner can read without leaning in.
const PROVENANCE_SIZE: f32 = 12.0;

/// The names of the feature: (in the interface's language, in the other one if it differs).
pub fn names(f: &Feature, schema: &LayerSchema, english: bool) -> (String, Option<String>) {
    let zh = schema.text(Role::Name, &f.properties).or_else(|| f.name());
    let en = schema.text(Role::NameEn, &f.properties);
    let (first, second) = if english { (en.or(zh), zh) } else { (zh.or(en), en) };
    let first = first.unwrap_or("—").to_owned();
    (first.clone(), second.filter(|s| *s != first).map(str::to_owned))
}

/// Title, other-language name, and the chips: category and accuracy.
pub fn header(ui: &mut egui::Ui, lang: Lang, f: &Feature, schema: &LayerSchema) {
    let english = lang.english();
    let (name, other) = names(f, schema, english);
    ui.label(RichText::new(name).size(20.0).strong());
    if let Some(other) = other {
        ui.label(RichText::new(other).weak());
    }
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        if let Some(key) = schema.key_for(Role::Category, &f.properties)
            && let Some(raw) = f.properties.get(key).and_then(Value::as_str).filter(|s| !s.trim().is_empty())
        {
            let field = schema.field(key);
            let text = match field.value_label(raw, english) {
                Some(l) => l.to_owned(),
                None => capitalized(&category_label(raw, english)),
            };
            let (fill, fg) = neutral_colors(ui);
            chip(ui, &text, fill, fg);
        }
        let accuracy = Accuracy::of(f);
        if accuracy != Accuracy::Unknown {
            let (fill, fg) = accuracy_colors(accuracy, ui.visuals().dark_mode);
            chip(ui, accuracy.label(english), fill, fg).on_hover_text(where_from(f, schema, lang));
        }
    });
}

/// The card's body: status and key figures, the article's wording, and the provenance line.
pub fn body(ui: &mut egui::Ui, lang: Lang, f: &Feature, schema: &LayerSchema) {
    let english = lang.english();
    let status = schema.key_for(Role::Status, &f.properties);
    let figures: Vec<(std::borrow::Cow<'_, Field>, &Value)> = schema
        .ordered(&f.properties)
        .into_iter()
        .filter(|(fld, v)| fld.figure && !fld.hidden && fld.role.is_none() && !v.is_null())
        .collect();
    // A feature with nothing for the card (a plot with only a land-use code) gets no empty box.
    let described = schema.text(Role::Description, &f.properties).is_some();
    if status.is_none() && figures.is_empty() && !described && !has_provenance(f, schema, english) {
        return;
    }
    let frame = egui::Frame::group(ui.style()).fill(ui.visuals().faint_bg_color).inner_margin(egui::Margin::same(8));
    frame.show(ui, |ui| {
        ui.set_width(ui.available_width());
        // ---- Status and key figures ----
        let label_w = label_width(ui);
        if let Some(key) = status
            && let Some(v) = f.properties.get(key)
        {
            let fld = schema.field(key);
            row(ui, label_w, RichText::new(fld.label(english)).weak(), RichText::new(field_value(&fld, v, lang)));
        }
        for (fld, v) in &figures {
            let value = RichText::new(field_value(fld, v, lang)).size(FIGURE_SIZE).strong();
            row(ui, label_w, RichText::new(fld.label(english)).weak(), value);
        }
        // ---- The article's (or the plan's) own wording ----
        if let Some(key) = schema.key_for(Role::Description, &f.properties)
            && let Some(text) = schema.text(Role::Description, &f.properties)
        {
            ui.add_space(6.0);
            ui.label(RichText::new(schema.field(key).label(english)).small().weak());
            ui.add(egui::Label::new(format!("“{text}”")).wrap());
        }
        // ---- Where it comes from ----
        provenance_line(ui, lang, f, schema);
    });
}

/// Whether the feature says anything of where it comes from (accuracy, source, credit, link).
fn has_provenance(f: &Feature, schema: &LayerSchema, english: bool) -> bool {
    Accuracy::of(f) != Accuracy::Unknown
        || source_text(f, schema, english).is_some()
        || schema.text(Role::Credit, &f.properties).is_some()
        || schema.text(Role::Link, &f.properties).is_some_and(|l| l.starts_with("http://") || l.starts_with("https://"))
}

/// Accuracy, source, credit and link, small, at the foot of the card.
fn provenance_line(ui: &mut egui::Ui, lang: Lang, f: &Feature, schema: &LayerSchema) {
    let english = lang.english();
    let accuracy = Accuracy::of(f);
    let source = source_text(f, schema, english);
    let credit = schema.text(Role::Credit, &f.properties);
    let license = schema.text(Role::License, &f.properties);
    let link = schema.text(Role::Link, &f.properties).filter(|l| l.starts_with("http://") || l.starts_with("https://"));
    if !has_provenance(f, schema, english) {
        return;
    }
    ui.add_space(6.0);
    ui.separator();
    let label_w = label_width(ui);
    let small = |s: &str| RichText::new(s).size(PROVENANCE_SIZE);
    if accuracy != Accuracy::Unknown {
        row(ui, label_w, small(lang.t("精度", "Accuracy")).weak(), small(&provenance::accuracy_text(f, english)))
            .on_hover_text(where_from(f, schema, lang));
    }
    if let Some(s) = source {
        row(ui, label_w, small(lang.t("来源", "Source")).weak(), small(s));
    }
    if credit.is_some() || license.is_some() {
        let text = match (credit, license) {
            (Some(c), Some(l)) => format!("{c} · {l}"),
            (Some(c), None) => c.to_owned(),
            (None, Some(l)) => l.to_owned(),
            (None, None) => String::new(),
        };
        row(ui, label_w, small(lang.t("版权", "Credit")).weak(), small(&text));
    }
    if let Some(l) = link {
        row_with(ui, label_w, small(lang.t("链接", "Link")).weak(), |ui| {
            ui.add(egui::Hyperlink::from_label_and_url(small(l), l))
        });
    }
}

/// The width of the name column of the card's rows: room for six Chinese characters (产业规模目标)
/// on a narrow dock, never more than a third of it.
pub fn label_width(ui: &egui::Ui) -> f32 {
    (ui.available_width() * 0.34).clamp(64.0, 130.0)
}

/// A name and a value side by side, both wrapping within the panel's width (a grid of wrapping
/// labels grows wider than the dock); the value's response.
pub fn row(ui: &mut egui::Ui, label_w: f32, label: RichText, value: RichText) -> egui::Response {
    row_with(ui, label_w, label, |ui| ui.add(egui::Label::new(value).wrap())).1
}

/// A name and anything beside it, as [`row`]: the name's response and what `value` returned.
pub fn row_with<R>(
    ui: &mut egui::Ui,
    label_w: f32,
    label: RichText,
    value: impl FnOnce(&mut egui::Ui) -> R,
) -> (egui::Response, R) {
    ui.horizontal_top(|ui| {
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
        let name = ui
            .allocate_ui_with_layout(egui::vec2(label_w, 0.0), egui::Layout::top_down(egui::Align::Min), |ui| {
                ui.set_width(label_w);
                ui.add(egui::Label::new(label).wrap())
            })
            .inner;
        let inner = ui.vertical(|ui| value(ui)).inner;
        (name, inner)
    })
    .inner
}

/// The source in the interface's language, else in the other one.
fn source_text<'a>(f: &'a Feature, schema: &'a LayerSchema, english: bool) -> Option<&'a str> {
    let (zh, en) = (schema.text(Role::Source, &f.properties), schema.text(Role::SourceEn, &f.properties));
    if english { en.or(zh) } else { zh.or(en) }
}

/// The badge's tooltip: what the accuracy class means, where this shape comes from, and how the
/// tolerance was estimated, in the interface's language.
fn where_from(f: &Feature, schema: &LayerSchema, lang: Lang) -> String {
    let english = lang.english();
    let mut parts = vec![Accuracy::of(f).meaning(english).to_owned()];
    parts.extend(source_text(f, schema, english).map(str::to_owned));
    let (zh, en) = (schema.text(Role::ToleranceNote, &f.properties), schema.text(Role::ToleranceNoteEn, &f.properties));
    parts.extend(if english { en.or(zh) } else { zh.or(en) }.map(str::to_owned));
    parts.join("\n\n")
}

/// The attributes not on the card, in schema order, with their aliases and units, under their
/// heading, and what is wrong with the layer's sidecar if anything. A loaded file's field names
/// are on hover, for whoever writes its sidecar.
pub fn attributes(
    ui: &mut egui::Ui,
    lang: Lang,
    entry: &LayerEntry,
    f: &Feature,
    schema: &LayerSchema,
    problem: Option<&SchemaError>,
) {
    let english = lang.english();
    let show_keys = !matches!(entry.layer.origin, LayerOrigin::Embedded { .. });
    let rows: Vec<_> = schema
        .ordered(&f.properties)
        .into_iter()
        .filter(|(fld, _)| !fld.hidden && !fld.figure && fld.role.is_none())
        .collect();
    if rows.is_empty() && problem.is_none() {
        return;
    }
    ui.add_space(8.0);
    ui.label(RichText::new(lang.t("属性", "Attributes")).strong());
    if let Some(p) = problem {
        schema_problem(ui, lang, p);
    }
    let label_w = label_width(ui);
    for (i, (fld, v)) in rows.into_iter().enumerate() {
        // Every other row on a faint band, as a striped table, so a long value stays with its name.
        let fill = if i % 2 == 1 { ui.visuals().faint_bg_color } else { Color32::TRANSPARENT };
        egui::Frame::new().fill(fill).inner_margin(egui::Margin::symmetric(2, 2)).show(ui, |ui| {
            ui.set_width(ui.available_width());
            let name = RichText::new(fld.label(english)).weak();
            let (label, _) = match v {
                Value::String(s) if s.starts_with("http://") || s.starts_with("https://") => {
                    row_with(ui, label_w, name, |ui| ui.hyperlink(s))
                }
                _ => row_with(ui, label_w, name, |ui| ui.add(egui::Label::new(field_value(&fld, v, lang)).wrap())),
            };
            if show_keys && fld.has_alias() {
                label.on_hover_text(format!("{}{}", lang.t("字段：", "Field: "), fld.key));
            }
        });
    }
}

/// A line saying the layer's sidecar could not be used (the full message on hover).
fn schema_problem(ui: &mut egui::Ui, lang: Lang, problem: &SchemaError) {
    let file = problem
        .path()
        .file_name()
        .map_or_else(|| problem.path().display().to_string(), |n| n.to_string_lossy().into_owned());
    let text = match problem.line() {
        Some(line) => lang
            .t(
                &format!("字段配置 {file} 第 {line} 行有误，属性按原字段名显示"),
                &format!("The field schema {file} has an error on line {line}; fields show their names as in the file"),
            )
            .to_owned(),
        None => lang
            .t(
                &format!("无法使用字段配置 {file}，属性按原字段名显示"),
                &format!("The field schema {file} cannot be used; fields show their names as in the file"),
            )
            .to_owned(),
    };
    ui.add(egui::Label::new(RichText::new(text).size(PROVENANCE_SIZE).color(ui.visuals().error_fg_color)).wrap())
        .on_hover_text(problem.message(lang.english()));
}

/// A small rounded tag; its label's response (for a tooltip).
fn chip(ui: &mut egui::Ui, text: &str, fill: Color32, fg: Color32) -> egui::Response {
    egui::Frame::new()
        .fill(fill)
        .corner_radius(9.0)
        .inner_margin(egui::Margin::symmetric(7, 1))
        .show(ui, |ui| ui.label(RichText::new(text).size(12.0).color(fg)))
        .inner
}

fn neutral_colors(ui: &egui::Ui) -> (Color32, Color32) {
    (ui.visuals().widgets.inactive.weak_bg_fill, ui.visuals().text_color())
}

/// Amber for illustrative (a sketch: read with care), blue for approximate, green for official.
fn accuracy_colors(a: Accuracy, dark: bool) -> (Color32, Color32) {
    let rgb = Color32::from_rgb;
    match (a, dark) {
        (Accuracy::Official, false) => (rgb(220, 242, 226), rgb(22, 101, 52)),
        (Accuracy::Official, true) => (rgb(20, 70, 40), rgb(170, 235, 190)),
        (Accuracy::Approximate, false) => (rgb(219, 232, 252), rgb(30, 64, 160)),
        (Accuracy::Approximate, true) => (rgb(25, 50, 100), rgb(180, 205, 250)),
        (_, false) => (rgb(255, 236, 204), rgb(150, 78, 0)),
        (_, true) => (rgb(90, 60, 15), rgb(255, 210, 150)),
    }
}

/// "development district" → "Development district" (Chinese is unchanged).
fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
