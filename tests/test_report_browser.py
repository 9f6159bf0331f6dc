"""The report in a real browser: headless Chromium opens the file from disk, with no server.

Needs Debian's `chromium` and `chromium-driver` packages and the `selenium` Python package;
nothing is downloaded (the driver and browser paths are given, so Selenium Manager does not
run). Set CHROMIUM_BIN / CHROMEDRIVER to use other executables.
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import pytest
from test_report import HOSTILE, HOSTILE_NAME, make_run

from pipeline.report import write_report

INSTALL = (
    "no headless Chromium for the browser test: install it with "
    "`sudo apt-get install -y chromium chromium-driver` (.ci/run does) and Selenium with "
    "`pip install -e '.[dev]'`, or point CHROMIUM_BIN and CHROMEDRIVER at a browser and driver"
)


def _executable(env: str, *names: str) -> str | None:
    if os.environ.get(env):
        return shutil.which(os.environ[env])
    return next((path for name in names if (path := shutil.which(name))), None)


@pytest.fixture
def browser(tmp_path: Path):
    webdriver = pytest.importorskip("selenium.webdriver", reason=INSTALL)
    from selenium.webdriver.chrome.service import Service

    binary = _executable("CHROMIUM_BIN", "chromium", "chromium-browser", "google-chrome")
    driver_path = _executable("CHROMEDRIVER", "chromedriver")
    if not binary or not driver_path:
        pytest.skip(INSTALL)
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1360,1000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _visible_items(driver) -> list:
    return driver.find_elements("css selector", "#groups li.item")


def _wait(driver, condition, timeout: float = 5.0):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: condition(d))


def test_report_in_headless_chromium(browser, tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.support.ui import Select

    page = write_report(make_run(tmp_path / "run"), tmp_path / "report.html")
    browser.get(page.as_uri())
    _wait(browser, lambda d: d.execute_script("return document.body.dataset.ready") == "1")
    assert len(_visible_items(browser)) == 6

    # Hostile document text is shown as text: no alert, no injected element.
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert browser.execute_script("return document.images.length") == 0
    texts = [e.text for e in browser.find_elements("css selector", ".item-text")]
    assert HOSTILE in texts
    files = [e.text for e in browser.find_elements("css selector", ".source .file")]
    assert HOSTILE_NAME in files

    # A heatmap cell links to exactly its items.
    cell = browser.find_element(
        "css selector", 'svg.heatmap a.cell[data-country="NPL"][data-theme="child_labour"]'
    )
    expected = int(cell.get_attribute("data-count"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", cell)
    cell.click()
    _wait(browser, lambda d: d.execute_script("return document.body.dataset.shown") == "2")
    shown = _visible_items(browser)
    assert len(shown) == expected == 2
    for item in shown:
        assert item.get_attribute("data-country") == "NPL"
        labels = item.find_elements("css selector", '.chip[data-label="child_labour"]')
        assert labels, item.text
    assert "country=NPL" in browser.current_url and "theme=child_labour" in browser.current_url
    assert (
        Select(browser.find_element("id", "f-country")).first_selected_option.get_attribute("value")
        == "NPL"
    )
    assert "active" in cell.get_attribute("class")

    # Filters: clear, then kind, action, words and needs-review, each narrowing the list.
    browser.find_element("id", "f-reset").click()
    _wait(browser, lambda d: len(_visible_items(d)) == 6)
    Select(browser.find_element("id", "f-kind")).select_by_value("next_step")
    _wait(browser, lambda d: len(_visible_items(d)) == 2)
    assert {i.get_attribute("data-kind") for i in _visible_items(browser)} == {"next_step"}
    Select(browser.find_element("id", "f-kind")).select_by_value("")
    Select(browser.find_element("id", "f-action")).select_by_value("enforcement")
    _wait(browser, lambda d: len(_visible_items(d)) == 1)
    assert "labour inspection" in _visible_items(browser)[0].text
    Select(browser.find_element("id", "f-action")).select_by_value("")
    browser.find_element("id", "f-q").send_keys("migrant")
    _wait(browser, lambda d: len(_visible_items(d)) == 1)
    assert "Reviewed by alice" in _visible_items(browser)[0].text
    browser.find_element("id", "f-reset").click()
    browser.find_element("id", "f-low").click()
    _wait(browser, lambda d: len(_visible_items(d)) == 2)
    assert all("Needs review" in i.text for i in _visible_items(browser))
    review = browser.find_elements("css selector", "#review-list li")
    assert len(review) == 2 and "no labels" in review[0].text  # least confident first

    # The country filter also works from a link opened directly (a bookmark, a shared URL).
    browser.get(page.as_uri() + "#country=MDG&kind=next_step")
    _wait(browser, lambda d: d.execute_script("return document.body.dataset.shown") == "1")
    assert "validation workshop" in _visible_items(browser)[0].text

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors

    browser.get(page.as_uri())
    _wait(browser, lambda d: d.execute_script("return document.body.dataset.ready") == "1")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": 1360, "height": height, "scale": 1},
        },
    )
    path = tmp_path / "report.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    print(f"screenshot: {path}")
    assert path.stat().st_size > 10_000
