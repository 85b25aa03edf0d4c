"""The answer explains itself (issue 17): a scripted war's failure probability is left out and
said so once; the failure probability stands beside the ceiling its assumed hazard allows, read
from the scenario run; the first screen gives the surge at 12 and 36 months and, where another
war runs beside the theatre's, the theatre line and what output value counts; a probability's
change is said in absolute terms, never as a percentage of it, with counts that agree."""

import json

import pandas as pd
import pytest
import synthetic
from dibsim.experiments.analysis.answer import NOT_MEASURED, effects, load_study, ranked, to_markdown
from dibsim.experiments.analysis.answer_text import probability_change, written_answer
from dibsim.experiments.analysis.contest import UNMEASURED, contest_of
from dibsim.experiments.analysis.first_screen import first_screen_html, headline_sentences, screen_text
from dibsim.experiments.analysis.report import relative_text
from dibsim.model.barriers import BARRIERS

FMS = BARRIERS["fms_case"].label
REGIONS = {"europe": {"name": "Europe"}, "indo_pacific": {"name": "Indo-Pacific"}}


def _world(path, decides, hazard=0.003, horizon=260, crises=(("europe", 0),), onset=None):
    """Give the synthetic study's status quo the adversary, crises and horizon of a scenario."""
    manifest = json.loads((path / "manifest.json").read_text())
    for entry in manifest["scenarios"]:
        world = entry["resolved"]
        world["regions"] = REGIONS
        world["horizon_weeks"] = horizon
        world["adversaries"] = {"indo_pacific": {"decides": decides, "hazard_per_week": hazard}}
        world["crises"] = [{"region": r, "start_week": w} for r, w in crises]
        world["measurement"] = {"onset_region": onset}
    (path / "manifest.json").write_text(json.dumps(manifest))
    return load_study(path)


@pytest.fixture(scope="module")
def scripted(tmp_path_factory):
    """The contingency's shape: the Pacific war scripted at week 156, Europe's from week 0."""
    path = synthetic.barrier_study(tmp_path_factory.mktemp("scripted") / "study")
    study = _world(path, False, horizon=312, crises=(("europe", 0), ("indo_pacific", 156)),
                   onset="indo_pacific")
    return study, effects(study, checks=False)


@pytest.fixture(scope="module")
def contested(tmp_path_factory):
    """The baseline's shape: the Pacific adversary decides, hazard 0.003 a week, 260 weeks."""
    path = synthetic.barrier_study(tmp_path_factory.mktemp("contested") / "study")
    study = _world(path, True)
    return study, effects(study, checks=False)


def test_a_scripted_war_leaves_failure_probability_out_and_says_so_once(scripted):
    study, table = scripted
    assert study.contests["baseline"].left_out == (synthetic.PROBABILITY,)
    assert synthetic.PROBABILITY not in set(table["metric"])
    assert synthetic.DETERRENCE in set(table["metric"])  # the adversary still assesses
    screen = headline_sentences(table, "baseline", study.contests["baseline"])
    answer = written_answer(table, study.stricter_rule, None, study.contests).sentences
    for text in (screen, answer):
        assert sum(UNMEASURED in s for s in text) == 1
        assert not any("cost in failure probability" in s or "Barriers: " in s for s in text)
    assert "not measured here: the war is scripted (the adversary does not decide)" in UNMEASURED
    assert UNMEASURED in to_markdown(table, study)


def test_the_contingency_screen_gives_the_theatre_line_and_what_output_value_counts(scripted):
    study, table = scripted
    screen = headline_sentences(table, "baseline", study.contests["baseline"])
    theatre = next(s for s in screen if s.startswith(
        "Delivered to the Indo-Pacific theatre in the first 12 months: 3 of 4 have a resolved cost"))
    assert f"the largest {FMS} (+2,0" in theatre and "$M)" in theatre
    assert theatre.endswith("Output value counts all crisis systems worldwide, including those "
                            "for the war in Europe.")
    assert screen.index(theatre) == 1  # next to the surge


def test_the_surge_is_given_at_12_and_36_months(contested):
    study, table = contested
    surge = headline_sentences(table, "baseline", study.contests["baseline"])[0]
    assert surge.startswith("Today's barriers cost in surge (output value, $M): in the first 12 "
                            "months 3 of 4 have a resolved cost")
    assert "; in the first 36 months 2 of 4 have a resolved cost, the largest" in surge
    # one war only: no theatre line
    assert not any("theatre" in s for s in headline_sentences(table, "baseline",
                                                                study.contests["baseline"]))


def test_the_failure_probability_stands_beside_the_ceiling_its_hazard_allows(contested, tmp_path):
    study, table = contested
    contest = study.contests["baseline"]
    assert contest.ceiling == pytest.approx(1 - 0.997 ** 260) and round(contest.ceiling, 3) == 0.542
    line = next(s for s in headline_sentences(table, "baseline", contest)
                if "failure probability" in s)
    assert line.startswith("Deterrence failure probability (Indo-Pacific), status quo: "
                           "0.302, of a ceiling of 0.542 = 1 − (1 − 0.003)^260 over 260 weeks")
    assert "an assumption" in line
    answer = written_answer(table, study.stricter_rule, None, study.contests).sentences
    assert sum("of a ceiling of 0.542" in s for s in answer) == 1
    # read from the scenario run, not typed: another hazard, another horizon, another ceiling
    other = _world(synthetic.barrier_study(tmp_path / "s"), True, hazard=0.01, horizon=100)
    assert f"{1 - 0.99 ** 100:.3f}" in headline_sentences(
        effects(other, checks=False), "baseline", other.contests["baseline"])[1]


def test_the_ceiling_counts_the_weeks_run():
    manifest = {"steps": 52, "scenarios": [{"name": "b", "resolved": {
        "horizon_weeks": 260, "adversaries": {"x": {"decides": True, "hazard_per_week": 0.5}}}}]}
    assert contest_of(manifest, "b", "x").ceiling == pytest.approx(1 - 0.5 ** 52)
    assert contest_of({}, "b", "x").ceiling is None  # a folder that does not say: no ceiling


def test_a_barrier_s_cost_in_probability_says_what_it_adds(contested):
    study, table = contested
    line = next(s for s in headline_sentences(table, "baseline", study.contests["baseline"])
                if ", status quo: " in s)
    assert (f"Barriers: 1 of 4 has a resolved cost; the largest, {FMS}, adds 0.20 to the failure "
            "probability: 0.102 without it, 0.302 with it") in line
    assert "probability)" not in line.split("ceiling")[-1] and " have " not in line
    answer = written_answer(table, study.stricter_rule, None, study.contests).sentences
    fails = next(s for s in answer if s.startswith("In deterrence failure probability"))
    assert "adds 0.20 [0.20, 0.20] to the probability: 0.102 without it, 0.302 with it" in fails
    assert "%" not in fails and "%" not in line  # never a share of a probability
    assert "of the status quo" in next(s for s in answer if s.startswith("In output value"))


def test_probability_changes_of_reforms_and_small_barriers_read_in_absolute_terms():
    base = {"status_quo_mean": 0.419, "metric": synthetic.PROBABILITY}
    barrier = pd.Series(base | {"kind": "removed", "arm_mean": 0.41767, "difference": -0.00133,
                                "ci_low": -0.0022, "ci_high": -0.0004})
    assert probability_change(barrier, "the failure probability") == (
        "adds 0.0013 [0.0004, 0.0022] to the failure probability: 0.4177 without it, "
        "0.4190 with it")
    reform = pd.Series(base | {"kind": "reform", "arm_mean": 0.409, "difference": -0.01,
                               "ci_low": -0.014, "ci_high": -0.006})
    assert probability_change(reform) == "lowers the probability by 0.010 [0.006, 0.014]: 0.419 → 0.409"
    assert relative_text(synthetic.PROBABILITY, -0.00133, -0.3) == "-0.13 points"
    assert relative_text(synthetic.VALUE_12M, 1000.0, 2.0) == "+2.0%"


def test_the_first_screen_html_carries_the_notes(scripted):
    study, table = scripted
    page = first_screen_html(table, None, lambda p: "", study.contests)
    assert "not measured here: the war is scripted" in page and "Indo-Pacific theatre" in page


def test_tables_of_two_headlines_say_not_measured_where_one_leaves_a_metric_out(scripted,
                                                                                 contested):
    study, table = contested
    both = pd.concat([table, scripted[1].assign(headline="contingency")], ignore_index=True)
    wide = ranked(both)
    gone = wide.loc[wide["headline"] == "contingency", synthetic.PROBABILITY]
    assert len(gone) and gone.eq(NOT_MEASURED).all()
    assert wide.loc[wide["headline"] == "baseline", synthetic.PROBABILITY].ne(NOT_MEASURED).all()
    text = to_markdown(both, study)  # the stricter table too: no missing cell raises
    stricter = text.split("Barriers made stricter", 1)[1]
    assert f"| contingency | {FMS} |" in stricter and NOT_MEASURED in stricter


def test_dibsim_study_ends_on_the_first_screen_as_text(scripted):
    study, table = scripted
    text = screen_text(table, study.contests)
    assert text.splitlines()[1:3] == ["In short:", "baseline:"]
    assert f"  - {UNMEASURED}" in text.splitlines()
    assert "Today's barriers cost in surge (output value, $M)" in text


def test_the_sequential_rule_is_not_kept_open_by_a_metric_a_scripted_war_leaves_out(tmp_path):
    """--until-resolved judges the effects the answer reports: with the war scripted, the
    failure probability (0 in every run, so never resolved nor within a margin of 0) is not
    judged, and the adversary's own assessment still is."""
    from dibsim.experiments.commands.study import _paired
    from dibsim.experiments.study import StudyArm

    path = synthetic.barrier_study(tmp_path / "study")
    arms = [StudyArm(**a) for a in json.loads((path / "study.json").read_text())["arms"]]
    arm = next(a.name for a in arms if (a.kind, a.subject) == ("removed", "fms_case"))
    for decides in (True, False):
        _world(path, decides)
        judged = _paired(path, {}, arms, arm, "failure_probability.{region}")
        assert (judged is not None) is decides
        assert _paired(path, {}, arms, arm, "deterrence_index.{region}") is not None
