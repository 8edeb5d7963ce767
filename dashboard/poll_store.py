"""The workshop poll's votes, in an embedded SQLite database (no Streamlit here: tests and tools use it directly).

One row per (question, participant): a participant is a random token their phone keeps; voting again on a
question replaces their answer (an upsert), so a vote is never counted twice. The database runs in WAL mode, so
the projector's reads never block the phones' writes. Each question is closed, open or revealed; votes are taken
only while it is open, and results are shown to participants only once revealed.

Schema:
    questions(question TEXT PRIMARY KEY, state TEXT: 'closed' | 'open' | 'revealed', changed REAL)
    votes(question TEXT, participant TEXT, answer TEXT, at REAL, PRIMARY KEY (question, participant))
"""

from __future__ import annotations

import csv
import io
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STATES: tuple[str, ...] = ("closed", "open", "revealed")
"""A question's states: closed (no votes taken), open (taking votes), revealed (results shown, no votes)."""
MAX_TOKEN_LENGTH = 64
"""Participant tokens are random URL-safe strings; anything longer is refused."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    question TEXT PRIMARY KEY,
    state TEXT NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'revealed')),
    changed REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    question TEXT NOT NULL,
    participant TEXT NOT NULL,
    answer TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (question, participant)
);
"""


class PollError(ValueError):
    """A vote or a facilitator action that cannot be taken; the message says why."""


class PollStore:
    """Votes and question states of one workshop.

    Args:
        path: The SQLite file (created if missing), or ":memory:" for a test.
        questions: Question id -> its allowed answers.
    """

    def __init__(self, path: str | Path, questions: dict[str, tuple[str, ...]]):
        self.path = str(path)
        self.questions = {q: tuple(a) for q, a in questions.items()}
        self._lock = threading.Lock()  # one connection shared by the server's threads
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        with self._write() as db:
            db.executemany("INSERT OR IGNORE INTO questions (question, state, changed) VALUES (?, 'closed', ?)",
                           [(q, time.time()) for q in self.questions])

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def journal_mode(self) -> str:
        """Return SQLite's journal mode ('wal' for a file database)."""
        return str(self._rows("PRAGMA journal_mode")[0][0])

    def _check_question(self, question: str) -> None:
        if question not in self.questions:
            raise PollError(f"unknown question {question[:40]!r}; questions: {', '.join(self.questions)}")

    def state(self, question: str) -> str:
        """Return the question's state (one of STATES)."""
        self._check_question(question)
        return str(self._rows("SELECT state FROM questions WHERE question = ?", (question,))[0][0])

    def set_state(self, question: str, state: str) -> None:
        """Open, close or reveal a question (a facilitator action)."""
        self._check_question(question)
        if state not in STATES:
            raise PollError(f"state must be one of {', '.join(STATES)}; got {state[:20]!r}")
        with self._write() as db:
            db.execute("UPDATE questions SET state = ?, changed = ? WHERE question = ?", (state, time.time(), question))

    def reset(self, question: str) -> None:
        """Delete every vote on a question and close it (a facilitator action)."""
        self._check_question(question)
        with self._write() as db:
            db.execute("DELETE FROM votes WHERE question = ?", (question,))
            db.execute("UPDATE questions SET state = 'closed', changed = ? WHERE question = ?", (time.time(), question))

    def vote(self, question: str, participant: str, answer: str) -> None:
        """Record a participant's answer, replacing their earlier one on the same question.

        Raises:
            PollError: If the question is not open, the answer is not one of its answers, or the token is bad.
        """
        self._check_question(question)
        if not participant or len(participant) > MAX_TOKEN_LENGTH:
            raise PollError("this phone's participant token is missing or too long; reload the voting page")
        if answer not in self.questions[question]:
            raise PollError(f"{answer[:40]!r} is not an answer to this question")
        with self._write() as db:
            (state,) = db.execute("SELECT state FROM questions WHERE question = ?", (question,)).fetchone()
            if state != "open":
                raise PollError("this question is not open for votes right now")
            db.execute("INSERT INTO votes (question, participant, answer, at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (question, participant) DO UPDATE SET answer = excluded.answer, at = excluded.at",
                       (question, participant, answer, time.time()))

    def answer_of(self, question: str, participant: str) -> str | None:
        """Return the participant's current answer to a question, or None."""
        rows = self._rows("SELECT answer FROM votes WHERE question = ? AND participant = ?", (question, participant))
        return str(rows[0][0]) if rows else None

    def results(self, question: str) -> dict[str, int]:
        """Return the number of votes for each answer of a question (every answer listed, in order)."""
        self._check_question(question)
        counts = dict(self._rows("SELECT answer, COUNT(*) FROM votes WHERE question = ? GROUP BY answer",
                                 (question,)))
        return {answer: int(counts.get(answer, 0)) for answer in self.questions[question]}

    def export_csv(self) -> bytes:
        """Return every vote as CSV (question, participant, answer, unix time), one row per vote."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["question", "participant", "answer", "voted_at_unix"])
        writer.writerows(self._rows("SELECT question, participant, answer, at FROM votes ORDER BY question, at"))
        return out.getvalue().encode("utf-8")

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()
