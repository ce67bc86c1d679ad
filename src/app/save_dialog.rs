//! Saving an export where the user chooses: the native save dialog and the write run on a helper
//! thread (rfd's async dialog, as in the open dialog of the top bar), and the UI polls the outcome.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::{Lang, Notice};

/// How a save ended.
#[derive(Debug)]
pub enum SaveOutcome {
    /// Written to this file.
    Saved(PathBuf),
    /// The user closed the dialog.
    Cancelled,
    /// Making or writing the file failed (the message names the file).
    Failed(String),
}

/// A save in progress.
pub struct PendingSave(Receiver<SaveOutcome>);

/// What a file filter of the dialog shows and accepts.
pub struct FileKind {
    /// The filter's name, e.g. `CSV`.
    pub name: &'static str,
    /// Extensions without the dot.
    pub extensions: &'static [&'static str],
}

/// Ask where to save, then make the bytes with `make` (on the helper thread, so slow encoding does
/// not freeze the UI) and write them.
pub fn save_async(
    ctx: &egui::Context,
    title: &str,
    default_name: &str,
    kind: FileKind,
    make: impl FnOnce() -> Result<Vec<u8>, String> + Send + 'static,
) -> PendingSave {
    save_files_async(ctx, title, default_name, vec![kind], move |path| {
        make().and_then(|bytes| std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display())))
    })
}

/// Ask where to save (offering several file kinds), then let `write` write the file (or files,
/// as a shapefile is) at the chosen path, on the helper thread.
pub fn save_files_async(
    ctx: &egui::Context,
    title: &str,
    default_name: &str,
    kinds: Vec<FileKind>,
    write: impl FnOnce(&std::path::Path) -> Result<(), String> + Send + 'static,
) -> PendingSave {
    let (tx, rx) = channel();
    let ctx = ctx.clone();
    let title = title.to_owned();
    let default_name = default_name.to_owned();
    std::thread::spawn(move || {
        let mut dialog = rfd::AsyncFileDialog::new().set_title(&title).set_file_name(&default_name);
        for kind in &kinds {
            dialog = dialog.add_filter(kind.name, kind.extensions);
        }
        let file = pollster::block_on(dialog.save_file());
        let outcome = match file {
            None => SaveOutcome::Cancelled,
            Some(f) => {
                let path = f.path().to_owned();
                match write(&path) {
                    Ok(()) => SaveOutcome::Saved(path),
                    Err(e) => SaveOutcome::Failed(e),
                }
            }
        };
        let _ = tx.send(outcome);
        ctx.request_repaint();
    });
    PendingSave(rx)
}

/// Take a finished save into the message list; `None` once it is done.
pub fn poll(pending: Option<PendingSave>, lang: Lang, notices: &mut Vec<Notice>) -> Option<PendingSave> {
    let p = pending?;
    match p.0.try_recv() {
        Ok(SaveOutcome::Saved(path)) => {
            notices
                .push(Notice { text: format!("{} {}", lang.t("已导出", "Exported"), path.display()), error: false });
            None
        }
        Ok(SaveOutcome::Failed(e)) => {
            notices.push(Notice { text: format!("{}: {e}", lang.t("导出失败", "Export failed")), error: true });
            None
        }
        Ok(SaveOutcome::Cancelled) | Err(TryRecvError::Disconnected) => None,
        Err(TryRecvError::Empty) => Some(p),
    }
}

/// [`poll`] for a panel: what the save reports comes back as notice actions.
pub fn poll_into(
    pending: Option<PendingSave>,
    lang: Lang,
    actions: &mut Vec<super::actions::Action>,
) -> Option<PendingSave> {
    let mut notices = Vec::new();
    let still = poll(pending, lang, &mut notices);
    actions.extend(notices.into_iter().map(super::actions::Action::Notice));
    still
}
