"""dibsim plot and dibsim report on fabricated folders; the report rendered in headless Chromium.

Chromium comes from Debian's ``chromium`` package, which ``.ci/run`` installs before the tests;
no test installs anything: where no browser is on PATH the rendering test skips with that reason.
"""

import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.image as mpimg
import pandas as pd
import pytest
import synthetic
from dibsim.experiments.cli import main
from dibsim.model.schema_sweep import Sweep

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--virtual-time-budget=5000"]
#: Appended to a copy of the report only: counts images that decoded (naturalWidth > 0).
PROBE = ("<script>addEventListener('load',()=>{const i=[...document.images];"
         "document.body.dataset.images=i.length;"
         "document.body.dataset.broken=i.filter(x=>!(x.complete&&x.naturalWidth>0)).length;})"
         "</script>")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    crn = synthetic.crn_study(root / "study", replications=12)
    sweep = Sweep(design="lhs", samples=60, replications=1,
                  parameters={"barriers.fms_case.median_days": {"low": 30, "high": 400},
                              "barriers.export_licence.median_days": {"low": 5, "high": 120}})
    swept = synthetic.sweep_study(root / "sweep", sweep, _delay_effects)
    return crn, swept


def _delay_effects(x, rng):
    fms = x["barriers.fms_case.median_days"].to_numpy(float)
    return {"surge_ratio": 3.0 - fms / 300 + rng.normal(0, 0.1, len(x)),
            "deterrence_failure.indo_pacific": (fms + rng.normal(0, 30, len(x)) > 250).astype(float)}


def _check_png(path: Path) -> None:
    image = mpimg.imread(path)
    assert path.stat().st_size > 5000 and image.shape[0] > 200 and image.shape[1] > 300
    assert image[..., :3].std() > 0.01  # not a blank canvas


def test_plot_cli_draws_heatmaps_of_a_sweep_and_svg_on_request(study):
    _, swept = study
    assert main(["plot", str(swept), "--metric", "surge_ratio", "--svg"]) == 0
    _check_png(swept / "plots" / "heatmap_surge_ratio.png")
    _check_png(swept / "plots" / "dist_surge_ratio.png")
    assert (swept / "plots" / "heatmap_surge_ratio.svg").stat().st_size > 5000
    assert "heatmap_surge_ratio" in (swept / "plots" / "index.md").read_text()


@pytest.fixture(scope="module")
def report(study):
    crn, swept = study
    out = crn.parent / "out" / "report.html"
    assert main(["discover", str(swept), "--metric", "surge_ratio", "--below", "2.2"]) == 0
    assert main(["report", str(crn), str(swept), "-o", str(out)]) == 0
    return out


def test_report_draws_every_standard_plot_readably(report):
    plots = report.parent.parent / "study" / "plots"
    names = {p.name for p in plots.glob("*.png")}
    expected = {"dist_surge_ratio.png", "dist_deterrence_failure_indo_pacific.png", "fan_output.png",
                "fan_deterrence_europe.png", "surge_curves.png", "open_cases.png",
                "output_us_allied.png", "forest_surge_ratio.png"}
    assert expected <= names
    for name in names:
        _check_png(plots / name)


def test_report_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    sources = re.findall(r'src="([^"]*)"', text)
    assert len(sources) >= 10 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r'(href|src)="(https?:)?//', text) and "<link" not in text
    for section in ("Scenarios", "Key metrics", "Comparison", "Sensitivity", "discovery"):
        assert section in text
    assert "synthetic scenario fms_reform" in text
    assert "surge_ratio &lt; 2.2 (saved by dibsim discover)" in text


@pytest.fixture(scope="session")
def chromium():
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("no headless browser: neither chromium nor chromium-browser is on PATH "
                    "(.ci/run installs Debian's chromium before the tests)")
    return found


def test_report_renders_offline_in_headless_chromium_with_every_image(report, chromium,
                                                                      tmp_path):
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                     encoding="utf-8")
    cmd = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
           probe.as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False).stdout
    images = re.search(r'data-images="(\d+)"', dom)
    broken = re.search(r'data-broken="(\d+)"', dom)
    assert images and broken, f"the page did not finish loading: {dom[:300]!r}"
    assert int(images.group(1)) >= 10 and int(broken.group(1)) == 0


def test_distribution_of_a_metric_constant_up_to_rounding_draws(tmp_path):
    from dibsim.experiments.analysis.plots.metrics import plot_distribution

    runs = pd.DataFrame({"scenario": "s", "status": "ok",
                         "stock_coverage_weeks": [0.1 + 0.2, 0.3, 0.3, 0.1 + 0.2, 0.3]})
    _check_png(plot_distribution(runs, "stock_coverage_weeks", tmp_path).path)
