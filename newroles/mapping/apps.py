from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "newroles.mapping"
    label = "mapping"
    verbose_name = "National map of new roles"

    def ready(self) -> None:
        # Each month of staff-record figures keeps the map's deployments current and suggests new roles.
        # The staff record (workforce) sits below the map and may not import it, so it sends a signal
        # and the map listens; dispatch_uid keeps one connection.
        from newroles.mapping.staff_record import on_month_counted, on_titles_decided
        from newroles.workforce.signals import month_counted, titles_decided

        month_counted.connect(on_month_counted, dispatch_uid="mapping.staff_record")
        # A trust's title decisions are one set: one made on the staff record matches the map's titles too.
        titles_decided.connect(on_titles_decided, dispatch_uid="mapping.titles_decided")
