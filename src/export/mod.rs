//! Pictures of the map for reports: PNG images of the presenting view at a chosen size, every
//! slide as numbered PNGs, and a PDF of the whole briefing.
//!
//! There is one rendering path. An image is the app itself, in presenting mode, run off screen in
//! an egui context of the requested size and drawn by egui's wgpu renderer (through
//! `egui_kittest`'s headless harness) — the same panels, layers, labels and overlays as the
//! window, so an exported slide is exactly what the audience sees.

pub mod pdf;
mod render;

pub use render::{
    ImageExportError, RenderRequest, RenderedView, Views, print_layout, render, slide_file_name, write_outputs,
};
