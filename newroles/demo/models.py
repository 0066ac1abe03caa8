"""A marker that the illustrative demo data was loaded: it drives the banner on every page."""

from django.db import models


class DemoLoad(models.Model):
    """One row per demo load. While any exists, every page says the data is illustrative."""

    trust_path = None
    change_rule = "system"  # the demo loader's marker

    loaded_at = models.DateTimeField(auto_now_add=True)
    description = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"Demo data loaded {self.loaded_at:%Y-%m-%d %H:%M}"
