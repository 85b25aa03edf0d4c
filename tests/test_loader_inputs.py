"""Inputs that cannot slip through: unreadable files, duplicate keys, tags that would build
Python objects (nothing runs), and variant lists that would drop their base's entries all stop
with exit 2 and one line naming the file, and nothing is written; ``add`` and ``replace``
combine lists as they say."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from dibsim.experiments.cli import main
from dibsim.model.loader import ScenarioError, deep_merge, load_scenario, resolve_path

BASELINE = resolve_path("baseline").resolve()


def write(tmp_path: Path, content: str | bytes | dict, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    if isinstance(content, dict):
        content = yaml.safe_dump(content, sort_keys=False)
    if isinstance(content, str):
        content = content.encode("utf-8")
    p.write_bytes(content)
    return p


def variant(tmp_path: Path, body: str, name: str = "v.yaml") -> Path:
    """A variant of the shipped baseline with ``body`` (YAML text) after its header."""
    return write(tmp_path, f"extends: {BASELINE}\nname: v\n{body}", name)


def the_one_error(capsys, tmp_path: Path, path: Path) -> str:
    """`validate` and `run` both exit 2 with one line naming the file, and write nothing."""
    before = sorted(tmp_path.rglob("*"))
    capsys.readouterr()
    assert main(["validate", str(path)]) == 2
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: "), err
    assert out == ""
    results = tmp_path / "results"
    assert main(["run", str(path), "--out", str(results), "--executor", "serial", "--quiet"]) == 2
    assert capsys.readouterr().err.splitlines() == lines
    assert sorted(tmp_path.rglob("*")) == before  # no results folder, no partial file
    return lines[0]


# ---- files that are not YAML text ---------------------------------------------------------

def test_non_utf8_file_names_the_byte_and_what_to_do(capsys, tmp_path):
    p = write(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    line = the_one_error(capsys, tmp_path, p)
    assert "not UTF-8 text: byte 0x89 at position 0" in line and "saved as UTF-8" in line


def test_latin1_file_names_the_line_of_the_bad_byte(capsys, tmp_path):
    p = write(tmp_path, "name: x\ndescription: Bogot\xe1\n".encode("latin-1"))
    line = the_one_error(capsys, tmp_path, p)
    assert "byte 0xe1 at position 26 (line 2)" in line


def test_utf16_file_is_recognised(capsys, tmp_path):
    p = write(tmp_path, "name: x\n".encode("utf-16"))
    assert "looks like UTF-16: save it as UTF-8" in the_one_error(capsys, tmp_path, p)


def test_binary_file_with_nul_bytes(capsys, tmp_path):
    p = write(tmp_path, b"name: x\n\x00\x01\x02")
    assert "a binary file, not YAML text: NUL byte at position 8" in the_one_error(capsys, tmp_path, p)


@pytest.mark.parametrize("content, expected", [
    (b"", "empty file"),
    (b"  \n\n", "empty file"),
    (b"# only a comment\n", "no fields (only comments or blank)"),
    (b"- a\n- b\n", "top level must be a mapping of fields"),
])
def test_empty_or_fieldless_file_says_what_a_scenario_needs(capsys, tmp_path, content, expected):
    line = the_one_error(capsys, tmp_path, write(tmp_path, content))
    assert expected in line and "extends: baseline.yaml" in line


def test_directory_is_not_a_scenario(capsys, tmp_path):
    d = tmp_path / "folder.yaml"
    d.mkdir()
    assert "is a directory, not a scenario file" in the_one_error(capsys, tmp_path, d)


@pytest.mark.parametrize("ref, expected", [
    ('""', "extends: must be a file name (got '')"),
    (".", "extends: is a directory '.'"),
    ("nowhere.yaml", "extends: no such file 'nowhere.yaml'"),
])
def test_extends_must_name_a_file(capsys, tmp_path, ref, expected):
    p = write(tmp_path, f"extends: {ref}\nname: x\n")
    assert expected in the_one_error(capsys, tmp_path, p)


def test_unreadable_value_gives_its_position(capsys, tmp_path):
    p = write(tmp_path, "name: x\nstart_date: 2026-13-45\n")
    line = the_one_error(capsys, tmp_path, p)
    assert "line 2, column 13: cannot read '2026-13-45' as a date" in line and "quote it" in line


def test_the_scenario_loader_is_a_safe_loader():
    """What makes ``yaml.load(text, Loader=ScenarioYamlLoader)`` safe (loader.read_yaml's noqa)."""
    from dibsim.model.scenario_yaml import ScenarioYamlLoader

    safe = tuple(c for c in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", None)) if c is not None)
    assert issubclass(ScenarioYamlLoader, safe)
    assert issubclass(ScenarioYamlLoader, yaml.constructor.SafeConstructor)
    assert not issubclass(ScenarioYamlLoader, yaml.constructor.FullConstructor)  # nor Unsafe/Constructor
    assert not ScenarioYamlLoader.yaml_multi_constructors  # no tag prefix builds Python objects


@pytest.mark.parametrize("value, tag", [
    ('!!python/object/apply:os.system ["touch {mark}"]', "!!python/object/apply:os.system"),
    ("!!python/object/apply:os.system\n  args: ['touch {mark}']", "!!python/object/apply:os.system"),
    ("!!python/name:os.system", "!!python/name:os.system"),
    ('!!python/object/new:subprocess.Popen [["touch", "{mark}"]]', "!!python/object/new:subprocess.Popen"),
])
def test_python_tags_are_refused_and_nothing_runs(capsys, tmp_path, value, tag):
    mark = tmp_path / "ran"
    p = write(tmp_path, f"name: x\ndescription: {value.format(mark=mark)}\n")
    line = the_one_error(capsys, tmp_path, p)  # exit 2, one line naming the file, nothing written
    assert f"line 2, column 14: the tag '{tag}' is not allowed in a scenario file" in line
    assert not mark.exists()  # the command was never run
    with pytest.raises(ScenarioError, match="is not allowed"):
        load_scenario(p)
    assert not mark.exists()


def test_utf8_with_bom_reads(tmp_path):
    text = BASELINE.read_text(encoding="utf-8")
    p = write(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_scenario(p) == load_scenario("baseline")


# ---- duplicate keys -----------------------------------------------------------------------

def test_duplicate_key_at_depth_names_line_column_key_and_path(capsys, tmp_path):
    p = variant(tmp_path, "producers:\n  usa_army_155:\n    expansion:\n      lag_weeks: 50\n"
                          "      step_share: 0.3\n      lag_weeks: 60\n")
    line = the_one_error(capsys, tmp_path, p)
    assert "line 8, column 7: key 'lag_weeks' given twice in producers.usa_army_155.expansion" in line
    assert "(first at line 6)" in line and "delete one or merge them" in line


def test_duplicate_key_at_top_level_and_in_a_list_entry(capsys, tmp_path):
    top = write(tmp_path, "name: a\nhorizon_weeks: 10\nname: b\n", "top.yaml")
    assert "key 'name' given twice in the top level" in the_one_error(capsys, tmp_path, top)
    entry = variant(tmp_path, "crises:\n  replace:\n    - region: europe\n      start_week: 1\n"
                              "      region: americas\n", "entry.yaml")
    assert "key 'region' given twice in crises.replace.0" in the_one_error(capsys, tmp_path, entry)


def test_duplicate_key_in_a_flow_mapping_and_among_equal_values(capsys, tmp_path):
    flow = variant(tmp_path, "barriers: {fms_case: {median_days: 1, median_days: 2}}\n", "flow.yaml")
    assert "key 'median_days' given twice in barriers.fms_case" in the_one_error(capsys, tmp_path, flow)
    same = write(tmp_path, "a: {1: x, 0x1: y}\n", "same.yaml")  # 1 and 0x1 are the same key
    assert "key 1 given twice in a" in the_one_error(capsys, tmp_path, same)


def test_a_merge_key_may_be_overridden(tmp_path):
    raw = BASELINE.read_text(encoding="utf-8").replace("  usa_army_155:\n", "  usa_army_155: &army\n", 1)
    raw = raw.replace("  usa_gdots_mesquite_155:\n", "  usa_army_copy: {<<: *army, capacity_per_week: 1}"
                      "  # overrides a merged key\n  usa_gdots_mesquite_155:\n", 1)
    scn = load_scenario(write(tmp_path, raw))
    assert scn.producers["usa_army_copy"].capacity_per_week == 1
    assert scn.producers["usa_army_copy"].item == scn.producers["usa_army_155"].item


# ---- how a variant combines lists with its base ------------------------------------------

def test_add_keeps_the_base_entries_and_appends(tmp_path):
    p = variant(tmp_path, "barriers:\n  export_licence:\n    exempt: {add: [JPN, KOR]}\n"
                          "crises:\n  add:\n    - {region: indo_pacific, start_week: 30, "
                          "consumption_per_week: {sm6: 2}}\n")
    scn, base = load_scenario(p), load_scenario("baseline")
    assert scn.barriers.export_licence.exempt == ("CAN", "aukus", "JPN", "KOR")
    assert scn.crises[0] == base.crises[0] and len(scn.crises) == 2
    assert scn.crises[1].region == "indo_pacific" and scn.crises[1].duration_weeks == 156


def test_add_onto_a_field_the_base_leaves_to_the_schema_default(tmp_path):
    p = variant(tmp_path, "policies:\n  grouped_fms_members: {add: [JPN]}\n")
    assert load_scenario(p).policies.grouped_fms_members == ("rdp_mou", "JPN")


def test_replace_uses_only_the_new_list_and_can_clear(tmp_path):
    p = variant(tmp_path, "barriers:\n  export_licence:\n    exempt: {replace: [CAN]}\n"
                          "crises: {replace: []}\n"
                          "producers:\n  usa_lm_pac3: {planned_expansions: {replace: "
                          "[{week: 10, add_capacity_per_week: 1}]}}\n")
    scn = load_scenario(p)
    assert scn.barriers.export_licence.exempt == ("CAN",) and scn.crises == ()
    assert [(e.week, e.add_capacity_per_week) for e in scn.producers["usa_lm_pac3"].planned_expansions] == [(10, 1.0)]


def test_plain_list_dropping_base_entries_is_an_error(capsys, tmp_path):
    p = variant(tmp_path, "barriers:\n  export_licence:\n    exempt: [JPN]\n")
    line = the_one_error(capsys, tmp_path, p)
    assert f"{p}: barriers.export_licence.exempt: its base ({BASELINE}) already has [CAN, aukus]" in line
    assert "exempt: {add: [...]}" in line and "exempt: {replace: [...]}" in line


def test_plain_crises_list_is_an_error_even_when_it_repeats_the_base(capsys, tmp_path):
    crisis = yaml.safe_dump(load_scenario("baseline").model_dump(mode="json")["crises"])
    p = variant(tmp_path, "crises:\n" + "".join(f"  {ln}\n" for ln in crisis.splitlines()))
    line = the_one_error(capsys, tmp_path, p)
    assert f"{p}: crises: its base" in line and "already has 1 entry" in line
    assert "crises: {add: [...]} to keep it and append" in line


def test_plain_list_over_a_non_empty_schema_default_is_an_error(capsys, tmp_path):
    p = variant(tmp_path, "items:\n  javelin: {sales_channels: [fms]}\n")
    line = the_one_error(capsys, tmp_path, p)
    assert "items.javelin.sales_channels: the schema default already has [fms, dcs]" in line


def test_plain_list_is_taken_where_the_base_has_no_entries(tmp_path):
    p = variant(tmp_path, "barriers:\n  technical_assistance:\n    fast_track: [{members: [pipir]}]\n"
                          "  technology_release:\n    exempt: [JPN]\n"
                          "producers:\n  new_line: {nation: USA, item: javelin, capacity_per_week: 1, "
                          "ceiling_per_week: 2, planned_expansions: [{week: 5}]}\n"
                          "items:\n  new_item: {name: N, unit_cost_musd: 1, sales_channels: [dcs]}\n")
    scn = load_scenario(p)
    assert scn.barriers.technical_assistance.fast_track[0].members == ("pipir",)
    assert scn.barriers.technology_release.exempt == ("JPN",)
    assert scn.producers["new_line"].planned_expansions[0].week == 5
    assert scn.items["new_item"].sales_channels == ("dcs",)


def test_a_file_without_base_takes_plain_lists_and_resolves_add(tmp_path):
    raw = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    raw["items"]["javelin"]["sales_channels"] = ["fms"]
    raw["barriers"]["export_licence"]["exempt"] = {"add": ["JPN"]}
    scn = load_scenario(write(tmp_path, raw))
    assert scn.items["javelin"].sales_channels == ("fms",)
    assert scn.barriers.export_licence.exempt == ("JPN",)


def test_variant_of_a_variant_adds_to_the_merged_list(tmp_path):
    first = variant(tmp_path, "barriers:\n  export_licence:\n    exempt: {add: [JPN]}\n", "first.yaml")
    second = write(tmp_path, f"extends: {first.name}\nname: w\nbarriers:\n  export_licence:\n"
                             "    exempt: {add: [KOR]}\n", "second.yaml")
    assert load_scenario(second).barriers.export_licence.exempt == ("CAN", "aukus", "JPN", "KOR")


@pytest.mark.parametrize("written, expected", [
    ("{add: [JPN], replace: [KOR]}", "exempt: give one of add or replace, not both"),
    ("{add: JPN}", "exempt.add: needs a list, e.g. add: [...] (got 'JPN')"),
    ("{append: [JPN]}", "exempt: a list is expected; write a list, {add: [...]} or "
                        "{replace: [...]} (got a mapping with keys: append)"),
])
def test_malformed_add_or_replace_says_what_to_write(capsys, tmp_path, written, expected):
    p = variant(tmp_path, f"barriers:\n  export_licence:\n    exempt: {written}\n")
    assert f"{p}: barriers.export_licence.{expected}" in the_one_error(capsys, tmp_path, p)


def test_deep_merge_keeps_its_signature_and_leaves_inputs_alone():
    base = {"a": {"b": 1, "l": [1]}, "c": [1, 2]}
    out = deep_merge(base, {"a": {"l": {"add": [2]}}, "c": {"replace": [3]}})
    assert out == {"a": {"b": 1, "l": [1, 2]}, "c": [3]}
    assert base == {"a": {"b": 1, "l": [1]}, "c": [1, 2]}


# ---- numbers and characters the fuzz found ------------------------------------------------

@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e400"])
def test_non_finite_numbers_are_refused(capsys, tmp_path, value):
    p = variant(tmp_path, f"transit_weeks:\n  europe: {{americas: {value}}}\n")
    line = the_one_error(capsys, tmp_path, p)
    assert "transit_weeks.europe.americas: Input should be a finite number" in line


def test_control_character_in_a_key_stays_on_one_line(capsys, tmp_path):
    p = variant(tmp_path, 'barriers:\n  "bad\\u2028key": 1\n')
    line = the_one_error(capsys, tmp_path, p)
    assert "barriers.bad\\u2028key: unknown field" in line


def test_the_example_in_docs_scenarios_md_does_what_it_says(tmp_path):
    doc = (Path(__file__).resolve().parent.parent / "docs" / "scenarios.md").read_text(encoding="utf-8")
    section = doc.split("## How a variant combines with its base", 1)[1]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    scn = load_scenario(variant(tmp_path, "\n".join(ln[2:] for ln in block.splitlines()) + "\n"))
    base = load_scenario("baseline")
    assert scn.barriers.export_licence.exempt == ("CAN", "aukus", "JPN", "KOR")
    assert scn.barriers.technical_assistance.exempt == ("CAN",)
    assert scn.crises[0] == base.crises[0] and scn.crises[1].region == "indo_pacific"
    assert base.producers["usa_lm_pac3"].planned_expansions and not scn.producers["usa_lm_pac3"].planned_expansions


def test_a_variant_anywhere_on_disk_extends_a_shipped_scenario_by_name(tmp_path, monkeypatch):
    # A planner's own file outside the checkout: 'extends:' finds a file beside it first,
    # then a shipped scenario of that name.
    from dibsim.model.loader import load_scenario

    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "mine.yaml"
    mine.write_text("extends: baseline.yaml\nname: mine\nhorizon_weeks: 52\n", encoding="utf-8")
    scn = load_scenario(mine)
    assert scn.name == "mine" and scn.horizon_weeks == 52
    assert scn.nations.keys() == load_scenario("baseline").nations.keys()
    (tmp_path / "baseline.yaml").write_text("name: local_base\nhorizon_weeks: 10\n", encoding="utf-8")
    with pytest.raises(ScenarioError):  # the local file wins, and it is no complete world
        load_scenario(mine)
