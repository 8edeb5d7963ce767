"""Projector styling: every chart text at 18 px or more."""

import pandas as pd
import pytest

from dashboard import charts
from dashboard.persona_charts import week_figure
from dashboard.projector import PROJECTOR_MIN_PX, for_projector


def font_sizes(fig) -> list[float]:
    layout = fig.layout
    sizes = [layout.font.size, layout.title.font.size, layout.legend.font.size]
    for axis in (layout.xaxis, layout.yaxis):
        sizes += [axis.title.font.size, axis.tickfont.size]
    sizes += [note.font.size for note in layout.annotations or ()]
    return sizes


@pytest.mark.parametrize("make", [
    lambda: charts.tradeoff_figure(pd.DataFrame({"label": ["a", "b"], "role": ["preset", "current"],
                                                  "utility": [0.3, 0.5], "risk": [0.2, 0.6]})),
    lambda: charts.bars_figure(pd.DataFrame({"label": ["x", "y"], "scenario": ["s", "s"], "value": [0.1, 0.4]}),
                               "title", "value"),
    lambda: week_figure(pd.DataFrame({"day": [0, 0], "start_minute": [0, 600], "end_minute": [600, 1440],
                                      "zone": [1, 2], "land_use": ["residential_low", "office"],
                                      "activity": ["home", "work"], "mode": ["none", "none"]}),
                        pd.DataFrame({"kind": ["wifi_bt"], "time": [700]}), 0),
])
def test_every_text_is_large_on_the_projector(make):
    fig = for_projector(make())
    assert all(size is not None and size >= PROJECTOR_MIN_PX for size in font_sizes(fig)), font_sizes(fig)
