"""``dibsim view --screenshot PNG``: the README's pictures of the dashboard, regenerated.

Serves the dashboard on a free local port, opens the What-if page on the baseline (or
``--scenario``) in headless system chromium, moves the ITAR export-licence median to
:data:`ITAR_DAYS` days with the keyboard, waits for the paired difference, and saves the page;
then, when a results folder is given (or the default study's exists), the Compare page's
tornado beside it (``<name>_compare.png``). Each PNG is reduced to a palette of
:data:`COLOURS` colours so it stays small (the README's is under 300 KB).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

#: Where the screenshot moves the ITAR median (days), from the scenario's value, one key a day.
ITAR_DAYS = 10
#: Colours kept in the saved PNG.
COLOURS = 96
#: The browser window (pixels).
VIEWPORT = (1400, 950)


def shrink(path: Path) -> int:
    """Reduce a PNG to a palette in place; returns its size in bytes."""
    from PIL import Image

    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    return path.stat().st_size


def move_itar(page: object, days: int = ITAR_DAYS) -> float:
    """Move the ITAR median to ``days``: a click on the slider's track near ``days + 1``, keys
    to land there exactly, then one key press to ``days``, timed. Returns the seconds from
    that last key press to the new paired difference on the page.
    """
    from . import browser

    box = browser.open_barrier(page, "export_licence")
    thumb = browser.slider_thumb(box, "median days (days)")
    track = box.locator('[data-testid="stSlider"]').filter(has_text="median days (days)").first.locator(
        '[role="group"] > div').first
    high = float(thumb.get_attribute("max") or 120)
    area = track.bounding_box()
    if area:
        page.mouse.click(area["x"] + area["width"] * (days + 1) / high,  # type: ignore[attr-defined]
                         area["y"] + area["height"] / 2)
        browser.wait_idle(page, timeout_s=300)
    for _ in range(60):
        now = round(float(thumb.get_attribute("aria-valuetext") or 0))
        if now == days + 1:
            break
        thumb.press("ArrowLeft" if now > days + 1 else "ArrowRight")
        browser.wait_idle(page, timeout_s=300)
    metrics = page.locator('[data-testid="stMetric"]')  # type: ignore[attr-defined]
    before = metrics.all_inner_texts()
    start = time.perf_counter()
    thumb.press("ArrowLeft")
    # any headline may be the one that moves (one day may leave the first unchanged on 5 runs)
    while metrics.all_inner_texts() == before and time.perf_counter() - start < 300:
        time.sleep(0.05)
    browser.wait_idle(page, timeout_s=300)
    return time.perf_counter() - start


def _page(page: object, name: str) -> None:
    """Choose a page in the sidebar."""
    # the option's own text, exactly: a label filtered by text can be the radio group's, which
    # holds every option's name, and clicking it chooses nothing
    sidebar = page.locator('[data-testid="stSidebar"]')  # type: ignore[attr-defined]
    sidebar.get_by_text(name, exact=True).first.click()


def write_screenshots(target: str | Path, results_dir: str | None = None,
                      scenario: str | None = None) -> Iterator[str]:
    """Write the What-if screenshot to ``target`` (and the Compare one beside it); yields a
    line per file written.

    Raises:
        UserError: when the browser or the extra is missing.
    """
    from ..errors import UserError
    from ..study import STUDY_DIR
    from . import browser

    why = browser.missing()
    if why:
        raise UserError(f"--screenshot: {why}")
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = results_dir or (str(STUDY_DIR) if (STUDY_DIR / "runs.parquet").is_file() else None)
    args = [*([folder] if folder else []), *(["--scenario", scenario] if scenario else [])]
    with browser.served(args) as url, browser.browser_page(*VIEWPORT) as page:
        page.goto(url)
        _page(page, "What if")
        browser.first_delta(page, timeout_s=300)
        browser.wait_idle(page, timeout_s=300)
        seconds = move_itar(page)
        browser.wait_idle(page, timeout_s=300)
        page.screenshot(path=str(target))
        yield f"wrote {target} ({shrink(target) // 1024} KB; the paired difference took {seconds:.1f} s)"
        if folder:
            _page(page, "Compare")
            page.locator('[data-testid="stImage"] img').first.wait_for(timeout=300_000)
            browser.wait_idle(page, timeout_s=300)
            other = target.with_name(f"{target.stem}_compare.png")
            page.screenshot(path=str(other))
            yield f"wrote {other} ({shrink(other) // 1024} KB)"
