"""The workshop poll's vote store: one vote per participant per question, WAL, facilitator actions, CSV."""

import csv
import io
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.poll_store import PollError, PollStore
from dashboard.workshop_questions import QUESTIONS, answer_sets

QUESTIONS_AB = {"q": ("a", "b", "c")}


@pytest.fixture
def store(tmp_path):
    s = PollStore(tmp_path / "poll.sqlite", QUESTIONS_AB)
    s.set_state("q", "open")
    yield s
    s.close()


def test_a_file_database_runs_in_wal_mode(store):
    assert store.journal_mode() == "wal"


def test_changing_a_vote_replaces_it(store):
    store.vote("q", "alice", "a")
    store.vote("q", "alice", "b")
    store.vote("q", "bob", "b")
    assert store.results("q") == {"a": 0, "b": 2, "c": 0}
    assert store.answer_of("q", "alice") == "b"


def test_votes_are_taken_only_while_the_question_is_open(store):
    store.vote("q", "alice", "a")
    for state in ("closed", "revealed"):
        store.set_state("q", state)
        with pytest.raises(PollError, match="not open"):
            store.vote("q", "bob", "a")
    assert store.results("q")["a"] == 1


@pytest.mark.parametrize(("question", "participant", "answer", "message"), [
    ("q", "alice", "z", "not an answer"),
    ("nope", "alice", "a", "unknown question"),
    ("q", "", "a", "token"),
    ("q", "x" * 65, "a", "token"),
])
def test_bad_votes_are_refused_with_the_reason(store, question, participant, answer, message):
    with pytest.raises(PollError, match=message):
        store.vote(question, participant, answer)


def test_reset_deletes_the_votes_and_closes(store):
    store.vote("q", "alice", "a")
    store.reset("q")
    assert store.results("q") == {"a": 0, "b": 0, "c": 0} and store.state("q") == "closed"


def test_states_survive_a_new_connection(tmp_path):
    first = PollStore(tmp_path / "p.sqlite", QUESTIONS_AB)
    first.set_state("q", "open")
    first.vote("q", "alice", "c")
    first.close()
    second = PollStore(tmp_path / "p.sqlite", QUESTIONS_AB)
    assert second.state("q") == "open" and second.results("q")["c"] == 1
    second.close()


def test_export_has_one_row_per_vote(store):
    store.vote("q", "alice", "a")
    store.vote("q", "bob", "c")
    store.vote("q", "alice", "c")
    rows = list(csv.DictReader(io.StringIO(store.export_csv().decode())))
    assert sorted((r["participant"], r["answer"]) for r in rows) == [("alice", "c"), ("bob", "c")]


def test_many_phones_voting_at_once_are_each_counted_once(tmp_path):
    store = PollStore(tmp_path / "p.sqlite", QUESTIONS_AB)
    store.set_state("q", "open")

    def phone(i):
        for answer in ("b", "c", "a" if i % 2 else "c"):
            store.vote("q", f"p{i}", answer)

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.results("q") == {"a": 20, "b": 0, "c": 20}
    store.close()


@settings(max_examples=40, deadline=None)
@given(votes=st.lists(st.tuples(st.sampled_from(["p1", "p2", "p3", "p4"]), st.sampled_from(["a", "b", "c"])),
                      max_size=30))
def test_results_are_each_participants_last_answer(votes):
    store = PollStore(":memory:", QUESTIONS_AB)
    store.set_state("q", "open")
    last = {}
    for participant, answer in votes:
        store.vote("q", participant, answer)
        last[participant] = answer
    expected = {a: sum(1 for v in last.values() if v == a) for a in ("a", "b", "c")}
    assert store.results("q") == expected
    store.close()


def test_the_five_questions_have_distinct_keys_and_answers():
    assert len(QUESTIONS) == 5 and len(answer_sets()) == 5
    assert all(len(set(q.answers)) == len(q.answers) >= 2 for q in QUESTIONS)


def test_local_addresses_are_told_apart_from_network_ones():
    from dashboard.workshop import is_local_only

    assert is_local_only("http://localhost:8501/vote") and is_local_only("http://127.0.0.1:8501/vote")
    assert not is_local_only("http://192.168.1.20:8501/vote")
