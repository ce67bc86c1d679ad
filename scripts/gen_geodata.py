#!/usr/bin/env python3
"""Generate the embedded illustrative geodata of Kuiwen Atlas (奎文规划一张图).

How to run (from the repository root, Python 3.11):

    pip install shapely==2.2.0 numpy==2.4.6 pyproj==3.7.2
    python3 scripts/gen_geodata.py

Pinned versions: shapely 2.2.0, numpy 2.4.6, pyproj 3.7.2 (geodesic areas on WGS84, the same
Karney algorithm as geo's GeodesicArea used by tests/geodata.rs).

The script is deterministic (fixed random seed, no network, no input files): running it twice
writes byte-identical files into geodata/. Every shape is DRAWN here from the published facts in
/work/shared/FACTS.md (2017 Weifang Daily articles about Kuiwen District plus public reference
locations). No outline is copied from map providers or scraped boundaries, so every feature says
`accuracy: illustrative` (or `approximate` for points placed from a published location).

Afterwards run the Rust check:  cargo test --release --test geodata
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections import defaultdict

import numpy as np
import shapely
import shapely.validation
from pyproj import Geod
from shapely.geometry import (LineString, MultiPoint, Point,
                              Polygon, mapping)
from shapely.geometry.polygon import orient

SEED = 20170601
RNG = np.random.default_rng(SEED)
GRID = 1e-6  # coordinate precision of the written files (6 decimals)
GEOD = Geod(ellps="WGS84")
EXTENT = (119.09, 36.61, 119.30, 36.77)  # lon min, lat min, lon max, lat max

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "geodata")

# Local metric frame (only for construction: Voronoi, spacing); areas are always geodesic.
LAT0 = 36.69
KX = 111320.0 * math.cos(math.radians(LAT0))  # metres per degree of longitude
KY = 110950.0  # metres per degree of latitude

SRC_SEED = ("2017 Weifang Daily (潍坊日报) articles on Kuiwen District: '潍坊市奎文区：以作风建设促新一轮发展', "
            "'奎文打造区域化党建品牌体系', '奎文区：推进“四大片区”开发带动转型升级'")
SRC_DRAWN = "Shape drawn by scripts/gen_geodata.py to fit FACTS.md (not surveyed, not copied from any map)"


# --------------------------------------------------------------------------------------------
# geometry helpers
# --------------------------------------------------------------------------------------------

def geod_area_km2(geom) -> float:
    """Unsigned geodesic area on WGS84 in km²."""
    if geom.is_empty:
        return 0.0
    area, _ = GEOD.geometry_area_perimeter(geom)
    return abs(area) / 1e6


def snap(geom):
    """Snap to the 1e-6 degree grid (the precision written), keep it valid."""
    g = shapely.set_precision(geom, GRID)
    return g


def to_m(geom):
    return shapely.transform(geom, lambda a: np.column_stack(((a[:, 0] - 119.0) * KX, (a[:, 1] - 36.6) * KY)))


def to_deg(geom):
    return shapely.transform(geom, lambda a: np.column_stack((a[:, 0] / KX + 119.0, a[:, 1] / KY + 36.6)))


def dist_m(p, q) -> float:
    """Haversine distance in metres between (lon, lat) tuples."""
    r = 6371008.8
    lon1, lat1, lon2, lat2 = map(math.radians, (p[0], p[1], q[0], q[1]))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def largest_polygon(g):
    if isinstance(g, Polygon):
        return g
    polys = [p for p in getattr(g, "geoms", []) if isinstance(p, Polygon)]
    return max(polys, key=lambda p: p.area)


def polyline(fn, t0, t1, step, horizontal=True):
    """Sample a street/river function on a fixed global lattice (so lines sampled twice match)."""
    n0 = math.ceil(round(t0 / step, 9))
    n1 = math.floor(round(t1 / step, 9))
    ts = [t0] + [k * step for k in range(n0, n1 + 1) if t0 < k * step < t1] + [t1]
    if horizontal:
        return [(t, fn(t)) for t in ts]
    return [(fn(t), t) for t in ts]


# --------------------------------------------------------------------------------------------
# the drawn skeleton: river, railway, streets
# --------------------------------------------------------------------------------------------

def river_x(y: float) -> float:
    """白浪河 centre line: a gentle meander between 119.095 and 119.105 E."""
    t = y - 36.61
    return 119.1 + 0.0033 * math.sin(2 * math.pi * t / 0.043 + 0.7) + 0.0012 * math.sin(2 * math.pi * t / 0.017 + 1.9)


def yu_x(y: float) -> float:
    """虞河 centre line, about 119.145–119.150 E."""
    t = y - 36.61
    return 119.1475 + 0.0019 * math.sin(2 * math.pi * t / 0.038 + 2.1) + 0.0005 * math.sin(2 * math.pi * t / 0.013)


# Jiaoji railway: a smooth curve through 潍坊站 and 廿里堡站, easing towards east-south-east.
_R1 = (119.0919, 36.6961)   # 潍坊站 (FACTS: 119.0919, 36.6961)
_R2 = (119.185, 36.668)     # 廿里堡站 (placed about here, per the brief)
_R3 = (119.30, 36.640)
_S12 = (_R2[1] - _R1[1]) / (_R2[0] - _R1[0])
_S23 = (_R3[1] - _R2[1]) / (_R3[0] - _R2[0])
_C = (_S23 - _S12) / (_R3[0] - _R1[0])


def rail_y(x: float) -> float:
    return _R1[1] + _S12 * (x - _R1[0]) + _C * (x - _R1[0]) * (x - _R2[0])


def ew(lat0, amp=0.00012, period=0.055, phase=0.0):
    return lambda x: lat0 + amp * math.sin(2 * math.pi * (x - 119.09) / period + phase)


def ns(lon0, amp=0.0001, period=0.05, phase=0.0):
    return lambda y: lon0 + amp * math.sin(2 * math.pi * (y - 36.61) / period + phase)


def along_rail(offset):
    return lambda x: rail_y(x) + offset


# Streets that also serve as subdistrict edges (real street names, positions approximate).
ST = {
    "北宫东街": ew(36.745, phase=0.3),
    "樱前街": ew(36.731, phase=1.1),
    "东风东街": ew(36.720, phase=2.0),
    "福寿东街": ew(36.7145, phase=2.7),
    "胜利东街": lambda x: 36.7090 + 0.00010 * math.sin(2 * math.pi * (x - 119.1314) / 0.06),  # passes the Kuiwen government
    "健康东街": ew(36.7045, phase=0.9),
    "民生东街": ew(36.700, phase=1.7),
    "卧龙东街": ew(36.6955, phase=2.4),
    "宝通东街": along_rail(-0.0077),
    "玉清东街": along_rail(-0.0165),
    "新华路": ns(119.108, phase=0.4),
    "文化路": ns(119.118, phase=1.3),
    "潍州路": ns(119.127, phase=2.2),
    "虞河路": ns(119.140, phase=0.8),
    "四平路": ns(119.1535, phase=1.9),
    "北海路": ns(119.160, phase=2.9),
    "鸢飞路": ns(119.1685, phase=0.2),
    "金马路": ns(119.197, phase=1.4),
    "东方路": ns(119.215, phase=2.5),
}


# --------------------------------------------------------------------------------------------
# boundary, the 8 subdistricts' area, the southern new town
# --------------------------------------------------------------------------------------------

Y_N, Y_S = 36.752, 36.615  # north edge of the old-town block, south edge of the district


def river_coords(y0, y1, step=0.0005):
    return polyline(river_x, y0, y1, step, horizontal=False)


def boundary_polygon(east):
    """奎文区 outline. West edge = 白浪河 centre line; `east` = longitude of the east edge."""
    north = [(119.112, 36.7525), (119.125, 36.7516), (119.138, 36.7530), (119.150, 36.7521),
             (119.162, 36.7527), (119.1705, 36.7520), (119.1712, 36.7450), (119.1700, 36.7380),
             (119.1716, 36.7310), (119.1820, 36.7300), (119.1980, 36.7318), (119.2140, 36.7296),
             (119.2300, 36.7310), (119.2480, 36.7291)]
    e = east
    eastside = [(e - 0.006, 36.7283), (e, 36.7262), (e + 0.0015, 36.7120), (e + 0.0005, 36.7000),
                (e - 0.0010, 36.6870), (e + 0.0008, 36.6740), (e, 36.6600), (e - 0.0020, 36.6480),
                (e - 0.0045, 36.6400)]
    south = [(119.2500, 36.6372), (119.2300, 36.6338), (119.2120, 36.6302), (119.1950, 36.6243),
             (119.1780, 36.6186), (119.1600, 36.6166), (119.1400, 36.6156), (119.1200, 36.6150)]
    west = river_coords(Y_S, Y_N)  # south -> north
    # the high-tech part's edges follow field and village edges: add small deterministic jogs
    wild = wiggle(north[9:] + eastside + south, 90.0)
    ring = [(river_x(Y_N), Y_N)] + north[:9] + wild + west[:-1]
    # listed clockwise (north edge west->east, then south): orient() makes it CCW later
    return orient(Polygon(ring), 1.0)


def wiggle(points, amp_m):
    """Insert two jogged points between consecutive vertices (deterministic, no RNG)."""
    out = [points[0]]
    for i, (a, b) in enumerate(zip(points, points[1:])):
        dx, dy = (b[0] - a[0]) * KX, (b[1] - a[1]) * KY
        n = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / n, dx / n  # unit normal in metres
        for t, s in ((1 / 3, math.sin(1.7 * i + 0.4)), (2 / 3, math.sin(2.3 * i + 1.9))):
            out.append((a[0] + t * (b[0] - a[0]) + amp_m * s * nx / KX,
                        a[1] + t * (b[1] - a[1]) + amp_m * s * ny / KY))
        out.append(b)
    return out


def tune(fn, target, lo, hi, iters=60):
    """Bisection on a monotone increasing fn."""
    for _ in range(iters):
        mid = (lo + hi) / 2
        if fn(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def half_plane_south_of(fn, x0=119.05, x1=119.35, step=0.0025, margin=0.3):
    """Polygon of everything south of the curve y = fn(x) (within a big box)."""
    top = polyline(fn, x0, x1, step)
    return Polygon(top + [(x1, 36.6 - margin), (x0, 36.6 - margin)])


def half_plane_north_of(fn, x0=119.05, x1=119.35, step=0.0025, margin=0.3):
    bot = polyline(fn, x0, x1, step)
    return Polygon(bot + [(x1, 36.8 + margin), (x0, 36.8 + margin)])


def r8_polygon(boundary, hscale):
    """The 57.6 km² Kuiwen runs itself: old town north of the railway plus a strip south of it."""
    def south_off(x):
        # depth of the strip south of the railway: ~1.4 km in the west, ~0.8 km in the east
        f = (x - 119.10) / (119.194 - 119.10)
        return hscale * (0.0125 - 0.005 * f)

    south_edge = [(x, rail_y(x) - south_off(x)) for x in np.arange(119.090, 119.1941, 0.002)]
    south_edge.append((119.194, rail_y(119.194) - south_off(119.194)))
    east_edge = [(119.1940, rail_y(119.194) + 0.0005), (119.1915, 36.6770), (119.1840, 36.6822),
                 (119.1760, 36.6848), (119.1740, 36.6930), (119.1732, 36.7050), (119.1722, 36.7180),
                 (119.1716, 36.7310)]
    q = Polygon([(119.06, 36.80), (119.1716, 36.80)] + list(reversed(east_edge)) +
                list(reversed(south_edge)) + [(119.06, south_edge[0][1])])
    q = orient(shapely.make_valid(q), 1.0)
    return shapely.intersection(boundary, q, grid_size=GRID)


def new_town_polygon(boundary, south_lat):
    """南部新城: 30 km² entirely south of the railway (north edge 100 m south of the tracks)."""
    x_e = 119.1725
    top = [(x, rail_y(x) - 0.0009) for x in np.arange(119.088, x_e, 0.0025)] + [(x_e, rail_y(x_e) - 0.0009)]
    east = [(x_e + 0.0008, rail_y(x_e) - 0.012), (x_e - 0.0015, south_lat + 0.018), (x_e - 0.0060, south_lat + 0.006),
            (x_e - 0.0120, south_lat + 0.0015)]
    bottom = [(119.150, south_lat - 0.0010), (119.138, south_lat + 0.0012), (119.126, south_lat - 0.0006),
              (119.114, south_lat + 0.0004), (119.088, south_lat)]
    ring = top + east + bottom
    p = shapely.make_valid(Polygon(ring))
    return orient(shapely.intersection(boundary, p, grid_size=GRID), 1.0)


# --------------------------------------------------------------------------------------------
# subdistricts, communities and grids
# --------------------------------------------------------------------------------------------

SUBDISTRICTS = [
    # key, name, pinyin, code, communities
    ("dongguan", "东关街道", "Dongguan", "370705001", 9),
    ("dayu", "大虞街道", "Dayu", "370705002", 9),
    ("liyuan", "梨园街道", "Liyuan", "370705003", 7),
    ("nianlipu", "廿里堡街道", "Nianlipu", "370705004", 6),
    ("weizhoulu", "潍州路街道", "Weizhoulu", "370705005", 7),
    ("beiyuan", "北苑街道", "Beiyuan", "370705006", 9),
    ("guangwen", "广文街道", "Guangwen", "370705007", 10),
    ("beihailu", "北海路街道", "Beihailu", "370705012", 8),
]

COMMUNITY_NAMES = {
    "dongguan": [("十笏园", "Shihuyuan"), ("南关", "Nanguan"), ("和平", "Heping"), ("通亭", "Tongting"),
                 ("白浪河", "Bailanghe"), ("城隍庙", "Chenghuangmiao"), ("新华", "Xinhua"), ("东门", "Dongmen"),
                 ("松园", "Songyuan")],
    "dayu": [("大虞", "Dayu"), ("虞河", "Yuhe"), ("东苑", "Dongyuan"), ("金马", "Jinma"), ("樱花", "Yinghua"),
             ("翠园", "Cuiyuan"), ("东方", "Dongfang"), ("安顺", "Anshun"), ("虞新", "Yuxin")],
    "liyuan": [("梨园", "Liyuan"), ("早春园", "Zaochunyuan"), ("红星", "Hongxing"), ("绿园", "Lvyuan"),
               ("清平", "Qingping"), ("玉兰", "Yulan"), ("朝阳", "Chaoyang")],
    "nianlipu": [("廿里堡", "Nianlipu"), ("烟厂", "Yanchang"), ("站前", "Zhanqian"), ("东明", "Dongming"),
                 ("福安", "Fu'an"), ("宏源", "Hongyuan")],
    "weizhoulu": [("潍州", "Weizhou"), ("宝通", "Baotong"), ("民生", "Minsheng"), ("卧龙", "Wolong"),
                  ("南苑", "Nanyuan"), ("南下河", "Nanxiahe"), ("铁南", "Tienan")],
    "beiyuan": [("北苑", "Beiyuan"), ("北宫", "Beigong"), ("樱前", "Yingqian"), ("香榭", "Xiangxie"),
                ("金茂", "Jinmao"), ("康乐", "Kangle"), ("北门", "Beimen"), ("宝龙", "Baolong"), ("华都", "Huadu")],
    "guangwen": [("广文", "Guangwen"), ("胜利", "Shengli"), ("奎文门", "Kuiwenmen"), ("福寿", "Fushou"),
                 ("健康", "Jiankang"), ("民主", "Minzhu"), ("文化", "Wenhua"), ("樱园", "Yingyuan"),
                 ("金宝", "Jinbao"), ("鸢都", "Yuandu")],
    "beihailu": [("北海", "Beihai"), ("四平", "Siping"), ("鸢飞", "Yuanfei"), ("东风", "Dongfeng"),
                 ("泰华", "Taihua"), ("佳苑", "Jiayuan"), ("阳光", "Yangguang"), ("怡园", "Yiyuan")],
}

# Some names are tied to a place: the named community is the cell nearest the anchor.
COMMUNITY_ANCHORS = {
    "白浪河": (119.100, 36.715), "十笏园": (119.112, 36.712), "南关": (119.112, 36.699),
    "大虞": (119.146, 36.735), "虞河": (119.1475, 36.722),
    "廿里堡": (119.185, 36.668), "烟厂": (119.186, 36.674), "站前": (119.170, 36.676),
    "潍州": (119.127, 36.690), "南下河": (119.114, 36.684), "南苑": (119.125, 36.672), "铁南": (119.135, 36.676),
    "北宫": (119.120, 36.745), "樱前": (119.130, 36.733),
    "广文": (119.131, 36.711), "胜利": (119.124, 36.709), "福寿": (119.128, 36.716),
    "北海": (119.160, 36.735), "四平": (119.155, 36.708), "鸢飞": (119.168, 36.725),
}


def sd_of(x: float, y: float) -> str:
    """Which subdistrict a point of the 8-subdistrict area belongs to (edges follow streets)."""
    if x < ST["虞河路"](y):
        if y > ST["樱前街"](x):
            return "beiyuan"
        if x < ST["文化路"](y):
            return "dongguan" if y > ST["卧龙东街"](x) else "weizhoulu"
        return "guangwen" if y > ST["民生东街"](x) else "weizhoulu"
    if x < ST["四平路"](y):
        if y > rail_y(x):
            return "dayu" if y > ST["福寿东街"](x) else "liyuan"
        return "nianlipu"
    return "beihailu" if y > ST["民生东街"](x) else "nianlipu"


def sample_in(poly, n):
    minx, miny, maxx, maxy = poly.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        xs = RNG.uniform(minx, maxx, 4 * n)
        ys = RNG.uniform(miny, maxy, 4 * n)
        keep = shapely.contains_xy(poly, xs, ys)
        out = np.vstack([out, np.column_stack([xs[keep], ys[keep]])])
    return out[:n]


def kmeans(pts, k, iters=60):
    centers = pts[RNG.choice(len(pts), k, replace=False)]
    for _ in range(iters):
        d = ((pts[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
        lab = d.argmin(1)
        new = np.array([pts[lab == i].mean(0) if np.any(lab == i) else centers[i] for i in range(k)])
        if np.allclose(new, centers):
            break
        centers = new
    return centers


def voronoi_split(poly_deg, k):
    """Split a polygon into k compact cells (Lloyd/k-means seeds + Voronoi), in metres."""
    pm = to_m(poly_deg)
    pts = sample_in(pm, 350 * k)
    centers = kmeans(pts, k)
    vor = shapely.voronoi_polygons(MultiPoint([tuple(c) for c in centers]), extend_to=pm)
    cells = []
    for c in centers:
        cell = next(v for v in vor.geoms if v.contains(Point(c)))
        cells.append(shapely.intersection(cell, pm))
    cells = fix_multipart(cells)
    return [to_deg(c) for c in cells]


def fix_multipart(cells):
    """Give detached pieces of a cell to the neighbour that shares the longest edge with them."""
    cells = list(cells)
    for _ in range(10):
        changed = False
        for i, c in enumerate(cells):
            if isinstance(c, Polygon):
                continue
            parts = sorted([p for p in c.geoms if isinstance(p, Polygon)], key=lambda p: -p.area)
            cells[i] = parts[0]
            for part in parts[1:]:
                best, best_len = None, -1.0
                for j, o in enumerate(cells):
                    if j == i:
                        continue
                    shared = part.boundary.intersection(o.buffer(1e-6 if o.area < 1 else 0.01)).length
                    if shared > best_len:
                        best, best_len = j, shared
                cells[best] = shapely.union(cells[best], part)
            changed = True
        if not changed:
            break
    return cells


def exact_coverage(cells, container_deg, layers=()):
    """Turn cells (unsnapped) into an exact coverage on the 1e-6 grid, together with `layers`.

    All edges (container, cells, layers) are noded together with snap-rounding and polygonized
    into one planar arrangement. Every face inside the container goes to the cell it overlaps
    most; a face belongs to a layer when it mostly lies inside it (and inside the layer's parent,
    so nesting is exact). Shapes are unions of their faces, so neighbours share exactly the same
    vertices, nothing overlaps or leaves a gap, and a district lies exactly inside the new town,
    which lies exactly inside the district boundary.

    layers: list of (shape, parent layer index or None, also_holds_cells)
    """
    lines = [container_deg.boundary] + [c.boundary for c in cells] + [lay[0].boundary for lay in layers]
    noded = shapely.union_all(lines, grid_size=GRID)
    faces = list(shapely.polygonize(list(getattr(noded, "geoms", [noded]))).geoms)
    fa = np.array(faces, dtype=object)
    f_area = shapely.area(fa)
    tree = shapely.STRtree(cells)
    assigned = defaultdict(list)
    cell_of = [None] * len(faces)
    for k, f in enumerate(faces):
        cand = tree.query(f)
        best, best_a = None, 0.0
        for j in cand:
            a = f.intersection(cells[j]).area
            if a > best_a:
                best, best_a = j, a
        if best is None or best_a < 0.5 * f.area:
            continue  # face outside the container (or snap-rounding overshoot)
        assigned[best].append(f)
        cell_of[k] = best
    member = []
    for shape_, parent, holds_cells in layers:
        m = shapely.area(shapely.intersection(fa, shape_)) >= 0.5 * f_area
        if holds_cells:
            m |= np.array([c is not None for c in cell_of])
        if parent is not None:
            m &= member[parent]
        member.append(m)
    layer_out = [orient(largest_polygon(shapely.union_all(fa[m], grid_size=GRID)), 1.0) for m in member]
    out = []
    for i in range(len(cells)):
        g = shapely.union_all(assigned[i], grid_size=GRID)
        out.append(g)
    # slivers that came out detached: hand them to the neighbour with the longest shared edge
    for _ in range(5):
        bad = [i for i, g in enumerate(out) if not isinstance(g, Polygon)]
        if not bad:
            break
        for i in bad:
            parts = sorted(out[i].geoms, key=lambda p: -p.area)
            out[i] = parts[0]
            for part in parts[1:]:
                best, best_len = None, -1.0
                for j, o in enumerate(out):
                    if j != i:
                        ln = part.boundary.intersection(o.boundary).length
                        if ln > best_len:
                            best, best_len = j, ln
                out[best] = shapely.union_all([out[best], part], grid_size=GRID)
    return [orient(g, 1.0) for g in out], layer_out


# --------------------------------------------------------------------------------------------
# roads
# --------------------------------------------------------------------------------------------

def build_roads(boundary, r8, nt):
    rail_n = half_plane_north_of(along_rail(0.0006))
    rail_s = half_plane_south_of(along_rail(-0.0006))
    zone = shapely.union(r8, nt)
    zone_n = shapely.intersection(zone, rail_n)
    zone_s = shapely.intersection(zone, rail_s)
    b_n = shapely.intersection(boundary, rail_n)
    b_s = shapely.intersection(boundary, rail_s)

    specs = []  # (name, name_en, class, coords, clip, status)

    def add_ew(name, en, cls, fn, x0, x1, clip, status="existing"):
        specs.append((name, en, cls, polyline(fn, x0, x1, 0.001), clip, status))

    def add_ns(name, en, cls, fn, y0, y1, clip, status="existing"):
        specs.append((name, en, cls, polyline(fn, y0, y1, 0.001, horizontal=False), clip, status))

    # east-west streets north of the railway
    add_ew("北宫东街", "Beigong East Street", "arterial", ST["北宫东街"], 119.09, 119.20, b_n)
    add_ew("樱前街", "Yingqian Street", "secondary", ST["樱前街"], 119.09, 119.176, b_n)
    add_ew("东风东街", "Dongfeng East Street", "arterial", ST["东风东街"], 119.09, 119.29, b_n)
    add_ew("福寿东街", "Fushou East Street", "secondary", ST["福寿东街"], 119.09, 119.20, b_n)
    add_ew("胜利东街", "Shengli East Street", "arterial", ST["胜利东街"], 119.09, 119.29, b_n)
    add_ew("健康东街", "Jiankang East Street", "secondary", ST["健康东街"], 119.09, 119.25, b_n)
    add_ew("民生东街", "Minsheng East Street", "arterial", ST["民生东街"], 119.09, 119.29, b_n)
    add_ew("卧龙东街", "Wolong East Street", "secondary", ST["卧龙东街"], 119.09, 119.20, b_n)
    # south of the railway
    add_ew("宝通东街", "Baotong East Street", "arterial", ST["宝通东街"], 119.09, 119.29, b_s)
    add_ew("玉清东街", "Yuqing East Street", "secondary", ST["玉清东街"], 119.09, 119.29, b_s)
    # north-south
    for name, en, cls, cross in [("新华路", "Xinhua Road", "secondary", False),
                                 ("文化路", "Wenhua Road", "arterial", True),
                                 ("潍州路", "Weizhou Road", "arterial", True),
                                 ("虞河路", "Yuhe Road", "secondary", True),
                                 ("四平路", "Siping Road", "secondary", False),
                                 ("北海路", "Beihai Road", "arterial", True),
                                 ("鸢飞路", "Yuanfei Road", "secondary", True),
                                 ("金马路", "Jinma Road", "secondary", True),
                                 ("东方路", "Dongfang Road", "arterial", True)]:
        fn = ST[name]
        coords = polyline(fn, 36.612, 36.768, 0.001, horizontal=False)
        if name == "文化路":
            # 文化路 north of the railway, 文化南路 south of it: split where it crosses the tracks
            yc = rail_y(119.118)
            for _ in range(20):
                yc = rail_y(fn(yc))
            north = [c for c in coords if c[1] > yc]
            south = [c for c in coords if c[1] < yc]
            xc = fn(yc)
            specs.append(("文化南路", "Wenhua South Road", "arterial", south + [(xc, yc)], boundary, "existing"))
            specs.append(("文化路", "Wenhua Road", "arterial", [(xc, yc)] + north, boundary, "existing"))
            continue
        specs.append((name, en, cls, coords, boundary if cross else b_n, "existing"))

    # minor streets (规划支路) at roughly 450-600 m spacing, stopping at the railway
    minor_ew_n = [36.7490, 36.7380, 36.7255, 36.6910, 36.6865, 36.6820, 36.6775, 36.6730]
    minor_ns = [119.1130, 119.1225, 119.1335, 119.1770, 119.1870]
    minor_ns_s = [119.1030, 119.1080, 119.1130, 119.1225, 119.1335, 119.1535, 119.1770, 119.1870]
    minor_off_s = [-0.0035, -0.0120, -0.0210, -0.0255, -0.0300, -0.0345, -0.0390, -0.0435, -0.0480, -0.0525]
    k = 0
    for lat in minor_ew_n:
        k += 1
        add_ew(f"规划支路{k}号", f"Planned Branch Road No. {k}", "minor", ew(lat, amp=0.00008, phase=k), 119.09, 119.20, zone_n)
    for off in minor_off_s:
        k += 1
        add_ew(f"规划支路{k}号", f"Planned Branch Road No. {k}", "minor", along_rail(off), 119.09, 119.20, zone_s, "planned")
    for lon in minor_ns:
        k += 1
        add_ns(f"规划支路{k}号", f"Planned Branch Road No. {k}", "minor", ns(lon, amp=0.00008, phase=k), 36.60, 36.77, zone_n)
    for lon in minor_ns_s:
        k += 1
        add_ns(f"规划支路{k}号", f"Planned Branch Road No. {k}", "minor", ns(lon, amp=0.00008, phase=k), 36.60, 36.77, zone_s, "planned")

    # clip every street to its zone; keep parts longer than 150 m
    pieces = []
    for name, en, cls, coords, clip, status in specs:
        g = shapely.intersection(LineString(coords), clip)
        parts = [g] if isinstance(g, LineString) else [p for p in getattr(g, "geoms", []) if isinstance(p, LineString)]
        for p in parts:
            if p.length * KX > 150:
                pieces.append([name, en, cls, p, status])

    # the Yu river minor lines: drop pieces that run too close to the river (bridges only on streets)
    def ok(p):
        name, _, cls, geom, _ = p
        if cls != "minor":
            return True
        yu = LineString(polyline(yu_x, 36.60, 36.77, 0.0005, horizontal=False))
        return geom.hausdorff_distance(yu) > 0.002 or geom.distance(yu) > 0.0006

    pieces = [p for p in pieces if ok(p)]
    return node_network(pieces)


def node_network(pieces):
    """Give every pair of crossing streets an identical vertex at the crossing.

    Snap-rounding noding (union with grid_size) yields every crossing on the 1e-6 grid; each street
    gets all noded vertices that lie on it, ordered along the street. Then keep the largest
    connected component (by exact coordinates), like the Rust test does.
    """
    lines = [snap(p[3]) for p in pieces]
    noded = shapely.union_all(lines, grid_size=GRID)
    nodes = set()
    for seg in getattr(noded, "geoms", [noded]):
        cs = list(seg.coords)
        nodes.add(cs[0])
        nodes.add(cs[-1])
    node_pts = [Point(c) for c in nodes]
    tree = shapely.STRtree(node_pts)
    out = []
    for p, geom in zip(pieces, lines):
        near = tree.query(geom, predicate="dwithin", distance=2.5e-6)
        cand = [node_pts[i] for i in near]
        keyed = {}
        for c in geom.coords:
            keyed[(round(c[0], 6), round(c[1], 6))] = geom.project(Point(c))
        node_cs = {(round(q.x, 6), round(q.y, 6)): geom.project(q) for q in cand}
        # drop plain vertices within ~2 m of a crossing (keep the crossing's node)
        for kc in list(keyed):
            if kc in node_cs:
                continue
            if any(abs(kc[0] - c[0]) <= 2e-5 and abs(kc[1] - c[1]) <= 2e-5 for c in node_cs):
                del keyed[kc]
        keyed.update(node_cs)
        coords = [c for c, _ in sorted(keyed.items(), key=lambda kv: kv[1])]
        out.append(p[:3] + [coords] + p[4:])

    # connectivity: union-find on exact coordinates
    parent = {}

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in out:
        cs = r[3]
        for c in cs:
            parent.setdefault(c, c)
        for a, b in zip(cs, cs[1:]):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
    comp = defaultdict(int)
    for c in parent:
        comp[find(c)] += 1
    main = max(comp, key=comp.get)
    kept = [r for r in out if find(r[3][0]) == main]
    dropped = len(out) - len(kept)
    if dropped:
        print(f"roads: dropped {dropped} disconnected pieces", file=sys.stderr)
    return kept


# --------------------------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------------------------

def rnd(v):
    if isinstance(v, float):
        r = round(v, 6)
        return 0.0 if r == 0 else r
    if isinstance(v, (list, tuple)):
        return [rnd(x) for x in v]
    return v


def geom_json(g):
    if isinstance(g, dict):
        return g
    m = mapping(g)
    return {"type": m["type"], "coordinates": rnd(m["coordinates"])}


def feature(fid, props, geom):
    return {"type": "Feature", "id": fid, "properties": props, "geometry": geom_json(geom)}


def write_fc(fname, feats):
    ids = [f["id"] for f in feats]
    assert len(ids) == len(set(ids)), f"duplicate ids in {fname}"
    path = os.path.join(OUT_DIR, fname)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write('{"type": "FeatureCollection", "features": [\n')
        fh.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in feats))
        fh.write("\n]}\n")
    print(f"wrote {fname}: {len(feats)} features")


def base_props(name, name_en, category, source, accuracy="illustrative", **extra):
    d = {"name": name, "name_en": name_en, "category": category, "source": source, "accuracy": accuracy}
    d.update(extra)
    return d


def poly_check(g, what):
    assert isinstance(g, Polygon), f"{what}: not a single polygon ({g.geom_type})"
    assert g.is_valid, f"{what}: {shapely.validation.explain_validity(g)}"
    assert g.exterior.is_ccw, f"{what}: exterior not CCW"
    for r in g.interiors:
        assert not r.is_ccw, f"{what}: hole not CW"
    return g


def final_poly(g, what):
    """Snap to 6 decimals, CCW exterior / CW holes, valid, single polygon."""
    g = largest_polygon(snap(g)) if not isinstance(snap(g), Polygon) else snap(g)
    g = orient(g, 1.0)
    return poly_check(g, what)


def shape_around(cx, cy, rx_m, ry_m, n=10, jitter=0.12, rot=0.0):
    """An irregular, roughly elliptical outline (for parks), radii in metres."""
    pts = []
    for i in range(n):
        a = 2 * math.pi * i / n + rot
        j = 1 + jitter * math.sin(3 * a + 0.7) + 0.6 * jitter * math.cos(5 * a)
        x = rx_m * j * math.cos(a)
        y = ry_m * j * math.sin(a)
        pts.append((cx + x / KX, cy + y / KY))
    return Polygon(pts)


def scale_to_area(poly, target_km2, clip=None):
    """Scale a shape about its centroid so its geodesic area (after snapping) hits the target."""
    c = poly.centroid

    def area_at(s):
        g = shapely.affinity.scale(poly, s, s, origin=c)
        if clip is not None:
            g = shapely.intersection(g, clip)
        return geod_area_km2(snap(g))

    s = tune(area_at, target_km2, 0.2, 5.0)
    g = shapely.affinity.scale(poly, s, s, origin=c)
    if clip is not None:
        g = shapely.intersection(g, clip)
    return g


def district_shapes(nt):
    """The four development districts (planning areas). The three southern ones are clipped to the new town."""
    d_laoshifu = Polygon([(119.1085, 36.7262), (119.1180, 36.7275), (119.1302, 36.7268), (119.1330, 36.7200),
                          (119.1318, 36.7122), (119.1205, 36.7110), (119.1110, 36.7128), (119.1075, 36.7190)])
    x_bl_e, x_wh_e, x_sw_e = 119.1125, 119.1310, 119.1640
    d_bailang = Polygon([(119.090, 36.700), (x_bl_e, 36.700), (x_bl_e + 0.0010, 36.668), (x_bl_e - 0.0004, 36.6480),
                         (119.090, 36.6470)])
    d_wenhua = Polygon([(x_bl_e, 36.700), (x_wh_e, 36.700), (x_wh_e + 0.0008, 36.668), (x_wh_e - 0.0010, 36.6550),
                        (119.1200, 36.6535), (x_bl_e - 0.0004, 36.6550), (x_bl_e + 0.0010, 36.668)])
    d_sanwang = Polygon([(x_wh_e, 36.700), (x_sw_e, 36.700), (x_sw_e + 0.0015, 36.6640), (x_sw_e - 0.0030, 36.6505),
                         (119.1500, 36.6480), (x_wh_e + 0.0030, 36.6495), (x_wh_e - 0.0010, 36.6550),
                         (x_wh_e + 0.0008, 36.668)])
    return (d_laoshifu, largest_polygon(shapely.intersection(d_sanwang, nt)),
            largest_polygon(shapely.intersection(d_wenhua, nt)), largest_polygon(shapely.intersection(d_bailang, nt)))


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def main():
    os.makedirs(OUT_DIR, exist_ok=True)

    # ---- boundary: tune the east edge so the district is 183 km²
    east = tune(lambda e: geod_area_km2(snap(boundary_polygon(e))), 183.0, 119.20, 119.295)
    boundary = final_poly(boundary_polygon(east), "boundary")

    # ---- the 8 subdistricts' area (57.6 km²)
    hscale = tune(lambda h: geod_area_km2(r8_polygon(boundary, h)), 57.6, 0.2, 3.0)
    r8 = largest_polygon(r8_polygon(boundary, hscale))

    # ---- 南部新城, 30 km²: tune its south edge (lower south edge -> larger area)
    south_lat = tune(lambda s: -geod_area_km2(snap(new_town_polygon(boundary, s))), -30.0, 36.62, 36.67)
    nt = final_poly(new_town_polygon(boundary, south_lat), "new town")

    # ---- subdistricts: cut the 8-subdistrict area along streets
    cut_names_ew = ["樱前街", "卧龙东街", "民生东街", "福寿东街"]
    cut_names_ns = ["虞河路", "文化路", "四平路"]
    cuts = [LineString(polyline(ST[n], 119.08, 119.21, 0.001)) for n in cut_names_ew]
    cuts += [LineString(polyline(ST[n], 36.60, 36.77, 0.001, horizontal=False)) for n in cut_names_ns]
    cuts.append(LineString(polyline(rail_y, 119.08, 119.21, 0.002)))
    pieces = shapely.polygonize(list(shapely.union_all([r8.boundary] + cuts).geoms)).geoms
    sd_parts = defaultdict(list)
    for pc in pieces:
        if not r8.contains(pc.representative_point()):
            continue
        rp = pc.representative_point()
        sd_parts[sd_of(rp.x, rp.y)].append(pc)
    sd_raw = {k: shapely.union_all(v) for k, v in sd_parts.items()}
    for k, v in sd_raw.items():
        assert isinstance(v, Polygon), f"subdistrict {k} is {v.geom_type}"

    # ---- communities (Voronoi of k-means seeds inside each subdistrict), then grids
    sd_keys = [s[0] for s in SUBDISTRICTS]
    comm_cells = []  # (sd_key, geom)
    north_of_rail = half_plane_north_of(rail_y)
    for key, _, _, _, n in SUBDISTRICTS:
        # communities do not straddle the railway: split subdistricts that cross it first
        g = sd_raw[key]
        zones = [largest_polygon(shapely.intersection(g, north_of_rail)),
                 largest_polygon(shapely.difference(g, north_of_rail))]
        zones = [z for z in zones if z.area > 0.02 * g.area] if not g.within(north_of_rail) else [g]
        areas = [z.area for z in zones]
        alloc = [max(1, int(round(n * a / sum(areas)))) for a in areas]
        alloc[int(np.argmax(areas))] += n - sum(alloc)
        for z, k in zip(zones, alloc):
            for c in voronoi_split(z, k):
                comm_cells.append((key, c))

    # community households (~6000, 4800–7200) and grid counts summing to 413
    n_comm = len(comm_cells)
    households = [int(round(min(7200, max(4800, RNG.normal(6000, 520))) / 10) * 10) for _ in range(n_comm)]
    gc = np.array([max(4, min(9, int(round(h / 6000 * 413 / 65 + RNG.normal(0, 0.7))))) for h in households])
    while gc.sum() != 413:
        i = int(RNG.integers(n_comm))
        if gc.sum() < 413 and gc[i] < 9:
            gc[i] += 1
        elif gc.sum() > 413 and gc[i] > 4:
            gc[i] -= 1
    grid_cells = []  # (community index, geom)
    for ci, (key, cg) in enumerate(comm_cells):
        for g in voronoi_split(cg, int(gc[ci])):
            grid_cells.append((ci, g))

    # ---- exact coverage on the 1e-6 grid: grids first, then unions upwards
    d_laoshifu, d_sanwang, d_wenhua, d_bailang = district_shapes(nt)
    layers = [(boundary, None, True), (nt, 0, False), (d_sanwang, 1, False), (d_wenhua, 1, False), (d_bailang, 1, False)]
    grids_exact, (boundary, nt, d_sanwang, d_wenhua, d_bailang) = exact_coverage([g for _, g in grid_cells], r8, layers)
    for what, g in (("boundary", boundary), ("new town", nt), ("三王一马", d_sanwang), ("文化南路", d_wenhua), ("白浪河", d_bailang)):
        poly_check(g, what)
        assert not g.interiors, f"{what}: unexpected hole after the exact overlay"
    b_area = geod_area_km2(boundary)
    nt_area = geod_area_km2(nt)
    comm_exact = []
    for ci in range(n_comm):
        parts = [grids_exact[j] for j, (c, _) in enumerate(grid_cells) if c == ci]
        comm_exact.append(orient(shapely.union_all(parts, grid_size=GRID), 1.0))
    sd_exact = {}
    for key in sd_keys:
        parts = [comm_exact[ci] for ci, (k, _) in enumerate(comm_cells) if k == key]
        sd_exact[key] = orient(shapely.union_all(parts, grid_size=GRID), 1.0)
    for i, g in enumerate(grids_exact):
        poly_check(g, f"grid {i}")
    for i, g in enumerate(comm_exact):
        poly_check(g, f"community {i}")
    for k, g in sd_exact.items():
        poly_check(g, f"subdistrict {k}")

    # ---- names for communities (anchored names first, rest north->south, west->east)
    comm_name = {}
    for key in sd_keys:
        idx = [ci for ci, (k, _) in enumerate(comm_cells) if k == key]
        names = list(COMMUNITY_NAMES[key])
        free = set(idx)
        for nm, en in names:
            if nm in COMMUNITY_ANCHORS:
                ax, ay = COMMUNITY_ANCHORS[nm]
                best = min(free, key=lambda ci: comm_exact[ci].centroid.distance(Point(ax, ay)))
                comm_name[best] = (nm, en)
                free.discard(best)
        rest = [ne for ne in names if ne[0] not in COMMUNITY_ANCHORS]
        order = sorted(free, key=lambda ci: (-round(comm_exact[ci].centroid.y, 3), comm_exact[ci].centroid.x))
        for ci, ne in zip(order, rest):
            comm_name[ci] = ne
    # within each subdistrict, number communities north->south then west->east
    comm_no = {}
    for key in sd_keys:
        idx = [ci for ci, (k, _) in enumerate(comm_cells) if k == key]
        idx.sort(key=lambda ci: (-round(comm_exact[ci].centroid.y, 3), comm_exact[ci].centroid.x))
        for n, ci in enumerate(idx, 1):
            comm_no[ci] = n

    sd_info = {s[0]: s for s in SUBDISTRICTS}

    # managers: 413 grids, 1315 managers in all (2–5 per grid)
    n_grid = len(grids_exact)
    managers = np.array([3 + int(RNG.choice([-1, 0, 0, 0, 1, 1])) for _ in range(n_grid)])
    while managers.sum() != 1315:
        i = int(RNG.integers(n_grid))
        if managers.sum() < 1315 and managers[i] < 5:
            managers[i] += 1
        elif managers.sum() > 1315 and managers[i] > 2:
            managers[i] -= 1

    # ================================================================ write: boundary
    write_fc("kuiwen_boundary.geojson", [feature("boundary-kuiwen", base_props(
        "奎文区", "Kuiwen District", "boundary",
        f"{SRC_DRAWN}. West edge follows the drawn Bailang River centre line; the outline is tuned to the "
        "published district area (~183 km² incl. the 新城 and 清池 subdistricts run by the Weifang high-tech zone; "
        "Kuiwen runs ~57.6 km² itself, FACTS.md §2).",
        admin_code="370705", area_km2=round(b_area, 2), area_text="约183平方公里（含高新区代管的新城、清池街道）",
        self_run_area_text="奎文区直管8个街道约57.6平方公里", city="潍坊市", province="山东省"), boundary)])

    # ================================================================ railway + stations
    rail_xs = sorted(set([round(x, 4) for x in np.arange(119.090, 119.3001, 0.0025)] + [_R1[0], _R2[0]]))
    rail_line = LineString([(x, rail_y(x)) for x in rail_xs])
    write_fc("jiaoji_railway.geojson", [
        feature("railway-jiaoji", base_props(
            "胶济铁路", "Jiaoji Railway (Qingdao–Jinan)", "railway",
            f"{SRC_DRAWN}: smooth curve through 潍坊站 (119.0919, 36.6961, public location) and 廿里堡站 "
            "(placed at about 119.185, 36.668), continuing east-south-east to the edge of the map extent. "
            "The seed article names it as the northern limit of the 30 km² southern new town (胶济铁路以南30平方公里).",
            line_text="胶济铁路", operator_text="中国铁路济南局"), rail_line),
        feature("station-weifang", base_props(
            "潍坊站", "Weifang Railway Station", "station",
            "Public reference location of Weifang station (FACTS.md §2: 119.0919, 36.6961; in 潍城区 just west of the river)",
            "approximate", line="胶济铁路", district_text="潍城区（白浪河以西）"), Point(_R1)),
        feature("station-nianlipu", base_props(
            "廿里堡站", "Nianlipu Station", "station",
            "Placed at about 119.185, 36.668 on the Jiaoji line (FACTS.md: the 1532 park lies by 廿里堡 station); ±500 m",
            "approximate", line="胶济铁路"), Point(_R2)),
    ])

    # ================================================================ rivers
    bl_line = LineString(river_coords(36.611, 36.769))
    bl_water = final_poly(shapely.intersection(bl_line.buffer(0.00045, cap_style="flat"),
                                               shapely.box(*EXTENT)), "bailang water")
    yu_line = LineString(polyline(yu_x, 36.618, 36.769, 0.0005, horizontal=False))
    write_fc("bailang_river.geojson", [
        feature("river-bailang", base_props(
            "白浪河", "Bailang River", "river",
            f"{SRC_DRAWN}: a gentle meander between 119.095 and 119.105 E; FACTS.md §2 (Bailang River forms Kuiwen's "
            "western boundary; wetland park from the reservoir north to 宝通街, 6.7 km long).",
            flow="south to north", role_text="奎文区西界；白浪绿洲生态旅游带"), bl_line),
        feature("river-bailang-water", base_props(
            "白浪河水面", "Bailang River (water surface)", "river",
            f"{SRC_DRAWN}: the centre line buffered by about 40 m each side (illustrative width).",
            flow="south to north"), bl_water),
        feature("river-yu", base_props(
            "虞河", "Yu River", "river",
            f"{SRC_DRAWN}: about 119.145–119.150 E; FACTS.md §2 (泛泰华 area lies between 白浪河 and 虞河).",
            flow="south to north"), yu_line),
    ])

    # ================================================================ southern new town
    write_fc("southern_new_town.geojson", [feature("newtown-south", base_props(
        "南部新城", "Southern New Town", "new_town",
        f"{SRC_DRAWN}: everything between the railway (100 m clearance) and a drawn southern edge tuned to 30 km²; "
        f"figures from the seed article ({SRC_SEED}): 30 km² south of the Jiaoji railway, 21 villages, 20,000+ people, "
        "15-minute life circle, three areas 三王一马/文化南路/白浪河.",
        area_km2=30, drawn_area_km2=round(nt_area, 3), villages=21, population=20000,
        goal="15分钟生活圈",
        area_text="胶济铁路以南30平方公里",
        plan_text="对胶济铁路以南30平方公里进行全新规划",
        villages_text="涉及21个村，2万余人",
        districts_text="“三王一马”、文化南路、白浪河“三大片区”",
        goal_text="打造15分钟生活圈，实现产业发展、老百姓受益、城市品质提升“三赢”效果，建设宜居宜业宜游南部新城",
        positioning_text="统筹生产、生态、生活布局，走产城融合之路，建设集工作、居住、生活为一体的地区中心",
        status="概念性规划（武汉大学城市设计院），3次论证会，计划2017年6月完成各项规划；已实现部分成功融资",
        planner_text="武汉大学城市设计院"), nt)])

    # ================================================================ development districts
    dd_common = ("Planning area drawn by scripts/gen_geodata.py (illustrative; the published text gives no outline). "
                 f"Wording and figures from the seed article ({SRC_SEED}).")
    four_text = "老市府、“三王一马”、文化南路、白浪河片区“四大片区”开发改造战略决策（2017年3月），将来可腾空土地5000余亩"
    districts = [
        ("district-laoshifu", "老市府片区", "Old City Government Area", d_laoshifu, dict(
            role="金融聚集区、高端商务区；中央商务区（CBD）核心区",
            status="正组织招标，2017年6月初完成初步规划方案；已达成融资意向",
            plan_note="实施聚焦发展战略，建设金融聚集区、高端商务区，打造中央商务区核心区；打造半岛地区重要金融产业聚集区及高端商务区",
            location_text="胶济铁路以北，中心城区", in_new_town=False)),
        ("district-sanwangyima", "三王一马片区", "Sanwang-Yima Area", d_sanwang, dict(
            role="南部新城三大片区之一；产城融合",
            status="南部新城概念性规划编制中（武汉大学城市设计院），已实现部分成功融资",
            plan_note="启动涉及21个村、2万余人的“三王一马”、文化南路、白浪河“三大片区”，打造15分钟生活圈",
            location_text="胶济铁路以南，南部新城东部", in_new_town=True)),
        ("district-wenhuananlu", "文化南路片区", "Wenhua South Road Area", d_wenhua, dict(
            role="南部新城三大片区之一；沿文化南路",
            status="南部新城概念性规划编制中（武汉大学城市设计院），已实现部分成功融资",
            plan_note="启动涉及21个村、2万余人的“三王一马”、文化南路、白浪河“三大片区”，打造15分钟生活圈",
            location_text="胶济铁路以南，文化南路两侧", in_new_town=True)),
        ("district-bailanghe", "白浪河片区", "Bailang River Area", d_bailang, dict(
            role="南部新城三大片区之一；沿白浪河，滨水生态",
            status="南部新城概念性规划编制中（武汉大学城市设计院），已实现部分成功融资",
            plan_note="启动涉及21个村、2万余人的“三王一马”、文化南路、白浪河“三大片区”，打造15分钟生活圈",
            location_text="胶济铁路以南，白浪河东岸", in_new_town=True)),
    ]
    feats = []
    dist_geoms = {}
    for fid, name, en, g, extra in districts:
        g = final_poly(g, fid)
        dist_geoms[fid] = g
        props = base_props(name, en, "development_district", dd_common,
                           drawn_area_km2=round(geod_area_km2(g), 3),
                           freed_land_text="四大片区合计将来可腾空土地5000余亩（约3.3平方公里，为四片区合计数，非本片区）",
                           four_districts_text=four_text,
                           development_model_text="重点片区+国有公司（恒建、创投、城投），探索PPP融资模式",
                           **extra)
        feats.append(feature(fid, props, g))
    write_fc("development_districts.geojson", feats)

    # ================================================================ parks
    st = _R2
    park_src = f"{SRC_DRAWN}; the position is illustrative. Figures and wording from the seed article ({SRC_SEED})."
    qilu = final_poly(scale_to_area(shape_around(119.1500, 36.6630, 820, 620, n=12, rot=0.2), 2.0), "qilu")
    p1532_raw = Polygon([(st[0] - 0.0045, rail_y(st[0] - 0.0045) + 0.0007), (st[0] + 0.0035, rail_y(st[0] + 0.0035) + 0.0007),
                         (st[0] + 0.0038, 36.6745), (st[0] + 0.0005, 36.6762), (st[0] - 0.0040, 36.6752)])
    p1532_raw = shapely.intersection(p1532_raw, half_plane_north_of(along_rail(0.0006)))
    p1532 = final_poly(scale_to_area(p1532_raw, 600 * 666.6667 / 1e6, clip=half_plane_north_of(along_rail(0.0006))), "1532")
    bl_park_raw = Polygon([(river_x(y) + 0.0004, y) for y in np.arange(36.6250, 36.6501, 0.0005)] +
                          [(river_x(y) + 0.0085 + 0.0008 * math.sin(y * 900), y) for y in np.arange(36.6500, 36.6249, -0.0025)])
    bl_park = final_poly(shapely.intersection(bl_park_raw, boundary), "binshui")
    parks_spec = [
        ("park-qilu-chuangzhi", "齐鲁创智园", "Qilu Innovation Park", qilu, dict(
            description="规划面积2平方公里，总投资30亿元，发展设计研发、总部经济、电子商务等业态，3年内产业规模达到400亿元，目前意向企业达200多家",
            industries="、".join(["设计研发", "总部经济", "电子商务"]),
            planned_area_km2=2, investment_yuan=3000000000, output_target_yuan=40000000000, output_target_years=3,
            companies_intended=200,
            planned_area_text="规划面积2平方公里", investment_text="总投资30亿元",
            output_target_text="3年内产业规模达到400亿元", companies_text="目前意向企业达200多家",
            key_project_text="“双50”工程重点项目（年内投资过亿元）", location_text="胶济铁路以南（位置示意）")),
        ("park-1532", "1532文化创意园", "1532 Cultural and Creative Park", p1532, dict(
            description="对大烟公司历史文化街区的欧式古建筑、老厂房进行重新开发，打造工业建筑遗迹旅游示范基地、文化创意产业聚集区",
            industries="、".join(["文化创意", "工业遗产旅游", "仓储物流（壹号仓）"]),
            area_mu=600, area_text="占地600亩", area_source="seed article (2017 Weifang Daily)",
            area_mu_other=340,
            area_mu_other_source="other public sources (e.g. news reports on the 1532 site) give 340亩 for the historic site",
            former_use_text="大烟公司旧址（英美烟草公司烟叶加工厂）", founded_year=1917,
            yihaocang_companies=50, yihaocang_storage_bays=5200, yihaocang_turnover_target_yuan=10000000000,
            yihaocang_turnover_target_year=2018,
            yihaocang_text="园区内的“壹号仓”项目，入驻企业50家，5200个立体仓位达到满负荷运转，2018年流水额可达100亿元",
            location_text="胶济铁路廿里堡站旁")),
        ("park-binshui-eco", "滨水生态产业园", "Waterfront Eco-Industrial Park", bl_park, dict(
            description="结合白浪绿洲生态旅游带和美丽乡村建设，加快南苑、新茂片区开发，打造新概念休闲度假体验区",
            industries="、".join(["生态旅游", "休闲度假"]), related_areas="白浪绿洲、南苑、新茂",
            location_text="白浪河东岸（南部）")),
        ("park-jinrong-xiaozhen", "特色金融小镇", "Finance Town", shape_around(119.1205, 36.6615, 420, 330, rot=0.5), dict(
            description="借鉴杭州基金小镇经验，吸引业界精英、基金机构，建设生态环保、智慧科技、宜居宜业、产镇融合的金融小镇",
            industries="、".join(["基金", "金融服务", "智慧科技"]), model_text="借鉴杭州基金小镇经验")),
        ("park-quanying-wedding", "全影婚嫁产业园", "Quanying Wedding Industry Park", shape_around(119.1640, 36.6905, 260, 200, rot=0.3), dict(
            description="“双50”工程年内投资过亿元重点项目；全影集团运营的全国首家婚庆产业网上商城落户奎文",
            industries="、".join(["婚庆产业", "电子商务"]), key_project_text="“双50”工程重点项目（年内投资过亿元）")),
        ("park-shengshuangchuang", "山东盛双创产业园", "Shandong Sheng Innovation and Entrepreneurship Park", shape_around(119.1445, 36.6950, 240, 190, rot=1.0), dict(
            description="山东盛双创产业园（原文配效果图）；奎文区推动13处创新创业孵化基地繁荣运营，打造“人才摇篮，创业之城”",
            industries="、".join(["创新创业孵化"]), incubation_bases_text="推动13处创新创业孵化基地繁荣运营")),
        ("park-taishancheng", "泰山城商务园区", "Taishancheng Business Park", shape_around(119.1575, 36.7240, 250, 200, rot=0.6), dict(
            description="泰山城商务园区（原文配图）", industries="、".join(["商务商贸"]))),
        ("park-sd-internet-finance", "山东互联网金融中心", "Shandong Internet Finance Centre", shape_around(119.1245, 36.7170, 150, 120, rot=0.2), dict(
            description="山东互联网金融中心（原文配图）；推动市金融中心加速崛起", industries="、".join(["互联网金融", "金融保险"]))),
    ]
    feats = []
    park_geoms = {}
    for fid, name, en, g, extra in parks_spec:
        g = final_poly(g, fid)
        park_geoms[fid] = g
        props = base_props(name, en, "park", park_src, drawn_area_km2=round(geod_area_km2(g), 4), **extra)
        feats.append(feature(fid, props, g))
    write_fc("parks.geojson", feats)

    # ================================================================ subdistricts
    sd_src = (f"{SRC_DRAWN}: the 57.6 km² Kuiwen runs itself, cut along streets; names and codes from public statistical "
              "codes (FACTS.md §1); counts (8 街道, 65 社区, 413 二级网格, 1315 网格管理员) from the seed article "
              "('奎文打造区域化党建品牌体系'); the split of the counts per subdistrict is illustrative")
    feats = []
    grid_comm = [c for c, _ in grid_cells]
    for key, name, en, code, n in SUBDISTRICTS:
        cis = [ci for ci, (k, _) in enumerate(comm_cells) if k == key]
        gis = [gi for gi, c in enumerate(grid_comm) if c in cis]
        g = sd_exact[key]
        feats.append(feature(f"subdistrict-{key}", base_props(
            name, f"{en} Subdistrict", "subdistrict", sd_src, code=code, communities=len(cis), grids=len(gis),
            grid_managers=int(sum(int(managers[gi]) for gi in gis)), area_km2=round(geod_area_km2(g), 3),
            managed_by="奎文区", party_org_text="街道“大工委”"), g))
    write_fc("subdistricts.geojson", feats)

    # ================================================================ communities
    cm_src = (f"{SRC_DRAWN}: Voronoi split of the drawn subdistrict (illustrative). Seed article: 65 社区, each with a "
              "“大党委”, about 6000 households and a 10-minute service radius; per-community households are generated "
              "around 6000 (illustrative)")
    feats = []
    comm_ids = {}
    for ci, (key, _) in enumerate(comm_cells):
        nm, en = comm_name[ci]
        fid = f"community-{key}-{comm_no[ci]:02d}"
        comm_ids[ci] = fid
        g = comm_exact[ci]
        s = sd_info[key]
        feats.append(feature(fid, base_props(
            f"{nm}社区", f"{en} Community", "community", cm_src,
            subdistrict=s[1], subdistrict_code=s[3], households=households[ci], service_radius_min=10,
            grid_count=int(gc[ci]), area_km2=round(geod_area_km2(g), 3), party_org_text="社区“大党委”"), g))
    feats.sort(key=lambda f: f["id"])
    write_fc("communities.geojson", feats)

    # ================================================================ grids
    gr_src = ("Drawn by scripts/gen_geodata.py: Voronoi split of the drawn community (illustrative); seed article: "
              "413 社区二级网格, 1315 网格管理员 in all; managers per grid allocated by the generator")
    feats = []
    seq = defaultdict(int)
    order = sorted(range(n_grid), key=lambda gi: (grid_comm[gi], -round(grids_exact[gi].centroid.y, 4), grids_exact[gi].centroid.x))
    for gi in order:
        ci = grid_comm[gi]
        seq[ci] += 1
        key = comm_cells[ci][0]
        nm, en = comm_name[ci]
        fid = f"grid-{key}-{comm_no[ci]:02d}-{seq[ci]}"
        feats.append(feature(fid, base_props(
            f"{nm}社区第{seq[ci]}网格", f"{en} Community Grid {seq[ci]}", "grid", gr_src,
            community=f"{nm}社区", community_id=comm_ids[ci], subdistrict=sd_info[key][1], grid_no=seq[ci],
            managers=int(managers[gi]), level="二级网格", party_org_text="二级网格“大支部”"), grids_exact[gi]))
    feats.sort(key=lambda f: f["id"])
    write_fc("grids.geojson", feats)

    # ================================================================ roads
    roads = build_roads(boundary, r8, nt)
    feats = []
    cnt = defaultdict(int)
    road_src = (f"{SRC_DRAWN}: real street names at approximate positions (FACTS.md §2 and the brief: 北宫街 ~36.745, 东风街 ~36.720, "
                "胜利街 ~36.709 past the Kuiwen government, 民生街 ~36.700, 宝通街 south of the railway; 文化路 ~119.118, "
                "潍州路 ~119.127, 虞河路 ~119.140, 北海路 ~119.160, 新华路 ~119.108); '规划支路' are generated minor streets "
                "at about 450–600 m spacing. Streets share an identical vertex at every crossing.")
    slug = {}
    for name, en, cls, coords, status in roads:
        base = slug.setdefault(name, f"road-{len(slug) + 1:03d}")
        cnt[name] += 1
        fid = base if cnt[name] == 1 else f"{base}-{cnt[name]}"
        feats.append(feature(fid, base_props(name, en, "road", road_src, road_class=cls, status=status,
                                             length_m=int(round(GEOD.line_length([c[0] for c in coords], [c[1] for c in coords])))),
                             {"type": "LineString", "coordinates": rnd([list(c) for c in coords])}))
    write_fc("roads.geojson", feats)

    # ================================================================ facilities
    facilities = build_facilities(comm_cells, comm_exact, comm_name, comm_ids, sd_info, sd_exact, nt, r8, roads)
    write_fc("facilities.geojson", facilities)

    # ================================================================ summary
    print(f"boundary {b_area:.3f} km²; 8 subdistricts {sum(geod_area_km2(g) for g in sd_exact.values()):.3f} km²; "
          f"new town {nt_area:.3f} km²; 齐鲁创智园 {geod_area_km2(park_geoms['park-qilu-chuangzhi']):.4f} km²; "
          f"1532 {geod_area_km2(park_geoms['park-1532']) * 1e6 / 666.6667:.1f} 亩")


CAT_ZH = {
    "junior_middle_school": ("初级中学", "Junior Middle School"),
    "primary_school": ("小学", "Primary School"),
    "kindergarten": ("幼儿园", "Kindergarten"),
    "health_center": ("社区卫生服务中心", "Community Health Service Centre"),
    "clinic": ("社区卫生服务站", "Community Clinic"),
    "nursing_home": ("颐养院", "Nursing Home"),
    "elderly_daycare": ("社区日间照料中心", "Elderly Day-care Centre"),
    "cultural_center": ("社区文化活动中心", "Community Cultural Centre"),
    "sports_ground": ("全民健身广场", "Sports Ground"),
    "market": ("农贸市场", "Food Market"),
    "community_service": ("社区党群服务中心", "Community Service Centre"),
    "bus_stop": ("站", "Bus Stop"),
}
# expected number per community at full density (Poisson means); community_service is always 1
CAT_MEAN = {"kindergarten": 1.5, "primary_school": 0.85, "junior_middle_school": 0.4, "clinic": 0.95,
            "nursing_home": 0.4, "elderly_daycare": 0.85, "cultural_center": 0.55, "sports_ground": 0.55,
            "market": 0.75}
SD_DENSITY = {"guangwen": 1.25, "dongguan": 1.2, "dayu": 1.1, "beiyuan": 0.75, "liyuan": 0.75, "beihailu": 0.7,
              "weizhoulu": 0.5, "nianlipu": 0.35}
NUM_ZH = ["", "", "第二", "第三", "第四", "第五"]


def build_facilities(comm_cells, comm_exact, comm_name, comm_ids, sd_info, sd_exact, nt, r8, roads):
    fac = []
    fsrc = ("Illustrative point generated by scripts/gen_geodata.py: GB 50180-2018 life-circle facility types "
            "(FACTS.md §3), spread unevenly on purpose (dense in the old centre, sparse south of the railway); "
            "not a survey of real facilities")

    def add(cat, name, name_en, x, y, **extra):
        props = base_props(name, name_en, "", fsrc)
        props["category"] = cat
        props.update(extra)
        fac.append((cat, props, (round(x, 6), round(y, 6))))

    def extras(cat, status="existing"):
        e = {"status": status}
        if cat in ("primary_school", "junior_middle_school"):
            e["pupils"] = int(RNG.integers(8, 25)) * (100 if cat == "junior_middle_school" else 90)
        elif cat == "kindergarten":
            e["children"] = int(RNG.integers(6, 16)) * 30
        elif cat == "nursing_home":
            e["beds"] = int(RNG.integers(6, 30)) * 10
        elif cat == "health_center":
            e["beds"] = int(RNG.integers(2, 6)) * 10
        return e

    for ci, (key, _) in enumerate(comm_cells):
        g = comm_exact[ci]
        nm, en = comm_name[ci]
        dens = SD_DENSITY[key]
        south = g.centroid.y < rail_y(g.centroid.x)
        if south:
            dens *= 0.45
        # the communities nearest the river and the station get a touch less, the centre a touch more
        counts = {cat: int(RNG.poisson(m * dens)) for cat, m in CAT_MEAN.items()}
        counts["community_service"] = 1
        inner = g.buffer(-0.0006) if g.buffer(-0.0006).area > 0.2 * g.area else g
        for cat, n in counts.items():
            for k in range(n):
                x, y = sample_in(inner, 1)[0]
                zh, en_cat = CAT_ZH[cat]
                pre = NUM_ZH[k + 1] if k + 1 < len(NUM_ZH) else f"第{k + 1}"
                add(cat, f"{nm}{pre}{zh}", f"{en} {'No. ' + str(k + 1) + ' ' if k else ''}{en_cat}", x, y,
                    community=f"{nm}社区", community_id=comm_ids[ci], subdistrict=sd_info[key][1], **extras(cat))

    # one community health service centre per subdistrict, near its centre (廿里堡: north part)
    for key, (k, name, pin, code, _) in sd_info.items():
        g = sd_exact[key]
        if key in ("nianlipu", "weizhoulu"):
            g = largest_polygon(shapely.intersection(g, half_plane_north_of(along_rail(0.001))))
        p = g.representative_point() if not g.contains(g.centroid) else g.centroid
        x, y = p.x + RNG.normal(0, 0.0008), p.y + RNG.normal(0, 0.0006)
        if not g.contains(Point(x, y)):
            x, y = p.x, p.y
        add("health_center", f"{name}{CAT_ZH['health_center'][0]}", f"{pin} Subdistrict Community Health Service Centre",
            x, y, subdistrict=name, **extras("health_center"))

    # the part of the new town outside the 8 subdistricts: villages being rebuilt, few facilities
    rest = largest_polygon(shapely.difference(nt, r8).buffer(-0.0005))
    villages = [("三王", "Sanwang"), ("马家", "Majia"), ("新茂", "Xinmao"), ("南苑", "Nanyuan"), ("文南", "Wennan"),
                ("白浪", "Bailang")]
    plan = [("kindergarten", "existing"), ("kindergarten", "existing"), ("clinic", "existing"),
            ("clinic", "existing"), ("primary_school", "existing"), ("market", "existing"),
            ("community_service", "existing"), ("community_service", "existing"), ("sports_ground", "existing"),
            ("elderly_daycare", "existing"), ("junior_middle_school", "planned"), ("primary_school", "planned"),
            ("nursing_home", "planned"), ("cultural_center", "planned"), ("health_center", "planned")]
    for i, (cat, status) in enumerate(plan):
        x, y = sample_in(rest, 1)[0]
        vn, ve = villages[i % len(villages)]
        zh, en_cat = CAT_ZH[cat]
        if cat == "community_service":
            zh = "村（社区）便民服务站"
        if cat == "health_center":
            name, name_en = "南部新城社区卫生服务中心（规划）", "Southern New Town Community Health Service Centre (planned)"
        elif status == "planned":
            name, name_en = f"南部新城{vn}{zh}（规划）", f"Southern New Town {ve} {en_cat} (planned)"
        else:
            name, name_en = f"{vn}{zh}", f"{ve} {en_cat}"
        add(cat, name, name_en, x, y, subdistrict="南部新城（街道外，高新区代管区域）", **extras(cat, status))

    # bus stops along arterials and secondaries: ~450 m apart north of the railway, ~900 m elsewhere
    named = [(r[0], LineString(r[3])) for r in roads if r[2] != "minor"]
    road_en = {r[0]: r[1] for r in roads}
    seen = set()
    dense_zone = shapely.intersection(r8, half_plane_north_of(along_rail(0.0)))
    for name, line in named:
        length_m = GEOD.line_length(*zip(*line.coords))
        pos = 200.0
        while pos < length_m - 100:
            p = line.interpolate(pos / length_m, normalized=True)
            dense = dense_zone.contains(p)
            if not (r8.contains(p) or nt.contains(p)) and RNG.random() < 0.6:
                pos += 1100
                continue
            cross = min((o for o in named if o[0] != name), key=lambda o: o[1].distance(p))
            near = cross[1].distance(p) * KX < 350
            stop = f"{name}{cross[0]}站" if near else f"{name}站"
            stop_en = f"{road_en[name]} / {road_en[cross[0]]}" if near else road_en[name]
            if stop in seen:
                east_west = "街" in name
                stop = stop[:-1] + ("东站" if east_west else "南站")
                stop_en += " (East)" if east_west else " (South)"
            if stop not in seen:
                seen.add(stop)
                add("bus_stop", stop, f"{stop_en} Bus Stop", p.x, p.y, road=name, status="existing")
            pos += 560 if dense else 1150

    # ids and output
    feats = []
    for i, (cat, props, xy) in enumerate(fac, 1):
        assert props["category"] in CAT_ZH
        feats.append(feature(f"facility-{i:04d}", props, {"type": "Point", "coordinates": list(xy)}))
    return feats


if __name__ == "__main__":
    main()
