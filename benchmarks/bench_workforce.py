"""Benchmark the staff-record import: polars reading alone against the whole import, for a first month
and a repeat month whose titles are mostly remembered.

    python benchmarks/bench_workforce.py --rows 1000000 [--database postgres]

1. Generates a synthetic ESR-style extract (newroles.workforce.synthetic: invented people, tens of
   thousands of distinct messy titles, real occupation codes and job roles, several trusts) as CSV, and
   the next month's extract from it with realistic churn: about 2% of staff leave, as many join (some on
   titles never seen before), and about 1% of rows are re-coded (another occupation code or job role).
2. Times (a) reading each file with polars alone (every column, as the file is) and (a') reading only
   the columns the import maps, then (b) the whole import of the first month into a fresh database
   (read, clean, match titles, aggregate, write the counts) through the same service the command line
   uses, then (b2) the whole import of the second month, where remembered answers leave the normaliser
   only the titles it has not seen.
3. Times a naive per-row fuzzy match (rapidfuzz against every catalogue name and alias, one row at a
   time, no cleaning or de-duplication) on a sample, for contrast.

Each timed step runs in its own child process, so each peak memory figure is that step's alone.
Peak memory is the child's maximum resident set size from resource.getrusage (ru_maxrss): polars
allocates in Rust, which tracemalloc does not see, and psutil is not a dependency.

The database is the one the settings name: a fresh SQLite file in a temporary folder by default, or
PostgreSQL with NEWROLES_DB=postgres: in a throwaway cluster, `.ci/with-postgres bash -c 'createdb -h
"$NEWROLES_DB_HOST" -U newroles newroles && .venv/bin/python benchmarks/bench_workforce.py --rows 1000000'`.

Prints the time of each stage (read, clean, match, aggregate, write), rows per second, ratios and peak
memory, and ends with two lines, the first for the repeat month:
    rows=N rows_per_s=X ratio=Y peak_mib=Z
    first_month_ratio=F
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
from typing import Any

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
    next_month(frame, options).write_csv(args.file2)
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


def next_month(frame: Any, options: Any) -> Any:
    """The month after `frame`: ~2% of rows leave, as many join (drawn from another synthetic extract, so
    some titles are new), ~1% re-coded (another row's occupation code and job role), new titles here and
    there ("... - <service>" on ~0.5% of rows)."""
    import dataclasses

    import polars as pl

    from newroles.workforce.synthetic import generate

    churn = max(frame.height // 50, 1)
    stay = frame.sample(frame.height - churn, seed=11, shuffle=True)
    joiners = generate(dataclasses.replace(options, rows=churn, seed=23))
    joiners = joiners.with_columns(("J" + pl.col("Assignment Number")).alias("Assignment Number"))
    recoded = stay.height // 100
    donors = stay.sample(recoded, seed=12).select("Occupation Code", "Job Role")
    index = pl.int_range(pl.len())
    stay = stay.with_columns(
        pl.when(index < recoded).then(pl.lit(None)).otherwise(pl.col("Occupation Code")).alias("Occupation Code"),
    )
    head = stay.head(recoded).with_columns(donors["Occupation Code"], donors["Job Role"])
    renamed = stay.height // 200
    middle = stay.slice(recoded, renamed).with_columns(
        (pl.col("Position Title") + " - " + pl.col("Organisation").str.slice(0, 12)).alias("Position Title")
    )
    rest = stay.slice(recoded + renamed)
    return pl.concat([head, middle, rest, joiners.select(frame.columns)], how="vertical")


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


# The import's progress stages, in the five the benchmark reports.
STAGE_OF = {
    "Reading the file": "read", "Parsing bands and WTE": "clean", "Counting": "aggregate",
    "Matching titles to roles": "match", "Counted": "aggregate", "Saving the counts": "write",
    "Updating the map": "write", "Done": "write",
}  # fmt: skip
BUCKETS = ("read", "clean", "match", "aggregate", "write")


def step_import(args: argparse.Namespace) -> dict[str, object]:
    _django(args.var_dir)
    from newroles.accounts.policy import SYSTEM
    from newroles.workforce import services
    from newroles.workforce.models import ExtractImport, ExtractTitle, StaffCount

    starts: list[tuple[str, float]] = []

    def progress(_fraction: float, stage: str) -> None:
        if not starts or starts[-1][0] != stage:
            starts.append((stage, time.perf_counter()))

    started = time.perf_counter()
    result = services.run_national_import(
        actor=SYSTEM, path=Path(args.file), filename="bench.csv", month=services.parse_month(args.month),
        mapping=MAPPING, progress=progress, processes=args.processes,
    )  # fmt: skip
    ended = time.perf_counter()
    seconds = ended - started
    ends = [at for _stage, at in starts[1:]] + [ended]
    stages = [(stage, end - at) for (stage, at), end in zip(starts, ends, strict=True)]
    buckets = dict.fromkeys(BUCKETS, 0.0)
    buckets["read"] += starts[0][1] - started if starts else 0.0
    for stage, spent in stages:
        buckets[STAGE_OF.get(stage, "write")] += spent
    month = services.parse_month(args.month)
    summaries = [i.summary for i in ExtractImport.objects.filter(month=month, is_current=True)]
    return {
        "seconds": seconds,
        "peak_mib": peak_mib(),
        "imports": len(result.imports),
        "rows": sum(s.get("rows", 0) for s in summaries),
        "titles": ExtractTitle.objects.filter(month=month).count(),
        "counts": StaffCount.objects.filter(month=month).count(),
        "resolved": sum(s.get("staff_confident", 0) for s in summaries),
        "recalled": summaries[0].get("answers_recalled", 0) if summaries else 0,
        "learned": summaries[0].get("answers_learned", 0) if summaries else 0,
        "stages": stages,
        "buckets": buckets,
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
        "--sample", str(args.sample), "--sample-file", args.sample_file, "--file2", args.file2,
        "--month", args.month,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(f"step {name} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True, help="Rows in the synthetic extract.")
    parser.add_argument("--trusts", type=int, default=6, help="Trusts in the extract (default 6).")
    parser.add_argument("--processes", type=int, default=2, help="Processes for matching titles (default 2).")
    parser.add_argument("--sample", type=int, default=2000, help="Rows for the naive per-row fuzzy match.")
    parser.add_argument("--file", default="", help=argparse.SUPPRESS)
    parser.add_argument("--file2", default="", help=argparse.SUPPRESS)
    parser.add_argument("--month", default="2025-03", help=argparse.SUPPRESS)
    parser.add_argument("--var-dir", default="", help=argparse.SUPPRESS)
    parser.add_argument("--sample-file", default="", help=argparse.SUPPRESS)
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(STEPS[args.step](args)))
        return

    with tempfile.TemporaryDirectory(prefix="bench-workforce-") as folder:
        args.file = str(Path(folder) / "extract.csv")
        args.file2 = str(Path(folder) / "extract-next.csv")
        args.var_dir = str(Path(folder) / "var")
        args.sample_file = str(Path(folder) / "sample.json")
        print(f"Generating a synthetic extract of {args.rows:,} rows and its next month ...", flush=True)
        generated = run_step("generate", args)
        Path(args.sample_file).write_text(json.dumps(generated.pop("sample")))
        print(
            f"  {generated['bytes'] / 1e6:,.0f} MB, {generated['columns']} columns, {generated['trusts']} trusts, "
            f"{generated['distinct_titles']:,} distinct titles, {generated['distinct_title_codes']:,} distinct "
            "(title, job role, occupation code)"
        )
        database = os.environ.get("NEWROLES_DB", "sqlite")
        print(f"Preparing a fresh {database} database (migrate, reference data) ...", flush=True)
        run_step("setup", args)

        read = run_step("read", args)
        mapped = run_step("read_mapped", args)
        first = run_step("import", args)
        first_file, args.file, args.month = args.file, args.file2, "2025-04"
        read2 = run_step("read", args)
        repeat = run_step("import", args)
        args.file = first_file
        naive = run_step("naive", args)

        a, a_mapped, b = float(read["seconds"]), float(mapped["seconds"]), float(first["seconds"])
        a2, b2 = float(read2["seconds"]), float(repeat["seconds"])
        rows2 = int(repeat["rows"])
        naive_rate = float(naive["rows"]) / float(naive["seconds"])
        print()
        for label, seconds, peak in (
            (f"(a)  polars read, all {generated['columns']} columns", a, read["peak_mib"]),
            (f"(a') polars read, the {len(MAPPING)} mapped columns", a_mapped, mapped["peak_mib"]),
            ("(b)  first month: whole import", b, first["peak_mib"]),
            ("(a2) polars read of the repeat month", a2, read2["peak_mib"]),
            ("(b2) repeat month: whole import", b2, repeat["peak_mib"]),
        ):
            print(f"{label:<47} {seconds:7.2f} s   peak {float(peak):,.0f} MiB")
        for name, run in (("first month", first), ("repeat month", repeat)):
            buckets = run["buckets"]
            print(f"  {name} by stage: " + ", ".join(f"{k} {float(buckets[k]):.2f} s" for k in BUCKETS))
            print("    stages: " + "; ".join(f"{stage} {float(spent):.2f} s" for stage, spent in run["stages"]))
            print(
                f"    wrote {run['titles']:,} title rows and {run['counts']:,} count rows for {run['imports']} "
                f"trusts; {run['resolved']:,} of {run['rows']:,} rows matched to a role with confidence; "
                f"{run['recalled']:,} distinct titles answered from memory, {run['learned']:,} matched and remembered"
            )
        print(f"rows per second: first month {args.rows / b:,.0f}, repeat month {rows2 / b2:,.0f}")
        print(f"ratio to a bare read: first month {b / a:.2f} (b/a' {b / a_mapped:.2f}), repeat month {b2 / a2:.2f}")
        print(
            f"naive per-row fuzzy match: {naive_rate:,.0f} rows/s on {naive['rows']:,} rows "
            f"({naive['choices']} names and aliases); {args.rows:,} rows would take about "
            f"{args.rows / naive_rate:,.0f} s, {b and (args.rows / naive_rate) / b:,.0f} times the first import"
        )
        print(f"rows={rows2} rows_per_s={rows2 / b2:.0f} ratio={b2 / a2:.2f} peak_mib={float(repeat['peak_mib']):.0f}")
        print(f"first_month_ratio={b / a:.2f}")


if __name__ == "__main__":
    main()
