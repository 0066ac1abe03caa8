"""The England tile map: the seven NHS England regions as tiles laid out roughly as they sit on a map."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from newroles.lib.charts import Tile, level_for, tile_map_svg
from newroles.organisations.models import Region

# Grid positions (column, row) in tile units by region code: the north-west and north-east and Yorkshire
# on top, the Midlands and the East below them, and the south-west, south-east and London along the bottom
# (London sits south of the East of England, the South East wraps round it to the west).
LAYOUT: dict[str, tuple[float, float]] = {
    "Y62": (0.5, 0.0),  # North West
    "Y63": (1.5, 0.0),  # North East and Yorkshire
    "Y60": (1.0, 1.0),  # Midlands
    "Y61": (2.0, 1.0),  # East of England
    "Y58": (0.0, 2.0),  # South West
    "Y59": (1.0, 2.0),  # South East
    "Y56": (2.0, 2.0),  # London
}


@dataclass(frozen=True)
class RegionValue:
    """What one tile shows: a number out of a maximum for shading, and its text."""

    region: Region
    value: float
    text: str
    sentence: str  # the same fact in words, for the map's description


def tile_map(
    values: Iterable[RegionValue],
    *,
    title: str,
    measure: str,
    maximum: float,
    legend: list[str],
    highlight: str | None = None,
    svg_id: str = "tile-map",
):  # type: ignore[no-untyped-def]
    """The tile map SVG; its description lists every region's value in words."""
    values = list(values)
    tiles = []
    for v in values:
        x, y = LAYOUT.get(v.region.code, (3.0, float(len(tiles))))  # an unknown region goes in a spare column
        tiles.append(Tile(x, y, v.region.name, v.text, level_for(v.value, maximum), v.region.code == highlight))
    desc = f"Tile map of the seven NHS England regions, shaded by {measure}. " + " ".join(v.sentence for v in values)
    return tile_map_svg(tiles, title=title, desc=desc, legend=legend, svg_id=svg_id)


def share_legend() -> list[str]:
    return ["None", "Up to 25%", "Up to 50%", "Up to 75%", "Up to 100%"]


def count_legend(maximum: int) -> list[str]:
    """Captions for the four equal bands of 1..maximum (and 0)."""
    if maximum <= 0:
        return ["None", "", "", "", ""]
    edges = [math.floor(maximum * i / 4) for i in range(5)]  # level_for's bands: (edge[i-1], edge[i]]
    captions = ["None"]
    for i in range(1, 5):
        low, high = edges[i - 1] + 1, edges[i]
        if high < low:
            captions.append("")
        else:
            captions.append(f"{low}" if low == high else f"{low}–{high}")
    return captions
