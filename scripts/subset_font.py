#!/usr/bin/env python3
"""Make the bundled Chinese font: a subset of Noto Sans CJK SC (SIL Open Font License 1.1).

Covers every GB 2312 character, every character in geodata/*.geojson and every non-ASCII
character in src/**/*.rs (the UI strings), plus ASCII and common CJK punctuation, so the app and
its tests never meet a missing glyph in their own text. Re-run after adding UI strings or data:

    apt-get install fonts-noto-cjk && pip install fonttools==4.55.3
    python3 scripts/subset_font.py

Source: /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc, face 2 (Simplified Chinese).
"""
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = pathlib.Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT = ROOT / "assets" / "fonts" / "NotoSansSC-Kuiwen-Regular.otf"
SC_FACE = 2


def gb2312_chars():
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def project_chars():
    chars = set()
    for path in list((ROOT / "geodata").glob("*.geojson")) + list((ROOT / "src").rglob("*.rs")) + list((ROOT / "crates").rglob("*.rs")) + [ROOT / "README.md"]:
        if path.exists():
            chars.update(c for c in path.read_text(encoding="utf-8") if ord(c) > 0x7F)
    return chars


def main():
    chars = gb2312_chars() | project_chars() | {chr(c) for c in range(0x20, 0x7F)}
    chars |= set("·、。，；：？！“”‘’（）《》【】〔〕—…￥％～·²³°±×÷≤≥≈→←↑↓●○■□▲△★☆✓✗")
    collection = TTCollection(str(SRC))
    font = collection.fonts[SC_FACE]
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_legacy = True
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    subsetter.subset(font)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(OUT))
    cmap = font.getBestCmap()
    missing = sorted(c for c in chars if ord(c) not in cmap)
    print(f"{OUT.relative_to(ROOT)}: {len(cmap)} code points, {OUT.stat().st_size} bytes")
    if missing:
        print(f"not in Noto Sans SC ({len(missing)}): {''.join(missing)}", file=sys.stderr)


if __name__ == "__main__":
    main()
