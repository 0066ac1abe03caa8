"""Benchmark the staff-record import: polars reading alone against the whole import.

    python benchmarks/bench_workforce.py --rows 1000000

1. Generates a synthetic ESR-style extract (newroles.workforce.synthetic: invented people, tens of
   thousands of distinct messy titles, real occupation codes and job roles, several trusts) as CSV.
2. Times (a) reading the file with polars alone (every column, as the file is) and (a') reading only
   the columns the import maps, then (b) the whole import: read, normalise titles, aggregate, and
   write the counts to a fresh SQLite database through the same service the command line uses.
3. Times a naive per-row fuzzy match (rapidfuzz against every catalogue name and alias, one row at a
   time, no cleaning or de-duplication) on a sample, for contrast.

Each timed step runs in its own child process, so each peak memory figure is that step's alone.
Peak memory is the child's maximum resident set size from resource.getrusage (ru_maxrss): polars
allocates in Rust, which tracemalloc does not see, and psutil is not a dependency.

Prints rows per second of the import, the ratio b/a, peak memory, and ends with one line:
    rows=N rows_per_s=X ratio=Y peak_mib=Z
The machine may be busy with other work; the figures are what this run measured, not a promise.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRUSTS = ("TAH", "RXE", "RXG", "RHA", "RXT", "RWX", "TAD", "RT5")
MAPPING = {
    "trust_code": "Org Code", "org_unit": "Organisation", "cost_centre": "Cost Centre",
    "area_of_work": "Area of Work", "assignment_number": "Assignment Number", "title": "Position Title",
    "job_role": "Job Role", "occupation_code": "Occupation Code", "staff_group": "Staff Group", "band": "Grade",
    "wte": "Contracted WTE",
}  # fmt: skip
LABELLED = ROOT / "newroles" / "roles" / "tests" / "data" / "labelled_titles.csv"


def peak_mib() -> float:
    """This process's peak resident set size in MiB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _django(var_dir: str) -> None:
    os.environ["NEWROLES_VAR_DIR"] = var_dir
    os.environ.setdefault("NEWROLES_DEBUG", "True")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newroles.settings")
    import django

    django.setup()


# Steps, each run in a child process -------------------------------------------------------------


def step_generate(args: argparse.Namespace) -> dict[str, object]:
    import csv

    import polars as pl

    from newroles.workforce.synthetic import ExtractOptions, generate

    extra: dict[str, list[str]] = {}
    if LABELLED.exists():  # the labelled titles widen the variety of base titles
        with open(LABELLED, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["title"]:
                    extra.setdefault(row["expected_slug"], []).append(row["title"])
    options = ExtractOptions(rows=args.rows, trusts=TRUSTS[: args.trusts], seed=7, extra_titles=extra)
    frame = generate(options)
    frame.write_csv(args.file)
    return {
        "distinct_titles": frame["Position Title"].n_unique(),
        "distinct_title_codes": frame.select("Position Title", "Job Role", "Occupation Code").n_unique(),
        "bytes": Path(args.file).stat().st_size,
        "columns": len(frame.columns),
        "trusts": frame["Org Code"].n_unique(),
        "peak_mib": peak_mib(),
        "rows": frame.height,
        "sample": frame.select(pl.col("Position Title"))
        .sample(min(args.sample, frame.height), seed=1)
        .to_series()
        .to_list(),
    }


def step_read(args: argparse.Namespace) -> dict[str, object]:
    import polars as pl

    started = time.perf_counter()
    frame = pl.read_csv(args.file, infer_schema=False)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": frame.height, "peak_mib": peak_mib()}


def step_read_mapped(args: argparse.Namespace) -> dict[str, object]:
    from newroles.workforce.extract import open_extract, read_columns

    started = time.perf_counter()
    extract = open_extract(args.file)
    frame = read_columns(extract, MAPPING)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": frame.height, "peak_mib": peak_mib()}


def step_setup(args: argparse.Namespace) -> dict[str, object]:
    _django(args.var_dir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    return {}


def step_import(args: argparse.Namespace) -> dict[str, object]:
    _django(args.var_dir)
    from newroles.workforce import services
    from newroles.workforce.models import ExtractTitle, StaffCount

    stages: list[tuple[str, float]] = []
    last = [time.perf_counter()]

    def progress(_fraction: float, stage: str) -> None:
        now = time.perf_counter()
        if not stages or stages[-1][0] != stage:
            stages.append((stage, now - last[0]))
            last[0] = now

    started = time.perf_counter()
    last[0] = started
    result = services.run_national_import(
        actor=None, path=Path(args.file), filename="bench.csv", month=services.parse_month("2025-03"),
        mapping=MAPPING, progress=progress, processes=args.processes,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_mib": peak_mib(),
        "imports": len(result.imports),
        "rows": sum(i.summary.get("rows", 0) for i in result.imports),
        "titles": ExtractTitle.objects.count(),
        "counts": StaffCount.objects.count(),
        "resolved": sum(i.summary.get("staff_resolved", 0) for i in result.imports),
        "stages": stages,
    }


def step_naive(args: argparse.Namespace) -> dict[str, object]:
    """Per-row fuzzy matching as a first attempt would do it: every row against every name and alias."""
    from rapidfuzz import fuzz, process

    from newroles.roles.normaliser import SUPPLEMENTARY_ALIASES, load_catalogue_roles

    roles = load_catalogue_roles(ROOT / "newroles" / "roles" / "data" / "catalogue.json")
    choices: list[str] = []
    for role in roles:
        choices.append(role["name"])
        choices += [a["title"] for a in role.get("aliases", [])]
    for titles in SUPPLEMENTARY_ALIASES.values():
        choices += list(titles)
    sample = json.loads(Path(args.sample_file).read_text())
    started = time.perf_counter()
    for title in sample:
        process.extractOne(title, choices, scorer=fuzz.WRatio)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": len(sample), "choices": len(choices)}


STEPS = {
    "generate": step_generate,
    "read": step_read,
    "read_mapped": step_read_mapped,
    "setup": step_setup,
    "import": step_import,
    "naive": step_naive,
}


def run_step(name: str, args: argparse.Namespace) -> dict[str, object]:
    """Run one step in a fresh interpreter and return what it printed (JSON)."""
    command = [
        sys.executable, __file__, "--step", name, "--rows", str(args.rows), "--file", args.file,
        "--var-dir", args.var_dir, "--trusts", str(args.trusts), "--processes", str(args.processes),
        "--sample", str(args.sample), "--sample-file", args.sample_file,
    ]  # fmt: skip
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True, help="Rows in the synthetic extract.")
    parser.add_argument("--trusts", type=int, default=6, help="Trusts in the extract (default 6).")
    parser.add_argument("--processes", type=int, default=2, help="Processes for matching titles (default 2).")
    parser.add_argument("--sample", type=int, default=2000, help="Rows for the naive per-row fuzzy match.")
    parser.add_argument("--file", default="", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", default="", help=argparse.SUPPRESS)
    parser.add_argument("--sample-file", default="", help=argparse.SUPPRESS)
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args)))
        return

    with tempfile.TemporaryDirectory(prefix="bench-workforce-") as folder:
        args.file = str(Path(folder) / "extract.csv")
        args.var_dir = str(Path(folder) / "var")
        args.sample_file = str(Path(folder) / "sample.json")
        print(f"Generating a synthetic extract of {args.rows:,} rows ...", flush=True)
        generated = run_step("generate", args)
        Path(args.sample_file).write_text(json.dumps(generated.pop("sample")))
        print(
            f"  {generated['bytes'] / 1e6:,.0f} MB, {generated['columns']} columns, {generated['trusts']} trusts, "
            f"{generated['distinct_titles']:,} distinct titles, {generated['distinct_title_codes']:,} distinct "
            "(title, job role, occupation code)"
        )
        print("Preparing a fresh database (migrate, reference data) ...", flush=True)
        run_step("setup", args)

        read = run_step("read", args)
        mapped = run_step("read_mapped", args)
        imported = run_step("import", args)
        naive = run_step("naive", args)

        a, a_mapped, b = float(read["seconds"]), float(mapped["seconds"]), float(imported["seconds"])
        rows_per_s = args.rows / b
        naive_rate = float(naive["rows"]) / float(naive["seconds"])
        print()
        for label, seconds, peak in (
            (f"(a)  polars read, all {generated['columns']} columns", a, read["peak_mib"]),
            (f"(a') polars read, the {len(MAPPING)} mapped columns", a_mapped, mapped["peak_mib"]),
            ("(b)  whole import (read, match, count, write)", b, imported["peak_mib"]),
        ):
            print(f"{label:<47} {seconds:7.2f} s   peak {float(peak):,.0f} MiB")
        previous = 0.0
        print("     stages (time to reach each):")
        for stage, seconds in imported["stages"]:
            previous += seconds
            print(f"       {previous:6.2f} s  {stage}")
        print(
            f"     wrote {imported['titles']:,} title rows and {imported['counts']:,} count rows for "
            f"{imported['imports']} trusts; {imported['resolved']:,} of {imported['rows']:,} rows matched to a role"
        )
        print(f"rows per second (b): {rows_per_s:,.0f}")
        print(f"ratio b/a: {b / a:.2f}   (b/a' against the mapped-column read: {b / a_mapped:.2f})")
        print(
            f"naive per-row fuzzy match: {naive_rate:,.0f} rows/s on {naive['rows']:,} rows "
            f"({naive['choices']} names and aliases); {args.rows:,} rows would take about "
            f"{args.rows / naive_rate:,.0f} s, {b and (args.rows / naive_rate) / b:,.0f} times the whole import"
        )
        print(
            f"rows={args.rows} rows_per_s={rows_per_s:.0f} ratio={b / a:.2f} peak_mib={float(imported['peak_mib']):.0f}"
        )


if __name__ == "__main__":
    main()
