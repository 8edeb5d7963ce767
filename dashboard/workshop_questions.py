"""The five citizen questions of the workshop poll, with plain answers (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    """One poll question.

    Attributes:
        key: Stable id (stored with each vote).
        text: The question as participants read it.
        answers: The answers they choose from, in the order shown.
    """

    key: str
    text: str
    answers: tuple[str, ...]


QUESTIONS: tuple[Question, ...] = (
    Question("scenario", "Which of these would you accept in your city?",
             ("Only counts, computed on the sensor (edge only)",
              "Pseudonymous data under GDPR rules (GDPR baseline)",
              "A public-safety camera network with face recognition",
              "None of them")),
    Question("rotation", "Would you give up a little service quality so that the city changes the codes that "
                         "hide your identity every hour instead of every day?",
             ("Yes, privacy matters more", "Only if the loss is very small", "No, service quality matters more")),
    Question("face_recognition", "Should cameras in public places recognise faces live?",
             ("No, never", "Only to find a missing or wanted person, with a judge's approval", "Yes")),
    Question("who_sees", "Who may see the records the sensors keep about people?",
             ("Nobody: publish only counts", "The city's operators only", "Operators and the police",
              "Anyone, as open data")),
    Question("retention", "How long may the city keep records that can be tied to a person?",
             ("Not at all", "One day", "One week", "One month", "A year or more")),
)
"""The questions, in the order the facilitator's script asks them."""

QUESTION_BY_KEY: dict[str, Question] = {q.key: q for q in QUESTIONS}


def answer_sets() -> dict[str, tuple[str, ...]]:
    """Return question key -> allowed answers (what the vote store checks against)."""
    return {q.key: q.answers for q in QUESTIONS}
