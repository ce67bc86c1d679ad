//! Layers whose data is elsewhere: a PostGIS table followed live (`kuiwen_postgis::live`), or a
//! WFS / OGC API Features layer read for the map's view (`kuiwen_ogc`). Each has a worker
//! thread; between frames the map's view goes to the workers that read by view, and what they
//! report (features read, a new version, a lost connection) is applied to the layer here.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use kuiwen_core::Bilingual;
use kuiwen_ogc::{FeatureSource, FetchOptions};
use kuiwen_postgis::{ConnSpec, Event, LiveOptions, LiveTable, TableInfo};

use super::{AtlasApp, Notice};
use crate::model::{BBox, Feature, Layer, LayerOrigin, Style};

/// The most features one view of a service layer brings (its pages are followed up to this).
pub const SERVICE_MAX_FEATURES: usize = 200_000;

/// What a layer read by view says when its view holds more than a read takes
/// ([`kuiwen_postgis::read::VIEW_MAX_FEATURES`]).
const TOO_MANY_ZH: &str = "当前视图要素超过 20 万个，未显示；放大后显示";
const TOO_MANY_EN: &str = "Over 200,000 features in this view, none shown: zoom in to see them";

/// What a worker reports, in the app's terms.
enum Update {
    /// How the source is read: by view or whole, and its coordinate system's EPSG code.
    Ready { by_view: bool, epsg: Option<u32>, note: Option<String> },
    /// Features for the layer (a first read, or a new view), replaced silently.
    Read { features: Vec<Feature>, truncated: bool, elapsed: Duration },
    /// A new version of the same view: compared and highlighted.
    Changed { features: Vec<Feature>, truncated: bool },
    /// The source cannot be reached; the worker retries.
    Lost(String),
    /// Reached again.
    Restored,
    /// A problem that retrying will not mend.
    Failed(String),
}

/// The worker behind a remote layer.
enum Source {
    /// A PostGIS table.
    Table(LiveTable),
    /// A feature service layer.
    Service(ServiceWorker),
}

/// A layer whose data is elsewhere.
pub struct RemoteLayer {
    /// The layer's key in the app (the source text, without a password).
    pub key: String,
    source: Source,
    /// Whether it is read by view (a big table, any service layer).
    pub by_view: Option<bool>,
    /// The view last sent, and its tolerance.
    sent_view: Option<(BBox, f64)>,
    /// Whether its first features have come.
    arrived: bool,
    /// Whether the source cannot be reached now.
    pub lost: bool,
    added: Instant,
}

/// The key of a PostGIS layer: its connection text without the password.
pub fn table_key(spec: &ConnSpec) -> String {
    spec.to_spec()
}

impl AtlasApp {
    /// Add a database table as a live layer: an empty layer now, its features when the worker
    /// has read them (the whole table, or the map's view of a big one). Returns its key.
    pub fn add_database_layer(&mut self, spec: ConnSpec) -> Option<String> {
        let key = table_key(&spec);
        if self.layers.iter().any(|e| e.layer.key == key) {
            return Some(key);
        }
        let name = spec.table.as_ref().map(|t| t.name.clone()).unwrap_or_default();
        let ctx = self.egui_ctx.clone();
        match LiveTable::start(spec.clone(), LiveOptions::default(), move || ctx.request_repaint()) {
            Ok(live) => {
                let table = spec.table.as_ref().map(ToString::to_string);
                self.add_remote(key.clone(), name, "PostGIS", table, Source::Table(live));
                Some(key)
            }
            Err(e) => {
                self.notices.push(Notice { text: e.message(self.lang().english()), error: true });
                None
            }
        }
    }

    /// Add a WFS or OGC API Features layer, read for the map's view. Returns its key.
    pub fn add_service_layer(&mut self, source: FeatureSource) -> Option<String> {
        let key = source.to_spec();
        if self.layers.iter().any(|e| e.layer.key == key) {
            return Some(key);
        }
        let name = source.layer_label();
        let format = source.service.kind_label();
        let worker = ServiceWorker::start(source.clone(), self.egui_ctx.clone(), self.lang().english());
        self.add_remote(key.clone(), name, format, Some(source.layer.clone()), Source::Service(worker));
        Some(key)
    }

    fn add_remote(&mut self, key: String, name: String, format: &'static str, layer: Option<String>, source: Source) {
        let n = self.layers.iter().filter(|e| !matches!(e.layer.origin, LayerOrigin::Embedded { .. })).count();
        let origin = LayerOrigin::Remote { source: key.clone() };
        self.push_layer(Layer::new(&key, &name, &name, origin, Vec::new(), Style::distinct(n)));
        if let Some(e) = self.layers.last_mut() {
            e.source = crate::io::SourceInfo { format, encoding: None, layer, layers: Vec::new() };
        }
        let by_view = matches!(source, Source::Service(_)).then_some(true);
        self.remote_layers.push(RemoteLayer {
            key,
            source,
            by_view,
            sent_view: None,
            arrived: false,
            lost: false,
            added: Instant::now(),
        });
    }
}

/// Between frames: send the map's view to the layers read by view, and apply what the workers
/// report. Layers removed from the map stop their workers.
pub(super) fn logic(app: &mut AtlasApp) {
    if app.remote_layers.is_empty() {
        return;
    }
    let layers = &app.layers;
    app.remote_layers.retain(|l| layers.iter().any(|e| e.layer.key == l.key));
    // While a fit is pending the last view is about to change: reading it would fetch a view
    // the planner never sees (at start, whatever the map showed before the first fit).
    let view = app.last_view().filter(|_| app.map.pending_fit.is_none());
    let english = app.lang().english();
    let mut updates = Vec::new();
    for l in &mut app.remote_layers {
        if let (Some(v), Some(true)) = (view, l.by_view) {
            let inner = v.visible_bbox(0.0);
            // Half a pixel of simplification: invisible at this zoom.
            let tolerance_deg = v.metres_per_point() * 0.5 / 111_320.0;
            let covered = l.sent_view.is_some_and(|(b, t)| {
                b[0] <= inner[0]
                    && b[1] <= inner[1]
                    && b[2] >= inner[2]
                    && b[3] >= inner[3]
                    && (t / tolerance_deg - 1.0).abs() < 0.5
            });
            if !covered {
                // A margin of a third of the window, so a small pan needs no new read.
                let bbox = v.visible_bbox(v.rect.width().max(v.rect.height()) / 3.0);
                match &l.source {
                    Source::Table(t) => t.set_view(bbox, tolerance_deg),
                    Source::Service(s) => s.set_view(bbox),
                }
                l.sent_view = Some((bbox, tolerance_deg));
            }
        }
        match &l.source {
            Source::Table(t) => {
                while let Some(e) = t.try_event() {
                    updates.push((l.key.clone(), from_table(e, english)));
                }
            }
            Source::Service(s) => {
                while let Ok(u) = s.events.try_recv() {
                    updates.push((l.key.clone(), u));
                }
            }
        }
    }
    for (key, u) in updates {
        apply(app, &key, u);
    }
}

fn from_table(e: Event, english: bool) -> Update {
    match e {
        Event::Ready(info) => Update::Ready {
            by_view: !info.read_whole(),
            epsg: u32::try_from(info.srid).ok(),
            note: (!info.read_whole()).then(|| big_table_note(&info, english)),
        },
        Event::Read { features, truncated, elapsed } => Update::Read { features, truncated, elapsed },
        Event::Changed { features, truncated } => Update::Changed { features, truncated },
        Event::Lost(e) => Update::Lost(e.message(english)),
        Event::Restored => Update::Restored,
        Event::Failed(e) => Update::Failed(e.message(english)),
    }
}

fn big_table_note(info: &TableInfo, english: bool) -> String {
    let rows = info.rows.map(|n| super::format::number(n as f64, 0)).unwrap_or_default();
    if english {
        format!("{}: {rows} rows, read by view (the features in the map's extent)", info.table)
    } else {
        format!("{}：{rows} 行，数据量大，按当前视图读取", info.table)
    }
}

fn apply(app: &mut AtlasApp, key: &str, update: Update) {
    let lang = app.lang();
    let english = lang.english();
    let Some(pos) = app.remote_layers.iter().position(|l| l.key == key) else { return };
    let set_error = |app: &mut AtlasApp, text: Option<String>| {
        if let Some(e) = app.layers.iter_mut().find(|e| e.layer.key == key) {
            e.last_error = text;
        }
    };
    match update {
        Update::Ready { by_view, epsg, note } => {
            app.remote_layers[pos].by_view = Some(by_view);
            if let Some(e) = app.layers.iter_mut().find(|e| e.layer.key == key) {
                e.read_crs = epsg.and_then(|c| format!("EPSG:{c}").parse().ok());
            }
            if let Some(text) = note {
                app.notices.push(Notice { text, error: false });
            }
        }
        Update::Read { features, truncated, elapsed } => {
            let first = !app.remote_layers[pos].arrived;
            app.remote_layers[pos].arrived = true;
            let whole = app.remote_layers[pos].by_view == Some(false);
            let waited = app.remote_layers[pos].added.elapsed().max(elapsed);
            let generation = app.bump();
            let count = features.len();
            let mut fit = None;
            if let Some(e) = app.layers.iter_mut().find(|e| e.layer.key == key) {
                e.layer.set_features(features);
                e.generation = generation;
                e.last_error = truncated.then(|| lang.t(TOO_MANY_ZH, TOO_MANY_EN).to_owned());
                fit = e.layer.bbox.filter(|_| first && whole);
            }
            if first {
                let name = app.layer(key).map(|e| e.layer.name(english).to_owned()).unwrap_or_default();
                let text = if truncated {
                    format!("{name}: {}", lang.t(TOO_MANY_ZH, TOO_MANY_EN))
                } else {
                    format!(
                        "{} {name}: {count} {}（{:.1} s）",
                        lang.t("已载入", "Loaded"),
                        lang.t("个要素", "features"),
                        waited.as_secs_f64()
                    )
                };
                app.notices.push(Notice { text, error: false });
                if let Some(b) = fit.filter(|_| app.loader.restore.is_none()) {
                    app.fit(b);
                }
            }
        }
        Update::Changed { features, truncated } => {
            super::files::apply_new_version(app, key, features, lang.t("数据库已更新", "Database updated"));
            if truncated {
                let text = lang.t(TOO_MANY_ZH, TOO_MANY_EN);
                set_error(app, Some(text.to_owned()));
            }
        }
        Update::Lost(message) => {
            app.remote_layers[pos].lost = true;
            let note =
                lang.t("正在重新连接，仍显示最后一次读取的数据", "reconnecting; the last data read stays on screen");
            let text = format!("{message} — {note}");
            app.notices.push(Notice { text: text.clone(), error: true });
            set_error(app, Some(text));
        }
        Update::Restored => {
            app.remote_layers[pos].lost = false;
            let name = app.layer(key).map(|e| e.layer.name(english).to_owned()).unwrap_or_default();
            app.notices
                .push(Notice { text: format!("{} {name}", lang.t("已重新连接", "Reconnected:")), error: false });
            set_error(app, None);
        }
        Update::Failed(text) => {
            app.notices.push(Notice { text: text.clone(), error: true });
            set_error(app, Some(text));
        }
    }
}

/// A worker that reads a service layer for the latest view it was given.
struct ServiceWorker {
    views: Sender<BBox>,
    events: Receiver<Update>,
}

impl ServiceWorker {
    fn start(source: FeatureSource, ctx: egui::Context, english: bool) -> Self {
        let (views, view_rx) = channel::<BBox>();
        let (tx, events) = channel();
        std::thread::spawn(move || {
            let _ = tx.send(Update::Ready { by_view: true, epsg: Some(4326), note: None });
            let mut failing = false;
            loop {
                // The latest view wins: a pan sends several while a read runs.
                let Ok(mut bbox) = view_rx.recv() else { return };
                loop {
                    match view_rx.recv_timeout(Duration::from_millis(150)) {
                        Ok(b) => bbox = b,
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                let started = Instant::now();
                let options = FetchOptions { bbox_wgs84: Some(bbox), max_features: SERVICE_MAX_FEATURES };
                let update = match kuiwen_ogc::fetch_report(&source.service, &source.layer, &options, &|_| {}) {
                    Ok(got) => {
                        if std::mem::take(&mut failing) {
                            let _ = tx.send(Update::Restored);
                        }
                        Update::Read { features: got.features, truncated: false, elapsed: started.elapsed() }
                    }
                    Err(e) => {
                        failing = true;
                        Update::Failed(e.message(english))
                    }
                };
                if tx.send(update).is_err() {
                    return;
                }
                ctx.request_repaint();
            }
        });
        Self { views, events }
    }

    fn set_view(&self, bbox: BBox) {
        let _ = self.views.send(bbox);
    }
}
