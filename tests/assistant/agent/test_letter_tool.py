"""The draft_letter tool, called by a model over real HTTP ("draft a freeze request for the
beneficiaries"): the letter is drafted and checked, and the answer citing it is verified."""

from assistant.agent.core import ask_stream, chat_model
from assistant.agent.tools import AgentContext
from tests.utils.loopback import serving
from tests.utils.openai_server import ScriptedModel


def _report_the_letter(messages):
    tool_text = next(m["content"] for m in reversed(messages) if m["role"] == "tool")
    first, *rows = tool_text.splitlines()
    return {"text": f"Готово: {first}.\n" + "\n".join(f"- {row}" for row in rows)}


def test_a_model_drafts_a_freeze_request_for_the_beneficiaries(small_demo):
    truth, store, _ = small_demo
    addresses = [b.address for b in truth.beneficiaries]
    server = ScriptedModel([{"tool_calls": [("draft_letter", {
        "addresses": addresses, "to": "issuer", "lang": "ru"})]}, _report_the_letter])
    with serving(server.app()) as url:
        events = list(ask_stream("Подготовь запрос о заморозке для конечных получателей",
                                 AgentContext("demo", store), chat_model("openai:m", f"{url}/v1")))
    answer = events[-1].answer
    assert "letter to Tether" in answer.answer and "statements checked" in answer.answer
    assert answer.verified, answer.flags
    for b in truth.beneficiaries:
        assert b.address in answer.answer
    step = next(e for e in events if e.type == "step" and e.state == "running")
    assert step.tool == "draft_letter"


def test_a_letter_that_cannot_be_written_says_why(small_demo):
    truth, store, _ = small_demo
    stranger = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
    server = ScriptedModel([{"tool_calls": [("draft_letter", {"addresses": [stranger]})]},
                            {"text": "Письмо не подготовлено."}])
    with serving(server.app()) as url:
        list(ask_stream("Запрос о заморозке для " + stranger, AgentContext("demo", store),
                        chat_model("openai:m", f"{url}/v1")))
    tool_reply = server.requests[1]["messages"][-1]["content"]
    assert tool_reply == f"no letter: no transfer of {stranger} in case 'demo'"
