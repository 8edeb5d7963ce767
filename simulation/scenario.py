"""The scenario schema: everything a run depends on, validated by pydantic.

A scenario has five parts, each feeding one stage of the pipeline (see DESIGN.md):
``world`` and ``population`` (stage 1), ``sensors`` (stage 2), ``controls`` (stage 3), and ``adversary`` and
``utility_weights`` (stage 4). Every number carries its unit in its name and an allowed range; titles and
descriptions are shown by the dashboard as help. Unknown keys, NaN and infinity are refused.

Loading and dumping YAML is in :mod:`simulation.scenario_io`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SensorKind = Literal["cctv", "wifi_bt", "anpr", "transit_card", "smart_meter", "people_counter", "env_iot"]
SENSOR_KINDS: tuple[str, ...] = SensorKind.__args__
IDENTIFYING_KINDS: tuple[str, ...] = ("cctv", "wifi_bt", "anpr", "transit_card", "smart_meter")
Party = Literal["operator", "vendor", "police", "public"]
PARTIES: tuple[str, ...] = Party.__args__
Service = Literal["crowd", "transit", "traffic", "energy", "public_safety", "environment"]
SERVICES: tuple[str, ...] = Service.__args__
Archetype = Literal["office_worker", "shift_worker", "student", "retiree", "carer", "unemployed"]
ARCHETYPES: tuple[str, ...] = Archetype.__args__
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[str, ...] = Weekday.__args__

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_\-]*$")]


class StrictModel(BaseModel):
    """Base of every scenario section: unknown keys, NaN and infinity are refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, validate_default=True)


# ---------------------------------------------------------------- stage 1: world and population


class WorldConfig(StrictModel):
    """Where and when: the city, the horizon and the time resolution."""

    city: str = Field(
        "default",
        title="City",
        description="'default' (the embedded default city in data/), 'generated' (made from the seed with "
        "grid_size), or the path of a zone table (CSV or GeoJSON, format in data/README.md).",
        max_length=512,
    )
    grid_size: int = Field(24, ge=6, le=64, title="Grid size (zones per side)",
                           description="Only for city='generated': the raster is grid_size x grid_size zones.")
    zone_size_m: float = Field(250.0, ge=50.0, le=2000.0, title="Zone size (m)",
                               description="Only for city='generated': the side of a square zone in metres.")
    days: int = Field(7, ge=1, le=28, title="Days simulated", description="Length of the simulated horizon.")
    slot_minutes: Literal[5, 10, 15, 20, 30, 60] = Field(
        15, title="Time slot (minutes)", description="Resolution of the simulated presence arrays.")
    start_weekday: Weekday = Field("monday", title="First day", description="Weekday of the first simulated day.")


def _default_archetype_shares() -> dict[str, float]:
    return {"office_worker": 0.38, "shift_worker": 0.10, "student": 0.17, "retiree": 0.18, "carer": 0.09,
            "unemployed": 0.08}


class PopulationConfig(StrictModel):
    """Who lives in the city and which devices they carry."""

    residents: int = Field(5000, ge=10, le=200_000, title="Residents", description="Number of simulated residents.")
    archetype_shares: dict[Archetype, Share] = Field(
        default_factory=_default_archetype_shares, title="Archetype shares",
        description="Share of residents of each archetype; must add up to 1.")
    phone_wifi_on_share: Share = Field(
        0.7, title="Phones with Wi-Fi/Bluetooth on", description="Share of residents whose phone emits probes.")
    randomised_mac_share: Share = Field(
        0.3, title="Phones randomising their address",
        description="Share of phones that change their Wi-Fi address every day (modern OS default for probes).")
    car_share: Share = Field(0.45, title="Residents with a car", description="Share of residents who own a car.")
    transit_card_share: Share = Field(0.6, title="Residents with a transit card",
                                      description="Share of residents who hold a transit card.")
    registered_card_share: Share = Field(
        0.5, title="Cards registered to a name", description="Share of transit cards registered to their holder.")
    household_size_mean: float = Field(2.2, ge=1.0, le=6.0, title="Mean household size",
                                       description="Residents per household; one smart meter per household.")
    real_population: int | None = Field(
        None, ge=10, le=100_000_000, title="Real city's population",
        description="Residents of the real city the scenario stands for. The risk at this size is reported as an "
                    "extrapolation from a curve fitted over a few simulated sizes (`python -m simulation "
                    "extrapolate`); it changes no simulated figure.")

    @model_validator(mode="after")
    def _shares_add_up(self) -> PopulationConfig:
        total = sum(self.archetype_shares.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the archetype shares (archetype_shares) must add up to 1 (100%), found {total:.4g}")
        return self


# ---------------------------------------------------------------- stage 2: sensors


class Placement(StrictModel):
    """Where a sensor deployment stands: the union of a random share of eligible zones, districts and zones."""

    zone_share: Share = Field(0.0, title="Share of eligible zones",
                              description="Share of the zones eligible for this kind, chosen at random.")
    districts: list[Name] = Field(default_factory=list, title="Districts", description="Every eligible zone of "
                                  "these districts.", max_length=64)
    zones: list[Annotated[int, Field(ge=0)]] = Field(default_factory=list, title="Zones",
                                                     description="Explicit zone ids.", max_length=4096)


class SensorBase(StrictModel):
    """Fields every sensor deployment has."""

    name: Name = Field(title="Name", description="Unique name of this deployment.")
    placement: Placement = Field(default_factory=Placement, title="Placement")
    detection_probability: Share = Field(0.8, title="Detection probability",
                                         description="Chance that a present, detectable target is recorded in "
                                         "a sampling interval.")
    sampling_interval_minutes: int = Field(15, ge=1, le=1440, title="Sampling interval (minutes)",
                                           description="How often the sensor records; a multiple of the slot.")


class CctvSensor(SensorBase):
    """Cameras; with live facial recognition they record a face template and a watchlist match score."""

    kind: Literal["cctv"] = "cctv"
    face_recognition: bool = Field(False, title="Live facial recognition",
                                   description="Match every face against a watchlist.")
    watchlist_size: int = Field(50, ge=0, le=10_000, title="Watchlist size (people)",
                                description="Residents on the watchlist.")


class WifiBtSensor(SensorBase):
    """Wi-Fi/Bluetooth probe counters: they record the device address of phones with Wi-Fi or Bluetooth on."""

    kind: Literal["wifi_bt"] = "wifi_bt"


class AnprSensor(SensorBase):
    """Number-plate readers on roads: they record the plate of each passing car."""

    kind: Literal["anpr"] = "anpr"


class TransitCardSensor(SensorBase):
    """Card readers at stations: they record the card number of each tap."""

    kind: Literal["transit_card"] = "transit_card"
    detection_probability: Share = Field(1.0, title="Detection probability",
                                         description="Chance that a card holder taps (fare evasion aside).")


class SmartMeterSensor(SensorBase):
    """Household electricity meters: consumption per interval, driven by who is at home."""

    kind: Literal["smart_meter"] = "smart_meter"
    detection_probability: Share = Field(1.0, title="Reading success", description="Chance a reading arrives.")
    sampling_interval_minutes: int = Field(30, ge=1, le=1440, title="Reading interval (minutes)",
                                           description="Interval of consumption readings.")


class PeopleCounterSensor(SensorBase):
    """Anonymous line counters: a count per interval, no identifier."""

    kind: Literal["people_counter"] = "people_counter"


class EnvIotSensor(SensorBase):
    """Air-quality and noise nodes: readings per interval, no identifier."""

    kind: Literal["env_iot"] = "env_iot"


SensorConfig = Annotated[
    CctvSensor | WifiBtSensor | AnprSensor | TransitCardSensor | SmartMeterSensor | PeopleCounterSensor
    | EnvIotSensor,
    Field(discriminator="kind"),
]


# ---------------------------------------------------------------- stage 3: privacy controls


class EdgeAggregationControl(StrictModel):
    """At capture: sensors of these kinds send only counts per zone and interval; no record leaves them."""

    kinds: list[SensorKind] = Field(default_factory=list, title="Aggregate at the edge",
                                    description="Sensor kinds whose devices only release counts.")


class OptOutControl(StrictModel):
    """At capture: residents who opt out are invisible to device tracking or keep their data coarse."""

    device_share: Share = Field(0.0, title="Devices opted out",
                                description="Share of residents whose phones are invisible to wifi_bt sensors.")
    anonymous_card_share: Share = Field(0.0, title="Cards made anonymous",
                                        description="Share of registered cards whose holders unregister them.")
    meter_share: Share = Field(0.0, title="Meters opted out of fine readings",
                               description="Share of households whose meter reports only daily totals.")


class PseudonymisationControl(StrictModel):
    """At capture: identifiers replaced by a keyed hash (SipHash-2-4) whose key changes every rotation period."""

    enabled: bool = Field(True, title="Pseudonymise identifiers")
    rotation: Literal["never", "daily", "hourly"] = Field(
        "daily", title="Key rotation", description="How often the hashing key changes.")
    scope: Literal["per_sensor", "city_wide"] = Field(
        "city_wide", title="Key scope", description="One key for every sensor, or one key per sensor.")


class FaceRecognitionControl(StrictModel):
    """At capture: the similarity above which a face is reported as a watchlist match."""

    match_threshold: float = Field(0.6, ge=0.3, le=0.99, title="Face-match threshold",
                                   description="Higher means fewer false alerts and more missed matches.")


def _default_retention() -> dict[str, float]:
    return {kind: 30.0 for kind in SENSOR_KINDS}


class RetentionControl(StrictModel):
    """In storage: how long each dataset's records are kept (days); older records are deleted."""

    days: dict[SensorKind, Annotated[float, Field(ge=0.0, le=3650.0)]] = Field(
        default_factory=_default_retention, title="Retention (days)",
        description="Days each dataset is kept; kinds not listed keep 30 days.")

    def for_kind(self, kind: str) -> float:
        """Return the retention in days of one dataset."""
        return self.days.get(kind, 30.0)


def _default_access() -> dict[str, list[str]]:
    return {"operator": list(SENSOR_KINDS), "vendor": [], "police": ["cctv", "anpr"], "public": []}


class AccessControl(StrictModel):
    """In storage: which parties may read (and so join) which datasets; aggregates are public."""

    grants: dict[Party, list[SensorKind]] = Field(
        default_factory=_default_access, title="Access grants",
        description="For each party, the datasets it may read at record level.")

    def datasets_for(self, party: str) -> list[str]:
        """Return the record-level datasets a party may read."""
        return list(self.grants.get(party, []))


class GeneralisationControl(StrictModel):
    """On release: zones merged into blocks and times rounded down to bins."""

    spatial_block_zones: int = Field(1, ge=1, le=12, title="Spatial block (zones per side)",
                                     description="1 keeps zones; 4 merges 4 x 4 zones into one block.")
    temporal_bin_minutes: int = Field(60, ge=5, le=1440, title="Time bin (minutes)",
                                      description="Released times are rounded down to this bin.")


class KSuppressionControl(StrictModel):
    """On release: aggregate cells counting fewer than k people are removed."""

    k: int = Field(0, ge=0, le=1000, title="Minimum cell count (k)", description="0 or 1 disables suppression.")


MIN_EPSILON = 0.001
"""Smallest epsilon accepted. Laplace noise of scale max_contributions / epsilon is then at most 10^6 per count,
already far beyond any count a city releases; a far smaller epsilon made the scale overflow to infinity and the
utilities NaN."""


class DifferentialPrivacyControl(StrictModel):
    """On release: Laplace noise on aggregate counts, each person's contributions bounded."""

    enabled: bool = Field(False, title="Differential privacy")
    epsilon: float = Field(1.0, ge=MIN_EPSILON, le=20.0, title="Epsilon per release",
                           description="Privacy loss budget of each released table; smaller is more private.")
    max_contributions: int = Field(8, ge=1, le=1000, title="Contributions per person",
                                   description="Cells a person may add to per table; more are dropped.")


class ReleaseControl(StrictModel):
    """On release: whether record-level datasets are shared or only aggregates."""

    level: Literal["records", "aggregates"] = Field(
        "records", title="Release level",
        description="'records': the record-level datasets are kept (for their retention) and readable by the "
                    "parties the access rules name; aggregates are published. 'aggregates': only the aggregate "
                    "tables leave the sensors' owner; no party reads records.")


class ControlsConfig(StrictModel):
    """Every privacy control, in the order ``simulation.controls.pipeline`` applies them."""

    opt_out: OptOutControl = Field(default_factory=OptOutControl)
    edge_aggregation: EdgeAggregationControl = Field(default_factory=EdgeAggregationControl)
    pseudonymisation: PseudonymisationControl = Field(default_factory=PseudonymisationControl)
    face_recognition: FaceRecognitionControl = Field(default_factory=FaceRecognitionControl)
    retention: RetentionControl = Field(default_factory=RetentionControl)
    access: AccessControl = Field(default_factory=AccessControl)
    generalisation: GeneralisationControl = Field(default_factory=GeneralisationControl)
    differential_privacy: DifferentialPrivacyControl = Field(default_factory=DifferentialPrivacyControl)
    k_suppression: KSuppressionControl = Field(default_factory=KSuppressionControl)
    release: ReleaseControl = Field(default_factory=ReleaseControl)


# ---------------------------------------------------------------- stage 4: adversary and weights


class AdversaryConfig(StrictModel):
    """Who attacks and what they already know (an uncertainty, not a lever)."""

    role: Party = Field("operator", title="Adversary role",
                        description="The party whose access grants the attacker has.")
    known_points: int = Field(4, ge=1, le=20, title="Known points",
                              description="Places and times of the target's week the attacker knows.")
    knows_home_work: bool = Field(True, title="Knows home and work",
                                  description="The attacker knows the target's home and work zones.")


def _default_weights() -> dict[str, float]:
    return {"crowd": 1.0, "transit": 1.0, "traffic": 1.0, "energy": 1.0, "public_safety": 1.0,
            "environment": 0.5}


class ScenarioConfig(StrictModel):
    """A complete scenario: city, people, sensors, controls, adversary, weights and seed."""

    name: Name = Field("scenario", title="Scenario name")
    description: str = Field("", max_length=2000, title="Description")
    seed: int = Field(42, ge=0, le=2**63 - 1, title="Seed", description="Same scenario and seed, same results.")
    world: WorldConfig = Field(default_factory=WorldConfig)
    population: PopulationConfig = Field(default_factory=PopulationConfig)
    sensors: list[SensorConfig] = Field(default_factory=list, max_length=64)
    controls: ControlsConfig = Field(default_factory=ControlsConfig)
    adversary: AdversaryConfig = Field(default_factory=AdversaryConfig)
    utility_weights: dict[Service, Annotated[float, Field(ge=0.0, le=100.0)]] = Field(
        default_factory=_default_weights, title="Service weights",
        description="Weight of each service in the overall utility score.")

    @model_validator(mode="after")
    def _consistent(self) -> ScenarioConfig:
        names = [s.name for s in self.sensors]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"sensor names must be unique, repeated: {', '.join(duplicates)}")
        for sensor in self.sensors:
            if sensor.sampling_interval_minutes % self.world.slot_minutes:
                raise ValueError(
                    f"sensor {sensor.name!r}: its sampling interval of {sensor.sampling_interval_minutes} minutes "
                    f"(sampling_interval_minutes) is not a multiple of the {self.world.slot_minutes}-minute time "
                    "slot (world.slot_minutes)")
        if self.world.city == "generated" and self.world.grid_size < 6:
            raise ValueError("world.grid_size must be at least 6 for a generated city")
        if sum(self.utility_weights.values()) <= 0:
            raise ValueError("the service weights (utility_weights) need at least one weight above 0")
        return self

    def with_seed(self, seed: int) -> ScenarioConfig:
        """Return a copy with another seed."""
        return self.model_copy(update={"seed": seed})
