"""The profile's rounding rule: how a timer's elapsed seconds become hours.

A timer measures seconds; a timesheet takes hours in steps of 0.01. The profile
says the step (``rounding = "minute" | "0.1h" | "0.25h" | "0.5h"``) and the way
(``rounding_direction = "up" | "down" | "nearest"``). Arithmetic is in
``Decimal`` so that a boundary (exactly 15 minutes on a quarter-hour rule) never
rounds the wrong way through a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

# The step of each rule, in hours ("minute" is 1/60 h, taken in whole minutes).
UNITS = ("minute", "0.1h", "0.25h", "0.5h")
DIRECTIONS = ("up", "down", "nearest")
DEFAULT_UNIT = "minute"
DEFAULT_DIRECTION = "nearest"

_STEP_HOURS = {"0.1h": Decimal("0.1"), "0.25h": Decimal("0.25"), "0.5h": Decimal("0.5")}
_MODE = {"up": ROUND_CEILING, "down": ROUND_FLOOR, "nearest": ROUND_HALF_UP}
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rounding:
    """One rule: ``unit`` (one of :data:`UNITS`) and ``direction`` (of :data:`DIRECTIONS`)."""

    unit: str = DEFAULT_UNIT
    direction: str = DEFAULT_DIRECTION

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"rounding: expected one of {', '.join(UNITS)}, got {self.unit!r}")
        if self.direction not in DIRECTIONS:
            raise ValueError(
                f"rounding_direction: expected one of {', '.join(DIRECTIONS)}, "
                f"got {self.direction!r}"
            )

    def hours(self, seconds: float) -> float:
        """``seconds`` of work as hours by this rule, in the timesheet's 0.01 h steps.

        The "minute" rule rounds to whole minutes first, then to the nearest 0.01 h
        (a minute is not a whole number of hundredths); the others round straight to
        their step. Negative time is refused (``ValueError``).
        """
        if seconds < 0:
            raise ValueError(f"elapsed time is negative: {seconds} s")
        mode = _MODE[self.direction]
        exact = Decimal(str(seconds))
        if self.unit == "minute":
            minutes = (exact / 60).quantize(Decimal(1), rounding=mode)
            return float((minutes / 60).quantize(_CENT, rounding=ROUND_HALF_UP))
        step = _STEP_HOURS[self.unit]
        steps = (exact / 3600 / step).quantize(Decimal(1), rounding=mode)
        return float((steps * step).quantize(_CENT))

    def describe(self) -> str:
        """The rule in words, e.g. ``0.25 h, up`` or ``whole minutes, nearest``."""
        unit = "whole minutes" if self.unit == "minute" else self.unit.replace("h", " h")
        return f"{unit}, {self.direction}"


__all__ = ["DEFAULT_DIRECTION", "DEFAULT_UNIT", "DIRECTIONS", "UNITS", "Rounding"]
