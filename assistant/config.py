"""Tergeu's configuration: one settings object read from `TERGEU_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "tergeu"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TERGEU_", extra="ignore")

    home: Path = Field(default_factory=_default_home,
                       description="Where case data lives: database, evidence vault, vectors")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the case store; SQLite in `home` when unset "
        "(e.g. postgresql+psycopg://user:pw@host/tergeu)",
    )

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'tergeu.db'}"

    @property
    def evidence_dir(self) -> Path:
        return self.home / "evidence"


@lru_cache
def get_settings() -> Settings:
    return Settings()
