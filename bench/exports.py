"""Time each export format on generated matrices (plain writers, no database).

Run: .venv/bin/python bench/exports.py [--runs N]
Prints the median and 95th percentile of N runs for every format at 20x8, 300x12 and 1000x20.
Targets (issue 4): CSV 1000x20 < 200 ms, XLSX 1000x20 < 2 s, PDF 300x12 < 1 s.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.raci import rules
from apps.raci.exchange.csvfile import write_csv
from apps.raci.exchange.document import ActivityDoc, MatrixDocument, PhaseDoc, RoleDoc
from apps.raci.exchange.jsonfile import write_json
from apps.raci.exchange.markdown import write_markdown
from apps.raci.exchange.pdf import write_pdf
from apps.raci.exchange.xlsx import write_xlsx
from apps.raci.schemes import RACI

WRITERS = {
    "csv": write_csv,
    "json": write_json,
    "md": write_markdown,
    "xlsx": write_xlsx,
    "pdf": write_pdf,
}
SIZES = [(20, 8), (300, 12), (1000, 20)]


def document(activities: int, roles: int) -> MatrixDocument:
    role_docs = [
        RoleDoc(key=f"role-{i}", name=f"Role number {i}", short_label=f"R{i}", focus="Focus.")
        for i in range(roles)
    ]
    phases = [PhaseDoc(name=f"Phase {p}") for p in range(6)]
    codes = RACI.codes
    for i in range(activities):
        cells = {role_docs[(i + j) % roles].key: code for j, code in enumerate(codes)}
        phases[i * 6 // activities].activities.append(
            ActivityDoc(name=f"Activity {i} with a realistic name", cells=cells)
        )
    doc = MatrixDocument(title=f"Benchmark {activities} x {roles}", roles=role_docs, phases=phases)
    subjects = [rules.Subject(a.name, a.name) for _, a in doc.activities()]
    cells = {(a.name, key): code for _, a in doc.activities() for key, code in a.cells.items()}
    doc.findings = rules.evaluate(
        RACI, subjects, [rules.Subject(r.key, r.name) for r in role_docs], cells
    )
    return doc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"{'format':<8}{'size':>10}{'median ms':>12}{'p95 ms':>10}{'bytes':>12}")
    for activities, roles in SIZES:
        doc = document(activities, roles)
        for name, write in WRITERS.items():
            times, size = [], 0
            for _ in range(args.runs):
                start = time.perf_counter()
                size = len(write(doc))
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
            print(
                f"{name:<8}{f'{activities}x{roles}':>10}{statistics.median(times):>12.1f}"
                f"{p95:>10.1f}{size:>12}"
            )


if __name__ == "__main__":
    main()
