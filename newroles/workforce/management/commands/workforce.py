"""newroles workforce: staff-record extracts from the command line.

    newroles workforce import FILE --trust ODS --month YYYY-MM [--map HEADER=field ...]
    newroles workforce import FILE --trust ALL --month YYYY-MM   (a national extract with a trust code column)
    newroles workforce recount [--trust ODS | --stale]
    newroles workforce sweep            (fail imports whose process died, delete their uploads and uploads
                                         abandoned for a day; the worker does this every minute)
    newroles workforce cleanup          (the same as sweep; its older name)

The import reads only the mapped columns (common ESR headers map themselves; the trust's last mapping
is remembered; --map overrides), shows a progress bar, and replaces the trust's month in one
transaction. The file is yours: it is read where it is and left there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newroles.accounts import policy
from newroles.organisations.models import Trust
from newroles.workforce import recount_jobs, runs, services
from newroles.workforce.extract import ExtractError, open_extract
from newroles.workforce.importers import EXTRACT, NATIONAL_EXTRACT
from newroles.workforce.models import ExtractImport, month_label


class Command(BaseCommand):
    help = "Staff-record extracts. Subcommands: import, recount, sweep (or cleanup)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        imp = subcommands.add_parser("import", help="Import a staff-in-post extract (CSV or XLSX) for a month.")
        imp.add_argument("file", metavar="FILE")
        imp.add_argument(
            "--trust", required=True, metavar="ODS", help="The trust's ODS code, or ALL for a national extract."
        )
        imp.add_argument("--month", required=True, metavar="YYYY-MM", help="The month the extract describes.")
        imp.add_argument(
            "--map", action="append", default=[], metavar="HEADER=field",
            help="Use the column HEADER for the field (repeatable); fields: "
            + ", ".join(f.name for f in NATIONAL_EXTRACT.fields) + ".",
        )  # fmt: skip
        imp.add_argument("--processes", type=int, default=None, help="Processes for matching titles (default 2).")
        imp.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")
        rec = subcommands.add_parser("recount", help="Match stored titles again after catalogue changes.")
        rec.add_argument("--trust", metavar="ODS", help="Only this trust (default: every trust with data).")
        rec.add_argument(
            "--stale", action="store_true",
            help="Only trusts whose months were counted under an older catalogue, as the worker does.",
        )  # fmt: skip
        for name in ("sweep", "cleanup"):
            subcommands.add_parser(
                name, help="Fail imports whose process died and delete their uploads, and uploads abandoned a day."
            )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["subcommand"] == "import":
            self.import_extract(opts)
        elif opts["subcommand"] == "recount":
            self.recount(opts)
        else:
            swept = runs.sweep()
            self.stdout.write(f"Marked {swept['abandoned']} stopped import(s) failed and deleted their uploads.")
            self.stdout.write(f"Deleted {swept['stale_uploads']} abandoned upload(s).")

    # import -------------------------------------------------------------------------------------

    def import_extract(self, opts: dict[str, Any]) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            month = services.parse_month(opts["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        national = opts["trust"].upper() == "ALL"
        trust = None
        if not national:
            trust = Trust.objects.filter(ods_code=opts["trust"].upper()).first()
            if trust is None:
                raise CommandError(f"No trust with ODS code {opts['trust']!r}.")
        kind = NATIONAL_EXTRACT if national else EXTRACT
        try:
            extract = open_extract(path, path.name)
            extract.cleanup()
        except ExtractError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        mapping = self._mapping(kind, trust, extract.headers, opts["map"], extract.personal_by_content)
        hashed = mapping.get("assignment_number", "")
        personal = [h for h in extract.personal_headers() if h != hashed]
        if personal:
            self.stdout.write("Not read (personal data): " + ", ".join(personal))
        if hashed:
            self.stdout.write(f"{hashed}: read only to count duplicated assignments, hashed and never stored")
        with self._progress(opts["no_progress"]) as report:
            try:
                if national:
                    result = services.run_national_import(
                        actor=policy.SYSTEM, path=path, filename=path.name, month=month, mapping=mapping,
                        progress=report, processes=opts["processes"],
                    )  # fmt: skip
                    imports = result.imports
                else:
                    assert trust is not None
                    imports = [services.import_file(
                        actor=policy.SYSTEM, trust=trust, path=path, month=month, mapping=mapping, progress=report,
                        processes=opts["processes"],
                    )]  # fmt: skip
            except (ExtractError, services.ImportFailed) as exc:
                raise CommandError(str(exc)) from exc
        failed = [i for i in imports if i.status == ExtractImport.FAILED]
        if failed:
            raise CommandError(failed[0].error)
        if trust is not None:
            services.remember_mapping(actor=policy.SYSTEM, trust=trust, mapping=mapping)
        self._summary(imports, month)
        if national and result.unknown_codes:
            skipped = ", ".join(f"{code} ({rows:,} rows)" for code, rows in sorted(result.unknown_codes.items()))
            self.stdout.write(f"Skipped rows of codes that are no trust in the register: {skipped}")

    def _mapping(
        self, kind: Any, trust: Trust | None, headers: list[str], overrides: list[str], personal: dict[str, str]
    ) -> dict[str, str]:
        mapping = services.suggest_mapping(trust, headers, kind, personal)
        names = {f.name for f in kind.fields}
        for item in overrides:
            header, sep, field = item.rpartition("=")
            if not sep or not header or field not in names:
                raise CommandError(f"--map {item!r}: give HEADER=field, with field one of: {', '.join(sorted(names))}.")
            mapping = {name: h for name, h in mapping.items() if h != header}
            mapping[field] = header
        problems = services.mapping_problems(mapping, headers, kind, personal)
        if problems:
            readable = ", ".join(services.readable_headers(headers))
            raise CommandError(
                "The columns could not be matched:\n  " + "\n  ".join(problems)
                + f"\nThe file's readable columns: {readable}\nUse --map HEADER=field to choose."
            )  # fmt: skip
        self.stdout.write("Columns: " + ", ".join(f"{h} -> {name}" for name, h in mapping.items()))
        return mapping

    def _progress(self, quiet: bool) -> Any:
        import contextlib

        if quiet or not self.stdout.isatty():

            @contextlib.contextmanager
            def silent() -> Any:
                yield lambda fraction, stage: None

            return silent()
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        @contextlib.contextmanager
        def bar() -> Any:
            with Progress(
                TextColumn("{task.description:<28}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                transient=False,
            ) as progress:  # fmt: skip
                task_id = progress.add_task("Starting", total=100)
                yield lambda fraction, stage: progress.update(task_id, completed=fraction * 100, description=stage)

        return bar()

    def _summary(self, imports: list[ExtractImport], month: Any) -> None:
        for obj in imports:
            s = obj.summary
            m = services.import_match_figures(obj) or {}
            self.stdout.write(
                f"{obj.trust.ods_code} {month_label(month)}: {s.get('rows', 0):,} rows, {s.get('titles', 0):,} titles; "
                f"staff: {m.get('staff_confident', 0):,} matched to a role with confidence, "
                f"{m.get('staff_review', 0):,} guessed and waiting for review, "
                f"{m.get('staff_unmatched', 0):,} not matched"
                + (f"; replaced import {', '.join(map(str, s['replaced']))}" if s.get("replaced") else "")
            )

    # recount ------------------------------------------------------------------------------------

    def recount(self, opts: dict[str, Any]) -> None:
        if opts.get("trust"):
            trust = Trust.objects.filter(ods_code=opts["trust"].upper()).first()
            if trust is None:
                raise CommandError(f"No trust with ODS code {opts['trust']!r}.")
            result = services.recount(actor=policy.SYSTEM, trust=trust, reason="recount from the command line")
            self.stdout.write(f"{trust.ods_code}: {result.titles_changed:,} title(s) changed.")
        elif opts.get("stale"):
            job = recount_jobs.start_recount(reason="recount from the command line", enqueue=False)
            if job is None:
                self.stdout.write("Every trust's months are counted under the current catalogue.")
                return
            job = recount_jobs.run(job.pk)
            self.stdout.write(f"{job.trusts_done} trust(s): {job.titles_changed:,} title(s) changed in "
                              f"{job.months_changed} month(s) ({job.get_status_display().lower()}).")  # fmt: skip
        else:
            changed = services.recount_all(actor=policy.SYSTEM)
            self.stdout.write(f"{changed:,} title(s) changed.")
