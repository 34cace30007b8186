"""Take a screenshot of a network view page with Debian's headless Chromium.

Builds nothing: give it a page written by ``kg build`` or ``kg view``.

    python scripts/screenshot.py [out/graph.html] [-o docs/graph.png]

``chromium`` also serves ``bench/view_large.py``: one harness for the benchmark and the picture
(the browser tests keep their own, which must fail rather than skip in CI).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)


@contextmanager
def chromium(*, width: int = 1400, height: int = 900) -> Iterator[object]:
    """A headless Chromium driven by selenium, with a fresh profile, closed on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        sys.exit("needs Debian's chromium and chromium-driver: apt-get install chromium-driver")
    with tempfile.TemporaryDirectory(prefix="kg-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        options.add_argument(f"--window-size={width},{height}")
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            yield driver
        finally:
            driver.quit()


def wait_ready(driver: object, timeout: float = 60.0) -> float:
    """Wait until the page's network is stabilised or drawn; its time since navigation, in ms."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready = driver.execute_script(  # type: ignore[attr-defined]
            "return window.kgView && window.kgView.ready ? window.kgView.readyAt : null"
        )
        if ready is not None:
            return float(ready)
        time.sleep(0.05)
    raise TimeoutError(f"the network view was not ready within {timeout:.0f} s")


def screenshot(page: Path, png: Path) -> Path:
    """Open ``page`` from file://, wait for the network to settle, and save a PNG."""
    with chromium() as driver:
        driver.get(page.resolve().as_uri())  # type: ignore[attr-defined]
        wait_ready(driver)
        driver.execute_script("network.fit({animation: false});")  # type: ignore[attr-defined]
        time.sleep(0.5)
        png.parent.mkdir(parents=True, exist_ok=True)
        # The network's box (the legend and tools float over it), not the blank page below.
        box = driver.find_element("id", "mynetwork")  # type: ignore[attr-defined]
        box.screenshot(str(png))
    return png


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", type=Path, default=Path("out/graph.html"))
    parser.add_argument("-o", "--out", type=Path, default=Path("docs/graph.png"))
    args = parser.parse_args()
    if not args.page.exists():
        sys.exit(f"{args.page}: no such page; run `make run` or `kg build seeds -o out` first")
    print(screenshot(args.page, args.out))


if __name__ == "__main__":
    main()
