"""The results-contract plots: surge by system, output by value, deterrence by region,
capacity by nation — each on a fabricated folder with known values (the drawn numbers are
checked, not only that a file appeared), the study's default subset, and ``dibsim plot`` on a
short real run."""

import matplotlib.image as mpimg
import numpy as np
import pytest
import synthetic
from dibsim.experiments.analysis.plots import common, nations, regions, systems
from dibsim.experiments.analysis.plots.contract_data import chosen_scenarios, crisis_systems, unit_costs
from dibsim.experiments.cli import main
from dibsim.experiments.engine.results import load_results
from dibsim.experiments.errors import UserError

SCENARIOS = list(synthetic.CONTRACT_SCENARIOS)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return load_results(synthetic.contract_folder(tmp_path_factory.mktemp("contract") / "f"))


@pytest.fixture
def figures(monkeypatch):
    """Every figure the plot modules save, kept for inspection after it is written."""
    drawn = []

    def keep(fig, path, formats, title, caption, kind):
        drawn.append(fig)
        return common.record(fig, path, formats, title, caption, kind)

    for module in (systems, regions, nations):
        monkeypatch.setattr(module, "record", keep)
    return drawn


def _panels(fig):
    return [ax for ax in fig.axes if ax.get_visible()]


def _line(ax, label):
    found = [ln for ln in ax.get_lines() if ln.get_label() == label]
    assert found, f"no line labelled {label!r} in {ax.get_title()!r}"
    return found[0]


def _check_png(path):
    image = mpimg.imread(path)
    assert path.stat().st_size > 5000 and image.shape[0] > 200 and image.shape[1] > 300
    assert image[..., :3].std() > 0.01


def test_manifest_gives_crisis_systems_and_unit_costs(folder):
    assert crisis_systems(folder, SCENARIOS, folder.series_names()) == ["pac3_mse",
                                                                        "shell_155mm"]
    assert unit_costs(folder, "baseline") == {"shell_155mm": 0.008, "pac3_mse": 4.0,
                                              "javelin": 0.2}


def test_surge_by_system_draws_a_panel_per_crisis_system_aligned_on_onset(folder, figures,
                                                                          tmp_path):
    rec = systems.plot_surge_by_system(folder, tmp_path, scenarios=SCENARIOS)
    _check_png(rec.path)
    panels = _panels(figures[-1])
    assert [ax.get_title() for ax in panels] == ["pac3_mse", "shell_155mm"]
    shell = panels[1]
    assert shell.get_xlabel() == "weeks since crisis onset (weeks)"
    # quiet_world has no onset, so it has no surge curve; the others ramp from 100 to 100 + k·100
    for name, k in (("baseline", 1.0), ("surge_reform", 1.5)):
        line = _line(shell, name)
        x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        assert y[x == -5][0] == pytest.approx(100.0) and y[x == 30][0] == pytest.approx(100 + k * 100)
    assert not [ln for ln in shell.get_lines() if ln.get_label() == "quiet_world"]


def test_value_fans_weight_units_by_unit_cost_and_overlay_deliverable(folder, figures, tmp_path):
    rec = systems.plot_value_fans(folder, tmp_path, scenarios=SCENARIOS)
    _check_png(rec.path)
    panels = _panels(figures[-1])
    assert [ax.get_title() for ax in panels] == SCENARIOS
    quiet = panels[2]
    median = _line(quiet, "output by value (median)")
    # crisis systems only: 100 shells × 0.008 + 2 interceptors × 4 = 8.8 $M/week (no javelin)
    assert np.allclose(median.get_ydata(), 8.8)
    deliverable = _line(quiet, "deliverable capacity by value (median)")
    assert np.allclose(deliverable.get_ydata(), 1.1 * 8.8)
    reform = _line(panels[1], "output by value (median)")
    assert np.asarray(reform.get_ydata())[-1] == pytest.approx(0.008 * 250 + 4.0 * 5)


def test_deterrence_by_region_marks_onsets_where_a_crisis_starts(folder, figures, tmp_path):
    rec = regions.plot_deterrence_by_region(folder, tmp_path, scenarios=SCENARIOS)
    _check_png(rec.path)
    panels = _panels(figures[-1])
    titles = [ax.get_title() for ax in panels]
    assert sorted(titles) == ["europe", "indo pacific"]
    indo, europe = panels[titles.index("indo pacific")], panels[titles.index("europe")]
    assert np.asarray(_line(indo, "baseline").get_ydata())[-1] == pytest.approx(0.4)
    onsets = [ln for ln in indo.get_lines() if ln.get_marker() == "v"]
    assert len(onsets) == 2  # baseline and surge_reform; quiet_world has none
    assert all(ln.get_xdata()[0] == 12.5 for ln in onsets)  # median of weeks 12, 13, 14, 12
    assert not [ln for ln in europe.get_lines() if ln.get_marker() == "v"]
    assert any("no crisis starts" in t.get_text() for t in europe.texts)


def test_capacity_by_nation_stacks_us_and_allies_and_shows_the_nameplate_gap(folder, figures,
                                                                          tmp_path):
    rec = nations.plot_capacity_by_nation(folder, tmp_path, scenarios=SCENARIOS)
    _check_png(rec.path)
    over_time, at_horizon = _panels(figures[-1])
    # US, the six largest allies, other allies (NOR and FIN: 3 + 2 = 5 $M/week at the start)
    stacks = over_time.collections[:8]
    assert len(stacks) == 8
    assert [t.get_text() for t in at_horizon.get_yticklabels()] == SCENARIOS[::-1]
    assert np.asarray(_line(over_time, "nameplate, US").get_ydata())[0] == pytest.approx(50.0)
    gaps = [p for p in at_horizon.patches if p.get_hatch()]
    # per scenario: the US gap (10) and the allies' (8 nations × 1)
    assert sorted(round(p.get_width(), 6) for p in gaps) == [8.0] * 3 + [10.0] * 3
    assert "DEU" in rec.caption and "at the horizon" in rec.caption


def test_a_study_draws_its_status_quo_top_reforms_and_top_barrier_arms(tmp_path):
    study = load_results(synthetic.barrier_study(tmp_path / "study", replications=8))
    # the primary metric is output_value_12m: reforms fms_reform (+2500) and aukus (+1000); the
    # largest barrier arms are fms_case stricter (8000), fms_case removed (6000), export_licence
    # removed (3000)
    assert chosen_scenarios(study) == [
        "baseline", "baseline~fms_reform", "baseline~aukus_exemption_widened",
        "baseline~stricter_fms_case", "baseline~no_fms_case", "baseline~no_export_licence"]
    assert chosen_scenarios(study, ["baseline~rdp_reciprocity"]) == ["baseline~rdp_reciprocity"]
    with pytest.raises(UserError, match="--scenario 'nope' is not in"):
        chosen_scenarios(study, ["nope"])


def test_plot_cli_takes_scenarios_and_rejects_an_unknown_one(folder, tmp_path, capsys):
    out = tmp_path / "plots"
    assert main(["plot", str(folder.path), "--out", str(out), "--scenario", "baseline",
                 "--scenario", "quiet_world"]) == 0
    index = (out / "index.md").read_text()
    for stem in ("surge_by_system", "fan_output_value", "deterrence_by_region",
                 "capacity_by_nation"):
        _check_png(out / f"{stem}.png")
        assert f"`{stem}.png`" in index
    assert main(["plot", str(folder.path), "--scenario", "nope"]) == 2
    assert "--scenario 'nope' is not in" in capsys.readouterr().err


def test_plot_draws_the_contract_figures_of_a_short_real_run(tmp_path):
    run = tmp_path / "run"
    assert main(["run", "baseline", "--replications", "2", "--steps", "40", "--workers", "1",
                 "--quiet", "--out", str(run)]) == 0
    assert main(["plot", str(run)]) == 0
    for stem in ("surge_by_system", "fan_output_value", "deterrence_by_region",
                 "capacity_by_nation"):
        _check_png(run / "plots" / f"{stem}.png")
