#!/usr/bin/env bash
# Load speed against GDAL (the engine under QGIS) on the same city-scale file, in one run.
# Generates the file (200,000 buildings + 20,000 roads over Kuiwen), then alternates
# `kuiwen-atlas load-bench FILE` (read, parse into geometry, build the R-tree) and
# `ogrinfo -ro -al -q FILE` (GDAL's full read), and prints both medians, the ratio, and our peak memory.
#
#   bash scripts/bench_vs_gdal.sh [RUNS] [BUILDINGS] [ROADS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
buildings=${2:-200000}
roads=${3:-20000}
command -v ogrinfo >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin >/dev/null; }
command -v bc >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bc >/dev/null; }
command -v /usr/bin/time >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet --bin kuiwen-atlas --example gen_city
file=$(mktemp -d)/city.geojson
./target/release/examples/gen_city "$file" "$buildings" "$roads"
size=$(stat -c %s "$file")
echo "file: $file, $((size / 1048576)) MiB, $buildings buildings + $roads roads"

secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
ours=(); gdal=()
for i in $(seq "$runs"); do
  ours+=("$(secs ./target/release/kuiwen-atlas load-bench "$file")")
  gdal+=("$(secs ogrinfo -ro -al -q "$file")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
m_ours=$(median "${ours[@]}")
m_gdal=$(median "${gdal[@]}")
peak_kb=$(/usr/bin/time -f %M ./target/release/kuiwen-atlas load-bench "$file" 2>&1 >/dev/null | tail -1)
printf 'kuiwen-atlas load+index: median %.3f s over %d runs\n' "$m_ours" "$runs"
printf 'ogrinfo -ro -al -q:      median %.3f s over %d runs\n' "$m_gdal" "$runs"
printf 'ratio: %.1fx faster\n' "$(echo "$m_gdal / $m_ours" | bc -l)"
printf 'peak memory: %d MiB = %.1fx the file\n' "$((peak_kb / 1024))" "$(echo "$peak_kb * 1024 / $size" | bc -l)"
rm -f "$file"
