"""Drugs asked about in general words ("есірткі", "наркота", "drug ads", "drug shops"), and
whether a text the search found is of the drug trade at all: a question about drugs answered
by a pizza menu or a flea market's phones is answered "no"."""

from __future__ import annotations

import re
from typing import Any

# (Whole words, any ending; ru, kk, en.)
DRUGS_ASKED = re.compile(
    r"(?<!\w)(?:наркот\w*|нарко|наркоту|дурь|дури|запрещ\w+\s+веществ\w*|психотроп\w*|"
    r"есірткі\w*|есiрткi\w*|drugs?|narcotic\w*|dope)(?!\w)", re.I)
# Police news set aside by the question ("offers, not news", "без новостей", "жаңалықтардан
# басқа", "excluding the news").
NEWS_SET_ASIDE = re.compile(
    r"(?<!\w)(?:not|no|without|except|excluding|other than)\s+(?:the\s+)?news(?!\w)|"
    r"(?<!\w)(?:не|без|кроме|исключая)\s+новост\w*|"
    r"(?<!\w)жаңалық\w*\s+(?:емес|жоқ|басқа|қоспағанда|есептемегенде)(?!\w)", re.I)
# What the search marks a text of the trade by, beside a drug it names: a stash's place, a
# payment detail handed out for an order.
_TRADE_CLASSES = {"stash", "details"}


def drug_related(hit: Any) -> bool:
    """Whether a search hit is of the drug trade: it names a drug, is police news of one, or
    is a stash or a payment detail a shop handed out."""
    return bool(hit.drugs) or bool((_TRADE_CLASSES | {"news"}) & set(hit.classes))
