"""Chart helpers (newroles.lib.charts): accessible, escaped SVG, shades and contrast."""

from __future__ import annotations

import pytest

from newroles.lib import charts


def test_a_bar_chart_is_one_labelled_image_with_its_text_escaped():
    svg = charts.bar_chart(
        [{"role": "<script>alert(1)</script>", "n": 3}, {"role": "Peer support worker", "n": 10}],
        category="role", value="n", label='Roles "ranked"',
    )  # fmt: skip
    assert svg.startswith('<svg role="img" aria-label="Roles &quot;ranked&quot;"')
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Peer support worker" in svg


@pytest.mark.parametrize("kind", ["grouped", "stacked"])
def test_grouped_and_stacked_charts_render(kind):
    rows = [{"k": "Delegation", "s": "Intended", "n": 4}, {"k": "Delegation", "s": "Actual", "n": 2}]
    draw = charts.grouped_bar_chart if kind == "grouped" else charts.stacked_bar_chart
    svg = draw(rows, category="k", series="s", value="n", series_order=["Intended", "Actual"],
               colours=[charts.NHS_BLUE, charts.NHS_WARM_YELLOW], label="Kinds")  # fmt: skip
    assert svg.startswith("<svg") and "Intended" in svg and "Actual" in svg


def test_a_timeline_renders_dates():
    svg = charts.timeline_chart(
        [{"t": "Peer Worker", "d": "2016-04-01"}, {"t": "Nursing Associate", "d": "2019-09-01"}],
        date="d", category="t", label="Timeline",
    )  # fmt: skip
    assert "2016" in svg and "Nursing Associate" in svg


@pytest.mark.parametrize(
    ("value", "maximum", "level"), [(0, 10, 0), (1, 10, 1), (2.5, 10, 1), (2.6, 10, 2), (10, 10, 4), (3, 0, 0)]
)
def test_shade_levels(value, maximum, level):
    assert charts.level_for(value, maximum) == level


def test_tile_text_has_enough_contrast_on_every_shade():
    for fill in charts.SEQUENTIAL:
        assert charts.contrast(charts.text_colour_on(fill), fill) >= 4.5
