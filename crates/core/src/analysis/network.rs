//! Walking distance along a street network: a graph of line layers, Dijkstra, and the area a walk
//! reaches.
//!
//! * **Graph.** Every vertex of every line becomes a node, keyed by its exact coordinate, so
//!   streets that share a vertex at a crossing are joined (the embedded `roads.geojson` is drawn
//!   that way). Consecutive vertices make an undirected edge whose length is geodesic.
//! * **Start.** A point is snapped onto the nearest edge (projected in a local metric frame); the
//!   straight access walk from the point to the street is counted, and the walk continues both
//!   ways along that edge. Facilities are snapped the same way, so a network distance is
//!   `access walk + path along the streets + access walk`, always ≥ the straight-line distance.
//! * **Search.** Dijkstra with a binary heap, bounded by a walking budget.
//! * **Area.** The reachable area is the concave hull (geo's `ConcaveHull`, a port of mapbox's
//!   concaveman) of points sampled every few tens of metres along the reached street pieces,
//!   partial edges included, grown by a 50 m frontage ([`FRONTAGE_M`]), all in a local metric
//!   frame. Why a hull and not only a buffer of the streets: planners read a walking catchment as
//!   the blocks the streets serve, not a ribbon of road (a 50 m street buffer on a 500 m street
//!   grid leaves the blocks out); the hull's area over the circle's is the "pedshed ratio" they
//!   already use; and a hull of a few thousand points plus one polygon buffer costs milliseconds,
//!   where a union of thousands of buffered segments costs far more. The frontage keeps a walk
//!   along a single street from collapsing to a line. The reached street pieces are returned too,
//!   so the UI draws both.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use geo::concave_hull::ConcaveHullOptions;
use geo::{Buffer, ConcaveHull, Coord, Distance, Geodesic, Geometry, LineString, MultiPoint, Point, Polygon};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};
use thiserror::Error;

use crate::analysis::measure::polygon_area_m2;
use crate::model::Layer;

/// Metres per degree on a sphere of the mean Earth radius (6 371 008.8 m): the scale of
/// [`PlanarFrame`].
const M_PER_DEG: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

/// What can go wrong in a network analysis.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum NetworkError {
    /// The chosen layers hold no line with two distinct vertices.
    #[error("the walking network has no streets: choose a layer of lines (LineString) with at least one segment")]
    NoStreets,
    /// The start is not a finite longitude/latitude.
    #[error("the start point ({lon}, {lat}) is not a valid longitude/latitude")]
    BadStart {
        /// Longitude given.
        lon: f64,
        /// Latitude given.
        lat: f64,
    },
    /// The walking budget is negative or not a number.
    #[error("the walking distance {budget_m} m is not a positive number of metres")]
    BadBudget {
        /// The budget given, metres.
        budget_m: f64,
    },
}

impl crate::Bilingual for NetworkError {
    fn zh(&self) -> String {
        match self {
            NetworkError::NoStreets => "步行路网中没有道路：请选择至少含一条路段的线图层（LineString）".to_owned(),
            NetworkError::BadStart { lon, lat } => format!("起点（{lon}, {lat}）不是有效的经纬度"),
            NetworkError::BadBudget { budget_m } => format!("步行距离 {budget_m} 米无效，须为正数"),
        }
    }
}

/// A local equirectangular frame in metres (`x = lon·cos φ₀·k`, `y = lat·k`, `k` the metres in a
/// degree of the mean sphere) for spatial indexes and short-range geometry. It is never used for a
/// reported measure: those are geodesic. It knows how far off its distances can be, so searches
/// in it can be made exact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlanarFrame {
    cos_ref: f64,
    /// The most poleward latitude the frame was made for (degrees, absolute).
    max_abs_lat: f64,
}

impl PlanarFrame {
    /// A frame for data between two latitudes (degrees).
    pub fn for_latitudes(min_lat: f64, max_lat: f64) -> Self {
        let (lo, hi) = if min_lat.is_finite() && max_lat.is_finite() && min_lat <= max_lat {
            (min_lat.clamp(-89.0, 89.0), max_lat.clamp(-89.0, 89.0))
        } else {
            (0.0, 0.0)
        };
        let mid = (lo + hi) / 2.0;
        Self { cos_ref: mid.to_radians().cos().max(1e-6), max_abs_lat: lo.abs().max(hi.abs()) }
    }

    /// A frame for a set of lon/lat positions.
    pub fn for_points<'a>(points: impl IntoIterator<Item = &'a [f64; 2]>) -> Self {
        let (lo, hi) =
            points.into_iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| (lo.min(p[1]), hi.max(p[1])));
        Self::for_latitudes(lo, hi)
    }

    /// Lon/lat into the frame (metres).
    #[inline]
    pub fn to_plane(&self, lon_lat: [f64; 2]) -> [f64; 2] {
        [lon_lat[0] * self.cos_ref * M_PER_DEG, lon_lat[1] * M_PER_DEG]
    }

    /// A frame position back to lon/lat.
    #[inline]
    pub fn to_lon_lat(&self, xy: [f64; 2]) -> [f64; 2] {
        [xy[0] / (self.cos_ref * M_PER_DEG), xy[1] / M_PER_DEG]
    }

    /// A factor `f` with `geodesic distance ≥ f × frame distance` for any two points within a few
    /// kilometres of latitude `query_lat` or of the frame's data. With it, a search by frame
    /// distance can stop early and still find the true geodesic nearest.
    pub fn lower_bound(&self, query_lat: f64) -> f64 {
        // East–west, the frame uses cos φ₀ where the ground has cos φ; north–south, the meridian
        // degree is at least 0.994 of the mean-sphere degree. 1 % more margin covers the rest.
        let far = (self.max_abs_lat.max(query_lat.abs()) + 0.1).min(89.5);
        0.99 * (far.to_radians().cos() / self.cos_ref).min(0.994)
    }
}

/// Local ellipsoidal scales at a latitude: metres per degree of longitude and of latitude (WGS84
/// prime-vertical and meridional radii). Good to about 10⁻⁴ over a few kilometres.
#[inline]
pub(crate) fn local_scale(lat_deg: f64) -> (f64, f64) {
    const A: f64 = 6_378_137.0;
    const E2: f64 = 6.694_379_990_141_316e-3;
    let phi = lat_deg.to_radians();
    let w = (1.0 - E2 * phi.sin().powi(2)).sqrt();
    let n = A / w;
    let m = A * (1.0 - E2) / (w * w * w);
    (n * phi.cos() * std::f64::consts::PI / 180.0, m * std::f64::consts::PI / 180.0)
}

/// A fast approximation of the geodesic distance between two nearby points (metres), from the
/// local scales at the first point's latitude (relative error about 10⁻⁴ within a few km).
#[inline]
pub(crate) fn approx_distance_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (kx, ky) = local_scale((a[1] + b[1]) / 2.0);
    ((b[0] - a[0]) * kx).hypot((b[1] - a[1]) * ky)
}

/// The geodesic distance in metres.
#[inline]
pub(crate) fn geodesic_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    Geodesic.distance(Point::new(a[0], a[1]), Point::new(b[0], b[1]))
}

/// One undirected street segment between two nodes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    /// One end (node index).
    pub a: u32,
    /// The other end (node index).
    pub b: u32,
    /// Geodesic length, metres.
    pub length_m: f64,
}

/// Where a point meets the network: on `edge`, a fraction `t` of the way from its `a` end to
/// its `b` end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    /// The edge index.
    pub edge: u32,
    /// 0 at the edge's `a` node, 1 at its `b` node.
    pub t: f64,
    /// The snapped position (lon/lat).
    pub point: [f64; 2],
    /// The straight walk from the point to the street, metres (geodesic).
    pub access_m: f64,
}

type EdgeEntry = GeomWithData<Line<[f64; 2]>, u32>;

/// A walking graph built from line features.
#[derive(Clone)]
pub struct WalkNetwork {
    nodes: Vec<[f64; 2]>,
    edges: Vec<Edge>,
    /// CSR adjacency: the neighbours of node `i` are `adjacency[offsets[i]..offsets[i + 1]]`
    /// as (neighbour, edge).
    offsets: Vec<u32>,
    adjacency: Vec<(u32, u32)>,
    frame: PlanarFrame,
    edge_tree: RTree<EdgeEntry>,
}

impl std::fmt::Debug for WalkNetwork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WalkNetwork({} nodes, {} edges)", self.nodes.len(), self.edges.len())
    }
}

/// The exact-coordinate key of a node (`-0.0` and `0.0` are the same place).
fn node_key(c: [f64; 2]) -> (u64, u64) {
    let norm = |v: f64| if v == 0.0 { 0.0f64.to_bits() } else { v.to_bits() };
    (norm(c[0]), norm(c[1]))
}

fn collect_lines(g: &Geometry<f64>, out: &mut Vec<Vec<[f64; 2]>>) {
    match g {
        Geometry::LineString(ls) => out.push(ls.coords().map(|c| [c.x, c.y]).collect()),
        Geometry::MultiLineString(mls) => out.extend(mls.iter().map(|ls| ls.coords().map(|c| [c.x, c.y]).collect())),
        Geometry::Line(l) => out.push(vec![[l.start.x, l.start.y], [l.end.x, l.end.y]]),
        Geometry::GeometryCollection(gc) => gc.iter().for_each(|g| collect_lines(g, out)),
        _ => {}
    }
}

impl WalkNetwork {
    /// The network of every line in `layers` (other geometries are ignored).
    pub fn from_layers(layers: &[&Layer]) -> Result<Self, NetworkError> {
        let mut lines = Vec::new();
        for layer in layers {
            for g in layer.features.iter().filter_map(|f| f.geometry.as_ref()) {
                collect_lines(g, &mut lines);
            }
        }
        Self::from_lines(lines)
    }

    /// The network of polylines given as lon/lat vertex lists.
    pub fn from_lines<L: AsRef<[[f64; 2]]>>(lines: impl IntoIterator<Item = L>) -> Result<Self, NetworkError> {
        let mut ids: HashMap<(u64, u64), u32> = HashMap::new();
        let mut nodes: Vec<[f64; 2]> = Vec::new();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for line in lines {
            let mut prev: Option<u32> = None;
            for &c in line.as_ref() {
                if !(c[0].is_finite() && c[1].is_finite()) {
                    prev = None;
                    continue;
                }
                let id = *ids.entry(node_key(c)).or_insert_with(|| {
                    nodes.push(c);
                    (nodes.len() - 1) as u32
                });
                if let Some(p) = prev
                    && p != id
                {
                    pairs.push((p, id));
                }
                prev = Some(id);
            }
        }
        if pairs.is_empty() {
            return Err(NetworkError::NoStreets);
        }
        let edges: Vec<Edge> = pairs
            .iter()
            .map(|&(a, b)| Edge { a, b, length_m: geodesic_m(nodes[a as usize], nodes[b as usize]) })
            .collect();
        let mut degree = vec![0u32; nodes.len() + 1];
        for e in &edges {
            degree[e.a as usize] += 1;
            degree[e.b as usize] += 1;
        }
        let mut offsets = vec![0u32; nodes.len() + 1];
        for i in 0..nodes.len() {
            offsets[i + 1] = offsets[i] + degree[i];
        }
        let mut fill = offsets.clone();
        let mut adjacency = vec![(0u32, 0u32); edges.len() * 2];
        for (i, e) in edges.iter().enumerate() {
            adjacency[fill[e.a as usize] as usize] = (e.b, i as u32);
            fill[e.a as usize] += 1;
            adjacency[fill[e.b as usize] as usize] = (e.a, i as u32);
            fill[e.b as usize] += 1;
        }
        let frame = PlanarFrame::for_points(&nodes);
        let entries = edges
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let (a, b) = (frame.to_plane(nodes[e.a as usize]), frame.to_plane(nodes[e.b as usize]));
                GeomWithData::new(Line::new(a, b), i as u32)
            })
            .collect();
        Ok(Self { nodes, edges, offsets, adjacency, frame, edge_tree: RTree::bulk_load(entries) })
    }

    /// Number of nodes (distinct vertices).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of edges (segments).
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The nodes' positions (lon/lat).
    pub fn nodes(&self) -> &[[f64; 2]] {
        &self.nodes
    }

    /// The edges.
    pub fn edges(&self) -> &[Edge] {
        &self.edges
    }

    /// The frame the network indexes its edges in.
    pub fn frame(&self) -> PlanarFrame {
        self.frame
    }

    /// Snap a point onto the nearest street (None only for a non-finite point).
    pub fn snap(&self, lon_lat: [f64; 2]) -> Option<Snap> {
        if !(lon_lat[0].is_finite() && lon_lat[1].is_finite()) {
            return None;
        }
        let q = self.frame.to_plane(lon_lat);
        let entry = self.edge_tree.nearest_neighbor(&q)?;
        let edge = *self.edges.get(entry.data as usize)?;
        let (a, b) = (self.nodes[edge.a as usize], self.nodes[edge.b as usize]);
        // Project in the local frame of the point, where angles are true.
        let (kx, ky) = local_scale(lon_lat[1]);
        let (ax, ay) = ((a[0] - lon_lat[0]) * kx, (a[1] - lon_lat[1]) * ky);
        let (bx, by) = ((b[0] - lon_lat[0]) * kx, (b[1] - lon_lat[1]) * ky);
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 { (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        let point = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
        Some(Snap { edge: entry.data, t, point, access_m: geodesic_m(lon_lat, point) })
    }

    /// Snap many points (for facilities): `None` where a point is not finite.
    pub fn snap_all(&self, points: impl IntoIterator<Item = [f64; 2]>) -> Vec<Option<Snap>> {
        points.into_iter().map(|p| self.snap(p)).collect()
    }

    /// Walk from `start` along the streets, up to `max_m` metres (access walk included);
    /// `f64::INFINITY` explores the whole network.
    pub fn reach(&self, start: [f64; 2], max_m: f64) -> Result<Reach, NetworkError> {
        if max_m.is_nan() || max_m < 0.0 {
            return Err(NetworkError::BadBudget { budget_m: max_m });
        }
        let origin = self.snap(start).ok_or(NetworkError::BadStart { lon: start[0], lat: start[1] })?;
        let dist = self.dijkstra(std::slice::from_ref(&origin), max_m);
        Ok(Reach { origin, dist_m: dist, max_m })
    }
}

impl WalkNetwork {
    /// Walk from every one of `starts` at once (a multi-source walk: each node gets the distance
    /// from its nearest start), up to `max_m` metres. For "how far is the nearest kindergarten"
    /// from every home, one walk per category instead of one per home.
    pub fn reach_many(&self, starts: &[Snap], max_m: f64) -> Result<MultiReach, NetworkError> {
        if max_m.is_nan() || max_m < 0.0 {
            return Err(NetworkError::BadBudget { budget_m: max_m });
        }
        let dist_m = self.dijkstra(starts, max_m);
        let mut on_edge: std::collections::HashMap<u32, Vec<(f64, f64)>> = std::collections::HashMap::new();
        for s in starts {
            on_edge.entry(s.edge).or_default().push((s.t, s.access_m));
        }
        Ok(MultiReach { dist_m, on_edge, max_m })
    }

    /// Node distances from the nearest of `starts` (their access walks included), within `max_m`.
    fn dijkstra(&self, starts: &[Snap], max_m: f64) -> Vec<f64> {
        let mut dist = vec![f64::INFINITY; self.nodes.len()];
        let mut heap = BinaryHeap::new();
        for origin in starts {
            let Some(edge) = self.edges.get(origin.edge as usize) else { continue };
            for (node, d) in [
                (edge.a, origin.access_m + origin.t * edge.length_m),
                (edge.b, origin.access_m + (1.0 - origin.t) * edge.length_m),
            ] {
                if d <= max_m && d < dist[node as usize] {
                    dist[node as usize] = d;
                    heap.push(Queued { d, node });
                }
            }
        }
        while let Some(Queued { d, node }) = heap.pop() {
            if d > dist[node as usize] {
                continue;
            }
            let (lo, hi) = (self.offsets[node as usize] as usize, self.offsets[node as usize + 1] as usize);
            for &(next, e) in &self.adjacency[lo..hi] {
                let nd = d + self.edges[e as usize].length_m;
                if nd <= max_m && nd < dist[next as usize] {
                    dist[next as usize] = nd;
                    heap.push(Queued { d: nd, node: next });
                }
            }
        }
        dist
    }
}

/// The result of a walk from many starts at once.
#[derive(Clone, Debug)]
pub struct MultiReach {
    dist_m: Vec<f64>,
    /// The starts on each edge, as (position along it, access walk), for the walk that never
    /// reaches a node.
    on_edge: std::collections::HashMap<u32, Vec<(f64, f64)>>,
    /// The budget, metres.
    pub max_m: f64,
}

impl MultiReach {
    /// The walking distance from the nearest start to a snapped point (its access walk
    /// included), if within the budget.
    pub fn distance_to(&self, net: &WalkNetwork, to: &Snap) -> Option<f64> {
        let e = net.edges.get(to.edge as usize)?;
        let node = |i: u32| self.dist_m.get(i as usize).copied().unwrap_or(f64::INFINITY);
        let mut d = (node(e.a) + to.t * e.length_m).min(node(e.b) + (1.0 - to.t) * e.length_m);
        if let Some(starts) = self.on_edge.get(&to.edge) {
            for &(t, access) in starts {
                d = d.min(access + (to.t - t).abs() * e.length_m);
            }
        }
        let total = d + to.access_m;
        (total <= self.max_m).then_some(total)
    }
}

/// A heap entry, ordered so the nearest node pops first.
#[derive(Clone, Copy, Debug)]
struct Queued {
    d: f64,
    node: u32,
}

impl PartialEq for Queued {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Queued {}
impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        other.d.total_cmp(&self.d).then_with(|| other.node.cmp(&self.node))
    }
}

/// The result of a walk: the network distance to every node reached within the budget.
#[derive(Clone, Debug)]
pub struct Reach {
    /// Where the start met the network.
    pub origin: Snap,
    /// Metres to each node, infinite where not reached within the budget.
    dist_m: Vec<f64>,
    /// The budget the walk was made with, metres.
    pub max_m: f64,
}

impl Reach {
    /// Metres from the start to node `i` (infinite when not reached).
    pub fn node_distance_m(&self, i: usize) -> f64 {
        self.dist_m.get(i).copied().unwrap_or(f64::INFINITY)
    }

    /// How many nodes the walk reached.
    pub fn reached_nodes(&self) -> usize {
        self.dist_m.iter().filter(|d| d.is_finite()).count()
    }

    /// The walking distance from the start to a snapped point (its access walk included), if it
    /// is within the budget the walk was made with.
    pub fn distance_to(&self, net: &WalkNetwork, to: &Snap) -> Option<f64> {
        let e = net.edges.get(to.edge as usize)?;
        let along = [
            self.node_distance_m(e.a as usize) + to.t * e.length_m,
            self.node_distance_m(e.b as usize) + (1.0 - to.t) * e.length_m,
        ];
        let mut d = along[0].min(along[1]);
        if to.edge == self.origin.edge {
            // Both on one street segment: walk straight along it.
            d = d.min(self.origin.access_m + (to.t - self.origin.t).abs() * e.length_m);
        }
        let total = d + to.access_m;
        (total <= self.max_m).then_some(total)
    }

    /// The street pieces reached within `budget_m` (≤ the walk's budget), as lon/lat segments;
    /// edges reached only partly give the part that was walked.
    pub fn reached_segments(&self, net: &WalkNetwork, budget_m: f64) -> Vec<[[f64; 2]; 2]> {
        let budget = budget_m.min(self.max_m);
        let mut out = Vec::new();
        let lerp = |p: [f64; 2], q: [f64; 2], f: f64| [p[0] + f * (q[0] - p[0]), p[1] + f * (q[1] - p[1])];
        for (i, e) in net.edges.iter().enumerate() {
            let (pa, pb) = (net.nodes[e.a as usize], net.nodes[e.b as usize]);
            let (da, db) = (self.node_distance_m(e.a as usize), self.node_distance_m(e.b as usize));
            let (sa, sb) = ((budget - da).max(0.0), (budget - db).max(0.0));
            if i as u32 == self.origin.edge && e.length_m > 0.0 {
                // The start's own street: walked both ways from the snap point, and possibly from
                // its ends too (reached round a block). Merge the three intervals of `t`.
                let spare = (budget - self.origin.access_m).max(0.0) / e.length_m;
                let mut parts = [
                    (0.0, (sa / e.length_m).min(1.0)),
                    ((self.origin.t - spare).max(0.0), (self.origin.t + spare).min(1.0)),
                    ((1.0 - sb / e.length_m).max(0.0), 1.0),
                ];
                parts.sort_by(|x, y| x.0.total_cmp(&y.0));
                let mut merged: Vec<(f64, f64)> = Vec::new();
                for (lo, hi) in parts.into_iter().filter(|(lo, hi)| hi > lo) {
                    match merged.last_mut() {
                        Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
                        _ => merged.push((lo, hi)),
                    }
                }
                out.extend(merged.into_iter().map(|(lo, hi)| [lerp(pa, pb, lo), lerp(pa, pb, hi)]));
                continue;
            }
            if sa <= 0.0 && sb <= 0.0 {
                continue;
            }
            if sa + sb >= e.length_m {
                out.push([pa, pb]);
            } else {
                if sa > 0.0 {
                    out.push([pa, lerp(pa, pb, sa / e.length_m)]);
                }
                if sb > 0.0 {
                    out.push([pb, lerp(pb, pa, sb / e.length_m)]);
                }
            }
        }
        out
    }

    /// The area reached within `budget_m`: a concave hull around the walked streets (see the
    /// module notes for why), in lon/lat. `None` when the budget does not even reach the street.
    pub fn area(&self, net: &WalkNetwork, budget_m: f64) -> Option<Polygon<f64>> {
        let segments = self.reached_segments(net, budget_m);
        reach_area(&net.frame, &segments, budget_m)
    }
}

/// How far a walk reaches off the street it walked: the depth of the buildings that face it.
/// The hull is grown by this much, so a walk along a single street reads as a corridor.
pub const FRONTAGE_M: f64 = 50.0;

/// The concave hull of points sampled along `segments` (lon/lat), built in `frame` and grown by
/// [`FRONTAGE_M`].
fn reach_area(frame: &PlanarFrame, segments: &[[[f64; 2]; 2]], budget_m: f64) -> Option<Polygon<f64>> {
    if segments.is_empty() {
        return None;
    }
    // Sample often enough that the hull follows the streets: 2 % of the walk, 10–50 m.
    let step_m = (budget_m / 50.0).clamp(10.0, 50.0);
    let mut pts: Vec<Point<f64>> = Vec::with_capacity(segments.len() * 3);
    for s in segments {
        let (p, q) = (frame.to_plane(s[0]), frame.to_plane(s[1]));
        let len = (q[0] - p[0]).hypot(q[1] - p[1]);
        let n = (len / step_m).ceil().max(1.0) as usize;
        for k in 0..n {
            let f = k as f64 / n as f64;
            pts.push(Point::new(p[0] + f * (q[0] - p[0]), p[1] + f * (q[1] - p[1])));
        }
        pts.push(Point::new(q[0], q[1]));
    }
    let hull = MultiPoint::new(pts.clone())
        .concave_hull_with_options(ConcaveHullOptions { concavity: 2.0, length_threshold: 3.0 * step_m });
    let grown = if hull.exterior().0.len() >= 4 && {
        use geo::Area;
        hull.unsigned_area() > 1.0
    } {
        hull.buffer(FRONTAGE_M)
    } else {
        // A walk along one straight street has no area: its corridor is the street's frontage.
        let line: LineString<f64> = pts.iter().map(|p| Coord { x: p.x(), y: p.y() }).collect();
        line.buffer(FRONTAGE_M)
    };
    let biggest = grown.0.into_iter().max_by(|a, b| {
        use geo::Area;
        a.unsigned_area().total_cmp(&b.unsigned_area())
    })?;
    let to_ll = |ls: &LineString<f64>| -> LineString<f64> {
        ls.coords()
            .map(|c| {
                let ll = frame.to_lon_lat([c.x, c.y]);
                Coord { x: ll[0], y: ll[1] }
            })
            .collect()
    };
    Some(Polygon::new(to_ll(biggest.exterior()), biggest.interiors().iter().map(to_ll).collect()))
}

/// The geodesic area of a reach polygon, m² (for the pedshed ratio).
pub fn area_m2(polygon: &Polygon<f64>) -> f64 {
    polygon_area_m2(polygon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_approximation_matches_geodesic_within_a_metre_per_ten_km() {
        let a = [119.15, 36.70];
        for (dx, dy) in [(0.01, 0.0), (0.0, 0.01), (0.007, -0.004), (-0.02, 0.015), (0.04, 0.03)] {
            let b = [a[0] + dx, a[1] + dy];
            let (g, p) = (geodesic_m(a, b), approx_distance_m(a, b));
            assert!((g - p).abs() < 1e-4 * g + 0.01, "{g} vs {p}");
        }
    }

    #[test]
    fn frame_lower_bound_holds() {
        let frame = PlanarFrame::for_latitudes(36.61, 36.77);
        let f = frame.lower_bound(36.7);
        assert!(f > 0.97 && f < 1.0, "{f}");
        for (a, b) in
            [([119.1, 36.61], [119.3, 36.61]), ([119.1, 36.77], [119.3, 36.77]), ([119.2, 36.61], [119.2, 36.77])]
        {
            let (pa, pb) = (frame.to_plane(a), frame.to_plane(b));
            let planar = (pb[0] - pa[0]).hypot(pb[1] - pa[1]);
            assert!(geodesic_m(a, b) >= f * planar, "{a:?} {b:?}");
        }
        let back = frame.to_lon_lat(frame.to_plane([119.123, 36.654]));
        assert!((back[0] - 119.123).abs() < 1e-12 && (back[1] - 36.654).abs() < 1e-12);
    }

    #[test]
    fn heap_pops_nearest_first() {
        let mut h = BinaryHeap::new();
        for (d, node) in [(5.0, 1), (1.0, 2), (3.0, 3)] {
            h.push(Queued { d, node });
        }
        let order: Vec<u32> = std::iter::from_fn(|| h.pop().map(|q| q.node)).collect();
        assert_eq!(order, vec![2, 3, 1]);
    }

    #[test]
    fn empty_layers_are_an_error() {
        assert_eq!(WalkNetwork::from_lines(Vec::<Vec<[f64; 2]>>::new()).err(), Some(NetworkError::NoStreets));
        assert_eq!(WalkNetwork::from_lines([vec![[1.0, 1.0], [1.0, 1.0]]]).err(), Some(NetworkError::NoStreets));
    }

    #[test]
    fn errors_speak_chinese_and_english() {
        use crate::Bilingual;
        let e = NetworkError::BadStart { lon: 119.5, lat: f64::NAN };
        assert!(e.zh().contains("119.5") && e.zh().contains("NaN") && e.zh().contains("经纬度"), "{}", e.zh());
        assert_eq!(e.en(), e.to_string());
        let e = NetworkError::BadBudget { budget_m: -300.0 };
        assert!(e.zh().contains("-300 米") && e.zh().contains("步行"), "{}", e.zh());
        assert_eq!(e.message(true), e.to_string());
        assert!(NetworkError::NoStreets.zh().contains("线图层") && NetworkError::NoStreets.zh().contains("LineString"));
    }
}
