"""Reports benchmark: the findings briefing as PDF against rendering the same HTML alone.

    python benchmarks/bench_reports.py                          # demo data, then national scale
    python benchmarks/bench_reports.py --deployments 500 --months 3 --rows-per-trust 200   # smaller, quicker

1. Builds two throwaway instances in temporary folders through the product's own paths (as
   `bench_load.py` does): the demo data alone, and national scale on top of it (`--deployments` more
   deployments across the 51 trusts, and a national staff-record extract for each of `--months` months).
2. In a fresh process for each, times `--repeat` times: the briefing's figures and its HTML document
   (the same body, charts and tables the PDF lays out), then the same followed by WeasyPrint's PDF.
   Chart and figure caches are emptied before every run, so each run does all the work.

Prints the median wall time and CPU time of each, the ratio PDF / HTML, and the PDF's pages and size.
The figures are what this run measured on this machine (2 shared cores), not a promise.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_load  # the same way of building a national-scale instance

ROOT = bench_load.ROOT
PYTHON = bench_load.PYTHON

MEASURE = r"""
import json, statistics, sys, time
import django
django.setup()
from newroles.lib import charts
from newroles.reports.briefing import briefing_data
from newroles.reports.pdf import document_html, render_pdf

def timed(fn):
    charts._svg_from_spec.cache_clear()
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out

def html():
    return document_html(briefing_data())

def pdf():
    return render_pdf(briefing_data())

timed(html)  # warm the imports (altair, vl-convert, WeasyPrint's fonts) once, as a running server has them
timed(pdf)
runs = {"html": [], "pdf": []}
for _ in range(int(sys.argv[1])):
    runs["html"].append(timed(html)[:2])
    wall, cpu, data = timed(pdf)
    runs["pdf"].append((wall, cpu))
from pypdf import PdfReader
import io
pages = len(PdfReader(io.BytesIO(data)).pages)
print(json.dumps({"runs": runs, "pages": pages, "bytes": len(data)}))
"""


def measure(var_dir: Path, repeat: int) -> dict:
    out = subprocess.run([PYTHON, "-c", MEASURE, str(repeat)], env=bench_load._env(var_dir), check=True,
                         capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(label: str, result: dict) -> float:
    def median(kind: str, i: int) -> float:
        return statistics.median(r[i] for r in result["runs"][kind])

    html_wall, html_cpu, pdf_wall, pdf_cpu = median("html", 0), median("html", 1), median("pdf", 0), median("pdf", 1)
    print(f"\n{label}")
    print(f"  HTML document alone: {html_wall:6.2f} s wall, {html_cpu:6.2f} s CPU")
    print(f"  PDF (same HTML + WeasyPrint): {pdf_wall:6.2f} s wall, {pdf_cpu:6.2f} s CPU")
    print(f"  ratio PDF / HTML: {pdf_wall / html_wall:.1f}x wall, {pdf_cpu / html_cpu:.1f}x CPU")
    print(f"  PDF: {result['pages']} pages, {result['bytes'] / 1024:.0f} KiB")
    return pdf_wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deployments", type=int, default=3000, help="Deployments added for national scale.")
    parser.add_argument("--months", type=int, default=24, help="National staff-record months for national scale.")
    parser.add_argument("--rows-per-trust", type=int, default=400, help="Staff-record rows per trust and month.")
    parser.add_argument("--repeat", type=int, default=3, help="Timed runs of each (median shown).")
    parser.add_argument("--demo-only", action="store_true", help="Skip the national-scale instance.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="newroles-bench-reports-") as folder:
        demo = Path(folder) / "demo"
        env = bench_load._env(demo)
        start = time.perf_counter()
        bench_load._manage(env, "migrate", "--no-input", "-v", "0")
        bench_load._manage(env, "load_reference")
        bench_load._manage(env, "demo", "--if-empty")
        print(f"built the demo instance in {time.perf_counter() - start:.0f} s")
        demo_pdf = report("Demo data", measure(demo, args.repeat))
        print(f"  the PDF on the demo data {'is' if demo_pdf < 3 else 'is NOT'} under 3 s (wall) on this run")
        if args.demo_only:
            return
        national = Path(folder) / "national"
        took = bench_load.build(national, deployments=args.deployments, months=args.months,
                                rows_per_trust=args.rows_per_trust)  # fmt: skip
        print("built the national-scale instance: " + ", ".join(f"{k} {v:.0f} s" for k, v in took.items()))
        report(f"National scale ({args.deployments:,} more deployments, {args.months} months of staff record, "
               f"{args.rows_per_trust} rows per trust and month)", measure(national, args.repeat))  # fmt: skip


if __name__ == "__main__":
    main()
