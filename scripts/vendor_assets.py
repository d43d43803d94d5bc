"""Copy the pinned npm assets the pages use into dichvucong/static/vendor (run by `make assets`).

Only files served to browsers are copied: htmx, the Be Vietnam Pro font (latin + vietnamese subsets,
weights 400/600/700) and axe-core (used by the accessibility tests). Nothing is fetched from a CDN.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DEST = ROOT / "dichvucong" / "static" / "vendor"

FILES = {
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "axe-core/axe.min.js": "axe-core/axe.min.js",
}
for subset in ("latin", "latin-ext", "vietnamese"):
    for weight in (400, 600, 700):
        name = f"be-vietnam-pro-{subset}-{weight}-normal.woff2"
        FILES[f"@fontsource/be-vietnam-pro/files/{name}"] = f"fonts/{name}"
FILES["@fontsource/be-vietnam-pro/LICENSE"] = "fonts/OFL-LICENSE.txt"


def main() -> int:
    missing = [src for src in FILES if not (NODE / src).exists()]
    if missing:
        print("missing npm files (run `npm ci`):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for src, dst in FILES.items():
        target = DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    print(f"copied {len(FILES)} asset files into {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
