//! PostGIS in the interface: the 数据库 window (connect, list the spatial tables, add one as a
//! layer, publish a layer to a table), and the live layers it adds, each followed by a worker
//! thread (`kuiwen_postgis::live`) whose reads, changes and lost connections are applied here
//! between frames.
//!
//! The password typed lives in this window and in the live layers' connections for the session
//! only: layer keys, details, notices, workspaces and the log carry the connection text without
//! it ([`ConnSpec::to_spec`], [`ConnSpec::display`]).

use std::sync::mpsc::{Receiver, channel};

use egui::RichText;
use kuiwen_core::Bilingual;
use kuiwen_postgis::{ConnSpec, PgEnv, PgError, PublishOptions, Published, TableInfo, TableName};

use super::actions::Action;
use super::{AtlasApp, Lang};

/// The SRIDs offered when publishing: the systems Kuiwen's data arrives in.
const PUBLISH_SRIDS: [(i32, &str, &str); 5] = [
    (4549, "CGCS2000 / 3° 高斯-克吕格 CM 120°E", "CGCS2000 / 3-degree Gauss-Kruger CM 120E"),
    (4528, "CGCS2000 / 3° 高斯-克吕格 40 带", "CGCS2000 / 3-degree Gauss-Kruger zone 40"),
    (4490, "CGCS2000 地理坐标", "CGCS2000 geographic"),
    (4326, "WGS84 经纬度", "WGS84 longitude/latitude"),
    (3857, "Web 墨卡托", "Web Mercator"),
];

/// The 数据库 window's state.
#[derive(Default)]
pub struct DatabaseWindow {
    /// Whether it is shown.
    pub open: bool,
    /// A connection text pasted whole (`PG:…`, `postgresql://…`); wins over the fields.
    pub text: String,
    /// Host.
    pub host: String,
    /// Port.
    pub port: String,
    /// Database.
    pub dbname: String,
    /// User.
    pub user: String,
    /// Password, for this session only.
    pub password: String,
    /// The connection the table list is of.
    connected: Option<ConnSpec>,
    /// The spatial tables listed.
    pub tables: Vec<TableInfo>,
    listing: Option<Receiver<Result<TableList, PgError>>>,
    /// The last problem, in the interface language.
    pub error: Option<String>,
    /// The layer to publish (its key).
    pub publish_layer: Option<String>,
    /// The table to publish to (`schema.name`).
    pub publish_table: String,
    /// The SRID to publish in.
    pub publish_srid: i32,
    /// The table exists: asking whether to overwrite it.
    pub confirm_overwrite: Option<String>,
    publishing: Option<Receiver<Result<Published, PgError>>>,
    /// What the last publish did, in the interface language.
    pub published: Option<String>,
    /// A WFS or OGC API Features address.
    pub service_url: String,
    /// The service's layers, once listed.
    pub service_layers: Vec<kuiwen_ogc::FeatureLayerInfo>,
    service: Option<kuiwen_ogc::FeatureService>,
    service_listing: Option<Receiver<Result<ServiceList, kuiwen_ogc::OgcError>>>,
}

/// A connection and its spatial tables.
type TableList = (ConnSpec, Vec<TableInfo>);

/// A service and its layers.
type ServiceList = (kuiwen_ogc::FeatureService, Vec<kuiwen_ogc::FeatureLayerInfo>);

impl DatabaseWindow {
    fn spec(&self) -> Result<ConnSpec, PgError> {
        let env = PgEnv::from_process();
        let mut spec = if self.text.trim().is_empty() {
            let mut t = String::from("PG:");
            for (k, v) in [("host", &self.host), ("port", &self.port), ("dbname", &self.dbname), ("user", &self.user)] {
                if !v.trim().is_empty() {
                    t.push_str(&format!(" {k}='{}'", v.trim().replace('\\', "\\\\").replace('\'', "\\'")));
                }
            }
            ConnSpec::parse(&t, &env)?
        } else {
            ConnSpec::parse(&self.text, &env)?
        };
        if !self.password.is_empty() {
            spec.password = Some(self.password.clone());
        }
        Ok(spec)
    }

    /// Open the window on a connection text and list its tables (a `PG:` text without a table,
    /// given on the command line).
    pub fn connect_to(&mut self, text: String, ctx: &egui::Context) {
        self.text = text;
        self.open = true;
        self.start_listing(ctx);
    }

    fn start_listing(&mut self, ctx: &egui::Context) {
        self.error = None;
        let spec = match self.spec() {
            Ok(s) => s,
            Err(e) => {
                self.error = Some(e.zh() + " / " + &e.en());
                return;
            }
        };
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let got =
                spec.connect().and_then(|mut c| kuiwen_postgis::list_tables(&mut c, &spec.server())).map(|t| (spec, t));
            let _ = tx.send(got);
            ctx.request_repaint();
        });
        self.listing = Some(rx);
    }

    fn start_publish(&mut self, app: &AtlasApp, overwrite: bool, ctx: &egui::Context) {
        self.published = None;
        self.error = None;
        let lang = app.lang();
        let Some(spec) = self.connected.clone() else { return };
        let table = match TableName::parse(&self.publish_table) {
            Ok(t) => t,
            Err(e) => {
                self.error = Some(e.message(lang.english()));
                return;
            }
        };
        let Some(entry) = self.publish_layer.as_deref().and_then(|k| app.layer(k)) else {
            self.error = Some(lang.t("请选择要发布的图层", "Choose a layer to publish").to_owned());
            return;
        };
        let features = entry.layer.features.clone();
        let options = PublishOptions { srid: self.publish_srid, overwrite };
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let got = spec.connect().and_then(|mut c| kuiwen_postgis::publish(&mut c, &table, &features, &options));
            let _ = tx.send(got);
            ctx.request_repaint();
        });
        self.publishing = Some(rx);
    }

    fn start_service_listing(&mut self, ctx: &egui::Context) {
        self.error = None;
        let url = self.service_url.trim().to_owned();
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let got = kuiwen_ogc::FeatureService::detect(&url)
                .and_then(|s| kuiwen_ogc::list_service_layers(&s).map(|layers| (s, layers)));
            let _ = tx.send(got);
            ctx.request_repaint();
        });
        self.service_listing = Some(rx);
    }

    /// Take what the background jobs finished.
    fn poll(&mut self, lang: Lang) {
        if let Some(rx) = &self.service_listing
            && let Ok(got) = rx.try_recv()
        {
            self.service_listing = None;
            match got {
                Ok((service, layers)) => {
                    self.service = Some(service);
                    self.service_layers = layers;
                }
                Err(e) => {
                    self.error = Some(e.message(lang.english()));
                    self.service_layers.clear();
                }
            }
        }
        if let Some(rx) = &self.listing
            && let Ok(got) = rx.try_recv()
        {
            self.listing = None;
            match got {
                Ok((spec, tables)) => {
                    self.connected = Some(spec);
                    self.tables = tables;
                }
                Err(e) => {
                    self.error = Some(e.message(lang.english()));
                    self.tables.clear();
                }
            }
        }
        if let Some(rx) = &self.publishing
            && let Ok(got) = rx.try_recv()
        {
            self.publishing = None;
            match got {
                Ok(p) => {
                    self.confirm_overwrite = None;
                    self.published = Some(format!(
                        "{} {}：{} {}，EPSG:{}，{}（{:.1} s）",
                        lang.t("已发布到", "Published to"),
                        p.table,
                        p.rows,
                        lang.t("个要素", "features"),
                        p.srid,
                        p.geometry_type,
                        p.elapsed.as_secs_f64()
                    ));
                }
                Err(PgError::Exists { table }) => self.confirm_overwrite = Some(table),
                Err(e) => self.error = Some(e.message(lang.english())),
            }
        }
    }

    /// The window.
    pub fn ui(&mut self, ui: &mut egui::Ui, app: &AtlasApp) -> Vec<Action> {
        let mut actions = Vec::new();
        if !self.open {
            return actions;
        }
        let lang = app.lang();
        self.poll(lang);
        if self.publish_srid == 0 {
            self.publish_srid = 4549;
        }
        let ctx = ui.ctx().clone();
        let mut open = self.open;
        egui::Window::new(lang.t("数据库与网络服务", "Databases and services"))
            .open(&mut open)
            .default_width(560.0)
            .show(&ctx, |ui| {
                self.connection_ui(ui, lang, &ctx);
                if !self.tables.is_empty() {
                    ui.separator();
                    self.tables_ui(ui, lang, app, &mut actions);
                }
                if self.connected.is_some() {
                    ui.separator();
                    self.publish_ui(ui, lang, app, &ctx);
                }
                ui.separator();
                self.service_ui(ui, lang, app, &ctx, &mut actions);
                if let Some(e) = &self.error {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
            });
        self.open = open;
        actions
    }

    fn connection_ui(&mut self, ui: &mut egui::Ui, lang: Lang, ctx: &egui::Context) {
        ui.label(lang.t("PostGIS 空间数据库（PostgreSQL）", "PostGIS spatial database (PostgreSQL)"));
        // Each field is labelled by the text before it (for screen readers and UI tests).
        let field = |ui: &mut egui::Ui, label: &str, value: &mut String, hint: &str, width: f32, password: bool| {
            let l = ui.label(label);
            // Sized, not desired-width: a grid would otherwise squeeze the first column's fields.
            ui.add_sized([width, 20.0], egui::TextEdit::singleline(value).hint_text(hint).password(password))
                .labelled_by(l.id)
        };
        egui::Grid::new("pg_fields").num_columns(4).show(ui, |ui| {
            field(ui, lang.t("主机", "Host"), &mut self.host, "localhost", 160.0, false);
            field(ui, lang.t("端口", "Port"), &mut self.port, "5432", 60.0, false);
            ui.end_row();
            field(ui, lang.t("数据库", "Database"), &mut self.dbname, "", 160.0, false);
            field(ui, lang.t("用户", "User"), &mut self.user, "", 120.0, false);
            ui.end_row();
            field(ui, lang.t("密码", "Password"), &mut self.password, "", 160.0, true).on_hover_text(lang.t(
                "只在本次运行中使用，不写入工作空间、日志或图片。留空则使用 PGPASSWORD 或 ~/.pgpass",
                "Used for this session only, never saved in a workspace, the log or an image. Empty: PGPASSWORD or ~/.pgpass",
            ));
            ui.end_row();
        });
        ui.horizontal(|ui| {
            field(
                ui,
                lang.t("或连接串", "Or a connection text"),
                &mut self.text,
                "PG:host=… dbname=… user=…",
                320.0,
                false,
            );
        });
        ui.horizontal(|ui| {
            let busy = self.listing.is_some();
            if ui.add_enabled(!busy, egui::Button::new(lang.t("连接并列出空间表", "Connect and list tables"))).clicked()
            {
                self.start_listing(ctx);
            }
            if busy {
                ui.spinner();
                ui.label(lang.t("正在连接…", "Connecting…"));
            } else if let Some(c) = &self.connected {
                ui.label(RichText::new(format!("{} {}", lang.t("已连接", "Connected to"), c.server())).weak());
            }
        });
    }

    fn tables_ui(&mut self, ui: &mut egui::Ui, lang: Lang, app: &AtlasApp, actions: &mut Vec<Action>) {
        let Some(spec) = self.connected.clone() else { return };
        ui.label(RichText::new(lang.t("空间表和视图", "Spatial tables and views")).strong());
        egui::ScrollArea::vertical().max_height(220.0).show(ui, |ui| {
            egui::Grid::new("pg_tables").striped(true).num_columns(6).show(ui, |ui| {
                for h in [
                    lang.t("表", "Table"),
                    lang.t("几何类型", "Geometry"),
                    "SRID",
                    lang.t("行数", "Rows"),
                    lang.t("读取方式", "Read"),
                    "",
                ] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for t in &self.tables {
                    let name = if t.is_view {
                        format!("{} ({})", t.table, lang.t("视图", "view"))
                    } else {
                        t.table.to_string()
                    };
                    ui.label(name);
                    ui.label(&t.geometry_type);
                    ui.label(t.srid.to_string());
                    ui.label(match t.rows {
                        Some(n) if t.rows_estimated => format!("≈{}", super::format::number(n as f64, 0)),
                        Some(n) => super::format::number(n as f64, 0),
                        None => "?".into(),
                    });
                    ui.label(if t.read_whole() {
                        lang.t("整表", "Whole")
                    } else {
                        lang.t("按视图（当前范围）", "By view (the map's extent)")
                    });
                    let key = super::remote::table_key(&spec.with_table(t.table.clone()));
                    let open = app.layer(&key).is_some();
                    if ui.add_enabled(!open, egui::Button::new(lang.t("添加图层", "Add layer"))).clicked() {
                        actions.push(Action::AddDatabaseLayer(Box::new(spec.with_table(t.table.clone()))));
                    }
                    ui.end_row();
                }
            });
        });
    }

    fn publish_ui(&mut self, ui: &mut egui::Ui, lang: Lang, app: &AtlasApp, ctx: &egui::Context) {
        ui.label(RichText::new(lang.t("发布图层到数据库（成果共享）", "Publish a layer to the database")).strong());
        let english = lang.english();
        egui::Grid::new("pg_publish").num_columns(2).show(ui, |ui| {
            ui.label("");
            let current = self
                .publish_layer
                .as_deref()
                .and_then(|k| app.layer(k))
                .map(|e| e.layer.name(english).to_owned())
                .unwrap_or_else(|| lang.t("（选择）", "(choose)").to_owned());
            egui::ComboBox::new("pg_publish_layer", lang.t("要发布的图层", "Layer to publish"))
                .selected_text(current)
                .width(260.0)
                .show_ui(ui, |ui| {
                    for e in app.layers.iter().rev() {
                        let label = format!("{} ({})", e.layer.name(english), e.layer.features.len());
                        if ui
                            .selectable_label(self.publish_layer.as_deref() == Some(e.layer.key.as_str()), label)
                            .clicked()
                        {
                            self.publish_layer = Some(e.layer.key.clone());
                            if self.publish_table.trim().is_empty() {
                                self.publish_table = e.layer.name_zh.clone();
                            }
                        }
                    }
                });
            ui.end_row();
            let l = ui.label(lang.t("表名", "Table"));
            ui.add(egui::TextEdit::singleline(&mut self.publish_table).hint_text("public.成果").desired_width(260.0))
                .labelled_by(l.id);
            ui.end_row();
            ui.label("");
            let shown = PUBLISH_SRIDS
                .iter()
                .find(|(s, ..)| *s == self.publish_srid)
                .map(|(s, zh, en)| format!("EPSG:{s} {}", if english { en } else { zh }))
                .unwrap_or_else(|| format!("EPSG:{}", self.publish_srid));
            egui::ComboBox::new("pg_publish_srid", lang.t("表的坐标系", "Table's coordinate system"))
                .selected_text(shown)
                .width(260.0)
                .show_ui(ui, |ui| {
                    for (s, zh, en) in PUBLISH_SRIDS {
                        let label = format!("EPSG:{s} {}", if english { en } else { zh });
                        ui.selectable_value(&mut self.publish_srid, s, label);
                    }
                });
            ui.end_row();
        });
        ui.horizontal(|ui| {
            let busy = self.publishing.is_some();
            if ui
                .add_enabled(!busy && self.confirm_overwrite.is_none(), egui::Button::new(lang.t("发布", "Publish")))
                .clicked()
            {
                self.start_publish(app, false, ctx);
            }
            if busy {
                ui.spinner();
            }
        });
        if let Some(t) = self.confirm_overwrite.clone() {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!(
                    "{t} {}",
                    lang.t(
                        "已存在。覆盖它吗？原表将被替换（在一个事务中）。",
                        "exists. Overwrite it? The table is replaced, in one transaction."
                    )
                ),
            );
            ui.horizontal(|ui| {
                if ui.button(lang.t("覆盖", "Overwrite")).clicked() {
                    self.confirm_overwrite = None;
                    self.start_publish(app, true, ctx);
                }
                if ui.button(lang.t("取消", "Cancel")).clicked() {
                    self.confirm_overwrite = None;
                }
            });
        }
        if let Some(p) = &self.published {
            ui.label(p);
        }
    }

    fn service_ui(
        &mut self,
        ui: &mut egui::Ui,
        lang: Lang,
        app: &AtlasApp,
        ctx: &egui::Context,
        actions: &mut Vec<Action>,
    ) {
        ui.label(
            RichText::new(lang.t("网络要素服务（WFS、OGC API Features）", "Feature services (WFS, OGC API Features)"))
                .strong(),
        );
        ui.horizontal(|ui| {
            let l = ui.label(lang.t("服务地址", "Service address"));
            ui.add(
                egui::TextEdit::singleline(&mut self.service_url)
                    .hint_text("https://…/geoserver/wfs")
                    .desired_width(330.0),
            )
            .labelled_by(l.id);
            let busy = self.service_listing.is_some();
            if ui
                .add_enabled(
                    !busy && !self.service_url.trim().is_empty(),
                    egui::Button::new(lang.t("列出服务图层", "List layers")),
                )
                .clicked()
            {
                self.start_service_listing(ctx);
            }
            if busy {
                ui.spinner();
            }
        });
        let Some(service) = self.service.clone() else { return };
        if self.service_layers.is_empty() {
            return;
        }
        ui.label(
            RichText::new(lang.t(
                "按当前视图读取（GeoJSON，自动翻页），移动地图时更新",
                "Read for the map's view (GeoJSON, every page), again as the map moves",
            ))
            .small()
            .weak(),
        );
        egui::ScrollArea::vertical().id_salt("service_layers").max_height(180.0).show(ui, |ui| {
            egui::Grid::new("service_layers_grid").striped(true).num_columns(4).show(ui, |ui| {
                for h in [lang.t("名称", "Name"), lang.t("标题", "Title"), lang.t("坐标系", "CRS"), ""] {
                    ui.label(RichText::new(h).strong());
                }
                ui.end_row();
                for l in &self.service_layers {
                    ui.label(&l.name);
                    ui.label(&l.title);
                    ui.label(l.default_crs.as_deref().unwrap_or("—"));
                    let source = kuiwen_ogc::FeatureSource { service: service.clone(), layer: l.name.clone() };
                    let open = app.layer(&source.to_spec()).is_some();
                    if ui.add_enabled(!open, egui::Button::new(lang.t("添加服务图层", "Add service layer"))).clicked()
                    {
                        actions.push(Action::AddServiceLayer(Box::new(source)));
                    }
                    ui.end_row();
                }
            });
        });
    }
}
