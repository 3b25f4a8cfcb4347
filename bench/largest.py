"""The largest matrix an import takes (IMPORT_MAX_ACTIVITIES x IMPORT_MAX_ROLES), served over
HTTP as a user meets it: the import (the upload and its preview, then the confirmation), the
matrix page and each export. Half of its cells hold a letter, as in the CSV of the attack that
found the import limits too large (issue "Hardening, round two", item 4).

The figures go to ``results["largest"]``; bench/targets.py checks them against what "served in
seconds" means (docs/deploy.md, "Size limits").
"""

import re
import secrets
import time
import uuid

from .client import BenchError, Session
from .stats import summary

FORMATS = ("csv", "xlsx", "pdf", "json", "md")


def csv_bytes(activities: int, roles: int) -> bytes:
    """A matrix of that size as CSV: ten phases, every other cell lettered."""
    lines = ["Phase,Activity," + ",".join(f"Role {n}" for n in range(roles))]
    for n in range(activities):
        cells = ("RACI"[(n + i) % 4] if (n + i) % 2 == 0 else "" for i in range(roles))
        lines.append(f"Phase {n % 10},Activity {n}," + ",".join(cells))
    return "\n".join(lines).encode()


def _multipart(fields: dict[str, str], name: str, filename: str, data: bytes):
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        "\r\nContent-Type: text/csv\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _upload(session: Session, data: bytes) -> tuple[float, float, str]:
    """Upload, preview, confirm: (ms to the preview, ms to the matrix, the matrix's path)."""
    form = session.expect(session.get("/import/"), 200)
    token = form.csrf_token() or ""
    # One team: a hidden field; several (the bench user is in the sample team too): a select,
    # whose first option is the user's own team.
    team = re.search(rb'name="team" value="([^"]*)"', form.body) or re.search(
        rb'<select name="team"[^>]*>\s*<option value="([^"]+)"', form.body
    )
    fields = {"csrfmiddlewaretoken": token, "title": f"Largest {secrets.token_hex(3)}"}
    fields["team"] = team.group(1).decode() if team else ""
    body, content_type = _multipart(fields, "file", "largest.csv", data)
    conn = session._connect()
    try:
        headers = {
            "Host": f"{session.host}:{session.port}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in session.cookies.items()),
            "Content-Type": content_type,
            "Origin": f"http://{session.host}:{session.port}",
        }
        start = time.perf_counter()
        conn.request("POST", "/import/", body=body, headers=headers)
        answer = conn.getresponse()
        preview = answer.read()
        preview_ms = (time.perf_counter() - start) * 1000
    finally:
        conn.close()
    found = re.search(rb'name="token" value="([^"]+)"', preview)
    if answer.status != 200 or not found:
        raise BenchError(f"the import preview answered {answer.status}: {preview[:300]!r}")
    confirm = session.post(
        "/import/confirm/", {"token": found.group(1).decode(), "csrfmiddlewaretoken": token}
    )
    location = confirm.headers.get("Location") or confirm.headers.get("location") or ""
    if confirm.status != 302 or not location.startswith("/m/"):
        raise BenchError(f"the import confirmation answered {confirm.status}: {location!r}")
    return preview_ms, confirm.ms, location


def run(session: Session, *, activities: int, roles: int, imports: int, runs: int) -> dict:
    data = csv_bytes(activities, roles)
    out: dict = {"size": f"{activities}x{roles}", "csv_bytes": len(data), "exports": {}}
    previews, confirms, path = [], [], ""
    for _ in range(imports):
        preview_ms, confirm_ms, path = _upload(session, data)
        previews.append(preview_ms)
        confirms.append(confirm_ms)
    out["import_preview"] = summary(previews)
    out["import_confirm"] = summary(confirms)
    out["import_total_ms"] = round(
        sorted(p + c for p, c in zip(previews, confirms, strict=True))[len(previews) // 2], 1
    )
    pages = [session.expect(session.get(path), 200) for _ in range(runs)]
    out["page"] = {**summary([page.ms for page in pages]), "bytes": len(pages[-1].body)}
    for fmt in FORMATS:
        answers = [session.get(f"{path}export/{fmt}/") for _ in range(runs)]
        statuses = sorted({answer.status for answer in answers})
        out["exports"][fmt] = {
            **summary([answer.ms for answer in answers]),
            "bytes": len(answers[-1].body),
            "statuses": statuses,
        }
    return out


def measure(session: Session, *, quick: bool, log=print) -> dict:
    """The largest matrix's figures, at the limits this process's settings hold (the server's
    environment is the same)."""
    from django.conf import settings

    activities, roles = settings.IMPORT_MAX_ACTIVITIES, settings.IMPORT_MAX_ROLES
    log(f"largest matrix an import takes ({activities}x{roles}): import, page, exports")
    runs = 1 if quick else 3
    out = run(session, activities=activities, roles=roles, imports=runs, runs=runs)
    # A format that refuses the largest matrix (EXPORT_MAX_CELLS): timed at its own limit.
    out["at_limit"] = {}
    for fmt, limit in settings.EXPORT_MAX_CELLS.items():
        if activities * roles > limit >= roles:
            _, _, path = _upload(session, csv_bytes(limit // roles, roles))
            answers = [session.get(f"{path}export/{fmt}/") for _ in range(runs)]
            out["at_limit"][fmt] = {
                **summary([answer.ms for answer in answers]),
                "size": f"{limit // roles}x{roles}",
                "statuses": sorted({answer.status for answer in answers}),
            }
    log(
        f"largest {out['size']}: import {out['import_total_ms'] / 1000:.1f} s, page "
        f"{out['page']['median_ms'] / 1000:.1f} s, exports "
        + ", ".join(
            f"{fmt} {figures['median_ms'] / 1000:.1f} s ({figures['statuses']})"
            for fmt, figures in out["exports"].items()
        )
        + "".join(
            f"; {fmt} at its limit ({figures['size']}) {figures['median_ms'] / 1000:.1f} s"
            for fmt, figures in out["at_limit"].items()
        )
    )
    return out


def main() -> None:
    """``python -m bench.largest``: these figures alone, on a server of their own."""
    import json
    import sys

    from . import server as srv

    work, db_url, env = srv.django_start()
    from django.db import connections

    from . import build

    try:
        _, password, _ = build.populate(())
        connections.close_all()
        with srv.Server(env, work, workers=1) as server:
            session = server.session()
            session.login(build.USERNAME, password)
            figures = measure(session, quick="--quick" in sys.argv, log=print)
            session.close()
        print(json.dumps(figures, indent=2))
    finally:
        connections.close_all()
        srv.database_drop(db_url)


if __name__ == "__main__":
    main()
