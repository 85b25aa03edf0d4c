"""One reader for the small versioned JSON files the project stores beside its inputs.

The assumption screening (``scenarios/screening/assumptions.json``) and the calibration records
(``scenarios/calibration/results/<name>.json``) are JSON objects with a ``format`` string and
an integer ``version``; a reader accepts only the version it was written for. A file that is
missing is ``None`` (nothing stored yet); a file that is not JSON, not an object, of another
format or of another version is a :class:`~experiments.errors.UserError` naming the file, the
field and the value, and how to write the file again, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import UserError


def read_versioned(path: Path, file_format: str, version: int, remedy: str) -> dict[str, Any] | None:
    """The JSON object stored at ``path``, checked to be of ``file_format`` and ``version``.

    Args:
        path: the stored file.
        file_format: the ``format`` field it must carry (``dibsim-assumption-screen/1``).
        version: the ``version`` field it must carry.
        remedy: how the user writes the file again ("rerun dibsim screen-assumptions"),
            appended to every error.

    Returns:
        The file's object, or ``None`` when no file is stored at ``path``.

    Raises:
        UserError: when the file is unreadable, not a JSON object, or its ``format`` or
            ``version`` is not the one given.
    """
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"{path}: not a readable JSON file ({exc}); {remedy}") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: holds a JSON {type(data).__name__}, not an object with "
                        f"format {file_format!r}; {remedy}")
    if data.get("format") != file_format:
        raise UserError(f"{path}: format {data.get('format')!r} is not {file_format!r}; {remedy}")
    if data.get("version") != version:
        raise UserError(f"{path}: version {data.get('version')!r} is not one this dibsim reads "
                        f"({version}); {remedy}")
    return data


def write_record(record: dict[str, Any], where: Path) -> Path:
    """Write a record to ``<where>/<record name>.json`` (the layout :func:`read_versioned` reads)."""
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{record['name']}.json"
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
