"""Column mappings: which column of a bank statement or listings file holds which field."""

from __future__ import annotations

from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from tools.errors import IngestError
from tools.resources import package_file

BUILTIN_DIR = package_file("tools.ingest", "mappings")


class ColumnMapping(BaseModel):
    """A layout, as a YAML file; see docs/mappings.md for every field."""

    format: Literal["bank_statement", "listings"]
    name: str = Field(description="Bank or market name shown to users")
    source: str = Field(pattern=r"^[a-z0-9_-]+$", description="Short name used in record ids")
    match: list[str] = Field(description="Header cells that together identify this layout")
    columns: dict[str, str | list[str]] = Field(description="Field name -> column(s)")
    constants: dict[str, str] = Field(default_factory=dict)
    date_formats: list[str] = Field(
        default=["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S",
                 "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
    )
    utc_offset: str = Field(default="+05:00", description="Local time of the dates (Kazakhstan)")
    decimal: Literal[",", ".", "auto"] = "auto"
    account: str | None = Field(
        default=None, description="Statement holder's account when the title block lacks it"
    )

    def matches(self, header: list[str]) -> bool:
        cells = {h.strip() for h in header}
        return all(m in cells for m in self.match)


def load_mapping(path: Path | Traversable) -> ColumnMapping:
    try:
        return ColumnMapping.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise IngestError(str(path), f"line:{mark.line + 1}" if mark else None,
                          f"bad mapping YAML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise IngestError(str(path), None, f"bad mapping: {where}: {first['msg']}") from exc


@cache
def builtin_mappings() -> tuple[ColumnMapping, ...]:
    found = [p for p in BUILTIN_DIR.iterdir() if p.name.endswith(".yaml")]
    return tuple(load_mapping(p) for p in sorted(found, key=lambda p: p.name))


def find_mapping(header: list[str], extra: ColumnMapping | None = None) -> ColumnMapping | None:
    candidates = ((extra,) if extra else ()) + builtin_mappings()
    return next((m for m in candidates if m.matches(header)), None)
