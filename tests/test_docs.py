"""The documentation an analyst audits stays in step with the code."""

import re
from pathlib import Path

from dibsim.experiments import docs_gen
from dibsim.experiments.engine.results import RUN_COLUMNS
from dibsim.model.loader import available_scenarios
from dibsim.model.metrics import METRICS
from dibsim.model.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def test_parameters_md_is_generated_from_the_current_schema():
    committed = (DOCS / "parameters.md").read_text(encoding="utf-8")
    assert committed == docs_gen.render(), "run: python -m dibsim.experiments.docs_gen"


def test_parameters_md_has_a_row_for_every_schema_field():
    text = docs_gen.render()
    for prefix, model in docs_gen.merged_sections(Scenario):
        for name in model.model_fields:
            path = f"{prefix}.{name}" if prefix else name
            assert f"| `{path}` |" in text, path


def test_description_split_reads_unit_and_source():
    assert docs_gen.split_description("median DSP-5 time (days; P6, P7, P9)") == (
        "median DSP-5 time", "days", "P6, P7, P9")
    assert docs_gen.split_description("weight; A1", "deterrence") == ("deterrence", "weight", "A1")
    assert docs_gen.split_description("denial share (probability; assumption)")[2] == "assumption"
    assert docs_gen.split_description("a fee (P12)") == ("a fee", "", "P12")


def test_metrics_md_table_is_generated_from_the_metric_declarations():
    committed = (DOCS / "metrics.md").read_text(encoding="utf-8")
    assert docs_gen.metrics_table() in committed, "run: python -m dibsim.experiments.docs_gen"
    assert docs_gen.render_metrics(committed) == committed


def test_docs_gen_check_fails_on_a_stale_file(tmp_path):
    for name in (docs_gen.PARAMETERS_FILE, docs_gen.METRICS_FILE):
        (tmp_path / name).write_text((DOCS / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert docs_gen.main(["--check", "--docs", str(tmp_path)]) == 0
    stale = (DOCS / "metrics.md").read_text(encoding="utf-8").replace("| higher |", "| lower |", 1)
    (tmp_path / docs_gen.METRICS_FILE).write_text(stale, encoding="utf-8")
    assert docs_gen.main(["--check", "--docs", str(tmp_path)]) == 1


def test_metrics_md_defines_every_metric_with_its_unit():
    text = (DOCS / "metrics.md").read_text(encoding="utf-8")
    for name, spec in METRICS.items():
        row = re.search(rf"^\| `{name}` \|(.*)$", text, re.M)
        assert row, name
        assert f"| {spec.unit} |" in row.group(0), name


def test_architecture_md_lists_the_run_table_columns_in_order():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    bullet = text[text.index("* `runs.parquet`"):text.index("* `timeseries.parquet`")]
    places = [bullet.find(f"`{c}`") for c in RUN_COLUMNS]
    assert -1 not in places and places == sorted(places), dict(zip(RUN_COLUMNS, places))


def test_scenarios_md_describes_every_shipped_scenario():
    text = (DOCS / "scenarios.md").read_text(encoding="utf-8")
    for name in available_scenarios():
        assert f"`{name}`" in text, name


def test_odd_md_has_every_section_of_the_protocol():
    text = (DOCS / "ODD.md").read_text(encoding="utf-8").lower()
    for heading in ("purpose and patterns", "entities, state variables and scales",
                    "process overview and scheduling", "design concepts", "initialisation",
                    "input data", "submodels"):
        assert re.search(rf"^## \d+\. {re.escape(heading)}$", text, re.M), heading
    for concept in ("emergence", "adaptation", "objectives", "learning", "prediction", "sensing",
                    "interaction", "stochasticity", "collectives", "observation"):
        assert f"**{concept}.**" in text, concept


def test_readme_keeps_quick_start_first_and_links_the_docs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.index("## Quick start")
    assert text.index("make run") > quick and text.index("make test") > quick
    assert quick < text.index("## Documentation")
    for doc in ("ODD.md", "parameters.md", "metrics.md", "scenarios.md"):
        assert f"(docs/{doc})" in text, doc


def test_the_readme_metric_count_is_generated_from_the_metrics():
    from pathlib import Path

    from dibsim.model.metrics import METRICS

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert docs_gen.render_readme(readme) == readme, "run: python -m dibsim.experiments.docs_gen"
    word = docs_gen.NUMBER_WORDS[len(METRICS)] if len(METRICS) < len(docs_gen.NUMBER_WORDS) else str(len(METRICS))
    assert f"the {word} run metrics" in readme


def test_calibration_md_tables_are_generated_from_the_stored_records():
    from dibsim.experiments.validation.calib_record import BEGIN, stored_records

    committed = (DOCS / "calibration.md").read_text(encoding="utf-8")
    records = stored_records()
    assert records, "no stored calibration record under scenarios/calibration/results"
    for record in records:
        assert BEGIN.format(name=record["name"]) in committed, record["name"]
    assert docs_gen.render_calibration(committed) == committed, "run: python -m dibsim.experiments.docs_gen"


def test_calibration_md_drift_from_the_stored_record_is_caught(tmp_path):
    import copy

    from dibsim.experiments.validation.calib_record import render_doc, stored_records

    committed = (DOCS / "calibration.md").read_text(encoding="utf-8")
    record = copy.deepcopy(stored_records()[0])
    record["plausible_set"]["plausible"] += 1  # the stored result moved; the page did not
    assert render_doc(committed, [record]) != committed
    for name in (docs_gen.PARAMETERS_FILE, docs_gen.METRICS_FILE, docs_gen.CALIBRATION_FILE):
        (tmp_path / name).write_text((DOCS / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert docs_gen.main(["--check", "--docs", str(tmp_path)]) == 0
    stale = committed.replace("| fitted | yes |", "| fitted | no |", 1)
    (tmp_path / docs_gen.CALIBRATION_FILE).write_text(stale, encoding="utf-8")
    assert docs_gen.main(["--check", "--docs", str(tmp_path)]) == 1
