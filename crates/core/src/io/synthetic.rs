//! Deterministic city-scale data over Kuiwen's extent, for load and draw benchmarks:
//! building-like polygons (a quarter of them concave L shapes) with Chinese properties, plus road
//! lines. `examples/gen_city.rs` writes it to a file.

use std::io::Write;

/// A small deterministic generator (SplitMix64), so the file is identical on every machine.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }
    /// Roughly normal (sum of uniforms), for a denser centre.
    fn normal(&mut self) -> f64 {
        (0..4).map(|_| self.unit()).sum::<f64>() - 2.0
    }
}

const USES: [&str; 6] = ["住宅", "商业", "办公", "工业", "教育", "医疗"];
const M_PER_DEG_LAT: f64 = 110_574.0;

/// Write the city as GeoJSON: `buildings` polygons and `roads` lines, always the same for the
/// same counts.
pub fn write_city(w: &mut impl Write, buildings: usize, roads: usize) -> std::io::Result<()> {
    let mut rng = Rng(0x4B55_4957_454E);
    writeln!(w, "{{\"type\":\"FeatureCollection\",\"name\":\"奎文区建筑与道路（生成数据）\",\"features\":[")?;
    let (lon0, lat0, lon1, lat1) = (119.09, 36.61, 119.30, 36.77);
    let (clon, clat): (f64, f64) = (119.14, 36.70);
    let m_per_deg_lon = 111_320.0 * clat.to_radians().cos();
    for i in 0..buildings {
        // Dense around the old centre, thinning towards the edges.
        let lon = (clon + rng.normal() * 0.03).clamp(lon0 + 0.002, lon1 - 0.002);
        let lat = (clat + rng.normal() * 0.025).clamp(lat0 + 0.002, lat1 - 0.002);
        let (w_m, h_m) = (rng.range(10.0, 40.0), rng.range(10.0, 30.0));
        let (dx, dy) = (w_m / m_per_deg_lon, h_m / M_PER_DEG_LAT);
        let ring: Vec<(f64, f64)> = if i % 4 == 0 {
            // An L shape: concave, so a convex fill would be wrong.
            vec![(0.0, 0.0), (dx, 0.0), (dx, dy * 0.4), (dx * 0.4, dy * 0.4), (dx * 0.4, dy), (0.0, dy), (0.0, 0.0)]
        } else {
            vec![(0.0, 0.0), (dx, 0.0), (dx, dy), (0.0, dy), (0.0, 0.0)]
        };
        let coords: Vec<String> = ring.iter().map(|(x, y)| format!("[{:.6},{:.6}]", lon + x, lat + y)).collect();
        let floors = 1 + (rng.next_u64() % 30) as u32;
        let use_ = USES[(rng.next_u64() % USES.len() as u64) as usize];
        let sep = if i + 1 == buildings && roads == 0 { "" } else { "," };
        writeln!(
            w,
            "{{\"type\":\"Feature\",\"id\":\"b{i}\",\"properties\":{{\"name\":\"楼栋{i:06}\",\"use\":\"{use_}\",\"floors\":{floors},\"height_m\":{:.1}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{}]]}}}}{sep}",
            floors as f64 * 3.0,
            coords.join(",")
        )?;
    }
    for i in 0..roads {
        let mut lon = rng.range(lon0 + 0.005, lon1 - 0.005);
        let mut lat = rng.range(lat0 + 0.005, lat1 - 0.005);
        let n = 2 + (rng.next_u64() % 5) as usize;
        let mut pts = Vec::with_capacity(n);
        for _ in 0..n {
            pts.push(format!("[{lon:.6},{lat:.6}]"));
            lon = (lon + rng.range(-0.003, 0.003)).clamp(lon0, lon1);
            lat = (lat + rng.range(-0.003, 0.003)).clamp(lat0, lat1);
        }
        let sep = if i + 1 == roads { "" } else { "," };
        writeln!(
            w,
            "{{\"type\":\"Feature\",\"id\":\"r{i}\",\"properties\":{{\"name\":\"道路{i:05}\",\"class\":\"支路\"}},\"geometry\":{{\"type\":\"LineString\",\"coordinates\":[{}]}}}}{sep}",
            pts.join(",")
        )?;
    }
    writeln!(w, "]}}")?;
    w.flush()
}

/// The city as bytes in memory (for benchmarks).
pub fn city_bytes(buildings: usize, roads: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(buildings * 300 + roads * 200);
    // Writing to a Vec cannot fail.
    let _ = write_city(&mut out, buildings, roads);
    out
}
