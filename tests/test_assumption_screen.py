"""The screening of the assumption-tagged fields: which fields, their ends, the ranking."""

import json

import pandas as pd
import pytest
from dibsim.experiments.assumption_screen import (
    end_overrides,
    end_transform,
    fields,
    influence,
    top_fields,
    write_screen,
)
from dibsim.experiments.errors import UserError
from dibsim.model.loader import load_scenario


@pytest.fixture(scope="module")
def baseline():
    return load_scenario("baseline")


def test_only_fields_the_schema_tags_as_assumptions_are_screened(baseline):
    found = fields(baseline)
    assert "sourcing.choice_temperature" in found
    assert "producers.<producer>.input_cover_weeks" in found  # one field over every producer
    assert "barriers.export_licence.median_days" not in found  # sourced (P6, P7, P9)
    assert all(any(leaf.value != 0 for leaf in leaves) for leaves in found.values())


def test_the_ends_are_half_and_one_and_a_half_clipped_to_the_range(baseline):
    low = end_overrides(baseline, "sourcing.choice_temperature", "low")
    assert low == {"sourcing.choice_temperature": pytest.approx(baseline.sourcing.choice_temperature / 2)}
    high = end_overrides(baseline, "nations.<ISO3>.reorder_point", "high")
    assert high and all(v <= 1.0 for v in high.values())  # a share stays a share
    many = end_overrides(baseline, "producers.<producer>.input_cover_weeks", "low")
    assert len(many) == sum(p.input_cover_weeks != 0 for p in baseline.producers.values())


def test_an_arms_own_value_is_scaled_not_replaced_by_the_headlines(baseline):
    arm = load_scenario(baseline, {"sourcing.choice_temperature": 0.4})
    assert end_transform("sourcing.choice_temperature", "high")(arm) == {
        "sourcing.choice_temperature": pytest.approx(0.6)}


def test_fields_are_ranked_by_their_larger_end_and_the_stored_file_is_versioned(tmp_path):
    runs = pd.DataFrame({"scenario": ["h"] * 2 + ["a_low"] * 2 + ["a_high"] * 2 + ["b_low"] * 2,
                         "replicate": [0, 1] * 4, "status": "ok",
                         "m": [100, 102, 99, 101, 130, 132, 90, 92]})
    what = [("a_low", "a", "low"), ("a_high", "a", "high"), ("b_low", "b", "low")]
    ranking = influence(runs, "h", what, "m")
    assert [r["field"] for r in ranking] == ["a", "b"]
    assert ranking[0]["influence"] == pytest.approx(30 / 101) and ranking[0]["low"] == pytest.approx(-1)
    path = write_screen(ranking, {"headline": "h"}, tmp_path / "s.json")
    assert top_fields(1, path) == ["a"]
    path.write_text(json.dumps({**json.loads(path.read_text()), "version": 9}))
    with pytest.raises(UserError, match="version 9"):
        top_fields(1, path)
