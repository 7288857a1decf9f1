"""The facts of a letter, gathered from the case without a language model: each address's
transfers and what is still at it, whose it is by the tags, the trace's paths, the evidence
files behind every record and their SHA-256 (recomputed from the vault)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from tools.errors import TergeuError
from tools.evidence import sha256_of, vault_path
from tools.letters.models import (
    AddressFacts,
    Attribution,
    CitedRecord,
    CustodyFile,
    LetterFacts,
    LetterRequest,
    TransferFact,
)
from tools.store import CaseStore
from tools.tokens import KNOWN_TOKENS, token_label
from tools.trace.engine import DEPOSIT_SHARE
from tools.trace.graph import CaseGraph, Move, from_units
from tools.trace.models import Endpoint, TraceResult

# Transfers of one address listed in a letter (the latest; a trace's path comes on top).
MAX_TRANSFERS_PER_ADDRESS = 40


class LetterError(TergeuError):
    """A letter cannot be written as asked: an address not in the case, addresses of two
    exchanges in one letter, a token without a known issuer, a fact the records do not
    support, an evidence file that no longer matches its SHA-256."""


def chain_of(address: str) -> str:
    if address.startswith("0x"):
        return "eth"
    if address.startswith("T"):
        return "tron"
    return "btc"


def gather(store: CaseStore, cg: CaseGraph, case: str, req: LetterRequest,
           trace: TraceResult | None = None) -> LetterFacts:
    """Everything the letter states, each fact with the records it comes from.

    Raises:
        LetterError: an address has no transfer in the case; the addresses are of two
            exchanges (to=exchange); the token has no known issuer (to=issuer); an evidence
            file is missing from the vault or no longer matches its SHA-256.
    """
    g = cg.graph
    missing = [a for a in req.addresses if a not in g or not (g.pred[a] or g.succ[a])]
    if missing:
        raise LetterError(f"no transfer of {', '.join(missing)} in case {case!r}")
    token = trace.token_key if trace is not None else _main_token(cg, req.addresses)
    endpoints = {e.address: e for e in trace.endpoints} if trace is not None else {}
    facts = [_address_facts(cg, a, token, endpoints.get(a)) for a in req.addresses]
    listed: dict[str, TransferFact] = {}
    for a in facts:
        path = a.endpoint.path if a.endpoint else []
        for hop in path:
            listed.setdefault(hop.record_id, TransferFact(
                record_id=hop.record_id, tx=hop.tx, time=hop.time, amount=hop.amount,
                token=token, from_address=hop.from_address, to_address=hop.to_address))
        for move, frm, to in _moves(cg, a.address, token)[-MAX_TRANSFERS_PER_ADDRESS:]:
            listed.setdefault(move.record_id, _transfer(move, frm, to))
    transfers = sorted(listed.values(), key=lambda t: (t.time or datetime.min.replace(
        tzinfo=UTC), t.record_id))
    issuer, contract = _issuer(token, chain_of(req.addresses[0]))
    if req.to == "issuer" and issuer is None:
        raise LetterError(f"{token_label(token)} has no known issuer to freeze it; a freeze "
                          "request goes to the issuer of a known token (USDT, USDC)")
    if req.to == "exchange":
        names = sorted({a.attribution.name for a in facts if a.attribution
                        and (a.attribution.kind == "deposit"
                             or a.attribution.category == "exchange")})
        if len(names) > 1:
            raise LetterError(f"the addresses are of {len(names)} exchanges ({', '.join(names)})"
                              ": one letter per exchange")
    cited = [t.record_id for t in transfers] + [
        r for a in facts if a.attribution
        for r in [a.attribution.tag_record, *a.attribution.sweep_records]]
    return LetterFacts(case=case, to=req.to, token=token, token_label=token_label(token),
                       issuer=issuer, token_contract=contract, addresses=facts,
                       transfers=transfers, trace=trace,
                       custody=custody(store, case, cited))


def _main_token(cg: CaseGraph, addresses: list[str]) -> str:
    counts: Counter[str] = Counter()
    for a in addresses:
        for d in [*cg.graph.pred[a].values(), *cg.graph.succ[a].values()]:
            counts.update(m.token for m in d["m"])
    return counts.most_common(1)[0][0]


def _issuer(token: str, chain: str) -> tuple[str | None, str | None]:
    for (c, contract), known in KNOWN_TOKENS.items():
        if c == chain and known.symbol == token:
            return known.issuer, contract
    return None, None


def _moves(cg: CaseGraph, address: str, token: str) -> list[tuple[Move, str, str]]:
    """The address's transfers of `token`, in and out, in time order."""
    g = cg.graph
    found = [(m, u, address) for u, d in g.pred[address].items() for m in d["m"]
             if m.token == token]
    found += [(m, address, v) for v, d in g.succ[address].items() for m in d["m"]
              if m.token == token]
    return sorted(found, key=lambda x: (x[0].ts, x[0].record_id))


def _transfer(move: Move, frm: str, to: str) -> TransferFact:
    return TransferFact(record_id=move.record_id, tx=move.tx,
                        time=datetime.fromtimestamp(move.ts, UTC) if move.ts else None,
                        amount=format(from_units(move.units), "f"), token=move.token,
                        from_address=frm, to_address=to)


def _address_facts(cg: CaseGraph, address: str, token: str, endpoint: Endpoint | None
                   ) -> AddressFacts:
    moves = _moves(cg, address, token)
    received = sum(m.units for m, _, to in moves if to == address)
    sent = sum(m.units for m, frm, _ in moves if frm == address)
    listed = moves[-MAX_TRANSFERS_PER_ADDRESS:]
    last = moves[-1][0].ts if moves else 0
    return AddressFacts(
        address=address, token=token, received=format(from_units(received), "f"),
        sent=format(from_units(sent), "f"), held=format(from_units(received - sent), "f"),
        last_time=datetime.fromtimestamp(last, UTC) if last else None,
        transfers=list(dict.fromkeys(m.record_id for m, _, _ in listed)),
        complete=len(listed) == len(moves), attribution=_attribution(cg, address, token),
        endpoint=endpoint)


def _attribution(cg: CaseGraph, address: str, token: str) -> Attribution | None:
    """The address's own tag; else, as a heuristic, the tagged exchange wallet it sent at
    least DEPOSIT_SHARE of its outflow to (what a deposit address does)."""
    g = cg.graph
    attrs = g.nodes[address]
    if attrs.get("tag") and attrs.get("tag_record"):
        return Attribution(kind="tag", name=str(attrs["tag"]), category=attrs.get("category"),
                           tag_record=attrs["tag_record"])
    outs = [(v, m) for v, d in g.succ[address].items() for m in d["m"] if m.token == token]
    total = sum(m.units for _, m in outs)
    by_wallet: Counter[str] = Counter()
    for v, m in outs:
        if g.nodes[v].get("category") == "exchange" and g.nodes[v].get("tag_record"):
            by_wallet[v] += m.units
    if not total or not by_wallet:
        return None
    wallet, swept = by_wallet.most_common(1)[0]
    if swept < DEPOSIT_SHARE * total:
        return None
    node = g.nodes[wallet]
    return Attribution(kind="deposit", name=str(node["tag"]), category="exchange",
                       tag_record=node["tag_record"], swept_share=swept / total,
                       sweep_records=[m.record_id for v, m in sorted(
                           outs, key=lambda x: x[1].ts) if v == wallet][-3:])


def custody(store: CaseStore, case: str, record_ids: list[str]) -> list[CustodyFile]:
    """The evidence files behind `record_ids`, each re-hashed from the vault: a file missing
    or changed since import stops the letter."""
    files = {f.sha256: f for f in store.stats(case).files}
    by_file: dict[str, list[CitedRecord]] = {}
    for rid in dict.fromkeys(record_ids):
        rec = store.get_record(case, rid)
        by_file.setdefault(rec.source.sha256, []).append(
            CitedRecord(id=rid, kind=rec.kind, locator=rec.source.locator))
    out = []
    for sha, rids in by_file.items():
        path = vault_path(store.evidence_dir, sha)
        if not path.exists():
            raise LetterError(f"evidence file {sha} is missing from the vault")
        if sha256_of(path) != sha:
            raise LetterError(f"evidence file {sha} no longer matches its SHA-256")
        info = files[sha]
        out.append(CustodyFile(file=info.name, sha256=sha, format=info.format,
                               size=info.size, ingested_at=info.ingested_at, records=rids))
    return sorted(out, key=lambda f: f.file)
