"""Semantic re-ranking (``CLAIMBOT_SEMANTIC_MODEL``) with a tiny model2vec model built here from
hand-chosen vectors: nothing is downloaded. Without the ``semantic`` extra the tests that need
model2vec skip, saying so."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from bot.config import Settings
from bot.core import Core
from bot.errors import ClaimBotError
from bot.matching import CONFIDENT, MatchResult, TopicIndex, TopicNames
from bot.records import load_file
from bot.semantic import SemanticModel, load_model
from entrypoints.cli import cli
from tests.test_index_updates import QUESTIONS
from tests.test_index_updates import TOPICS as LOSSES

needs_model2vec = pytest.mark.skipif(
    find_spec("model2vec") is None,
    reason="model2vec is not installed: `make install` (or pip install -e '.[dev,semantic]')",
)

#: Each word's vector: "truce" and "peace" are the same thing, "ceasefire" close to both, the
#: rest unrelated; any other word is unknown to the model and adds nothing.
VECTORS = {
    "[UNK]": [0, 0, 0, 0, 0],
    "ceasefire": [1, 0, 0, 0, 0],
    "truce": [1, 0.5, 0, 0, 0],
    "peace": [1, 0.5, 0, 0, 0],
    "blockades": [0, 0, 1, 0, 0],
    "harbour": [0, 0, 0, 1, 0],
    "grain": [0, 0, 0, 0, 1],
    "exports": [0, 0, 0, 0, 1],
}
CEASEFIRE, BLOCKADES, GRAIN = "Harbour ceasefire", "Harbour blockades", "Grain exports"
TOPICS = [TopicNames(1, CEASEFIRE), TopicNames(2, BLOCKADES), TopicNames(3, GRAIN)]
#: Lexically "harbour" is all it shares with either harbour topic: a tie, broken by title.
TRUCE = "harbour truce talks"


def save_model(folder: Path) -> Path:
    """A model2vec model of the words in VECTORS (a word-level tokenizer, lower-cased, split on
    whitespace and punctuation), saved as model2vec saves any model."""
    from model2vec import StaticModel
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    tokenizer = Tokenizer(
        models.WordLevel({word: i for i, word in enumerate(VECTORS)}, unk_token="[UNK]")
    )
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    vectors = np.array(list(VECTORS.values()), dtype=np.float32)
    StaticModel(vectors=vectors, tokenizer=tokenizer).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_model(tmp_path_factory.mktemp("model"))


def model(folder: Path, weight: float = 0.3) -> SemanticModel:
    return load_model(str(folder), weight)


def titles(result: MatchResult) -> tuple[list[str], list[str]]:
    return [m.title for m in result.matches], [m.title for m in result.suggestions]


@needs_model2vec
def test_the_embedding_orders_topics_the_lexical_stage_ties(model_dir: Path) -> None:
    plain, semantic = TopicIndex(TOPICS), TopicIndex(TOPICS, semantic=model(model_dir))
    assert titles(plain.match(TRUCE)) == ([], [BLOCKADES, CEASEFIRE])  # by title
    result = semantic.match(TRUCE)
    assert titles(result) == ([], [CEASEFIRE, BLOCKADES])
    # Only the order changes: the scores are the lexical stage's.
    assert set(result.suggestions) == set(plain.match(TRUCE).suggestions)
    # Among confident matches too: a truce commission claims on both ("truce" is explained by
    # either topic's claimant), and the names decide.
    both = [
        TopicNames(i, title, claimants=("Truce commission",))
        for i, title in enumerate((CEASEFIRE, BLOCKADES), start=1)
    ]
    assert titles(TopicIndex(both).match("harbour truce")) == ([BLOCKADES, CEASEFIRE], [])
    reranked = TopicIndex(both, semantic=model(model_dir)).match("harbour truce")
    assert titles(reranked) == ([CEASEFIRE, BLOCKADES], [])


@needs_model2vec
def test_a_pasted_message_is_reordered_too(model_dir: Path) -> None:
    topics = [
        TopicNames(1, "Harbour ceasefire monitoring"),
        TopicNames(2, "Harbour blockades monitoring"),
        TopicNames(3, GRAIN),
    ]
    message = (
        "Monitoring at the harbour continued on Tuesday as both sides said the truce was "
        "holding, officials in the capital told reporters this week"
    )
    plain = TopicIndex(topics).match(message)
    assert titles(plain) == ([], ["Harbour blockades monitoring", "Harbour ceasefire monitoring"])
    result = TopicIndex(topics, semantic=model(model_dir)).match(message)
    assert titles(result) == ([], ["Harbour ceasefire monitoring", "Harbour blockades monitoring"])


@needs_model2vec
def test_the_lexical_stage_stays_the_gate(model_dir: Path) -> None:
    """Whatever the weight, a held topic stays unconfident, no match stays no match, chatter
    stays unanswered, and every topic keeps its tier and score."""
    everything = model(model_dir, weight=1.0)
    semantic = TopicIndex(TOPICS, semantic=everything)
    # Poland is a place no topic names: the topic the embedding finds identical is held back.
    held = semantic.match("harbour ceasefire in poland")
    assert held.matches == ()
    assert held.suggestions[0].title == CEASEFIRE
    assert held.suggestions[0].score < CONFIDENT
    # "truce" is the ceasefire to the model, but no topic's name has it: no match.
    assert semantic.match("truce") == MatchResult((), ())
    assert semantic.match("hey, thanks!") == MatchResult((), ())
    for topics, questions in ((TOPICS, [TRUCE, "harbour", "grain"]), (LOSSES, QUESTIONS)):
        plain, reranked = TopicIndex(topics), TopicIndex(topics, semantic=everything)
        for question in questions:
            before, after = plain.match(question, 20), reranked.match(question, 20)
            assert set(after.matches) == set(before.matches), question
            assert set(after.suggestions) == set(before.suggestions), question


@needs_model2vec
def test_sentences_keep_their_tiers_too(model_dir: Path) -> None:
    """A sentence of eight words or more is decided by routes that compare its best topics:
    the embedding orders them only after every decision is made."""
    topics = [
        *TOPICS,
        TopicNames(4, "Peace talks"),
        TopicNames(5, "Harbour ceasefire talks monitoring"),
    ]
    plain, reranked = TopicIndex(topics), TopicIndex(topics, semantic=model(model_dir, 1.0))
    words = "harbour peace truce talks grain ceasefire monitoring mission officials week again"
    pick = random.Random(14)
    questions = [
        "again monitoring peace talks truce harbour harbour again officials",
        "week harbour grain ceasefire grain monitoring mission said",
        *(" ".join(pick.choices(words.split(), k=pick.randint(8, 10))) for _ in range(300)),
    ]
    for question in questions:
        before, after = plain.match(question, 20), reranked.match(question, 20)
        assert set(after.matches) == set(before.matches), question
        assert set(after.suggestions) == set(before.suggestions), question


@needs_model2vec
def test_with_no_weight_the_answers_are_the_lexical_ones(model_dir: Path) -> None:
    plain, unweighted = TopicIndex(LOSSES), TopicIndex(LOSSES, semantic=model(model_dir, 0.0))
    for question in QUESTIONS:
        assert unweighted.match(question) == plain.match(question), question


@needs_model2vec
def test_an_updated_topic_is_embedded_afresh(model_dir: Path) -> None:
    semantic = model(model_dir)
    index = TopicIndex(TOPICS, semantic=semantic)
    assert titles(index.match(TRUCE))[1] == [CEASEFIRE, BLOCKADES]
    peace = TopicNames(2, "Harbour peace")  # the truce itself, to the model
    index.update([2], [peace])
    assert titles(index.match(TRUCE))[1] == ["Harbour peace", CEASEFIRE]
    assert titles(TopicIndex([peace]).match(TRUCE))[1] == ["Harbour peace"]
    fresh = TopicIndex([TOPICS[0], peace, TOPICS[2]], semantic=semantic)
    assert index.match(TRUCE) == fresh.match(TRUCE)
    index.update([2], [])  # retired: its rows are dead, the others' embeddings still line up
    index.update([4], [TopicNames(4, "Harbour blockades")])
    assert titles(index.match(TRUCE))[1] == [CEASEFIRE, BLOCKADES]


def document(folder: Path) -> Path:
    """A claims file with one claim on each topic."""
    claims = [
        {
            "topic": title,
            "claimant": "Port authority",
            "claimed_on": "2024-05-01",
            "figures": [{"metric": "ships", "value": 12}],
        }
        for title in (CEASEFIRE, BLOCKADES, GRAIN)
    ]
    path = folder / "harbour.json"
    path.write_text(json.dumps({"version": 1, "claims": claims}), encoding="utf-8")
    return path


@needs_model2vec
def test_the_answer_service_reranks(database_url: str, model_dir: Path, tmp_path: Path) -> None:
    settings = Settings(database_url=database_url, claimbot_semantic_model=str(model_dir))
    core = Core.from_settings(settings)
    try:
        core.init(seed=False)
        result = core.editing.import_records(load_file(document(tmp_path)), "test")
        assert result is not None and result.created == 3
        assert core.answers.ask(TRUCE).suggestions == (CEASEFIRE, BLOCKADES)
    finally:
        core.engine.dispose()


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> Result:
    """``claimbot ARGS`` in process with these settings (no Slack tokens, no other model)."""
    clean: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith(("SLACK_", "CLAIMBOT_SEMANTIC_"))
    }
    return CliRunner().invoke(cli, list(args), input=stdin, env={**clean, **env})


@needs_model2vec
def test_the_command_line_reranks(model_dir: Path, tmp_path: Path) -> None:
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'claims.db'}"}
    assert run(database, "init", "--no-seed").exit_code == 0
    assert run(database, "import", str(document(tmp_path))).exit_code == 0
    plain = run(database, "ask", TRUCE, "--format", "json")
    assert json.loads(plain.stdout)["suggestions"] == [BLOCKADES, CEASEFIRE]
    semantic = {**database, "CLAIMBOT_SEMANTIC_MODEL": str(model_dir)}
    asked = run(semantic, "ask", TRUCE, "--format", "json")
    assert asked.exit_code == 0, asked.output
    assert json.loads(asked.stdout)["suggestions"] == [CEASEFIRE, BLOCKADES]
    batch = run(semantic, "ask", "--batch", "-", stdin=f"{TRUCE}\ntruce\n")
    first, second = (json.loads(line) for line in batch.stdout.splitlines())
    assert first["suggestions"] == [CEASEFIRE, BLOCKADES]
    assert second["matches"] == second["suggestions"] == []


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        (
            {"CLAIMBOT_SEMANTIC_WEIGHT": "1.5"},
            "Invalid configuration: check CLAIMBOT_SEMANTIC_WEIGHT.",
        ),
        ({"CLAIMBOT_SEMANTIC_MODEL": "/no/such/model"}, "there is no model directory at"),
        ({"CLAIMBOT_SEMANTIC_MODEL": "{empty}"}, "cannot be loaded as a model2vec model"),
    ],
)
def test_a_bad_setting_stops_at_start_in_one_sentence(
    setting: dict[str, str], said: str, tmp_path: Path
) -> None:
    if "CLAIMBOT_SEMANTIC_MODEL" in setting and find_spec("model2vec") is None:
        pytest.skip("model2vec is not installed (then that is what is said): `make install`")
    env = {k: v.replace("{empty}", str(tmp_path)) for k, v in setting.items()}
    ran = run({"DATABASE_URL": f"sqlite:///{tmp_path / 'claims.db'}", **env}, "init")
    assert ran.exit_code == 1
    assert said in ran.stderr
    assert len(ran.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "claims.db").exists()  # stopped before anything was done


def test_a_model_without_the_extra_installed_stops_at_start(tmp_path: Path) -> None:
    """The real process, with model2vec made unimportable: one sentence, no traceback."""
    blocked = (
        "import sys; sys.modules['model2vec'] = None; sys.argv = ['claimbot', 'ask', 'x'];"
        "from entrypoints.cli import main; main()"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    ran = subprocess.run(
        [sys.executable, "-c", blocked],
        capture_output=True,
        text=True,
        env={
            **env,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'claims.db'}",
            "CLAIMBOT_SEMANTIC_MODEL": "minishlab/potion-base-8M",
        },
        timeout=60,
        check=False,
    )
    assert ran.returncode == 1
    assert ran.stderr.strip().splitlines() == [
        "Error: CLAIMBOT_SEMANTIC_MODEL is set but model2vec is not installed: "
        "pip install 'claimbot[semantic]', or leave CLAIMBOT_SEMANTIC_MODEL empty."
    ]


@needs_model2vec
def test_an_empty_model_setting_is_off() -> None:
    assert Settings(claimbot_semantic_model="").claimbot_semantic_model is None
    with pytest.raises(ClaimBotError, match="no model directory"):
        load_model("./no-such-model", 0.3)


@needs_model2vec
def test_a_process_loads_the_model_once(model_dir: Path) -> None:
    """``claimbot serve`` makes a second core: both get the one model, not two copies."""
    assert load_model(str(model_dir), 0.3) is load_model(str(model_dir), 0.3)
