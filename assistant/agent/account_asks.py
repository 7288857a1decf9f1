"""What a question about an account asks beside whose it is: the period its statement covers
("за какой период выписка", "period covered", "қай кезеңге"), the bank that keeps it ("holder
name, bank?", "какой банк", "банкі")."""

from __future__ import annotations

import re

from tools.payments import extract_payment_details

# The period a statement covers: "период", "с какого по какое число", "period covered", "date
# range", "from when to when", "кезең", "қай күннен".
_PERIOD_ASKED = re.compile(
    r"\bпериод\w*|\bс\s+какого\s+(?:числа\s+)?по\s+как\w*|за\s+какое\s+время|"
    r"\bperiod\b|\bdate\s+range\b|\btime\s+span\b|"
    r"\bfrom\s+when\b|\bwhat\s+dates\b|кезең\w*|қай\s+күннен|қашаннан\s+бастап",
    re.I)
# "Cover" and "span" ask the period only of a statement ("what does the statement cover?"):
# "who covered the costs?" asks no period.
_COVERS = re.compile(r"\b(?:cover(?:s|ed|ing)?|span(?:s|ned|ning)?)\b", re.I)
_A_STATEMENT = re.compile(r"\bstatements?\b|\brows?\b|\boperations\b|\btransactions\b|"
                          r"\bdates\b", re.I)
# The bank named as a thing asked ("bank?", "какой банк", "банкі", "в каком банке").
# ("bank statements", "банк выписка", "bank transfer" name no bank.)
_BANK_WORD = re.compile(r"(?<![\w-])(?:(?:bank|банк)(?![\w-])"
                        r"(?!\s+(?:statement|account|transfer|card|row|record|data|detail|"
                        r"chain|выписк|сч[её]т|перевод|карт|операц|реквизит|үзінді|шот|"
                        r"аударым|деректеме))|(?:банка|банке|банкі|банкте|банкін)(?![\w-]))",
                        re.I)


def period_asked(question: str) -> bool:
    """Whether `question` asks the period a statement covers."""
    return bool(_PERIOD_ASKED.search(question) or
                _COVERS.search(question) and _A_STATEMENT.search(question))


def iban_bank_asked(question: str) -> bool:
    """Whether `question` asks the bank (of an account it names): the word itself, bare."""
    return bool(_BANK_WORD.search(question))


def iban_bank(iban: str) -> str | None:
    """The Kazakh bank an IBAN's bank code names, as the engine reads it from the IBAN."""
    return next((str(d.info["bank"]) for d in extract_payment_details(iban)
                 if d.kind == "iban" and "bank" in d.info), None)


def day_written(iso_day: str) -> str:
    """A day "2025-01-06" as the case's papers write it: "06.01.2025"."""
    y, m, d = iso_day[:10].split("-")
    return f"{d}.{m}.{y}"
