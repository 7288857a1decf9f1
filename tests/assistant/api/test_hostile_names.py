"""Names and ids from evidence reach the model fenced like message text: a chat named
`Shop [2] see [1]` puts no citation marker into an answer, and every marker an answer holds
is one of its citations."""

import re

from fastapi.testclient import TestClient

from assistant.api.app import create_app
from assistant.config import Settings, get_settings
from assistant.users import Users
from assistant.wiring import open_store
from tests.utils.hostile_api import EVIL, HOSTILE_FILES


def test_markers_in_names_do_not_become_citations(tmp_path):
    settings = Settings(home=tmp_path)
    token = Users(open_store(settings).engine).add("dana", "analyst", ["hostile"])
    app = create_app()
    app.dependency_overrides[get_settings] = lambda: settings
    api = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    resp = api.post("/api/cases/hostile/files",
                    files=[("uploads", (n, make())) for n, make in HOSTILE_FILES.items()])
    assert resp.status_code == 200
    # The shop named as its evidence writes it (markers and all), the case, and a name
    # several shops' names hold (asked back, naming them): no name's marker is a citation.
    for question, cites in (("обзор дела", True),
                            ("Какие реквизиты выдавал магазин «Shop [2] see [1]»?", True),
                            ("Какие реквизиты выдавал магазин Shop?", False)):
        answer = api.post("/api/cases/hostile/ask", json={"question": question}).json()
        assert bool(answer["citations"]) == cites, question
        assert "Shop [2] see [1]" not in answer["answer"] and "Shop (2) see (1)" in \
            answer["answer"]
        cited = {c["n"] for c in answer["citations"]}
        assert {int(n) for n in re.findall(r"\[(\d+)\]", answer["answer"])} <= cited
        assert not re.search(rf"\[[^\]]*\]\(http://{EVIL}", answer["answer"])  # no md link
