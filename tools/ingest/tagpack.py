"""Attribution tags from GraphSense TagPack YAML (pack-level fields apply to every tag)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from tools.errors import IngestError
from tools.items import Item

# Fields a TagPack may set at the top for all its tags (GraphSense TagPack schema).
PACK_DEFAULTS = ("label", "source", "category", "currency", "network", "confidence",
                 "abuse", "context", "is_public", "lastmod", "actor")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "tagpack"


def parse_tagpack(path: Path, name: str) -> Iterator[Item]:
    """One `tag` record per tag, `tag:<pack>/<address>`, located by its line in the YAML."""
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        pack = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise IngestError(name, f"line:{mark.line + 1}" if mark else None,
                          f"malformed YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(pack, dict) or not isinstance(pack.get("tags"), list):
        raise IngestError(name, None, "not a TagPack: no 'tags' list")
    lines = _tag_lines(node)
    pack_id = _slug(str(pack.get("title") or pack.get("creator") or "tagpack"))
    defaults = {k: pack[k] for k in PACK_DEFAULTS if k in pack}
    for i, tag in enumerate(pack["tags"]):
        loc = f"line:{lines[i]}"
        if not isinstance(tag, dict) or not tag.get("address"):
            raise IngestError(name, loc, "tag without an address")
        fields: dict[str, Any] = {**defaults, **tag}
        fields = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in fields.items()}
        fields["address"] = str(fields["address"]).strip()
        fields["pack"] = pack.get("title")
        fields["creator"] = pack.get("creator")
        text = " ".join(str(fields[k]) for k in ("label", "category", "actor") if k in fields)
        yield Item(f"tag:{pack_id}/{fields['address']}", "tag", loc, None, fields, text=text)


def _tag_lines(node: yaml.Node | None) -> list[int]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "tags" and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    return []
