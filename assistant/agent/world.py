"""Questions about the world outside the case that use words a case question could use (the
law, today's rates, regulation, a city's restaurants, an app's help, a game's score), told
from questions asking what the case's own records say of such things (a post calling a shop
legal)."""

from __future__ import annotations

import re

# The law and its penalties ("какое наказание за сбыт", "penalty for drug dealing", "есірткі
# үшін жаза"), today's market rates ("USDT exchange rate today", "курс доллара сегодня").
_LAW_AND_RATES = (
    r"(?<!\w)(?:наказан\w*|уголовн\w+ кодекс\w*|закон\w*|сколько дают|какой срок|"
    r"ответственност\w*|ук рк|ук|қк|criminal code|liabilit\w*|"
    r"statute\w*|давност\w*|ескіру\w*|"
    r"penalt\w*|punish\w*|prison|jail|legal\w*|\blaws?\b|жаза\w*|заң\w*|"
    r"қылмыстық кодекс\w*)(?!\w)|(?<!\w)(?:курс\w{0,4}|rates?|бағам\w{0,6})(?!\w).{0,40}?"
    r"(?<!\w)(?:сегодня|сейчас|today|now|бүгін|қазір)(?!\w)|(?<!\w)(?:сегодня\w{0,4}|сейчас|"
    r"today'?s?|now|бүгін\w{0,4}|қазір\w{0,4})(?!\w).{0,60}?(?<!\w)(?:курс\w{0,4}|rates?|"
    r"бағам\w{0,6})(?!\w)")
# How a market or a trade is governed ("Binance regulation", "регулирование криптобирж",
# "биржаларды реттеу"), the news of the day ("latest news", "последние новости"), and the
# everyday life of a city (restaurants, hotels, the weather, films, recipes): the world's
# matters whatever city or exchange they name.
_WORLD_MATTERS = (
    r"(?<!\w)(?:regulat\w*|регулир\w*|регулятор\w*|реттеу\w*|реттел\w*|"
    r"latest news|news today|последн\w+ новост\w*|свеж\w+ новост\w*|новост\w+ сегодня|"
    r"соңғы жаңалық\w*|бүгінгі жаңалық\w*|"
    r"restaurant\w*|cafes?|hotels?|weather|recipes?|movies?|films?|sights?|tourist\w*|"
    r"ресторан\w*|кафе|гостиниц\w*|отел[ьи]\w*|погод\w*|рецепт(?:ы|а|ов|ам)?|фильм\w*|"
    r"достопримечат\w*|"
    r"мейрамхана\w*|қонақ\s?үй\w*|ауа\s+райы\w*|фильм\w*|көрікті\s+жер\w*)(?!\w)")
# Everyday help with a device, an app or a login ("как установить телеграм на компьютер",
# "how do I reset my banking app password", "қосымшаны қалай жаңартамын"): a verb of setting
# up or restoring near an app, a device or a password, in either order.
_SETTING_UP = (r"(?:установ\w*|переустанов\w*|скача\w*|сброс\w*|обнов\w*|восстанов\w*|"
               r"настро\w*|удал\w*|install\w*|uninstall\w*|download\w*|reset\w*|"
               r"updat\w*|recover\w*|restor\w*|set\s+up|configur\w*|"
               r"орнат\w*|жүкте\w*|қалпына\w*|жаңарт\w*|бапта\w*|өшір\w*)")
_APPS_AND_DEVICES = (r"(?:телеграм\w*|telegram|whatsapp|ватсап\w*|приложени\w*|apps?|"
                     r"application|программ\w*|компьютер\w*|computer|laptop|ноутбук\w*|"
                     r"смартфон\w*|smartphone|iphone|айфон\w*|android|андроид\w*|"
                     r"браузер\w*|browser|қосымша\w*|бағдарлама\w*|парол\w*|passwords?|"
                     r"passcode|құпия\s?сөз\w*|пин-?код\w*)")
_HELP_WITH_APPS = (rf"(?<!\w){_SETTING_UP}(?!\w)[^.?!]{{0,60}}?(?<!\w){_APPS_AND_DEVICES}(?!\w)|"
                   rf"(?<!\w){_APPS_AND_DEVICES}(?!\w)[^.?!]{{0,60}}?(?<!\w){_SETTING_UP}(?!\w)")
# A company's help line ("Kaspi support phone number", "телефон службы поддержки банка",
# "қолдау қызметінің нөмірі"): the company's, not a phone the case's records hold.
_HELP_LINES = (r"(?<!\w)(?:support\s+(?:line|number|phone|service|team|chat|cent(?:er|re)|desk)|"
               r"(?:customer|tech(?:nical)?|client)\s+(?:support|service|care)|"
               r"(?:call|contact)\s+cent(?:er|re)|hotline|helpline|help\s?desk|"
               r"служб\w*\s+поддержк\w*|техподдержк\w*|поддержк\w*|горяч\w+\s+лини\w*|"
               r"(?:колл?|контакт)-?центр\w*|"
               r"қолдау\s+(?:қызмет|орталығ)\w*|байланыс\s+орталығ\w*|сенім\s+телефон\w*)(?!\w)")
# A game's score, a tournament, a sport ("счёт матча", "ойынының есебі", "who won the
# hockey game"): sport, whichever city's team plays.
_SPORT = (r"(?<!\w)(?:матч\w*|football|soccer|hockey|basketball|tennis|boxing|футбол\w*|"
          r"хоккей\w*|баскетбол\w*|теннис\w*|бокс\w*|чемпионат\w*|championships?|"
          r"tournaments?|турнир\w*|олимпиад\w*|olympic\w*|"
          r"ойын\w*\s+(?:есеб|нәтиже|қорытынды)\w*|(?:счёт|счет|результат\w*)\s+(?:игр|матч)\w*|"
          r"(?:score|result)s?\s+of\s+the\s+(?:game|match)|(?:game|match)\s+(?:score|result)s?|"
          r"final\s+score)(?!\w)")
ABOUT_THE_WORLD = re.compile(
    f"{_LAW_AND_RATES}|{_WORLD_MATTERS}|{_HELP_WITH_APPS}|{_HELP_LINES}|{_SPORT}", re.I)
# What the case's records say ("is there anything in the case saying the shop is legal",
# "в каком посте написано, что кошелёк чистый", "істе … деп жазылған ба"): the evidence asked
# about, not the world.
ABOUT_THE_RECORDS = re.compile(
    r"(?<!\w)(?:in (?:the|this|our) (?:case|evidence|records?|chats?|channels?)|"
    r"(?:в|по) (?:этом )?дел[еу]|в материал\w*|істе|іс\s+(?:бойынша|материал\w*)|"
    r"saying|says|said|claim(?:s|ing)?|сказано|написано|говорится|пишут|пишет|утвержда\w*|"
    r"деп\s+(?:жаз\w*|айт\w*)|posts?|messages?|channels?|пост\w*|сообщени\w*|канал\w*|"
    r"хабарлама\w*|арна\w*|переписк\w*|чат\w*|chats?|bots?|бот(?:а|у|ом|ы|ов|тар\w*)?|"
    # The case's records and actors: statements, payments, its shops, stashes, drops, couriers
    # ("оплаты в кафе по выпискам", "shops delivering stashes near hotels").
    r"выписк\w*|statements?|оплат\w*|payments?|үзінді\w*|төлем\w*|магазин\w*|шоп\w*|"
    r"дүкен\w*|shops?|stores?|закладк\w*|клад\w*|stash\w*|тайник\w*|дроп\w*|drops?|"
    r"droppers?|курьер\w*|couriers?|кладмен\w*)(?!\w)", re.I)


def about_the_world(question: str) -> bool:
    """Whether `question` asks about the world outside the case (its law, rates, regulation,
    a city's life) rather than what the case's records say of it."""
    return ABOUT_THE_WORLD.search(question) is not None and \
        ABOUT_THE_RECORDS.search(question) is None
