"""Load benchmark: signed-in users browsing a national-scale instance while one trust imports an extract.

    python benchmarks/bench_load.py                     # 50 users, 60 s, 24 months of staff record
    python benchmarks/bench_load.py --users 10 --duration 15 --months 3 --deployments 500   # a quick look

1. Builds a throwaway instance in a temporary folder through the product's own paths: migrate, reference
   data, the demo, then national scale on top — extra deployments across the 51 trusts (mapping services)
   and a national staff-record extract for each of `--months` months (the `newroles workforce import
   --trust ALL` command, so every month holds aggregates for every trust).
2. Serves it with gunicorn and production settings (debug off; plain HTTP on the loopback address only,
   so secure cookies and the HTTPS redirect are switched off for this run).
3. `--users` users sign in, then each requests a page from a fixed mix, waits `--think` seconds on
   average (0.5x to 1.5x, uniformly) and repeats for `--duration` seconds. Ten seconds in, one trust
   imports a new month's extract from the command line: a real writer on the same database.
4. Runs the same users against a Django hello-world (one view, no database, no middleware) served by
   gunicorn with the same workers: the floor this machine sets for a Django request.

Prints p50/p95/p99 and errors per page and for the floor, the request rate, the ratio of the app's
page p95 to the floor's p95 measured in this run, and how much CPU the load generator itself took
(it shares the cores with the server). Traffic goes to 127.0.0.1 only and every loop is bounded in time.
The figures are what this run measured on this machine, not a promise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PASSWORD = "demo-newroles-2026"
READERS = ("national@demo.test", "editor@demo.test", "viewer@demo.test", "other@demo.test")

# (label, weight, path template); {trust}, {region}, {role} and {page} are filled per request.
MIX = (
    ("map dashboard", 20, "/map/"),
    ("map trust page", 15, "/map/trusts/{trust}/"),
    ("trust page", 10, "/trusts/{trust}/"),
    ("deployments list", 15, "/map/deployments/?page={page}"),
    ("deployments by region", 10, "/map/deployments/?region={region}"),
    ("map region page", 5, "/map/regions/{region}/"),
    ("map role page", 5, "/map/roles/{role}/"),
    ("staff record national", 10, "/workforce/national/"),
    ("deployments export csv", 5, "/map/deployments/?format=csv"),
    ("coverage export csv", 5, "/map/coverage/?format=csv"),
)
HELLO_WORLD = """
import django
from django.conf import settings
from django.http import HttpResponse
from django.urls import path

settings.configure(DEBUG=False, SECRET_KEY="hello-world-floor", ALLOWED_HOSTS=["127.0.0.1"], ROOT_URLCONF=__name__,
                   MIDDLEWARE=[])
django.setup()
urlpatterns = [path("", lambda request: HttpResponse("Hello, world"))]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
"""


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWROLES_")}
    env.update(
        NEWROLES_VAR_DIR=str(var_dir), NEWROLES_DEBUG="False", NEWROLES_SECRET_KEY="load-benchmark-" + "x" * 40,
        NEWROLES_ALLOWED_HOSTS="127.0.0.1", NEWROLES_SECURE_COOKIES="False", NEWROLES_SSL_REDIRECT="False",
        NEWROLES_HSTS_SECONDS="0", DJANGO_SETTINGS_MODULE="newroles.settings", PYTHONPATH=str(ROOT),
    )  # fmt: skip
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)


# Building the instance --------------------------------------------------------------------------


def build(var_dir: Path, *, deployments: int, months: int, rows_per_trust: int) -> dict[str, float]:
    """Make the national-scale instance; returns how long each step took."""
    env = _env(var_dir)
    took: dict[str, float] = {}
    start = time.perf_counter()
    _manage(env, "migrate", "--no-input", "-v", "0")
    _manage(env, "load_reference")
    _manage(env, "demo", "--if-empty")
    took["migrate, reference and demo"] = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([PYTHON, __file__, "--add-deployments", str(deployments)], env=env, check=True, cwd=ROOT)
    took[f"{deployments:,} more deployments"] = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run(
        [PYTHON, __file__, "--add-months", str(months), "--rows-per-trust", str(rows_per_trust)],
        env=env, check=True, cwd=ROOT,
    )  # fmt: skip
    took[f"{months} national staff-record months"] = time.perf_counter() - start
    return took


def add_deployments(count: int) -> None:
    """Deployments of catalogue roles across the study's trusts, through the mapping service."""
    import django

    django.setup()
    from newroles.accounts import policy
    from newroles.mapping import services
    from newroles.organisations.models import Trust
    from newroles.roles.models import Role

    actor = getattr(policy, "SYSTEM", None)  # the system actor where the policy names one
    rng = random.Random(2026)
    trusts = list(Trust.objects.filter(in_study_set=True))
    roles = list(Role.objects.all())
    reasons = ("staff_shortages", "career_pathways", "new_skills", "waiting_lists")
    for index in range(count):
        role = rng.choice(roles)
        services.create_deployment(
            actor=actor, trust=rng.choice(trusts), local_title=f"{role.name} (post group {index + 1})", role=role,
            status="active", headcount=rng.randint(1, 40), reasons=[rng.choice(reasons)],
            message="load benchmark data",
        )  # fmt: skip


def add_months(months: int, rows_per_trust: int) -> None:
    """A national extract per month (every study trust), imported through the staff-record command."""
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command

    from newroles.organisations.models import Trust
    from newroles.workforce.synthetic import HEADERS, ExtractOptions, write_extract

    codes = tuple(Trust.objects.filter(in_study_set=True).values_list("ods_code", flat=True))
    first = dt.date.today().replace(day=1)
    with tempfile.TemporaryDirectory(prefix="newroles-load-") as folder:
        for back in range(months, 0, -1):
            month = first
            for _ in range(back + 2):  # before the demo's two months
                month = (month - dt.timedelta(days=1)).replace(day=1)
            options = ExtractOptions(rows=rows_per_trust * len(codes), trusts=codes, row_seed=back)
            path = write_extract(Path(folder) / f"national-{month:%Y-%m}.csv", options)
            maps = [f"--map={header}={field}" for field, header in _national_mapping(HEADERS).items()]
            call_command("workforce", "import", str(path), "--trust", "ALL", "--month", f"{month:%Y-%m}",
                         "--no-progress", "--processes", "1", *maps)  # fmt: skip


def _national_mapping(headers: tuple[str, ...] | list[str]) -> dict[str, str]:
    wanted = {
        "trust_code": "Org Code", "org_unit": "Organisation", "cost_centre": "Cost Centre",
        "area_of_work": "Area of Work", "assignment_number": "Assignment Number", "title": "Position Title",
        "job_role": "Job Role", "occupation_code": "Occupation Code", "staff_group": "Staff Group", "band": "Grade",
        "wte": "Contracted WTE",
    }  # fmt: skip
    return {field: header for field, header in wanted.items() if header in headers}


# Serving --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(app: str, env: dict[str, str], *, workers: int, threads: int, cwd: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--worker-class", "gthread", "--log-level", "warning"],
        env=env, cwd=cwd,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + ("/healthz" if "newroles" in app else "/"), timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.kill()
    raise SystemExit(f"{app} did not start on {base}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


# Load -----------------------------------------------------------------------------------------------


async def sign_in(client: httpx.AsyncClient, email: str) -> None:
    page = await client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if token is None:
        raise SystemExit("The sign-in page has no CSRF token.")
    response = await client.post(
        "/accounts/login/", data={"csrfmiddlewaretoken": token.group(1), "username": email, "password": PASSWORD},
        headers={"Referer": str(client.base_url) + "/accounts/login/"},
    )  # fmt: skip
    if response.status_code != 302:
        raise SystemExit(f"Signing in as {email} failed ({response.status_code}).")


async def user_loop(
    base: str, email: str | None, mix: tuple, values: dict[str, list[str]], until: float, think: float,
    results: dict[str, list[float]], errors: dict[str, int], rng: random.Random,
) -> None:  # fmt: skip
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        if email:
            await sign_in(client, email)
        await asyncio.sleep(rng.uniform(0, think))  # users do not all start at once
        labels = [m[0] for m in mix]
        weights = [m[1] for m in mix]
        paths = {m[0]: m[2] for m in mix}
        while time.monotonic() < until:
            label = rng.choices(labels, weights)[0]
            path = paths[label].format(**{k: rng.choice(v) for k, v in values.items()})
            started = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                results[label].append(time.perf_counter() - started)
            else:
                errors[label] += 1
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


async def run_load(base: str, *, users: int, duration: float, think: float, mix: tuple, values: dict, signed_in: bool,
                   during=None) -> tuple[dict[str, list[float]], dict[str, int], float, float]:  # fmt: skip
    results: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    rng = random.Random(7)
    cpu_before, wall_before = time.process_time(), time.monotonic()
    until = time.monotonic() + duration
    tasks = [
        user_loop(base, READERS[i % len(READERS)] if signed_in else None, mix, values, until, think, results, errors,
                  random.Random(rng.random()))
        for i in range(users)
    ]  # fmt: skip
    if during is not None:
        tasks.append(during())
    await asyncio.gather(*tasks)
    return results, errors, time.process_time() - cpu_before, time.monotonic() - wall_before


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        only = values[0] if values else float("nan")
        return only, only, only
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), cuts[94], cuts[98]


def _row(label: str, count: int, errors: int, *seconds: float) -> str:
    return f"{label:<26}{count:>9}{errors:>8}" + "".join(f"{s * 1000:>9.1f}" for s in seconds)


def report(title: str, results: dict[str, list[float]], errors: dict[str, int], cpu: float, wall: float) -> float:
    """Print the table; return the p95 over every page, in seconds."""
    print(f"\n{title}")
    print(f"{'page':<26}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    everything: list[float] = []
    for label in sorted(set(results) | set(errors)):
        values = results.get(label, [])
        everything += values
        p50, p95, p99 = percentiles(values)
        print(_row(label, len(values), errors.get(label, 0), p50, p95, p99))
    p50, p95, p99 = percentiles(everything)
    print(_row("all", len(everything), sum(errors.values()), p50, p95, p99))
    print(f"rate {len(everything) / wall:.1f} requests/s; load generator CPU {cpu:.1f} s in {wall:.0f} s "
          f"({cpu / wall:.0%} of one core)")  # fmt: skip
    return p95


def page_values(var_dir: Path) -> dict[str, list[str]]:
    """Trusts, regions and roles that exist in the instance, to fill the mix's paths."""
    code = (
        "import django, json; django.setup();"
        "from newroles.organisations.models import Trust, Region; from newroles.roles.models import Role;"
        "print(json.dumps({'trust': list(Trust.objects.filter(in_study_set=True).values_list('ods_code', flat=True)),"
        "'region': list(Region.objects.values_list('code', flat=True)),"
        "'role': list(Role.objects.values_list('slug', flat=True))}))"
    )
    import json

    out = subprocess.run([PYTHON, "-c", code], env=_env(var_dir), check=True, capture_output=True, text=True, cwd=ROOT)
    values = json.loads(out.stdout.strip().splitlines()[-1])
    values["page"] = [str(n) for n in range(1, 11)]
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load against each server")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a user waits between requests")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--deployments", type=int, default=3000, help="deployments added to the demo's")
    parser.add_argument("--months", type=int, default=24, help="national staff-record months")
    parser.add_argument("--rows-per-trust", type=int, default=400, help="extract rows per trust per month")
    parser.add_argument("--keep", metavar="DIR", help="build in (or reuse) DIR instead of a temporary folder")
    parser.add_argument("--add-deployments", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--add-months", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.add_deployments is not None:
        return add_deployments(args.add_deployments)
    if args.add_months is not None:
        return add_months(args.add_months, args.rows_per_trust)

    var_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="newroles-load-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        if not (var_dir / "newroles.sqlite3").exists():
            for step, seconds in build(var_dir, deployments=args.deployments, months=args.months,
                                       rows_per_trust=args.rows_per_trust).items():  # fmt: skip
                print(f"built: {step} in {seconds:.0f} s")
        env = _env(var_dir)
        # A kept instance may predate the code: bring its schema and reference data up to date first.
        _manage(env, "migrate", "--no-input", "-v", "0")
        _manage(env, "load_reference")
        _manage(env, "collectstatic", "--no-input", "-v", "0")
        values = page_values(var_dir)
        extract = var_dir / "import-during-load.csv"
        subprocess.run(
            [PYTHON, "-c", "import sys; from newroles.workforce.synthetic import ExtractOptions, write_extract;"
             "write_extract(sys.argv[1], ExtractOptions(rows=20000, trusts=('TAH',), row_seed=99))", str(extract)],
            env=env, check=True, cwd=ROOT,
        )  # fmt: skip

        async def import_during_load() -> None:
            await asyncio.sleep(10)
            started = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                PYTHON, str(ROOT / "manage.py"), "workforce", "import", str(extract), "--trust", "TAH",
                "--month", time.strftime("%Y-%m"), "--no-progress", env=env, cwd=ROOT,
                stdout=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            code = await process.wait()
            print(f"\nimport of a 20,000-row TAH extract during the load: exit {code} "
                  f"in {time.perf_counter() - started:.1f} s")  # fmt: skip

        server, base = serve("newroles.wsgi:application", env, workers=args.workers, threads=args.threads, cwd=ROOT)
        try:
            results, errors, cpu, wall = asyncio.run(run_load(
                base, users=args.users, duration=args.duration, think=args.think, mix=MIX, values=values,
                signed_in=True, during=import_during_load,
            ))  # fmt: skip
        finally:
            stop(server)
        app_errors = sum(errors.values())
        app_p95 = report(f"newroles: {args.users} users, {args.duration:.0f} s, gunicorn {args.workers}x{args.threads}",
                         results, errors, cpu, wall)  # fmt: skip

        floor_dir = Path(tempfile.mkdtemp(prefix="newroles-hello-"))
        (floor_dir / "hello.py").write_text(HELLO_WORLD)
        server, base = serve("hello:application", {**os.environ, "PYTHONPATH": str(floor_dir)}, workers=args.workers,
                             threads=args.threads, cwd=floor_dir)  # fmt: skip
        try:
            results, errors, cpu, wall = asyncio.run(run_load(
                base, users=args.users, duration=args.duration, think=args.think, mix=(("hello world", 1, "/"),),
                values={}, signed_in=False,
            ))  # fmt: skip
        finally:
            stop(server)
            shutil.rmtree(floor_dir, ignore_errors=True)
        floor_p95 = report("floor: Django hello-world on the same server", results, errors, cpu, wall)
        print(f"\npages_p95_ms={app_p95 * 1000:.1f} floor_p95_ms={floor_p95 * 1000:.1f} "
              f"ratio={app_p95 / floor_p95:.1f} errors={app_errors}")  # fmt: skip
    finally:
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
