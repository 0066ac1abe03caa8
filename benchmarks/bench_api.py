"""Benchmark the title normaliser through the API against the normaliser called in-process.

    python benchmarks/bench_api.py                 # 10,000 titles, 5 rounds
    python benchmarks/bench_api.py --titles 2000 --rounds 3

1. Builds a throwaway instance in a temporary folder through the product's own paths (migrate, reference
   data), with one user and a personal API token made by the token service.
2. Makes `--titles` (title, ESR job role, occupation code) rows from a synthetic staff-record extract
   (newroles.workforce.synthetic: messy titles, real codes), the mix a trust's extract has.
3. In-process, in a child process of its own: builds the national normaliser from the database, as the
   endpoint does on each request, and normalises the rows with `normalise_many` (each round a fresh
   normaliser, so no answer is cached from the round before).
4. The same request through Django's test client (the whole app without HTTP), to show where time goes.
5. Through the API: serves the instance with gunicorn (production settings, one worker, plain HTTP on the
   loopback address only) and POSTs all the rows in one request to /api/v1/titles/normalise with the token.

Prints the median of the rounds for each, and ends with one line:
    titles=N in_process_s=X api_s=Y ratio=Y/X
`ratio` compares the request (HTTP, authentication, JSON in and out, validation) with the in-process build and
match; the in-process match alone, without building the normaliser, is printed beside it. The machine may be
busy with other work; the figures are what this run measured, not a promise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWROLES_")}
    env.update(
        NEWROLES_VAR_DIR=str(var_dir), NEWROLES_DEBUG="False", NEWROLES_SECRET_KEY="api-benchmark-" + "x" * 40,
        NEWROLES_ALLOWED_HOSTS="127.0.0.1", NEWROLES_SECURE_COOKIES="False", NEWROLES_SSL_REDIRECT="False",
        NEWROLES_HSTS_SECONDS="0", NEWROLES_API_NORMALISER_RATE="1000/m", NEWROLES_ENV_FILE="",
        DJANGO_SETTINGS_MODULE="newroles.settings", PYTHONPATH=str(ROOT),
    )  # fmt: skip
    return env


def _child(env: dict[str, str], step: str, *args: str) -> dict:
    """Run one step of this script in a child process (Django set up against the throwaway instance)."""
    out = subprocess.run([PYTHON, __file__, "--step", step, *args], env=env, check=True, capture_output=True,
                         text=True, cwd=ROOT)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


# Steps, each in a child process -------------------------------------------------------------------


def _django() -> None:
    import django

    django.setup()


def step_token() -> dict:
    """A user and a personal token for them, through the services."""
    _django()
    from django.test import RequestFactory

    from newroles.accounts import policy
    from newroles.accounts import services as accounts
    from newroles.api import services

    user, _ = accounts.create_user(actor=policy.SYSTEM, email="bench@example.org", password="bench-" + "y" * 20)
    request = RequestFactory().get("/")
    request.user = user
    _, secret = services.create_token(actor=user, user=user, name="Benchmark", request=request)
    return {"secret": secret}


def step_titles(count: int, path: str) -> dict:
    from newroles.workforce.synthetic import ExtractOptions, generate

    frame = generate(ExtractOptions(rows=count, trusts=("TAH", "RXE"), seed=11))
    rows = [
        {"title": t or "", "job_role": j or None, "occupation_code": c or None}
        for t, j, c in frame.select(["Position Title", "Job Role", "Occupation Code"]).head(count).iter_rows()
    ]
    Path(path).write_text(json.dumps(rows), encoding="utf-8")
    return {"titles": len(rows), "distinct": len({r["title"] for r in rows})}


def step_in_process(path: str, rounds: int) -> dict:
    _django()
    from newroles.workforce.normalisers import normaliser_for

    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    triples = [(r["title"], r["job_role"] or "", r["occupation_code"] or "") for r in rows]
    build, match = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        normaliser = normaliser_for(None)
        built = time.perf_counter()
        normaliser.normalise_many(triples)
        build.append(built - start)
        match.append(time.perf_counter() - built)
    return {"build": build, "match": match}


def step_client(path: str, secret: str, rounds: int) -> dict:
    """The same request through Django's test client: the whole app (middleware, auth, JSON) without HTTP."""
    _django()
    from django.test import Client

    body = json.dumps({"titles": json.loads(Path(path).read_text(encoding="utf-8"))})
    client = Client(HTTP_HOST="127.0.0.1", headers={"Authorization": f"Bearer {secret}"})
    took = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.post("/api/v1/titles/normalise", body, content_type="application/json")
        took.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content[:200]
    return {"client": took}


# The run --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "newroles.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--timeout", "300", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.kill()
    raise SystemExit(f"the server did not start on {base}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", type=int, default=10_000, help="titles in the one request (at most 10,000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each measurement; the median is printed")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        steps = {"token": step_token, "titles": lambda: step_titles(int(args.args[0]), args.args[1]),
                 "in_process": lambda: step_in_process(args.args[0], int(args.args[1])),
                 "client": lambda: step_client(args.args[0], args.args[1], int(args.args[2]))}  # fmt: skip
        print(json.dumps(steps[args.step]()))
        return
    var_dir = Path(tempfile.mkdtemp(prefix="newroles-bench-api-"))
    try:
        env = _env(var_dir)
        for command in (["migrate", "--no-input", "-v", "0"], ["load_reference"]):
            subprocess.run([PYTHON, str(ROOT / "manage.py"), *command], env=env, check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)  # fmt: skip
        secret = _child(env, "token")["secret"]
        titles_file = str(var_dir / "titles.json")
        made = _child(env, "titles", str(args.titles), titles_file)
        inside = _child(env, "in_process", titles_file, str(args.rounds))
        no_http = statistics.median(_child(env, "client", titles_file, secret, str(args.rounds))["client"])
        body = {"titles": json.loads(Path(titles_file).read_text(encoding="utf-8"))}
        server, base = serve(env)
        try:
            headers = {"Authorization": f"Bearer {secret}"}
            api: list[float] = []
            with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
                client.post("/api/v1/titles/normalise", json={"titles": [{"title": "Peer support worker"}]})  # warm
                for _ in range(args.rounds):
                    start = time.perf_counter()
                    response = client.post("/api/v1/titles/normalise", json=body)
                    api.append(time.perf_counter() - start)
                    response.raise_for_status()
                    assert len(response.json()) == made["titles"]
        finally:
            server.terminate()
            server.wait(timeout=20)
        build, match = statistics.median(inside["build"]), statistics.median(inside["match"])
        in_process, through_api = build + match, statistics.median(api)
        print(f"{made['titles']:,} titles ({made['distinct']:,} distinct), median of {args.rounds} rounds")
        print(f"in-process: build the normaliser {build:.3f} s + normalise_many {match:.3f} s = {in_process:.3f} s")
        print(f"the same request through Django's test client (no HTTP)                   {no_http:.3f} s")
        print(f"API: one POST /api/v1/titles/normalise (gunicorn, 1 worker)            {through_api:.3f} s")
        print(f"ratio API / in-process (build + match): {through_api / in_process:.2f}   "
              f"(API / match alone: {through_api / match:.2f})")  # fmt: skip
        print(f"titles={made['titles']} in_process_s={in_process:.3f} api_s={through_api:.3f} "
              f"ratio={through_api / in_process:.2f}")  # fmt: skip
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
