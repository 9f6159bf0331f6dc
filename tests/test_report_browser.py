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


# ----------------------------------------------------------------------------- a real run

CORPUS_DOCS = Path(__file__).resolve().parents[1] / "corpus" / "docs"
RUN_DOCS = (
    "pathfinder_update_2021.pptx",  # and its PDF export: one document group
    "pathfinder_update_2021.pdf",
    "national_workshop_report.pdf",
    "gtm_taller_nacional_2021.md",  # Guatemala followed over three dated documents
    "gtm_perfil_pais_2023.md",
    "gtm_informe_gcg_2025.txt",
)


def _pipeline(*args: str) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def real_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pipeline run` on six corpus documents, then `pipeline track` and `pipeline report`."""
    root = tmp_path_factory.mktemp("real")
    inputs = root / "in"
    inputs.mkdir()
    for name in RUN_DOCS:
        shutil.copy(CORPUS_DOCS / name, inputs / name)
    out = root / "out"
    _pipeline("run", str(inputs), "--out", str(out), "--jobs", "2", "-q")
    _pipeline("track", str(out))
    _pipeline("report", str(out))
    return out


def _screenshot(driver, path: Path, width: int) -> Path:
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 16000), "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
    print(f"screenshot: {path}")
    return path


def _element_shot(element, path: Path) -> None:
    element.parent.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
    path.write_bytes(element.screenshot_as_png)
    print(f"screenshot: {path}")
    assert path.stat().st_size > 2_000


def _open_source(driver, item_id: str):
    item = driver.find_element("id", f"item-{item_id}")
    button = item.find_element("css selector", "button.show-source")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    _wait(driver, lambda d: item.find_elements("css selector", ".source-view"))
    return item


_PDF_ITEM = """
var data = JSON.parse(document.getElementById('report-data').textContent);
var hit = data.items.find(function (i) {
  return i.box && data.documents[i.doc].format === arguments[0]; });
return hit ? hit.id : null;
"""


def test_real_run_sources_small_screens_and_timeline(browser, real_run: Path) -> None:
    page = real_run / "report.html"
    browser.get(page.as_uri())
    _wait(browser, lambda d: d.execute_script("return document.body.dataset.ready") == "1")
    assert browser.execute_script("return document.images.length") == 0  # nothing until asked

    # Renditions are shown once, with the other file named.
    data = browser.execute_script(
        "return JSON.parse(document.getElementById('report-data').textContent)"
    )
    ids = [i["id"] for i in data["items"]]
    assert len(ids) == len(set(ids))
    pptx_item = next(
        i for i in data["items"] if data["documents"][i["doc"]]["format"] == "pptx" and i["also"]
    )
    card = browser.find_element("id", f"item-{pptx_item['id']}")
    assert "also in: pathfinder_update_2021.pdf" in card.text

    # A slide item shows the slide's text with its block marked.
    item = _open_source(browser, pptx_item["id"])
    marked = item.find_elements("css selector", ".page-text .block.mark")
    assert marked and marked[0].text.strip()

    # A PDF item shows its page image with the item's box drawn over it.
    pdf_id = browser.execute_script(_PDF_ITEM.replace("arguments[0]", "'pdf'"))
    assert pdf_id, "no PDF item with a box"
    item = _open_source(browser, pdf_id)
    _wait(
        browser,
        lambda d: d.execute_script(
            "var i = arguments[0].querySelector('img.page-image');"
            "return i && i.complete && i.naturalWidth > 0",
            item,
        ),
    )
    img = item.find_element("css selector", "img.page-image")
    box = item.find_element("css selector", ".item-box")
    ir, br = img.rect, box.rect
    assert br["width"] > 5 and br["height"] > 3
    assert ir["x"] - 1 <= br["x"] and br["x"] + br["width"] <= ir["x"] + ir["width"] + 1
    assert ir["y"] - 1 <= br["y"] and br["y"] + br["height"] <= ir["y"] + ir["height"] + 1
    assert browser.execute_script("return document.images.length") == 1

    # Recurring priorities (from pipeline track) and the open next steps.
    rows = browser.find_elements("css selector", "#timelines table.timeline-table tr.thread")
    assert rows, "no timeline rows"
    heads = browser.find_elements(
        "css selector", "#timelines .timeline[data-country=GTM] th.doc-col"
    )
    dates = [h.find_element("css selector", ".date").text for h in heads]
    assert len(dates) >= 2 and dates == sorted(dates)
    assert browser.find_elements("css selector", "#timelines .status")
    assert browser.find_elements("css selector", "#open-list li")
    assert "pipeline track" not in browser.find_element("id", "threads").text

    wide = _screenshot(browser, real_run / "report-1280.png", 1360)
    assert wide.stat().st_size > 10_000
    _element_shot(item, real_run / "item-source-1280.png")
    _element_shot(browser.find_element("id", "threads"), real_run / "threads-1280.png")

    # 400 px wide: nothing is cut off, the page does not scroll sideways, the heatmap
    # scrolls within its own box, and the opened page image fits the screen.
    browser.set_window_size(400, 900)
    _wait(browser, lambda d: d.execute_script("return window.innerWidth") <= 400)
    width = browser.execute_script("return window.innerWidth")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    scroller = browser.execute_script(
        "var s = document.querySelector('svg.heatmap').parentNode;"
        "return [s.clientWidth, s.scrollWidth, getComputedStyle(s).overflowX]"
    )
    assert scroller[0] <= width and scroller[1] > scroller[0] and scroller[2] == "auto"
    ir = item.find_element("css selector", "img.page-image").rect
    assert ir["x"] >= 0 and ir["x"] + ir["width"] <= width
    narrow = _screenshot(browser, real_run / "report-400.png", width)
    assert narrow.stat().st_size > 10_000
    _element_shot(item, real_run / "item-source-400.png")
    _element_shot(browser.find_element("id", "threads"), real_run / "threads-400.png")

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_report_without_threads_says_how_to_make_them(browser, tmp_path: Path) -> None:
    page = write_report(make_run(tmp_path / "run"), tmp_path / "report.html")
    browser.get(page.as_uri())
    _wait(browser, lambda d: d.execute_script("return document.body.dataset.ready") == "1")
    assert "pipeline track OUT" in browser.find_element("id", "threads").text
    assert "pipeline track OUT" in browser.find_element("id", "open-steps").text
    # An item whose source file is gone still shows its own paragraph, marked.
    item = _open_source(browser, "0000000000000001")
    assert item.find_element("css selector", ".page-text mark").text.startswith("Strengthen")


def test_a_report_of_five_thousand_items_draws_cards_as_needed(browser, tmp_path: Path) -> None:
    """Long lists draw their first cards and the rest on demand; an item opened from the
    review list is drawn first."""
    from test_report import _item

    from pipeline.models import DocumentInfo, DocumentResult

    items = [
        _item(n, f"Train labour inspectors on child labour, district {n}", "NPL", {}, {})
        for n in range(1, 5001)
    ]
    result = DocumentResult(
        pipeline_version="test",
        document=DocumentInfo(id="f" * 64, source="big.md", format="markdown", page_count=1),
        items=items,
    )
    page = write_report(make_run(tmp_path / "run", [result]), tmp_path / "report.html")
    browser.get(page.as_uri())
    _wait(browser, lambda d: d.find_elements("css selector", "button.more-cards"), timeout=30)
    assert len(_visible_items(browser)) < 200
    assert browser.find_element("css selector", "#shown strong").text == "5000"
    last = items[-1].id
    assert not browser.find_elements("id", f"item-{last}")
    browser.execute_script(f"window.location.hash = '#item-{last}'")
    browser.refresh()
    _wait(browser, lambda d: d.find_elements("id", f"item-{last}"), timeout=30)
