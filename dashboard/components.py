"""Page parts used by more than one page: the scenario banner, headline numbers, trade-off chart.

Each function draws with Streamlit; the numbers and figures come from :mod:`dashboard.stages`,
:mod:`dashboard.frames` and :mod:`dashboard.charts`.
"""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, frames, stages, state
from dashboard.formatting import epsilon_line, format_change, format_value
from dashboard.labels import RISK_LABELS, UTILITY_LABELS
from dashboard.safe_text import html_text, md, problem_lines
from simulation.metrics.explain import plain_sentences
from simulation.pipeline import RunResult

HEADLINE_TITLES: dict[str, str] = {
    "utility_overall": "Service utility",
    "risk_overall": "Privacy risk",
    "risk_unicity": "Singled out",
    "risk_exposure": "Breach exposure",
    "risk_face_false_alerts_per_10k": "False face alerts",
}
HEADLINES: tuple[str, ...] = tuple(HEADLINE_TITLES)
HIGHER_IS_BETTER = {"utility_overall"}
METRIC_HELP: dict[str, str] = {
    "utility_overall": "Weighted mean of the service scores: 100% means every service works as if it knew the "
                       "truth.",
    "risk_overall": "The share of all residents against whom at least one attack succeeds (0% is nobody). The "
                    "attacker joins every dataset its role may read before attacking.",
    "risk_unicity": "Share of residents whose profile, as the attacker pieced it together, is the only one "
                    "matching a few known places and times (de Montjoye et al. 2013).",
    "risk_exposure": "Share of residents' days whose records, tied to a person, the city holds at the end of the "
                     "simulated period: what a breach would leak.",
    "risk_face_false_alerts_per_10k": "Innocent passers-by wrongly matched to the watchlist, per 10,000 faces.",
}


def preset_title(name: str) -> str:
    """Return how the preset picker shows a preset: its title and name."""
    return f"{stages.presets()[name].title} ({name})"


def pick_preset() -> None:
    """Preset picker callback: load the preset chosen."""
    state.choose_preset(st.session_state["preset_picker"])


def problems_box(title: str, problems: list[str]) -> None:
    """Show a list of problems as one error message, each problem escaped and the list capped.

    Args:
        title: Markdown written by the app; any text from a visitor in it must be passed through
            :func:`dashboard.safe_text.md` first.
        problems: Lines that may quote a link or an upload: shown as the characters they are.
    """
    st.error(title + "\n\n" + problem_lines(problems))


def scenario_banner() -> None:
    """Say which scenario is shown, where it came from and what it is compared with; show a bad link's problems."""
    config = state.scenario()
    problems = st.session_state.get("link_problems")
    if problems:
        problems_box("The shared link could not be opened, so the default preset is shown:", problems)
    # the name matches simulation.scenario.Name (letters, digits, '_' and '-'); the source can quote a file name
    st.caption(f"Scenario **{config.name}** from {md(state.source())}: {config.population.residents:,} residents, "
               f"{config.world.days} days, {len(config.sensors)} sensor deployments. "
               f"Changes are shown against preset **{state.reference()}**.")


def headline(result: RunResult, reference: dict[str, float]) -> None:
    """Show the headline outcomes with their change against the reference preset and one plain sentence each."""
    outcomes = result.outcomes
    try:
        sentences = plain_sentences(outcomes, result.config)
    except Exception:  # noqa: BLE001 - a missing sentence must not take the page down
        sentences = {}
    face_recognition = any(getattr(sensor, "face_recognition", False) for sensor in result.config.sensors)
    for column, name in zip(st.columns(len(HEADLINES)), HEADLINES, strict=True):
        with column:
            if name == "risk_face_false_alerts_per_10k" and not face_recognition:
                st.metric(HEADLINE_TITLES[name], "off", border=True, help=METRIC_HELP[name])
                st.caption("No camera in this scenario recognises faces, so nobody is wrongly matched.")
                continue
            value = outcomes.get(name, float("nan"))
            change = format_change(name, value, reference.get(name, float("nan")))
            unchanged = change in (None, "no change")
            st.metric(HEADLINE_TITLES[name], format_value(name, value), delta=change,
                      delta_color="off" if unchanged else "normal" if name in HIGHER_IS_BETTER else "inverse",
                      delta_arrow="off" if unchanged else "auto", border=True,
                      help=f"{METRIC_HELP[name]} The change is against preset '{state.reference()}'.")
            if name in sentences:
                st.caption(sentences[name])
    st.caption(epsilon_line(result.release.noised, result.config.controls.differential_privacy.enabled,
                            result.config.controls.release.level == "records"))


def tradeoff_points(current: RunResult) -> pd.DataFrame:
    """Return the trade-off chart's points: every preset, the scenarios of this session and the current one."""
    infos = stages.presets()
    rows = [{"label": infos[name].title, "role": "preset", "utility": out["utility_overall"],
             "risk": out["risk_overall"],
             "hover": f"<b>Preset '{name}'</b>: {infos[name].title}<br>{infos[name].summary}"}
            for name, out in stages.preset_outcomes(last=state.reference()).items()]
    for entry in state.history():
        if entry.config != current.config:
            rows.append({"label": entry.label, "role": "session", "utility": entry.outcomes["utility_overall"],
                         "risk": entry.outcomes["risk_overall"], "hover": f"<b>{entry.label}</b>, run earlier in "
                         "this session"})
    rows.append({"label": "You are here", "role": "current", "utility": current.outcomes["utility_overall"],
                 "risk": current.outcomes["risk_overall"],
                 "hover": f"<b>Current scenario '{html_text(current.config.name)}'</b> from "
                          f"{html_text(state.source())}"})
    return pd.DataFrame(rows)


def tradeoff_figure(current: RunResult) -> go.Figure:
    """Return the trade-off chart for the current scenario (presets, session history, Pareto frontier)."""
    points = tradeoff_points(current)
    return stages.shared_figure("tradeoff", points.to_json(),
                               lambda: charts.tradeoff_figure(points, frames.pareto_front(points)))


def _key(outcomes: dict[str, dict[str, float]]) -> str:
    """Return a cache key of outcomes by scenario that keeps the scenarios' order (it is the bars' order)."""
    return json.dumps([[label, values] for label, values in outcomes.items()], sort_keys=True)


def service_figure(outcomes: dict[str, dict[str, float]]) -> go.Figure:
    """Return utility by service for scenarios by label."""
    return stages.shared_figure("services", _key(outcomes), lambda: charts.bars_figure(
        frames.outcome_frame(outcomes, UTILITY_LABELS), "Utility by service",
        "Utility (100% = as good as<br>knowing the truth)"))


def attack_figure(outcomes: dict[str, dict[str, float]]) -> go.Figure:
    """Return risk by attack for scenarios by label."""
    return stages.shared_figure("attacks", _key(outcomes), lambda: charts.bars_figure(
        frames.outcome_frame(outcomes, RISK_LABELS), "Risk by attack",
        "Share of residents (or of their<br>days) exposed, 0% = none"))
