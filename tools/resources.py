"""Data files shipped inside the wheel (prompts, lexicon, demo texts, mappings, UI texts).

Read through `importlib.resources`, so they are found wherever the package is installed
(an editable checkout, a wheel in site-packages, a zip), never through `Path(__file__)`.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import yaml

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


def shipped_yaml(text: str) -> Any:
    """YAML written by this project (prompts, lexicons, texts), parsed by libyaml's C loader
    where PyYAML has it: the pure-Python loader took 0.3 s of a cold `tergeu ask` on the
    intents and answers files alone. Never for evidence: libyaml bounds no nesting depth."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@cache
def prompt_yaml(name: str) -> Any:
    """A YAML prompt file's data, parsed once per process (`intents.yaml` has two readers)."""
    return shipped_yaml(prompt_text(name))
