"""Text from visitors shown safely: Markdown and HTML escaped, every message bounded in length.

Streamlit renders the text of ``st.error``, ``st.caption``, ``st.markdown`` and friends as Markdown, with
GitHub's extensions, ``$...$`` maths and ``:color[...]`` directives, and plotly renders a few HTML tags in hover
text. A field name, file name or value that came from a link or an upload must reach the page as the characters
it is, never as a link, an image the browser would fetch, or formatting, and never as a 300 kB wall of text:
:func:`md` and :func:`html_text` do that for the two renderers, :func:`problem_lines` for a list of problems.
"""

from __future__ import annotations

import html
import re
import string

from simulation.scenario_errors import MAX_PROBLEM_CHARS, capped, shorten

MAX_NAME_CHARS = 80
"""File names and other short labels from visitors are cut to this many characters."""

_ESCAPES = {ord(char): "\\" + char for char in string.punctuation}
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]+")
WORD_JOINER = "\u2060"
"""An invisible character that joins words; put inside what GitHub's Markdown would turn into a link by itself."""
_AUTOLINKS = re.compile(r"(?=[:@])|(?<=www)(?=\.)", re.IGNORECASE)


def md(text: object, limit: int = MAX_PROBLEM_CHARS) -> str:
    """Return text for a Markdown element that shows exactly its characters, cut to ``limit``.

    Every ASCII punctuation character is backslash-escaped (CommonMark shows an escaped punctuation character as
    itself), so no link, image, emphasis, HTML tag, maths or Streamlit directive can form; line breaks and other
    control characters become one space, so a text cannot start a new paragraph, list or heading. GitHub's
    Markdown also turns bare addresses (``http://...``, ``www.``, ``name@host``) into links after escapes are
    read, so an invisible word joiner (:data:`WORD_JOINER`) goes before every ``:`` and ``@`` and after a
    ``www`` followed by a dot: the text reads the same and no address is recognised.
    """
    plain = _BREAKS.sub(" ", shorten(str(text), limit))
    return _AUTOLINKS.sub(WORD_JOINER, plain).translate(_ESCAPES)


def html_text(text: object, limit: int = MAX_NAME_CHARS) -> str:
    """Return text for plotly hover labels and other HTML, with ``<``, ``>``, ``&`` and quotes escaped."""
    return html.escape(_BREAKS.sub(" ", shorten(str(text), limit)), quote=True)


def problem_lines(problems: list[str]) -> str:
    """Return problems as a Markdown list, each escaped, capped in number and length."""
    return "\n".join(f"- {md(problem)}" for problem in capped(list(problems)))
