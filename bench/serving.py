"""The serving recipes side by side, measured with wrk on this machine: ``python -m
bench.serving [--seconds 10] [--connections 50]``.

Each recipe serves the app with production settings (SQLite, no Redis) on a port of its own;
wrk (2 threads) asks for a trivial page that touches no database (``/healthz``: the stack's
floor) and the login page (a template, the session and CSRF middleware: a short page as
participants' phones ask for). Prints requests a second and latencies, and the recipes' own CPU
seconds per thousand requests, as JSON. docs/performance.md ("The serving recipe") has the
figures and the choice made from them.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

from config.serving import (
    WSGI_THREADS,
    gunicorn_asgi_arguments,
    gunicorn_wsgi_arguments,
    uvicorn_arguments,
)

from .client import BenchError, Session
from .server import ROOT, children, cpu_seconds, django_start, free_port

WRK = shutil.which("wrk") or "/usr/bin/wrk"
PATHS = ("/healthz", "/accounts/login/")


def recipes(port: int, workers: int) -> dict[str, list[str]]:
    python = sys.executable
    bind = ["--bind", f"127.0.0.1:{port}"]
    # The production recipe's two commands (config/serving.py): the streams' and the pages'.
    asgi = [python, "-m", "gunicorn", *gunicorn_asgi_arguments({}), *bind]
    wsgi = [python, "-m", "gunicorn", *gunicorn_wsgi_arguments({}), *bind]
    return {
        f"gunicorn + uvicorn workers (ASGI), {workers} workers": [*asgi, "-w", str(workers)],
        "one uvicorn process (ASGI)": [
            python,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--log-level",
            "warning",
            *uvicorn_arguments({}),
        ],
        f"gunicorn gthread (WSGI), {workers} workers x {WSGI_THREADS} threads": [
            *wsgi,
            "-w",
            str(workers),
        ],
    }


def wrk(url: str, seconds: int, connections: int) -> dict:
    done = subprocess.run(  # noqa: S603 (wrk, fixed arguments)
        [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    )
    out = done.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+([\d.]+\w+)", out, re.MULTILINE))
    if rps is None:
        raise BenchError(f"wrk said: {out}\n{done.stderr}")
    return {
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)) if total else None,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
        "latency": latency,
    }


def measure(name: str, command: list[str], env: dict, port: int, args) -> dict:
    process = subprocess.Popen(  # noqa: S603 (our interpreter, fixed arguments)
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        session = Session("127.0.0.1", port, timeout=5)
        deadline = time.monotonic() + 60
        while True:
            try:
                if session.get("/healthz").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise BenchError(f"{name} did not start")
            time.sleep(0.2)
        session.close()
        out = {}
        for path in PATHS:
            url = f"http://127.0.0.1:{port}{path}"
            wrk(url, 2, args.connections)  # warm every worker
            pids = [process.pid, *children(process.pid)]
            before = sum(cpu_seconds(pid) for pid in pids)
            figures = wrk(url, args.seconds, args.connections)
            used = sum(cpu_seconds(pid) for pid in pids) - before
            figures["server_cpu_ms_per_request"] = round(
                1000 * used / max(1, figures["requests"] or 1), 3
            )
            out[path] = figures
            print(f"{name} {path}: {figures}", file=sys.stderr, flush=True)
        return out
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.serving", description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)
    _, _, env = django_start({"REDIS_URL": ""})
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    env = {**os.environ, **env}
    results = {}
    port = free_port()
    for name, command in recipes(port, args.workers).items():
        results[name] = measure(name, command, env, port, args)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
