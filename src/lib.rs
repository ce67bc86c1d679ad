//! Kuiwen Atlas (奎文规划一张图): a desktop planning map of Kuiwen District, Weifang.
//!
//! The app crate: the window, rendering, image export and the command line. Data flows one way:
//! the core crate (`kuiwen-core`: [`model`], [`io`], [`analysis`], no GUI) reads files into layers
//! and measures them, [`basemap`] (`kuiwen-basemap`) brings the tiles, [`render`] turns layers
//! into egui shapes, and [`app`] is the window. See `docs/ARCHITECTURE.md`.

pub mod app;
pub mod cli;
#[cfg(feature = "image-export")]
pub mod export;
pub mod print;
pub mod render;

pub use kuiwen_basemap as basemap;
pub use kuiwen_core::{Bilingual, analysis, io, model};
pub use kuiwen_ogc as ogc;
