"""Which cities a dashboard visitor may use: a fixed set, never a path on the server.

A scenario from a link, an uploaded file or the form may name only ``default``, ``generated``, a zone table shipped
in ``data/`` (``data/<file>``), or a zone table this browser session uploaded (``upload:<digest>``). Anything else
is refused by looking at the text alone, before any file is touched, so a visitor learns nothing about the
server's files. An uploaded table is checked (size, format, a city that can be simulated), kept as a City in the
session only (never written to disk) and named by the digest of its content, so the stage caches tell tables apart
and two sessions uploading the same table share its world.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from simulation.scenario import ScenarioConfig
from simulation.scenario_errors import shorten, show_value
from simulation.world.city import City
from simulation.world.city_io import UPLOAD_PREFIX, city_from_bytes, zone_table
from simulation.world.city_source import shipped_tables

MAX_UPLOADED_CITIES = 3
"""Zone tables a session keeps at once; uploading another forgets the oldest one not in use."""
BUILT_IN = {"default": "Default city (24 x 24 zones)", "generated": "A city generated from the scenario's seed"}


@dataclass(frozen=True)
class UploadedCity:
    """A zone table uploaded in this session.

    Attributes:
        file_name: The uploaded file's name (shortened), shown to the visitor who uploaded it.
        city: The checked city.
        table: The zone table as CSV, for download.
    """

    file_name: str
    city: City
    table: bytes


def _uploads() -> dict[str, UploadedCity]:
    return st.session_state.setdefault("uploaded_cities", {})


def city_value(table_csv: bytes) -> str:
    """Return the ``world.city`` value of an uploaded zone table: the prefix and a digest of its content."""
    return UPLOAD_PREFIX + hashlib.blake2b(table_csv, digest_size=8).hexdigest()


def add_upload(data: bytes, file_name: str, in_use: str) -> str:
    """Check an uploaded zone table and keep it in the session.

    Args:
        data: The file's bytes.
        file_name: Its name (the suffix picks CSV or GeoJSON).
        in_use: The current scenario's ``world.city``, which is never forgotten to make room.

    Returns:
        The ``world.city`` value naming it.

    Raises:
        CityError: The table cannot be used (the message names the problem).
    """
    city = city_from_bytes(data, file_name)
    table = zone_table(city).to_csv(index=False, lineterminator="\n").encode("utf-8")
    value = city_value(table)
    uploads = _uploads()
    uploads.pop(value, None)
    uploads[value] = UploadedCity(file_name=shorten(file_name, 80), city=city, table=table)
    for old in [v for v in uploads if v not in (value, in_use)][: max(0, len(uploads) - MAX_UPLOADED_CITIES)]:
        del uploads[old]
    return value


def choices() -> dict[str, str]:
    """Return the cities this session may use: ``world.city`` value -> label."""
    options = dict(BUILT_IN)
    options.update({name: f"Shipped zone table {name}" for name in shipped_tables()})
    options.update({value: f"Your zone table '{upload.file_name}'" for value, upload in _uploads().items()})
    return options


def city_problems(config: ScenarioConfig) -> list[str]:
    """Return why this session may not use the scenario's city (looking at the name only; empty if it may)."""
    value = config.world.city
    if value in choices():
        return []
    if value.startswith(UPLOAD_PREFIX):
        return ["world.city: this scenario uses a zone table uploaded in another browser session; upload that "
                "zone table here (Export page, 'Use your own city') and open the scenario again"]
    allowed = ", ".join([*BUILT_IN, *shipped_tables()])
    return [f"world.city: found {show_value(value)}; allowed here: {allowed}, or a zone table uploaded on the "
            "Export page (the dashboard never opens a file a scenario names)"]


def city_of(config: ScenarioConfig) -> City | None:
    """Return the uploaded City a scenario uses, or None when the simulation loads its city itself."""
    upload = _uploads().get(config.world.city)
    return upload.city if upload is not None else None


def uploaded(value: str) -> UploadedCity | None:
    """Return this session's uploaded zone table named by a ``world.city`` value, if any."""
    return _uploads().get(value)
