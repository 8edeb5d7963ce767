"""Admission control: what a visitor may run on a shared server, and one heavy run at a time.

Two checks before a run (:func:`scale_problems`), each refusing with the limit, the scenario's own figure and how
to run it anyway (from the command line, which keeps the schema's full range):

- resident-days (residents x days) at most :attr:`Limits.max_resident_days`;
- estimated peak memory (:func:`simulation.run_size.estimated_bytes`) at most :attr:`Limits.run_memory_bytes`.

Then the runs themselves queue (:class:`RunQueue`): a run that must simulate a world or record its sensors, or
whose world is larger than :attr:`Limits.light_resident_days`, is heavy and runs alone (one at a time per
server); a change of controls on a small world is light and runs beside at most one other. Waiting sessions see
their place in the queue; when too many wait, a new heavy run is refused rather than queued.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from simulation.run_size import estimated_bytes, resident_days
from simulation.scenario import ScenarioConfig
from simulation.world.city import City

CLI_HINT = ("download it (Export page, 'Scenario (YAML)') and run it on your own computer with "
            "`python -m simulation run scenario.yaml --out results`, which has no such limit")


@dataclass(frozen=True)
class Limits:
    """What this server runs for its visitors (from the environment, :func:`dashboard.settings.limits`).

    Attributes:
        max_resident_days: Largest residents x days of a run.
        run_memory_bytes: Largest estimated peak memory of a run.
        light_resident_days: Worlds up to this size run their control changes as light runs.
        heavy_at_once: Heavy runs at once (1: one at a time).
        light_at_once: Light runs at once.
        max_waiting: Most runs waiting in one queue; more are refused.
        cache_bytes: Byte budget of the shared stage outputs.
        idle_seconds: Stage outputs unused this long are dropped.
    """

    max_resident_days: int = 70_000
    run_memory_bytes: int = 2_000 * 2**20
    light_resident_days: int = 40_000
    heavy_at_once: int = 1
    light_at_once: int = 2
    max_waiting: int = 40
    cache_bytes: int = 1_000 * 2**20
    idle_seconds: float = 60.0


class RefusedError(Exception):
    """A run this server will not do now; ``problems`` says why and what to do instead."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def scale_problems(config: ScenarioConfig, city: City, limits: Limits) -> list[str]:
    """Return why a scenario is too large for this server (empty when it may run).

    Args:
        config: The scenario.
        city: Its city (the memory estimate places the sensors on it).
        limits: This server's limits.
    """
    days = resident_days(config)
    if days > limits.max_resident_days:
        return [f"this server runs scenarios of at most {limits.max_resident_days:,} resident-days (residents x "
                f"days) for its visitors; this one has {config.population.residents:,} x {config.world.days} = "
                f"{days:,}. To run it, {CLI_HINT}"]
    needed = estimated_bytes(config, city)
    if needed > limits.run_memory_bytes:
        return [f"this scenario would need about {needed / 2**30:.1f} GB of memory (its sensors record "
                f"{config.population.residents:,} residents every {config.world.slot_minutes} minutes for "
                f"{config.world.days} days); this server gives one run at most "
                f"{limits.run_memory_bytes / 2**30:.1f} GB. Record less often or in fewer zones, or {CLI_HINT}"]
    return []


class RunQueue:
    """First come, first served: at most ``at_once`` runs at a time, at most ``max_waiting`` waiting.

    Args:
        at_once: Runs at a time.
        max_waiting: Runs allowed to wait; beyond, :meth:`slot` refuses.
        name: What a run of this queue is called in messages.
    """

    def __init__(self, at_once: int, max_waiting: int, name: str) -> None:
        self.at_once = at_once
        self.max_waiting = max_waiting
        self.name = name
        self._running = 0
        self._waiting: list[object] = []
        self._changed = threading.Condition()

    @property
    def running(self) -> int:
        """Return how many runs hold a slot."""
        return self._running

    @property
    def waiting(self) -> int:
        """Return how many runs wait."""
        return len(self._waiting)

    @contextmanager
    def slot(self, on_wait: Callable[[int], None] = lambda position: None, poll_seconds: float = 0.5
             ) -> Iterator[None]:
        """Hold a slot while the block runs, waiting in line for it first.

        Args:
            on_wait: Called with the run's place in line (1 = next) every ``poll_seconds`` while it waits; may
                raise to give up (a Streamlit session that closed raises on its next drawing), which leaves the
                line.
            poll_seconds: How often ``on_wait`` is given a chance to run while waiting.

        Raises:
            RefusedError: Too many runs are waiting already.
        """
        ticket = object()
        with self._changed:
            acquired = self._running < self.at_once and not self._waiting
            if acquired:
                self._running += 1
            elif len(self._waiting) >= self.max_waiting:
                raise RefusedError([f"the server is busy: {len(self._waiting)} {self.name}s are waiting already. "
                               f"Try again in a few minutes, or {CLI_HINT}"])
            else:
                self._waiting.append(ticket)
        try:
            while not acquired:
                with self._changed:
                    position = self._waiting.index(ticket) + 1
                    acquired = position == 1 and self._running < self.at_once
                    if acquired:
                        self._waiting.pop(0)
                        self._running += 1
                if not acquired:
                    on_wait(position)
                    with self._changed:
                        self._changed.wait(poll_seconds)
        except BaseException:
            with self._changed:
                if ticket in self._waiting:
                    self._waiting.remove(ticket)
                self._changed.notify_all()
            raise
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()


class Gate:
    """The server's two queues: heavy runs one at a time, light runs a few at a time."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.heavy = RunQueue(limits.heavy_at_once, limits.max_waiting, "large simulation")
        self.light = RunQueue(limits.light_at_once, limits.max_waiting, "simulation")

    def quiet(self) -> bool:
        """Return whether no run holds or waits for a slot."""
        return not (self.heavy.running + self.heavy.waiting + self.light.running + self.light.waiting)

    def queue_for(self, config: ScenarioConfig, world_ready: bool) -> RunQueue:
        """Return the queue a run waits in: heavy unless its world and log exist and the world is small."""
        if world_ready and resident_days(config) <= self.limits.light_resident_days:
            return self.light
        return self.heavy
