//! The 15-minute life circle tool: map clicks, the rings overlay, and its side panel.

use super::AtlasApp;
use super::tools::MapInteraction;

/// Handle map input while the life-circle tool is active.
pub(super) fn on_map(_app: &mut AtlasApp, _map: &MapInteraction) {}

/// Paint the life-circle overlay (whatever the active tool).
pub(super) fn paint_overlay(_app: &AtlasApp, _map: &MapInteraction) {}

/// The side panel of the tool.
pub(super) fn show_panel(_app: &mut AtlasApp, _ui: &mut egui::Ui) {}
