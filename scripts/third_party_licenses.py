#!/usr/bin/env python3
"""Write the licences of every Rust library built into kuiwen-atlas, for the packages.

    python3 scripts/third_party_licenses.py TARGET_TRIPLE OUT.txt

The libraries are those `cargo metadata` resolves as normal (linked) dependencies of the
kuiwen-atlas package for that target: build scripts, procedural macros' own dependencies and
test-only crates are left out. For each: name, version, licence expression, repository, and the
text of its LICENSE/COPYING/NOTICE files as published on crates.io. Exits 1 if a library has
neither a licence expression nor a licence file, so a package never ships one unaccounted for.
"""

import json
import pathlib
import subprocess
import sys

LICENCE_PREFIXES = ("license", "licence", "copying", "notice", "copyright")


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    triple, out = sys.argv[1], pathlib.Path(sys.argv[2])
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", triple],
            check=True,
            capture_output=True,
        ).stdout
    )
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = next(p["id"] for p in meta["packages"] if p["name"] == "kuiwen-atlas")

    # Walk the normal dependencies only: what is linked into the program.
    linked, stack = set(), [root]
    while stack:
        node = nodes[stack.pop()]
        for dep in node["deps"]:
            if any(k["kind"] is None for k in dep["dep_kinds"]) and dep["pkg"] not in linked:
                linked.add(dep["pkg"])
                stack.append(dep["pkg"])

    ours = {p["id"] for p in meta["packages"] if p["source"] is None}
    # Most libraries ship the same Apache or MIT text: each text is written once, and later
    # libraries point back to the first that had it.
    missing, parts, seen = [], [], {}
    for pkg in sorted((packages[i] for i in linked - ours), key=lambda p: (p["name"], p["version"])):
        folder = pathlib.Path(pkg["manifest_path"]).parent
        files = sorted(
            f for f in folder.iterdir() if f.is_file() and f.name.lower().startswith(LICENCE_PREFIXES)
        )
        if not pkg.get("license") and not files:
            missing.append(f"{pkg['name']} {pkg['version']}")
        head = f"{pkg['name']} {pkg['version']}\nLicence: {pkg.get('license') or 'see the text below'}\n"
        if pkg.get("repository"):
            head += f"Source: {pkg['repository']}\n"
        texts = []
        for f in files:
            text = f.read_text(encoding="utf-8", errors="replace").strip()
            if text in seen:
                texts.append(f"--- {f.name}: the same text as for {seen[text]} above ---\n")
            else:
                seen[text] = f"{pkg['name']} {pkg['version']}"
                texts.append(f"--- {f.name} ---\n{text}\n")
        parts.append(head + "\n".join(texts))

    if missing:
        print("no licence found for: " + ", ".join(missing), file=sys.stderr)
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    intro = (
        "Kuiwen Atlas (奎文规划一张图) is built with the Rust libraries below, each under its own\n"
        f"licence. {len(parts)} libraries, for {triple}.\n\n"
    )
    out.write_text(intro + ("\n" + "=" * 78 + "\n\n").join(parts), encoding="utf-8")
    print(f"{out}: {len(parts)} libraries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
