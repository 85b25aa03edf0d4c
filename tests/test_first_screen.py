"""The report's first screen in a real browser: at 1366×768 the headline sentences and the
tornado chart are visible without scrolling (headless Chromium; skipped when it is absent)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import synthetic
from dibsim.experiments.analysis.first_screen import CHART_ID, SCREEN_ID
from dibsim.experiments.cli import main

CHROMIUM = next((c for c in ("/usr/bin/chromium", shutil.which("chromium"),
                             shutil.which("chromium-browser")) if c and Path(c).is_file()), None)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--window-size=1366,768",
         "--virtual-time-budget=5000")
#: Measures, once the page has loaded, where the first screen's parts sit in the viewport.
PROBE = ("<script>window.addEventListener('load',()=>{const r=i=>document.getElementById(i)"
         f".getBoundingClientRect();const s=r('{SCREEN_ID}'),c=r('{CHART_ID}');"
         "document.body.setAttribute('data-probe',JSON.stringify({height:innerHeight,"
         "width:innerWidth,screen:s.bottom,chart_top:c.top,chart_bottom:c.bottom,"
         "chart_height:c.height,chart_right:c.right,"
         "scroll_width:document.documentElement.scrollWidth,text:document.getElementById('first-screen').innerText}))});"
         "</script>")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (/usr/bin/chromium)")
def test_headline_and_chart_fit_the_first_screen_at_1366x768(tmp_path):
    study = synthetic.barrier_study(tmp_path / "study")
    report = tmp_path / "report.html"
    assert main(["report", str(study), "-o", str(report)]) == 0
    page = report.read_text(encoding="utf-8")
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    out = subprocess.run([CHROMIUM, *FLAGS, "--user-data-dir=" + str(tmp_path / "profile"),
                          "--dump-dom", probe.as_uri()], capture_output=True, text=True,
                         timeout=120, check=False)
    found = re.search(r'data-probe="([^"]*)"', out.stdout)
    assert found, out.stderr[-2000:]
    seen = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert seen["height"] <= 768 and seen["width"] <= 1366
    assert seen["chart_height"] > 250, "the chart is drawn, not a thumbnail"
    assert seen["chart_top"] >= 0 and seen["chart_bottom"] <= seen["height"]
    assert seen["chart_right"] <= seen["width"], "the chart is not cut at the right edge"
    assert seen["scroll_width"] <= seen["width"], "no horizontal scrolling"
    assert seen["screen"] <= seen["height"], "the headline block ends inside the first screen"
    text = seen["text"]
    assert "Today's barriers cost in surge" in text and "failure probability" in text
    assert "The barriers that matter most: Foreign Military Sales case (FMS)" in text
    assert "The reform that buys most: fms reform" in text
    assert "_" not in text.replace("fms reform", ""), "no code names on the first screen"
