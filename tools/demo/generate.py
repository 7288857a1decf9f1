"""Generating a whole drug-trade case: shops, droppers, chats, statements, USDT layering, noise."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from tools.demo import fake_ids as ids
from tools.demo.truth import (
    BeneficiaryTruth,
    DropperTruth,
    ExchangeTruth,
    Scale,
    ShopTruth,
    Truth,
)
from tools.demo.writers import (
    TelegramExport,
    write_about,
    write_bank_statement,
    write_tagpack,
    write_trongrid_pages,
)
from tools.identifiers import iin_is_valid
from tools.resources import read_text, shipped_yaml

START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
DAYS = 60
MICRO = 1_000_000  # USDT has 6 decimals; all amounts here are integer micro-USDT


@dataclass(frozen=True, slots=True)
class ScaleSpec:
    shops: int
    kz_droppers: int
    foreign_droppers: int
    payment_wallets: int
    beneficiaries: int
    held_usdt: int
    unrelated_transfers: int
    unrelated_wallets: int
    hot_wallets: int
    channel_posts: int
    extra_statement_rows: int


SCALES: dict[str, ScaleSpec] = {
    "small": ScaleSpec(3, 6, 4, 4, 2, 60_000, 300, 40, 1, 4, 6),
    "medium": ScaleSpec(10, 150, 500, 40, 5, 500_000, 50_000, 1_000, 2, 10, 10),
    "seed": ScaleSpec(40, 2_000, 13_000, 620, 12, 5_000_000, 1_000_000, 5_000, 3, 300, 12),
}


@cache
def texts() -> dict[str, Any]:
    return shipped_yaml(read_text("tools.demo", "texts.yaml"))


@dataclass(slots=True)
class Dropper:
    shop: int
    country: Literal["KZ", "RU"]
    bank: str
    card: str
    iban: str | None
    phone: str | None
    name: str
    iin: str
    # (when, tenge, (party kind, name, account)): positive in, negative out.
    received: list[tuple[datetime, int, tuple[str, str, str]]] = field(default_factory=list)
    sent: list[tuple[datetime, int, tuple[str, str, str]]] = field(default_factory=list)


@dataclass(slots=True)
class Shop:
    index: int
    name: str
    bot: str
    chat_id: int
    channel_id: int
    cities: list[str]
    lang: str
    droppers: list[Dropper] = field(default_factory=list)
    payment_wallets: list[str] = field(default_factory=list)
    treasury: str = ""
    beneficiaries: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Transfer:
    ts: int  # ms
    frm: str
    to: str
    amount: int  # micro-USDT
    txid: str


class CaseGenerator:
    """Builds the case in memory, writes it with `write(out)`; deterministic for a seed."""

    def __init__(self, seed: int, scale: Scale) -> None:
        self.seed = seed
        self.scale = scale
        self.spec = SCALES[scale]
        self.rng = random.Random(seed)
        self.t = texts()
        self.transfers: list[Transfer] = []
        self.shops: list[Shop] = []
        self.messages_truth: dict[str, list[tuple[str, str]]] = {}
        self.buyer_wallets: list[str] = []
        self._balances: dict[str, int] = {}
        self._bank_rows = 0

    # --- the cast ---------------------------------------------------------------------------

    def _iin(self) -> str:
        """A person's ИИН: birth date, century-and-sex digit, serial, valid control digit."""
        r = self.rng
        while True:
            body = f"{r.randint(75, 99)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}" \
                   f"{r.choice('3456')}{r.randint(1000, 9999)}"
            for check in "0123456789":
                if iin_is_valid(body + check):
                    return body + check

    def cast(self) -> None:
        r, s = self.rng, self.spec
        names = list(self.t["shop_names"])
        r.shuffle(names)
        for i in range(s.shops):
            name = names[i % len(names)] + ("" if i < len(names) else f" {i // len(names) + 1}")
            handle = f"{ids.B58[r.randrange(26, 50)]}{r.randrange(10, 99)}"
            self.shops.append(Shop(
                index=i, name=name, bot=f"{_latin(name)}{handle}_bot", chat_id=7_100_000_000 + i,
                channel_id=1_900_000_000 + i, cities=r.sample(self.t["cities"], k=r.randint(1, 3)),
                lang="kk" if i % 3 == 2 else "ru",
            ))
        for k in range(s.kz_droppers):
            bank = "Kaspi Bank" if k % 3 else "Halyk Bank"
            code, bin6 = ("722", "440043") if bank == "Kaspi Bank" else ("601", "440563")
            shop = self.shops[k % s.shops]
            shop.droppers.append(Dropper(
                shop.index, "KZ", bank, ids.card(r, bin6), ids.kz_iban(r, code),
                "+7" + ids.kz_mobile(r), r.choice(self.t["dropper_names"]), self._iin()))
        for k in range(s.foreign_droppers):
            shop = self.shops[k % s.shops]
            bin6 = r.choice(["427638", "220220", "521324", "553691"])
            shop.droppers.append(Dropper(shop.index, "RU", "RU bank", ids.card(r, bin6), None,
                                         None, r.choice(self.t["dropper_names"]), ""))
        for k in range(s.payment_wallets):
            self.shops[k % s.shops].payment_wallets.append(ids.tron(r))
        self.beneficiaries = [ids.tron(r) for _ in range(s.beneficiaries)]
        for shop in self.shops:
            shop.treasury = ids.tron(r)
            shop.beneficiaries = r.sample(self.beneficiaries, k=min(2, len(self.beneficiaries)))
        self.hot_wallets = [ids.tron(r) for _ in range(s.hot_wallets)]
        self.deposits = {b: ids.tron(r) for b in self.beneficiaries}
        self.deposit_exchange = {d: self.hot_wallets[i % len(self.hot_wallets)]
                                 for i, d in enumerate(self.deposits.values())}
        self.p2p_sellers = [ids.tron(r) for _ in range(max(3, s.shops // 2))]
        self.p2p_accounts = [ids.kz_iban(r, "722") for _ in self.p2p_sellers]

    # --- the buyer's conversations with shop bots ---------------------------------------------

    def conversations(self, export: TelegramExport) -> None:
        r = self.rng
        for shop in self.shops:
            chat = export.chat(shop.name, "bot_chat", shop.chat_id)
            buyer, bot_id = ("Покупатель", "user5550001"), (shop.name, f"user{shop.chat_id}")
            when = START - timedelta(hours=r.randint(1, 48))
            chat.say(when, *buyer, r.choice(self.t["buyer_start"]))
            menu = self._menu(shop)
            chat.say(when + timedelta(seconds=3), *bot_id, menu)
            reveals = self._reveals(shop)
            gap = timedelta(minutes=DAYS * 24 * 60 / max(len(reveals), 1))
            for n, (kind, value, dropper) in enumerate(reveals):
                when = START + gap * n + timedelta(minutes=r.randint(0, 30))
                product = r.choice(self.t["products"])
                qty = r.choice([1, 1, 2, 3]) if kind != "iban" else r.choice([20, 50, 100])
                price = product["price"] * qty
                city = r.choice(shop.cities)
                lang = shop.lang if r.random() < 0.8 else "ru"
                order = r.choice(self.t["buyer_order"][lang]).format(
                    city=city, slang=product["slang"], qty=qty, n=r.randint(1, 5))
                chat.say(when, *buyer, order)
                shown = _show(kind, value, r)
                usdt = f"{price / 505:.2f}"
                pay = r.choice(self.t["pay"][kind][lang]).format(
                    value=shown, price=f"{price:,}".replace(",", " "), qty=qty, usdt=usdt,
                    order=r.randint(10000, 99999))
                msg_id = chat.say(when + timedelta(seconds=r.randint(5, 90)), *bot_id, pay)
                self.messages_truth[f"tg:{shop.chat_id}/{msg_id}"] = [(kind, value)]
                paid_at = when + timedelta(minutes=r.randint(3, 40))
                chat.say(paid_at, *buyer, r.choice(self.t["buyer_paid"]))
                chat.say(paid_at + timedelta(minutes=2), *bot_id,
                         r.choice(self.t["bot_after_paid"][lang]))
                if dropper is not None:
                    dropper.received.append((paid_at, price, self._buyer()))
                elif kind == "tron":
                    self._buyer_crypto_payment(paid_at, value, shop.treasury,
                                               round(float(usdt) * MICRO))

    def _menu(self, shop: Shop) -> str:
        r = self.rng
        lines = [r.choice(self.t["menu_header"][shop.lang]).format(shop=shop.name)]
        for n, p in enumerate(r.sample(self.t["products"], k=4), start=1):
            lines.append(self.t["menu_line"].format(n=n, product=p["name"], qty=1, unit=p["unit"],
                                                    price=f"{p['price']:,}".replace(",", " "),
                                                    city=r.choice(shop.cities)))
        return "\n".join(lines)

    def _reveals(self, shop: Shop) -> list[tuple[str, str, Dropper | None]]:
        """Every payment detail of the shop, in rotation order, some given out again later."""
        r = self.rng
        out: list[tuple[str, str, Dropper | None]] = []
        for d in shop.droppers:
            out.append(("card", d.card, d))
            if d.phone and r.random() < 0.5:
                out.append(("phone", d.phone, d))
            if d.iban and r.random() < 0.25:
                out.append(("iban", d.iban, d))
        out += [("tron", w, None) for w in shop.payment_wallets]
        r.shuffle(out)
        repeats = [out[r.randrange(len(out))] for _ in range(len(out) // 4)] if out else []
        return out + repeats

    def _buyer_crypto_payment(self, when: datetime, wallet: str, treasury: str,
                              amount: int) -> None:
        """A buyer pays the wallet the bot gave; the shop sweeps it to its treasury."""
        buyer = ids.tron(self.rng)
        self.buyer_wallets.append(buyer)
        self._send(_ms(when), buyer, wallet, amount)
        self._send(_ms(when + timedelta(minutes=self.rng.randint(20, 120))), wallet, treasury,
                   amount)

    # --- shop channels and other channels: listings -------------------------------------------

    def channels(self, export: TelegramExport) -> tuple[list[str], list[str]]:
        r, drug, other = self.rng, [], []
        self.listing_facts: dict[str, dict[str, str]] = {}
        self.injections: list[str] = []
        for shop in self.shops:
            chat = export.chat(f"{shop.name} | {', '.join(shop.cities)}", "public_channel",
                               shop.channel_id)
            times = sorted(START + timedelta(days=r.uniform(0, DAYS))
                           for _ in range(self.spec.channel_posts))
            for k, when in enumerate(times):
                p = r.choice(self.t["products"])
                key = "recruit_post" if k % 4 == 3 else "channel_post"
                lang = shop.lang if r.random() < 0.7 else "ru"
                city = r.choice(shop.cities)
                text = r.choice(self.t[key][lang]).format(
                    shop=shop.name, city=city, product=p["name"], slang=p["slang"],
                    price=f"{p['price']:,}".replace(",", " "), qty=1, bot="@" + shop.bot)
                msg_id = chat.say(when, chat.name, f"channel{shop.channel_id}", _typo(text, r))
                listing = f"listing:tg:{shop.channel_id}/{msg_id}"
                drug.append(listing)
                self.listing_facts[listing] = (
                    {"kind": "recruit", "city": city, "shop": f"tg:{shop.channel_id}"}
                    if key == "recruit_post" else
                    {"kind": "sale", "drug": p["drug"], "city": city,
                     "shop": f"tg:{shop.channel_id}"})
            # Last in the channel and drawn without the generator's randomness, so adding it
            # changed nothing else in the case.
            text = self.t["injection_post"][shop.index % len(self.t["injection_post"])]
            city = shop.cities[0]
            msg_id = chat.say(times[-1] + timedelta(hours=1), chat.name,
                              f"channel{shop.channel_id}", text.format(city=city, shop=shop.name))
            listing = f"listing:tg:{shop.channel_id}/{msg_id}"
            drug.append(listing)
            self.injections.append(listing)
            self.listing_facts[listing] = {
                "kind": "sale", "drug": "mephedrone" if "Меф" in text else "cannabis",
                "city": city, "shop": f"tg:{shop.channel_id}"}
        for n, spec in enumerate(self.t["other_channels"]):
            city = r.choice(self.t["cities"])
            chat = export.chat(spec["name"].format(city=city), "public_channel", 1_800_000_000 + n)
            times = sorted(START + timedelta(days=r.uniform(0, DAYS))
                           for _ in range(self.spec.channel_posts))
            for when in times:
                text = r.choice(spec["posts"]).format(city=city)
                msg_id = chat.say(when, chat.name, f"channel{1_800_000_000 + n}", text)
                listing = f"listing:tg:{1_800_000_000 + n}/{msg_id}"
                other.append(listing)
                self.listing_facts[listing] = {"kind": spec["kind"], "city": city}
        return drug, other

    # --- money: droppers' statements, P2P purchase of USDT, layering ------------------------

    def _buyer(self) -> tuple[str, str, str]:
        r = self.rng
        bank = r.choice(["722", "601"])
        return ("buyer", r.choice(self.t["dropper_names"]), ids.kz_iban(r, bank))

    def bank_money(self) -> dict[int, int]:
        """Buyers pay droppers; droppers pass money on to other droppers and to P2P sellers.

        Returns the tenge each shop's droppers spent on USDT.
        """
        r = self.rng
        tenge: dict[int, int] = defaultdict(int)
        for shop in self.shops:
            kz = [d for d in shop.droppers if d.country == "KZ"]
            for d in kz:
                for _ in range(self.spec.extra_statement_rows):
                    when = START + timedelta(days=r.uniform(0, DAYS - 5))
                    d.received.append((when, r.choice([8000, 12000, 15000, 25000, 50000]),
                                       self._buyer()))
            for k, d in enumerate(kz):
                # A fifth goes on to the next dropper, to blur where buyers' money went.
                if len(kz) > 1:
                    nxt = kz[(k + 1) % len(kz)]
                    when = max(w for w, _, _ in d.received) + timedelta(hours=1)
                    amount = sum(a for _, a, _ in d.received) // 5
                    d.sent.append((when, -amount, ("dropper", nxt.name, nxt.iban or "")))
                    nxt.received.append((when, amount, ("dropper", d.name, d.iban or "")))
            for d in kz:
                balance = sum(a for _, a, _ in d.received) + sum(a for _, a, _ in d.sent)
                when = max(w for w, _, _ in d.received + d.sent) + timedelta(hours=2)
                seller = r.randrange(len(self.p2p_accounts))
                party = ("p2p", self.t["p2p_names"][seller % len(self.t["p2p_names"])],
                         self.p2p_accounts[seller])
                d.sent.append((when, -balance, party))
                tenge[shop.index] += balance
        return tenge

    def usdt_flows(self, tenge: dict[int, int]) -> tuple[dict[str, int], dict[str, int]]:
        """P2P sellers -> treasury -> splits -> peel chains -> beneficiaries -> exchanges.

        Returns drug-money micro-USDT received per beneficiary and sent on to deposits.
        """
        r, spec = self.rng, self.spec
        received: dict[str, int] = defaultdict(int)
        to_exchange: dict[str, int] = defaultdict(int)
        # Each shop's share of what its beneficiaries will hold, weighted by its turnover.
        total_tenge = sum(tenge.values()) or 1
        target = spec.held_usdt * MICRO * 100 // 80  # beneficiaries pass on about a fifth
        for shop in self.shops:
            share = target * max(tenge.get(shop.index, 0), 1) // total_tenge
            if share < 1000 * MICRO:
                share = 1000 * MICRO
            t = START + timedelta(days=r.uniform(1, 5))
            # USDT bought P2P with the droppers' tenge arrives in the treasury in lots.
            left = share
            while left > 0:
                lot = min(left, r.randint(2_000, 20_000) * MICRO)
                t += timedelta(hours=r.uniform(2, 30))
                self._send(_ms(t), r.choice(self.p2p_sellers), shop.treasury, lot)
                left -= lot
            # Layering starts once everything, buyers' crypto payments included, has arrived.
            last_in = max(x.ts for x in self.transfers if x.to == shop.treasury)
            t = max(t, datetime.fromtimestamp(last_in / 1000, UTC)) + timedelta(days=1)
            self._layer(shop, self._balance(shop.treasury), t, received)
        # Beneficiaries cash out about a fifth through their exchange deposit addresses, after
        # the last drug money has reached them.
        t = datetime.fromtimestamp(max(x.ts for x in self.transfers) / 1000, UTC)
        t += timedelta(days=1)
        for b in self.beneficiaries:
            out = received[b] // 5
            if out:
                dep = self.deposits[b]
                self._send(_ms(t), b, dep, out)
                self._send(_ms(t + timedelta(hours=3)), dep, self.deposit_exchange[dep], out)
                to_exchange[b] = out
            t += timedelta(hours=5)
        return received, to_exchange

    def _layer(self, shop: Shop, amount: int, t: datetime, received: dict[str, int]) -> None:
        r = self.rng
        parts = r.randint(2, 4)
        cuts = sorted(r.sample(range(1, 1000), parts - 1))
        pieces = [b - a for a, b in zip([0, *cuts], [*cuts, 1000], strict=True)]
        sent = 0
        for k, p in enumerate(pieces):
            part = amount - sent if k == parts - 1 else amount * p // 1000
            sent += part
            hop = ids.tron(r)
            t += timedelta(minutes=r.randint(10, 600))
            self._send(_ms(t), shop.treasury, hop, part)
            # A peel chain: each hop passes most on and peels a little to a beneficiary.
            for _ in range(r.randint(1, 4)):
                t += timedelta(hours=r.uniform(1, 48))
                peel = part * r.randint(3, 10) // 100
                nxt = ids.tron(r)
                sink = r.choice(shop.beneficiaries)
                self._send(_ms(t), hop, sink, peel)
                received[sink] += peel
                self._send(_ms(t + timedelta(minutes=r.randint(1, 30))), hop, nxt, part - peel)
                hop, part = nxt, part - peel
            t += timedelta(hours=r.uniform(1, 72))
            sink = shop.beneficiaries[0]
            self._send(_ms(t), hop, sink, part)
            received[sink] += part

    def unrelated(self) -> None:
        """Ordinary USDT traffic around the case, much of it through busy exchange wallets."""
        r, spec = self.rng, self.spec
        wallets = [ids.tron(r) for _ in range(spec.unrelated_wallets)]
        # P2P sellers also sell to ordinary people; backward traces must not blame them.
        people = wallets + self.p2p_sellers
        for _ in range(spec.unrelated_transfers):
            t = START + timedelta(seconds=r.uniform(0, DAYS * 86400))
            roll = r.random()
            if roll < 0.35:
                frm, to = r.choice(self.hot_wallets), r.choice(people)
            elif roll < 0.7:
                frm, to = r.choice(people), r.choice(self.hot_wallets)
            else:
                frm, to = r.sample(people, 2)
            self._send(_ms(t), frm, to, r.randint(5, 5_000) * MICRO + r.randint(0, MICRO - 1))

    # --- bookkeeping ---------------------------------------------------------------------------

    def _send(self, ts: int, frm: str, to: str, amount: int) -> None:
        self.transfers.append(Transfer(ts, frm, to, amount, f"{self.rng.getrandbits(256):064x}"))
        self._balances[to] = self._balances.get(to, 0) + amount
        self._balances[frm] = self._balances.get(frm, 0) - amount

    def _balance(self, address: str) -> int:
        return self._balances.get(address, 0)

    def write(self, out: Path) -> Truth:
        """Write the case's evidence under `out` and return (and write) its truth."""
        out.mkdir(parents=True, exist_ok=True)
        self.cast()
        export = TelegramExport()
        self.conversations(export)
        drug, other = self.channels(export)
        export.write(out / "telegram" / "result.json")
        tenge = self.bank_money()
        statements = self._write_statements(out / "bank")
        received, to_exchange = self.usdt_flows(tenge)
        self.unrelated()
        pages = write_trongrid_pages(out / "tron", self.transfers)
        labels = {h: f"Exchange {chr(65 + i)} hot wallet" for i, h in enumerate(self.hot_wallets)}
        write_tagpack(out / "tags" / "exchanges.yaml", labels)
        write_about(out / "ABOUT.txt", self.seed, self.scale)
        truth = self._truth(statements, received, to_exchange, drug, other, labels, pages)
        (out / "truth.json").write_text(truth.model_dump_json(indent=1), encoding="utf-8")
        return truth

    def _write_statements(self, folder: Path) -> dict[str, str]:
        files: dict[str, str] = {}
        self._bank_rows = 0
        for shop in self.shops:
            for d in shop.droppers:
                if d.country == "KZ":
                    files[d.card], rows = write_bank_statement(folder, d, self.rng)
                    self._bank_rows += rows
        return files

    def _truth(self, statements: dict[str, str], received: dict[str, int],
               to_exchange: dict[str, int], drug: list[str], other: list[str],
               labels: dict[str, str], pages: int) -> Truth:
        usdt = lambda micro: str(Decimal(micro) / MICRO)  # noqa: E731
        droppers = [
            DropperTruth(shop=f"tg:{s.chat_id}", country=d.country, bank=d.bank, card=d.card,
                         iban=d.iban, phone=d.phone, statement=statements.get(d.card),
                         received_kzt=f"{sum(a for _, a, _ in d.received)}.00"
                         if d.card in statements else None,
                         payers=len({p[2] for _, _, p in d.received})
                         if d.card in statements else None)
            for s in self.shops for d in s.droppers
        ]
        bank_rows = self._bank_rows
        messages = len(self.messages_truth)
        return Truth(
            seed=self.seed, scale=self.scale,
            shops=[ShopTruth(id=f"tg:{s.chat_id}", name=s.name, bot=s.bot.lower(),
                             channel_id=s.channel_id, cities=s.cities,
                             payment_wallets=s.payment_wallets, treasury=s.treasury,
                   beneficiaries=s.beneficiaries)
                   for s in self.shops],
            droppers=droppers,
            messages=self.messages_truth,
            beneficiaries=[BeneficiaryTruth(address=b, received_usdt=usdt(received[b]),
                                            held_usdt=usdt(received[b] - to_exchange[b]),
                                            to_exchange_usdt=usdt(to_exchange[b]))
                           for b in self.beneficiaries],
            exchanges=[ExchangeTruth(
                hot_wallet=h, label=labels[h],
                deposit_addresses=[d for d, x in self.deposit_exchange.items() if x == h],
                drug_usdt=usdt(sum(to_exchange[b] for b, d in self.deposits.items()
                                   if self.deposit_exchange[d] == h)))
                for h in self.hot_wallets],
            drug_listings=drug, other_listings=other, listing_facts=self.listing_facts,
            injection_listings=self.injections, p2p_sellers=self.p2p_sellers,
            buyer_wallets=self.buyer_wallets,
            counts={"transfer": len(self.transfers), "bank_row": bank_rows,
                    "listing": len(drug) + len(other), "tag": len(labels),
                    "message_with_details": messages, "trongrid_pages": pages},
        )


EVIDENCE_FOLDERS = ("telegram", "bank", "tron", "tags")


def evidence_folders(case_dir: Path) -> list[Path]:
    """The folders of a generated case that hold evidence (not truth.json, not ABOUT.txt)."""
    return [case_dir / f for f in EVIDENCE_FOLDERS]


def generate_case(out: Path, seed: int = 1, scale: Scale = "small") -> Truth:
    """Write a whole demo case under `out` (evidence folders and `truth.json`)."""
    return CaseGenerator(seed, scale).write(out)


def _ms(t: datetime) -> int:
    return int(t.timestamp() * 1000)


def _latin(name: str) -> str:
    table = str.maketrans("абвгдеёжзийклмнопрстуфхцчшщъыьэюяқңөүұһәі ",
                          "abvgdeejziiklmnoprstufhccss_y_euyqnouuhai_")
    return "".join(c for c in name.lower().translate(table) if c.isalnum() or c == "_")[:16]


def _show(kind: str, value: str, r: random.Random) -> str:
    """A payment detail as shops write it: spaced cards, phones in several forms."""
    if kind == "card":
        return " ".join(value[i : i + 4] for i in range(0, 16, 4)) if r.random() < 0.7 else value
    if kind == "phone":
        n = value[2:]
        return r.choice([f"+7 {n[:3]} {n[3:6]} {n[6:8]} {n[8:]}", f"8{n}",
                         f"8 ({n[:3]}) {n[3:6]}-{n[6:8]}-{n[8:]}"])
    if kind == "iban":
        return " ".join(value[i : i + 4] for i in range(0, 20, 4)) if r.random() < 0.5 else value
    return value


def _typo(text: str, r: random.Random) -> str:
    """Now and then a doubled letter or a dropped one, as typed in a hurry."""
    # Never inside the bot's @name: a typo there would point buyers to another bot.
    end = text.find("@") if "@" in text else len(text)
    if r.random() < 0.2 and end > 20:
        i = r.randrange(5, end - 5)
        if text[i].isalpha() and text[i] not in "@_":
            return text[:i] + text[i] + text[i:] if r.random() < 0.5 else text[:i] + text[i + 1 :]
    return text
