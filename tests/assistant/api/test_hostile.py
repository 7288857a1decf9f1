"""The hostile corpus (every `tests/data/hostile/*.yaml`) against the API on loopback while
two other users work: each item answered as expected, the server never dies, the others see
no failure. `python -m bench.hostile` prints the same run item by item."""

import pytest

from bench.hostile import GOAL_MB, run


@pytest.mark.timing
def test_every_hostile_item_is_answered_and_bystanders_are_unaffected():
    lines: list[str] = []
    report = run(bystanders=2, out=lines.append)
    print("\n" + "\n".join(lines))
    assert len(report.outcomes) >= 16
    assert [o.item.name for o in report.wrong] == []
    assert report.crashes == 0 and report.bystander_failures == []
    assert max(o.peak_mb for o in report.outcomes) < GOAL_MB
    # The goal is 2 s an item; on a shared CI machine a margin, the bench prints the figures.
    assert max(o.seconds for o in report.outcomes) < 6
