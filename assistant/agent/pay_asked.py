"""What a shop asked its buyers to pay on: the words that ask for the payment details a shop
gave ("реквизиты", "told buyers to pay to", "қайда төлеуді сұрады"), not where money went."""

from __future__ import annotations

import re

# A shop telling or asking buyers to pay (on something): "asked to pay to", "told buyers to
# pay into", "where to pay", "payment details", "просил платить", "куда переводить", "для
# оплаты", "реквизиты", "төлеуді сұрады", "қайда төлеу керек", "деректемелер". "Куда" and
# "қайда" ask it only before an infinitive ("куда платить", "қайда аудару керек"): "куда
# магазин переводит деньги", "қайда аударды" ask where money went.
_PAY_ASKED = re.compile(
    r"\b(?:ask|asks|asked|asking|tell|tells|told|telling|instruct\w*|direct\w*|want\w*|"
    r"request\w*)\s+(?:\w+\s+){0,2}?to\s+(?:pay|send|transfer)\b|"
    r"\bwhere\s+to\s+(?:pay|send|transfer)\b|\bpay(?:ment)?\s+(?:details|requisites|info)\b|"
    r"реквизит\w*|\bдля\s+оплаты\b|\bна\s+оплату\b|"
    r"(?:просил\w*|прос[ия]т|велел\w*|велят|говорил\w*|требовал\w*|указ\w*|писал\w*)\s+"
    r"(?:\w+\s+){0,2}?(?:плат\w*|оплач\w*|оплат\w*|перевод\w*|перевест\w*|перечисл\w*|скида\w*)|"
    r"куда\s+(?:\w+\s+){0,2}?(?:(?:о|за)?платить|оплачивать|переводить|перевести|"
    r"перечисл(?:ить|ять)|скидывать|скинуть|слать|отправлять)(?!\w)|"
    r"деректеме\w*|төле(?:у|уді|уге|йтін)\w*\s+(?:\w+\s+){0,1}?(?:сұра\w*|айт\w*|жаз\w*|"
    r"берг\w*|керек)|қайда\s+(?:\w+\s+){0,1}?(?:төлеу|аудару|жіберу)\w{0,4}(?!\w)",
    re.I)


def pay_details_asked(question: str) -> bool:
    """Whether `question` asks what a shop told its buyers to pay on (its payment details)."""
    return bool(_PAY_ASKED.search(question))
