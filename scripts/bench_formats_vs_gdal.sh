#!/usr/bin/env bash
# Read speed of the multi-format reader against GDAL (the engine under QGIS) on a Shapefile and a
# GeoPackage of 200,000 small polygons, both in EPSG:4528 with Chinese attribute text.
#
#   bash scripts/bench_formats_vs_gdal.sh [RUNS]        # RUNS defaults to 5
#
# Environment:
#   BENCH_DIR  where the data lives (default /tmp/kuiwen-bench); made once, reused while present
#              (delete the directory to regenerate)
#   NO_BUILD=1 skip `cargo build --release` and use the existing ./target/release/kuiwen-atlas
#   KUIWEN_BIN the binary to time (default ./target/release/kuiwen-atlas; implies nothing about NO_BUILD)
#   BENCH_COUNT polygons to generate (default 200000; only used when the data is (re)made, so use
#              a separate BENCH_DIR for other sizes)
#
# Generates, if missing: polys.geojson (python: 200,000 squares of 18-22 m on a grid around
# 119.1E 36.7N, WGS84; properties name = '地块' + index, code int, area_m2 float), then with ogr2ogr
# polys.shp (EPSG:4528, UTF-8 DBF) and polys.gpkg (EPSG:4528). For each file it then alternates
# `ogrinfo -ro -al -q FILE` (GDAL's full read), `kuiwen-atlas load-bench FILE` (read, convert to
# WGS84 and index, as the viewer opens a file: the figure compared) and `kuiwen-atlas check --json
# FILE` (which also sums the geodesic area of every polygon), whole processes, one warm-up of each
# not counted, and prints the medians and the ratio GDAL / ours (above 1 = ours faster), plus one
# peak-memory reading of each.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [RUNS]  (RUNS a positive integer, default 5)" >&2; exit 2; }
dir=${BENCH_DIR:-/tmp/kuiwen-bench}
count=${BENCH_COUNT:-200000}
bin=${KUIWEN_BIN:-./target/release/kuiwen-atlas}

need() { command -v "$1" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need ogr2ogr gdal-bin
need python3 python3
[[ -x /usr/bin/time ]] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }

if [[ ${NO_BUILD:-0} != 1 ]]; then
  cargo build --release --quiet --bin kuiwen-atlas
fi
[[ -x $bin ]] || { echo "$bin not found (build it, or unset NO_BUILD)" >&2; exit 1; }

mkdir -p "$dir"
if [[ ! -s $dir/polys.geojson ]]; then
  echo "writing $dir/polys.geojson ($count polygons)..."
  python3 - "$dir/polys.geojson.tmp" "$count" <<'PY'
import math, sys
path, n = sys.argv[1], int(sys.argv[2])
cols = 500                      # 500 x 400 grid at 25 m pitch: about 12.5 km x 10 km
pitch = 25.0
lon0, lat0 = 119.1, 36.7
m_per_deg_lat = 111_320.0
m_per_deg_lon = 111_320.0 * math.cos(math.radians(lat0))
rows = (n + cols - 1) // cols
x_origin = -cols * pitch / 2
y_origin = -rows * pitch / 2
with open(path, "w", encoding="utf-8") as f:
    f.write('{"type":"FeatureCollection","features":[\n')
    for i in range(n):
        r, c = divmod(i, cols)
        side = 18.0 + (i % 5)   # 18..22 m
        x = x_origin + c * pitch
        y = y_origin + r * pitch
        w = lon0 + x / m_per_deg_lon
        s = lat0 + y / m_per_deg_lat
        e = lon0 + (x + side) / m_per_deg_lon
        nn = lat0 + (y + side) / m_per_deg_lat
        ring = f"[[{w:.7f},{s:.7f}],[{e:.7f},{s:.7f}],[{e:.7f},{nn:.7f}],[{w:.7f},{nn:.7f}],[{w:.7f},{s:.7f}]]"
        sep = ",\n" if i + 1 < n else "\n"
        f.write(
            '{"type":"Feature","properties":{"name":"地块%d","code":%d,"area_m2":%.2f},'
            '"geometry":{"type":"Polygon","coordinates":[%s]}}%s' % (i, 100000 + i, side * side, ring, sep)
        )
    f.write("]}\n")
PY
  mv "$dir/polys.geojson.tmp" "$dir/polys.geojson"
fi
if [[ ! -s $dir/polys.shp || ! -s $dir/polys.dbf ]]; then
  echo "writing $dir/polys.shp..."
  rm -f "$dir"/polys.{shp,shx,dbf,prj,cpg}
  ogr2ogr -q -f "ESRI Shapefile" -t_srs EPSG:4528 -lco ENCODING=UTF-8 -nln polys "$dir/polys.shp" "$dir/polys.geojson"
fi
if [[ ! -s $dir/polys.gpkg ]]; then
  echo "writing $dir/polys.gpkg..."
  ogr2ogr -q -f GPKG -t_srs EPSG:4528 -nln polys -gt 65536 "$dir/polys.gpkg.tmp.gpkg" "$dir/polys.geojson"
  mv "$dir/polys.gpkg.tmp.gpkg" "$dir/polys.gpkg"
fi

# Wall-clock seconds (ms resolution) of one run, output discarded; a failure still gives its time.
secs() { local TIMEFORMAT=%3R; { time "$@" >/dev/null 2>&1; } 2>&1 || true; }
ours_cmd() { "$bin" load-bench "$1"; }
check_cmd() { "$bin" check --json "$1"; }
gdal_cmd() { ogrinfo -ro -al -q "$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
peak_mib() { { /usr/bin/time -f %M "$@" 2>&1 >/dev/null || true; } | tail -1 | awk '{printf "%d", $1 / 1024}'; }

echo "runs: $runs, data: $dir"
summary=()
for file in "$dir/polys.shp" "$dir/polys.gpkg"; do
  name=$(basename "$file")
  case $file in
    *.shp) parts=("${file%.shp}".{shp,shx,dbf,prj,cpg}) ;;
    *) parts=("$file") ;;
  esac
  size_mib=$(du -cm "${parts[@]}" 2>/dev/null | tail -1 | cut -f1)
  status=0
  "$bin" check --json "$file" >/dev/null 2>&1 || status=$?
  ours_cmd "$file" >/dev/null 2>&1 || true
  if [[ $status -ne 0 ]]; then
    echo "warning: kuiwen-atlas check exits $status on $name (unsupported or invalid?): its times are not comparable" >&2
  fi
  gdal_cmd "$file" >/dev/null 2>&1 || echo "warning: ogrinfo failed on $name" >&2
  ours=(); gdal=(); checks=()
  for i in $(seq "$runs"); do
    if (( i % 2 )); then
      gdal+=("$(secs gdal_cmd "$file")"); ours+=("$(secs ours_cmd "$file")"); checks+=("$(secs check_cmd "$file")")
    else
      checks+=("$(secs check_cmd "$file")"); ours+=("$(secs ours_cmd "$file")"); gdal+=("$(secs gdal_cmd "$file")")
    fi
  done
  m_ours=$(median "${ours[@]}")
  m_check=$(median "${checks[@]}")
  m_gdal=$(median "${gdal[@]}")
  ratio=$(awk -v g="$m_gdal" -v o="$m_ours" 'BEGIN { if (o > 0) printf "%.2f", g / o; else print "inf" }')
  mem_ours=$(peak_mib "$bin" load-bench "$file")
  mem_gdal=$(peak_mib ogrinfo -ro -al -q "$file")
  echo "$name (${size_mib} MiB on disk):"
  echo "  ogrinfo -ro -al -q:             ${gdal[*]}  -> median ${m_gdal} s, peak ${mem_gdal} MiB"
  echo "  kuiwen-atlas load-bench:        ${ours[*]}  -> median ${m_ours} s, peak ${mem_ours} MiB"
  echo "  kuiwen-atlas check --json:      ${checks[*]}  -> median ${m_check} s (with geodesic areas)"
  echo "  ratio GDAL / ours (load-bench): ${ratio}x"
  summary+=("$(printf '%-12s gdal %7.3f s  ours %7.3f s (check %7.3f s)  ratio %sx' "$name" "$m_gdal" "$m_ours" "$m_check" "$ratio")")
done
echo
echo "medians over $runs runs:"
printf '  %s\n' "${summary[@]}"
