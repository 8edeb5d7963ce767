"""The session's scenario state: the current scenario, its reference preset, its history and its link.

Session state (``st.session_state``): the current scenario, the preset it is compared with, where it came from,
the scenarios run so far in this browser session (for the Pareto frontier and the compare page), and the
generation of the controls form (bumped when a whole new scenario is loaded so the form shows its values). The
runs themselves come from :mod:`dashboard.stages`, shared by every session.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from dashboard import share, stages
from dashboard.admission import RefusedError
from dashboard.safe_text import md, problem_lines
from simulation import pipeline
from simulation.scenario import ScenarioConfig


@dataclass
class HistoryEntry:
    """A scenario run in this browser session.

    Attributes:
        label: Short name shown in charts ("Run 3: my_scenario").
        config: The scenario.
        outcomes: Its ``utility_*`` and ``risk_*`` outcomes.
    """

    label: str
    config: ScenarioConfig
    outcomes: dict[str, float] = field(default_factory=dict)


def _session() -> st.runtime.state.SessionStateProxy:
    return st.session_state


def init_session() -> None:
    """Load the session's first scenario: from the URL's query parameters if any, else the default preset.

    A link that cannot be opened, or whose scenario this server does not run (:func:`scenario_problems`),
    leaves the default preset loaded and its problems in ``link_problems``.
    """
    session = _session()
    if "scenario" in session:
        return
    session["history"] = []
    session["form_epoch"] = 0
    session["link_problems"] = []
    name = stages.default_preset()
    config, source = stages.preset_config(name), f"preset '{name}'"
    if share.PRESET_PARAM in st.query_params:
        try:
            linked_name, linked = share.scenario_from_params(st.query_params.to_dict(), stages.preset_config,
                                                             list(stages.presets()))
        except share.LinkError as error:
            session["link_problems"] = error.problems
        else:
            session["link_problems"] = stages.scenario_problems(linked)
            if not session["link_problems"]:
                name, config, source = linked_name, linked, "a shared link"
    session["reference"] = name
    _load(config, source)


def _load(config: ScenarioConfig, source: str) -> None:
    session = _session()
    session["scenario"] = config
    session["source"] = source
    session["form_epoch"] = session.get("form_epoch", 0) + 1


def scenario() -> ScenarioConfig:
    """Return the session's current scenario."""
    return _session()["scenario"]


def reference() -> str:
    """Return the name of the preset the current scenario is compared with."""
    return _session()["reference"]


def source() -> str:
    """Return where the current scenario came from (a preset, the form, an upload, a shared link)."""
    return _session()["source"]


def form_key() -> str:
    """Return the widget-key prefix of the controls form (changes whenever a whole scenario is loaded)."""
    return f"form{_session()['form_epoch']}"


def choose_preset(name: str) -> None:
    """Load a preset as the current scenario and compare against it."""
    _session()["reference"] = name
    _load(stages.preset_config(name), f"preset '{name}'")


def apply_changes(config: ScenarioConfig) -> None:
    """Make a scenario edited in the form the current one (the form keeps its widgets)."""
    session = _session()
    session["scenario"] = config
    session["source"] = "your changes"


def load_uploaded(config: ScenarioConfig, file_name: str) -> None:
    """Make an uploaded scenario the current one."""
    _load(config, f"uploaded file '{file_name}'")


def current_result(retry: bool = True) -> pipeline.RunResult | None:
    """Run the current scenario (cached stages) and remember it in the session's history.

    If the simulation fails on it, an error says so and the last scenario that really ran in this session (the
    default preset if none did) is loaded again and run instead: a failing scenario never stays loaded, so no
    page keeps re-running it.

    Args:
        retry: Run the restored scenario after a failure (False for that run itself).

    Returns:
        The run, or None if no scenario could be run.
    """
    session = _session()
    config = session["scenario"]
    try:
        result = stages.run_scenario(config)
    except Exception as error:  # noqa: BLE001 - a user must never see a traceback
        _restore_after(error)
        return current_result(retry=False) if retry else None
    session["last_good"] = config
    remember(config, result.outcomes)
    return result


def _restore_after(error: Exception) -> None:
    """Say why the current scenario did not run and load the last one that ran (or the default preset)."""
    session = _session()
    good = session.get("last_good")
    if good is None or good == session["scenario"]:
        session["reference"] = stages.default_preset()
        good = stages.preset_config(session["reference"])
    if isinstance(error, RefusedError):
        st.error("This server will not run this scenario now; the last scenario that ran is shown instead.\n\n"
                 + problem_lines(error.problems))
    else:
        detail = type(error).__name__ + (f": {error}" if isinstance(error, ValueError) else "")
        st.error(f"The simulation could not run this scenario ({md(detail)}). The last scenario that ran is shown "
                 "instead.")
    _load(good, "the last scenario that ran")


def remember(config: ScenarioConfig, outcomes: dict[str, float]) -> None:
    """Add a scenario to the session's history unless it is already there."""
    history: list[HistoryEntry] = _session().setdefault("history", [])
    if any(entry.config == config for entry in history):
        return
    history.append(HistoryEntry(label=f"Run {len(history) + 1}: {config.name}", config=config,
                                outcomes=dict(outcomes)))


def history() -> list[HistoryEntry]:
    """Return the scenarios run in this browser session, oldest first."""
    return list(_session().get("history", []))


def share_params() -> dict[str, str]:
    """Return the query parameters that reopen the current scenario."""
    name = reference()
    return share.scenario_params(scenario(), name, stages.preset_config(name))


def sync_query_params() -> None:
    """Keep the browser's URL equal to the shareable link of the current scenario."""
    params = share_params()
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
