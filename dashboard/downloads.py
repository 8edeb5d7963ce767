"""What the export page offers for download, as bytes (pure functions, tested without a browser)."""

from __future__ import annotations

import io
import json
import zipfile

from simulation.export import (
    breakdown_bytes,
    dictionary_bytes,
    manifest,
    results_table_bytes,
    sensor_table,
    table_bytes,
)
from simulation.pipeline import RunResult
from simulation.scenario_io import dump_scenario


def results_zip(result: RunResult, fmt: str) -> bytes:
    """Return a zip of the run's results row and every breakdown in one format, with the manifest and scenario.

    Args:
        result: The run.
        fmt: "csv" or "parquet".

    Returns:
        Zip bytes holding ``results.<fmt>``, ``breakdown_<name>.<fmt>``, ``sensors.<fmt>``,
        ``data_dictionary.csv``, ``manifest.json`` and ``scenario.yaml``.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"results.{fmt}", results_table_bytes(result, fmt))
        for name in sorted(result.assessment.breakdowns):
            archive.writestr(f"breakdown_{name}.{fmt}", breakdown_bytes(result, name, fmt))
        archive.writestr(f"sensors.{fmt}", table_bytes(sensor_table(result), fmt))
        archive.writestr("data_dictionary.csv", dictionary_bytes(result))
        archive.writestr("manifest.json", json.dumps(manifest(result.config), indent=2))
        archive.writestr("scenario.yaml", dump_scenario(result.config))
    return buffer.getvalue()


def scenario_file_name(result: RunResult) -> str:
    """Return the file name of a scenario download."""
    return f"{result.config.name}.yaml"

