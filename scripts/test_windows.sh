#!/usr/bin/env bash
# The Windows build, run under Wine as a planner's Windows machine would run it:
#   1. unzip the package into a folder with a Chinese name; the files are there;
#   2. the .exe carries its icon and version information, and needs only Windows' own DLLs;
#   3. `check`, `convert` (to GeoPackage and GeoJSON), `stats` and `diff` on a GBK shapefile in
#      EPSG:4528 with a Chinese file name, in a folder with a Chinese name and a space; each
#      report is the same, line for line, as the Linux build's on the same files, and the
#      converted files are the same bytes;
#   4. the data folder (成果留痕) is the Windows one: %APPDATA%\Kuiwen\kuiwen-atlas\data.
#
#   bash scripts/test_windows.sh [ZIP]
# ZIP defaults to dist/kuiwen-atlas-*-windows-x86_64.zip. Needs wine (Debian's wine64) and the
# Linux build in target/release. Not run by CI: the Windows build is another full release build
# (about 40 minutes on 2 cores); run it after `bash scripts/package --windows`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

zip=${1:-$(ls dist/kuiwen-atlas-*-windows-x86_64.zip 2>/dev/null | tail -n 1)}
[ -f "$zip" ] || { echo "no Windows package: run bash scripts/package --windows" >&2; exit 1; }
linux="$repo/target/release/kuiwen-atlas"
[ -x "$linux" ] || { echo "no $linux: cargo build --release" >&2; exit 1; }
command -v wine >/dev/null || { echo "needs wine (apt-get install wine64)" >&2; exit 1; }
fail() { echo "test_windows: FAILED: $*" >&2; exit 1; }
ok() { echo "test_windows: ok: $*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WINEPREFIX="$work/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
wineboot -i >/dev/null 2>&1 || true
system32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -f "$system32/bcryptprimitives.dll" ]; then
  # Wine 8 lacks this Windows 10 DLL; see scripts/wine/bcryptprimitives.c.
  x86_64-w64-mingw32-gcc -shared -O2 -o "$system32/bcryptprimitives.dll" \
    "$repo/scripts/wine/bcryptprimitives.c" "$repo/scripts/wine/bcryptprimitives.def" -ladvapi32
  echo "test_windows: note: $(wine --version) has no bcryptprimitives.dll; the prefix gets ProcessPrng from scripts/wine/"
fi

# 1. The package.
install="$work/奎文 规划"
mkdir -p "$install"
python3 -m zipfile -e "$zip" "$install"
dir=$(ls -d "$install"/kuiwen-atlas-*-windows-x86_64)
for f in kuiwen-atlas.exe 使用说明.txt LICENSE-MIT.txt LICENSE-APACHE.txt OFL-NotoSansSC.txt THIRD-PARTY-LICENSES.txt README.md; do
  [ -f "$dir/$f" ] || fail "zip lacks $f"
done
exe="$dir/kuiwen-atlas.exe"
ok "unzipped to $(basename "$install")/$(basename "$dir")"

# 2. Resources and DLLs.
python3 - "$exe" "$repo/assets/icons/kuiwen-atlas.ico" <<'EOF' || fail "resources"
import struct, sys
exe = open(sys.argv[1], "rb").read()
ico = open(sys.argv[2], "rb").read()
# Every image of the .ico is in the .exe as an icon resource, byte for byte.
count = struct.unpack_from("<H", ico, 4)[0]
for i in range(count):
    size, offset = struct.unpack_from("<II", ico, 6 + 16 * i + 8)
    assert ico[offset:offset + size] in exe, f"icon image {i} missing"
for text in ("奎文规划一张图", "kuiwen-atlas.exe", "OpenStreetMap"):
    assert text.encode("utf-16-le") in exe, f"version text {text!r} missing"
print(f"{count} icon images and the version texts are in the .exe")
EOF
dlls=$(x86_64-w64-mingw32-objdump -p "$exe" | sed -n 's/.*DLL Name: //p' | sort -u)
for d in $dlls; do
  case "${d,,}" in
    libgcc*|libstdc*|libwinpthread*|*mingw*) fail "the .exe needs $d, which Windows does not have" ;;
  esac
done
ok "imports only Windows DLLs: $(tr '\n' ' ' <<<"$dlls")"

# 3. The commands, on a shapefile with a Chinese name, beside the Linux build.
data="$work/规划 数据"
mkdir -p "$data/win" "$data/linux"
for ext in shp shx dbf prj; do cp "$repo/tests/fixtures/formats/parks_4528_gbk/parks.$ext" "$data/公园_4528.$ext"; done
cd "$data"
win() { wine "$exe" "$@" 2>"$work/stderr" | tr -d '\r'; }

same() { # name, windows output, linux output
  if [ "$2" != "$3" ]; then
    diff <(echo "$3") <(echo "$2") >&2 || true
    fail "$1: the Windows report differs from the Linux one"
  fi
  ok "$1: same report as Linux ($(wc -l <<<"$2") lines)"
}

w=$(win check 公园_4528.shp) || fail "check exited $?: $(cat "$work/stderr")"
l=$("$linux" check 公园_4528.shp)
grep -q "公园_4528.shp: OK" <<<"$w" || fail "check: $w"
grep -q "encoding: GB18030" <<<"$w" || fail "check did not detect GBK: $w"
same "check 公园_4528.shp" "$w" "$l"

for out in 公园.gpkg 公园.geojson; do
  win convert 公园_4528.shp "win/$out" >/dev/null || fail "convert to $out exited $?: $(cat "$work/stderr")"
  KUIWEN_DATA_DIR="$work/linux-data" "$linux" convert 公园_4528.shp "linux/$out" >/dev/null 2>&1
  [ -s "win/$out" ] || fail "convert wrote no win/$out"
  w=$(win check "win/$out") || fail "check of the Windows $out exited $?"
  l=$("$linux" check "win/$out")
  same "check of the Windows build's $out" "$w" "$l"
done
# The same features and attributes; coordinates equal but for the last bit of a double, where
# Windows' and glibc's sin/cos round differently (1e-9 degrees is 0.1 mm).
python3 - win/公园.geojson linux/公园.geojson <<'EOF' || fail "the GeoJSON written on Windows differs from Linux's"
import json, sys
win, linux = (json.load(open(p, encoding="utf-8"))["features"] for p in sys.argv[1:])
assert len(win) == len(linux) == 8, (len(win), len(linux))
def points(x):
    return [x] if isinstance(x[0], (int, float)) else [p for y in x for p in points(y)]
worst, count = 0.0, 0
for a, b in zip(win, linux):
    assert a["properties"] == b["properties"], (a["properties"], b["properties"])
    pa, pb = points(a["geometry"]["coordinates"]), points(b["geometry"]["coordinates"])
    assert len(pa) == len(pb)
    for p, q in zip(pa, pb):
        worst, count = max(worst, abs(p[0] - q[0]), abs(p[1] - q[1])), count + 1
assert worst < 1e-9, worst
names = sorted(f["properties"].get("name", "") for f in win)
assert any("园" in n for n in names), names
print(f"  {count} vertices within {worst:.1e} degrees of Linux's; the same attributes: {' '.join(names)}")
EOF
ok "convert: 公园.geojson matches the Linux build's"

w=$(win stats 公园_4528.shp --by subdistricts) || fail "stats exited $?: $(cat "$work/stderr")"
l=$("$linux" stats 公园_4528.shp --by subdistricts 2>/dev/null)
same "stats 公园_4528.shp --by subdistricts" "$w" "$l"

w=$(win diff 公园_4528.shp win/公园.gpkg) || fail "diff exited $?: $(cat "$work/stderr")"
l=$("$linux" diff 公园_4528.shp win/公园.gpkg)
same "diff 公园_4528.shp win/公园.gpkg" "$w" "$l"

# 4. The history of the converted files went to the Windows data folder.
appdata=$(ls -d "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/Kuiwen/kuiwen-atlas/data 2>/dev/null | head -n 1)
[ -n "$appdata" ] && [ -n "$(find "$appdata" -type f | head -n 1)" ] || fail "no history under AppData\\Roaming\\Kuiwen\\kuiwen-atlas\\data"
ok "history kept in AppData\\Roaming\\Kuiwen\\kuiwen-atlas\\data ($(find "$appdata" -type f | wc -l) files)"
# 5. The installer, if scripts/package made one (with nsis): silent install for this user, the
#    Start menu entry, "Open with" for the data types, the installed check, a silent uninstall.
setup=${zip%.zip}-setup.exe
if [ -f "$setup" ]; then
  cd "$work"
  wine "$setup" /S && wineserver -w
  programs=$(ls -d "$WINEPREFIX"/drive_c/users/*/AppData/Local/Programs/KuiwenAtlas)
  for f in kuiwen-atlas.exe uninstall.exe 使用说明.txt THIRD-PARTY-LICENSES.txt; do
    [ -f "$programs/$f" ] || fail "installer did not install $f"
  done
  ls "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/Microsoft/Windows/"Start Menu"/Programs/"奎文规划一张图 Kuiwen Atlas.lnk" >/dev/null \
    || fail "no Start menu entry"
  for ext in .geojson .shp .gpkg .kml .kmz .json; do
    wine reg query "HKCU\\Software\\Classes\\$ext\\OpenWithProgids" /v KuiwenAtlas.File >/dev/null 2>&1 \
      || fail "$ext: not in Open with"
  done
  grep -q '^"DisplayName"="\\x594e\\x6587\\x89c4\\x5212\\x4e00\\x5f20\\x56fe Kuiwen Atlas"' "$WINEPREFIX/user.reg" \
    || fail "the uninstaller is not registered under its Chinese name"
  cd "$data"
  w=$(wine "$programs/kuiwen-atlas.exe" check 公园_4528.shp 2>/dev/null | tr -d '\r') || fail "installed check exited $?"
  grep -q "公园_4528.shp: OK" <<<"$w" || fail "installed check: $w"
  ok "installer: $(basename "$setup") ($(du -h "$setup" | cut -f1)) installed for the user, Start menu, Open with for 6 types, check runs"
  wine "$programs/uninstall.exe" /S && wineserver -w
  [ -e "$programs" ] && fail "uninstall left $(ls "$programs")"
  ls "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/Microsoft/Windows/"Start Menu"/Programs/*Kuiwen* >/dev/null 2>&1 \
    && fail "uninstall left the Start menu entry"
  wine reg query 'HKCU\Software\Classes\.shp\OpenWithProgids' /v KuiwenAtlas.File >/dev/null 2>&1 && fail "uninstall left Open with"
  grep -q 'KuiwenAtlas' "$WINEPREFIX/user.reg" && fail "uninstall left registry keys: $(grep -n KuiwenAtlas "$WINEPREFIX/user.reg" | head -3)"
  ok "uninstaller removed the files, the Start menu entry and every registry key"
fi
echo "test_windows: passed"
