"""AppTest: the privacy risk at the real city's population, extrapolated on request and marked as such."""

from simulation.extrapolation import simulated_sizes


def test_the_estimate_runs_the_smaller_cities_and_is_marked_as_an_extrapolation(app):
    app.run()
    assert not [m for m in app.metric if "extrapolated" in m.label]  # nothing is run before it is asked for
    app.number_input(key="real_population").set_value(250_000)
    [button] = [b for b in app.button if b.key == "extrapolate"]
    button.click()
    app.run()
    assert not app.exception and not app.error
    [estimate] = [m for m in app.metric if "extrapolated" in m.label]
    assert estimate.label == "Privacy risk at 250,000 residents (extrapolated)"
    assert estimate.value.endswith("%") and 0 <= int(estimate.value[:-1]) <= 100
    sizes = simulated_sizes(app.session_state["scenario"])
    assert all(f"{n:,}" in " ".join(c.value for c in app.caption) for n in sizes)
