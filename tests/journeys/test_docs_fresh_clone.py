"""Issue 20 item 13: a fresh clone's docs point only inside the clone, and the README
states the settings defaults the code has."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _docs():
    yield from ROOT.glob("*.md")
    yield from (ROOT / "docs").rglob("*.md")


def test_no_doc_points_outside_the_clone():
    outside = [str(p.relative_to(ROOT)) for p in _docs() if "../shared" in p.read_text("utf-8")]
    assert outside == []


def test_readme_debug_default_is_the_settings_default():
    settings = (ROOT / "lienhe" / "settings.py").read_text("utf-8")
    default = re.search(r'^DEBUG = envbool\("DEBUG", (True|False)\)', settings, re.M).group(1)
    readme = (ROOT / "README.md").read_text("utf-8")
    row = re.search(r"^\| `DEBUG` \| `(\d)` \|", readme, re.M).group(1)
    assert row == {"True": "1", "False": "0"}[default]
