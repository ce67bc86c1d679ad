#!/usr/bin/env python3
"""Generate the embedded illustrative geodata of Kuiwen Atlas (奎文规划一张图).

How to run (from the repository root, Python 3.11):

    pip install shapely==2.2.0 numpy==2.4.6 pyproj==3.7.2
    python3 scripts/gen_geodata.py

Pinned versions: shapely 2.2.0, numpy 2.4.6, pyproj 3.7.2 (geodesic areas on WGS84, the same
Karney algorithm as geo's GeodesicArea used by tests/geodata.rs).

The script is deterministic (fixed random seed, no network): running it twice writes
byte-identical files into geodata/. Its one input file is the district outline
tests/fixtures/reference/kuiwen_boundary_osm.geojson (geoBoundaries CHN ADM3 CHN-ADM3-62558664, derived
from OpenStreetMap, 2017, simplified; ODbL 1.0, © OpenStreetMap contributors, geoBoundaries), a
verbatim copy of shared/reference/. The boundary is written with exactly its vertices (rounded to
6 decimals) and says `accuracy: approximate`; so do the two railway stations, placed at their
OpenStreetMap positions (tests/fixtures/reference/README.md). Every other shape is DRAWN here to fit
that outline and the published facts in FACTS.md (2017 Weifang Daily articles about Kuiwen District
plus public reference locations): subdistricts, communities, grids, the new town, the development
districts, parks, streets, the rivers, the course of the railway between and beyond the stations and
the facilities are `accuracy: illustrative`. No other outline is copied from map providers or
scraped boundaries.

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
from shapely.geometry import (LineString, MultiPoint, MultiPolygon, Point,
                              Polygon, mapping)
from shapely.geometry.polygon import orient

SEED = 20170601
RNG = np.random.default_rng(SEED)
GRID = 1e-6  # coordinate precision of the written files (6 decimals)
GEOD = Geod(ellps="WGS84")
EXTENT = (119.08, 36.60, 119.31, 36.82)  # lon min, lat min, lon max, lat max (the OSM outline and a margin)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT_DIR = os.path.join(ROOT, "geodata")
REF_BOUNDARY = os.path.join(ROOT, "tests", "fixtures", "reference", "kuiwen_boundary_osm.geojson")

# Local metric frame (only for construction: Voronoi, spacing); areas are always geodesic.
LAT0 = 36.69
KX = 111320.0 * math.cos(math.radians(LAT0))  # metres per degree of longitude
KY = 110950.0  # metres per degree of latitude

# Where things come from, as the feature's card says it to a planner: `source` in Chinese,
# `source_en` in English. They name the 2017 Weifang Daily articles by title, OpenStreetMap and
# geoBoundaries, and public reference points; never files of this repository.
DAILY = "2017 年《潍坊日报》报道"
ART_WORK = "《潍坊市奎文区：以作风建设促新一轮发展》"
ART_PARTY = "《奎文打造区域化党建品牌体系》"
ART_FOUR = "《奎文区：推进“四大片区”开发带动转型升级》"
ART_WORK_EN = ("“潍坊市奎文区：以作风建设促新一轮发展” (Kuiwen District, Weifang: a new round of development "
               "through a better work style)")
ART_PARTY_EN = "“奎文打造区域化党建品牌体系” (Kuiwen builds an area-wide system of Party building)"
ART_FOUR_EN = ("“奎文区：推进‘四大片区’开发带动转型升级” (Kuiwen District: developing the four districts to drive "
               "its transformation)")


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

def load_reference_boundary():
    """The OSM-derived outline (tests/fixtures/reference): its ring rounded to 6 decimals, in its own order."""
    with open(REF_BOUNDARY, encoding="utf-8") as fh:
        ref = json.load(fh)
    feats = ref["features"]
    assert len(feats) == 1, "reference boundary: expected one feature"
    geom = feats[0]["geometry"]
    assert geom["type"] == "Polygon" and len(geom["coordinates"]) == 1, "reference boundary: one ring expected"
    ring = [(round(x, 6), round(y, 6)) for x, y in geom["coordinates"][0]]
    poly = Polygon(ring)
    assert poly.is_valid and poly.exterior.is_ccw, "reference boundary: must be valid and counter-clockwise"
    return ring, poly


REF_RING, REF_POLY = load_reference_boundary()


def _west_chain():
    """The outline's west side, south to north: from its westmost vertex to its northernmost one."""
    pts = REF_RING[:-1]
    i_w = min(range(len(pts)), key=lambda i: (pts[i][0], pts[i][1]))
    i_n = max(range(len(pts)), key=lambda i: (pts[i][1], -pts[i][0]))
    # the ring is counter-clockwise: walking it backwards from the westmost vertex goes north along the west side
    chain, i = [pts[i_w]], i_w
    while i != i_n:
        i = (i - 1) % len(pts)
        chain.append(pts[i])
    assert all(q[1] > p[1] for p, q in zip(chain, chain[1:])), "west side of the outline is not monotone"
    return chain


def _river_base():
    """白浪河 course: the outline's west side (the river forms Kuiwen's west boundary, FACTS.md §2), smoothed."""
    chain = _west_chain()
    ys = np.round(np.arange(36.596, 36.8241, 0.0005), 6)
    xs = np.interp(ys, [p[1] for p in chain], [p[0] for p in chain])
    sigma = 0.0045  # about 500 m: keeps the course, drops the corners of the 42-vertex simplification
    k = np.arange(-4 * sigma, 4 * sigma + 1e-9, 0.0005)
    w = np.exp(-0.5 * (k / sigma) ** 2)
    w /= w.sum()
    pad = len(k) // 2
    xs_s = np.convolve(np.pad(xs, pad, mode="edge"), w, mode="valid")
    return ys, xs_s


_RIVER_YS, _RIVER_XS = _river_base()


def river_x(y: float) -> float:
    """白浪河 centre line: the smoothed west side of the outline plus a gentle meander."""
    t = y - 36.61
    return float(np.interp(y, _RIVER_YS, _RIVER_XS)) + 0.0007 * math.sin(2 * math.pi * t / 0.017 + 1.9)


def yu_x(y: float) -> float:
    """虞河 centre line, about 119.145–119.150 E."""
    t = y - 36.61
    return 119.1475 + 0.0019 * math.sin(2 * math.pi * t / 0.038 + 2.1) + 0.0005 * math.sin(2 * math.pi * t / 0.013)


# Railway stations at their OpenStreetMap positions (ODbL; tests/fixtures/reference/README.md).
STATION_WEIFANG = (119.0915, 36.6961)   # OSM 潍坊: 潍坊站, in 潍城区 just west of the river
STATION_NIANLIPU = (119.1263, 36.6599)  # OSM 二十里堡: 廿里堡站
STATION_TOLERANCE_M = 50  # the points sit exactly on the OSM positions, which are given to 1e-4° (about 10 m)
BOUNDARY_TOLERANCE_M = 1000
BOUNDARY_TOLERANCE_NOTE = (
    "估计值，非实测：手头没有未简化的 2017 年 OpenStreetMap 边界。简化后保留的每个顶点都偏离其相邻两点连线至少 506 米，"
    "说明被略去的弯折最大约为这个尺度，取其两倍即 1000 米。核对：OpenStreetMap 上的潍坊站在西界白浪河以西，"
    "位于简化轮廓西边线以西 660 米。",
    "An estimate, not a measurement: the unsimplified 2017 OpenStreetMap boundary is not at hand. Every vertex the "
    "simplification kept lies at least 506 m off the line through its two neighbours, so it dropped bends up to about "
    "that size; 1000 m is twice that. Check: OpenStreetMap's Weifang station (潍坊站), just west of the river that "
    "forms the west boundary, lies 660 m west of the simplified west edge.")
OSM_ATTRIBUTION = "© OpenStreetMap contributors, geoBoundaries"
OSM_LICENSE = "ODbL 1.0"

# Jiaoji railway: straight from 潍坊站 south-east to 廿里堡站, then easing to a little south of east
# (the course beyond 廿里堡站 is drawn, not surveyed).
_R1, _R2 = STATION_WEIFANG, STATION_NIANLIPU
_S12 = (_R2[1] - _R1[1]) / (_R2[0] - _R1[0])
_S_FAR = -0.06   # slope far east of 廿里堡站 (degrees of latitude per degree of longitude)
_L_EASE = 0.011  # easing length in degrees of longitude (about 1 km)


def rail_y(x: float) -> float:
    if x <= _R2[0]:
        return _R1[1] + _S12 * (x - _R1[0])
    d = x - _R2[0]
    return _R2[1] + _S_FAR * d + (_S12 - _S_FAR) * _L_EASE * (1 - math.exp(-d / _L_EASE))


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
    "东方路": ns(119.224, phase=2.5),
}


# --------------------------------------------------------------------------------------------
# boundary, the 8 subdistricts' area, the southern new town
# --------------------------------------------------------------------------------------------

NT_CLEARANCE_M = 100.0  # the new town keeps this distance from the tracks
RAIL_STEP = 0.0005  # sampling of the railway curve wherever it is turned into a line


def river_coords(y0, y1, step=0.0005):
    return polyline(river_x, y0, y1, step, horizontal=False)


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


def orient_any(g):
    """CCW exteriors for a Polygon or MultiPolygon."""
    if isinstance(g, Polygon):
        return orient(g, 1.0)
    return MultiPolygon([orient(p, 1.0) for p in g.geoms])


def polygon_parts(g, min_km2=0.0):
    parts = [p for p in getattr(g, "geoms", [g]) if isinstance(p, Polygon) and not p.is_empty]
    return [p for p in parts if geod_area_km2(p) > min_km2]


# The block of the 8 subdistricts: north edge near 北宫街, east edge near 鸢飞路.
R8_NORTH = [(119.060, 36.7487), (119.112, 36.7490), (119.125, 36.7481), (119.138, 36.7495), (119.150, 36.7486),
            (119.162, 36.7492), (119.1716, 36.7485)]
R8_EAST = [(119.1716, 36.7485), (119.1716, 36.7310), (119.1722, 36.7180), (119.1732, 36.7050), (119.1740, 36.6930),
           (119.1736, 36.6800), (119.1745, 36.6650), (119.1750, 36.6400)]


def r8_polygon(boundary, hscale):
    """The 57.6 km² Kuiwen runs itself: the old town north of the railway (up to about 北宫街, west of about
    鸢飞路) plus a strip south of the railway in the outline's south-west lobe."""
    def south_off(x):
        # depth of the strip south of the railway: ~1.4 km in the west, ~0.8 km at 廿里堡站 (times hscale)
        f = min(1.0, max(0.0, (x - 119.095) / (119.143 - 119.095)))
        return hscale * (0.0125 - 0.005 * f)

    south_edge = [(round(x, 4), rail_y(x) - south_off(x)) for x in np.arange(119.175, 119.0849, -0.002)]
    ring = R8_NORTH + R8_EAST[1:] + south_edge + [(119.060, south_edge[-1][1])]
    q = orient(shapely.make_valid(Polygon(ring)), 1.0)
    return shapely.intersection(boundary, q, grid_size=GRID)


def rail_clearance_m(dist_m_):
    """The band within dist_m_ metres of the railway's centre line (built in the local metric frame)."""
    line = LineString(polyline(rail_y, 119.05, 119.35, RAIL_STEP))
    return to_deg(to_m(line).buffer(dist_m_, quad_segs=4))


def new_town_polygon(boundary, x_east):
    """南部新城: 30 km² south of the Jiaoji railway (100 m from the tracks), west of x_east.

    In the OSM outline the district reaches south of the railway in two lobes (its south-west and south-east
    parts, about 33 km² together), so the new town has two parts; x_east trims the eastern lobe to the
    published 30 km².
    """
    south = shapely.difference(half_plane_south_of(rail_y, step=RAIL_STEP), rail_clearance_m(NT_CLEARANCE_M))
    g = shapely.intersection(shapely.intersection(boundary, south), shapely.box(119.0, 36.5, x_east, 36.9),
                             grid_size=GRID)
    parts = sorted(polygon_parts(g, 0.3), key=lambda p: p.bounds[0])
    return orient_any(MultiPolygon(parts))


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

# Figures per community: households (generated around the seed's ~6000), number of 二级网格 and grid managers.
# Kept from release to release by name so a redrawn map does not change them (totals: 413 grids, 1315 managers).
COMMUNITY_FIGURES = {
    # 东关街道: 61 grids, 196 managers
    "十笏园": (6390, 7, 20), "南关": (5550, 6, 20), "和平": (5810, 7, 22), "通亭": (6620, 6, 19),
    "白浪河": (6040, 6, 19), "城隍庙": (6450, 7, 24), "新华": (5940, 6, 19), "东门": (6370, 8, 28), "松园": (5970, 8, 25),
    # 大虞街道: 56 grids, 184 managers
    "大虞": (6430, 7, 23), "虞河": (5770, 6, 19), "东苑": (6410, 8, 26), "金马": (5960, 6, 17), "樱花": (5340, 6, 19),
    "翠园": (5670, 5, 17), "东方": (5910, 6, 22), "安顺": (5910, 6, 19), "虞新": (5190, 6, 22),
    # 梨园街道: 46 grids, 146 managers
    "梨园": (6490, 7, 21), "早春园": (6310, 7, 20), "红星": (6810, 7, 19), "绿园": (5200, 6, 21), "清平": (6460, 6, 22),
    "玉兰": (6860, 8, 28), "朝阳": (6390, 5, 15),
    # 廿里堡街道: 36 grids, 108 managers
    "廿里堡": (6620, 7, 23), "烟厂": (5550, 5, 16), "站前": (5950, 6, 19), "东明": (5960, 6, 15), "福安": (5910, 7, 19),
    "宏源": (5360, 5, 16),
    # 潍州路街道: 42 grids, 131 managers
    "潍州": (5630, 6, 18), "宝通": (6620, 6, 18), "民生": (6010, 6, 18), "卧龙": (4800, 6, 19), "南苑": (6200, 7, 20),
    "南下河": (5940, 6, 20), "铁南": (5310, 5, 18),
    # 北苑街道: 58 grids, 180 managers
    "北苑": (5970, 6, 21), "北宫": (5240, 6, 16), "樱前": (6820, 6, 15), "香榭": (6690, 7, 22), "金茂": (6780, 7, 20),
    "康乐": (5800, 5, 18), "北门": (5860, 6, 19), "宝龙": (5640, 7, 24), "华都": (6890, 8, 25),
    # 广文街道: 65 grids, 210 managers
    "广文": (6170, 7, 22), "胜利": (6440, 6, 18), "奎文门": (6260, 6, 17), "福寿": (6260, 7, 25), "健康": (6230, 7, 22),
    "民主": (6210, 8, 28), "文化": (5930, 5, 15), "樱园": (6380, 6, 19), "金宝": (6360, 8, 28), "鸢都": (5240, 5, 16),
    # 北海路街道: 49 grids, 160 managers
    "北海": (5620, 8, 26), "四平": (6130, 6, 17), "鸢飞": (5580, 5, 16), "东风": (6640, 7, 24), "泰华": (6500, 5, 18),
    "佳苑": (5500, 6, 19), "阳光": (6000, 6, 20), "怡园": (5700, 6, 20),
}
assert sum(v[1] for v in COMMUNITY_FIGURES.values()) == 413 and sum(v[2] for v in COMMUNITY_FIGURES.values()) == 1315

# Some names are tied to a place: the named community is the cell nearest the anchor.
COMMUNITY_ANCHORS = {
    "白浪河": (119.1115, 36.716), "十笏园": (119.115, 36.706), "南关": (119.114, 36.699),
    "大虞": (119.146, 36.735), "虞河": (119.1475, 36.722),
    # around 廿里堡站 (OSM 119.1263, 36.6599): the tobacco plant (1532 park) north-east of it, the station square south
    "廿里堡": (119.134, 36.679), "烟厂": (119.1295, 36.6655), "站前": (119.123, 36.657),
    "潍州": (119.1235, 36.690), "南下河": (119.1165, 36.6745), "南苑": (119.105, 36.690), "铁南": (119.108, 36.6725),
    "北宫": (119.120, 36.745), "樱前": (119.130, 36.733),
    "广文": (119.131, 36.711), "胜利": (119.136, 36.709), "福寿": (119.131, 36.7165),
    "北海": (119.160, 36.735), "四平": (119.155, 36.708), "鸢飞": (119.168, 36.725),
}


def sd_of(x: float, y: float) -> str:
    """Which subdistrict a point of the 8-subdistrict area belongs to (edges follow streets and the railway)."""
    yu = ST["虞河路"](y)
    if x < yu and y > ST["樱前街"](x):
        return "beiyuan"
    north_of_minsheng = y > ST["民生东街"](x)
    below_rail = y < rail_y(x)
    if x < ST["文化路"](y):
        if below_rail:
            return "weizhoulu"
        return "dongguan" if y > ST["卧龙东街"](x) else "weizhoulu"
    if x < ST["潍州路"](y):
        if north_of_minsheng:
            return "dongguan"
        return "nianlipu" if below_rail else "weizhoulu"
    if x < yu:
        # 廿里堡街道 around 廿里堡站, on both sides of the railway
        return "guangwen" if north_of_minsheng else "nianlipu"
    if below_rail:
        return "nianlipu"  # the tip of the south-west lobe east of 虞河路
    if x < ST["四平路"](y):
        if y > ST["福寿东街"](x):
            return "dayu"
        return "guangwen" if north_of_minsheng else "liyuan"
    return "beihailu" if north_of_minsheng else "liyuan"


CUT_NAMES_EW = ["樱前街", "卧龙东街", "民生东街", "福寿东街"]
CUT_NAMES_NS = ["虞河路", "文化路", "潍州路", "四平路"]


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


def layer_shape(g):
    """A layer after the overlay: its parts (slivers of snap-rounding dropped), one Polygon or a MultiPolygon."""
    parts = sorted(polygon_parts(g, 0.01), key=lambda p: p.bounds[0])
    if len(parts) == 1:
        return orient(parts[0], 1.0)
    return orient_any(MultiPolygon(parts))


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
    layer_out = [layer_shape(shapely.union_all(fa[m], grid_size=GRID)) for m in member]
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
    rail_n = half_plane_north_of(along_rail(0.0006), step=RAIL_STEP)
    rail_s = half_plane_south_of(along_rail(-0.0006), step=RAIL_STEP)
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
    add_ew("东风东街", "Dongfeng East Street", "arterial", ST["东风东街"], 119.09, 119.30, b_n)
    add_ew("福寿东街", "Fushou East Street", "secondary", ST["福寿东街"], 119.09, 119.20, b_n)
    add_ew("胜利东街", "Shengli East Street", "arterial", ST["胜利东街"], 119.09, 119.30, b_n)
    add_ew("健康东街", "Jiankang East Street", "secondary", ST["健康东街"], 119.09, 119.25, b_n)
    add_ew("民生东街", "Minsheng East Street", "arterial", ST["民生东街"], 119.09, 119.30, b_n)
    add_ew("卧龙东街", "Wolong East Street", "secondary", ST["卧龙东街"], 119.09, 119.20, b_n)
    # south of the railway, parallel to it (both lobes of the district south of the tracks)
    add_ew("宝通东街", "Baotong East Street", "arterial", ST["宝通东街"], 119.085, 119.30, b_s)
    add_ew("玉清东街", "Yuqing East Street", "secondary", ST["玉清东街"], 119.085, 119.30, b_s)
    # north-south
    for name, en, cls, cross in [("新华路", "Xinhua Road", "secondary", False),
                                 ("文化路", "Wenhua Road", "arterial", True),
                                 ("潍州路", "Weizhou Road", "arterial", True),
                                 ("虞河路", "Yuhe Road", "secondary", False),
                                 ("四平路", "Siping Road", "secondary", False),
                                 ("北海路", "Beihai Road", "arterial", True),
                                 ("鸢飞路", "Yuanfei Road", "secondary", True),
                                 ("金马路", "Jinma Road", "secondary", True),
                                 ("东方路", "Dongfang Road", "arterial", True)]:
        fn = ST[name]
        coords = polyline(fn, 36.606, 36.812, 0.001, horizontal=False)
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

    # minor streets (规划支路) at roughly 450-600 m spacing, stopping short of the railway
    minor_ew_n = [36.7380, 36.7255, 36.6910, 36.6865, 36.6820, 36.6775, 36.6730, 36.6685, 36.6640]
    minor_ns = [119.1130, 119.1225, 119.1335]
    # south of the railway: an east-west grid in the western lobe, lines parallel to the tracks in the eastern one
    minor_ew_s_west = [36.6140, 36.6185, 36.6230, 36.6275, 36.6320, 36.6365, 36.6410, 36.6455, 36.6500, 36.6545,
                       36.6590, 36.6635, 36.6680, 36.6725, 36.6770, 36.6815]
    minor_off_s_east = [-0.0040, -0.0120, -0.0210, -0.0255]
    minor_ns_s = [119.1030, 119.1080, 119.1130, 119.1225, 119.1335, 119.2290, 119.2345, 119.2400, 119.2455,
                  119.2510]
    k = 0
    for lat in minor_ew_n:
        k += 1
        add_ew(f"规划支路{k}号", f"Planned Branch Road No. {k}", "minor", ew(lat, amp=0.00008, phase=k), 119.09, 119.20, zone_n)
    for lat in minor_ew_s_west:
        k += 1
        add_ew(f"规划支路{k}号", f"Planned Branch Road No. {k}", "minor", ew(lat, amp=0.00008, phase=k), 119.085, 119.16,
               zone_s, "planned")
    for off in minor_off_s_east:
        k += 1
        add_ew(f"规划支路{k}号", f"Planned Branch Road No. {k}", "minor", along_rail(off), 119.19, 119.30, zone_s, "planned")
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
        names = sorted({r[0] for r in out if find(r[3][0]) != main})
        print(f"roads: dropped {dropped} disconnected pieces ({'、'.join(names)})", file=sys.stderr)
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
    """`source` is (Chinese, English): written as `source` and `source_en`."""
    zh, en = source
    d = {"name": name, "name_en": name_en, "category": category, "source": zh, "source_en": en, "accuracy": accuracy}
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


def district_shapes(boundary, nt):
    """The four development districts (planning areas). 老市府 lies north of the railway in the old centre; the
    three southern ones are clipped to the new town: 白浪河 and 文化南路 in its western part (along the river and
    文化南路), 三王一马 in its eastern part."""
    d_laoshifu = Polygon([(119.1120, 36.7262), (119.1180, 36.7275), (119.1302, 36.7268), (119.1330, 36.7200),
                          (119.1318, 36.7122), (119.1205, 36.7110), (119.1135, 36.7128), (119.1112, 36.7190)])
    assert d_laoshifu.within(boundary), "老市府片区 must lie inside the district"
    x_bl_e, x_wh_e = 119.1135, 119.1285
    seam = [(x_bl_e, 36.700), (x_bl_e + 0.0008, 36.668), (x_bl_e - 0.0004, 36.648), (x_bl_e + 0.0005, 36.628)]
    d_bailang = Polygon([(119.085, 36.700)] + seam + [(119.085, 36.626)])
    d_wenhua = Polygon(list(reversed(seam)) + [(x_bl_e, 36.700), (x_wh_e, 36.700), (x_wh_e + 0.0008, 36.668),
                                               (x_wh_e - 0.0010, 36.650), (x_wh_e + 0.0004, 36.634), (119.1200, 36.6325)])
    d_sanwang = Polygon([(119.205, 36.655), (119.2440, 36.655), (119.2455, 36.634), (119.2425, 36.618),
                         (119.205, 36.610)])
    return (d_laoshifu, largest_polygon(shapely.intersection(d_sanwang, nt)),
            largest_polygon(shapely.intersection(d_wenhua, nt)), largest_polygon(shapely.intersection(d_bailang, nt)))


# --------------------------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------------------------

def main():
    os.makedirs(OUT_DIR, exist_ok=True)

    # ---- boundary: the OSM-derived outline, exactly (rounded to the 1e-6 grid, its own vertex order)
    boundary = poly_check(REF_POLY, "boundary")

    # ---- the 8 subdistricts' area (57.6 km²): tune the depth of the strip south of the railway
    hscale = tune(lambda h: geod_area_km2(r8_polygon(boundary, h)), 57.6, 0.0, 3.0)
    r8 = largest_polygon(r8_polygon(boundary, hscale))

    # ---- 南部新城, 30 km² south of the railway: tune how far east it reaches in the eastern lobe
    x_east = tune(lambda x: geod_area_km2(snap(new_town_polygon(boundary, x))), 30.0, 119.22, 119.31)
    nt = new_town_polygon(boundary, x_east)

    # ---- subdistricts: cut the 8-subdistrict area along streets and the railway
    cuts = [LineString(polyline(ST[n], 119.08, 119.21, 0.001)) for n in CUT_NAMES_EW]
    cuts += [LineString(polyline(ST[n], 36.60, 36.77, 0.001, horizontal=False)) for n in CUT_NAMES_NS]
    cuts.append(LineString(polyline(rail_y, 119.08, 119.21, RAIL_STEP)))
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
    north_of_rail = half_plane_north_of(rail_y, step=RAIL_STEP)
    for key, _, _, _, n in SUBDISTRICTS:
        # communities do not straddle the railway: split subdistricts that cross it first
        g = sd_raw[key]
        if g.within(north_of_rail):
            zones = [g]
        else:
            zones = (polygon_parts(shapely.intersection(g, north_of_rail), 1e-4) +
                     polygon_parts(shapely.difference(g, north_of_rail), 1e-4))
            assert all(z.area > 0.02 * g.area for z in zones), f"subdistrict {key}: a sliver across the railway"
        areas = [z.area for z in zones]
        alloc = [max(1, int(round(n * a / sum(areas)))) for a in areas]
        alloc[int(np.argmax(areas))] += n - sum(alloc)
        for z, k in zip(zones, alloc):
            for c in voronoi_split(z, k):
                comm_cells.append((key, c))

    # ---- names for communities (anchored names first, rest north->south, west->east), from the cells
    comm_name = {}
    for key in sd_keys:
        idx = [ci for ci, (k, _) in enumerate(comm_cells) if k == key]
        names = list(COMMUNITY_NAMES[key])
        free = set(idx)
        for nm, en in names:
            if nm in COMMUNITY_ANCHORS:
                ax, ay = COMMUNITY_ANCHORS[nm]
                best = min(free, key=lambda ci: comm_cells[ci][1].centroid.distance(Point(ax, ay)))
                comm_name[best] = (nm, en)
                free.discard(best)
        rest = [ne for ne in names if ne[0] not in COMMUNITY_ANCHORS]
        order = sorted(free, key=lambda ci: (-round(comm_cells[ci][1].centroid.y, 3), comm_cells[ci][1].centroid.x))
        for ci, ne in zip(order, rest):
            comm_name[ci] = ne

    # community figures (households, grids, grid managers) are kept per named community
    n_comm = len(comm_cells)
    households = [COMMUNITY_FIGURES[comm_name[ci][0]][0] for ci in range(n_comm)]
    gc = np.array([COMMUNITY_FIGURES[comm_name[ci][0]][1] for ci in range(n_comm)])
    assert n_comm == 65 and gc.sum() == 413
    grid_cells = []  # (community index, geom)
    for ci, (key, cg) in enumerate(comm_cells):
        for g in voronoi_split(cg, int(gc[ci])):
            grid_cells.append((ci, g))

    # ---- exact coverage on the 1e-6 grid: grids first, then unions upwards. The boundary takes part in the
    # overlay (so the new town and the districts nest exactly inside it) but is written as the reference.
    d_laoshifu, d_sanwang, d_wenhua, d_bailang = district_shapes(boundary, nt)
    layers = [(boundary, None, True), (nt, 0, False), (d_sanwang, 1, False), (d_wenhua, 1, False), (d_bailang, 1, False)]
    grids_exact, (b_faces, nt, d_sanwang, d_wenhua, d_bailang) = exact_coverage([g for _, g in grid_cells], r8, layers)
    # (vertices inserted on its edges change its geodesic area by ~0.002 km²; the shape moves < 0.001 km²)
    assert geod_area_km2(shapely.symmetric_difference(b_faces, boundary)) < 1e-3, "the overlay moved the boundary"
    assert isinstance(nt, MultiPolygon) and len(nt.geoms) == 2, f"new town: expected two parts, got {nt.geom_type}"
    for what, g in (("new town west", nt.geoms[0]), ("new town east", nt.geoms[1]), ("三王一马", d_sanwang),
                    ("文化南路", d_wenhua), ("白浪河", d_bailang)):
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

    # within each subdistrict, number communities north->south then west->east
    comm_no = {}
    for key in sd_keys:
        idx = [ci for ci, (k, _) in enumerate(comm_cells) if k == key]
        idx.sort(key=lambda ci: (-round(comm_exact[ci].centroid.y, 3), comm_exact[ci].centroid.x))
        for n, ci in enumerate(idx, 1):
            comm_no[ci] = n

    sd_info = {s[0]: s for s in SUBDISTRICTS}

    # managers: each community's total (1315 in all) split over its grids, 2–5 per grid
    n_grid = len(grids_exact)
    managers = np.zeros(n_grid, dtype=int)
    for ci in range(n_comm):
        gis = [gi for gi, (c, _) in enumerate(grid_cells) if c == ci]
        total = COMMUNITY_FIGURES[comm_name[ci][0]][2]
        m = np.full(len(gis), 3)
        while m.sum() != total:
            i = int(RNG.integers(len(gis)))
            if m.sum() < total and m[i] < 5:
                m[i] += 1
            elif m.sum() > total and m[i] > 2:
                m[i] -= 1
        managers[gis] = m
    assert managers.sum() == 1315

    # ================================================================ write: boundary
    write_fc("kuiwen_boundary.geojson", [feature("boundary-kuiwen", base_props(
        "奎文区", "Kuiwen District", "boundary",
        ("奎文区界取自 OpenStreetMap 行政区划边界（2017 年），经 geoBoundaries 简化（CHN ADM3，边界编号 "
         "CHN-ADM3-62558664）为 42 个顶点，坐标原样采用（6 位小数，约 0.1 米）。范围含潍坊高新区代管的新城、清池街道；"
         "奎文区直管约 57.6 平方公里。",
         "Kuiwen's outline from OpenStreetMap's administrative boundaries (2017), simplified by geoBoundaries "
         "(CHN ADM3, boundary CHN-ADM3-62558664) to 42 vertices, used as they are (6 decimals, about 0.1 m). It "
         "includes the Xincheng (新城) and Qingchi (清池) subdistricts run by the Weifang high-tech zone; Kuiwen runs "
         "about 57.6 km² itself."),
        "approximate", tolerance_m=BOUNDARY_TOLERANCE_M, tolerance_note=BOUNDARY_TOLERANCE_NOTE[0],
        tolerance_note_en=BOUNDARY_TOLERANCE_NOTE[1],
        license=OSM_LICENSE, attribution=OSM_ATTRIBUTION, source_url="https://www.geoboundaries.org",
        boundary_id="CHN-ADM3-62558664",
        admin_code="370705", area_km2=round(b_area, 2),
        area_text="约202.6平方公里（OpenStreetMap/geoBoundaries 简化轮廓，含高新区代管的新城、清池街道）",
        self_run_area_text="奎文区直管8个街道约57.6平方公里", city="潍坊市", province="山东省"), boundary)])

    # ================================================================ railway + stations
    rail_xs = sorted(set([round(x, 4) for x in np.arange(119.085, 119.3101, 0.001)] + [_R1[0], _R2[0]]))
    rail_line = LineString([(x, rail_y(x)) for x in rail_xs])
    assert rail_line.distance(Point(_R1)) < 1e-9 and rail_line.distance(Point(_R2)) < 1e-9
    def station_src(osm, lon, lat, zh_more, en_more):
        return (f"位置取自 OpenStreetMap 的铁路车站点（站名“{osm}”，东经 {lon}°，北纬 {lat}°，ODbL 1.0），原样采用{zh_more}。",
                f"Position of OpenStreetMap's railway station node “{osm}” ({lon} E, {lat} N; ODbL 1.0), used as it "
                f"is{en_more}.")
    write_fc("jiaoji_railway.geojson", [
        feature("railway-jiaoji", base_props(
            "胶济铁路", "Jiaoji Railway (Qingdao–Jinan)", "railway",
            (f"示意线位：经过 OpenStreetMap 上潍坊站（东经 {_R1[0]}°，北纬 {_R1[1]}°）和廿里堡站（东经 {_R2[0]}°，"
             f"北纬 {_R2[1]}°）的位置，两站之间为直线，两站以外的走向为示意，未经测绘。{DAILY}{ART_FOUR}"
             "以胶济铁路为南部新城的北界（“胶济铁路以南30平方公里”）。",
             f"Illustrative course: through OpenStreetMap's positions of Weifang station ({_R1[0]} E, {_R1[1]} N) and "
             f"Nianlipu station ({_R2[0]} E, {_R2[1]} N), straight between them; beyond the stations the course is "
             f"sketched, not surveyed. The 2017 Weifang Daily article {ART_FOUR_EN} makes the railway the northern "
             "limit of the southern new town (30 km² south of the Jiaoji railway)."),
            line_text="胶济铁路", operator_text="中国铁路济南局"), rail_line),
        feature("station-weifang", base_props(
            "潍坊站", "Weifang Railway Station", "station",
            station_src("潍坊", _R1[0], _R1[1], "；位于潍城区，白浪河以西", "; in Weicheng District, west of the Bailang River"),
            "approximate", tolerance_m=STATION_TOLERANCE_M, license=OSM_LICENSE,
            attribution="© OpenStreetMap contributors", osm_name="潍坊", line="胶济铁路",
            district_text="潍城区（白浪河以西）"), Point(_R1)),
        feature("station-nianlipu", base_props(
            "廿里堡站", "Nianlipu Station", "station",
            station_src("二十里堡", _R2[0], _R2[1], "（廿即二十）", " (二十里堡 is written 廿里堡)"),
            "approximate", tolerance_m=STATION_TOLERANCE_M, license=OSM_LICENSE,
            attribution="© OpenStreetMap contributors", osm_name="二十里堡", line="胶济铁路"), Point(_R2)),
    ])

    # ================================================================ rivers
    bl_line = LineString(river_coords(36.606, 36.812))
    bl_water = final_poly(shapely.intersection(bl_line.buffer(0.00045, cap_style="flat"),
                                               shapely.box(*EXTENT)), "bailang water")
    yu_line = LineString(polyline(yu_x, 36.618, 36.769, 0.0005, horizontal=False))
    write_fc("bailang_river.geojson", [
        feature("river-bailang", base_props(
            "白浪河", "Bailang River", "river",
            ("示意线位：沿 OpenStreetMap 奎文区界的西边线绘制（白浪河为奎文区西界），平滑约 500 米并略加弯曲，"
             "在区内距该边线不超过约 300 米（东经 119.090°–119.119°）；不是测绘河道。公开资料：白浪河湿地公园自水库向北"
             "至宝通街，长 6.7 公里。",
             "Illustrative course along the west edge of OpenStreetMap's outline of Kuiwen (the Bailang River forms the "
             "district's western boundary), smoothed over about 500 m with a gentle meander, within about 300 m of that "
             "edge (119.090–119.119 E); not a surveyed channel. Public sources: the wetland park runs 6.7 km from the "
             "reservoir north to Baotong Street (宝通街)."),
            flow="south to north", role_text="奎文区西界；白浪绿洲生态旅游带"), bl_line),
        feature("river-bailang-water", base_props(
            "白浪河水面", "Bailang River (water surface)", "river",
            ("示意水面：白浪河示意中线两侧各约 40 米，宽度为示意。",
             "Illustrative water surface: about 40 m either side of the river's illustrative centre line."),
            flow="south to north"), bl_water),
        feature("river-yu", base_props(
            "虞河", "Yu River", "river",
            ("示意线位：约东经 119.145°–119.150°；公开资料：泛泰华片区位于白浪河与虞河之间。不是测绘河道。",
             "Illustrative course at about 119.145–119.150 E; public sources place the Fantaihua (泛泰华) area between "
             "the Bailang and Yu rivers. Not a surveyed channel."),
            flow="south to north"), yu_line),
    ])

    # ================================================================ southern new town
    write_fc("southern_new_town.geojson", [feature("newtown-south", base_props(
        "南部新城", "Southern New Town", "new_town",
        ("示意范围：奎文区界内胶济铁路以南部分（距铁轨 100 米起）。在 OpenStreetMap 区界内，这部分分为西南、东南两块"
         "（合计约 33 平方公里），东块以一条示意线截取，使两块合计为报道的 30 平方公里。数字和表述取自 "
         f"{DAILY}{ART_FOUR}：胶济铁路以南 30 平方公里，涉及 21 个村、2 万余人，打造 15 分钟生活圈，含“三王一马”、"
         "文化南路、白浪河三大片区。",
         "Illustrative extent: the part of Kuiwen south of the railway (from 100 m off the tracks). Within "
         "OpenStreetMap's outline that is two lobes, south-west and south-east (about 33 km² together); the eastern "
         "one is cut off at a drawn line so that both make the reported 30 km². Figures and wording from the 2017 "
         f"Weifang Daily article {ART_FOUR_EN}: 30 km² south of the Jiaoji railway, 21 villages, 20,000+ people, a "
         "15-minute life circle, and the three areas 三王一马, 文化南路 and 白浪河."),
        area_km2=30, drawn_area_km2=round(nt_area, 3), parts_drawn_km2=[round(geod_area_km2(p), 3) for p in nt.geoms],
        villages=21, population=20000,
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
    dd_common = (f"示意范围：报道未公布片区边界，按区位示意绘制。表述和数字取自 {DAILY}{ART_FOUR}。",
                 "Illustrative extent: the article publishes no outline, so the area is drawn where it lies. Wording "
                 f"and figures from the 2017 Weifang Daily article {ART_FOUR_EN}.")
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
    park_src = (f"位置和形状为示意（面积按报道数字绘制），未经测绘。数字和表述取自 {DAILY}{ART_FOUR}{ART_WORK}及其配图。",
                "Position and shape are illustrative (drawn to the reported size), not surveyed. Figures and wording "
                f"from the 2017 Weifang Daily articles {ART_FOUR_EN} and {ART_WORK_EN}, and their photographs.")
    south_of_rail = half_plane_south_of(along_rail(-0.0009), step=RAIL_STEP)
    qilu = final_poly(scale_to_area(shape_around(119.2320, 36.6280, 820, 620, n=12, rot=0.2), 2.0,
                                    clip=shapely.intersection(boundary, south_of_rail)), "qilu")
    # 1532: the former tobacco plant north-east of 廿里堡站, between the tracks and the district edge
    north_of_tracks = half_plane_north_of(along_rail(0.0006), step=RAIL_STEP)
    p1532_raw = Polygon([(st[0] - 0.0040, rail_y(st[0] - 0.0040) + 0.0007), (st[0] + 0.0045, rail_y(st[0] + 0.0045) + 0.0007),
                         (st[0] + 0.0062, 36.6640), (st[0] + 0.0030, 36.6705), (st[0] - 0.0032, 36.6690)])
    p1532_raw = shapely.intersection(p1532_raw, north_of_tracks)
    p1532 = final_poly(scale_to_area(p1532_raw, 600 * 666.6667 / 1e6, clip=shapely.intersection(boundary, north_of_tracks)),
                       "1532")
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
            area_mu=600, area_text="占地600亩", area_source=f"{DAILY}{ART_FOUR}",
            area_mu_other=340,
            area_mu_other_source="其他公开报道（如关于1532园区旧址的新闻）记载历史街区占地340亩",
            former_use_text="大烟公司旧址（英美烟草公司烟叶加工厂）", founded_year=1917,
            yihaocang_companies=50, yihaocang_storage_bays=5200, yihaocang_turnover_target_yuan=10000000000,
            yihaocang_turnover_target_year=2018,
            yihaocang_text="园区内的“壹号仓”项目，入驻企业50家，5200个立体仓位达到满负荷运转，2018年流水额可达100亿元",
            location_text="胶济铁路廿里堡站旁")),
        ("park-binshui-eco", "滨水生态产业园", "Waterfront Eco-Industrial Park", bl_park, dict(
            description="结合白浪绿洲生态旅游带和美丽乡村建设，加快南苑、新茂片区开发，打造新概念休闲度假体验区",
            industries="、".join(["生态旅游", "休闲度假"]), related_areas="白浪绿洲、南苑、新茂",
            location_text="白浪河东岸（南部）")),
        ("park-jinrong-xiaozhen", "特色金融小镇", "Finance Town", shape_around(119.1170, 36.6555, 420, 330, rot=0.5), dict(
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
    sd_src = ("示意范围：把奎文区直管的约 57.6 平方公里沿道路划分，不是官方街道界线。街道名称和代码取自国家统计用区划代码；"
              f"8 个街道、65 个社区、413 个二级网格、1315 名网格员等总数取自 {DAILY}{ART_PARTY}，各街道的分摊数为示意。",
              "Illustrative extent: the about 57.6 km² Kuiwen runs itself, divided along streets; not the official "
              "subdistrict boundaries. Names and codes from the national statistical division codes; the totals "
              "(8 subdistricts, 65 communities, 413 grids, 1315 grid managers) from the 2017 Weifang Daily article "
              f"{ART_PARTY_EN}; the split among subdistricts is illustrative.")
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
    cm_src = (f"示意范围：在街道示意范围内划分，不是官方社区界线。{DAILY}{ART_PARTY}：按 6000 户左右规模和 10 分钟服务半径"
              "成立 65 个社区“大党委”；各社区户数为在 6000 户上下生成的示意数。",
              "Illustrative extent: divided within the illustrative subdistrict, not the official community boundary. "
              f"The 2017 Weifang Daily article {ART_PARTY_EN}: 65 communities, each with a “大党委”, of about 6000 "
              "households and a 10-minute service radius; each community's households are an illustrative number "
              "around 6000.")
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
    gr_src = (f"示意范围：在社区示意范围内划分，不是官方网格界线。{DAILY}{ART_PARTY}：全区 413 个社区二级网格、1315 名"
              "网格管理员；各网格的网格员数为按总数分配的示意数。",
              "Illustrative extent: divided within the illustrative community, not the official grid boundary. The "
              f"2017 Weifang Daily article {ART_PARTY_EN}: 413 second-level grids and 1315 grid managers in all; the "
              "managers per grid are an illustrative share of that total.")
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
    road_src = ("真实路名，示意线位（未经测绘）：只有胜利东街上的奎文区政府（东经 119.1314°，北纬 36.7090°，误差约 200 米）"
                "是公开位置，其余按公开资料估计走向：东西向的北宫街、东风街、胜利街、民生街，铁路南侧与之平行的宝通街、"
                "玉清街，南北向的新华路、文化路、潍州路、虞河路、北海路。“规划支路”为按 450–600 米间距生成的示意支路。"
                "道路在交叉口共用同一节点，可沿道路量算步行距离。",
                "Real street names at illustrative positions (not surveyed): only the Kuiwen government on Shengli East "
                "Street (119.1314 E, 36.7090 N, within about 200 m) is a published position; the rest follow estimates "
                "from public sources: 北宫街, 东风街, 胜利街 and 民生街 east–west, 宝通街 and 玉清街 parallel to the railway "
                "on its south side, 新华路, 文化路, 潍州路, 虞河路 and 北海路 north–south. “规划支路” are illustrative minor "
                "streets about 450–600 m apart. Streets share a node at every crossing, so walking distances can be "
                "measured along them.")
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
    fsrc = ("示意点位，不是设施普查：按《城市居住区规划设计标准》（GB 50180-2018）生活圈配套设施的类型生成，"
            "有意分布不均（老城区密、铁路以南稀），用于演示生活圈分析。",
            "Illustrative point, not a survey of real facilities: generated for the life-circle facility types of the "
            "national standard GB 50180-2018, spread unevenly on purpose (dense in the old centre, sparse south of the "
            "railway) to show the life-circle analysis.")

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
    rest = shapely.difference(nt, r8).buffer(-0.0005)  # both parts of the new town
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
