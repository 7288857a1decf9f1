"""The wrong-citing model of issue 14, scripted for the OpenAI-compatible loopback server.

It traces a wallet, then answers with three claims built from what the tool returned: one
right; one under the right marker with another wallet's amount; one about an exchange deposit
placed under a beneficiary's marker. Asked to correct them, it repeats them unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.utils.openai_server import Reply

_ENDPOINT = re.compile(r"^\[(\d+)\] (T\w{33}): (\w+)(?: \([^)]*\))?, ([\d.]+) USDT", re.M)


@dataclass
class Endpoint:
    n: int
    address: str
    reason: str
    amount: str


def endpoints(tool_text: str) -> list[Endpoint]:
    """The endpoints a trace_wallet result lists, with their markers."""
    return [Endpoint(int(m[1]), m[2], m[3], m[4]) for m in _ENDPOINT.finditer(tool_text)]


def three_claims(tool_text: str) -> tuple[str, str, str]:
    """(right, wrong amount under the right marker, deposit under a beneficiary's marker)."""
    ends = endpoints(tool_text)
    first, second = [e for e in ends if e.reason == "beneficiary"][:2]
    deposit = next(e for e in ends if e.reason == "exchange_deposit")
    return (f"{first.address} kept {first.amount} USDT [{first.n}].",
            f"{second.address} kept {deposit.amount} USDT [{second.n}].",
            f"From there the money reached the exchange deposit {deposit.address} [{first.n}].")


def _tool_text(messages: list[dict[str, Any]]) -> str:
    return next(m["content"] for m in messages if m["role"] == "tool")


def answer(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return {"text": " ".join(three_claims(_tool_text(messages)))}


def repeat_when_asked(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """Asked to correct the named claims, give the two wrong ones back as they were."""
    _, wrong_amount, deposit = three_claims(_tool_text(messages))
    return {"text": f"1: {wrong_amount}\n2: {deposit}"}


def fix_the_amount(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """Asked to correct, put the second beneficiary's own amount back; leave the other out."""
    ends = endpoints(_tool_text(messages))
    second = [e for e in ends if e.reason == "beneficiary"][1]
    return {"text": f"1: {second.address} kept {second.amount} USDT [{second.n}]."}


def script(wallet: str, repair: Reply = repeat_when_asked) -> list[Reply]:
    return [{"tool_calls": [("trace_wallet", {"address": wallet})]}, answer, repair]
