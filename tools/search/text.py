"""Normalising shop text: words, stems, and the concepts (drug, city, job) slang stands for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path

import snowballstemmer
import yaml
from rapidfuzz import fuzz, process

from tools.resources import package_file

_WORD = re.compile(r"[0-9a-zа-яәғқңөұүһі]+(?:-[0-9a-zа-яәғқңөұүһі]+)*")
_CYRILLIC = re.compile(r"[а-яәғқңөұүһі]")
CONCEPT_PREFIX = "§"
FUZZY_CUTOFF = 85


@dataclass(frozen=True)
class Lexicon:
    """Variants per concept: exact words and prefixes (written with a trailing `*`)."""

    groups: dict[str, dict[str, list[str]]]
    exact: dict[str, set[str]] = field(default_factory=dict)
    prefixes: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path | Traversable) -> Lexicon:
        groups = yaml.safe_load(path.read_text(encoding="utf-8"))
        lex = cls(groups)
        for group, concepts in groups.items():
            for concept, variants in concepts.items():
                key = f"{group}:{concept}"
                for v in variants:
                    v = normalise(str(v))
                    if v.endswith("*"):
                        lex.prefixes.append((v[:-1], key))
                    else:
                        lex.exact.setdefault(v, set()).add(key)
        return lex

    def concepts_of(self, word: str) -> set[str]:
        found = set(self.exact.get(word, ()))
        found.update(key for prefix, key in self.prefixes if word.startswith(prefix))
        if not found and len(word) >= 5:
            # A typo ("мефидрон", "шымкен") still names the concept.
            choices = [p for p, _ in self.prefixes] + list(self.exact)
            best = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if best is not None:
                found.update(self.concepts_of(best[0]) if best[0] in self.exact else
                             {k for p, k in self.prefixes if p == best[0]})
        return found


@cache
def lexicon() -> Lexicon:
    return Lexicon.load(package_file("tools.search", "lexicon.yaml"))


def normalise(text: str) -> str:
    return text.lower().replace("ё", "е")


_RU = snowballstemmer.stemmer("russian")
_EN = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return (_RU if _CYRILLIC.search(word) else _EN).stemWord(word)


@dataclass(frozen=True, slots=True)
class Analysed:
    tokens: list[str]
    concepts: set[str]

    def of(self, group: str) -> list[str]:
        return sorted(c.split(":", 1)[1] for c in self.concepts if c.startswith(group + ":"))


_HANDLE = re.compile(r"@\w+|https?://\S+|t\.me/\S+")


def analyse(text: str) -> Analysed:
    """BM25 tokens (stems plus concept tokens) and the concepts `text` mentions."""
    lex = lexicon()
    norm = normalise(text)
    tokens = [stem(w) for w in _WORD.findall(norm) if not w.isdigit()]
    concepts: set[str] = set()
    # Bot names and links are searchable words but say nothing of what is sold
    # ("@mefistofel_bot" is a shop's name, not mephedrone).
    for word in _WORD.findall(_HANDLE.sub(" ", norm)):
        if not word.isdigit():
            concepts |= lex.concepts_of(word)
    tokens += [CONCEPT_PREFIX + c for c in sorted(concepts)]
    return Analysed(tokens, concepts)


_CONCEPT_WORDS = {
    "drugs:mephedrone": "мефедрон mephedrone", "drugs:alpha_pvp": "альфа-PVP соль alpha-PVP",
    "drugs:cannabis": "марихуана шишки cannabis", "drugs:hashish": "гашиш hashish",
    "drugs:amphetamine": "амфетамин amphetamine", "drugs:cocaine": "кокаин cocaine",
    "jobs:drug_job": "работа закладчиком кладмен drug courier job",
    "topics:police": "полиция police", "topics:phones": "телефон phone",
    "topics:food_delivery": "доставка еды food delivery", "topics:job": "работа job",
    "topics:for_sale": "продажа for sale", "topics:market": "барахолка flea market",
}


def for_embedding(text: str, analysed: Analysed) -> str:
    """The text with what its slang means spelled out, so that the embedding sees it too."""
    extra = [_CONCEPT_WORDS.get(c, c.split(":", 1)[1]) for c in sorted(analysed.concepts)]
    return f"{text}\n{'; '.join(extra)}" if extra else text
