"""The methods page, for planners: every metric's question, formula, unit, direction and source, titled in words."""

from __future__ import annotations

from simulation.metrics.plain_docs import CARDS


def test_every_metric_is_explained_in_plain_words(app):
    app.run()
    app.switch_page("dashboard/pages/methods.py").run()
    assert not app.exception
    titles = [expander.label for expander in app.expander]
    assert [card.label for card in CARDS] == [t for t in titles if t in {card.label for card in CARDS}]
    assert not any("`" in title or "_" in title for title in titles)  # no code names as titles
    text = " ".join(markdown.value for markdown in app.markdown)
    for card in CARDS:
        assert card.question in text and card.unit in text and card.source in text
    glance = app.dataframe[0].value
    assert list(glance["Number"]) == [card.label for card in CARDS]
