"""What a person feels in the browser, measured in Debian's Chromium through Playwright:

- keydown to painted letter: from a key's event to the frame that shows its letter;
- keydown to updated findings: from the key to the findings panel redrawn with the reply;
- page interactive: from navigation to the grid answering the keyboard (the `raci:interactive`
  mark static/js/grid/index.js sets once it is wired); for the 29 x 9 reference matrix that
  `manage.py seed` writes, also with an empty cache (a first visit: every module fetched);
- bytes on the wire (the page, compressed) and in the DOM, and the number of elements;
- scrolling: frame times while the grid scrolls top to bottom.

    .venv/bin/python -m bench.browser --url http://127.0.0.1:8000 --user u --password p \\
        --slugs bench-20x8,bench-300x12 [--reference product-roles]
Used by bench/run.py on the server it starts. Figures, not tests: see docs/performance.md.
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

from .stats import percentile

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# The reference matrix `manage.py seed` writes (29 activities x 9 roles): the page a new user
# opens first, measured as they meet it.
REFERENCE = "product-roles"
REFERENCE_SIZE = "29x9 reference"
VIEWPORT = {"width": 1440, "height": 900}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Listens before the grid does (capture phase): the time of each key (the event's own time, when
# the browser received it), the time just after the next frame is painted (the grid changes the
# cell in the key's own handler; a task queued from the frame's callback runs after its paint),
# and the first redraw of the findings after it.
PROBE = """() => {
    const probe = window.__probe = {keys: []};
    document.addEventListener("keydown", (event) => {
        if (event.key.length !== 1) return;
        const key = {down: event.timeStamp, paint: null, findings: null};
        probe.keys.push(key);
        requestAnimationFrame(() => setTimeout(() => { key.paint = performance.now(); }, 0));
    }, true);
    new MutationObserver(() => {
        const key = probe.keys[probe.keys.length - 1];
        if (key && key.findings === null) key.findings = performance.now();
    }).observe(document.getElementById("summary"), {childList: true, subtree: true});
}"""

# Scroll the grid's box from top to bottom in 60 steps, one a frame; the frames' intervals.
SCROLL = """async () => {
    const box = document.querySelector(".grid-scroll");
    const frames = [];
    let last = await new Promise(requestAnimationFrame);
    for (let i = 1; i <= 60; i++) {
        box.scrollTop = (box.scrollHeight - box.clientHeight) * i / 60;
        const now = await new Promise(requestAnimationFrame);
        frames.push(now - last);
        last = now;
    }
    return frames;
}"""


def available() -> str:
    """Why the browser benchmark cannot run here, or ""."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (the dev extras)"
    return ""


def figures(values: list[float]) -> dict:
    if not values:
        return {"runs": 0}
    return {
        "runs": len(values),
        "median_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 95), 1),
        "max_ms": round(max(values), 1),
    }


def measure_page(page, url: str, loads: int) -> dict:
    interactive, transfer = [], []
    for _ in range(loads):
        page.goto(url, wait_until="load")
        page.wait_for_function("() => performance.getEntriesByName('raci:interactive').length")
        interactive.append(
            page.evaluate("performance.getEntriesByName('raci:interactive')[0].startTime")
        )
        transfer.append(
            page.evaluate(
                "(() => { const n = performance.getEntriesByType('navigation')[0];"
                " return [n.transferSize, n.decodedBodySize]; })()"
            )
        )
    return {
        "interactive": figures(interactive),
        "bytes_on_wire": transfer[-1][0],
        "html_bytes": transfer[-1][1],
        "elements": page.evaluate("document.getElementsByTagName('*').length"),
    }


def measure_cold(browser, state: dict, url: str, loads: int) -> dict:
    """Page interactive with an empty cache, as on a first visit: a new browser context for each
    load, with the login's cookies."""
    interactive = []
    for _ in range(loads):
        context = browser.new_context(viewport=VIEWPORT, storage_state=state)
        try:
            page = context.new_page()
            page.goto(url, wait_until="load")
            page.wait_for_function("() => performance.getEntriesByName('raci:interactive').length")
            interactive.append(
                page.evaluate("performance.getEntriesByName('raci:interactive')[0].startTime")
            )
        finally:
            context.close()
    return figures(interactive)


def measure_typing(page, keys: int) -> dict:
    """Letters typed on the first row's cells, one after the other, each once its findings came
    back (so each measures one change, not a queue)."""
    page.evaluate(PROBE)
    row = page.locator("table.grid tr.activity-row").first
    cells = row.locator("td[id^='cell-']")
    count = cells.count()
    for i in range(keys):
        cell = cells.nth(i % count)
        cell.click()
        if page.locator("#chooser:not([hidden])").count():
            page.keyboard.press("Escape")
        page.keyboard.press("i" if cell.text_content().strip() == "C" else "c")
        page.wait_for_function(
            "() => { const k = window.__probe.keys; return k.length && k[k.length - 1].findings; }",
            timeout=15000,
        )
    taken = page.evaluate("window.__probe.keys")
    return {
        "keydown_to_paint": figures([k["paint"] - k["down"] for k in taken if k["paint"]]),
        "keydown_to_findings": figures([k["findings"] - k["down"] for k in taken if k["findings"]]),
    }


def measure_scroll(page) -> dict:
    frames = page.evaluate(SCROLL)
    return {
        "frame_median_ms": round(statistics.median(frames), 1),
        "frame_p95_ms": round(percentile(frames, 95), 1),
        "frames_over_50ms": sum(1 for f in frames if f > 50),
    }


def run(
    *, url: str, username: str, password: str, slugs: list[str], quick: bool, reference: str = ""
) -> dict:
    """The figures of each matrix in ``slugs``; with ``reference``, that matrix's page loads too
    (warm and with an empty cache; it is not typed in), under the key ``reference``."""
    reason = available()
    if reason:
        return {"skipped": reason}
    from playwright.sync_api import sync_playwright

    loads, keys = (3, 6) if quick else (7, 20)
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        page = context.new_page()
        page.goto(f"{url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{url}/")
        for slug in slugs:
            matrix_url = f"{url}/m/{slug}/"
            result = measure_page(page, matrix_url, loads)
            result.update(measure_typing(page, keys))
            page.goto(matrix_url, wait_until="load")
            result["scroll"] = measure_scroll(page)
            results[slug] = result
        if reference:
            reference_url = f"{url}/m/{reference}/"
            result = measure_page(page, reference_url, loads)
            result["interactive_cold"] = measure_cold(
                browser, context.storage_state(), reference_url, loads
            )
            results["reference"] = result
        browser.close()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--slugs", required=True, help="comma-separated matrix slugs")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reference", default="", help="a matrix's slug: its page loads only")
    args = parser.parse_args(argv)
    result = run(
        url=args.url.rstrip("/"),
        username=args.user,
        password=args.password,
        slugs=args.slugs.split(","),
        quick=args.quick,
        reference=args.reference,
    )
    json.dump(result, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
