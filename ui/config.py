"""The UI's settings (`TERGEU_API_URL`, `TERGEU_UI_LANGUAGE`): where the API is, which language."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class UiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TERGEU_", extra="ignore")

    api_url: str = Field(default="http://127.0.0.1:8000", description="The Tergeu API")
    ui_language: str = Field(default="ru", pattern="^(ru|kk|en)$", description="ru | kk | en")
