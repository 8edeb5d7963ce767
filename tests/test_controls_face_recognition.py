import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.control_fixtures import random_log, release, small_world


@settings(max_examples=15, deadline=None)
@given(threshold=st.floats(0.3, 0.99), seed=st.integers(0, 500))
def test_matches_keep_their_face_and_every_other_template_is_deleted(threshold, seed):
    world = small_world()
    log = random_log(world, seed=seed, kinds=("cctv",))
    out = release(world, log, pseudonymisation={"enabled": False}, face_recognition={"match_threshold": threshold})
    frame = out.records["cctv"]
    score = log.of_kind("cctv")["value"].to_numpy()
    match = score >= np.float32(threshold)
    assert np.array_equal(frame["named"].to_numpy(), match)
    faces = world.residents["face"].to_numpy()[out.record_truth["cctv"]]
    assert np.array_equal(frame["pseudonym"].to_numpy()[match], faces[match])
    assert (frame["pseudonym"].to_numpy()[~match] == -1).all()
    assert ("cctv" in out.identified) == bool(match.any())
    note = out.audit.query("control == 'face_recognition'")["note"].item()
    assert note.startswith(f"{int(match.sum())} alerts")


def test_a_higher_threshold_raises_fewer_alerts():
    world = small_world()
    log = random_log(world, seed=1, kinds=("cctv",))
    alerts = [release(world, log, face_recognition={"match_threshold": t}).records["cctv"]["named"].sum()
              for t in (0.5, 0.6, 0.8)]
    assert alerts[0] >= alerts[1] >= alerts[2] and alerts[0] > alerts[2]


def test_alerts_are_named_even_when_pseudonymised():
    world = small_world()
    log = random_log(world, seed=2, kinds=("cctv",))
    out = release(world, log)
    frame = out.records["cctv"]
    assert frame["named"].any() and (frame.loc[frame["named"], "pseudonym"] >= 0).all()
