"""Claims checked one by one: splitting, facts in any writing, support, the repair step."""

from decimal import Decimal

import pytest

from assistant.agent.claims import facts_of, number_readings, split_claims
from assistant.agent.core import REPAIR_STEP, ask_stream, chat_model
from assistant.agent.tools import AgentContext
from tests.utils import wrong_citing
from tests.utils.loopback import serving
from tests.utils.openai_server import ScriptedModel


def test_claims_are_sentences_list_items_and_table_rows():
    text = ("Two wallets got money. The first kept 25.64 USDT [3]. [4]\n"
            "- [5] TYHRiVMSVxx7yubdy8ySPMNDYdJpHRLZAs: beneficiary\n"
            "| address | amount |\n|---|---|\n| TBatv8uMeK9N3fQtxJdB52vjhpCncyz64Q | 6.41 [6] |")
    claims = split_claims(text)
    assert [c.text for c in claims] == [
        "Two wallets got money.", "The first kept 25.64 USDT [3]. [4]",
        "- [5] TYHRiVMSVxx7yubdy8ySPMNDYdJpHRLZAs: beneficiary", "| address | amount |",
        "| TBatv8uMeK9N3fQtxJdB52vjhpCncyz64Q | 6.41 [6] |"]
    assert [c.markers for c in claims] == [[], [3, 4], [5], [], [6]]
    scaled = split_claims("Получено 95.3 тыс. ₸ по выписке [2]. Карта выдана 3 раза [1].")
    assert [c.markers for c in scaled] == [[2], [1]]


@pytest.mark.parametrize(("written", "value"), [
    ("95 260", Decimal(95260)), ("95,260.00", Decimal(95260)), ("95 260,00", Decimal(95260)),
    ("95.260,00", Decimal(95260)), ("95.3 тыс.", Decimal(95300)), ("1.2 млн", Decimal(1200000))])
def test_amounts_in_any_writing(written, value):
    values, step = number_readings(written)
    assert value in values
    [fact] = facts_of(f"received {written} ₸")
    assert fact.same(facts_of("95260.00")[0]) == (abs(value - 95260) < step)


def test_identifiers_are_found_by_shape_so_a_changed_character_still_counts():
    text = ("card 4400 4394 8757 4913, masked 4400 43** **** 4913, phone +7 701 777 7412, "
            "IBAN KZ11 6010 2685 9952 8907, TYHRiVMSVxx7yubdy8ySPMNDYdJpHRLZAx on 2025-02-10, "
            "tx 73e7c95dc9472c59c7311fda62bfb10e7a1a32936affbc9acd45f31aa13475fe")
    kinds = {(f.kind, f.key) for f in facts_of(text)}
    assert kinds == {("card", "4400439487574913"), ("card", "440043******4913"),
                     ("phone", "7017777412"), ("iban", "KZ116010268599528907"),
                     ("address", "TYHRiVMSVxx7yubdy8ySPMNDYdJpHRLZAx"), ("date", "2025-02-10"),
                     ("hash", "73e7c95dc9472c59c7311fda62bfb10e7a1a32936affbc9acd45f31aa13475fe")}
    full, masked = (f for f in facts_of(text) if f.kind == "card")
    assert masked.same(full) and full.same(masked)


@pytest.fixture(scope="module")
def demo(small_demo):
    truth, store, _ = small_demo
    return truth, store


def _ask(store, wallet, repair):
    server = ScriptedModel(wrong_citing.script(wallet, repair))
    with serving(server.app()) as url:
        events = list(ask_stream(f"Where did the money from {wallet} go?",
                                 AgentContext("demo", store), chat_model("openai:m", f"{url}/v1")))
    return events, server


def test_the_wrong_citing_model_is_caught_claim_by_claim(demo):
    truth, store = demo
    wallet = truth.shops[0].payment_wallets[0]
    events, server = _ask(store, wallet, wrong_citing.repeat_when_asked)
    answer = events[-1].answer
    right, amount, deposit = answer.claims
    assert not answer.verified
    assert right.supported and right.status == "supported" and right.reason is None
    assert (amount.status, deposit.status) == ("unsupported", "unsupported")
    ends = wrong_citing.endpoints(server.requests[1]["messages"][-1]["content"])
    second = [e for e in ends if e.reason == "beneficiary"][1]
    dep = next(e for e in ends if e.reason == "exchange_deposit")
    assert amount.reason.startswith(f"{dep.amount} is not in [{second.n}]; [{second.n}] says ")
    assert second.amount in amount.reason  # what the cited record's path does say
    assert deposit.reason.startswith(f"{dep.address} is not in [")
    # The citations say which claims they support, and the one under a wrong claim is not ok.
    by_n = {c.n: c for c in answer.citations}
    assert by_n[right.markers[0]].claims == [0]
    assert not by_n[second.n].verified and by_n[second.n].reason == amount.reason
    # The model was asked once, with the claims and reasons named, and nothing was dropped.
    repair_request = server.requests[2]["messages"][-1]["content"]
    assert amount.text in repair_request and amount.reason in repair_request
    assert len(server.requests) == 3 and answer.repair is not None
    assert answer.answer == answer.repair.answer
    steps = [e for e in events if e.type == "step" and e.tool == REPAIR_STEP]
    assert [s.state for s in steps] == ["running", "done"]


def test_a_repair_that_fixes_one_claim_keeps_the_other_flagged(demo):
    truth, store = demo
    wallet = truth.shops[0].payment_wallets[0]
    events, _ = _ask(store, wallet, wrong_citing.fix_the_amount)
    answer = events[-1].answer
    assert [c.status for c in answer.claims] == ["supported", "supported", "unsupported"]
    assert not answer.verified and answer.repair is not None
    assert [c.status for c in answer.repair.claims] == ["supported", "unsupported", "unsupported"]
    assert "exchange deposit" in answer.answer  # shown as unsupported, never dropped

