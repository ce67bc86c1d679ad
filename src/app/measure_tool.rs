//! The measure tool: clicked polylines and polygons measured geodesically.

use super::AtlasApp;
use super::tools::MapInteraction;

/// Handle map input while the measure tool is active.
pub(super) fn on_map(_app: &mut AtlasApp, _map: &MapInteraction) {}

/// Paint the measurement overlay.
pub(super) fn paint_overlay(_app: &AtlasApp, _map: &MapInteraction) {}
