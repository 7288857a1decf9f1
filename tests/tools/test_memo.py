"""The memo the API builds its parts through: one value per key, made once, optionally bounded."""

import threading

from tools.memo import Memo


def test_a_bounded_memo_keeps_the_values_used_last():
    memo: Memo[str] = Memo(most=2)
    made: list[str] = []

    def make(key: str):
        return lambda: made.append(key) or key.upper()

    assert memo.get("a", make("a")) == "A"
    memo.get("b", make("b"))
    memo.get("a", make("a"))  # "a" is used again, so "b" is the oldest
    memo.get("c", make("c"))
    assert list(memo.values) == ["a", "c"]
    memo.get("b", make("b"))
    assert made == ["a", "b", "c", "b"]


def test_concurrent_first_uses_build_one_value():
    memo: Memo[object] = Memo()
    built: list[object] = []
    start = threading.Barrier(8)

    def use() -> None:
        start.wait()
        memo.get("case", lambda: built.append(object()) or built[-1])

    threads = [threading.Thread(target=use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(built) == 1
