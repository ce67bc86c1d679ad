//! Analysis over the model: geodesic measures (and, in later modules, the life circle and
//! coverage). No egui here.

pub mod briefing;
pub mod change;
pub mod coverage;
pub mod life_circle;
pub mod measure;
pub mod nearby;
pub mod network;
pub mod overlay;
pub mod population;
pub mod stats;
pub mod zonal;
