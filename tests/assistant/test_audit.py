"""The audit trail's hash chain names the entry that was edited, deleted or moved."""

import threading

from sqlalchemy import delete, update

from assistant.audit import AuditLog, audit_log


def _log(store, n=4):
    log = AuditLog(store.engine)
    for i in range(n):
        log.append("aurora", "aigerim", "ask", {"question": f"вопрос {i}"})
    log.append("other", "bob", "record_open", {"record": "tg:1/1"})
    return log


def test_an_untouched_chain_verifies(store):
    log = _log(store)
    entries = log.entries("aurora")
    assert [e.n for e in entries] == [1, 2, 3, 4]
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert log.verify("aurora") == [] and log.verify("other") == []


def test_edited_entry_is_named(store):
    log = _log(store)
    with store.engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.case == "aurora", audit_log.c.n == 2)
                     .values(details={"question": "другой вопрос"}))
    assert [b.problem for b in log.verify("aurora")] == ["entry 2 edited"]
    assert log.verify("other") == []


def test_deleted_entry_is_named(store):
    log = _log(store)
    with store.engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.case == "aurora", audit_log.c.n == 3))
    assert [b.problem for b in log.verify("aurora")] == ["entry 3 deleted"]


def test_reordered_entries_are_named(store):
    log = _log(store)
    with store.engine.begin() as conn:
        for old, new in ((2, 99), (3, 2), (99, 3)):
            conn.execute(update(audit_log).where(audit_log.c.case == "aurora",
                                                 audit_log.c.n == old).values(n=new))
    problems = [b.problem for b in log.verify("aurora")]
    assert "entry 3 moved to position 2 (reordered)" in problems
    assert "entry 2 moved to position 3 (reordered)" in problems


def test_concurrent_appends_keep_one_chain(store):
    log = AuditLog(store.engine)

    def worker(k: int) -> None:
        for i in range(10):
            log.append("aurora", f"user{k}", "tool_call", {"i": i})

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [e.n for e in log.entries("aurora")] == list(range(1, 61))
    assert log.verify("aurora") == []
