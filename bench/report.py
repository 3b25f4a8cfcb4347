"""Writing the results: bench/results.json, the table in docs/performance.md, the query baseline."""

import json
import re
from pathlib import Path

from .targets import Check

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results.json"
BASELINE = BENCH / "queries.json"
DOC = BENCH.parent / "docs" / "performance.md"


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _dump(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def load_results(path: Path = RESULTS) -> dict:
    return _load(path)


def results_write(vendor: str, run: dict, path: Path = RESULTS) -> None:
    """Keep one run per database: a SQLite run leaves the PostgreSQL figures as they were."""
    data = _load(path)
    data[vendor] = run
    _dump(path, data)


# -- Query counts ------------------------------------------------------------------------------


def query_counts(run: dict) -> dict[str, int]:
    """Every query count of a run, flat: ``matrix_page/300x12``, ``export/csv/20x8`` ..."""
    counts = {}
    for kind in ("matrix_page", "cell_update"):
        for size, figures in run.get(kind, {}).items():
            counts[f"{kind}/{size}"] = figures["queries"]
    for fmt, sizes in run.get("exports", {}).items():
        for size, figures in sizes.items():
            counts[f"export/{fmt}/{size}"] = figures["queries"]
    for name, count in run.get("workshop_queries", {}).items():
        counts[f"workshop/{name}"] = count
    return counts


def baseline_compare(vendor: str, counts: dict[str, int], path: Path = BASELINE) -> dict:
    """What went above the committed baseline (a failure), below it, or has none yet."""
    baseline = _load(path).get(vendor, {})
    above, below, new = {}, {}, []
    for key, count in sorted(counts.items()):
        if key not in baseline:
            new.append(key)
        elif count > baseline[key]:
            above[key] = {"baseline": baseline[key], "now": count}
        elif count < baseline[key]:
            below[key] = {"baseline": baseline[key], "now": count}
    return {"above": above, "below": below, "no_baseline": new}


def baseline_update(vendor: str, counts: dict[str, int], path: Path = BASELINE) -> None:
    data = _load(path)
    data[vendor] = {**data.get(vendor, {}), **counts}
    _dump(path, data)


# -- The table in docs/performance.md ----------------------------------------------------------


def _ms(figures: dict | None) -> str:
    if not figures:
        return "-"
    return f"{figures['median_ms']:.1f} / {figures['p95_ms']:.1f}"


def table(run: dict, checks: list[Check]) -> str:
    """The Markdown for one run: the machine, every figure, the targets."""
    m = run["machine"]
    s = run["settings"]
    lines = [
        f"Taken {m['date']} on {m['cpu']}, {m['cores']} cores, Python {m['python']}, "
        f"{m['database']}, {m['os']}; gunicorn with {s['workers']} {_workers(s)}; "
        f"load average at start {m['load_average_at_start']}"
        + (" (**machine shared with other work: figures taken under load**)" if s["note"] else "")
        + ".",
        "",
        f"Trivial view (`/healthz`, the floor): median {run['floor']['median_ms']:.2f} ms, "
        f"p95 {run['floor']['p95_ms']:.2f} ms, {run['floor']['rps']:.0f} requests/s "
        "(one client, requests in sequence).",
        "",
        "| Endpoint | Size | Median / p95 ms | Requests/s | Queries |",
        "| --- | --- | --- | --- | --- |",
    ]

    def row(name, size, figures):
        lines.append(
            f"| {name} | {size} | {_ms(figures)} | {figures.get('rps') or '-'} | "
            f"{figures.get('queries', '-')} |"
        )

    for size, figures in run.get("matrix_page", {}).items():
        row("matrix page", size, figures)
    for size, figures in run.get("cell_update", {}).items():
        row("cell update", size, figures)
    for size, figures in run.get("block_paste", {}).items():
        row("block paste (every cell)", size, figures)
    for fmt, sizes in run.get("exports", {}).items():
        for size, figures in sizes.items():
            row(f"export {fmt}", size, figures)
    load = run.get("workshop_load") or {}
    if load and not load.get("skipped"):
        vote = load["vote"]
        lines += [
            "",
            f"Workshop load: {load['participants']} participants for {load['duration_s']} s "
            f"(think time {load['think_ms']} ms): {load['requests']} requests, "
            f"{load['rps']} requests/s; "
            f"votes p50 {vote['median_ms']:.1f} ms, "
            f"p95 {vote['p95_ms']:.1f} ms, p99 {vote['p99_ms']:.1f} ms; errors {load['errors']}"
            + (f" ({load['error_kinds']})" if load.get("error_kinds") else "")
            + "; "
            f"{load['votes_acknowledged']} votes acknowledged, {load['lost_votes']} not stored."
            + streams_sentence(load.get("streams")),
        ]
    elif load:
        lines += ["", f"Workshop load: not run ({load['skipped']})."]
    lines += browser_lines(run.get("browser"))
    lines += fanout_lines(run.get("fanout"))
    lines += capacity_lines(run.get("workshop_capacity"))
    lines += ["", "| Target | Figure | Limit | |", "| --- | --- | --- | --- |"]
    for check in checks:
        figure = "-" if check.figure is None else f"{check.figure:g} {check.unit}".strip()
        lines.append(f"| {check.what} | {figure} | {check.limit:g} {check.unit} | {check.mark} |")
    return "\n".join(lines)


def _workers(settings: dict) -> str:
    """How the server ran: older results say "gunicorn, sync workers" and have no layer."""
    if "uvicorn" not in settings.get("server", ""):
        return "sync workers"
    return f"uvicorn workers (ASGI), {settings.get('channel_layer', '?')} channel layer"


def browser_lines(browser: dict | None) -> list[str]:
    """What a person feels, in Chromium (bench/browser.py)."""
    if not browser:
        return []
    if browser.get("skipped"):
        return ["", f"In the browser: not measured ({browser['skipped']})."]
    lines = [
        "",
        "In Chromium (1440 x 900): keydown to painted letter and to updated findings, page "
        "interactive (median / p95 ms), the page on the wire and as HTML, its elements, and frame "
        "times while the grid scrolls top to bottom:",
        "",
        "| Size | Letter painted | Findings updated | Interactive | Wire / HTML KB | Elements "
        "| Scroll frame median / p95 ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size, f in browser.items():
        scroll = f.get("scroll", {})
        lines.append(
            f"| {size} | {_ms(f.get('keydown_to_paint'))} | {_ms(f.get('keydown_to_findings'))} "
            f"| {_ms(f.get('interactive'))} | {f['bytes_on_wire'] / 1024:.0f} / "
            f"{f['html_bytes'] / 1024:.0f} | {f['elements']} | "
            f"{scroll.get('frame_median_ms', '-')} / {scroll.get('frame_p95_ms', '-')} |"
        )
    for size, f in browser.items():
        if f.get("interactive_cold"):
            lines += [
                "",
                f"{size}, with an empty cache (a first visit, every module fetched): interactive "
                f"{_ms(f['interactive_cold'])} ms (median / p95).",
            ]
    return lines


def fanout_lines(fan: dict | None) -> list[str]:
    if not fan:
        return []
    last, each = fan["fanout_last"] or {}, fan["fanout_each"] or {}
    return [
        "",
        f"Fan-out: {fan['watchers']} watchers on one matrix, {fan['edits_per_second']:g} edits/s "
        f"for {fan['seconds']:g} s ({fan['edits']} edits, {fan['edit_errors']} failed; edit "
        f"p50 {fan['edit']['p50_ms']:.1f} ms). From an edit's answer to the last watcher's "
        f"receipt: p50 {last.get('p50_ms', '-')} ms, p95 {last.get('p95_ms', '-')} ms, "
        f"p99 {last.get('p99_ms', '-')} ms (each watcher: p50 {each.get('p50_ms', '-')}, "
        f"p95 {each.get('p95_ms', '-')} ms). Memory per idle connection "
        f"{fan['memory_per_connection_kb']:g} KB (server {fan['server_rss_mb']['before']:g} MB, "
        f"{fan['server_rss_mb']['connected']:g} MB connected; {fan['connect_s']:g} s to connect "
        f"them all). CPU per change message delivered: server "
        f"{fan.get('server_cpu_us_per_message', '-')} µs, watchers "
        f"{fan.get('watchers_cpu_us_per_message', '-')} µs (messages of "
        f"{fan.get('message_bytes') or '-'} characters). "
        f"{fan['messages_expected']} change messages expected: {fan['lost']} lost, "
        f"{fan['out_of_order']} out of order, {fan['duplicates']} twice; "
        f"{fan['catch_ups']} catch-ups.",
    ]


def streams_sentence(streams: dict | None) -> str:
    if not streams:
        return ""
    board = streams.get("board") or {}
    return (
        f" Pushed, not polled: {streams['ballots']} ballot streams "
        f"({streams['ballots_failed']} failed); the board redrawn "
        f"{board.get('redraws_per_s', '-')} times a second (interval p95 "
        f"{board.get('interval_p95_ms', '-')} ms), its last redraw "
        f"{board.get('last_after_last_vote_ms', '-')} ms after the last vote."
    )


def capacity_lines(capacity: dict | None) -> list[str]:
    if not capacity or capacity.get("skipped"):
        return []
    rooms = "; ".join(
        f"{size}: p95 {room['vote_p95_ms']:.0f} ms, {room['votes_rps']:g} votes/s"
        + ("" if room["passed"] else " (too slow)" if not room["lost_votes"] else " (lost votes)")
        for size, room in capacity["tried"].items()
    )
    return [
        "",
        f"Workshop capacity: the largest room with a vote p95 of at most "
        f"{capacity['p95_limit_ms']} ms and no vote lost is **{capacity['largest_room']}** "
        f"participants ({capacity['seconds']:g} s a room, think time {capacity['think_ms']} ms; "
        f"rooms tried: {rooms}).",
    ]


def summary(results: dict) -> str:
    """Every target beside its figure on each database, and how far the figure is from it."""
    from .targets import evaluate

    vendors = [v for v in ("sqlite", "postgresql") if v in results]
    checks = {v: {c.what: c for c in evaluate(results[v])} for v in vendors}
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    lines = [
        "| Target | Limit | " + " | ".join(names[v] for v in vendors) + " |",
        "| --- | --- |" + " --- |" * len(vendors),
    ]
    seen = []
    for v in vendors:
        seen += [what for what in checks[v] if what not in seen]
    for what in seen:
        first = next(checks[v][what] for v in vendors if what in checks[v])
        limit = f"{'at least' if first.at_least else 'at most'} {first.limit:g} {first.unit}"
        cells = []
        for v in vendors:
            check = checks[v].get(what)
            if check is None or check.ok is None:
                cells.append("not measured")
                continue
            figure = f"{check.figure:g} {check.unit}".strip()
            cells.append(f"{figure}: {check.mark}, {check.distance}")
        lines.append(f"| {what} | {limit.strip()} | " + " | ".join(cells) + " |")
    dates = "; ".join(f"{names[v]} {results[v]['machine']['date']}" for v in vendors)
    return "\n".join([f"From the last full runs ({dates}).", "", *lines])


def doc_update(vendor: str, text: str, path: Path = DOC) -> bool:
    """Replace the table between this database's markers; False when the markers are missing."""
    try:
        doc = path.read_text()
    except OSError:
        return False
    start, end = f"<!-- bench:{vendor}:start -->", f"<!-- bench:{vendor}:end -->"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(doc):
        return False
    path.write_text(pattern.sub(lambda _: f"{start}\n{text}\n{end}", doc))
    return True
