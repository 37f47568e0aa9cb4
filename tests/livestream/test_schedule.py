"""On-air windows: a room with a schedule speaks only inside it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from livestream.schedule import ScheduleError, on_air_now, validate_schedule

# Monday 2026-11-23.
MONDAY_10_UTC = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("schedule", "on_air"),
    [
        ([], True),
        ([{"weekday": 0, "start": "09:00", "end": "12:00"}], True),
        ([{"weekday": 0, "start": "10:00", "end": "10:30"}], True),
        ([{"weekday": 0, "start": "09:00", "end": "10:00"}], False),  # the end is exclusive
        ([{"weekday": 1, "start": "00:00", "end": "24:00"}], False),
        # 10:00 UTC is 18:00 in Shanghai.
        ([{"weekday": 0, "start": "17:00", "end": "24:00", "tz": "Asia/Shanghai"}], True),
        ([{"weekday": 0, "start": "09:00", "end": "12:00", "tz": "Asia/Shanghai"}], False),
    ],
)
def test_windows(schedule, on_air):
    validate_schedule(schedule)
    assert on_air_now(schedule, MONDAY_10_UTC) is on_air


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"weekday": 7, "start": "09:00", "end": "10:00"}, "weekday"),
        ({"weekday": 0, "start": "9:00", "end": "10:00"}, "HH:MM"),
        ({"weekday": 0, "start": "10:00", "end": "09:00"}, "before"),
        ({"weekday": 0, "start": "25:00", "end": "26:00"}, "time of day"),
        ({"weekday": 0, "start": "09:00", "end": "10:00", "tz": "Mars/Base"}, "time zone"),
    ],
)
def test_bad_windows_are_explained(window, message):
    with pytest.raises(ScheduleError, match=message):
        validate_schedule([window])
