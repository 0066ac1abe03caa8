from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "newroles.workforce"
    label = "workforce"
    verbose_name = "Workforce data from staff records"

    def ready(self) -> None:
        # Approving a national alias changes what titles mean for every trust, so every trust's staff
        # record is recounted in the background. The catalogue (roles) sits below this app and may not
        # import it, so it sends a signal and this app listens; dispatch_uid keeps one connection.
        from newroles.roles.signals import national_alias_approved
        from newroles.workforce.tasks import recount_after_catalogue_change

        national_alias_approved.connect(recount_after_catalogue_change, dispatch_uid="workforce.recount")

        # The worker's minute sweep fails imports whose process died and deletes their uploads.
        from newroles.imports.health import register_sweep
        from newroles.workforce import recount_jobs, runs

        register_sweep("workforce", runs.sweep)
        # ...and recounts every trust whose months were counted under an older catalogue (a role edited,
        # a new normaliser deployed), with the progress the staff-record pages show.
        register_sweep("workforce-recount", recount_jobs.sweep)
