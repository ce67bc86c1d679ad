//! The 15-minute life circle (十五分钟生活圈) of GB 50180-2018: rings, facilities by category, the
//! standard's checklist, and who the circle covers.
//!
//! **Rings.** The 5-, 10- and 15-minute rings default to the standard's walking distances, 300,
//! 500 and 1000 m (GB 50180-2018 §2 and table 3.0.4). They are true geodesic circles (each vertex
//! found with `geo::Geodesic`'s direct problem), and only an indication (示意): the standard
//! measures walking distance, which [`crate::analysis::network`] gives. The walking speed (60
//! m/min by default) turns distances into minutes; it does not move the rings, whose radii are the
//! standard's distances unless the planner edits them.
//!
//! **The checklist as data.** [`CHECKLIST`] maps each facility category of the embedded schema
//! (`geodata/README.md`) to the item of the standard's appendix B it stands for and to the lowest
//! level that requires it. "Each level must also have every facility of the levels below", so the
//! 15-minute check asks for all twelve categories within the 15-minute distance, the 10-minute
//! check for the 10- and 5-minute items within 500 m, and the 5-minute check for the 5-minute
//! items within 300 m. The mapping, and where it is loose:
//!
//! | category | level | GB 50180-2018 item | note |
//! |---|---|---|---|
//! | `junior_middle_school` | 15 | 初中 | service radius ≤ 1000 m |
//! | `health_center` | 15 | 卫生服务中心（社区医院） | |
//! | `nursing_home` | 15 | 养老院 / 老年养护院 | the data's 颐养院 |
//! | `cultural_center` | 15 | 文化活动中心 | |
//! | `sports_ground` | 15 | 大型多功能运动场地 | the data's 全民健身广场; it has no separate mid-size (10-min) or small (5-min) grounds, so one category stands for the largest |
//! | `primary_school` | 10 | 小学 | service radius ≤ 500 m |
//! | `market` | 10 | 菜市场或生鲜超市 | the data's 农贸市场 |
//! | `bus_stop` | 10 | 公交车站 | required at the 15- and 10-minute levels |
//! | `kindergarten` | 5 | 幼儿园 | service radius ≤ 300 m |
//! | `elderly_daycare` | 5 | 老年人日间照料中心（托老所） | |
//! | `community_service` | 5 | 社区服务站 | the data's 社区党群服务中心 / 便民服务站 |
//! | `clinic` | 5 | 社区卫生服务站 | the standard's 15-minute 门诊部 has no category in the data |
//!
//! Items of the standard with no category in the data (街道办事处, 司法所, 商场, 餐饮, 银行/电信/邮政,
//! 公共厕所, 社区商业网点 …) are not checked; a planner's own facility layer can add categories, and
//! they are counted in the rings, but only the twelve above are on the checklist.

use std::collections::BTreeMap;

use geo::{BooleanOps, BoundingRect, Destination, Geodesic, Geometry, LineString, MultiPolygon, Point, Polygon};
use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};
use serde::Serialize;
use thiserror::Error;

use crate::analysis::measure::{area_m2, polygon_area_m2};
use crate::analysis::network::{PlanarFrame, Reach, Snap, WalkNetwork, approx_distance_m, geodesic_m};
use crate::model::{Feature, Layer};

/// The minutes of the three rings, smallest first.
pub const RING_MINUTES: [u32; 3] = [5, 10, 15];
/// The standard's walking distances for the 5-, 10- and 15-minute levels, metres.
pub const DEFAULT_RADII_M: [f64; 3] = [300.0, 500.0, 1000.0];
/// The walking speed planners assume, metres per minute.
pub const DEFAULT_SPEED_M_PER_MIN: f64 = 60.0;
/// Vertices of a drawn ring (the chord of a 1000 m ring sags 0.3 m between them).
pub const RING_VERTICES: usize = 128;
/// The largest ring radius accepted, metres.
pub const MAX_RADIUS_M: f64 = 20_000.0;

/// What can go wrong when setting up a life circle.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum LifeCircleError {
    /// A `LON,LAT` text that is not two numbers.
    #[error("“{text}” is not a position: write LON,LAT in decimal degrees, e.g. 119.1314,36.7090")]
    NotAPosition {
        /// The text given.
        text: String,
    },
    /// A longitude or latitude out of range.
    #[error("{lon},{lat} is outside the globe: longitude must be −180…180 and latitude −90…90 (LON first)")]
    OutOfRange {
        /// Longitude given.
        lon: f64,
        /// Latitude given.
        lat: f64,
    },
    /// A ring radius that is not a positive number of metres up to [`MAX_RADIUS_M`].
    #[error("the {minutes}-minute radius {radius_m} m must be more than 0 and at most 20000 m")]
    BadRadius {
        /// The ring.
        minutes: u32,
        /// The radius given.
        radius_m: f64,
    },
    /// A walking speed that is not a positive number.
    #[error("the walking speed {speed_m_per_min} m/min must be more than 0 and at most 500")]
    BadSpeed {
        /// The speed given.
        speed_m_per_min: f64,
    },
}

impl crate::Bilingual for LifeCircleError {
    fn zh(&self) -> String {
        match self {
            LifeCircleError::NotAPosition { text } => {
                format!("“{text}”不是有效的位置：请按“经度,纬度”的顺序填写十进制度数，例如 119.1314,36.7090")
            }
            LifeCircleError::OutOfRange { lon, lat } => {
                format!("{lon},{lat} 超出经纬度范围：经度须在 −180～180 之间，纬度须在 −90～90 之间（经度在前）")
            }
            LifeCircleError::BadRadius { minutes, radius_m } => {
                format!("{minutes}分钟生活圈半径 {radius_m} 米无效，须大于 0 且不超过 {MAX_RADIUS_M} 米")
            }
            LifeCircleError::BadSpeed { speed_m_per_min } => {
                format!("步速 {speed_m_per_min} 米/分钟无效，须大于 0 且不超过 500 米/分钟")
            }
        }
    }
}

/// Parse `LON,LAT` (decimal degrees; a comma, spaces or both between them).
pub fn parse_lon_lat(text: &str) -> Result<[f64; 2], LifeCircleError> {
    let bad = || LifeCircleError::NotAPosition { text: text.to_owned() };
    let parts: Vec<&str> = text.split([',', ' ', '，']).map(str::trim).filter(|s| !s.is_empty()).collect();
    let [lon, lat] = parts.as_slice() else { return Err(bad()) };
    let lon: f64 = lon.parse().map_err(|_| bad())?;
    let lat: f64 = lat.parse().map_err(|_| bad())?;
    if !(lon.is_finite() && lat.is_finite()) {
        return Err(bad());
    }
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(LifeCircleError::OutOfRange { lon, lat });
    }
    Ok([lon, lat])
}

/// A level of the standard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Level {
    /// 五分钟生活圈.
    Min5,
    /// 十分钟生活圈.
    Min10,
    /// 十五分钟生活圈.
    Min15,
}

impl Level {
    /// The levels, smallest first (the order of the rings).
    pub const ALL: [Level; 3] = [Level::Min5, Level::Min10, Level::Min15];

    /// The level's minutes.
    pub fn minutes(self) -> u32 {
        RING_MINUTES[self.index()]
    }

    /// The ring index (0 for 5 minutes).
    pub fn index(self) -> usize {
        match self {
            Level::Min5 => 0,
            Level::Min10 => 1,
            Level::Min15 => 2,
        }
    }

    /// The level's name as (zh, en).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Level::Min5 => ("五分钟生活圈", "5-minute life circle"),
            Level::Min10 => ("十分钟生活圈", "10-minute life circle"),
            Level::Min15 => ("十五分钟生活圈", "15-minute life circle"),
        }
    }
}

/// Which of the residents' concerns in the seed an item answers (上学、就医、养老).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Concern {
    /// 上学 (schooling).
    Schooling,
    /// 就医 (health care).
    Health,
    /// 养老 (elderly care).
    ElderlyCare,
    /// Daily life (culture, sport, shopping, services, transport).
    Daily,
}

impl Concern {
    /// The concern as (zh, en).
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Concern::Schooling => ("上学", "schooling"),
            Concern::Health => ("就医", "health care"),
            Concern::ElderlyCare => ("养老", "elderly care"),
            Concern::Daily => ("日常", "daily life"),
        }
    }
}

/// One checklist item: a facility category of the data and the GB 50180 item it stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChecklistItem {
    /// The lowest level that requires it (higher levels require it too).
    pub level: Level,
    /// The `category` value in the facility layer.
    pub category: &'static str,
    /// The facility's name (zh).
    pub name_zh: &'static str,
    /// The facility's name (en).
    pub name_en: &'static str,
    /// The standard's item (zh), as in GB 50180-2018 appendix B.
    pub standard_zh: &'static str,
    /// The standard's item (en).
    pub standard_en: &'static str,
    /// The residents' concern it answers.
    pub concern: Concern,
}

impl ChecklistItem {
    /// The facility's name in the given language.
    pub fn name(&self, english: bool) -> &'static str {
        if english { self.name_en } else { self.name_zh }
    }
}

macro_rules! item {
    ($level:ident, $cat:literal, $zh:literal, $en:literal, $szh:literal, $sen:literal, $concern:ident) => {
        ChecklistItem {
            level: Level::$level,
            category: $cat,
            name_zh: $zh,
            name_en: $en,
            standard_zh: $szh,
            standard_en: $sen,
            concern: Concern::$concern,
        }
    };
}

/// The GB 50180-2018 checklist over the twelve facility categories of the embedded data
/// (see the module notes for the mapping and its limits), 15-minute items first.
pub const CHECKLIST: [ChecklistItem; 12] = [
    item!(Min15, "junior_middle_school", "初级中学", "Junior middle school", "初中", "junior middle school", Schooling),
    item!(
        Min15,
        "health_center",
        "社区卫生服务中心",
        "Community health centre",
        "卫生服务中心（社区医院）",
        "health service centre (community hospital)",
        Health
    ),
    item!(
        Min15,
        "nursing_home",
        "养老院",
        "Nursing home",
        "养老院、老年养护院",
        "nursing home, elderly care home",
        ElderlyCare
    ),
    item!(
        Min15,
        "cultural_center",
        "文化活动中心",
        "Cultural activity centre",
        "文化活动中心",
        "cultural activity centre",
        Daily
    ),
    item!(
        Min15,
        "sports_ground",
        "全民健身广场",
        "Sports ground",
        "大型多功能运动场地",
        "large multi-purpose sports ground",
        Daily
    ),
    item!(Min10, "primary_school", "小学", "Primary school", "小学", "primary school", Schooling),
    item!(
        Min10,
        "market",
        "农贸市场",
        "Food market",
        "菜市场或生鲜超市",
        "food market or fresh-food supermarket",
        Daily
    ),
    item!(Min10, "bus_stop", "公交站", "Bus stop", "公交车站", "bus stop", Daily),
    item!(Min5, "kindergarten", "幼儿园", "Kindergarten", "幼儿园", "kindergarten", Schooling),
    item!(
        Min5,
        "elderly_daycare",
        "日间照料中心",
        "Elderly day-care centre",
        "老年人日间照料中心（托老所）",
        "elderly day-care centre",
        ElderlyCare
    ),
    item!(
        Min5,
        "community_service",
        "社区服务站",
        "Community service station",
        "社区服务站",
        "community service station",
        Daily
    ),
    item!(Min5, "clinic", "社区卫生服务站", "Community clinic", "社区卫生服务站", "community health station", Health),
];

/// The checklist item of a category, if it is one.
pub fn checklist_item(category: &str) -> Option<&'static ChecklistItem> {
    CHECKLIST.iter().find(|i| i.category == category)
}

/// The items a level requires: its own and every lower level's.
pub fn required_items(level: Level) -> impl Iterator<Item = &'static ChecklistItem> {
    CHECKLIST.iter().filter(move |i| i.level <= level)
}

/// A category's display name: the checklist name, or the raw category for others.
pub fn category_name(category: &str, english: bool) -> String {
    checklist_item(category).map(|i| i.name(english).to_owned()).unwrap_or_else(|| category.to_owned())
}

/// The ring radii and the walking speed.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct CircleParams {
    /// Radii of the 5-, 10- and 15-minute rings, metres (straight line, and the walking distance
    /// along the network).
    pub radii_m: [f64; 3],
    /// Walking speed, metres per minute (turns distances into minutes).
    pub speed_m_per_min: f64,
}

impl Default for CircleParams {
    fn default() -> Self {
        Self { radii_m: DEFAULT_RADII_M, speed_m_per_min: DEFAULT_SPEED_M_PER_MIN }
    }
}

impl CircleParams {
    /// Check the numbers.
    pub fn validate(&self) -> Result<(), LifeCircleError> {
        for (r, minutes) in self.radii_m.iter().zip(RING_MINUTES) {
            if !(r.is_finite() && *r > 0.0 && *r <= MAX_RADIUS_M) {
                return Err(LifeCircleError::BadRadius { minutes, radius_m: *r });
            }
        }
        let s = self.speed_m_per_min;
        if !(s.is_finite() && s > 0.0 && s <= 500.0) {
            return Err(LifeCircleError::BadSpeed { speed_m_per_min: s });
        }
        Ok(())
    }

    /// The radius of a level's ring, metres.
    pub fn radius_m(&self, level: Level) -> f64 {
        self.radii_m[level.index()]
    }

    /// Minutes to walk `distance_m` at this speed.
    pub fn minutes_for(&self, distance_m: f64) -> f64 {
        distance_m / self.speed_m_per_min
    }

    /// Radii of `minutes × speed` for every ring (the alternative to the standard's distances).
    pub fn radii_from_speed(&self) -> [f64; 3] {
        RING_MINUTES.map(|m| m as f64 * self.speed_m_per_min)
    }

    /// The largest radius.
    pub fn max_radius_m(&self) -> f64 {
        self.radii_m.iter().copied().fold(0.0, f64::max)
    }
}

/// A geodesic circle: `vertices` points at exactly `radius_m` from `center` (Karney's direct
/// problem on WGS84), counter-clockwise, closed.
pub fn geodesic_circle(center: [f64; 2], radius_m: f64, vertices: usize) -> Polygon<f64> {
    let n = vertices.max(8);
    let c = Point::new(center[0], center[1]);
    // Bearings run clockwise from north; walking them backwards gives a counter-clockwise ring.
    let mut ring: Vec<(f64, f64)> = (0..n)
        .map(|k| {
            let bearing = 360.0 - 360.0 * k as f64 / n as f64;
            let p = Geodesic.destination(c, bearing % 360.0, radius_m);
            (p.x(), p.y())
        })
        .collect();
    if let Some(&first) = ring.first() {
        ring.push(first);
    }
    Polygon::new(LineString::from(ring), vec![])
}

/// One facility point of the index.
#[derive(Clone, Debug, PartialEq)]
pub struct Facility {
    /// Position (lon/lat).
    pub lon_lat: [f64; 2],
    /// Index into [`FacilityIndex::categories`].
    pub category: usize,
    /// The feature it came from (index in its layer), if any.
    pub feature: Option<usize>,
}

type PointEntry = GeomWithData<[f64; 2], u32>;

/// Facility points by category, each category in its own R-tree (in a [`PlanarFrame`]) so that
/// "the nearest kindergarten" and "every clinic within 500 m" are quick and still exact: the
/// trees only pick candidates; distances are geodesic (or a local approximation far enough from
/// the threshold that it cannot change the answer).
#[derive(Clone, Debug)]
pub struct FacilityIndex {
    frame: PlanarFrame,
    categories: Vec<String>,
    facilities: Vec<Facility>,
    trees: Vec<RTree<PointEntry>>,
}

impl FacilityIndex {
    /// Index the point features of a layer by their `category` property (others are skipped).
    pub fn from_layer(layer: &Layer) -> Self {
        Self::from_features(&layer.features)
    }

    /// Index point features by their `category`.
    pub fn from_features(features: &[Feature]) -> Self {
        let mut points = Vec::new();
        for (i, f) in features.iter().enumerate() {
            let Some(cat) = f.category() else { continue };
            match &f.geometry {
                Some(Geometry::Point(p)) => points.push((cat.to_owned(), [p.x(), p.y()], Some(i))),
                Some(Geometry::MultiPoint(mp)) => {
                    points.extend(mp.iter().map(|p| (cat.to_owned(), [p.x(), p.y()], Some(i))));
                }
                _ => {}
            }
        }
        Self::from_points(points)
    }

    /// Index `(category, lon/lat, feature)` triples. The checklist categories come first, in
    /// checklist order, then the others alphabetically.
    pub fn from_points(points: impl IntoIterator<Item = (String, [f64; 2], Option<usize>)>) -> Self {
        let mut categories: Vec<String> = CHECKLIST.iter().map(|i| i.category.to_owned()).collect();
        let mut facilities = Vec::new();
        let mut extra: Vec<String> = Vec::new();
        let raw: Vec<(String, [f64; 2], Option<usize>)> =
            points.into_iter().filter(|(_, p, _)| p[0].is_finite() && p[1].is_finite()).collect();
        for (c, _, _) in &raw {
            if !categories.contains(c) && !extra.contains(c) {
                extra.push(c.clone());
            }
        }
        extra.sort();
        categories.extend(extra);
        for (c, p, feature) in raw {
            let category = categories.iter().position(|x| *x == c).unwrap_or(0);
            facilities.push(Facility { lon_lat: p, category, feature });
        }
        let frame = PlanarFrame::for_points(facilities.iter().map(|f| &f.lon_lat));
        let mut per_cat: Vec<Vec<PointEntry>> = vec![Vec::new(); categories.len()];
        for (i, f) in facilities.iter().enumerate() {
            per_cat[f.category].push(GeomWithData::new(frame.to_plane(f.lon_lat), i as u32));
        }
        let trees = per_cat.into_iter().map(RTree::bulk_load).collect();
        Self { frame, categories, facilities, trees }
    }

    /// The categories: the twelve of the checklist, then any others in the data.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// The facilities, in the order their network snaps must follow.
    pub fn facilities(&self) -> &[Facility] {
        &self.facilities
    }

    /// The index of a category.
    pub fn category_index(&self, category: &str) -> Option<usize> {
        self.categories.iter().position(|c| c == category)
    }

    /// Facilities of category index `cat` within `radius_m` of `center` (geodesic), as
    /// (facility index, distance m).
    pub fn within_category(&self, cat: usize, center: [f64; 2], radius_m: f64) -> Vec<(usize, f64)> {
        let Some(tree) = self.trees.get(cat) else { return Vec::new() };
        let q = self.frame.to_plane(center);
        let r_plane = radius_m / self.frame.lower_bound(center[1]) + 1.0;
        let env = AABB::from_corners([q[0] - r_plane, q[1] - r_plane], [q[0] + r_plane, q[1] + r_plane]);
        let mut out = Vec::new();
        for e in tree.locate_in_envelope(&env) {
            let i = e.data as usize;
            let p = self.facilities[i].lon_lat;
            if let Some(d) = distance_if_within(center, p, radius_m) {
                out.push((i, d));
            }
        }
        out
    }

    /// Whether any facility of category index `cat` lies within `radius_m`.
    pub fn any_within(&self, cat: usize, center: [f64; 2], radius_m: f64) -> bool {
        self.nearest(cat, center).is_some_and(|(_, d)| d <= radius_m)
    }

    /// The nearest facility of category index `cat` (facility index, geodesic metres).
    pub fn nearest(&self, cat: usize, center: [f64; 2]) -> Option<(usize, f64)> {
        let tree = self.trees.get(cat)?;
        let q = self.frame.to_plane(center);
        let lower = self.frame.lower_bound(center[1]);
        // Candidates in frame order; the local approximation ranks them, and the search stops
        // once no farther candidate can beat the best even allowing for the frame's error.
        let mut best: Option<(usize, f64)> = None;
        let mut close: Vec<(usize, f64)> = Vec::new();
        for (e, d2) in tree.nearest_neighbor_iter_with_distance_2(&q) {
            let lower_m = d2.sqrt() * lower;
            if let Some((_, b)) = best
                && lower_m > b * 1.001 + 0.5
            {
                break;
            }
            let i = e.data as usize;
            let approx = approx_distance_m(center, self.facilities[i].lon_lat);
            close.push((i, approx));
            if best.is_none_or(|(_, b)| approx < b) {
                best = Some((i, approx));
            }
        }
        let (_, b) = best?;
        // Settle near-ties geodesically.
        close
            .into_iter()
            .filter(|(_, a)| *a <= b * 1.001 + 0.5)
            .map(|(i, _)| (i, geodesic_m(center, self.facilities[i].lon_lat)))
            .min_by(|x, y| x.1.total_cmp(&y.1))
    }

    /// Facilities within `radius_m` counted by category (every checklist category present, 0 if
    /// none).
    pub fn count_within(&self, center: [f64; 2], radius_m: f64) -> BTreeMap<String, usize> {
        let mut out: BTreeMap<String, usize> = CHECKLIST.iter().map(|i| (i.category.to_owned(), 0)).collect();
        for (cat, name) in self.categories.iter().enumerate() {
            let n = self.within_category(cat, center, radius_m).len();
            if n > 0 || cat < CHECKLIST.len() {
                out.insert(name.clone(), n);
            }
        }
        out
    }
}

/// The geodesic distance if it is at most `radius_m`; a local approximation decides when it is
/// clearly inside or outside, the geodesic only near the edge.
pub(crate) fn distance_if_within(center: [f64; 2], p: [f64; 2], radius_m: f64) -> Option<f64> {
    let approx = approx_distance_m(center, p);
    let margin = radius_m * 1e-3 + 0.05;
    if approx > radius_m + margin {
        return None;
    }
    if approx < radius_m - margin {
        return Some(approx);
    }
    let d = geodesic_m(center, p);
    (d <= radius_m).then_some(d)
}

/// A walking network with the facilities snapped onto it.
#[derive(Clone, Copy)]
pub struct NetworkContext<'a> {
    /// The network.
    pub network: &'a WalkNetwork,
    /// One snap per facility of the [`FacilityIndex`], same order.
    pub facility_snaps: &'a [Option<Snap>],
}

impl NetworkContext<'_> {
    /// The walking distance to facility `i` from a walk, if within the walk's budget.
    pub fn facility_distance_m(&self, reach: &Reach, i: usize) -> Option<f64> {
        let snap = self.facility_snaps.get(i)?.as_ref()?;
        reach.distance_to(self.network, snap)
    }
}

/// Snap every facility of an index onto a network (build once per pair of layers).
pub fn snap_facilities(network: &WalkNetwork, facilities: &FacilityIndex) -> Vec<Option<Snap>> {
    network.snap_all(facilities.facilities().iter().map(|f| f.lon_lat))
}

/// One ring's facilities.
#[derive(Clone, Debug, Serialize)]
pub struct RingReport {
    /// Minutes of the level.
    pub minutes: u32,
    /// Radius (and walking distance), metres.
    pub radius_m: f64,
    /// Facilities within the straight-line radius, by category.
    pub facilities: BTreeMap<String, usize>,
    /// Facilities within the same walking distance along the network, by category.
    pub network_facilities: Option<BTreeMap<String, usize>>,
    /// Geodesic area of the circle, m².
    pub circle_area_m2: f64,
    /// Geodesic area of the network's reachable shape, m².
    pub network_area_m2: Option<f64>,
    /// The ring itself (lon/lat), for drawing.
    #[serde(skip)]
    pub circle: Polygon<f64>,
    /// The area reachable on foot within the radius (lon/lat), for drawing.
    #[serde(skip)]
    pub network_area: Option<Polygon<f64>>,
}

/// One line of the checklist.
#[derive(Clone, Debug, Serialize)]
pub struct ChecklistEntry {
    /// The level being checked (minutes).
    pub level: u32,
    /// The facility category.
    pub category: String,
    /// Within the level's straight-line radius.
    pub present: bool,
    /// Straight-line metres to the nearest one (null when the layer has none).
    pub nearest_m: Option<f64>,
    /// Within the level's walking distance along the network (null without a network).
    pub network_present: Option<bool>,
    /// Walking metres to the nearest one (null without a network or when none is reachable).
    pub network_nearest_m: Option<f64>,
}

/// A community or grid the 15-minute ring touches.
#[derive(Clone, Debug, Serialize)]
pub struct TouchedArea {
    /// Feature index in its layer.
    pub feature: usize,
    /// Its name.
    pub name: String,
    /// Its subdistrict (communities) or community (grids).
    pub parent: Option<String>,
    /// Share of its area inside the ring (0–1, geodesic areas).
    pub share_inside: f64,
    /// Its households, if the layer has them.
    pub households: Option<f64>,
    /// Households counted in proportion to the area inside.
    pub households_inside: Option<f64>,
}

/// Everything the panel and `kuiwen-atlas circle` show for one place.
#[derive(Clone, Debug, Serialize)]
pub struct LifeCircleReport {
    /// The centre, `[lon, lat]`.
    pub center: [f64; 2],
    /// Walking speed used for minutes, m/min.
    pub speed_m_per_min: f64,
    /// The three rings, 5 minutes first.
    pub rings: Vec<RingReport>,
    /// The checklist: 15-minute level first, then 10 and 5.
    pub checklist: Vec<ChecklistEntry>,
    /// Straight walk from the centre to the nearest street, metres (with a network).
    pub network_access_m: Option<f64>,
    /// Communities the 15-minute ring touches.
    pub communities: Vec<TouchedArea>,
    /// Grids the 15-minute ring touches.
    pub grids: Vec<TouchedArea>,
    /// Households inside the 15-minute ring (communities pro rata by area).
    pub households_covered: f64,
}

impl LifeCircleReport {
    /// The checklist lines of one level.
    pub fn level_entries(&self, level: Level) -> impl Iterator<Item = &ChecklistEntry> {
        self.checklist.iter().filter(move |e| e.level == level.minutes())
    }

    /// (present, required) for a level, straight line.
    pub fn level_score(&self, level: Level) -> (usize, usize) {
        let (mut ok, mut all) = (0, 0);
        for e in self.level_entries(level) {
            all += 1;
            ok += usize::from(e.present);
        }
        (ok, all)
    }

    /// (present, required) for a level along the network, if there is one.
    pub fn level_network_score(&self, level: Level) -> Option<(usize, usize)> {
        let (mut ok, mut all) = (0, 0);
        for e in self.level_entries(level) {
            all += 1;
            ok += usize::from(e.network_present?);
        }
        Some((ok, all))
    }
}

/// The layers a life circle is measured against.
#[derive(Clone, Copy, Default)]
pub struct CircleInputs<'a> {
    /// The facilities.
    pub facilities: Option<&'a FacilityIndex>,
    /// The walking network, if any.
    pub network: Option<NetworkContext<'a>>,
    /// Communities (polygons with `households` and `subdistrict`).
    pub communities: Option<&'a Layer>,
    /// Grids (polygons with `community`).
    pub grids: Option<&'a Layer>,
}

/// The walk from a centre, if there is a network: explores the whole network so nearest
/// distances beyond the rings are known too.
pub fn walk_from(center: [f64; 2], network: Option<NetworkContext<'_>>) -> Option<Reach> {
    network.and_then(|n| n.network.reach(center, f64::INFINITY).ok())
}

/// Measure a life circle at `center`.
pub fn analyze(
    center: [f64; 2],
    params: &CircleParams,
    inputs: CircleInputs<'_>,
) -> Result<LifeCircleReport, LifeCircleError> {
    params.validate()?;
    let reach = walk_from(center, inputs.network);
    Ok(analyze_with_reach(center, params, inputs, reach.as_ref()))
}

/// [`analyze`] with the walk already made (the UI keeps it to draw the reachable areas).
pub fn analyze_with_reach(
    center: [f64; 2],
    params: &CircleParams,
    inputs: CircleInputs<'_>,
    reach: Option<&Reach>,
) -> LifeCircleReport {
    let empty = FacilityIndex::from_points(Vec::new());
    let fac = inputs.facilities.unwrap_or(&empty);
    let net = inputs.network.zip(reach);
    // Walking distance to every facility, once.
    let walk_m: Vec<Option<f64>> = match net {
        Some((ctx, r)) => (0..fac.facilities().len()).map(|i| ctx.facility_distance_m(r, i)).collect(),
        None => Vec::new(),
    };
    let rings: Vec<RingReport> = Level::ALL
        .iter()
        .map(|&level| {
            let radius_m = params.radius_m(level);
            let facilities = fac.count_within(center, radius_m);
            let network_facilities = net.map(|_| {
                let mut counts: BTreeMap<String, usize> = facilities.keys().map(|k| (k.clone(), 0)).collect();
                for (i, f) in fac.facilities().iter().enumerate() {
                    if walk_m[i].is_some_and(|d| d <= radius_m) {
                        *counts.entry(fac.categories()[f.category].clone()).or_insert(0) += 1;
                    }
                }
                counts
            });
            let network_area = net.and_then(|(ctx, r)| r.area(ctx.network, radius_m));
            let circle = geodesic_circle(center, radius_m, RING_VERTICES);
            RingReport {
                minutes: level.minutes(),
                radius_m,
                facilities,
                network_facilities,
                circle_area_m2: polygon_area_m2(&circle),
                network_area_m2: net.map(|_| network_area.as_ref().map_or(0.0, polygon_area_m2)),
                circle,
                network_area,
            }
        })
        .collect();
    let mut checklist = Vec::new();
    for level in Level::ALL.iter().rev() {
        let radius_m = params.radius_m(*level);
        for item in required_items(*level) {
            let cat = fac.category_index(item.category);
            let nearest_m = cat.and_then(|c| fac.nearest(c, center)).map(|(_, d)| round_dm(d));
            let network_nearest_m = net.map(|_| {
                fac.facilities()
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| Some(f.category) == cat)
                    .filter_map(|(i, _)| walk_m[i])
                    .fold(None, |acc: Option<f64>, d| Some(acc.map_or(d, |a| a.min(d))))
                    .map(round_dm)
            });
            checklist.push(ChecklistEntry {
                level: level.minutes(),
                category: item.category.to_owned(),
                present: nearest_m.is_some_and(|d| d <= radius_m),
                nearest_m,
                network_present: network_nearest_m.map(|d| d.is_some_and(|d| d <= radius_m)),
                network_nearest_m: network_nearest_m.flatten(),
            });
        }
    }
    let ring15: &Polygon<f64> = &rings[Level::Min15.index()].circle;
    let communities = inputs.communities.map(|l| touched_areas(l, ring15, "subdistrict")).unwrap_or_default();
    let grids = inputs.grids.map(|l| touched_areas(l, ring15, "community")).unwrap_or_default();
    let households_covered = communities.iter().filter_map(|c| c.households_inside).fold(0.0, |a, h| a + h);
    LifeCircleReport {
        center,
        speed_m_per_min: params.speed_m_per_min,
        rings,
        checklist,
        network_access_m: reach.map(|r| round_dm(r.origin.access_m)),
        communities,
        grids,
        households_covered,
    }
}

/// Round to a tenth of a metre (the data's precision) for reports.
fn round_dm(m: f64) -> f64 {
    (m * 10.0).round() / 10.0
}

/// The polygon features of `layer` that `ring` overlaps, with the share of each inside (by
/// geodesic area of the intersection) and households pro rata.
pub fn touched_areas(layer: &Layer, ring: &Polygon<f64>, parent_key: &str) -> Vec<TouchedArea> {
    let Some(r) = ring.bounding_rect() else { return Vec::new() };
    let mut hits: Vec<usize> = layer.index.query_bbox([r.min().x, r.min().y, r.max().x, r.max().y]).collect();
    hits.sort_unstable();
    let mut out = Vec::new();
    for i in hits {
        let Some(f) = layer.features.get(i) else { continue };
        let inside: MultiPolygon<f64> = match &f.geometry {
            Some(Geometry::Polygon(p)) => ring.intersection(p),
            Some(Geometry::MultiPolygon(mp)) => ring.intersection(mp),
            _ => continue,
        };
        let inside_m2: f64 = inside.iter().map(polygon_area_m2).sum();
        let total_m2 = f.geometry.as_ref().map(area_m2).unwrap_or(0.0);
        if inside_m2 <= 0.5 || total_m2 <= 0.0 {
            continue;
        }
        let share_inside = (inside_m2 / total_m2).clamp(0.0, 1.0);
        let households = f.prop_f64("households");
        out.push(TouchedArea {
            feature: i,
            name: f.name().unwrap_or_default().to_owned(),
            parent: f.prop_str(parent_key).map(str::to_owned),
            share_inside,
            households,
            households_inside: households.map(|h| h * share_inside),
        });
    }
    out.sort_by(|a, b| b.share_inside.total_cmp(&a.share_inside).then(a.name.cmp(&b.name)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_positions_and_rejects_nonsense() {
        assert_eq!(parse_lon_lat("119.1314,36.7090"), Ok([119.1314, 36.709]));
        assert_eq!(parse_lon_lat(" 119.1 , 36.7 "), Ok([119.1, 36.7]));
        assert_eq!(parse_lon_lat("119.1 36.7"), Ok([119.1, 36.7]));
        assert!(matches!(parse_lon_lat("119.1"), Err(LifeCircleError::NotAPosition { .. })));
        assert!(matches!(parse_lon_lat("abc,36"), Err(LifeCircleError::NotAPosition { .. })));
        assert!(matches!(parse_lon_lat("NaN,36"), Err(LifeCircleError::NotAPosition { .. })));
        assert!(matches!(parse_lon_lat("36.7,119.1"), Err(LifeCircleError::OutOfRange { .. })));
        assert!(matches!(parse_lon_lat("1,2,3"), Err(LifeCircleError::NotAPosition { .. })));
    }

    #[test]
    fn checklist_covers_each_category_once_and_levels_nest() {
        let mut cats: Vec<&str> = CHECKLIST.iter().map(|i| i.category).collect();
        cats.sort_unstable();
        cats.dedup();
        assert_eq!(cats.len(), 12);
        assert_eq!(required_items(Level::Min15).count(), 12);
        assert_eq!(required_items(Level::Min10).count(), 7);
        assert_eq!(required_items(Level::Min5).count(), 4);
    }

    #[test]
    fn params_validate() {
        assert!(CircleParams::default().validate().is_ok());
        let bad = CircleParams { radii_m: [300.0, -1.0, 1000.0], ..Default::default() };
        assert!(matches!(bad.validate(), Err(LifeCircleError::BadRadius { minutes: 10, .. })));
        let bad = CircleParams { speed_m_per_min: 0.0, ..Default::default() };
        assert!(matches!(bad.validate(), Err(LifeCircleError::BadSpeed { .. })));
        assert_eq!(CircleParams::default().radii_from_speed(), [300.0, 600.0, 900.0]);
    }

    #[test]
    fn errors_speak_chinese_and_english() {
        use crate::Bilingual;
        let e = LifeCircleError::BadRadius { minutes: 10, radius_m: 25000.0 };
        let zh = e.zh();
        assert!(
            zh.contains("10分钟") && zh.contains("25000 米") && zh.contains("20000 米") && zh.contains("半径"),
            "{zh}"
        );
        assert_eq!(e.en(), e.to_string());
        let e = LifeCircleError::OutOfRange { lon: 36.7, lat: 119.1 };
        assert!(e.zh().contains("36.7,119.1") && e.zh().contains("经度在前"), "{}", e.zh());
        assert_eq!(e.message(true), e.to_string());
        let e = LifeCircleError::NotAPosition { text: "奎文区".into() };
        assert!(e.zh().contains("“奎文区”") && e.zh().contains("119.1314,36.7090"), "{}", e.zh());
        let e = LifeCircleError::BadSpeed { speed_m_per_min: 600.0 };
        assert!(e.zh().contains("步速 600 米/分钟") && e.zh().contains("500"), "{}", e.zh());
    }
}
