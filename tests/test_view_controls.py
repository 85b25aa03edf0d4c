"""The What-if page's controls come from the schema, and its variant round-trips through a
scenario file that ``dibsim validate`` accepts (no Streamlit needed)."""

import math

import pytest
from dibsim.experiments.cli import main
from dibsim.experiments.view import controls as ctl
from dibsim.experiments.view import whatif
from dibsim.model.barrier_base import STRICTER_TIME_FACTOR
from dibsim.model.barriers import BARRIERS
from dibsim.model.loader import ScenarioError, load_scenario
from view_helpers import tiny_world


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("baseline")


def test_every_barrier_and_every_field_has_a_control(baseline):
    found = ctl.barrier_controls(baseline)
    assert list(found) == list(BARRIERS)
    for key, controls in found.items():
        fields = BARRIERS[key].settings_model.model_fields
        assert [c.name for c in controls] == list(fields)
        assert {c.path for c in controls} == {f"barriers.{key}.{n}" for n in fields}


def test_slider_ranges_are_the_schema_bounds(baseline):
    for key, controls in ctl.barrier_controls(baseline).items():
        fields = BARRIERS[key].settings_model.model_fields
        for c in controls:
            if c.kind not in ("slider", "optional"):
                continue
            bounds = {type(m).__name__: m for m in fields[c.name].metadata}
            assert c.low == float(bounds["Ge"].ge)
            current = ctl.current_value(baseline, c.path)
            if "Le" in bounds:
                assert c.high == float(bounds["Le"].le), c.path
            else:  # open above: the study's stricter factor past the default and the value
                ref = max(float(fields[c.name].default or 0), float(current or 0))
                assert c.high >= STRICTER_TIME_FACTOR * ref, c.path
            assert current is None or c.low <= current <= c.high, c.path


def test_labels_and_kinds_follow_the_schema(baseline):
    itar = {c.name: c for c in ctl.barrier_controls(baseline)["export_licence"]}
    assert itar["median_days"].label == "median days (days)"
    assert itar["median_days"].help.startswith("median DSP-5 time")
    assert itar["enabled"].kind == "switch"
    assert itar["denial_probability"].label == "denial probability (probability)"
    assert itar["capacity_per_week"].kind == "optional" and itar["capacity_per_week"].integer
    assert itar["exempt"].kind == "members" and "CAN" in itar["exempt"].options
    assert itar["source"].kind == "fixed" and itar["fast_track"].kind == "fixed"
    infosec = {c.name: c for c in ctl.barrier_controls(baseline)["information_security"]}
    assert infosec["min_classification"].options == ("unclassified", "cui", "noforn")


def test_unit_parsing():
    assert ctl.unit_of("median TAA/MLA time (days; P7)") == "days"
    assert ctl.unit_of("lognormal sigma; assumption") == "lognormal sigma"  # as parameters.md
    assert ctl.unit_of("ISO3/groups exempt, e.g. CAN (A1)") == ""
    assert ctl.unit_of("MDE threshold ($M; P16)") == "$M"


def test_changed_lists_only_what_differs(baseline):
    controls = [c for cs in ctl.barrier_controls(baseline).values() for c in cs]
    values = {c.path: ctl.current_value(baseline, c.path) for c in controls}
    assert ctl.changed(controls, baseline, values) == {}
    values["barriers.export_licence.median_days"] = 10.0
    values["barriers.fms_case.enabled"] = False
    assert ctl.changed(controls, baseline, values) == {"barriers.export_licence.median_days": 10.0,
                                                       "barriers.fms_case.enabled": False}


def test_saved_variant_validates_and_carries_the_change(tmp_path, capsys):
    variant = whatif.Variant("baseline", ("fms_reform",),
                             (("barriers.export_licence.median_days", 10.0),
                              ("barriers.export_licence.exempt", ["CAN", "GBR"])))
    target = tmp_path / "mine" / "itar_10_days.yaml"
    line = whatif.save_variant(variant, target)
    assert line.endswith("producers)") and "itar_10_days" in line
    assert main(["validate", str(target)]) == 0
    assert "ok" in capsys.readouterr().out
    scn = load_scenario(target)
    assert scn.barriers.export_licence.median_days == 10.0
    assert scn.barriers.export_licence.exempt == ("CAN", "GBR")
    assert scn.policies.grouped_fms_review  # the reform's own setting
    assert "extends: baseline.yaml" in target.read_text()


def test_a_variant_that_does_not_validate_is_refused_with_the_validators_line(tmp_path):
    world = tiny_world(tmp_path)
    bad = whatif.Variant(str(world), (), (("barriers.export_licence.spread", 9.0),))
    with pytest.raises(ScenarioError) as err:
        whatif.variant_scenario(bad)
    assert "barriers.export_licence.spread" in err.value.problems[0]
    with pytest.raises(ScenarioError):
        whatif.save_variant(bad, tmp_path / "bad.yaml")
    assert not (tmp_path / "bad.yaml").exists() and not list(tmp_path.glob("*.tmp"))


def test_the_pair_runs_on_common_seeds_and_the_status_quo_is_reused(tmp_path, monkeypatch):
    monkeypatch.setenv("DIBSIM_VIEW_CACHE", str(tmp_path / "cache"))
    world = tiny_world(tmp_path)
    same = whatif.run_pair(whatif.Variant(str(world)), 2, 11)
    table = whatif.differences(same, ["output_value_12m"])
    assert table["difference"].iloc[0] == 0 and table["n"].iloc[0] == 2
    arms = sorted(p.name for p in (tmp_path / "cache").iterdir() if p.name.startswith("mini"))
    assert len(arms) == 1  # no change: the status quo's own runs, not a second copy
    slower = whatif.run_pair(whatif.Variant(str(world), (), (("barriers.export_licence.median_days", 120.0),)),
                             2, 11)
    runs = slower.folder.runs
    seeds = runs.groupby("scenario")["seed"].apply(sorted)
    assert seeds[slower.status_quo] == seeds[slower.variant]
    assert len([p for p in (tmp_path / "cache").iterdir() if p.name.startswith("mini")]) == 2
    diff = whatif.differences(slower, ["mean_regulatory_delay_weeks"])["difference"].iloc[0]
    assert math.isfinite(diff)


def test_the_cli_does_not_import_streamlit_and_says_when_the_extra_is_missing(monkeypatch, capsys):
    import importlib.util
    import subprocess
    import sys

    code = ("import sys; from dibsim.experiments.cli import build_parser; build_parser(); "
            "print('streamlit' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "streamlit"
                        else real(name, *a))
    assert main(["view"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install 'dibsim[view]'" in err[0]


def test_view_refuses_a_results_dir_that_is_not_a_folder(tmp_path, capsys):
    assert main(["view", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err
