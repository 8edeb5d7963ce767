"""Command line: ``python -m simulation run | sweep | extrapolate | validate | list | export``.

Every problem is reported as a readable message on stderr with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from simulation.scenario import ScenarioConfig
from simulation.scenario_io import ScenarioError, dump_scenario, load_scenario

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def resolve_scenario(reference: str) -> ScenarioConfig:
    """Load a scenario from a file path or a preset name.

    Raises:
        ScenarioError: If it is neither a valid file nor a known preset.
    """
    from simulation.presets import list_presets, load_preset

    path = Path(reference)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise ScenarioError([f"{reference}: no such file"])
        return load_scenario(path)
    known = [p.name for p in list_presets()]
    if reference in known:
        return load_preset(reference)
    raise ScenarioError([f"{reference!r} is neither a scenario file nor a preset; presets: {', '.join(known)}"])


def _override(config: ScenarioConfig, args: argparse.Namespace) -> ScenarioConfig:
    from simulation.sweep import apply_settings

    settings = {}
    if args.seed is not None:
        settings["seed"] = args.seed
    if args.residents is not None:
        settings["population.residents"] = args.residents
    if args.days is not None:
        settings["world.days"] = args.days
    return apply_settings(config, settings) if settings else config


def cmd_run(args: argparse.Namespace) -> int:
    """Run one scenario, print a summary and write the results."""
    from simulation.export import world_summary, write_run
    from simulation.pipeline import run
    from simulation.report import format_summary

    config = _override(resolve_scenario(args.scenario), args)
    started = time.perf_counter()
    result = run(config, progress=not args.quiet)
    seconds = time.perf_counter() - started
    written = write_run(result, args.out, include_observations=not args.no_observations)
    print(format_summary(result, world_summary(result), seconds))
    print(f"\nwrote {len(written)} files to {args.out}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate scenario files: exit 0 when all are valid."""
    status = EXIT_OK
    for name in args.files:
        try:
            config = load_scenario(name)
        except ScenarioError as error:
            print(f"{name}: invalid", file=sys.stderr)
            for problem in error.problems:
                print(f"  - {problem}", file=sys.stderr)
            status = EXIT_INVALID
        else:
            print(f"{name}: valid ({config.name}, {len(config.sensors)} sensor deployments)")
    return status


def cmd_list(args: argparse.Namespace) -> int:
    """List the presets with a one-line description each."""
    from simulation.presets import DEFAULT_PRESET, list_presets

    presets = list_presets()
    width = max(len(p.name) for p in presets)
    for preset in presets:
        marker = "*" if preset.name == DEFAULT_PRESET else " "
        print(f"{marker} {preset.name:<{width}}  {preset.summary}")
    print("\n* the default preset")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write a preset or scenario as a complete, explicit YAML file."""
    config = _override(resolve_scenario(args.scenario), args)
    text = dump_scenario(config)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return EXIT_OK


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a sweep spec and write the results table."""
    from tqdm import tqdm

    from simulation.export import manifest, table_bytes
    from simulation.sweep import expand, load_sweep, run_sweep

    spec = load_sweep(Path(args.spec).read_text(encoding="utf-8"))
    base = resolve_scenario(spec.base)
    total = len(expand(spec, base))
    executor, client = None, None
    if args.scheduler:
        from dask.distributed import Client

        client = Client(args.scheduler)
        executor = client.get_executor()
    try:
        with tqdm(total=total, unit="run", disable=args.quiet) as bar:
            table = run_sweep(spec, base, executor=executor, workers=args.workers, on_done=bar.update)
    finally:
        if client is not None:
            client.close()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sweep.csv").write_bytes(table_bytes(table, "csv"))
    (out / "sweep.parquet").write_bytes(table_bytes(table, "parquet"))
    import json

    (out / "manifest.json").write_text(json.dumps({**manifest(base), "sweep": spec.model_dump()}, indent=2))
    print(f"{len(table)} runs -> {out / 'sweep.csv'}")
    return EXIT_OK


def _sizes(text: str) -> list[int]:
    """Parse ``--sizes``: comma-separated populations of at least 10."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes takes whole numbers separated by commas, e.g. 1250,2500,5000; "
                                         f"got {text[:80]!r}") from None
    if len(set(sizes)) < 2 or min(sizes) < 10 or max(sizes) > 200_000:
        raise argparse.ArgumentTypeError("--sizes needs at least two distinct populations between 10 and 200000")
    return sizes


def cmd_extrapolate(args: argparse.Namespace) -> int:
    """Measure the risk at a few simulated sizes and print it extrapolated to the real population."""
    from simulation.extrapolation import extrapolate, simulated_sizes
    from simulation.report import format_extrapolation

    config = _override(resolve_scenario(args.scenario), args)
    sizes = args.sizes or simulated_sizes(config)
    if not args.quiet:
        print(f"simulating {', '.join(f'{n:,}' for n in sizes)} residents...", file=sys.stderr)
    result = extrapolate(config, real_population=args.to, sizes=sizes)
    print(format_extrapolation(result))
    if args.out:
        result.table().to_csv(args.out, index=False)
        print(f"\nwrote {args.out}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the command line."""
    parser = argparse.ArgumentParser(prog="python -m simulation", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    def scale_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--seed", type=int, help="override the scenario seed")
        p.add_argument("--residents", type=int, help="override population.residents")
        p.add_argument("--days", type=int, help="override world.days")

    run = commands.add_parser("run", help="run one scenario (file or preset name)")
    run.add_argument("scenario")
    scale_options(run)
    run.add_argument("--out", required=True, help="folder for results, breakdowns, log and manifest")
    run.add_argument("--no-observations", action="store_true", help="do not write the observation log")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.set_defaults(handler=cmd_run)

    extra = commands.add_parser(
        "extrapolate", help="risk at the real city's population, extrapolated from a few simulated sizes")
    extra.add_argument("scenario")
    scale_options(extra)
    extra.add_argument("--to", type=int, help="real population (default: the scenario's population.real_population)")
    extra.add_argument("--sizes", type=_sizes, help="simulated populations, e.g. 1250,2500,5000 "
                                                   "(default: a quarter, a half and all of the scenario's residents)")
    extra.add_argument("--out", help="CSV file for the table (metric, share at each size, extrapolation)")
    extra.add_argument("--quiet", action="store_true")
    extra.set_defaults(handler=cmd_extrapolate)

    validate = commands.add_parser("validate", help="check scenario files")
    validate.add_argument("files", nargs="+")
    validate.set_defaults(handler=cmd_validate)

    listing = commands.add_parser("list", help="list the presets")
    listing.set_defaults(handler=cmd_list)

    export = commands.add_parser("export", help="write a preset or scenario as explicit YAML")
    export.add_argument("scenario")
    scale_options(export)
    export.add_argument("--out", default="-", help="file to write ('-' for standard output)")
    export.set_defaults(handler=cmd_export)

    sweep = commands.add_parser("sweep", help="run a sweep spec (levers x uncertainties x replicates)")
    sweep.add_argument("spec")
    sweep.add_argument("--out", required=True)
    sweep.add_argument("--workers", type=int, default=2, help="local processes (default 2)")
    sweep.add_argument("--scheduler", help="address of a Dask scheduler, e.g. tcp://127.0.0.1:8786")
    sweep.add_argument("--quiet", action="store_true")
    sweep.set_defaults(handler=cmd_sweep)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ScenarioError as error:
        print("invalid scenario:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_INVALID
    except (OSError, KeyError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_INVALID
