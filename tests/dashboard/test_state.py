"""Session state helpers that need no script run."""

from __future__ import annotations

from dashboard import state


def test_the_reference_preset_runs_last_and_the_order_is_kept(monkeypatch):
    names = ["alpha", "beta", "gamma"]
    ran = []
    monkeypatch.setattr(state, "presets", lambda: dict.fromkeys(names))
    monkeypatch.setattr(state, "preset_config", lambda name: name)
    monkeypatch.setattr(state, "outcomes_of", lambda config: ran.append(config) or {"utility_overall": len(config)})
    monkeypatch.setattr(state, "_session", lambda: {"reference": "beta"})
    outcomes = state.preset_outcomes()
    assert ran == ["alpha", "gamma", "beta"]  # its stage-3 states are the last remembered
    assert list(outcomes) == names and outcomes["gamma"] == {"utility_overall": 5}
