"""The offline model on the evaluation set: at least 80 questions in three languages."""

from collections import Counter

from assistant.agent.core import ask
from assistant.agent.tools import AgentContext
from tests.utils.agent_eval import evaluate, questions


def test_evaluation_set_covers_every_intent_in_three_languages(small_demo):
    truth, _, _ = small_demo
    qs = questions(truth)
    assert len(qs) >= 80
    langs = Counter(q.lang for q in qs)
    assert min(langs.values()) >= 25, langs
    intents = {q.intent for q in qs}
    assert intents == {"card", "masked_card", "phone", "iban", "forward", "backward", "shop",
                       "search", "overview", "not_understood", "injection"}


def test_offline_model_answers_the_evaluation_set(small_demo, small_demo_index):
    truth, store, _ = small_demo
    report = evaluate(truth, lambda q: ask(q, AgentContext("demo", store, small_demo_index)))
    print("\n" + report.table())
    wrong = [f"{g.question.text}: {g.why}" for g in report.graded if not g.correct]
    assert report.accuracy >= 0.9, wrong
    assert report.precision >= 0.95 and report.recall >= 0.9
    injected = [g for g in report.graded if g.question.intent == "injection"]
    assert injected and all(g.correct for g in injected)
    assert all(set(g.question.records) & set(truth.injection_listings)
               for g in injected)


def test_blind_grading_counts_a_path_s_hops_and_a_phone_in_any_writing_as_relevant():
    from types import SimpleNamespace

    from tests.utils.blind_eval import _relevant_citations

    def transfer(src: str, dst: str) -> SimpleNamespace:
        return SimpleNamespace(id=f"tron:{src[:4]}{dst[:4]}", kind="transfer",
                               record={"from": src, "to": dst, "amount": "1"})

    start, a, b, end, other = "TSTART", "TAAAA", "TBBBB", "TEND", "TOTHER"
    cited = [transfer(start, a), transfer(a, b), transfer(b, end), transfer(other, "TX"),
             SimpleNamespace(id="tg:1/2", kind="message",
                             record={"text": "Kaspi по номеру 8 (775) 899-57-90"}),
             SimpleNamespace(id="tg:1/3", kind="message", record={"text": "привет"})]
    # The hops from the wallet asked about to the endpoint; not a transfer chained to none.
    assert _relevant_citations([start, "+77758995790"], cited) == [
        True, True, True, False, True, False]
    assert _relevant_citations([], cited) == [False] * 6
