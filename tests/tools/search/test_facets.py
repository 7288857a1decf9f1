"""What an analyst wants on top: shop posts, not the buyer's button presses; one hit per post."""

import pytest

from tests.utils.telegram_export import indexed_case, write_export
from tests.utils.telegram_export import message as _msg
from tools.search.index import SearchFilters
from tools.search.text import analyse, search_stem

OWNER = 5550001
BOT = 6120457731
CHANNEL = 1765432109


def _export(path):
    """A buyer's chat with a shop bot, and a market channel with the shop's posts among a
    pizzeria's job, a phone for sale and police news."""
    me, bot, ch = f"user{OWNER}", f"user{BOT}", f"channel{CHANNEL}"
    chats = [
        {"name": "Королева ❄️ Оператор 24/7", "type": "bot_chat", "id": BOT, "messages": [
            _msg(1, "Даурен", me, "/start"),
            _msg(2, "Королева", bot, "❄️ Добро пожаловать! Официальный бот: @snowqueen_kz_bot. "
                 "Выберите город"),
            _msg(3, "Даурен", me, "Шымкент"),
            _msg(4, "Королева", bot, "Выберите товар 👇"),
            _msg(5, "Даурен", me, "Меф 1г"),
            _msg(6, "Королева", bot, "🧾 Заказ #SQ-4471 / Меф кристалл 1г / К оплате: 18 000 ₸ / "
                 "💳 Kaspi Gold: 4400 4302 7815 0260 / Получатель: Ерлан Ж."),
            _msg(7, "Даурен", me, "Оплатил, вот чек"),
        ]},
        {"name": "ШЫМКЕНТ ОБЪЯВЛЕНИЯ 📢 Барахолка", "type": "public_channel", "id": CHANNEL,
         "messages": [
            _msg(11, "Барахолка", ch, "🍕 Требуются курьеры в пиццерию, Шымкент. Оплата "
                 "ежедневно. Звонить 8 (701) 555-12-34"),
            _msg(12, "Барахолка", ch, "❄️ Снежная Королева снова в Шымкенте! Меф кристалл 1г — "
                 "18 000 ₸. Клады 24/7 👉 @snowqueen_kz_bot"),
            _msg(13, "Барахолка", ch, "Продам iPhone 13 128GB, Шымкент, 230 000 ₸, торг. "
                 "Кристально чистый экран"),
            _msg(14, "Барахолка", ch, "Кристалдар Шымкент қаласында ❄️ / ❄️ 1г — 15 000 ₸ / "
                 "тапсырыс тек бот арқылы: @snowqueen_kz_bot"),
            _msg(15, "Барахолка", ch, "📰 В Шымкенте полиция задержала закладчика с мефедроном"),
            _msg(16, "Барахолка", ch, "🌲 Шишки для декора, сосновые, мешок 5 кг — 4 000 ₸"),
            _msg(17, "Барахолка", ch, "🌍 GREEN PLANET 🌿 Шишки AK-47 1г — 12 000 ₸, Алматы. "
                 "Бот: @greenplanet_operator_bot"),
        ]},
    ]
    return write_export(path, OWNER, chats)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("facets")
    return indexed_case(root, _export(root / "result.json"))


def test_a_post_and_its_listing_are_one_hit_citing_both(index):
    hits = index.search("мефедрон Шымкент", k=10).hits
    ids = [rid for h in hits for rid in h.record_ids]
    assert len(ids) == len(set(ids)), "a record shows up in two hits"
    post = next(h for h in hits if f"tg:{CHANNEL}/12" in h.record_ids)
    assert set(post.record_ids) == {f"tg:{CHANNEL}/12", f"listing:tg:{CHANNEL}/12"}
    assert {"city:Шымкент", "drug:mephedrone", "purpose:sale"} <= set(post.facets)


def test_the_buyers_button_presses_never_outrank_a_shops_offer(index):
    hits = index.search("мефедрон Шымкент", k=10).hits
    top3 = hits[:3]
    assert all(h.role == "seller" and "sale" in h.classes for h in top3), \
        [(h.record_id, h.role, h.classes) for h in top3]
    rank = {rid: n for n, h in enumerate(hits) for rid in h.record_ids}
    for button in (f"tg:{BOT}/3", f"tg:{BOT}/5", f"tg:{BOT}/7"):
        assert rank.get(button, 99) > rank[f"tg:{CHANNEL}/12"]
        assert rank.get(button, 99) > rank[f"tg:{CHANNEL}/14"]
    # The phone ad says "кристально" and "Шымкент": not an offer, below both posts.
    assert rank.get(f"tg:{CHANNEL}/13", 99) > rank[f"tg:{CHANNEL}/14"]


def test_the_kazakh_post_with_emoji_code_is_a_mephedrone_offer_in_shymkent(index):
    hit = next(h for h in index.search("кристалдар Шымкент", k=10).hits
               if f"tg:{CHANNEL}/14" in h.record_ids)
    assert "mephedrone" in hit.drugs and "Шымкент" in hit.cities and "sale" in hit.classes


def test_police_news_pizza_jobs_and_pine_cones_are_not_offers(index):
    for query, record in (("задержали закладчика", 15), ("курьер пиццерия", 11),
                          ("шишки для декора", 16)):
        hit = next(h for h in index.search(query, k=10).hits
                   if f"tg:{CHANNEL}/{record}" in h.record_ids)
        assert not {"sale", "recruit"} & set(hit.classes), (query, hit.classes)
    # Asked for the drug trade, they stay out of the top.
    top = index.search("шишки Шымкент", k=3).hits
    assert all(f"tg:{CHANNEL}/16" not in h.record_ids for h in top)


def test_a_shop_is_found_by_its_name_in_any_case_and_its_payment_details_by_purpose(index):
    hits = index.search("реквизиты Снежной Королевы", k=5).hits
    assert hits[0].record_ids == [f"tg:{BOT}/6"]
    assert "purpose:payment" in hits[0].facets
    assert index.search("Ерлана Ж.", k=3).hits[0].record_id == f"tg:{BOT}/6"


def test_a_query_in_the_buyers_words_finds_the_buyers_messages(index):
    assert index.search("оплатил чек", k=3).hits[0].record_id == f"tg:{BOT}/7"


@pytest.mark.parametrize(("a", "b"), [
    ("қаласында", "қала"), ("Түркістанда", "Түркістан"), ("Ерлана", "Ерланом"),
    ("Королевы", "Королева"), ("Айданой", "Айдана"),
])
def test_kazakh_endings_and_name_declensions_meet(a, b):
    assert search_stem(a.lower()) == search_stem(b.lower())


@pytest.mark.parametrize(("text", "drug"), [
    ("❄️ 1г — 15 000 ₸", "mephedrone"), ("💎 Крис 0.5г", "alpha_pvp"),
    ("🌿 1г — 12 000 ₸ @greenplanet_operator_bot", "cannabis"), ("🍫 3г — 33 000 ₸", "hashish"),
    ("⚡ Альфа 1г", "alpha_pvp"), ("Кристалдар Шымкент қаласында ❄️ 1г", "mephedrone"),
])
def test_emoji_code_and_kazakh_forms_name_the_drug_in_a_shop_post(text, drug):
    assert drug in analyse(text, document=True).of("drugs")


@pytest.mark.parametrize("text", [
    "погода завтра вроде -5, снег обещают ❄️", "Соль для ванн с лавандой, 1 кг — 2 500 ₸",
    "Продаю фен Dyson Supersonic, 180 000 ₸", "Шоколад ручной работы от кондитера",
])
def test_everyday_words_and_emoji_are_not_drugs_in_a_post(text):
    assert analyse(text, document=True).of("drugs") == []


def test_slang_names_its_drug_in_a_query_unless_household_words_stand_beside_it():
    assert analyse("❄️ Алматы").of("drugs") == ["mephedrone"]
    assert analyse("шишки").of("drugs") == ["cannabis"]
    assert analyse("сосновые шишки декор").of("drugs") == []


def test_looking_up_one_message_ranks_whoever_wrote_it_by_words_and_meaning(index):
    question = "сообщение с чеком"
    receipt = f"tg:{BOT}/7"  # the buyer's "Оплатил, вот чек"

    def rank(hits):
        return next((n for n, h in enumerate(hits) if receipt in h.record_ids), 99)

    offers = index.search(question, k=10).hits
    one = index.search(question, SearchFilters(kind="message"), k=10, offers_first=False).hits
    assert rank(one) <= 2 and one[rank(one)].role == "buyer"
    assert rank(offers) > rank(one)  # for offers, the sellers' texts come first


@pytest.mark.parametrize(("text", "classes"), [
    # Delivery of a drug or to stashes is the drug trade, not a pizzeria's.
    ("🚚 Доставка меф по городу, Шымкент, 1г — 18 000 ₸", {"sale"}),
    ("Требуются курьеры на доставку, работа с кладами, от 300 000 ₸ в неделю", {"recruit"}),
    ("Нужны курьеры на доставку пиццы, 200 000 ₸ в месяц", set()),
    ("Курьер в Яндекс Еда, доставка по городу, выплаты каждую неделю", set()),
])
def test_delivery_is_of_food_unless_it_names_a_drug_or_a_stash(text, classes):
    from tools.search.facets import doc_facets

    analysed = analyse(text, document=True)
    facets = doc_facets("message", {"chat_type": "public_channel"}, text, analysed, set(),
                        False)
    assert classes <= facets.classes and not ({"sale", "recruit"} - classes) & facets.classes
    assert ("topics:food_delivery" in analysed.concepts) is (not classes)


@pytest.mark.parametrize(("text", "classes"), [
    # A card that stopped working is no job; a shop open 24/7 recruits no one.
    ("⚠️ Jusan карта больше не работает. Сегодня только USDT (TRC20): "
     "TXa7pQk2mVb9RrC4yD3nLwZ8eF5uH1sJ6t", {"payment"}),
    ("Мы работаем 24/7, меф 1г — 17 000 ₸", {"sale", "priced"}),
    # Cards wanted in any case and in Latin letters: droppers.
    ("Нужен человек на оформление карт на себя — ИП/ТОО, 100 000 ₸ разово.", {"drops",
                                                                          "recruit"}),
    ("nuzhny lyudi s kartami bankov, 60k v nedelyu", {"drops", "recruit"}),
])
def test_work_is_a_job_only_as_a_noun_and_cards_wanted_are_droppers(text, classes):
    from tools.search.facets import doc_facets

    facets = doc_facets("message", {"chat_type": "public_channel"}, text,
                        analyse(text, document=True), set(), True)
    assert classes <= facets.classes and not (
        {"recruit", "drops", "sale", "payment"} - classes) & facets.classes, facets.classes
