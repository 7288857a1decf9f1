"""The wallet a way is asked through: "from A to B via C", "через C", "C арқылы" name three
ends, of which one is where the way must pass, not where it starts or ends."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.agent.understanding import Named

# The way through, said before the party ("via C", "through C", "через кошелёк C") or, in
# Kazakh, after it ("C арқылы", "C әмияны арқылы"). ("Минуя": around it, not through.)
_THROUGH_BEFORE = re.compile(r"(?<!\w)(?:via|through|thru|by way of|через|сквозь)\s+"
                             r"(?:\S+\s+){0,2}$", re.I)
_THROUGH_AFTER = re.compile(r"^[-\w]{0,12}\s+(?:\S+\s+)?арқылы(?!\w)|^\s*арқылы(?!\w)", re.I)


def way_through(question: str, ends: Sequence[Named]) -> Named | None:
    """Of three or more ends named, the one the question says the way passes through (only
    one so said); None when none or several are."""
    if len(ends) < 3:
        return None
    through = [e for e in ends
               if _THROUGH_BEFORE.search(question[max(0, e.start - 30):e.start]) or
               _THROUGH_AFTER.search(question[e.end:e.end + 30])]
    return through[0] if len(through) == 1 else None
