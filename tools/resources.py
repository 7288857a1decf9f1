"""Data files shipped inside the wheel (prompts, lexicon, demo texts, mappings, UI texts).

Read through `importlib.resources`, so they are found wherever the package is installed
(an editable checkout, a wheel in site-packages, a zip), never through `Path(__file__)`.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

PROMPTS_PACKAGE = "prompts"


def package_file(package: str, *parts: str) -> Traversable:
    """A file or folder shipped inside `package`: `package_file("tools.ingest", "mappings")`."""
    return files(package).joinpath(*parts)


def read_text(package: str, *parts: str) -> str:
    """The UTF-8 text of a file shipped inside `package`."""
    return package_file(package, *parts).read_text(encoding="utf-8")


def prompts_dir() -> Traversable:
    """The `prompts/` folder of the repository, shipped as the package `prompts`."""
    return files(PROMPTS_PACKAGE)


def prompt_text(name: str) -> str:
    """The text of one prompt file, e.g. `prompt_text("system.md")`."""
    return prompts_dir().joinpath(name).read_text(encoding="utf-8")
