from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "newroles.mapping"
    label = "mapping"
    verbose_name = "National map of new roles"

    def ready(self) -> None:
        # Each month of staff-record figures keeps the map's deployments current and suggests new roles.
        # The staff record (workforce) sits below the map and may not import it, so it sends a signal
        # and the map listens; dispatch_uid keeps one connection.
        from newroles.mapping.staff_record import on_month_counted
        from newroles.workforce.signals import month_counted

        month_counted.connect(on_month_counted, dispatch_uid="mapping.staff_record")
