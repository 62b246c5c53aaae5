"""Optional semantic re-ranking: sentence embeddings of questions and topic names.

A static embedding model (model2vec: a vector per token, a text's vector their mean) is named
by ``CLAIMBOT_SEMANTIC_MODEL``, a Hugging Face model name or a local directory, and loaded once
at start. The match index (``bot/matching.py``) embeds each topic's names with it and orders
the topics its lexical stage found by their score blended with the question's cosine
similarity to their names; what is answered, and what is not, stays the lexical stage's call.
model2vec comes with the ``semantic`` extra (``pip install 'claimbot[semantic]'``) and is
imported only when a model is configured.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from bot.errors import ClaimBotError

if TYPE_CHECKING:
    from model2vec import StaticModel


class SemanticModel:
    """A static embedding model and the weight its similarity has in a ranking."""

    def __init__(self, model: StaticModel, weight: float) -> None:
        self._model = model
        self.weight = weight
        self.dimensions = model.dim
        # Encoding sets and resets the tokenizer's truncation, which threads may not share.
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """One unit vector per text (zeros for a text with no word the model knows)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            encoded = self._model.encode(list(texts), use_multiprocessing=False)
        vectors = np.asarray(encoded, dtype=np.float32).reshape(len(texts), self.dimensions)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: npt.NDArray[np.float32] = np.divide(
            vectors, norms, out=np.zeros_like(vectors), where=norms > 0
        )
        return unit


@cache
def load_model(name: str, weight: float) -> SemanticModel:
    """The model ``CLAIMBOT_SEMANTIC_MODEL`` names: a local directory as saved by model2vec, or a
    Hugging Face model name (from the local cache when it is there); one sentence when the extra
    is not installed or the model cannot be loaded. Loaded once per process: every core in it
    (``claimbot serve`` makes a second one) shares it."""
    try:
        from model2vec import StaticModel  # noqa: PLC0415  (only a configured model loads it)
    except ImportError as error:
        raise ClaimBotError(
            "CLAIMBOT_SEMANTIC_MODEL is set but model2vec is not installed: "
            "pip install 'claimbot[semantic]', or leave CLAIMBOT_SEMANTIC_MODEL empty."
        ) from error
    path = Path(name).expanduser()
    if not path.exists() and (path.is_absolute() or name.startswith((".", "~"))):
        raise ClaimBotError(f"CLAIMBOT_SEMANTIC_MODEL: there is no model directory at {path}.")
    try:
        model = StaticModel.from_pretrained(path if path.exists() else name, force_download=False)
    except Exception as error:  # model2vec and the hub raise many kinds: each is one sentence
        said = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ClaimBotError(
            f"CLAIMBOT_SEMANTIC_MODEL {name!r} cannot be loaded as a model2vec model ({said})."
        ) from error
    return SemanticModel(model, weight)
