"""Recommendations: the alternatives, the ranking and frontier, and a brute-force check on a small city."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulation.cli import main
from simulation.pipeline import run
from simulation.recommend.alternatives import alternatives, combine
from simulation.recommend.engine import MAX_COMBINED, distinct, recommend
from simulation.recommend.ranking import (
    MIN_RISK_REDUCTION,
    UTILITY_FLOOR,
    Evaluated,
    pareto_frontier,
    rank,
    sentence,
)
from simulation.scenario_io import dump_scenario
from tests.conftest import tiny_config


def small_city(**controls):
    return tiny_config(population={"residents": 150}, world={"days": 2}, controls=controls)


def point(label, risk, utility):
    return Evaluated(label, (), {"risk_overall": risk, "utility_overall": utility})


def test_each_alternative_moves_one_control_to_a_new_valid_setting():
    config = small_city()
    options = alternatives(config)
    assert len(options) >= 20
    before = config.controls.model_dump()
    for option in options:
        after = option.apply(config).controls.model_dump()
        moved = [name for name in before if before[name] != after[name]]
        assert moved == [option.control], option.phrase
        assert option.apply(config).sensors == config.sensors  # stages 1-2 untouched


def test_no_alternative_acts_on_what_is_not_there():
    no_face = small_city()
    no_face = no_face.model_copy(update={"sensors": [s for s in no_face.sensors if s.kind != "cctv"]})
    options = alternatives(no_face)
    assert not [o for o in options if o.control == "face_recognition" or o.dataset == "cctv"]
    aggregated = small_city(release={"level": "aggregates"}, edge_aggregation={"kinds": ["wifi_bt"]})
    phrases = [o.phrase for o in alternatives(aggregated)]
    assert not [p for p in phrases if "aggregates" in p or "Wi-Fi" in p]


def test_alternatives_combine_on_lists_and_mappings():
    config = small_city()
    by_lever = {o.lever: o for o in alternatives(config)}
    both = combine(config, [by_lever["edge_aggregation.wifi_bt"], by_lever["edge_aggregation.anpr"]])
    assert set(both.controls.edge_aggregation.kinds) == {"wifi_bt", "anpr"}
    fewer = combine(config, [by_lever["access.operator.wifi_bt"], by_lever["access.operator.anpr"]])
    assert set(config.controls.access.datasets_for("operator")) - set(fewer.controls.access.datasets_for(
        "operator")) == {"wifi_bt", "anpr"}


def test_rank_orders_by_risk_reduction_per_utility_lost():
    base = point("base", 0.50, 0.40)
    cheap = point("cheap", 0.40, 0.39)        # 0.10 for 0.01: 10
    free = point("free", 0.45, 0.40)          # 0.05 for nothing: 0.05 / floor = 50
    dear = point("dear", 0.10, 0.20)          # 0.40 for 0.20: 2
    noise = point("noise", 0.50 - MIN_RISK_REDUCTION / 2, 0.40)
    worse = point("worse", 0.60, 0.45)
    assert [p.label for p in rank(base, [dear, worse, cheap, noise, free])] == ["free", "cheap", "dear"]
    assert sentence(base, cheap) == ("cheap: privacy risk 50.0% -> 40.0%, utility 40.0% -> 39.0% (10.0 points "
                                     "less risk; 1.0 points of utility).")
    assert "no utility lost" in sentence(base, free)
    assert UTILITY_FLOOR < 0.01


points = st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=30)


@given(points)
def test_the_frontier_is_undominated_and_dominates_the_rest(pairs):
    evaluated = [point(str(i), risk, utility) for i, (risk, utility) in enumerate(pairs)]
    frontier = pareto_frontier(evaluated)

    def beats(a, b):
        return a.utility >= b.utility and a.risk <= b.risk and (a.utility > b.utility or a.risk < b.risk)

    assert frontier
    for p in frontier:
        assert not any(beats(q, p) for q in evaluated)
    for p in evaluated:
        assert any(beats(q, p) or (q.risk, q.utility) == (p.risk, p.utility) for q in frontier)
    assert [p.risk for p in frontier] == sorted(p.risk for p in frontier)


@pytest.fixture(scope="module")
def found():
    return recommend(small_city(), workers=2)


def test_recommendations_match_a_brute_force_run_one_at_a_time(found):
    """Every alternative run alone from scratch (its own world) gives the engine's figures, and the ranking."""
    config = small_city()
    options = alternatives(config)
    assert [s.label for s in found.singles] == [o.phrase for o in options]
    base = run(config).outcomes
    assert found.base.risk == base["risk_overall"] and found.base.utility == base["utility_overall"]
    brute = {}
    for option in options:
        outcomes = run(option.apply(config)).outcomes
        brute[option.phrase] = (outcomes["risk_overall"], outcomes["utility_overall"])
    assert {s.label: (s.risk, s.utility) for s in found.singles} == brute

    def by_hand(item):
        (risk, utility) = item[1]
        reduction, lost = base["risk_overall"] - risk, base["utility_overall"] - utility
        return -reduction / max(lost, UTILITY_FLOOR), -reduction

    useful = [(p, v) for p, v in brute.items() if base["risk_overall"] - v[0] >= MIN_RISK_REDUCTION]
    assert [s.label for s in found.ranked] == [p for p, _ in sorted(useful, key=by_hand)]


def test_the_greedy_combinations_are_prefixes_of_the_distinct_ranking(found):
    chosen = [c.alternatives[0] for c in distinct(found.ranked, MAX_COMBINED)]
    assert len({a.lever for a in chosen}) == len(chosen)
    assert [list(c.alternatives) for c in found.combinations] == [chosen[:n] for n in range(2, len(chosen) + 1)]
    last = found.combinations[-1]
    alone = run(combine(small_city(), list(last.alternatives))).outcomes
    assert (last.risk, last.utility) == (alone["risk_overall"], alone["utility_overall"])
    assert found.top(5) == distinct(found.ranked, 5)


def test_the_table_has_one_row_per_run_and_marks_the_frontier(found):
    table = found.table()
    assert len(table) == 1 + len(found.singles) + len(found.combinations)
    assert list(table["kind"].unique()) == ["current", "alternative", "combination"][:table["kind"].nunique()]
    assert table["on_pareto_frontier"].sum() == len(found.frontier)
    ranked = table.dropna(subset=["rank"]).sort_values("rank")
    assert list(ranked["label"]) == [s.label for s in found.ranked]


def test_recommend_command_prints_sentences_and_writes_the_csv(tmp_path, capsys):
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(dump_scenario(tiny_config()))
    out = tmp_path / "rec.csv"
    assert main(["recommend", str(scenario), "--residents", "120", "--days", "1", "--top", "3", "--workers", "1",
                 "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "alternatives and" in printed and "Pareto frontier" in printed
    assert "privacy risk" in printed or "No alternative lowers" in printed
    assert out.read_text().startswith("kind,rank,label")


def test_recommend_command_refuses_a_bad_top(capsys):
    with pytest.raises(SystemExit):
        main(["recommend", "gdpr_baseline", "--top", "0"])
    assert "at least 1" in capsys.readouterr().err
