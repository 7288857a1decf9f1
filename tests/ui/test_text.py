"""Evidence shown in the chat stays text: no markup, no links, only our markers are bold."""

from ui.text import safe


def test_markup_and_links_from_evidence_are_inert():
    shown = safe("Шишки [click](http://evil.example) <b>x</b> **bold** www.shop.kz [2]")
    assert "](http" not in shown and "<b>" not in shown and "**bold**" not in shown
    assert "h\u2060ttp://evil" in shown and "w\u2060ww" in shown
    assert shown.endswith("**\\[2\\]**")


def test_lines_stay_lines():
    assert safe("a\nb") == "a  \nb"


def test_names_from_evidence_make_no_markers_links_or_reordering():
    from ui.text import label

    shown = label("Shop [2] see [1] `x` a@evil.example &#x202E; \u202etxt.exe")
    assert "**" not in shown and "\\[2\\]" in shown
    assert "`" not in shown.replace("\\`", "") and "@\u2060evil" in shown
    assert "\\&" in shown and "\u202e" not in shown and "⟨U\\+202E⟩" in shown


def test_table_cells_never_start_a_formula():
    from ui.text import table

    rows = table([{"shop": '=HYPERLINK("http://evil.example","x")', "n": -3,
                   "a": "+1", "b": "@SUM(A1)", "c": "\tx", "d": "плюс", "e": "\u202eabc"}])
    assert rows == [{"shop": "'=HYPERLINK(\"http://evil.example\",\"x\")", "n": -3, "a": "'+1",
                     "b": "'@SUM(A1)", "c": "'\tx", "d": "плюс", "e": "⟨U+202E⟩abc"}]


def test_adjacent_markers_are_one_bold_run_not_literal_asterisks():
    shown = safe("- [2][3] получено 43.56 USDT, [4] отправлено")
    assert "****" not in shown
    assert shown.startswith(r"\- **\[2\]\[3\]** получено") and r"**\[4\]** отправлено" in shown
