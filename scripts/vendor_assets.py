"""Copy the front-end libraries from node_modules into klassa_app/static/vendor.

The app serves them itself (whitenoise): no CDN, so air-gapped networks and a strict
Content-Security-Policy work. Source maps are copied too, because whitenoise's manifest
storage fails on a reference to a missing .map file.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "klassa_app" / "static" / "vendor"

FILES = {
    "bootstrap/css": [
        "bootstrap/dist/css/bootstrap.min.css",
        "bootstrap/dist/css/bootstrap.min.css.map",
    ],
    "bootstrap/js": [
        "bootstrap/dist/js/bootstrap.bundle.min.js",
        "bootstrap/dist/js/bootstrap.bundle.min.js.map",
    ],
    "htmx": ["htmx.org/dist/htmx.min.js"],
}


def main() -> int:
    missing = [src for files in FILES.values() for src in files if not (NODE / src).exists()]
    if missing:
        print("Missing in node_modules (run npm ci): " + ", ".join(missing), file=sys.stderr)
        return 1
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for target, files in FILES.items():
        (VENDOR / target).mkdir(parents=True, exist_ok=True)
        for src in files:
            shutil.copy2(NODE / src, VENDOR / target / Path(src).name)
    licences = VENDOR / "LICENSES"
    licences.mkdir(exist_ok=True)
    for package in ("bootstrap", "htmx.org"):
        shutil.copy2(NODE / package / "LICENSE", licences / f"{package}.txt")
    print(f"Copied front-end libraries to {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
