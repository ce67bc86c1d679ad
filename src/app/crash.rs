//! Surviving the unexpected: the log file in the user's data folder, the panic hook that writes
//! what happened to it (secrets removed), the "something went wrong" dialog after a panic in the
//! frame loop (the app carries on), autosave to a recovery file, and the offer to restore it after
//! a run that did not end cleanly.
//!
//! Everything here is off unless the app is started with a data folder
//! ([`super::StartOptions::data_dir`]): the viewer passes [`data_dir`], tests pass a temporary
//! folder or nothing, so they never touch the user's files.

use std::cell::RefCell;
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant, SystemTime};

use super::{AtlasApp, Notice};
use crate::io::workspace::Workspace;

/// Overrides the data folder (log, recovery file, crash marker); tests and portable installs.
pub const DATA_DIR_ENV: &str = "KUIWEN_DATA_DIR";
/// How often the workspace is written to the recovery file (when it changed).
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(120);
/// The log file is rotated (to `kuiwen-atlas.log.1`) beyond this size, so at most twice this.
pub const LOG_MAX_BYTES: u64 = 1 << 20;
/// The recovery file's name in the data folder.
pub const RECOVERY_FILE: &str = "recovery.kuiwen.json";
/// Present while the app runs; left behind by a crash.
const RUNNING_MARKER: &str = "running";

/// The data folder: `KUIWEN_DATA_DIR` if set, else the platform's (e.g.
/// `~/.local/share/kuiwen-atlas`).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("cn", "Kuiwen", "kuiwen-atlas").map(|d| d.data_dir().to_owned())
}

/// The log file in a data folder.
pub fn log_path(data_dir: &Path) -> PathBuf {
    data_dir.join("logs").join("kuiwen-atlas.log")
}

/// The recovery file in a data folder.
pub fn recovery_path(data_dir: &Path) -> PathBuf {
    data_dir.join(RECOVERY_FILE)
}

// ---------------------------------------------------------------------------------------------
// Secrets and the log file
// ---------------------------------------------------------------------------------------------

static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static LOG_FILE: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Remember a secret (the Tianditu key) so [`scrub`] removes it wherever it appears.
pub fn register_secret(secret: &str) {
    let s = secret.trim();
    // Short strings would blank out ordinary words; real keys are long.
    if s.len() < 8 {
        return;
    }
    if let Ok(mut list) = SECRETS.lock()
        && !list.iter().any(|k| k == s)
    {
        list.push(s.to_owned());
    }
}

/// Text with secrets removed: registered secrets, `tk=` keys and other key-like URL parameters
/// (`key=`, `token=`, `access_token=`, `apikey=`, `secret=`, `password=`). For everything that
/// goes to the log or into a dialog.
pub fn scrub(text: &str) -> String {
    let mut out = crate::basemap::health::redact(text);
    if let Ok(list) = SECRETS.lock() {
        for s in list.iter() {
            out = out.replace(s.as_str(), "***");
        }
    }
    for param in ["key=", "token=", "apikey=", "secret=", "password="] {
        out = redact_param(&out, param);
    }
    out
}

/// Replace the value after each `param` (case-insensitive) up to the next non-token character.
fn redact_param(text: &str, param: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(pos) = lower[from..].find(param).map(|p| p + from) {
        let start = pos + param.len();
        let end = text[start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-_.~%".contains(c)))
            .map_or(text.len(), |e| start + e);
        out.push_str(&text[last..start]);
        if end > start {
            out.push_str("***");
        }
        last = end;
        from = end.max(start);
    }
    out.push_str(&text[last..]);
    out
}

/// Start logging to the log file of `data_dir` (`None`: stop).
pub fn set_log_dir(data_dir: Option<&Path>) {
    if let Ok(mut f) = LOG_FILE.lock() {
        *f = data_dir.map(log_path);
    }
}

/// Append a line to the log file, secrets removed (nothing when no log file is set). Rotates the
/// file beyond [`LOG_MAX_BYTES`]. Never fails: logging must not become a second problem.
pub fn log(level: &str, text: &str) {
    let Some(path) = LOG_FILE.lock().ok().and_then(|f| f.clone()) else { return };
    let line = format!("{} {level} {}\n", utc_now(), scrub(text));
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if std::fs::metadata(&path).is_ok_and(|m| m.len() > LOG_MAX_BYTES) {
        let _ = std::fs::rename(&path, path.with_extension("log.1"));
    }
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(&path) {
        let _ = f.write_all(line.as_bytes());
    }
}

/// The time now in UTC, `2026-05-01 08:30:00Z` (no time-zone crate needed).
fn utc_now() -> String {
    utc_text(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0))
}

/// Seconds since 1970 as `YYYY-MM-DD HH:MM:SSZ`.
pub fn utc_text(secs: u64) -> String {
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}Z", rem / 3600, rem / 60 % 60, rem % 60)
}

// ---------------------------------------------------------------------------------------------
// The panic hook
// ---------------------------------------------------------------------------------------------

/// What a panic said, for the dialog (secrets already removed).
#[derive(Clone, Debug)]
pub struct PanicReport {
    /// The panic message.
    pub message: String,
    /// `file:line:column` of the panic.
    pub location: String,
}

thread_local! {
    /// The last panic on this thread, left by the hook for the frame guard.
    static LAST_PANIC: RefCell<Option<PanicReport>> = const { RefCell::new(None) };
}

/// The last panic logged in full, and how often it repeated since (a panic in every frame must
/// not fill the disk).
static REPEATS: Mutex<Option<(String, u64)>> = Mutex::new(None);

/// The text of a panic payload.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

fn power_of_ten(mut n: u64) -> bool {
    while n >= 10 && n.is_multiple_of(10) {
        n /= 10;
    }
    n == 1
}

/// Install the panic hook (once): every panic, on any thread, is logged with its location,
/// thread and backtrace, secrets removed; then the previous hook runs (printing to stderr).
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = scrub(&panic_text(info.payload()));
            let location =
                info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column())).unwrap_or_default();
            let thread = std::thread::current().name().unwrap_or("unnamed").to_owned();
            let key = format!("{location} {message}");
            let repeat = REPEATS.lock().ok().and_then(|mut r| match r.as_mut() {
                Some((last, n)) if *last == key => {
                    *n += 1;
                    Some(*n)
                }
                _ => {
                    *r = Some((key, 0));
                    None
                }
            });
            match repeat {
                None => {
                    let backtrace = std::backtrace::Backtrace::force_capture();
                    log("PANIC", &format!("thread '{thread}' panicked at {location}: {message}\n{backtrace}"));
                }
                // Once per power of ten: 1, 10, 100… repeats.
                Some(n) if power_of_ten(n) => {
                    log("PANIC", &format!("the same panic again ({n} repeats): {location}: {message}"));
                }
                Some(_) => {}
            }
            // `try_with`: a panic while a thread is being torn down has no thread-locals left, and
            // a panic inside the panic hook would abort the process.
            let _ = LAST_PANIC.try_with(|p| {
                if let Ok(mut slot) = p.try_borrow_mut() {
                    *slot = Some(PanicReport { message, location });
                }
            });
            previous(info);
        }));
    });
}

// ---------------------------------------------------------------------------------------------
// The session: autosave, recovery, the dialogs
// ---------------------------------------------------------------------------------------------

/// A recovery file waiting for the user's decision.
struct RecoveryOffer {
    path: PathBuf,
    layers: usize,
    /// Minutes since the file was written, when known.
    minutes_ago: Option<u64>,
}

/// The dialog after a panic.
struct CrashDialog {
    report: PanicReport,
    part: &'static str,
    repeats: u64,
    recovery_saved: Option<PathBuf>,
}

/// Crash-safety state of a running app.
#[derive(Default)]
pub struct Session {
    /// The data folder; `None`: no log, no autosave, no recovery (tests).
    data_dir: Option<PathBuf>,
    next_autosave: Option<Instant>,
    last_saved: Option<String>,
    offer: Option<RecoveryOffer>,
    dialog: Option<CrashDialog>,
    logged_notices: usize,
    inject_panic: Option<String>,
    save_dialog: Option<Receiver<PathBuf>>,
}

impl Session {
    /// Start a session in `data_dir`: log the start, offer the recovery file if the last run did
    /// not exit cleanly, and mark this run as running.
    pub fn start(data_dir: Option<PathBuf>, config_dir: Option<&Path>) -> Self {
        let Some(dir) = data_dir else { return Self::default() };
        let (key, _) = crate::basemap::key::load_default(config_dir.or(crate::basemap::key::config_dir().as_deref()));
        if let Some(k) = key {
            register_secret(&k);
        }
        if let Ok(k) = std::env::var(crate::basemap::key::ENV_VAR) {
            register_secret(&k);
        }
        log(
            "INFO",
            &format!("session started: kuiwen-atlas {} (pid {})", env!("CARGO_PKG_VERSION"), std::process::id()),
        );
        let marker = dir.join(RUNNING_MARKER);
        let recovery = recovery_path(&dir);
        let crashed = marker.exists();
        let offer = if crashed && recovery.is_file() {
            match Workspace::load(&recovery) {
                Ok(ws) => {
                    log("INFO", "the last run did not exit cleanly: offering its recovery file");
                    let minutes_ago = std::fs::metadata(&recovery)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.elapsed().ok())
                        .map(|d| d.as_secs() / 60);
                    Some(RecoveryOffer { path: recovery, layers: ws.layers.len(), minutes_ago })
                }
                Err(e) => {
                    log("WARN", &format!("the recovery file cannot be read, not offered: {e}"));
                    None
                }
            }
        } else {
            None
        };
        if let Err(e) =
            std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&marker, std::process::id().to_string()))
        {
            log("WARN", &format!("cannot write the crash marker {}: {e}", marker.display()));
        }
        Self { data_dir: Some(dir), next_autosave: Some(Instant::now() + AUTOSAVE_EVERY), offer, ..Self::default() }
    }

    /// Whether a dialog of this module is showing (the crash report or the recovery offer).
    pub fn dialog_open(&self) -> bool {
        self.dialog.is_some() || self.offer.is_some()
    }
}

/// Run one part of the frame, catching a panic: it is logged (by the hook), the workspace goes to
/// the recovery file, and the dialog opens; the app carries on with the next frame.
pub(super) fn guard(app: &mut AtlasApp, part: &'static str, f: impl FnOnce(&mut AtlasApp)) {
    LAST_PANIC.with(|p| p.borrow_mut().take());
    let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
        if let Some(m) = app.session.inject_panic.take() {
            panic!("{m}");
        }
        f(app)
    }));
    let Err(payload) = result else { return };
    let report = LAST_PANIC
        .with(|p| p.borrow_mut().take())
        .unwrap_or_else(|| PanicReport { message: scrub(&panic_text(payload.as_ref())), location: String::new() });
    // What was selected or hovered may be what broke: let go of it so the next frame can work.
    app.selection = None;
    app.map.hover = None;
    match app.session.dialog.as_mut() {
        Some(d) if d.report.message == report.message && d.report.location == report.location => d.repeats += 1,
        _ => {
            // The state may be what broke: saving must not take the app down with it.
            let recovery_saved = std::panic::catch_unwind(AssertUnwindSafe(|| autosave(app, true))).ok().flatten();
            app.session.dialog = Some(CrashDialog { report, part, repeats: 0, recovery_saved });
        }
    }
}

/// Write the workspace to the recovery file if it changed since the last write (or `force`).
/// Returns the file written. Not while a recovery offer is pending: that file is the user's.
fn autosave(app: &mut AtlasApp, force: bool) -> Option<PathBuf> {
    let dir = app.session.data_dir.clone()?;
    if app.session.offer.is_some() {
        return None;
    }
    let path = recovery_path(&dir);
    let ws = app.to_workspace();
    let text = serde_json::to_string(&ws).ok()?;
    if !force && app.session.last_saved.as_deref() == Some(text.as_str()) {
        return Some(path);
    }
    let _ = std::fs::create_dir_all(&dir);
    match ws.save(&path) {
        Ok(()) => {
            app.session.last_saved = Some(text);
            Some(path)
        }
        Err(e) => {
            log("WARN", &format!("autosave failed: {e}"));
            None
        }
    }
}

/// Per-frame bookkeeping after the app's own logic: autosave when due, error notices to the log,
/// the crash dialog's save-as result.
pub(super) fn after_logic(app: &mut AtlasApp) {
    if app.session.data_dir.is_none() {
        return;
    }
    let n = app.notices.len();
    if n < app.session.logged_notices {
        app.session.logged_notices = 0;
    }
    for notice in &app.notices[app.session.logged_notices..] {
        if notice.error {
            log("ERROR", &notice.text);
        }
    }
    app.session.logged_notices = n;
    if let Some(path) = app.session.save_dialog.as_ref().and_then(|rx| rx.try_recv().ok()) {
        app.session.save_dialog = None;
        log("INFO", &format!("saving the workspace after a failure to {}", path.display()));
        app.save_workspace(&path);
    }
    if app.session.next_autosave.is_some_and(|t| Instant::now() >= t) {
        app.session.next_autosave = Some(Instant::now() + AUTOSAVE_EVERY);
        autosave(app, false);
    }
}

/// At a clean exit: a last autosave and the crash marker removed (unless the user has not yet
/// answered the recovery offer: then both stay, and it is offered again next time).
pub(super) fn clean_exit(app: &mut AtlasApp) {
    let Some(dir) = app.session.data_dir.clone() else { return };
    if app.session.offer.is_some() {
        log("INFO", "exit with the recovery offer unanswered: kept for next time");
        return;
    }
    autosave(app, false);
    let _ = std::fs::remove_file(dir.join(RUNNING_MARKER));
    log("INFO", "clean exit");
}

/// The dialogs: the crash report and the recovery offer (modal: the map waits for an answer).
pub(super) fn show(app: &mut AtlasApp, ui: &mut egui::Ui) {
    let ctx = ui.ctx().clone();
    if app.session.dialog.is_some() {
        crash_dialog(app, &ctx);
    } else if app.session.offer.is_some() {
        recovery_dialog(app, &ctx);
    }
}

fn crash_dialog(app: &mut AtlasApp, ctx: &egui::Context) {
    let lang = app.lang();
    let Some(d) = app.session.dialog.as_ref() else { return };
    let log_file = app.session.data_dir.as_deref().map(log_path);
    let (mut save, mut carry_on, mut copy) = (false, false, false);
    egui::Modal::new(egui::Id::unique("kuiwen_crash_dialog")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading(lang.t("程序出错", "Something went wrong"));
        ui.label(lang.t(
            "界面的一部分出错了，程序仍在运行，地图和图层都还在。建议先保存工作空间。",
            "Part of the window failed. The app is still running and your map and layers are still here. Save your workspace first.",
        ));
        if let Some(p) = &d.recovery_saved {
            ui.label(format!("{} {}", lang.t("已自动保存到恢复文件：", "Saved automatically to the recovery file:"), p.display()));
        }
        egui::Frame::group(ui.style()).show(ui, |ui| {
            egui::ScrollArea::vertical().max_height(120.0).show(ui, |ui| {
                let mut text = format!("{} ({})", d.report.message, d.part);
                if !d.report.location.is_empty() {
                    text.push_str(&format!("\n{}", d.report.location));
                }
                if d.repeats > 0 {
                    text.push_str(&format!("\n{} {}", lang.t("重复次数：", "Repeated:"), d.repeats));
                }
                ui.add(egui::Label::new(egui::RichText::new(text).monospace()).selectable(true));
            });
        });
        if let Some(p) = &log_file {
            ui.label(format!("{} {}", lang.t("详情已记录在日志：", "Details are in the log:"), p.display()));
        }
        ui.horizontal(|ui| {
            save = ui.button(lang.t("保存工作空间…", "Save workspace…")).clicked();
            copy = ui.button(lang.t("复制错误信息", "Copy details")).clicked();
            carry_on = ui.button(lang.t("继续", "Continue")).clicked();
        });
    });
    if copy {
        let text = format!("{} — {}", d.report.message, d.report.location);
        ctx.copy_text(text);
    }
    if save {
        save_as_dialog(app);
    }
    if carry_on {
        app.session.dialog = None;
    }
}

fn recovery_dialog(app: &mut AtlasApp, ctx: &egui::Context) {
    let lang = app.lang();
    let Some(offer) = app.session.offer.as_ref() else { return };
    let (mut restore, mut discard) = (false, false);
    egui::Modal::new(egui::Id::unique("kuiwen_recovery_dialog")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        ui.heading(lang.t("恢复上次未保存的工作？", "Restore the unsaved session?"));
        ui.label(lang.t(
            "上次程序没有正常退出。自动保存的工作空间可以恢复。",
            "The app did not exit cleanly last time. The automatically saved workspace can be restored.",
        ));
        let when = match offer.minutes_ago {
            Some(0) => lang.t("刚刚保存", "saved just now").to_owned(),
            Some(m) => format!("{} {m} {}", lang.t("保存于", "saved"), lang.t("分钟前", "minutes ago")),
            None => String::new(),
        };
        ui.label(format!("{} {} · {when}", offer.layers, lang.t("个图层", "layers")));
        ui.horizontal(|ui| {
            restore = ui.button(lang.t("恢复", "Restore")).clicked();
            discard = ui.button(lang.t("放弃", "Discard")).clicked();
        });
    });
    if restore {
        let path = offer.path.clone();
        app.session.offer = None;
        log("INFO", "recovery file restored");
        app.open_workspace(&path);
        // The recovery file is not one of the user's workspaces.
        app.persisted.recent.retain(|p| !p.ends_with(RECOVERY_FILE));
    } else if discard {
        let path = offer.path.clone();
        app.session.offer = None;
        log("INFO", "recovery file discarded");
        // Kept aside, not deleted: "discard" clicked by mistake must not cost the afternoon.
        let _ = std::fs::rename(&path, path.with_extension("discarded.json"));
        app.notices
            .push(Notice { text: lang.t("已放弃恢复文件", "Recovery file discarded").to_owned(), error: false });
    }
}

/// The native save dialog for the crash dialog's "Save workspace…", off the UI thread.
fn save_as_dialog(app: &mut AtlasApp) {
    app.session.save_dialog = Some(super::top_bar::workspace_save_dialog(&app.egui_ctx));
}

impl AtlasApp {
    /// Make the next frame panic with `message` (for testing the crash dialog and the log).
    #[doc(hidden)]
    pub fn inject_panic_next_frame(&mut self, message: &str) {
        self.session.inject_panic = Some(message.to_owned());
    }

    /// Write the recovery file now (as the periodic autosave would); the file written.
    #[doc(hidden)]
    pub fn autosave_now(&mut self) -> Option<PathBuf> {
        autosave(self, true)
    }

    /// Whether the crash report or the recovery offer is showing.
    pub fn crash_dialog_open(&self) -> bool {
        self.session.dialog_open()
    }

    /// What a clean exit does (eframe calls it through `on_exit`): last autosave, marker removed.
    #[doc(hidden)]
    pub fn exit_cleanly(&mut self) {
        clean_exit(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_keys_in_urls_and_registered_secrets() {
        register_secret("0123456789abcdef0123456789abcdef");
        let s =
            scrub("GET https://t0.tianditu.gov.cn/x?tk=0123456789abcdef0123456789abcdef&a=1 key=ABC123 token=x.y_z");
        assert!(!s.contains("0123456789abcdef"), "{s}");
        assert!(!s.contains("ABC123") && !s.contains("x.y_z"), "{s}");
        assert!(s.contains("a=1"), "{s}");
        assert_eq!(scrub("a panic at src/app/mod.rs:10"), "a panic at src/app/mod.rs:10");
        assert_eq!(scrub("sort_key=3"), "sort_key=***", "errs on the safe side");
    }

    #[test]
    fn the_log_rotates_and_repeats_are_logged_sparingly() {
        let dir = std::env::temp_dir().join(format!("kuiwen-crash-log-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        set_log_dir(Some(&dir));
        let line = "x".repeat(10_000);
        for _ in 0..250 {
            log("INFO", &line);
        }
        set_log_dir(None);
        let path = log_path(&dir);
        let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        assert!(size(&path.with_extension("log.1")) > LOG_MAX_BYTES, "not rotated");
        assert!(size(&path) <= LOG_MAX_BYTES + 20_000, "{}", size(&path));
        let _ = std::fs::remove_dir_all(&dir);
        let logged: Vec<u64> = (1..=1000).filter(|&n| power_of_ten(n)).collect();
        assert_eq!(logged, [1, 10, 100, 1000]);
    }

    #[test]
    fn utc_dates_are_civil_dates() {
        assert_eq!(utc_text(0), "1970-01-01 00:00:00Z");
        assert_eq!(utc_text(1_709_251_199), "2024-02-29 23:59:59Z");
        assert_eq!(utc_text(1_735_689_600), "2025-01-01 00:00:00Z");
        assert_eq!(utc_now().len(), 20);
    }
}
