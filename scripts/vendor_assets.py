"""Copy the pinned npm assets the pages use into dichvucong/static/vendor (run by `make assets`).

Only files served to browsers are copied: htmx, the Be Vietnam Pro font (latin + vietnamese subsets,
weights 400/600/700), Apache ECharts (the leaders' dashboards) and axe-core (used by the accessibility
tests). The process designer (bpmn-js with
its properties panel and our extensions, ``assets/designer/``) is bundled by esbuild into one minified
IIFE script and one stylesheet (with the bpmn font files next to it) in ``vendor/bpmn/``. Nothing is
fetched from a CDN.
"""

from __future__ import annotations

import shutil
import subprocess
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
FILES["echarts/dist/echarts.min.js"] = "echarts/echarts.min.js"  # leaders' dashboards (Apache-2.0)
FILES["echarts/LICENSE"] = "echarts/LICENSE.txt"
FILES["bpmn-js/LICENSE"] = "bpmn/LICENSE-bpmn-js.txt"  # its watermark clause: keep a.bjs-powered-by visible

ESBUILD = NODE / ".bin" / "esbuild"
DESIGNER = ROOT / "assets" / "designer"
FONT_LOADERS = [f"--loader:.{ext}=file" for ext in ("woff2", "woff", "ttf", "eot", "svg")]


def bundle_designer() -> int:
    """esbuild the designer's script and stylesheet into vendor/bpmn (offline: all in node_modules)."""
    out = DEST / "bpmn"
    out.mkdir(parents=True, exist_ok=True)
    common = [str(ESBUILD), "--bundle", "--minify", "--log-level=warning", "--legal-comments=linked"]
    builds = [
        [
            *common,
            str(DESIGNER / "designer.js"),
            "--format=iife",
            "--target=es2020",
            f"--outfile={out / 'designer.js'}",
        ],
        [
            *common,
            str(DESIGNER / "designer.css"),
            *FONT_LOADERS,
            "--asset-names=fonts/[name]",
            f"--outfile={out / 'designer.css'}",
        ],
    ]
    for command in builds:
        result = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603 - our own fixed command line
        if result.returncode:
            return result.returncode
    return 0


def main() -> int:
    missing = [src for src in FILES if not (NODE / src).exists()]
    if missing:
        print("missing npm files (run `npm ci`):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for src, dst in FILES.items():
        target = DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    if not ESBUILD.exists():
        print("missing node_modules/.bin/esbuild (run `npm ci`)", file=sys.stderr)
        return 1
    if bundle_designer():
        print("esbuild failed to bundle assets/designer", file=sys.stderr)
        return 1
    print(f"copied {len(FILES)} asset files and bundled the process designer into {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
