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
    """Union-find over chat ids and `@handle` keys."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


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
    """The shops the chats and bot mentions make, each chat in exactly one shop."""
    groups = _Groups()
    by_id = {c.id: c for c in chats}
    for c in chats:
        groups.find(c.id)
    bot_chats = [c for c in chats if c.type == BOT_CHAT]
    names = [(name_key(c.name), c.id) for c in bot_chats if len(name_key(c.name)) >= MIN_NAME]

    handles_of: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        handles_of[m.chat].add(m.handle)
    for m in mentions:
        chat = by_id.get(m.chat)
        if chat is None:
            continue
        bot = "@" + m.handle
        if chat.type == BOT_CHAT:
            groups.union(chat.id, bot)
            continue
        if len(handles_of[m.chat]) == 1:
            groups.union(chat.id, bot)
        text = f" {name_key(m.text)} "
        for key, bot_chat in names:
            if f" {key} " in text:
                groups.union(bot_chat, bot)
    for c in chats:
        if c.type in CHANNEL_TYPES and len(handles_of[c.id]) <= 1:
            title = f" {name_key(c.name)} "
            for key, bot_chat in names:
                if f" {key} " in title:
                    groups.union(bot_chat, c.id)
    handles = {m.handle for m in mentions}
    for c in bot_chats:
        stems = _spellings(latin_stem(c.name))
        if min(map(len, stems)) < MIN_NAME:
            continue
        for h in handles:
            if any(s.startswith(stem) for s in _spellings(latin_stem(h)) for stem in stems):
                groups.union(c.id, "@" + h)

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
