"""The UI's translations: every text in Russian, Kazakh and English, each key written once
(YAML keeps the last of two equal keys silently: a second one replaces the first's texts)."""

from importlib.resources import files

import yaml

from ui.i18n import LANGUAGES, texts


class _Unique(yaml.SafeLoader):
    """A loader refusing a mapping that names a key twice."""


def _no_repeats(loader: _Unique, node: yaml.MappingNode) -> dict:
    keys = [loader.construct_object(k) for k, _ in node.value]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    assert not repeated, f"keys written twice in ui/locales.yaml: {repeated}"
    return loader.construct_mapping(node)


_Unique.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_repeats)


def test_each_text_is_written_once():
    yaml.load(files("ui").joinpath("locales.yaml").read_text(encoding="utf-8"), _Unique)


def test_each_text_is_in_every_language():
    missing = [(key, lang) for key, by_lang in texts().items() for lang in LANGUAGES
               if not str(by_lang.get(lang) or "").strip()]
    assert texts() and not missing
