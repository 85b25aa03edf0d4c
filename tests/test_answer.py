"""The study's answer on fabricated folders with planted effects: the table, the written
answer, the tornado chart and the report's head; and the study's arms from the shipped files."""

import json
import math
import re

import matplotlib.image as mpimg
import pandas as pd
import pytest
import synthetic
from dibsim.experiments.analysis.answer import (
    effects,
    headline_metrics,
    load_study,
    print_answer,
    ranked,
    write_answer,
)
from dibsim.experiments.analysis.answer_text import written_answer
from dibsim.experiments.analysis.plots.tornado import plot_tornado, tornado_rows
from dibsim.experiments.cli import main
from dibsim.model.barriers import BARRIERS

#: The barriers' plain names, from the barrier registry (the answer names no code).
FMS, DSP5 = BARRIERS["fms_case"].label, BARRIERS["export_licence"].label
TSFD, AECA = BARRIERS["technology_release"].label, BARRIERS["congressional_review"].label


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    path = synthetic.barrier_study(tmp_path_factory.mktemp("answer") / "study")
    study = load_study(path)
    return study, effects(study)


def _row(table, kind, subject, metric=synthetic.VALUE_12M):
    return table[(table["kind"] == kind) & (table["subject"] == subject)
                 & (table["metric"] == metric)].iloc[0]


def test_costs_and_gains_are_oriented_and_cover_the_planted_truth(planted):
    _, table = planted
    for (kind, subject), change in synthetic.PLANTED.items():
        for metric in (synthetic.VALUE_12M, synthetic.DETERRENCE):
            r = _row(table, kind, subject, metric)
            truth = change.get(metric, 0.0) * (-1 if kind == "stricter" else 1)
            assert r["effect_low"] <= truth <= r["effect_high"], (kind, subject, metric)
            assert r["resolved"] == (truth != 0), (kind, subject, metric)
    # lower is better for deterrence failure: removing fms_case lowers it, a positive cost
    fail = _row(table, "removed", "fms_case", synthetic.PROBABILITY)
    assert fail["difference"] < 0 < fail["effect"]


def test_ranked_table_puts_the_largest_cost_first_and_says_not_resolved(planted):
    study, table = planted
    wide = ranked(table)
    assert list(wide["name"][:3]) == ["fms_case", "export_licence", "fms_reform"]
    assert list(wide["label"][:3]) == [FMS, DSP5, "fms reform"]
    zero = wide.set_index("name").loc["congressional_review"]
    assert zero[synthetic.VALUE_12M].endswith("not resolved")
    assert not wide.set_index("name").loc["fms_case", synthetic.VALUE_12M].endswith("not resolved")
    assert wide.set_index("name").loc["fms_case", "stricter"].startswith("+7,9")
    csv, md = write_answer(study, table)
    stored = pd.read_csv(csv)
    assert len(stored) == len(table) and set(stored["subject"]) >= {"fms_case", "fms_reform"}
    assert set(stored.loc[stored["subject"] == "fms_case", "label"]) == {f"{FMS} removed",
                                                                         f"{FMS} made stricter"}
    assert "output value, first 12 months ($M)" in set(stored["metric_label"])
    text = md.read_text()
    assert f"| 1 | barrier | {FMS} |" in text and "not resolved" in text
    assert "Barriers made stricter" in text and "The barriers that cost most" in text
    _no_key_in(text.split("## Ranked table", 1)[1], table)


def _no_key_in(text, table):
    """No barrier key, reform file name or metric column shows in a table meant for a reader."""
    keys = set(BARRIERS) | set(table.loc[table["kind"] == "reform", "subject"]) | set(table["metric"])
    shown = sorted(k for k in keys if re.search(rf"(?<![\w.]){re.escape(k)}(?![\w])", text))
    assert not shown, shown
    assert not re.findall(r"\b[a-z0-9]+_", text)  # nor a key cut short to fit a cell


def test_the_printed_table_shows_plain_labels_not_keys(planted, capsys):
    study, table = planted
    print_answer(study, table)
    printed = capsys.readouterr().out
    _no_key_in(printed, table)
    rows = [line.rstrip() for line in printed.splitlines() if line[:1] in "┏┃┡│├└"]
    assert rows and all(line[-1] in "┓┃┩│┤┘" for line in rows)  # the wider labels are not cropped
    header = [[c.strip() for c in line[1:-1].split("┃")] for line in rows if line[0] == "┃"]
    body = [[c.strip() for c in line[1:-1].split("│")] for line in rows if line[0] == "│"]
    titles = [" ".join(h[i] for h in header if h[i]) for i in range(len(header[0]))]
    assert "barrier or reform" in titles and "output value, first 12 months ($M)" in titles
    names = " ".join(" ".join(cells[titles.index("barrier or reform")] for cells in body).split())
    assert names.startswith(f"{FMS} {DSP5} fms reform")  # ranked, each name wrapped in its cell


def test_written_answer_names_the_planted_largest_cost_and_gain(planted):
    study, table = planted
    answer = written_answer(table, study.stricter_rule)
    text = " ".join(answer.sentences)
    costs = next(s for s in answer.sentences if s.startswith("The barriers that cost most"))
    assert costs.index(FMS) < costs.index(DSP5) < costs.index(TSFD)
    assert AECA not in costs
    gain = next(s for s in answer.sentences if s.startswith("The reform that buys most"))
    assert gain.startswith("The reform that buys most output value, first 12 months is "
                           "fms reform (+2,5")
    unresolved = next(s for s in answer.sentences if s.startswith("Not resolved"))
    assert AECA in unresolved and "rdp reciprocity" in unresolved
    assert FMS not in unresolved
    assert "every median time × 4" in text and "_" not in costs + gain
    assert any("docs/ODD.md" in where for _, where in answer.assumptions)


def test_written_answer_follows_the_numbers_not_a_script(tmp_path):
    swapped = {("removed", "fms_case"): {synthetic.VALUE_12M: 500},
               ("removed", "export_licence"): {synthetic.VALUE_12M: 9000},
               ("removed", "congressional_review"): {},
               ("reform", "fms_reform"): {},
               ("reform", "rdp_reciprocity"): {synthetic.VALUE_12M: 4000}}
    study = load_study(synthetic.barrier_study(tmp_path / "s", planted=swapped))
    answer = written_answer(effects(study), study.stricter_rule)
    costs = next(s for s in answer.sentences if "cost most" in s or "resolved cost" in s)
    assert costs.index(DSP5) < costs.index(FMS)
    assert any(s.startswith("The reform that buys most") and "is rdp reciprocity" in s
               for s in answer.sentences)
    assert "fms reform" in next(s for s in answer.sentences if s.startswith("Not resolved"))


def test_no_resolved_effect_is_said_plainly(tmp_path):
    nothing = {("removed", "fms_case"): {}, ("reform", "fms_reform"): {}}
    study = load_study(synthetic.barrier_study(tmp_path / "s", planted=nothing))
    sentences = written_answer(effects(study)).sentences
    text = " ".join(sentences)
    assert "No barrier has a resolved cost in output value, first 12 months" in text
    assert "No reform buys a resolved gain in output value, first 12 months" in text
    unresolved = next(s for s in sentences if s.startswith("Not resolved"))
    assert FMS in unresolved and "fms reform" in unresolved


def test_headline_metrics_come_from_the_study_file_not_fallbacks(tmp_path):
    path = synthetic.barrier_study(tmp_path / "s")
    study = load_study(path)
    runs = study.folder.runs
    # the study file's templates, the contested region filled in; no older name stands in
    assert study.metric_templates[3] == "deterrence_index.{region}"
    assert headline_metrics(runs, "indo_pacific", study.metric_templates) == [
        synthetic.VALUE_12M, synthetic.VALUE_36M, synthetic.THEATRE, synthetic.DETERRENCE,
        synthetic.PROBABILITY]
    assert headline_metrics(runs, None, study.metric_templates) == [
        synthetic.VALUE_12M, synthetic.VALUE_36M, synthetic.THEATRE]
    # switching the headline is one line of the study config: the answer follows it
    data = json.loads((path / "study.json").read_text())
    data["headline_metrics"] = ["failure_probability.{region}", "output_value_12m"]
    (path / "study.json").write_text(json.dumps(data))
    table = effects(load_study(path))
    assert list(dict.fromkeys(table["metric"])) == [synthetic.PROBABILITY, synthetic.VALUE_12M]
    assert table.loc[table["primary"], "metric"].eq(synthetic.PROBABILITY).all()


def test_tornado_draws_largest_on_top_with_unresolved_faded(planted, tmp_path):
    _, table = planted
    rows = tornado_rows(table, synthetic.VALUE_12M, "baseline")
    assert rows["subject"].iloc[-1] == "fms_case" and rows["size"].is_monotonic_increasing
    assert rows["name"].iloc[-1] == FMS and "reform: fms reform" in set(rows["name"])
    rec = plot_tornado(table, synthetic.VALUE_12M, "baseline", tmp_path)
    image = mpimg.imread(rec.path)
    assert image.shape[0] > 300 and image.shape[1] > 800 and image[..., :3].std() > 0.01
    assert FMS in rec.caption and rec.kind == "tornado"


def test_report_is_headed_by_the_first_screen_then_the_answer_tornado_and_table(planted):
    study, _ = planted
    out = study.folder.path / "report.html"
    assert main(["report", str(study.folder.path), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    screen = page.index("id='first-screen'")
    answer, scenarios = page.index("The answer: what each barrier costs"), page.index("<h2>Scenarios")
    assert screen < page.index("The barriers that matter most") < page.index("id='first-chart'") < answer
    rest = page[answer:]
    assert rest.index("The barriers that cost most") < rest.index("tornado_output_value_12m")
    assert rest.index("tornado_output_value_12m") < rest.index("Ranked table") < scenarios - answer
    # the primary chart on the first screen, then every headline's chart in the answer
    assert page.count('alt="tornado_') == 6 and 'class="num nr"' in page
    assert (study.folder.path / "plots" / "tornado_deterrence_index_indo_pacific.png").is_file()
    ranked_html = rest[rest.index("Ranked table"):rest.index("<img", rest.index("Ranked table"))]
    assert f"<td>{FMS}</td>" in ranked_html
    _no_key_in(ranked_html.replace("class=", "").replace("num nr", ""), planted[1])


def test_plot_command_draws_the_tornado_charts_of_a_study(planted):
    study, _ = planted
    assert main(["plot", str(study.folder.path)]) == 0
    index = (study.folder.path / "plots" / "index.md").read_text()
    assert index.index("tornado_output_value_12m") < index.index("dist_")


def test_a_study_file_naming_missing_scenarios_is_one_line_exit_2(tmp_path, capsys):
    path = synthetic.barrier_study(tmp_path / "s")
    text = (path / "study.json").read_text().replace("baseline~no_fms_case", "baseline~gone")
    (path / "study.json").write_text(text)
    assert main(["report", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "baseline~gone" in err[0]


def test_reforms_are_discovered_from_what_the_shipped_files_change():
    from dibsim.experiments.study import reform_variants

    found = set(reform_variants())
    assert {"aukus_exemption_widened", "fms_reform", "rdp_reciprocity",
            "indo_pacific_fast_track", "japan_lines_investment"} <= found
    assert not found & {"baseline", "status_quo", "us_alone", "europe_contingency",
                        "indo_pacific_contingency", "sweep_export_licence"}


def test_study_arms_remove_tighten_and_reform_the_headline():
    from dibsim.experiments.study import arm_scenario, study_arms
    from dibsim.model.barriers import BARRIERS
    from dibsim.model.loader import load_scenario, scenario_to_dict

    arms, notes = study_arms("baseline", reforms=["fms_reform"])
    kinds = [a.kind for a in arms]
    assert kinds.count("removed") == kinds.count("stricter") == len(BARRIERS) - len(notes)
    base = load_scenario("baseline")
    stricter = next(a for a in arms if a.name == "baseline~stricter_congressional_review")
    cr = base.barriers.congressional_review
    assert stricter.overrides["barriers.congressional_review.median_days"] == 4 * cr.median_days
    assert stricter.overrides["barriers.congressional_review.nato_plus_median_days"] == \
        4 * cr.nato_plus_median_days
    assert stricter.overrides["barriers.congressional_review.denial_probability"] == \
        min(1.0, 2 * cr.denial_probability)
    removed = arm_scenario(next(a for a in arms if a.name == "baseline~no_fms_case"))
    assert not removed.barriers.fms_case.enabled and removed.name == "baseline~no_fms_case"
    # a reform merged onto the headline is the shipped variant itself, but for its name and the
    # week-0 history it keeps: the headline's rules, under which the cases in flight were opened
    reform = scenario_to_dict(arm_scenario(next(a for a in arms if a.kind == "reform")))
    shipped = scenario_to_dict(load_scenario("fms_reform"))
    history = reform["warm_start"].pop("history")
    from dibsim.model.loader import load_raw, resolve_path
    raw = load_raw(resolve_path("baseline"))
    assert history == {b: raw.get(b) or {} for b in ("barriers", "policies")}
    shipped["warm_start"].pop("history")
    for d in (reform, shipped):
        d.pop("name"), d.pop("description")
    assert reform == shipped


def test_stricter_is_capped_at_certain_denial():
    from dibsim.experiments.study import stricter_overrides
    from dibsim.model.schema_barriers import DomesticContent

    out = stricter_overrides(DomesticContent(denial_probability=0.7), "domestic_content")
    assert out["barriers.domestic_content.denial_probability"] == 1.0
    assert math.isclose(out["barriers.domestic_content.waiver_median_days"], 4 * 14.0)


def test_a_study_run_until_resolved_reads_its_intervals_at_the_rule_s_levels(planted, tmp_path):
    import shutil

    from dibsim.experiments.analysis.answer import cell_text
    from dibsim.experiments.sequential import StoppingRule

    _, plain = planted
    folder = tmp_path / "sequential"
    shutil.copytree(planted[0].folder.path, folder)
    rule = StoppingRule(initial=4, batch=4, max_reps=16)  # 16 replications: the last look
    data = json.loads((folder / "study.json").read_text())
    (folder / "study.json").write_text(json.dumps(data | {"sequential": rule.describe()}))
    table = effects(load_study(folder))
    assert set(table["level"]) == {rule.levels()[-1]} and set(plain["level"]) == {0.95}
    # each interval is the rule's, wider than the plain 95% one around the same estimate
    assert (table["effect_high"] - table["effect_low"] >= plain["effect_high"] - plain["effect_low"]).all()
    assert (table["effect"] == plain["effect"]).all()
    # the planted zero effect is shown inside ±0.5% of the status quo: negligible, not open
    zero = _row(table, "removed", "congressional_review")
    assert zero["negligible"] and not zero["resolved"] and cell_text(zero).endswith("negligible")
    assert not _row(plain, "removed", "congressional_review")["negligible"]  # no rule: no threshold
    assert not _row(table, "removed", "fms_case")["negligible"]
    from dibsim.experiments.analysis.answer import reading_note

    assert "Run until resolved" in reading_note(load_study(folder))
    assert "Run until resolved" not in reading_note(planted[0])
