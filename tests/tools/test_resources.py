"""The project's own YAML files read through libyaml's loader give what the pure loader gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tools.resources import shipped_yaml

ROOT = Path(__file__).parents[2]
SHIPPED = sorted(p for folder in ("prompts", "tools", "assistant")
                 for p in (ROOT / folder).rglob("*.yaml"))


def test_the_project_ships_yaml_files() -> None:
    assert len(SHIPPED) >= 5, SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_yaml_reads_as_the_pure_python_loader_does(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = shipped_yaml(text)
    assert data, path
    assert data == yaml.safe_load(text)
