"""The one reader of the stored versioned JSON files (the assumption screening, the calibration
records): a user's bad file is one error naming the file, the field and the value."""

import json

import pytest
from dibsim.experiments.assumption_screen import SCREEN_FORMAT, read_screen, top_fields
from dibsim.experiments.cli import main
from dibsim.experiments.errors import UserError
from dibsim.experiments.stored_json import read_versioned
from dibsim.experiments.validation.calib_record import RECORD_FORMAT, read_record


def test_a_missing_file_is_nothing_stored_and_a_good_one_is_read(tmp_path):
    assert read_versioned(tmp_path / "none.json", "f/1", 1, "fix it") is None
    (tmp_path / "ok.json").write_text(json.dumps({"format": "f/1", "version": 1, "x": 2}))
    assert read_versioned(tmp_path / "ok.json", "f/1", 1, "fix it")["x"] == 2


@pytest.mark.parametrize("text, words", [
    ("{not json", ["not a readable JSON file"]),
    ("[1, 2]", ["JSON list", "not an object"]),
    (json.dumps({"format": "other/1", "version": 1}), ["format 'other/1'", "'f/1'"]),
    (json.dumps({"version": 1}), ["format None"]),
    (json.dumps({"format": "f/1", "version": 7}), ["version 7", "(1)"]),
])
def test_a_bad_file_names_the_file_the_field_and_the_value(tmp_path, text, words):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        read_versioned(path, "f/1", 1, "write it again")
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and message.endswith("write it again")
    for word in words:
        assert word in message


def test_the_screening_and_the_calibration_record_share_the_reader(tmp_path):
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"format": RECORD_FORMAT, "version": 1, "ranking": []}))
    with pytest.raises(UserError, match=f"format '{RECORD_FORMAT}' is not '{SCREEN_FORMAT}'.*"
                                        "rerun dibsim screen-assumptions"):
        top_fields(5, screen)
    (tmp_path / "cal.json").write_text(json.dumps({"format": SCREEN_FORMAT, "version": 1}))
    with pytest.raises(UserError, match=rf"cal\.json: format '{SCREEN_FORMAT}' is not "
                                        f"'{RECORD_FORMAT}'.*store the calibration again"):
        read_record("cal", tmp_path)
    (tmp_path / "cal.json").write_text("{")
    with pytest.raises(UserError, match=r"cal\.json: not a readable JSON file"):
        read_record("cal", tmp_path)
    assert read_screen(tmp_path / "absent.json") is None and read_record("absent", tmp_path) is None


def test_the_screening_command_takes_no_flag_it_would_ignore(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["screen-assumptions", "--shard", "1/2"])
    assert stop.value.code == 2 and "--shard" in capsys.readouterr().err
