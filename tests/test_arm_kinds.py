"""A reform arm that changes only producers is an industrial investment: decided from what the
arm changes, recorded in study.json, and named so in the ranked table, the answer, the first
screen and the tornado chart; an old study.json without the record still reads."""

import json

import pytest
import synthetic
from dibsim.experiments.analysis.answer import effects, load_study, print_answer, ranked, to_markdown
from dibsim.experiments.analysis.answer_text import INVESTMENT_NOTE, written_answer
from dibsim.experiments.analysis.first_screen import headline_sentences
from dibsim.experiments.analysis.plots.tornado import tornado_rows
from dibsim.experiments.study import reform_kind, study_arms

LINE = """
producers:
  jpn_mhi_pac3:
    planned_expansions:
      - {week: 52, add_capacity_per_week: 0.55}
"""
FAST = """
barriers:
  technical_assistance:
    fast_track:
      - {members: [pipir], time_factor: 0.5}
"""
POLICY = """
policies:
  grouped_fms_review: true
"""


def _variant(tmp_path, name, body):
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: baseline.yaml\nname: {name}\nquestion: what does it buy?\n{body}",
                    encoding="utf-8")
    return str(path)


def test_the_kind_follows_what_the_arm_changes(tmp_path):
    files = {"line": _variant(tmp_path, "line", LINE), "fast": _variant(tmp_path, "fast", FAST),
             "both": _variant(tmp_path, "both", LINE + FAST),
             "policy_and_line": _variant(tmp_path, "policy_and_line", LINE + POLICY)}
    arms, notes = study_arms("baseline", reforms=list(files.values()))
    kinds = {a.subject: (a.kind, a.changes) for a in arms if a.subject in files.values()}
    assert kinds[files["line"]] == ("investment", ("producers",))
    assert kinds[files["fast"]] == ("reform", ("barriers",))
    assert kinds[files["both"]] == ("reform", ("barriers", "producers"))
    assert kinds[files["policy_and_line"]] == ("reform", ("policies", "producers"))
    mixed = [n for n in notes if "capacity bought with friction removed" in n]
    assert [n.split(":")[0] for n in mixed] == [files["both"], files["policy_and_line"]]


def test_shipped_files_are_told_apart_by_what_they_change_not_by_name():
    arms, _ = study_arms("indo_pacific_contingency",
                         reforms=["japan_lines_investment", "indo_pacific_fast_track", "fms_reform"])
    kinds = {a.subject: a.kind for a in arms if a.subject}
    assert kinds["japan_lines_investment"] == "investment"
    assert kinds["indo_pacific_fast_track"] == kinds["fms_reform"] == "reform"
    assert reform_kind(()) == ("reform", "")  # a variant that changes nothing here stays a reform


PLANTED = {("removed", "fms_case"): {synthetic.VALUE_12M: 6000},
           ("removed", "export_licence"): {synthetic.VALUE_12M: 3000},
           ("reform", "fms_reform"): {synthetic.VALUE_12M: 2500},
           ("investment", "japan_lines_investment"): {synthetic.VALUE_12M: 4000,
                                                      synthetic.VALUE_36M: 8000}}
LABEL = "japan lines investment (industrial investment)"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return synthetic.barrier_study(tmp_path_factory.mktemp("kinds") / "study", planted=PLANTED)


def test_the_investment_is_named_so_in_the_table_answer_screen_and_tornado(folder, capsys):
    study = load_study(folder)
    table = effects(study)
    wide = ranked(table).set_index("name")
    assert wide.loc["japan_lines_investment", ["what", "label"]].tolist() == ["investment", LABEL]
    assert wide.loc["fms_reform", ["what", "label"]].tolist() == ["reform", "fms reform"]
    answer = written_answer(table, study.stricter_rule)
    gain = next(s for s in answer.sentences if s.startswith("The reform that buys most"))
    assert "fms reform" in gain and "japan" not in gain  # an investment is no barrier reform
    bought = next(s for s in answer.sentences if s.startswith("The industrial investment"))
    assert bought.startswith("The industrial investment japan lines investment buys output value")
    assert bought.endswith(f"{INVESTMENT_NOTE}.") and "capacity rather than removing friction" in bought
    later = next(s for s in answer.sentences if s.startswith("In output value, first 36 months"))
    assert "no reform gain is resolved; the industrial investment japan lines investment buys +" in later
    assert later.endswith("capacity rather than friction removed.")
    md = to_markdown(table, study)
    assert f"| investment | {LABEL} |" in md and "(reform)" not in md
    print_answer(study, table)
    cells = [c.strip() for line in capsys.readouterr().out.splitlines() if line[:1] == "│"
             for c in line[1:-1].split("│")]
    assert "investment" in cells  # the kind column is never wrapped
    screen = " ".join(headline_sentences(table, "baseline"))
    assert "The reform that buys most: fms reform" in screen
    assert "the industrial investment japan lines investment buys +4,0" in screen
    assert "capacity rather than friction removed" in screen
    names = set(tornado_rows(table, synthetic.VALUE_12M, "baseline")["name"])
    assert {"investment: japan lines investment", "reform: fms reform"} <= names
    csv = table[table["subject"] == "japan_lines_investment"]
    assert set(csv["kind"]) == {"investment"} and set(csv["label"]) == {LABEL}


def test_an_old_study_file_without_the_record_reads_by_the_old_rule(folder, tmp_path):
    import shutil

    old = tmp_path / "old"
    shutil.copytree(folder, old)
    target = old / "study.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    for arm in data["arms"]:  # as written before investments were told apart
        arm.pop("changes")
        arm["kind"] = "reform" if arm["kind"] == "investment" else arm["kind"]
    target.write_text(json.dumps(data), encoding="utf-8")
    table = effects(load_study(old))
    japan = table[table["subject"] == "japan_lines_investment"]
    assert set(japan["kind"]) == {"reform"} and set(japan["label"]) == {"japan lines investment (reform)"}
    assert japan["resolved"].iloc[0] and japan["effect"].iloc[0] > 0
    answer = written_answer(table, "")
    assert not any(s.startswith("The industrial investment") for s in answer.sentences)
    assert ranked(table).set_index("name").loc["japan_lines_investment", "what"] == "reform"
