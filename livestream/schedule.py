"""A room's weekly on-air windows: plain Python, checked by the runner on every beat.

A schedule is a list of windows ``{"weekday": 0-6 (Monday is 0), "start": "HH:MM", "end":
"HH:MM", "tz": "Asia/Shanghai"}``; an empty schedule means always on while the room is live.
A window may end at "24:00"; one that crosses midnight is written as two windows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ScheduleError(ValueError):
    pass


def _clock(value: Any) -> time | None:
    """'HH:MM' as a time; '24:00' as None, meaning the end of the day."""
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        raise ScheduleError(f"times are 'HH:MM', got {value!r}")
    hours, minutes = value.split(":")
    if not (hours.isdigit() and minutes.isdigit()):
        raise ScheduleError(f"times are 'HH:MM', got {value!r}")
    h, m = int(hours), int(minutes)
    if (h, m) == (24, 0):
        return None
    if not (0 <= h < 24 and 0 <= m < 60):
        raise ScheduleError(f"{value!r} is not a time of day")
    return time(h, m)


def validate_schedule(schedule: Sequence[Mapping[str, Any]]) -> None:
    """Raise ScheduleError with a plain message for the first bad window."""
    for number, window in enumerate(schedule, start=1):
        try:
            weekday = window.get("weekday")
            if not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ScheduleError("weekday is 0 (Monday) to 6 (Sunday)")
            start, end = _clock(window.get("start")), _clock(window.get("end"))
            if start is None or (end is not None and end <= start):
                raise ScheduleError("start must be before end")
            ZoneInfo(str(window.get("tz", "UTC")))
        except ZoneInfoNotFoundError:
            raise ScheduleError(f"window {number}: unknown time zone") from None
        except ScheduleError as error:
            raise ScheduleError(f"window {number}: {error}") from None


def on_air_now(schedule: Sequence[Mapping[str, Any]], now: datetime) -> bool:
    """Whether ``now`` (aware) falls in one of the windows; always True without windows."""
    if not schedule:
        return True
    for window in schedule:
        local = now.astimezone(ZoneInfo(str(window.get("tz", "UTC"))))
        start, end = _clock(window["start"]), _clock(window["end"])
        if local.weekday() != window["weekday"] or start is None:
            continue
        if start <= local.time() and (end is None or local.time() < end):
            return True
    return False
