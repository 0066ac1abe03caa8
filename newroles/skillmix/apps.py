from django.apps import AppConfig


class SkillmixConfig(AppConfig):
    name = "newroles.skillmix"
    label = "skillmix"
    verbose_name = "Skill-mix: team compositions and scenarios"
