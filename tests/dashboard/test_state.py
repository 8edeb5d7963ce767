"""Stage helpers that need no script run."""

from __future__ import annotations

from dashboard import stages


def test_the_reference_preset_runs_last_and_the_order_is_kept(monkeypatch):
    names = ["alpha", "beta", "gamma"]
    ran = []
    monkeypatch.setattr(stages, "presets", lambda: dict.fromkeys(names))
    monkeypatch.setattr(stages, "preset_config", lambda name: name)
    monkeypatch.setattr(stages, "outcomes_of", lambda config: ran.append(config) or {"utility_overall": len(config)})
    outcomes = stages.preset_outcomes(last="beta")
    assert ran == ["alpha", "gamma", "beta"]  # its stage-3 states are the last remembered
    assert list(outcomes) == names and outcomes["gamma"] == {"utility_overall": 5}
