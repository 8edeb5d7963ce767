"""Command line: ``python -m simulation run | sweep | recommend | extrapolate | check-model | validate | list``.

Every problem is reported as a readable message on stderr with a non-zero exit code, never a traceback.
``validate`` refuses everything ``run`` would refuse: it also loads the scenario's city and checks that the sensors'
districts and zones exist there (:mod:`simulation.runnable`). The command line keeps the schema's full range of
scale (the dashboard caps it, see :mod:`dashboard.admission`).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from simulation.runnable import check_runnable
from simulation.scenario import ScenarioConfig
from simulation.scenario_errors import capped, readable_problems, shorten
from simulation.scenario_io import ScenarioError, dump_scenario, load_scenario

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_FACTS_OUTSIDE = 0, 1, 2, 3


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


def _overrides(args: argparse.Namespace) -> dict[str, int]:
    """Return the scenario settings the command line overrides (dotted path -> value)."""
    settings = {}
    if args.seed is not None:
        settings["seed"] = args.seed
    if args.residents is not None:
        settings["population.residents"] = args.residents
    if args.days is not None:
        settings["world.days"] = args.days
    return settings


def _override(config: ScenarioConfig, args: argparse.Namespace) -> ScenarioConfig:
    from simulation.sweep import apply_settings

    settings = _overrides(args)
    return apply_settings(config, settings) if settings else config


def cmd_run(args: argparse.Namespace) -> int:
    """Run one scenario, print a summary and write the results."""
    from simulation.controls.state_memo import no_states_remembered
    from simulation.export import OBSERVATIONS_FILE, horizon_start, world_summary, write_run
    from simulation.observation_export import write_observations_behind
    from simulation.pipeline import run
    from simulation.report import format_summary

    config = _override(resolve_scenario(args.scenario), args)
    check_runnable(config)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log_written = []  # the log is final after stage 2: it is written while stages 3-4 run

    def write_log_behind(world, log) -> None:
        log_written.append(write_observations_behind(log, horizon_start(world), out / OBSERVATIONS_FILE))

    started = time.perf_counter()
    with no_states_remembered():  # one run: no control moves, so no stage-3 state is asked for twice
        result = run(config, progress=not args.quiet, on_log=None if args.no_observations else write_log_behind)
    seconds = time.perf_counter() - started
    invocation = {"command_line": ["python", "-m", "simulation", *sys.argv[1:]] if args.argv is None
                  else ["python", "-m", "simulation", *args.argv], "overrides": _overrides(args)}
    written = write_run(result, out, include_observations=not args.no_observations, invocation=invocation,
                        observations_written=log_written[0] if log_written else None)
    print(format_summary(result, world_summary(result), seconds))
    print(f"\nwrote {len(written)} files to {args.out}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate scenario files: exit 0 when all are valid."""
    status = EXIT_OK
    for name in args.files:
        try:
            config = load_scenario(name)
            check_runnable(config)
        except ScenarioError as error:
            _print_problems(f"{name}: invalid", error.problems)
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

    from simulation.engine import cluster_executor
    from simulation.export import manifest, table_bytes
    from simulation.sweep import expand, load_sweep, run_sweep

    spec = load_sweep(_sweep_text(args.spec))
    base = resolve_scenario(spec.base)
    runs = expand(spec, base)
    _start_local_workers(args, runs[0][1])
    for _, config in {pipeline_inputs(config): (settings, config) for settings, config in runs}.values():
        check_runnable(config)
    with cluster_executor(args.scheduler) as executor, tqdm(total=len(runs), unit="run", disable=args.quiet) as bar:
        table = run_sweep(spec, base, executor=executor, workers=args.workers, on_done=bar.update)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sweep.csv").write_bytes(table_bytes(table, "csv"))
    (out / "sweep.parquet").write_bytes(table_bytes(table, "parquet"))
    import json

    (out / "manifest.json").write_text(json.dumps({**manifest(base), "sweep": spec.model_dump()}, indent=2))
    print(f"{len(table)} runs -> {out / 'sweep.csv'}")
    return EXIT_OK


def cmd_recommend(args: argparse.Namespace) -> int:
    """Try each control's alternatives and a greedy combination; print the best as sentences."""
    from tqdm import tqdm

    from simulation.engine import cluster_executor
    from simulation.recommend.engine import recommend
    from simulation.report import format_recommendations

    config = _override(resolve_scenario(args.scenario), args)
    _start_local_workers(args, config)
    check_runnable(config)
    with cluster_executor(args.scheduler) as executor, tqdm(unit="run", disable=args.quiet) as bar:
        def progress(done: int, planned: int) -> None:
            bar.total = planned
            bar.update(done - bar.n)

        started = time.perf_counter()
        found = recommend(config, executor=executor, workers=args.workers, on_progress=progress)
        seconds = time.perf_counter() - started
    print(format_recommendations(found, args.top, seconds))
    if args.out:
        found.table().to_csv(args.out, index=False)
        print(f"\nwrote {args.out}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write the DPIA-style report of a scenario as HTML or PDF."""
    from tqdm import tqdm

    from simulation.dpia.charts import ChartError
    from simulation.dpia.report import analyse, render_html, render_pdf, report_context
    from simulation.engine import cluster_executor
    from simulation.pipeline import run

    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".pdf"):
        raise ValueError(f"--out must end in .html or .pdf, got {args.out!r}")
    config = _override(resolve_scenario(args.scenario), args)
    _start_local_workers(args, config)
    check_runnable(config)
    started = time.perf_counter()
    with cluster_executor(args.scheduler) as executor, tqdm(unit="run", disable=args.quiet) as bar:
        def progress(done: int, planned: int) -> None:
            bar.total = planned
            bar.update(done - bar.n)

        analysis = analyse(config, executor=executor, workers=args.workers, on_progress=progress)
    result = run(config)
    try:
        html = render_html(report_context(result, analysis))
        data = render_pdf(html) if out.suffix.lower() == ".pdf" else html.encode("utf-8")
    except ChartError as error:
        raise ValueError(str(error)) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"wrote {out} ({len(data) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    return EXIT_OK


def _start_local_workers(args: argparse.Namespace, config: ScenarioConfig) -> None:
    """Start the local pool's fork server now, building the scenario's stages 1-2 (when a pool will be used)."""
    if args.workers > 1 and not args.scheduler:
        from simulation.engine import start_fork_server

        start_fork_server(config)


def _positive(text: str) -> int:
    """Parse a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text[:40]!r}")
    return value


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
    check_runnable(config)
    sizes = args.sizes or simulated_sizes(config)
    if not args.quiet:
        print(f"simulating {', '.join(f'{n:,}' for n in sizes)} residents...", file=sys.stderr)
    result = extrapolate(config, real_population=args.to, sizes=sizes)
    print(format_extrapolation(result))
    if args.out:
        result.table().to_csv(args.out, index=False)
        print(f"\nwrote {args.out}")
    return EXIT_OK


def cmd_check_model(args: argparse.Namespace) -> int:
    """Measure the stylised facts of mobility and re-identification on a run; exit 3 if one is outside tolerance."""
    from simulation.validity import OUTSIDE, check_model
    from simulation.validity.report import format_facts, write_facts
    from simulation.world.model import build_world

    config = _override(resolve_scenario(args.scenario), args)
    check_runnable(config)
    started = time.perf_counter()
    facts = check_model(build_world(config, progress=not args.quiet), config)
    print(f"{config.name}: {config.population.residents:,} residents x {config.world.days} days, seed "
          f"{config.seed} ({time.perf_counter() - started:.1f} s)\n")
    print(format_facts(facts))
    if args.out:
        written = write_facts(facts, args.out, png=not args.no_png)
        print(f"\nwrote {len(written)} files to {args.out}")
    return EXIT_FACTS_OUTSIDE if any(f.verdict == OUTSIDE for f in facts) else EXIT_OK


def _sweep_text(name: str) -> str:
    """Return a sweep spec file's text, refused if missing, too large or not UTF-8."""
    from simulation.scenario_io import MAX_BYTES

    path = Path(name)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ScenarioError([f"{name}: the sweep file is larger than 1 MB"])
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([f"{name}: no such sweep file"]) from None
    except UnicodeDecodeError:
        raise ScenarioError([f"{name}: not UTF-8 text; a sweep spec is a YAML text file"]) from None
    except OSError as error:
        raise ScenarioError([f"{name}: cannot be read ({error.strerror or error})"]) from None


def pipeline_inputs(config: ScenarioConfig) -> str:
    """Return a key equal for runs with the same city, population and sensors (checked once per sweep)."""
    from simulation.pipeline import stage_key

    return stage_key(config, 2)


def _print_problems(title: str, problems: list[str]) -> None:
    print(title, file=sys.stderr)
    for problem in capped(problems):
        print(f"  - {problem}", file=sys.stderr)


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

    check = commands.add_parser(
        "check-model", help="measure the published laws of mobility and re-identification on a run (exit 3 if "
                            "one is outside its tolerance)")
    check.add_argument("scenario", nargs="?", default="gdpr_baseline",
                       help="scenario file or preset name (default gdpr_baseline)")
    scale_options(check)
    check.add_argument("--out", help="folder for facts.csv, plots.html and one PNG chart per fact")
    check.add_argument("--no-png", action="store_true", help="write no PNG charts (they need Chromium)")
    check.add_argument("--quiet", action="store_true", help="no progress bar")
    check.set_defaults(handler=cmd_check_model)

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

    advise = commands.add_parser(
        "recommend", help="the control changes that buy the most privacy per unit of utility lost")
    advise.add_argument("scenario")
    scale_options(advise)
    advise.add_argument("--top", type=_positive, default=5, help="how many recommendations to print (default 5)")
    advise.add_argument("--out", help="CSV file: every scenario run, its rank and its outcomes")
    advise.add_argument("--workers", type=_positive, default=2, help="local processes (default 2)")
    advise.add_argument("--scheduler", help="address of a Dask scheduler, e.g. tcp://127.0.0.1:8786")
    advise.add_argument("--quiet", action="store_true", help="no progress bar")
    advise.set_defaults(handler=cmd_recommend)

    report = commands.add_parser("report", help="a DPIA-style report of a scenario, as HTML or PDF")
    report.add_argument("scenario")
    scale_options(report)
    report.add_argument("--out", required=True, help="FILE.html or FILE.pdf")
    report.add_argument("--workers", type=_positive, default=2, help="local processes (default 2)")
    report.add_argument("--scheduler", help="address of a Dask scheduler, e.g. tcp://127.0.0.1:8786")
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.set_defaults(handler=cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = build_parser().parse_args(argv)
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no progress-bar thread, which would outlive the bar
    args.argv = list(argv) if argv is not None else None
    try:
        return args.handler(args)
    except ScenarioError as error:
        _print_problems("invalid scenario:", error.problems)
    except ValidationError as error:
        _print_problems("invalid settings:", readable_problems(error))
    except MemoryError:
        print("error: not enough memory for this scenario; try fewer residents (--residents) or days (--days)",
              file=sys.stderr)
    except (OSError, KeyError, ValueError) as error:
        print(f"error: {shorten(str(error), 400)}", file=sys.stderr)
    except Exception as error:  # noqa: BLE001 - a user must never see a traceback
        print(f"error: the simulation failed ({type(error).__name__}: {shorten(str(error), 300)}); this is a bug, "
              "please report it with the scenario file", file=sys.stderr)
    return EXIT_INVALID
