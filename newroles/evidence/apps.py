from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """The research workbench: sources, pseudonymous participants, the codebook, codings and their analysis."""

    name = "newroles.evidence"
    label = "evidence"
    verbose_name = "Research evidence"

    def ready(self) -> None:
        from newroles.evidence import pending
        from newroles.imports.health import register_sweep

        # Reviews of transcripts abandoned for an hour are deleted: they hold what the pseudonymisation replaced.
        register_sweep("evidence", pending.sweep)
