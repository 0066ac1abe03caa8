from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "newroles.imports"
    label = "imports"
    verbose_name = "Tabular import"

    def ready(self) -> None:
        # Each app registers its import kinds in its own imports module.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("importers")

        from newroles.imports import health, runs

        health.register_sweep("imports", runs.sweep)
