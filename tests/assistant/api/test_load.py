"""Fifty users at once on the API over loopback (bounded: two questions each): no errors.
`python -m bench.load_api` runs the two-minute version on the medium case."""

from tests.utils.agent_eval import questions
from tests.utils.load import run_load


def test_fifty_concurrent_users_get_answers_without_errors(stack):
    asked = [q.text for q in questions(stack.truth)]
    result = run_load(stack.api_url, stack.token, "demo", asked, users=50, seconds=120,
                      per_user=2)
    assert len(result.latencies) == 100
    assert result.errors == []
