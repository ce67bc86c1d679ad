//! Analysis over the model: geodesic measures (and, in later modules, the life circle and
//! coverage). No egui here.

pub mod measure;
