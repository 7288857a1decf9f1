"""Unix timestamps of evidence files as UTC datetimes, range-checked."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def from_epoch(value: Any, per_second: int = 1) -> datetime:
    """`value` seconds (or milliseconds with per_second=1000) since 1970, as UTC.

    A damaged file can hold any number; out of range is a ValueError like any bad value,
    not the platform's OSError or OverflowError.
    """
    if isinstance(value, str) and len(value) > 20:
        raise ValueError(f"timestamp out of range: {value[:20]!r}...")
    try:
        if abs(value := int(value)) > 10**17:
            raise ValueError(f"timestamp out of range: {value!r}")
        return datetime.fromtimestamp(value / per_second, UTC)
    except (OverflowError, OSError) as exc:
        raise ValueError(f"timestamp out of range: {value!r}") from exc
