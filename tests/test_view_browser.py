"""End to end: ``dibsim view`` on a free local port, driven in headless Debian chromium with
Playwright: move a barrier slider, wait for the rerun, check the headline figure changed and
keep a screenshot. Skips (with the reason) where chromium or playwright is absent; the server
is stopped whatever happens (experiments.view.browser.served)."""

import pytest
from dibsim.experiments.view import browser
from view_helpers import tiny_world

WHY = browser.missing()


@pytest.mark.skipif(WHY is not None, reason=WHY or "")
def test_a_barrier_slider_changes_the_headline_in_a_real_browser(tmp_path):
    world = tiny_world(tmp_path)
    env = {"DIBSIM_VIEW_CACHE": str(tmp_path / "cache")}
    log = tmp_path / "server.log"
    with browser.served(["--scenario", str(world)], env, log) as url, browser.browser_page() as page:
        assert url.startswith("http://127.0.0.1:")
        page.goto(url)
        before = browser.first_delta(page)
        browser.wait_idle(page)
        assert before.splitlines()[-1].strip() == "0"  # the variant starts as the status quo
        box = browser.open_barrier(page, "export_licence")
        thumb = browser.slider_thumb(box, "median days (days)")
        thumb.press("End")  # the slider's end: the study's stricter time (120 days)
        after, _ = browser.wait_changed(page, before)
        browser.wait_idle(page)
        assert thumb.get_attribute("aria-valuetext") == "120.00"
        assert after.splitlines()[-1].strip() not in ("0", "")
        page.screenshot(path=str(tmp_path / "whatif.png"))
    assert (tmp_path / "whatif.png").stat().st_size > 10_000
    assert "127.0.0.1" in log.read_text()
