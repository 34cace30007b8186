"""The network view in a real browser: Debian's headless Chromium driven by selenium.

In CI (``CI=true``) a missing browser, driver or selenium fails these tests: a skipped browser
test would pass a page nobody opened. Elsewhere they skip.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib

from kg.build import build
from kg.view import project
from scripts.screenshot import CHROMEDRIVER, CHROMIUM
from scripts.screenshot import FLAGS as SCREENSHOT_FLAGS

FLAGS = (*SCREENSHOT_FLAGS, "--window-size=1400,900")
XSS_TEXT = """Vote à l'ONU <script>window.__xss = 1; alert(1)</script>

NEW YORK, 2 mars 2022 (AFP) - La Russie a voté contre la résolution <img src=x onerror=window.__xss=2> de l'Assemblée générale.
Le ministre russe des Affaires étrangères, Sergueï Lavrov, se rendra à Pékin <script>alert(1)</script> jeudi.
"""  # noqa: E501


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI, not skip: {reason}")
    pytest.skip(reason)


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Chromium with a fresh profile, logging network events and the console."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed (pip install -e '.[test]')")
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            _unavailable(f"{path} is missing (apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def xss_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-document corpus whose title and sentences carry script and img payloads."""
    root = tmp_path_factory.mktemp("xss")
    (root / "docs").mkdir()
    (root / "docs" / "xss.txt").write_text(XSS_TEXT, encoding="utf-8")
    build([root / "docs"], out=root / "out", html=True)
    return root / "out"


def _open(driver: Any, page: Path, timeout: float = 60.0) -> None:
    """Open the page from file:// and wait until its network is stabilised or drawn.

    The browser's own start page is left first and its log dropped: what the performance log
    holds afterwards is this page's doing.
    """
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get(page.resolve().as_uri())
    deadline = time.monotonic() + timeout
    while not driver.execute_script("return !!(window.kgView && window.kgView.ready)"):
        assert time.monotonic() < deadline, f"{page} was not ready within {timeout:.0f} s"
        time.sleep(0.05)


def _projection(out: Path) -> tuple[int, int]:
    """Nodes and drawn edges the page should hold: the projection, symmetric pairs merged."""
    dataset = rdflib.Dataset()
    dataset.parse(out / "graph.trig", format="trig")
    graph = project(dataset)
    drawn = set()
    for u, v, data in graph.edges(data=True):
        if data["relation"] in {"negotiatedWith", "met"}:
            u, v = min(u, v), max(u, v)
        drawn.add((u, v, data["relation"], data["label"]))
    return graph.number_of_nodes(), len(drawn)


def _requests(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_view_browser_seed_page_is_offline_and_complete(browser: Any, seed_build: Any) -> None:
    page = seed_build.out / "graph.html"
    _open(browser, page)
    urls = _requests(browser)
    assert urls and urls[0].startswith("file:")
    assert [u for u in urls if not u.startswith(("file:", "data:"))] == []
    nodes, edges = browser.execute_script(
        "return [network.body.data.nodes.length, network.body.data.edges.length]"
    )
    assert (nodes, edges) == _projection(seed_build.out)
    assert nodes > 20 and edges > 20
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []


def test_view_browser_relation_filter_hides_edges(browser: Any, seed_build: Any) -> None:
    _open(browser, seed_build.out / "graph.html")
    count = "return edges.get({filter: e => e.relation === arguments[0]}).length"
    assert browser.execute_script(count, "votedAgainst") > 0
    box = browser.find_element("css selector", "input.kg-rel[value='votedAgainst']")
    box.click()
    state = browser.execute_script(
        """var shown = edges.get({filter: function (e) { return !e.hidden; }});
        var gone = edges.get({filter: function (e) { return e.relation === 'votedAgainst'; }});
        return [shown.length, edges.length, gone.length,
                gone.every(function (e) { return e.hidden; }),
                shown.some(function (e) { return e.relation === 'votedAgainst'; }),
                network.body.edgeIndices.length];"""
    )
    shown, total, gone, all_hidden, any_left, drawn = state
    assert all_hidden and not any_left
    assert shown <= total - gone and shown > 0 and drawn == shown
    box.click()
    assert browser.execute_script("return edges.get({filter: e => e.hidden}).length") == 0


def test_view_browser_type_filter_and_focus(browser: Any, seed_build: Any) -> None:
    _open(browser, seed_build.out / "graph.html")
    browser.find_element("css selector", "input.kg-type[value='Person']").click()
    kinds = browser.execute_script("return nodes.get({filter: n => !n.hidden}).map(n => n.kind)")
    assert kinds and "Person" not in kinds
    browser.find_element("css selector", "input.kg-type[value='Person']").click()
    search = browser.find_element("id", "kg-search")
    search.send_keys("Russie")
    browser.find_element("id", "kg-focus").click()
    shown, expected = browser.execute_script(
        """var id = nodes.get({filter: n => n.label === 'Russie'})[0].id;
        var near = new Set(network.getConnectedNodes(id)); near.add(id);
        var shown = nodes.get({filter: n => !n.hidden}).map(n => n.id);
        return [shown.sort(), Array.from(near).sort()];"""
    )
    assert shown == expected and len(shown) > 2
    browser.find_element("id", "kg-reset").click()
    assert browser.execute_script("return nodes.get({filter: n => n.hidden}).length") == 0


def test_view_browser_xss_payloads_stay_text(browser: Any, xss_build: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    _open(browser, xss_build / "graph.html")
    # Hover the vote edge, whose tooltip quotes the sentence with the <img> payload.
    x, y = browser.execute_script(
        """var e = edges.get({filter: e => e.relation === 'votedAgainst'})[0];
        var p = network.body.edges[e.id].edgeType.getPoint(0.5);
        var d = network.canvasToDOM(p), r = network.canvas.frame.canvas.getBoundingClientRect();
        return [d.x - r.width / 2, d.y - r.height / 2];"""
    )
    canvas = browser.find_element("css selector", "#mynetwork canvas")
    ActionChains(browser).move_to_element_with_offset(canvas, round(x), round(y)).perform()
    deadline = time.monotonic() + 10
    tip = ""
    while "onerror" not in tip and time.monotonic() < deadline:
        time.sleep(0.1)
        tip = browser.execute_script(
            "var t = document.querySelector('div.vis-tooltip');"
            "return t && t.style.visibility !== 'hidden' ? t.textContent : '';"
        )
    assert "<img src=x onerror=window.__xss=2>" in tip
    assert "<script>window.__xss = 1; alert(1)</script>" in tip  # the document's title
    # Every tooltip, read as the page holds it: the payloads are text, never elements.
    texts, elements = browser.execute_script(
        """var all = nodes.get().concat(edges.get()).map(x => x.title);
        return [all.map(t => t.textContent).join(' '),
                all.filter(t => t.querySelector('img, script')).length];"""
    )
    assert "onerror=window.__xss=2" in texts and elements == 0
    assert browser.execute_script("return typeof window.__xss") == "undefined"
    assert browser.find_elements("css selector", "body img") == []
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == []
