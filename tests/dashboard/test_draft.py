"""The editor's pure parts: an edited preset's name, sampling intervals on the slot grid, problem lines by title,
zones read from a map selection and the picking map."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.draft import edited_name, on_slot_grid
from dashboard.zone_picker import eligible_zones, selected_zones, zone_picker_figure
from simulation.presets import DEFAULT_PRESET, list_presets, load_preset
from simulation.scenario_titles import titled_problems
from simulation.world.city_source import load_city

PRESET = load_preset(DEFAULT_PRESET)
INFO = next(info for info in list_presets() if info.name == DEFAULT_PRESET)


def test_an_unchanged_preset_keeps_its_name_and_description():
    renamed = PRESET.model_copy(update={"name": "x_edited", "description": "Edited from preset ..."})
    assert edited_name(renamed, PRESET, INFO) == PRESET


def test_an_edited_preset_is_named_and_described_as_an_edit():
    adversary = PRESET.adversary.model_copy(update={"known_points": 2})
    config = edited_name(PRESET.model_copy(update={"adversary": adversary}), PRESET, INFO)
    assert config.name == f"{DEFAULT_PRESET}_edited"
    assert config.description == (f"Edited from preset '{INFO.title}' ({DEFAULT_PRESET}). "
                                  "Changed: Adversary: Known points: 2.")


def test_a_name_and_description_of_your_own_are_kept():
    adversary = PRESET.adversary.model_copy(update={"known_points": 2})
    mine = PRESET.model_copy(update={"adversary": adversary, "name": "mine", "description": "My plan."})
    assert edited_name(mine, PRESET, INFO) == mine


@pytest.mark.parametrize("minutes, slot, expected", [(15, 15, 15), (16, 15, 30), (1, 60, 60), (15, 20, 20),
                                                     (1440, 60, 1440), (1439, 60, 1440)])
def test_sampling_intervals_move_up_to_the_slot_grid(minutes, slot, expected):
    assert on_slot_grid(minutes, slot) == expected


def test_problem_lines_name_settings_by_their_titles():
    data = PRESET.model_dump(mode="json")
    lines = titled_problems(["controls.differential_privacy.epsilon: found -1; allowed: at least 0.001",
                    "sensors[0].placement (cctv_centre): district 'x' is not in this city",
                    "this server runs scenarios of at most 70,000 resident-days"], data["sensors"])
    assert lines == ["Differential privacy: Epsilon per release: found -1; allowed: at least 0.001",
                     "CCTV camera 'cctv_centre': district 'x' is not in this city",
                     "this server runs scenarios of at most 70,000 resident-days"]


def test_a_selection_names_its_zones_once_each():
    selection = {"points": [{"customdata": 5}, {"customdata": [3]}, {"customdata": 5.0}, {"x": 1},
                            {"customdata": True}]}
    assert selected_zones(selection) == [3, 5]
    assert selected_zones(None) == [] and selected_zones({}) == []


def test_the_picking_map_dims_zones_the_kind_cannot_use_and_outlines_the_picked():
    city = load_city(PRESET.world, PRESET.seed)
    roads = eligible_zones("anpr", city)
    assert np.array_equal(roads, np.flatnonzero(city.zones["road"].to_numpy(bool)))
    figure = zone_picker_figure(city.zones, roads, [int(roads[0]), int(roads[0]), 7])
    can, cannot, picked = figure.data[1:]
    assert len(can.customdata) == len(roads) and len(cannot.customdata) == city.n_zones - len(roads)
    assert sorted(picked.customdata) == sorted({int(roads[0]), 7})
