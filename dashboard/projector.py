"""Large type for the projector: every chart text at PROJECTOR_MIN_PX or more, dark text (pure; no Streamlit)."""

from __future__ import annotations

import plotly.graph_objects as go

PROJECTOR_MIN_PX = 18
"""Smallest text on a projected chart, in CSS pixels at 1920 x 1080."""
TEXT_COLOUR = "#111111"


def for_projector(fig: go.Figure, base: int = 20) -> go.Figure:
    """Return a copy of the figure with large, dark text: titles, axes, ticks, legend, labels and annotations."""
    out = go.Figure(fig)
    big = {"size": base, "color": TEXT_COLOUR}
    out.update_layout(font=big, title_font={"size": base + 8, "color": TEXT_COLOUR},
                      legend_font={"size": base - 2, "color": TEXT_COLOUR},
                      hoverlabel_font_size=base - 2)
    out.update_xaxes(title_font={"size": base + 2, "color": TEXT_COLOUR},
                     tickfont={"size": max(PROJECTOR_MIN_PX, base - 2), "color": TEXT_COLOUR})
    out.update_yaxes(title_font={"size": base + 2, "color": TEXT_COLOUR},
                     tickfont={"size": max(PROJECTOR_MIN_PX, base - 2), "color": TEXT_COLOUR})
    for note in out.layout.annotations or ():
        size = note.font.size if note.font and note.font.size else base
        note.font = {"size": max(PROJECTOR_MIN_PX, size + 6), "color": note.font.color if note.font else None}
    for slider in out.layout.sliders or ():
        slider.font = {"size": PROJECTOR_MIN_PX}
        slider.currentvalue.font = {"size": base}
    for menu in out.layout.updatemenus or ():
        menu.font = {"size": PROJECTOR_MIN_PX}
    out.update_coloraxes(colorbar_tickfont_size=PROJECTOR_MIN_PX)
    for trace in out.data:
        if hasattr(trace, "colorbar") and trace.colorbar is not None:
            trace.colorbar.tickfont = {"size": PROJECTOR_MIN_PX}
            trace.colorbar.title.font = {"size": base}
        if hasattr(trace, "textfont"):
            trace.textfont = {"size": base}
    top = max((out.layout.margin.t or 60), 90)
    out.update_layout(margin={"t": top, "b": max(out.layout.margin.b or 10, 40)})
    return out
