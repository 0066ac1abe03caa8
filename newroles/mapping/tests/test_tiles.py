"""The England tile map: a tile per region, accessible and escaped, and a legend that matches its shades."""

from __future__ import annotations

import pytest

from newroles.lib import charts
from newroles.mapping.tiles import LAYOUT, RegionValue, count_legend, tile_map
from newroles.organisations.models import Region


def test_count_legend_matches_the_shade_levels():
    assert count_legend(55) == ["None", "1–13", "14–27", "28–41", "42–55"]
    assert count_legend(3) == ["None", "", "1", "2", "3"]
    for v in range(1, 56):
        low, _, high = count_legend(55)[charts.level_for(v, 55)].partition("–")
        assert int(low) <= v <= int(high or low)


@pytest.mark.django_db
def test_the_tile_map_has_a_tile_per_region_a_title_and_a_description():
    regions = list(Region.objects.all())
    assert {r.code for r in regions} == set(LAYOUT)
    values = [RegionValue(r, 1, f"<{r.short_name}>", f"{r.name}: one.") for r in regions]
    svg = tile_map(values, title="Deployments & more", measure="deployments", maximum=1, legend=count_legend(1))
    assert svg.count("<rect") >= 7
    assert '<title id="tile-map-title">Deployments &amp; more</title>' in svg
    assert "London: one." in svg and "&lt;LON&gt;" in svg
