//! Workspace files: which layers are open (by path relative to the workspace), their declared
//! coordinate system, styles, visibility and order, the basemap and the view.
//!
//! Saved atomically: written to a temporary file beside the target, flushed to disk, then
//! renamed over it, so a crash or a full disk never leaves a half-written workspace behind.

use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::atomic;
use super::crs::Crs;
use crate::i18n::{Bilingual, io_error_zh};
use crate::model::Style;

/// The current workspace format version.
///
/// Still 1, although [`Workspace::layers`] is now read as the exact list of layers shown (an
/// embedded layer left out is not shown). Every workspace the app has written lists all the
/// embedded layers it had, so those files reopen as before. Older builds still open the files
/// written now (a higher version would make them refuse): at worst they also show embedded
/// layers the file leaves out, as they always did. Only hand-written files that leave embedded
/// data out read differently now, and for them the exact list is what was meant.
pub const WORKSPACE_VERSION: u32 = 1;

/// Workspace files larger than this are refused before reading (16 MiB). A workspace lists layers
/// by path and holds a few styles and views: even hundreds of layers stay under 1 MiB, so a bigger
/// file is a data file chosen by mistake, and reading it whole could exhaust memory.
pub const MAX_WORKSPACE_BYTES: u64 = 16 << 20;

/// Why a workspace could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkspaceError {
    /// Reading or writing failed; the previous workspace file, if any, is untouched.
    #[error("{action} {}: {source}", path.display())]
    Io {
        /// What was being done: reading, encoding or writing.
        action: WorkspaceAction,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not a workspace file.
    #[error("{} is not a Kuiwen Atlas workspace: {message} (line {line}, column {column})", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What serde said, or [`NOT_UTF8`].
        message: String,
        /// Line.
        line: usize,
        /// Column.
        column: usize,
    },
    /// Written by a newer version of the app.
    #[error("{} is a workspace of version {found}; this app reads up to version {WORKSPACE_VERSION}", path.display())]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
    },
    /// Far larger than any workspace the app writes (a wrong file chosen?).
    #[error(
        "{} is {size_bytes} bytes; a workspace is at most {MAX_WORKSPACE_BYTES} bytes (is it a data file? open GeoJSON with 打开/Open)",
        path.display()
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size_bytes: u64,
    },
}

/// The [`WorkspaceError::Format`] message of a file that is not UTF-8 text.
pub const NOT_UTF8: &str = "the file is not UTF-8 text";

/// What was being done with a workspace file when [`WorkspaceError::Io`] happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkspaceAction {
    /// Reading the file.
    Read,
    /// Turning the workspace into JSON text.
    Encode,
    /// Writing the file.
    Write,
}

impl std::fmt::Display for WorkspaceAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WorkspaceAction::Read => "cannot read",
            WorkspaceAction::Encode => "cannot encode",
            WorkspaceAction::Write => "cannot write",
        })
    }
}

impl Bilingual for WorkspaceError {
    fn zh(&self) -> String {
        match self {
            WorkspaceError::Io { action, path, source } => {
                let action = match action {
                    WorkspaceAction::Read => "无法读取工作空间",
                    WorkspaceAction::Encode => "无法生成工作空间内容",
                    WorkspaceAction::Write => "无法写入工作空间",
                };
                format!("{action} {}：{}", path.display(), io_error_zh(source))
            }
            WorkspaceError::Format { path, message, line, column } => {
                let why = if message == NOT_UTF8 { "文件不是 UTF-8 文本" } else { message.as_str() };
                format!("{} 不是奎文规划一张图的工作空间文件：{why}（第 {line} 行，第 {column} 列）", path.display())
            }
            WorkspaceError::TooNew { path, found } => format!(
                "{} 是第 {found} 版的工作空间，由更新版本的程序保存；本程序只能读取第 {WORKSPACE_VERSION} 版及以前的工作空间",
                path.display()
            ),
            WorkspaceError::TooLarge { path, size_bytes } => format!(
                "{} 大小为 {size_bytes} 字节，而工作空间文件最大 {MAX_WORKSPACE_BYTES} 字节（是否选成了数据文件？GeoJSON 等数据请用“打开数据…”打开）",
                path.display()
            ),
        }
    }
}

/// Where a workspace layer's data comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LayerSource {
    /// One of the embedded Kuiwen files, by file name.
    Embedded {
        /// e.g. `parks.geojson`.
        file: String,
    },
    /// A file on disk; relative paths are relative to the workspace file's folder.
    File {
        /// The path as stored.
        path: PathBuf,
    },
    /// A table in a spatial database or a layer of a feature service.
    Remote {
        /// The source as the command line names it (`PG:… table=…`, `WFS:…`, `OAPIF:…`), with
        /// no password (it comes from PGPASSWORD, the password file, or the 连接数据库 window) and
        /// keys in the address saved as `***`.
        source: String,
    },
    /// A layer the app made (statistics, overlays, kept measurements), kept in the workspace
    /// itself as GeoJSON text: it has no file of its own, and a result that vanished when the
    /// workspace reopened would be a result lost.
    Result {
        /// The layer's key (e.g. `stats:facilities:communities`).
        key: String,
        /// Its English name.
        name_en: String,
        /// The features as an RFC 7946 FeatureCollection.
        geojson: String,
    },
}

/// Result layers larger than this (as GeoJSON) are not kept inside a workspace, which has to stay
/// under [`MAX_WORKSPACE_BYTES`]; the planner is told to export them to a file instead.
pub const MAX_RESULT_BYTES: usize = 4 << 20;

/// One layer of a workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceLayer {
    /// Where its data is.
    pub source: LayerSource,
    /// Display name (the Chinese one; it is the English one too when it is not the app's own
    /// name for the layer). Kept when the file is read and reloaded.
    pub name: String,
    /// The declared coordinate system, if any (a name, `EPSG:4528`, or a PROJ string carrying
    /// the user's seven parameters).
    #[serde(default)]
    pub crs: Option<Crs>,
    /// The declared text encoding of the attributes, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<crate::io::formats::TextEncoding>,
    /// The layer of a file that holds several (GeoPackage table, File Geodatabase feature class).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// Style.
    #[serde(default)]
    pub style: Style,
    /// Shown or not.
    #[serde(default = "yes")]
    pub visible: bool,
    /// Reload when the file changes.
    #[serde(default = "yes")]
    pub auto_reload: bool,
}

fn yes() -> bool {
    true
}

/// The map view.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViewState {
    /// Centre, lon/lat.
    pub center_lon_lat: [f64; 2],
    /// Zoom level.
    pub zoom: f64,
}

/// A saved workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// Format version.
    pub version: u32,
    /// The layers shown, bottom first: exactly these, in this order, with these names, styles
    /// and visibility. An embedded layer that is not listed is not shown; an empty list shows
    /// the basemap alone.
    pub layers: Vec<WorkspaceLayer>,
    /// The basemap as on the command line (`osm`, a template, a file).
    #[serde(default)]
    pub basemap: Option<String>,
    /// The view, restored as saved however long the files take to load; None: the layers are
    /// fitted once they are all loaded.
    #[serde(default)]
    pub view: Option<ViewState>,
    /// The briefing: saved views (slides) in presenting order.
    #[serde(default)]
    pub bookmarks: Vec<crate::model::briefing::Slide>,
    /// The comparison open when saved (split views or swipe), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<crate::model::compare::Compare>,
    /// Groups of the layer tree that were collapsed (`base`, `plan`, `grids`, `facilities`,
    /// `files`, `results`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collapsed_groups: Vec<String>,
    /// The planner's marks (标注).
    #[serde(default, skip_serializing_if = "crate::model::marks::Marks::is_empty")]
    pub marks: crate::model::marks::Marks,
    /// Print layouts: the page set-up and element positions last used, and the planner's own
    /// templates.
    #[serde(default, skip_serializing_if = "crate::model::layout::PrintSettings::is_default")]
    pub print: crate::model::layout::PrintSettings,
}

impl Default for Workspace {
    fn default() -> Self {
        Self {
            version: WORKSPACE_VERSION,
            layers: Vec::new(),
            basemap: None,
            view: None,
            bookmarks: Vec::new(),
            compare: None,
            collapsed_groups: Vec::new(),
            marks: Default::default(),
            print: Default::default(),
        }
    }
}

impl Workspace {
    /// Read a workspace file. Layer paths stay as stored; resolve them with [`resolve`].
    pub fn load(path: &Path) -> Result<Self, WorkspaceError> {
        use std::io::Read;
        let io = |source| WorkspaceError::Io { action: WorkspaceAction::Read, path: path.to_path_buf(), source };
        let file = std::fs::File::open(path).map_err(io)?;
        let size_bytes = file.metadata().map_err(io)?.len();
        if size_bytes > MAX_WORKSPACE_BYTES {
            return Err(WorkspaceError::TooLarge { path: path.to_path_buf(), size_bytes });
        }
        // Read at most one byte past the limit: the file may grow between the check and the read.
        let mut bytes = Vec::with_capacity(size_bytes as usize);
        file.take(MAX_WORKSPACE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() as u64 > MAX_WORKSPACE_BYTES {
            return Err(WorkspaceError::TooLarge { path: path.to_path_buf(), size_bytes: bytes.len() as u64 });
        }
        Self::parse(&bytes, path)
    }

    /// Read a workspace from its bytes; `path` only names the file in messages. Never panics,
    /// whatever the bytes (fuzzed: `fuzz/fuzz_targets/workspace.rs`).
    pub fn parse(bytes: &[u8], path: &Path) -> Result<Self, WorkspaceError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let upto = &bytes[..e.valid_up_to()];
            WorkspaceError::Format {
                path: path.to_path_buf(),
                message: NOT_UTF8.to_owned(),
                line: upto.iter().filter(|&&b| b == b'\n').count() + 1,
                column: upto.iter().rev().take_while(|&&b| b != b'\n').count() + 1,
            }
        })?;
        let ws: Workspace =
            serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| WorkspaceError::Format {
                path: path.to_path_buf(),
                message: e.to_string().split(" at line").next().unwrap_or_default().to_owned(),
                line: e.line().max(1),
                column: e.column().max(1),
            })?;
        if ws.version > WORKSPACE_VERSION {
            return Err(WorkspaceError::TooNew { path: path.to_path_buf(), found: ws.version });
        }
        let mut ws = ws;
        ws.sanitize();
        Ok(ws)
    }

    /// Numbers from the file in ranges the app can use: styles clamped, a view that is not on
    /// Earth (or at a zoom no map has) dropped, so the map fits the layers instead.
    fn sanitize(&mut self) {
        for l in &mut self.layers {
            l.style.sanitize();
        }
        if let Some(v) = self.view {
            let [lon, lat] = v.center_lon_lat;
            let on_earth = (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat);
            if !on_earth || !(0.0..=26.0).contains(&v.zoom) {
                self.view = None;
            }
        }
        // Comparisons: two to four views, the divider inside the map.
        self.compare = self.compare.take().map(crate::model::compare::Compare::normalized);
        // Slides: a view off the Earth is dropped (the slide is useless without one), a bad
        // extent is forgotten (the centre and zoom remain), styles are clamped.
        self.bookmarks.retain(|s| {
            let [lon, lat] = s.center_lon_lat;
            (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) && (0.0..=26.0).contains(&s.zoom)
        });
        for s in &mut self.bookmarks {
            let valid = |b: &crate::model::BBox| {
                b.iter().all(|v| v.is_finite())
                    && (-180.0..=180.0).contains(&b[0])
                    && (-180.0..=180.0).contains(&b[2])
                    && (-90.0..=90.0).contains(&b[1])
                    && (-90.0..=90.0).contains(&b[3])
                    && b[0] < b[2]
                    && b[1] < b[3]
            };
            if s.extent.as_ref().is_some_and(|b| !valid(b)) {
                s.extent = None;
            }
            if s.life_circle.is_some_and(|c| !c.center_lon_lat.iter().all(|v| v.is_finite())) {
                s.life_circle = None;
            }
            s.compare = s.compare.take().map(crate::model::compare::Compare::normalized);
            for l in s.layers.iter_mut().flatten() {
                if let Some(style) = &mut l.style {
                    style.sanitize();
                }
            }
        }
    }

    /// Write the workspace atomically (temporary file, flush, rename). File layer paths are
    /// stored relative to the workspace's folder where possible.
    pub fn save(&self, path: &Path) -> Result<(), WorkspaceError> {
        self.save_through(path, atomic::create_new)
    }

    /// [`Workspace::save`], creating the temporary file with `open` (a test's full disk).
    pub fn save_through<S: atomic::Sink>(
        &self,
        path: &Path,
        open: impl FnOnce(&Path) -> std::io::Result<S>,
    ) -> Result<(), WorkspaceError> {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let mut ws = self.clone();
        ws.version = WORKSPACE_VERSION;
        // A workspace is shared with colleagues; the key in a custom tile URL is the user's own.
        ws.basemap = ws.basemap.as_deref().map(redact_url_secrets);
        for s in &mut ws.bookmarks {
            s.basemap = s.basemap.as_deref().map(redact_url_secrets);
        }
        let comparisons = ws.compare.iter_mut().chain(ws.bookmarks.iter_mut().filter_map(|s| s.compare.as_mut()));
        for v in comparisons.flat_map(|c| c.views.iter_mut()) {
            v.basemap = v.basemap.as_deref().map(redact_url_secrets);
        }
        for l in &mut ws.layers {
            if let LayerSource::File { path: p } = &mut l.source {
                *p = relative_to(p, folder);
            }
        }
        let text = serde_json::to_string_pretty(&ws).map_err(|e| WorkspaceError::Io {
            action: WorkspaceAction::Encode,
            path: path.to_path_buf(),
            source: std::io::Error::other(e),
        })?;
        atomic::write_through(path, text.as_bytes(), open).map_err(|source| WorkspaceError::Io {
            action: WorkspaceAction::Write,
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Query parameters of tile URLs that carry secrets (API keys, tokens).
const SECRET_PARAMS: [&str; 9] =
    ["tk", "key", "apikey", "api_key", "access_token", "accesstoken", "token", "secret", "password"];

/// `url` with the values of secret-carrying query parameters (`tk`, `key`, `access_token`…)
/// replaced by `***`. [`Workspace::save`] stores custom tile URLs this way;
/// [`restore_url_secrets`] puts the user's own key back when the workspace is opened again.
pub fn redact_url_secrets(url: &str) -> String {
    let Some((head, rest)) = url.split_once('?') else { return url.to_owned() };
    let (query, fragment) = match rest.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (rest, None),
    };
    let pairs: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if !value.is_empty() && SECRET_PARAMS.contains(&name.to_ascii_lowercase().as_str()) => {
                format!("{name}=***")
            }
            _ => pair.to_owned(),
        })
        .collect();
    let mut out = format!("{head}?{}", pairs.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The full URL among `known` (the user's own recent tile URLs) that `saved` is the redacted form
/// of, if any.
pub fn restore_url_secrets<'a>(saved: &str, known: impl IntoIterator<Item = &'a str>) -> Option<String> {
    if !saved.contains("=***") {
        return None;
    }
    known.into_iter().find(|k| *k != saved && redact_url_secrets(k) == saved).map(str::to_owned)
}

/// The absolute path of a stored layer path, relative to the workspace file.
pub fn resolve(stored: &Path, workspace_file: &Path) -> PathBuf {
    if stored.is_absolute() {
        return stored.to_path_buf();
    }
    workspace_file.parent().unwrap_or(Path::new(".")).join(stored)
}

/// `path` relative to `base` when both are on the same root, else `path` made absolute.
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (path, base) = (abs(path), abs(base));
    let pc: Vec<Component> = path.components().collect();
    let bc: Vec<Component> = base.components().collect();
    let common = pc.iter().zip(&bc).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return path;
    }
    let mut out = PathBuf::new();
    for _ in common..bc.len() {
        out.push("..");
    }
    for c in &pc[common..] {
        out.push(c.as_os_str());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_edited_numbers_are_brought_into_range_and_the_result_saves_and_loads() {
        let text = r#"{"version":1,"layers":[{"source":{"kind":"embedded","file":"parks.geojson"},"name":"p",
            "style":{"stroke_width_pt":1e39,"opacity":7,"point_radius_pt":-2}}],
            "view":{"center_lon_lat":[1e300,36.7],"zoom":13}}"#;
        let ws = Workspace::parse(text.as_bytes(), Path::new("w.kuiwen.json")).unwrap_or_else(|e| panic!("{e}"));
        let style = &ws.layers[0].style;
        assert!(style.stroke_width_pt.is_finite() && style.opacity == 1.0 && style.point_radius_pt == 0.0, "{style:?}");
        assert_eq!(ws.view, None, "a view off the Earth is dropped");
        // Before sanitising, 1e39 became an infinite f32, saved as null, and the file no longer loaded.
        let saved = serde_json::to_vec(&ws).unwrap_or_else(|e| panic!("{e}"));
        assert!(Workspace::parse(&saved, Path::new("w.kuiwen.json")).is_ok());
        let e = Workspace::parse(b"{\"version\":1,\n\"layers\":[\n", Path::new("w.kuiwen.json")).err();
        assert!(e.is_some_and(|e| matches!(e, WorkspaceError::Format { line: 3.., column: 1.., .. })));
    }

    #[test]
    fn secrets_in_tile_urls_are_redacted_and_restored_from_the_users_own() {
        let url = "https://tiles.example.com/{z}/{x}/{y}.png?style=a&Key=s3cr3t&tk=abc#x";
        let saved = redact_url_secrets(url);
        assert_eq!(saved, "https://tiles.example.com/{z}/{x}/{y}.png?style=a&Key=***&tk=***#x");
        assert_eq!(redact_url_secrets("https://a/{z}/{x}/{y}.png"), "https://a/{z}/{x}/{y}.png");
        assert_eq!(restore_url_secrets(&saved, ["https://other/?key=1", url]), Some(url.to_owned()));
        assert_eq!(restore_url_secrets(&saved, ["https://other/?key=1"]), None);
        assert_eq!(restore_url_secrets(url, [url]), None, "nothing to restore");
    }

    #[test]
    fn a_comparison_round_trips_without_its_keys() {
        use crate::model::compare::{Compare, CompareMode, CompareView};
        let mut second = CompareView::of("2020 版", &["plan2020"]);
        second.basemap = Some("https://t.example.com/{z}/{x}/{y}.png?tk=s3cr3t".to_owned());
        let compare = Compare {
            mode: CompareMode::Swipe,
            views: vec![CompareView::of("2017 版", &["plan2017"]), second],
            swipe_position: 0.3,
            ..Default::default()
        };
        let ws = Workspace { compare: Some(compare.clone()), ..Default::default() };
        let dir = std::env::temp_dir().join(format!("kuiwen-ws-compare-{}", std::process::id()));
        let path = dir.join("w.kuiwen.json");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        ws.save(&path).unwrap_or_else(|e| panic!("{e}"));
        let saved = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(!saved.contains("s3cr3t") && saved.contains("tk=***"), "{saved}");
        let back = Workspace::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let back = back.compare.unwrap_or_else(|| panic!("no comparison in {saved}"));
        assert_eq!(back.mode, CompareMode::Swipe);
        assert_eq!(back.swipe_position, 0.3);
        assert_eq!(back.views[0], compare.views[0]);
        assert_eq!(back.views[1].layers, compare.views[1].layers);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn hand_edited_slides_are_checked_and_their_keys_not_saved() {
        let text = r#"{"version":1,"layers":[],"bookmarks":[
            {"title":"ok","center_lon_lat":[119.1,36.7],"zoom":13,"extent":[119.2,36.6,119.1,36.8],
             "basemap":"https://t.example.com/{z}/{x}/{y}.png?tk=s3cr3t"},
            {"title":"off the Earth","center_lon_lat":[500,36.7],"zoom":13},
            {"title":"no zoom","center_lon_lat":[119.1,36.7],"zoom":99}]}"#;
        let ws = Workspace::parse(text.as_bytes(), Path::new("w.kuiwen.json")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ws.bookmarks.len(), 1, "slides with no usable view are dropped");
        assert_eq!(ws.bookmarks[0].extent, None, "an inverted extent is forgotten");
        let dir = std::env::temp_dir().join(format!("kuiwen-ws-slides-{}", std::process::id()));
        let path = dir.join("w.kuiwen.json");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        ws.save(&path).unwrap_or_else(|e| panic!("{e}"));
        let saved = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(!saved.contains("s3cr3t") && saved.contains("tk=***"), "{saved}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn errors_say_the_file_and_the_figures_in_chinese_too() {
        let dir = std::env::temp_dir().join(format!("kuiwen-ws-errors-{}", std::process::id()));
        let missing = dir.join("规划 2035.kuiwen.json");
        let e = Workspace::load(&missing).err().unwrap_or_else(|| panic!("a missing file loads"));
        let shown = missing.display().to_string();
        assert!(e.zh().contains(&shown) && e.zh().contains("无法读取工作空间"), "{}", e.zh());
        assert!(e.zh().contains("文件不存在"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        assert!(e.en().contains(&shown), "{e}");

        let e = WorkspaceError::TooLarge { path: PathBuf::from("/data/parcels.json"), size_bytes: 99_000_000 };
        assert!(e.zh().contains("/data/parcels.json") && e.zh().contains("99000000 字节"), "{}", e.zh());
        assert!(e.zh().contains(&MAX_WORKSPACE_BYTES.to_string()), "{}", e.zh());
        assert_eq!(e.message(true), e.to_string());

        let e = Workspace::parse(b"{\"version\":1,\n\xff", Path::new("w.kuiwen.json")).err();
        let zh = e.as_ref().map(Bilingual::zh).unwrap_or_default();
        assert!(zh.contains("w.kuiwen.json") && zh.contains("UTF-8") && zh.contains("第 2 行，第 1 列"), "{zh}");

        let e = WorkspaceError::TooNew { path: PathBuf::from("w.kuiwen.json"), found: 7 };
        assert!(e.zh().contains("第 7 版") && e.zh().contains("w.kuiwen.json"), "{}", e.zh());
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative_to(Path::new("/a/b/c.geojson"), Path::new("/a/b")), PathBuf::from("c.geojson"));
        assert_eq!(relative_to(Path::new("/a/x/c.geojson"), Path::new("/a/b")), PathBuf::from("../x/c.geojson"));
        assert_eq!(
            resolve(Path::new("../x/c.geojson"), Path::new("/a/b/w.json")),
            PathBuf::from("/a/b/../x/c.geojson")
        );
        assert_eq!(resolve(Path::new("/abs.geojson"), Path::new("/a/b/w.json")), PathBuf::from("/abs.geojson"));
    }
}
