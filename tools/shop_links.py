"""Which chats, bot handles and names make one shop: the rules, on plain data (no store).

A shop is known from its chats: the bot chat buyers order in, its own channel, and the market
listings of its vendor name. They are linked by what the evidence says, never by how a chat
happens to be named:

- a channel whose posts name exactly one bot is that bot's shop's channel;
- a channel that advertises at most one bot and whose title names a shop (the display name
  of a bot chat, as a whole phrase) is that shop's channel;
- a post that names a bot and a shop's name (the display name of a bot chat) links that bot
  to that bot chat: a market channel advertising several shops' bots links each bot to its
  own shop, never the channel to any of them;
- a bot chat whose messages name a bot (its new handle after a ban) is that bot's shop;
- a bot chat's display name spelled in Latin letters that is the stem of a handle
  ("Nord Wind" and @nordwind_kz_bot) links them.

`tools/store/shops.py` feeds these rules from the store at the end of every import and keeps
the result in the `shops` and `shop_links` tables; every consumer reads those tables.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

BOT_CHAT = "bot_chat"
# `channel`: a channel known from its posts read as listings, public or private unknown.
CHANNEL_TYPES = frozenset({"public_channel", "private_channel", "channel"})
# Names shorter than this are too common to link a post to a shop by ("Бот", "Шоп").
MIN_NAME = 4

_TRANSLIT = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ә": "a", "ғ": "g",
    "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
})
_NOT_WORD = re.compile(r"[^\w]+")


def chat_shop_id(chat_id: int | str) -> str:
    """The id of a Telegram chat as a shop's chat: `tg:<chat id>`."""
    return f"tg:{chat_id}"


def market_shop_id(source: str, vendor: str) -> str:
    """The id of a market vendor: `<mapping source>:<vendor>` (e.g. `agora:NordWind`)."""
    return f"{source}:{vendor}"


def listing_source(record_id: str) -> str:
    """The mapping source of a market listing's record id (`listing:agora/123` → `agora`)."""
    return record_id.removeprefix("listing:").split("/", 1)[0]


def name_key(name: str) -> str:
    """A display name as compared: case-folded, emoji and punctuation dropped, spaces single."""
    return " ".join(_NOT_WORD.sub(" ", name.casefold()).replace("_", " ").split())


def latin_stem(text: str) -> str:
    """Letters of a name or handle in Latin, without `bot` at the end ("Север" → "sever")."""
    letters = "".join(c for c in name_key(text).translate(_TRANSLIT) if c.isalpha())
    return letters.removesuffix("bot")


def _spellings(stem: str) -> set[str]:
    """A Latin stem and its Kazakh-Latin spelling (ж as j: "zhasyl" and "jasyl")."""
    return {stem, stem.replace("zh", "j")}


@dataclass(frozen=True, slots=True)
class Chat:
    """A chat (or market vendor) that handed out payment details or advertised a bot."""

    id: str
    name: str
    type: str  # the Telegram chat type, or `market` for a market vendor


@dataclass(frozen=True, slots=True)
class BotMention:
    """A message in `chat` whose text names the bot `handle` (without @, lower case)."""

    chat: str
    handle: str
    text: str


@dataclass(slots=True)
class Shop:
    id: str
    name: str
    chats: list[Chat] = field(default_factory=list)
    bots: list[str] = field(default_factory=list)


class _Groups:
    """Union-find over chat ids and `@handle` keys, knowing which groups hold a bot chat."""

    def __init__(self, bot_chats: set[str]) -> None:
        self.parent: dict[str, str] = {}
        self.bot_chats = bot_chats
        self.has_bot_chat: dict[str, bool] = {}

    def find(self, x: str) -> str:
        if x not in self.parent:
            self.parent[x] = x
            self.has_bot_chat[x] = x in self.bot_chats
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
            self.has_bot_chat[min(ra, rb)] = self.has_bot_chat[ra] or self.has_bot_chat[rb]

    def union_unless_two_shops(self, a: str, b: str) -> None:
        """Union by weaker evidence (a channel's title, a name in a post's text): never of two
        groups that each hold a bot chat already, which are two shops — a shop named like a
        product ("Кристалл", "Снежок") is named in every other shop's menu."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb and not (self.has_bot_chat[ra] and self.has_bot_chat[rb]):
            self.union(ra, rb)


def _longest(found: list[tuple[int, str]]) -> str | None:
    """The bot chat of the longest (length, bot chat) match, None when two chats tie."""
    found = sorted(found, reverse=True)
    if not found or (len(found) > 1 and found[0][0] == found[1][0]
                     and found[0][1] != found[1][1]):
        return None
    return found[0][1]


def _longest_named(text: str, names: list[tuple[str, str]]) -> str | None:
    """The bot chat whose name `text` holds as a whole phrase, the longest when several do
    ("Полярная Звезда 2" over "Полярная Звезда"); None when none does, or two equally long."""
    padded = f" {name_key(text)} "
    return _longest([(len(key), chat) for key, chat in names if f" {key} " in padded])


def _shop_name(own: list[Chat]) -> Chat:
    """The chat whose title names the shop: its channel's (what it advertises under, "Снежная
    Королева KZ" for a bot chat titled "Королева ❄️ Оператор 24/7"), unless the bot chat's
    title is the channel's without its additions ("Жасыл Орман" of "Жасыл Орман | Алматы")."""
    bot = next((c for c in own if c.type == BOT_CHAT), None)
    channel = next((c for c in own if c.type in CHANNEL_TYPES), None)
    if channel is None or (bot is not None and name_key(bot.name)
                           and f" {name_key(bot.name)} " in f" {name_key(channel.name)} "):
        return bot or own[0]
    return channel


def link_shops(chats: list[Chat], mentions: list[BotMention]) -> list[Shop]:
    """The shops the chats and bot mentions make, each chat in exactly one shop. The rules
    apply from the strongest evidence to the weakest; a weak one never joins two shops."""
    by_id = {c.id: c for c in chats}
    bot_chats = [c for c in chats if c.type == BOT_CHAT]
    groups = _Groups({c.id for c in bot_chats})
    for c in chats:
        groups.find(c.id)
    names = [(name_key(c.name), c.id) for c in bot_chats if len(name_key(c.name)) >= MIN_NAME]
    handles_of: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        handles_of[m.chat].add(m.handle)

    # A bot chat's own messages name its bot (its new handle after a ban).
    for m in mentions:
        if (chat := by_id.get(m.chat)) is not None and chat.type == BOT_CHAT:
            groups.union(chat.id, "@" + m.handle)
    # A handle spelling a bot chat's name: the longest such name ("Альфа Маркет 2" for
    # @al_fa_market_2x14_bot, not "Альфа Маркет").
    stems = [(stem, c.id) for c in bot_chats for stem in _spellings(latin_stem(c.name))
             if len(stem) >= MIN_NAME]
    for h in sorted({m.handle for m in mentions}):
        spelled = _spellings(latin_stem(h))
        if (bot_chat := _longest([(len(stem), chat) for stem, chat in stems
                                  if any(sp.startswith(stem) for sp in spelled)])) is not None:
            groups.union(bot_chat, "@" + h)
    # A channel advertising one bot is that bot's shop's.
    for c in chats:
        if c.type != BOT_CHAT and len(handles_of[c.id]) == 1:
            groups.union_unless_two_shops(c.id, "@" + next(iter(handles_of[c.id])))
    # A channel advertising at most one bot, titled with a shop's name.
    for c in chats:
        if (c.type in CHANNEL_TYPES and len(handles_of[c.id]) <= 1
                and (bot_chat := _longest_named(c.name, names)) is not None):
            groups.union_unless_two_shops(bot_chat, c.id)
    # A post naming a bot and a shop's name (a market channel advertising several shops).
    for m in mentions:
        chat = by_id.get(m.chat)
        if (chat is not None and chat.type != BOT_CHAT
                and (bot_chat := _longest_named(m.text, names)) is not None):
            groups.union_unless_two_shops(bot_chat, "@" + m.handle)

    members: dict[str, list[str]] = defaultdict(list)
    for key in list(groups.parent):
        members[groups.find(key)].append(key)
    shops = []
    for keys in members.values():
        own = sorted((by_id[k] for k in keys if k in by_id), key=lambda c: c.id)
        if not own:
            continue  # a bot no chat of the case belongs to
        named = _shop_name(own)
        shops.append(Shop(id=own[0].id, name=named.name, chats=own,
                          bots=sorted(k[1:] for k in keys if k.startswith("@"))))
    return sorted(shops, key=lambda s: s.id)
