"""Is the model realistic? The published laws of human mobility and re-identification, measured on this city."""

import pandas as pd
import streamlit as st

from dashboard import stages, state
from simulation.pipeline import stage_key
from simulation.scenario import ScenarioConfig
from simulation.validity import FAMILIES, check_model
from simulation.validity.evidence import CROWD_RESIDENTS
from simulation.validity.fact import Fact
from simulation.validity.plots import fact_figure
from simulation.validity.sources import SOURCES

HEADINGS = {"activity": "A day in the city", "gyration": "How far people range",
            "visits": "Where people return", "unicity": "How few points single a person out",
            "anonymity": "Home and work"}
VERDICTS = {"within": "✅ within tolerance", "outside": "❌ outside tolerance", "info": "ℹ️ reported"}


@st.cache_resource(max_entries=8, show_spinner=False)
def _facts(key: str, _config: ScenarioConfig) -> list[Fact]:
    """Return the facts of a scenario's stage 1 (cached per world: ``key`` is its stage-1 key)."""
    return check_model(stages.world_of(_config), _config)


def _summary(facts: list[Fact]) -> pd.DataFrame:
    return pd.DataFrame({"Fact": [f.title for f in facts], "Published": [f.published for f in facts],
                         "Source": [f.source for f in facts], "Tolerance": [f.tolerance for f in facts],
                         "This model": [f"{f.value:.3g}" if f.value == f.value else "n/a" for f in facts],
                         "Verdict": [VERDICTS[f.verdict] for f in facts]})


st.title("Is the model realistic?")
st.markdown(
    "The risk figures are only as good as the movements under them. Human mobility follows a few laws that hold "
    "in every large dataset studied: how many trips people make, how far they range, how their visits spread over "
    "their places, and how few points of their week single them out. Below, each law as published, against the "
    "same quantity measured on **this scenario's simulated city** (its residents, days and seed). The command "
    "line gives the same table: `python -m simulation check-model`.")
config = state.scenario()
with st.spinner("Measuring the simulated city against the published laws..."):
    facts = _facts(stage_key(config, 1), config)
outside = [f for f in facts if f.verdict == "outside"]
judged = [f for f in facts if f.verdict != "info"]
st.metric("Laws reproduced within tolerance", f"{len(judged) - len(outside)} of {len(judged)}")
st.dataframe(_summary(facts), hide_index=True, width="stretch")
if config.population.residents < 5000:
    st.caption(f"This scenario has {config.population.residents:,} residents: several laws (the tail of how far "
               "people range, where people return) are only meaningful at the default 5,000 or more.")

for family in FAMILIES:
    name = family.__name__.rsplit(".", 1)[-1]
    st.header(HEADINGS.get(name, name))
    if name == "unicity" and config.population.residents < CROWD_RESIDENTS:
        st.caption(f"The fewer people, the more of them a few points single out, and the published figures come "
                   f"from 1.5 million people. So the transit-card unicity below is measured among "
                   f"{CROWD_RESIDENTS:,} residents of this city (this scenario scaled up); each chart also shows "
                   f"the figure among the scenario's own {config.population.residents:,}.")
    for fact in (f for f in facts if f.family == name):
        st.plotly_chart(fact_figure(fact), key=f"realism_{fact.key}")
        st.caption(f"{VERDICTS[fact.verdict]}. This model: {fact.detail or fact.value}. "
                   f"Published: {fact.published} ({fact.source}).")

st.header("References")
cited = sorted({name.strip() for fact in facts for name in fact.source.split(";")})
st.markdown("\n".join(f"- {SOURCES.get(name, name)}" for name in cited))
