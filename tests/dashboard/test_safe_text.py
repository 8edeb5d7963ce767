"""Visitors' text shown as the characters it is: Markdown and HTML escaped, length capped."""

from __future__ import annotations

import re
import string

from hypothesis import given
from hypothesis import strategies as st

from dashboard.safe_text import WORD_JOINER, html_text, md, problem_lines
from simulation.scenario_errors import MAX_PROBLEM_CHARS, MAX_PROBLEMS


def _read_as_commonmark(shown: str) -> str:
    """Return the characters CommonMark shows for text made only of plain characters and escaped punctuation.

    Fails if any punctuation character stands unescaped (it could start a link, an image, a tag or emphasis).
    """
    out, i = [], 0
    while i < len(shown):
        if shown[i] == "\\":
            assert shown[i + 1] in string.punctuation
            out.append(shown[i + 1])
            i += 2
        else:
            assert shown[i] not in string.punctuation, shown
            out.append(shown[i])
            i += 1
    return "".join(out).replace(WORD_JOINER, "")


@given(st.text(max_size=300))
def test_escaped_text_reads_back_as_the_same_characters(text):
    shown = md(text, limit=10_000)
    assert _read_as_commonmark(shown) == re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]+", " ", text)


def test_links_images_html_and_maths_cannot_form():
    shown = md("[a](http://e.x) ![i](http://e.x/i.png) <b>x</b> $y$ :red[z] www.e.x\n# title").replace(WORD_JOINER, "|")
    assert shown == (r"\[a\]\(http|\:\/\/e\.x\) \!\[i\]\(http|\:\/\/e\.x\/i\.png\) \<b\>x\<\/b\> \$y\$ |\:red\[z\] "
                     r"www|\.e\.x \# title")


def test_bare_addresses_are_broken_by_an_invisible_joiner():
    shown = md("see https://e.x, WWW.e.x or me@e.x")
    assert "https" + WORD_JOINER + "\\:" in shown and "WWW" + WORD_JOINER + "\\." in shown
    assert WORD_JOINER + "\\@" in shown


def test_html_text_escapes_tags_and_is_short():
    assert html_text("<a href='x'>y</a>") == "&lt;a href=&#x27;x&#x27;&gt;y&lt;/a&gt;"
    assert len(html_text("x" * 10_000)) == 80


def test_problem_lines_are_capped_in_number_and_length():
    text = problem_lines(["x" * 100_000] * 1000)
    lines = text.splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert all(len(_read_as_commonmark(line.removeprefix("- "))) <= MAX_PROBLEM_CHARS for line in lines)
