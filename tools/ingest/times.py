"""Unix timestamps of evidence files as UTC datetimes, range-checked."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def from_epoch(value: Any, per_second: int = 1) -> datetime:
    """`value` seconds (or milliseconds with per_second=1000) since 1970, as UTC.

    A damaged file can hold any number; out of range is a ValueError like any bad value,
    not the platform's OSError or OverflowError.
    """
    try:
        return datetime.fromtimestamp(int(value) / per_second, UTC)
    except (OverflowError, OSError) as exc:
        raise ValueError(f"timestamp out of range: {value!r}") from exc
