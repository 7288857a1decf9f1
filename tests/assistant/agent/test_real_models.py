"""What real chat models do, scripted on a loopback OpenAI-compatible server, and what the agent
and the user get: parallel calls, bad arguments, unknown tools, retyped identifiers, answers
without markers, endless tool calls, and a failing model server."""

import re
import time
from pathlib import Path

import pytest

from assistant.agent.core import ask_stream, chat_model
from assistant.agent.guards import MAX_CALLS_PER_STEP, ModelServerError, near_identifiers
from assistant.agent.tools import AGENT_TOOLS, AgentContext
from tests.utils.loopback import serving
from tests.utils.openai_server import ScriptedModel

PROMPTS = Path(__file__).parents[3] / "prompts"


@pytest.fixture(scope="module")
def demo(small_demo):
    truth, store, _ = small_demo
    return truth, store


def run(script, question, store, **kwargs):
    """The agent's events for `question` with `script` as the model, the scripted server (its
    requests) and the turn's context (its ledger)."""
    server = ScriptedModel(script)
    ctx = AgentContext("demo", store)
    with serving(server.app()) as url:
        events = list(ask_stream(question, ctx, chat_model("openai:scripted", f"{url}/v1"),
                                 **kwargs))
    return events, server, ctx


def last_tool_results(messages):
    """The tool messages answering the model's latest turn, by call id."""
    start = max(i for i, m in enumerate(messages) if m["role"] == "assistant")
    return {m["tool_call_id"]: m["content"] for m in messages[start + 1:] if m["role"] == "tool"}


def cite_first_fact_of_each(messages):
    """A careful model: the first [n] fact of every tool result, as a list."""
    facts = [next(line for line in text.splitlines() if line.startswith("["))
             for text in last_tool_results(messages).values() if "\n[" in text]
    return {"text": "По материалам дела:\n" + "\n".join(f"- {f}" for f in facts)}


def steps(events, state):
    return [e for e in events if e.type == "step" and e.state == state]


def one_char_off(text: str, at: int) -> str:
    return text[:at] + ("b" if text[at] != "b" else "c") + text[at + 1:]


def test_parallel_tool_calls_all_run_and_are_all_cited(demo):
    truth, store = demo
    shop = truth.shops[0]
    record_id, [(_, card)] = next((r, d) for r, d in truth.messages.items() if d[0][0] == "card")
    calls = [("trace_wallet", {"address": shop.payment_wallets[0]}),
             ("lookup_account", {"identifier": card}),
             ("shop_details", {"shop": shop.name})]
    events, server, ctx = run([{"tool_calls": calls}, cite_first_fact_of_each],
                              f"Что известно о {card} и магазине {shop.name}?", store)
    running, done = steps(events, "running"), steps(events, "done")
    assert [(s.tool, s.args) for s in running] == calls
    assert {s.call_id for s in done} == {s.call_id for s in running} and len(done) == 3
    assert not any(s.summary.startswith("Error") for s in done)
    # The model saw all three results, each under its own call id.
    results = last_tool_results(server.requests[1]["messages"])
    assert set(results) == {s.call_id for s in running}
    answer = events[-1].answer
    # Each tool's first fact, with every marker on its line (a trace line cites its hops too).
    firsts = {int(n) for text in results.values()
              for n in re.findall(r"\[(\d+)\]", next(line for line in text.splitlines()
                                                      if line.startswith("[")))}
    assert answer.verified and {c.n for c in answer.citations} == firsts, answer.flags
    # The calls ran in threads on one ledger: every record has its own number, given in the
    # order of the model's calls ([1] is the first call's first record).
    seen: set[int] = set()
    for call in running:
        numbers = {int(n) for n in re.findall(r"\[(\d+)\]", results[call.call_id])}
        assert numbers and all(n > max(seen, default=0) for n in numbers - seen)
        seen |= numbers
    assert min(seen) == 1
    ledger = ctx.ledger
    assert len(ledger.by_id) == len(ledger.records) == len(set(ledger.by_id.values()))
    assert record_id in ledger.by_id


def test_more_calls_at_once_than_a_step_runs_are_refused_past_the_bound(demo):
    truth, store = demo
    wallet = truth.shops[0].payment_wallets[0]
    flood = [("trace_wallet", {"address": w, "direction": d}) for s in truth.shops
             for w in s.payment_wallets + [s.treasury]
             for d in ("forward", "backward")][:MAX_CALLS_PER_STEP + 2]
    assert len(flood) == MAX_CALLS_PER_STEP + 2
    events, server, _ = run([{"tool_calls": flood}, cite_first_fact_of_each],
                            f"Where did the money from {wallet} go?", store)
    summaries = [s.summary for s in steps(events, "done")]
    assert len(summaries) == MAX_CALLS_PER_STEP + 2
    assert sum(not s.startswith("Error") for s in summaries) == MAX_CALLS_PER_STEP
    assert sum(f"at most {MAX_CALLS_PER_STEP} tool calls" in s for s in summaries) == 2
    assert events[-1].answer.verified


def test_arguments_of_the_wrong_shape_are_errors_the_model_can_act_on(demo):
    """Wrong types, invented and missing fields, an unknown choice and broken JSON: each an
    error naming what to fix, none a crash, a silent default or the end of the turn."""
    truth, store = demo
    wallet = truth.shops[0].payment_wallets[0]
    card = next(d for d in truth.messages.values() if d[0][0] == "card")[0][1]
    bad = [("lookup_account", {"identifier": int(card)}),
           ("search_listings", {"query": "шишки", "listings_only": "true"}),
           ("trace_wallet", {"address": wallet, "depth": 3}),
           ("trace_wallet", {}),
           ("trace_wallet", {"address": wallet, "direction": "sideways"}),
           ("trace_wallet", f"{{address: {wallet}}}")]  # not JSON
    fixed = {"tool_calls": [("trace_wallet", {"address": wallet, "direction": "backward"})]}
    events, server, ctx = run([{"tool_calls": bad}, fixed, cite_first_fact_of_each],
                              f"Откуда пришли деньги на {wallet}?", store)
    errors = list(last_tool_results(server.requests[1]["messages"]).values())
    assert all(e.startswith("Error: ") and "was not run" in e for e in errors)
    assert f"identifier: Input should be a valid string, got {int(card)}" in errors[0]
    assert "lookup_account takes: identifier (string, required)" in errors[0]
    assert 'listings_only: Input should be a valid boolean, got "true"' in errors[1]
    assert "depth: there is no such argument" in errors[2]
    assert 'direction ("forward" or "backward", default "forward")' in errors[2]
    assert "address: Field required" in errors[3]
    assert "direction: Input should be 'forward' or 'backward', got \"sideways\"" in errors[4]
    assert f"its arguments are not a JSON object: {{address: {wallet}}}" in errors[5]
    # Nothing ran on a bad call, not even a silent "forward" trace; the corrected one did.
    done = steps(events, "done")
    assert [s.summary.startswith("Error: ") for s in done] == [True] * 6 + [False]
    assert done[-1].summary.startswith("traced ") and " backward " in done[-1].summary
    answer = events[-1].answer
    assert len(server.requests) == 3 and answer.verified and answer.citations


def test_an_unknown_tool_is_answered_with_the_tools_that_exist(demo):
    truth, store = demo
    wallet = truth.shops[0].payment_wallets[0]
    script = [{"tool_calls": [("find_wallet_owner", {"wallet": wallet})]},
              {"tool_calls": [("lookup_account", {"identifier": wallet})]},
              cite_first_fact_of_each]
    events, server, _ = run(script, f"Who owns {wallet}?", store)
    [told] = last_tool_results(server.requests[1]["messages"]).values()
    assert told.startswith("Error: there is no tool 'find_wallet_owner'. The tools are:")
    assert all(f"- {t.name}: " in told for t in AGENT_TOOLS)
    assert steps(events, "done")[0].tool == "find_wallet_owner"
    answer = events[-1].answer
    assert len(server.requests) == 3 and answer.verified and answer.citations


def test_a_retyped_identifier_is_not_in_the_case_and_the_near_one_is_named(demo):
    truth, store = demo
    wallet = truth.shops[0].payment_wallets[0]
    typo = one_char_off(wallet, 10)  # its base58 checksum fails
    phones = {v for d in truth.messages.values() for k, v in d if k == "phone"}
    phone = sorted(phones)[0]
    phone_typo = next(p for p in (phone[:-1] + str(d) for d in range(10)) if p not in phones)
    calls = [("trace_wallet", {"address": typo}), ("lookup_account", {"identifier": typo}),
             ("lookup_account", {"identifier": phone_typo})]
    copied = {"tool_calls": [("trace_wallet", {"address": wallet})]}
    events, server, _ = run([{"tool_calls": calls}, copied, cite_first_fact_of_each],
                            f"Куда ушли деньги с {typo}?", store)
    traced, looked_up, phoned = last_tool_results(server.requests[1]["messages"]).values()
    hint = f"{typo} is not in the case, but {wallet} is: one character different"
    assert traced.startswith(f"no transfers of {typo} in the case") and hint in traced
    assert "base58 checksum fails" in looked_up and hint in looked_up
    # A phone has no checksum: one digit off is valid, and not the case's.
    assert "valid, not in the case" in phoned
    assert f"{phone_typo} is not in the case, but {phone} is: one character different" in phoned
    assert "never retype an identifier" in traced
    system = server.requests[0]["messages"][0]["content"]
    assert "Never retype an identifier" in system
    assert events[-1].answer.verified


@pytest.mark.timing
def test_near_identifiers_are_bounded_and_exact_matches_have_none(demo):
    truth, store = demo
    wallet = truth.shops[0].payment_wallets[0]
    assert near_identifiers(store, "demo", wallet) == []
    assert near_identifiers(store, "demo", one_char_off(wallet, 1)) == [(1, wallet)]
    assert near_identifiers(store, "demo", one_char_off(wallet, 33)) == [(1, wallet)]
    swapped = wallet[:5] + wallet[6] + wallet[5] + wallet[7:]
    assert near_identifiers(store, "demo", swapped) == [(2, wallet)]
    far = one_char_off(one_char_off(one_char_off(wallet, 3), 15), 30)
    assert near_identifiers(store, "demo", far) == []
    t0 = time.perf_counter()
    for _ in range(20):
        near_identifiers(store, "demo", one_char_off(wallet, 20))
    assert (time.perf_counter() - t0) / 20 < 0.05


def test_an_answer_without_markers_after_tool_calls_is_not_verified(demo):
    truth, store = demo
    wallet = truth.shops[0].payment_wallets[0]
    script = [{"tool_calls": [("trace_wallet", {"address": wallet})]},
              {"text": "The money went to an exchange and to the shop's owner."}]
    events, _, ctx = run(script, f"Where did the money from {wallet} go?", store)
    answer = events[-1].answer
    assert not answer.verified and answer.citations == []
    assert answer.flags == [f"the answer cites none of the {len(ctx.ledger.records)} records "
                            "the tools returned: its facts are unchecked"]
    # When the tools returned no record there is nothing to cite: "not found" stands.
    script = [{"tool_calls": [("trace_wallet", {"address": one_char_off(wallet, 9)})]},
              {"text": "This address is not in the case."}]
    events, _, _ = run(script, "Where did the money go?", store)
    assert events[-1].answer.verified and events[-1].answer.flags == []


def test_a_call_repeated_with_the_same_arguments_is_not_run_again(demo):
    truth, store = demo
    wallet = truth.shops[0].payment_wallets[0]
    again = {"tool_calls": [("trace_wallet", {"address": wallet})]}
    events, server, _ = run([again, again, {"tool_calls": [("trace_wallet", {
        "address": wallet, "direction": "backward"})]}, cite_first_fact_of_each],
        f"Where did the money from {wallet} go?", store)
    first, second, third = (s.summary for s in steps(events, "done"))
    assert first.startswith("traced ") and third.startswith("traced ")
    assert second == ("Error: trace_wallet was already called with these arguments for this "
                      "question (call call_0); its result is above. Use it, or try another "
                      "identifier or tool.")
    assert events[-1].answer.verified


@pytest.mark.parametrize(("question", "opening"), [
    ("Куда ушли деньги с {w}?", "Я остановился после 3 шагов, не закончив ответ."),
    ("{w} әмиянынан ақша қайда кетті?", "3 қадамнан кейін тоқтадым"),
    ("Where did the money from {w} go?", "I stopped after 3 steps without finishing"),
])
def test_a_model_that_keeps_calling_tools_is_stopped_with_a_partial_answer(demo, question,
                                                                           opening):
    truth, store = demo
    wallet = truth.shops[0].payment_wallets[0]
    card = next(d for d in truth.messages.values() if d[0][0] == "card")[0][1]
    endless = [{"tool_calls": [("trace_wallet", {"address": wallet})]},
               {"tool_calls": [("lookup_account", {"identifier": card})]}] * 10
    events, server, ctx = run(endless, question.format(w=wallet), store, max_steps=3)
    assert len(server.requests) == 3 and len(steps(events, "done")) == 3
    answer = events[-1].answer
    assert answer.answer.startswith(opening)
    facts = answer.answer.splitlines()[1:]
    assert facts and all(re.match(r"- \[\d+\] ", f) for f in facts)
    assert len(facts) == len(set(facts))  # the same trace twice is listed once
    assert answer.verified and len(answer.citations) == len(ctx.ledger.records)
    assert "".join(e.text for e in events if e.type == "token") == answer.answer


def test_the_system_prompt_guides_tool_choice():
    text = (PROMPTS / "system.md").read_text(encoding="utf-8")
    for rule in ("Transfers prove, tags inform", "An empty result is a failed query, not an "
                 "answer", "Never retype an identifier", "Cite every fact"):
        assert rule in " ".join(text.split()), rule


@pytest.mark.timing
def test_a_failing_model_server_is_a_clear_error_not_a_hang(demo):
    _, store = demo
    server = ScriptedModel([{"status": 503}] * 3)
    with serving(server.app()) as url, pytest.raises(ModelServerError, match="HTTP 503"):
        list(ask_stream("обзор дела", AgentContext("demo", store),
                        chat_model("openai:m", f"{url}/v1")))
    slow = ScriptedModel([{"text": "late"}] * 3, delay=1.0)
    t0 = time.perf_counter()
    with serving(slow.app()) as url, pytest.raises(ModelServerError, match="did not answer"):
        list(ask_stream("обзор дела", AgentContext("demo", store),
                        chat_model("openai:m", f"{url}/v1", timeout=0.2)))
    assert time.perf_counter() - t0 < 15
    with pytest.raises(ModelServerError, match="cannot be reached"):
        list(ask_stream("обзор дела", AgentContext("demo", store),
                        chat_model("openai:m", "http://127.0.0.1:9/v1", timeout=2)))
