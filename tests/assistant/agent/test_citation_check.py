"""The mutation benchmark of the claim checker, small: real tool outputs on the small demo."""

import random

from bench.citation_check import KINDS, run, tool_bases


def test_planted_errors_are_caught_and_rewritten_right_answers_are_not_flagged(small_demo):
    truth, store, _ = small_demo
    bases = list(tool_bases(truth, store))
    assert len(bases) >= 30
    score = run(bases, random.Random(14), mutants=2, correct=2)
    print("\n" + score.table())
    assert sum(score.errors.values()) >= 300 and set(score.errors) == set(KINDS)
    assert score.correct_claims >= 300
    assert score.caught_rate >= 0.99, score.examples
    assert score.false_flag_rate <= 0.01, score.examples
    # The answer-wide check it replaces misses most of the same errors.
    assert sum(score.old_caught.values()) / sum(score.errors.values()) < 0.6
