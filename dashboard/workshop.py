"""Workshop plumbing: the shared vote store, the facilitator's passphrase, each phone's token, the join link.

Security notes:
- The passphrase comes from the environment (WORKSHOP_PASSPHRASE) or Streamlit secrets (``workshop_passphrase``),
  is typed into a password field (never a URL), compared in constant time (``hmac.compare_digest``) and never
  logged or shown. Without one, the facilitator's controls stay locked.
- A participant is a random token (``secrets.token_urlsafe``) kept in their voting page's address, so a reload
  keeps their vote and changing it never counts it twice. It carries no identity.
"""

from __future__ import annotations

import hmac
import io
import os
import re
import secrets
import socket
from pathlib import Path
from urllib.parse import urlsplit

import segno
import streamlit as st

from dashboard.poll_store import MAX_TOKEN_LENGTH, PollStore
from dashboard.workshop_questions import answer_sets

PASSPHRASE_ENV = "WORKSHOP_PASSPHRASE"
DATABASE_ENV = "WORKSHOP_DB"
DEFAULT_DATABASE = Path.home() / ".cache" / "city-privacy" / "workshop.sqlite"
VOTE_PATH = "vote"
"""The participants' page (short URL: http://<server>/vote)."""
TOKEN_PARAM = "p"
_TOKEN = re.compile(rf"^[A-Za-z0-9_-]{{8,{MAX_TOKEN_LENGTH}}}$")


@st.cache_resource(show_spinner=False)
def _store(path: str) -> PollStore:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return PollStore(path, answer_sets())


def poll_store() -> PollStore:
    """Return the workshop's vote store (one per server and file; WORKSHOP_DB names the SQLite file)."""
    return _store(str(Path(os.environ.get(DATABASE_ENV, "") or DEFAULT_DATABASE)))


def configured_passphrase() -> str | None:
    """Return the facilitator's passphrase from the environment or Streamlit secrets, or None if unset."""
    value = os.environ.get(PASSPHRASE_ENV)
    if not value:
        try:
            value = st.secrets.get("workshop_passphrase")
        except Exception:  # noqa: BLE001 - no secrets file at all is the usual case
            value = None
    return str(value) if value else None


def passphrase_matches(given: str, expected: str | None) -> bool:
    """Return whether the typed passphrase is the configured one (constant-time; False when none is set)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def participant_token() -> str:
    """Return this phone's participant token, creating it (and putting it in the page's address) the first time."""
    token = st.query_params.get(TOKEN_PARAM, "")
    if not _TOKEN.match(token or ""):
        token = st.session_state.get("participant_token") or secrets.token_urlsafe(12)
        st.query_params[TOKEN_PARAM] = token
    st.session_state["participant_token"] = token
    return token


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]", "")


def lan_address() -> str | None:
    """Return this machine's address on its local network, or None (a UDP socket's route; nothing is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def public_base_url() -> str:
    """Return this app's address as others on the network can reach it (ends without a slash).

    The address the browser used, unless that is this computer's own name (localhost) while the server listens
    on the network: then the machine's network address, so a link or QR code works on other devices.
    """
    url = st.context.url or ""
    parts = urlsplit(url)
    host = (st.context.headers.get("Host", "") if st.context.headers else "") or parts.netloc or "localhost:8501"
    name, _, port = host.rpartition(":") if host.count(":") == 1 else (host, "", "")
    bound = str(st.get_option("server.address") or "")
    if (name or host) in LOCAL_HOSTS and bound not in LOCAL_HOSTS:
        address = lan_address()
        if address:
            host = f"{address}:{port}" if port else address
    return f"{parts.scheme or 'http'}://{host}"


def join_url() -> str:
    """Return the short address participants type or scan."""
    return f"{public_base_url()}/{VOTE_PATH}"


def qr_png(text: str, scale: int = 8) -> bytes:
    """Return a QR code of the text as PNG bytes (segno; no network, no image library)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def is_local_only(url: str) -> bool:
    """Return whether an address only works on the server itself (phones cannot reach it)."""
    return (urlsplit(url).hostname or "") in LOCAL_HOSTS
