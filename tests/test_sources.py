"""The bibliography is complete and has no dead entries: every source key cited in a scenario
file, a schema description, the code or the docs has an entry in docs/sources.md, and every
entry there is cited somewhere. No file points at research notes outside the project."""

import re
from collections import defaultdict
from pathlib import Path

from dibsim.experiments import docs_gen
from dibsim.model.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "docs" / "sources.md"
#: Where keys are cited: scenario YAML (comments included), docs, README and the package code.
CITING_FILES = ("scenarios/**/*.yaml", "docs/*.md", "README.md", "model/**/*.py",
                "experiments/**/*.py", "src/**/*.py")
#: A key (A1, P47), optionally the start of a range (P58–P60, P69-P71, P16–18).
CITATION = re.compile(r"\b([AP])(\d{1,3})\b(?:\s?[–—-]\s?\1?(\d{1,3})\b)?")
#: Ranges longer than this are read as two separate numbers, not a range.
MAX_RANGE = 20
#: An entry of docs/sources.md starts a list item with the key in bold.
ENTRY = re.compile(r"^- \*\*([AP]\d{1,3})\*\*", re.M)


def cited_keys(text: str) -> set[str]:
    """The source keys a text cites, ranges expanded (``P58–P60`` cites P58, P59 and P60)."""
    keys = set()
    for m in CITATION.finditer(text):
        first = int(m.group(2))
        last = int(m.group(3) or first)
        if not first <= last <= first + MAX_RANGE:
            last = first
        keys.update(f"{m.group(1)}{n}" for n in range(first, last + 1))
    return keys


def schema_texts() -> list[tuple[str, str]]:
    """(place, text) for every schema docstring, field description and string default (the
    barriers' ``source`` citations), walking the models reachable from Scenario."""
    out = []
    for prefix, model in docs_gen.merged_sections(Scenario):
        out.append((f"schema {model.__name__} docstring", model.__doc__ or ""))
        for name, f in model.model_fields.items():
            place = f"schema {prefix + '.' if prefix else ''}{name}"
            out.append((place, f.description or ""))
            if isinstance(f.default, str):
                out.append((place + " (default)", f.default))
    return out


def project_files() -> list[Path]:
    files = {p for pattern in CITING_FILES for p in ROOT.glob(pattern)}
    return sorted(files - {SOURCES})


def citations(texts: list[tuple[str, str]]) -> dict[str, list[str]]:
    """key → the places that cite it, from (place, text) pairs read line by line."""
    where = defaultdict(list)
    for place, text in texts:
        for n, line in enumerate(text.splitlines(), 1):
            for key in cited_keys(line):
                where[key].append(f"{place}:{n}")
    return dict(where)


def project_citations() -> dict[str, list[str]]:
    files = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in project_files()]
    return citations(files + schema_texts())


def listed_keys() -> list[str]:
    return ENTRY.findall(SOURCES.read_text(encoding="utf-8"))


def missing_entries(where: dict[str, list[str]], listed: set[str]) -> list[str]:
    """One message per cited key without an entry, naming where it is cited."""
    return [f"{key} (cited at {', '.join(places[:3])}{' …' if len(places) > 3 else ''})"
            for key, places in sorted(where.items()) if key not in listed]


def test_extractor_reads_single_keys_lists_and_ranges():
    text = ("median DSP-5 time (days; P6, P7, P9); P58–P60 and P69-P71; A4 18-24 months; "
            "A4: 2-3 years; PAC-3, SM-6, FY2024, AP12, P1000, A1…")
    assert cited_keys(text) == {"P6", "P7", "P9", "P58", "P59", "P60", "P69", "P70", "P71",
                                "A4", "A1"}
    assert cited_keys("P16–18 and P5-P900") == {"P16", "P17", "P18", "P5"}
    assert cited_keys("no keys: PIPIR, DICAS, MDE ≥ $14M, p1") == set()


def test_a_planted_unknown_key_is_reported_with_where_it_is_cited():
    where = citations([("scenarios/x.yaml", "a: 1  # A1\nb: 2  # P998: no such source\n")])
    missing = missing_entries(where, set(listed_keys()))
    assert missing == ["P998 (cited at scenarios/x.yaml:2)"]


def test_citations_are_found_in_every_kind_of_file():
    where = project_citations()
    assert len(where) >= 30, sorted(where)
    places = [p for ps in where.values() for p in ps]
    for kind in ("scenarios/", "scenarios/historical/", "docs/", "README.md", "model/",
                 "experiments/", "schema "):
        assert any(p.startswith(kind) for p in places), kind


def test_every_cited_key_has_an_entry():
    missing = missing_entries(project_citations(), set(listed_keys()))
    assert not missing, "cited but not in docs/sources.md:\n" + "\n".join(missing)


def test_every_entry_is_cited_somewhere():
    dead = sorted(set(listed_keys()) - set(project_citations()))
    assert not dead, f"entries in docs/sources.md that nothing cites: {dead}"


def test_entries_are_unique_ordered_and_complete():
    listed = listed_keys()
    assert len(listed) >= 30
    assert len(listed) == len(set(listed)), "duplicate entries"
    assert listed == sorted(listed, key=lambda k: (k[0], int(k[1:]))), "order: A keys, then P keys"
    text = SOURCES.read_text(encoding="utf-8")
    starts = [m.start() for m in ENTRY.finditer(text)] + [len(text)]
    for key, a, b in zip(listed, starts, starts[1:]):
        block = text[a:b].split("\n## ")[0].split("\n### ")[0]
        assert "<http" in block, f"{key}: no address"
        assert re.search(r"\*Used for:\* \S", block), f"{key}: no line on what the project takes"
        head = block.split("*Used for:*")[0]
        assert re.search(r"\b(19|20)\d\d\b|undated", head), f"{key}: no date"


def test_no_file_points_at_research_notes_outside_the_project():
    # The design notes (DESIGN.md, STYLE.md) and research notes live outside the project; the
    # project's own docs (ODD, metrics, scenarios, architecture, sources) carry what it needs.
    outside = re.compile(r"shared/research|domain\.md|/work/shared|\bDESIGN\.md|\bSTYLE\.md")
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in project_files()
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if outside.search(line)]
    hits += [place for place, text in schema_texts() if outside.search(text)]
    assert not hits, hits


def test_readme_and_model_description_link_the_bibliography():
    assert "(docs/sources.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(sources.md)" in (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
