//! Map tools: which one is active, and what a tool gets from the map each frame.

use serde::{Deserialize, Serialize};

use crate::render::MapView;

/// The active map tool. Clicks on the map go to it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tool {
    /// Click selects features (the default).
    #[default]
    Select,
    /// Click places a 15-minute life circle.
    LifeCircle,
    /// Clicks add measurement vertices.
    Measure,
    /// Click finds the features near the point (周边查询).
    Nearby,
    /// Clicks draw and edit the planner's marks (标注).
    Marks,
}

impl Tool {
    /// Every tool, in toolbar order.
    pub const ALL: [Tool; 5] = [Tool::Select, Tool::LifeCircle, Tool::Measure, Tool::Nearby, Tool::Marks];

    /// Toolbar label as (zh, en).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Tool::Select => ("选择", "Select"),
            Tool::LifeCircle => ("生活圈", "Life circle"),
            Tool::Measure => ("量算", "Measure"),
            Tool::Nearby => ("周边", "Nearby"),
            Tool::Marks => ("标注", "Marks"),
        }
    }
}

/// What the map hands a tool after it is drawn: its response (clicks, hover, keys) and view
/// (screen ↔ lon/lat). Tools paint their overlays with `painter`, on top of the layers.
pub struct MapInteraction {
    /// The map widget's response.
    pub response: egui::Response,
    /// The view of this frame.
    pub view: MapView,
    /// A painter clipped to the map.
    pub painter: egui::Painter,
}

impl MapInteraction {
    /// The lon/lat of a primary click on the map this frame, if any.
    pub fn clicked_lon_lat(&self) -> Option<[f64; 2]> {
        if self.response.clicked() {
            self.response.interact_pointer_pos().map(|p| self.view.screen_to_lon_lat(p).to_array())
        } else {
            None
        }
    }

    /// The lon/lat under the pointer, if it is over the map.
    pub fn hover_lon_lat(&self) -> Option<[f64; 2]> {
        self.response.hover_pos().map(|p| self.view.screen_to_lon_lat(p).to_array())
    }
}
