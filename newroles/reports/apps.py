from django.apps import AppConfig, apps


class ReportsConfig(AppConfig):
    name = "newroles.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Frozen snapshots must hear when a participant withdraws consent. The evidence app sends the signal;
        # it may not be installed in this build, so the receiver is connected only when it is.
        if apps.is_installed("newroles.evidence"):
            from newroles.reports.signals import connect_evidence

            connect_evidence()
