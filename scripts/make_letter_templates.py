"""Writes the default letter templates, tools/letters/templates/<lang>.docx (docxtpl: Jinja in
Word). An office edits the .docx files themselves (or copies them into the folder
TERGEU_LETTER_TEMPLATES names); this script only makes the first version:

    python scripts/make_letter_templates.py

What the template may use: `to` ("exchange" | "issuer"), `case`, `date`, `recipient`,
`recipient_refs`, `recipient_note`, `token`, `addresses` (rows: address, attribution, received,
sent, held, traced, refs), `transfers` (rows: tx, time, amount, from, to, refs), `method` and
`heuristics` (lines), `custody` (rows: file, sha256, format, imported, records), `cited` (rows:
n, id, kind, file, locator). Every value is text from the case, checked before it is put in.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

OUT = Path(__file__).resolve().parents[1] / "tools" / "letters" / "templates"

TEXTS: dict[str, dict[str, str]] = {
    "ru": {
        "office": "[Наименование органа прокуратуры, адрес — заполняется]",
        "number": "Исх. № ______ от {{ date }}",
        "to": "Кому: {{ recipient }} {{ recipient_refs }}",
        "subject_exchange": "О замораживании средств и предоставлении информации",
        "subject_issuer": "О блокировке (заморозке) токенов {{ token }} на адресах",
        "case": "Уголовное дело: {{ case }}",
        "intro": "В ходе расследования уголовного дела {{ case }} о легализации доходов от "
                 "незаконного оборота наркотических средств установлено, что средства, "
                 "полученные преступным путём, поступили на адреса, указанные ниже. "
                 "Каждый факт письма сопровождается ссылкой [n] на запись материалов дела "
                 "(приложение), а каждая запись — файлом доказательства и его SHA-256.",
        "basis": "Правовое основание: [статья УПК РК, международный договор или иное "
                 "основание — заполняется прокурором]",
        "h_addresses": "1. Адреса и суммы",
        "c_address": "Адрес", "c_attribution": "Принадлежность", "c_received": "Получено",
        "c_sent": "Отправлено", "c_held": "Остаток на адресе", "c_traced": "Отслежено",
        "c_refs": "Ссылки",
        "held_note": "Остаток вычислен по переводам, имеющимся в материалах дела; фактический "
                     "остаток просим подтвердить.",
        "h_transfers": "2. Переводы",
        "c_tx": "Хеш транзакции", "c_time": "Время (UTC)", "c_amount": "Сумма",
        "c_from": "Откуда", "c_to_addr": "Куда",
        "h_method": "3. Как отслежены средства",
        "heuristics": "Эвристики (выводы, а не установленные факты):",
        "h_request": "4. Просим",
        "r_exchange": "заморозить (запретить вывод) средства, зачисленные с указанных адресов, "
                      "и средства на связанных с ними счетах клиентов;|"
                      "сохранить все записи по этим счетам: данные KYC, историю входов и "
                      "IP-адреса, пополнения и выводы, связанные счета;|"
                      "сообщить, кому принадлежат депозитные счета (личность, документы, "
                      "контакты, привязанные банковские карты и счета);|"
                      "сообщить о принятых мерах и размере замороженных средств.",
        "r_issuer": "заблокировать (внести в чёрный список) указанные адреса, чтобы токены "
                    "{{ token }} на них не могли быть переведены;|"
                    "сохранить записи, относящиеся к этим адресам;|"
                    "сообщить о принятых мерах и размере заблокированных средств.",
        "h_custody": "5. Цепочка хранения доказательств",
        "custody_note": "Файлы доказательств хранятся в неизменном виде; SHA-256 каждого файла "
                        "пересчитан при подготовке письма и совпадает с записанным при импорте.",
        "c_file": "Файл", "c_format": "Формат", "c_imported": "Импортирован",
        "c_records": "Записей",
        "h_cited": "Приложение. Записи материалов дела",
        "c_n": "№", "c_record": "Запись", "c_kind": "Вид", "c_locator": "Место в файле",
        "sign": "[Должность, фамилия, инициалы, подпись — заполняется]",
        "footer": "Подготовлено в Tergeu {{ date }}; каждый факт письма проверен по записям "
                  "материалов дела {{ case }}.",
    },
    "kk": {
        "office": "[Прокуратура органының атауы, мекенжайы — толтырылады]",
        "number": "Шығыс № ______ {{ date }}",
        "to": "Кімге: {{ recipient }} {{ recipient_refs }}",
        "subject_exchange": "Қаражатты бұғаттау және ақпарат беру туралы",
        "subject_issuer": "Мекенжайлардағы {{ token }} токендерін бұғаттау туралы",
        "case": "Қылмыстық іс: {{ case }}",
        "intro": "Есірткі құралдарының заңсыз айналымынан түскен кірістерді заңдастыру туралы "
                 "{{ case }} қылмыстық ісін тергеу барысында қылмыстық жолмен алынған қаражат "
                 "төменде көрсетілген мекенжайларға түскені анықталды. Хаттың әр дерегіне іс "
                 "материалдарының жазбасына [n] сілтеме берілген (қосымша), әр жазбаға — "
                 "дәлелдеме файлы және оның SHA-256.",
        "basis": "Құқықтық негіз: [ҚР ҚПК бабы, халықаралық шарт немесе өзге негіз — "
                 "прокурор толтырады]",
        "h_addresses": "1. Мекенжайлар мен сомалар",
        "c_address": "Мекенжай", "c_attribution": "Тиесілілігі", "c_received": "Түсті",
        "c_sent": "Жіберілді", "c_held": "Мекенжайдағы қалдық", "c_traced": "Қадағаланды",
        "c_refs": "Сілтемелер",
        "held_note": "Қалдық іс материалдарындағы аударымдар бойынша есептелді; нақты "
                     "қалдықты растауыңызды сұраймыз.",
        "h_transfers": "2. Аударымдар",
        "c_tx": "Транзакция хэші", "c_time": "Уақыты (UTC)", "c_amount": "Сомасы",
        "c_from": "Қайдан", "c_to_addr": "Қайда",
        "h_method": "3. Қаражат қалай қадағаланды",
        "heuristics": "Эвристикалар (анықталған факт емес, тұжырым):",
        "h_request": "4. Сұраймыз",
        "r_exchange": "көрсетілген мекенжайлардан есептелген қаражатты және оларға байланысты "
                      "клиент шоттарындағы қаражатты бұғаттау (шығаруға тыйым салу);|"
                      "осы шоттар бойынша барлық жазбаларды сақтау: KYC деректері, кіру тарихы "
                      "және IP-мекенжайлар, толықтыру мен шығару, байланысты шоттар;|"
                      "депозит шоттарының кімге тиесілі екенін хабарлау (тұлғасы, құжаттары, "
                      "байланыс деректері, байланған банк карталары мен шоттары);|"
                      "қабылданған шаралар мен бұғатталған қаражат мөлшері туралы хабарлау.",
        "r_issuer": "көрсетілген мекенжайларды бұғаттау (қара тізімге енгізу), ондағы "
                    "{{ token }} токендері аударылмауы үшін;|"
                    "осы мекенжайларға қатысты жазбаларды сақтау;|"
                    "қабылданған шаралар мен бұғатталған қаражат мөлшері туралы хабарлау.",
        "h_custody": "5. Дәлелдемелерді сақтау тізбегі",
        "custody_note": "Дәлелдеме файлдары өзгеріссіз сақталады; әр файлдың SHA-256 хэші хат "
                        "дайындалғанда қайта есептелді және импорт кезінде жазылғанмен сәйкес.",
        "c_file": "Файл", "c_format": "Пішімі", "c_imported": "Импортталды",
        "c_records": "Жазбалар",
        "h_cited": "Қосымша. Іс материалдарының жазбалары",
        "c_n": "№", "c_record": "Жазба", "c_kind": "Түрі", "c_locator": "Файлдағы орны",
        "sign": "[Лауазымы, тегі, аты-жөні, қолы — толтырылады]",
        "footer": "Tergeu-да {{ date }} дайындалды; хаттың әр дерегі {{ case }} іс "
                  "материалдарының жазбалары бойынша тексерілді.",
    },
    "en": {
        "office": "[Name and address of the prosecutor's office — to be filled in]",
        "number": "Ref. No. ______ of {{ date }}",
        "to": "To: {{ recipient }} {{ recipient_refs }}",
        "subject_exchange": "Request to freeze funds and to provide information",
        "subject_issuer": "Request to freeze (blacklist) {{ token }} at addresses",
        "case": "Criminal case: {{ case }}",
        "intro": "In the investigation of criminal case {{ case }} concerning the laundering of "
                 "proceeds of drug trafficking it was established that criminal proceeds "
                 "reached the addresses listed below. Every fact of this letter carries a "
                 "reference [n] to a record of the case file (annex), and every record its "
                 "evidence file and that file's SHA-256.",
        "basis": "Legal basis: [article of the Criminal Procedure Code of the Republic of "
                 "Kazakhstan, international agreement or other basis — to be filled in by the "
                 "prosecutor]",
        "h_addresses": "1. Addresses and amounts",
        "c_address": "Address", "c_attribution": "Attribution", "c_received": "Received",
        "c_sent": "Sent", "c_held": "Still at the address", "c_traced": "Traced",
        "c_refs": "Refs",
        "held_note": "What is still at an address is computed from the transfers in the case "
                     "file; please confirm the actual balance.",
        "h_transfers": "2. Transfers",
        "c_tx": "Transaction hash", "c_time": "Time (UTC)", "c_amount": "Amount",
        "c_from": "From", "c_to_addr": "To",
        "h_method": "3. How the funds were traced",
        "heuristics": "Heuristics (inferences, not established facts):",
        "h_request": "4. We request that you",
        "r_exchange": "freeze (block the withdrawal of) the funds credited from these "
                      "addresses and the funds in the customer accounts linked to them;|"
                      "preserve all records of these accounts: KYC data, login history and IP "
                      "addresses, deposits and withdrawals, linked accounts;|"
                      "tell us who owns the deposit accounts (identity, documents, contact "
                      "details, linked bank cards and accounts);|"
                      "inform us of the measures taken and the amount frozen.",
        "r_issuer": "freeze (blacklist) these addresses so that the {{ token }} at them cannot "
                    "be transferred;|"
                    "preserve the records relating to these addresses;|"
                    "inform us of the measures taken and the amount frozen.",
        "h_custody": "5. Chain of custody of the evidence",
        "custody_note": "The evidence files are kept unaltered; the SHA-256 of each file was "
                        "recomputed when this letter was prepared and matches the one recorded "
                        "at import.",
        "c_file": "File", "c_format": "Format", "c_imported": "Imported",
        "c_records": "Records",
        "h_cited": "Annex. Records of the case file",
        "c_n": "No.", "c_record": "Record", "c_kind": "Kind", "c_locator": "Place in the file",
        "sign": "[Position, name, signature — to be filled in]",
        "footer": "Prepared with Tergeu on {{ date }}; every fact of this letter was checked "
                  "against the records of case {{ case }}.",
    },
}


def _table(doc: Document, headers: list[str], loop: str, cells: list[str]) -> None:
    """A table whose middle row repeats (docxtpl's `{%tr %}` rows around it)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for i, h in enumerate(headers):
        run = table.rows[0].cells[i].paragraphs[0].add_run(h)
        run.bold = True
    table.rows[1].cells[0].text = f"{{%tr for r in {loop} %}}"
    for i, c in enumerate(cells):
        table.rows[2].cells[i].text = f"{{{{ r.{c} }}}}"
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(8)


def write_template(lang: str) -> Path:
    t = TEXTS[lang]
    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_paragraph(t["office"])
    doc.add_paragraph(t["number"])
    to = doc.add_paragraph(t["to"])
    to.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_paragraph("{% if recipient_note %}{{ recipient_note }}{% endif %}")
    doc.add_paragraph("{% if to == 'exchange' %}" + t["subject_exchange"] + "{% else %}"
                      + t["subject_issuer"] + "{% endif %}", style="Title")
    doc.add_paragraph(t["case"])
    doc.add_paragraph(t["intro"])
    doc.add_paragraph(t["basis"])
    doc.add_heading(t["h_addresses"], level=1)
    _table(doc, [t["c_address"], t["c_attribution"], t["c_received"], t["c_sent"],
                 t["c_held"], t["c_traced"], t["c_refs"]],
           "addresses", ["address", "attribution", "received", "sent", "held", "traced",
                         "refs"])
    doc.add_paragraph(t["held_note"])
    doc.add_heading(t["h_transfers"], level=1)
    _table(doc, [t["c_tx"], t["c_time"], t["c_amount"], t["c_from"], t["c_to_addr"],
                 t["c_refs"]],
           "transfers", ["tx", "time", "amount", "from", "to", "refs"])
    doc.add_heading(t["h_method"], level=1)
    doc.add_paragraph("{%p for line in method %}")
    doc.add_paragraph("{{ line }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph(t["heuristics"])
    doc.add_paragraph("{%p for line in heuristics %}")
    doc.add_paragraph("{{ line }}", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading(t["h_request"], level=1)
    doc.add_paragraph("{%p if to == 'exchange' %}")
    for item in t["r_exchange"].split("|"):
        doc.add_paragraph(item, style="List Number")
    doc.add_paragraph("{%p else %}")
    for item in t["r_issuer"].split("|"):
        doc.add_paragraph(item, style="List Number 2")
    doc.add_paragraph("{%p endif %}")
    doc.add_heading(t["h_custody"], level=1)
    doc.add_paragraph(t["custody_note"])
    _table(doc, [t["c_file"], "SHA-256", t["c_format"], t["c_imported"], t["c_records"]],
           "custody", ["file", "sha256", "format", "imported", "records"])
    doc.add_paragraph("")
    doc.add_paragraph(t["sign"])
    doc.add_heading(t["h_cited"], level=1)
    _table(doc, [t["c_n"], t["c_record"], t["c_kind"], t["c_file"], t["c_locator"]],
           "cited", ["n", "id", "kind", "file", "locator"])
    foot = doc.add_paragraph(t["footer"])
    foot.runs[0].font.size = Pt(8)
    path = OUT / f"{lang}.docx"
    doc.save(str(path))
    return path


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for language in TEXTS:
        print(write_template(language))
