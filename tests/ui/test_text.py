"""Evidence shown in the chat stays text: no markup, no links, only our markers are bold."""

from ui.text import safe


def test_markup_and_links_from_evidence_are_inert():
    shown = safe("Шишки [click](http://evil.example) <b>x</b> **bold** www.shop.kz [2]")
    assert "](http" not in shown and "<b>" not in shown and "**bold**" not in shown
    assert "h\u2060ttp://evil" in shown and "w\u2060ww" in shown
    assert shown.endswith("**\\[2\\]**")


def test_lines_stay_lines():
    assert safe("a\nb") == "a  \nb"
