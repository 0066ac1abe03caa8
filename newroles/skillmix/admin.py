from django.contrib import admin

from newroles.lib.admin import ReadOnlyAdmin
from newroles.skillmix.models import CompetencyRequirement, Composition, CompositionPost, Scenario, ScenarioChange


@admin.register(Composition)
class CompositionAdmin(ReadOnlyAdmin):
    list_display = ["name", "team", "as_of", "pay_year", "is_shared"]
    search_fields = ["name", "team__name", "team__trust__name"]


@admin.register(CompositionPost)
class CompositionPostAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "composition", "role", "band", "wte", "filled"]
    list_filter = ["filled"]


@admin.register(Scenario)
class ScenarioAdmin(ReadOnlyAdmin):
    list_display = ["name", "composition", "is_shared"]


@admin.register(ScenarioChange)
class ScenarioChangeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "scenario", "kind"]


@admin.register(CompetencyRequirement)
class CompetencyRequirementAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "service_type", "team"]
