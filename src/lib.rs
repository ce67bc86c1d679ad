//! Kuiwen Atlas (奎文规划一张图): a desktop planning map of Kuiwen District, Weifang.
//!
//! The library holds everything the viewer and the command line share. Data flows one way:
//! [`io`] reads GeoJSON into [`model`] layers, [`analysis`] measures them, [`render`] turns them
//! into egui shapes and [`app`] is the window. `model`, `io` and `analysis` never touch egui, so
//! they are testable without a window and usable from the command line.
#![warn(missing_docs)]
#![deny(clippy::unwrap_used)]

pub mod analysis;
pub mod app;
pub mod basemap;
pub mod cli;
pub mod export;
pub mod io;
pub mod model;
pub mod render;
