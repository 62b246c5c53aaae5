"""The ``claimbot`` CLI contract against real databases: in process through click's runner, and
a few runs of the real command where only a process shows it (stdin, signals, environment)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.config import Settings
from bot.core import Core
from entrypoints.cli import cli
from tests.quality import SHARED_DATA


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def claimbot(database_url: str, *args: str, stdin: str | None = None) -> Ran:
    """``claimbot ARGS`` in process, with ``DATABASE_URL`` set and no Slack tokens."""
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("SLACK_")}
    env["DATABASE_URL"] = database_url
    result = CliRunner().invoke(cli, list(args), input=stdin, env=env, prog_name="claimbot")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Ran(result.exit_code, result.stdout, result.stderr)


def claimbot_process(
    database_url: str, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real ``claimbot`` process (no Slack tokens), for what only a process shows."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    return subprocess.run(
        [sys.executable, "-m", "entrypoints", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**env, "DATABASE_URL": database_url},
        timeout=60,
        check=False,
    )


@pytest.fixture
def seeded(database_url: str) -> str:
    result = claimbot(database_url, "init")
    assert result.returncode == 0, result.stderr
    assert "loaded 7 seed claims" in result.stdout
    return database_url


def test_init_is_safe_to_repeat(seeded: str) -> None:
    again = claimbot(seeded, "init")
    assert again.returncode == 0
    assert again.stdout.strip() == "Database ready."


def test_init_no_seed(database_url: str) -> None:
    assert claimbot(database_url, "init", "--no-seed").returncode == 0
    exported = claimbot(database_url, "export")
    assert json.loads(exported.stdout)["claims"] == []


def test_ask_text_shows_competing_claims_side_by_side(seeded: str) -> None:
    result = claimbot(seeded, "ask", "russian losses")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Russian military casualties in Ukraine" in out
    assert "Russian Ministry of Defence: killed: 498 troops; wounded: 1,597 troops" in out
    assert (
        "published by RIA Novosti, citing Russian Ministry of Defence; claimed 2 March 2022" in out
    )
    assert "UK Ministry of Defence: losses: 450 troops" in out
    assert "None of these 3 claims is independently verified." in out
    assert "Government of Ukraine: no figure given" in out


def test_ask_json_document(seeded: str) -> None:
    result = claimbot(seeded, "ask", "russain losess", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["query"] == "russain losess"
    (match,) = document["matches"]
    assert match["topic"] == "Russian military casualties in Ukraine"
    assert match["score"] == 1.0
    claimants = [c["claimant"] for c in match["claims"]]
    assert claimants == [
        "Russian Ministry of Defence",
        "Government of Ukraine",
        "UK Ministry of Defence",
    ]
    ru = match["claims"][0]
    official = {
        "basis": "official_claim",
        "coverage_from": "2022-02-24",
        "coverage_to": "2022-03-02",
        "area": "Ukraine",
    }
    assert ru["figures"] == [
        {
            "metric": "killed",
            "value": 498,
            "value_high": None,
            "unit": "troops",
            "counts": "killed",
            "counts_label": "killed",
            **official,
        },
        {
            "metric": "wounded",
            "value": 1597,
            "value_high": None,
            "unit": "troops",
            "counts": "wounded",
            "counts_label": "wounded",
            **official,
        },
    ]
    assert ru["claimed_on"] == "2022-03-02"
    assert ru["verification"] == "unverified"
    assert set(ru) == {
        "id",
        "claimant",
        "outlet",
        "source_url",
        "claimed_on",
        "as_of",
        "figures",
        "verification",
        "caveat",
        "quote",
        "ago",
        "change",
        "stale_days",
        "cites",
        "what_it_counts",
        "repeated_by",
    }
    assert ru["cites"] == "Russian Ministry of Defence" and ru["repeated_by"] == []
    assert ru["what_it_counts"].startswith("Counts killed and wounded, separately; an official")
    assert match["comparability"] == (
        "These figures count different things: Russian Ministry of Defence counts killed and "
        "wounded, separately; UK Ministry of Defence counts losses of unspecified kind."
    )
    assert [g["counts"] for g in match["groups"]] == [["killed", "wounded"], ["losses_unspecified"]]
    assert ru["change"] is None and ru["stale_days"] is None and ru["ago"].endswith("ago")
    assert (document["as_of"], document["period"], document["date_problem"]) == (None, None, None)
    assert (match["no_claim_by_then"], match["latest_available"]) == ([], None)


def test_ask_with_no_match_is_done_and_suggests(seeded: str) -> None:
    result = claimbot(seeded, "ask", "refugees in hungary", "--format", "json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["matches"] == []
    assert document["suggestions"] == ["Refugees from Ukraine"]
    text = claimbot(seeded, "ask", "refugees in hungary").stdout
    assert 'No claims found for "refugees in hungary".' in text
    assert "Closest topics: Refugees from Ukraine" in text


def test_ask_batch_answers_each_line_in_order(seeded: str) -> None:
    questions = ["russian losses", "best pizza recipe", "conscript share", "x " * 2001]
    result = claimbot(seeded, "ask", "--batch", "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["query"] for d in lines] == questions
    assert lines[0]["matches"][0]["topic"] == "Russian military casualties in Ukraine"
    assert lines[1]["matches"] == []
    assert lines[2]["matches"][0]["topic"] == "Share of conscripts in the Russian military"
    assert "4,000 characters" in lines[3]["error"]


#: Runs ``claimbot ask`` as the entry point does, then prints every module the process loaded.
ASK_THEN_LIST_MODULES = """
import sys
from entrypoints.cli import main
sys.argv = ["claimbot", "ask", "russian losses"]
try:
    main()
except SystemExit as stop:
    assert not stop.code, stop.code
print(" ".join(sorted(sys.modules)))
"""


def test_a_question_loads_nothing_only_other_commands_need(tmp_path: Path) -> None:
    """Charts (matplotlib), migrations (Alembic), Slack and the HTTP server, on SQLite the
    PostgreSQL driver and dialect, and without CLAIMBOT_SEMANTIC_MODEL the embedding model's
    libraries, are loaded by the commands that use them, never by a question; so are the
    services a question does not use (digests and their schedules, editing, alias proposals,
    the console, the clock). Once a process has kept the lexicon and its lemmas
    (bot/derived.py), a question whose words the lexicon and topics know loads no dictionary nor
    word frequencies either: a cold ``claimbot ask`` does not pay for them."""
    url = f"sqlite:///{tmp_path / 'claims.db'}"
    assert claimbot(url, "init").returncode == 0
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CLAIMBOT_SEMANTIC_"))
    }
    env |= {"DATABASE_URL": url, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    loaded = []
    for _ in range(2):  # the first builds the lexicon and keeps it, the second reads it
        ran = subprocess.run(
            [sys.executable, "-c", ASK_THEN_LIST_MODULES],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        )
        assert "Russian military casualties in Ukraine" in ran.stdout
        loaded.append(set(ran.stdout.splitlines()[-1].split()))
    assert len(list((tmp_path / "cache" / "claimbot").glob("lexicon-*.pickle"))) == 1
    for unused in (
        "matplotlib",
        "alembic",
        "slack_bolt",
        "slack_sdk",
        "gunicorn",
        "psycopg",
        "sqlalchemy.dialects.postgresql",
        "model2vec",
        "tokenizers",
        "huggingface_hub",
        "bot.digests",
        "bot.editing",
        "bot.learning",
        "bot.charts",
        "bot.schedules",
        "croniter",
        "entrypoints.console",
        "entrypoints.clock",
    ):
        assert unused not in loaded[0] | loaded[1], unused
    assert "simplemma" in loaded[0]  # building the lexicon reads lemmas
    assert not {"simplemma", "wordfreq"} & loaded[1]
    assert {"sqlalchemy", "bot.answers"} <= loaded[1]  # the list is the process's own


def test_the_process_ends_with_the_commands_code_and_all_its_output(
    seeded: str, tmp_path: Path
) -> None:
    """The real process skips the interpreter's tear-down (entrypoints/command.py): its output
    still arrives whole, more than a pipe holds, and it exits with the command's code."""
    batch = claimbot_process(seeded, "ask", "--batch", "-", stdin="russian losses\n" * 300)
    assert batch.returncode == 0, batch.stderr
    lines = batch.stdout.splitlines()
    assert len(lines) == 300 and len(batch.stdout) > 65536
    assert json.loads(lines[-1])["matches"][0]["topic"] == "Russian military casualties in Ukraine"
    usage = claimbot_process(seeded, "ask")
    assert usage.returncode == 2
    assert "Give either a QUESTION or --batch FILE" in usage.stderr
    missing = claimbot_process(f"sqlite:///{tmp_path / 'none.db'}", "ask", "russian losses")
    assert missing.returncode == 1
    assert "run `claimbot init`" in missing.stderr


def test_ask_limit(seeded: str) -> None:
    result = claimbot(seeded, "ask", "conscripts", "--format", "json", "--limit", "1")
    assert len(json.loads(result.stdout)["matches"]) == 1
    both = claimbot(seeded, "ask", "conscripts", "--format", "json")
    assert len(json.loads(both.stdout)["matches"]) == 2


@pytest.mark.parametrize(
    "args",
    [
        ("ask",),
        ("ask", "x", "--batch", "-"),
        ("ask", "x", "--format", "xml"),
        ("ask", "x", "--limit", "0"),
        ("frobnicate",),
    ],
)
def test_usage_errors_exit_2(seeded: str, args: tuple[str, ...]) -> None:
    result = claimbot(seeded, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Error" in result.stderr


def test_import_and_export_round_trip(seeded: str, tmp_path: Path) -> None:
    exported = claimbot(seeded, "export", "--output", str(tmp_path / "out.json"))
    assert exported.returncode == 0
    document = json.loads((tmp_path / "out.json").read_text())
    document["claims"][0]["figures"][0]["value"] = 499
    (tmp_path / "changed.json").write_text(json.dumps(document))
    result = claimbot(seeded, "import", str(tmp_path / "changed.json"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Imported changed.json: 0 created, 1 updated, 6 unchanged."


def test_an_export_carries_the_kinds_editors_added(seeded: str, tmp_path: Path) -> None:
    assert claimbot(seeded, "kinds", "add", "named_dead", "dead named one by one").returncode == 0
    claim = {
        "topic": "Named dead",
        "claimant": "A monitor",
        "claimed_on": "2024-01-01",
        "figures": [{"metric": "named dead", "value": 12, "counts": "named_dead"}],
    }
    (tmp_path / "named.json").write_text(json.dumps({"claims": [claim]}))
    assert claimbot(seeded, "import", str(tmp_path / "named.json")).returncode == 0
    assert claimbot(seeded, "export", "--output", str(tmp_path / "out.json")).returncode == 0
    document = json.loads((tmp_path / "out.json").read_text())
    assert document["kinds"]["named_dead"] == "dead named one by one"
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert claimbot(fresh, "init").returncode == 0
    result = claimbot(fresh, "import", str(tmp_path / "out.json"))
    assert result.stdout.strip() == "Imported out.json: 1 created, 0 updated, 7 unchanged."
    assert "named_dead" in claimbot(fresh, "kinds", "list").stdout
    (tmp_path / "bad.json").write_text(json.dumps({"kinds": ["named_dead"], "claims": []}))
    refused = claimbot(fresh, "import", str(tmp_path / "bad.json"))
    assert (refused.returncode, refused.stderr) == (
        1,
        'Error: "kinds" must be an object of kind keys and their labels.\n',
    )


def test_bad_import_writes_nothing(seeded: str, tmp_path: Path) -> None:
    good = {"topic": "New topic", "claimant": "Someone", "claimed_on": "2024-01-01", "quote": "q"}
    bad = {**good, "claimed_on": "yesterday"}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"claims": [good, good | {"claimant": "B"}, bad]}))
    result = claimbot(seeded, "import", str(path))
    assert result.returncode == 1
    assert result.stderr.startswith("Error: Record 2: field 'claimed_on'")
    assert len(result.stderr.strip().splitlines()) == 1
    after = json.loads(claimbot(seeded, "export").stdout)
    assert len(after["claims"]) == 7


def test_import_missing_or_broken_file(seeded: str, tmp_path: Path) -> None:
    missing = claimbot(seeded, "import", str(tmp_path / "nope.json"))
    assert missing.returncode == 1
    assert "Cannot read" in missing.stderr
    (tmp_path / "broken.json").write_text("{")
    broken = claimbot(seeded, "import", str(tmp_path / "broken.json"))
    assert broken.returncode == 1
    assert "is not valid JSON" in broken.stderr


def test_ask_before_init_says_what_to_do(database_url: str) -> None:
    result = claimbot(database_url, "ask", "russian losses")
    assert result.returncode == 1
    assert result.stderr.strip() in {
        "Error: The database has no ClaimBot schema yet; run `claimbot init`.",
        # a SQLite file that does not exist is not created by a command that only reads
        f"Error: There is no database at {database_url.removeprefix('sqlite:///')}; "
        "run `claimbot init`.",
    }


def test_bad_database_url(tmp_path: Path) -> None:
    result = claimbot("mysql://nobody@localhost/x", "ask", "x")
    assert result.returncode == 1
    assert "DATABASE_URL must name a SQLite or PostgreSQL database" in result.stderr


def test_console_answers_each_line_and_exits_at_end_of_input(seeded: str) -> None:
    lines = "/claims russian losses\n@claimbot conscript share\nhelp\n\n/claims best pizza\n"
    result = claimbot(seeded, "console", stdin=lines)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Russian Ministry of Defence: killed: 498 troops" in out
    assert "Warsaw Institute: share of conscripts: 50%" in out
    assert "The Washington Post: share of conscripts: 70%" in out
    assert "4 topics have claims: type `topics` to list them" in out
    assert 'No claims found for "best pizza".' in out


def test_run_without_slack_tokens_starts_the_console(seeded: str) -> None:
    result = claimbot_process(seeded, "run", stdin="/claims ukrainian refugees\n")
    assert result.returncode == 0, result.stderr
    assert "Fox News: refugees (projected): 1,000,000 people" in result.stdout


def test_digest_cli_lifecycle(seeded: str) -> None:
    result = claimbot(
        seeded,
        "digest",
        "subscribe",
        "--channel",
        "C123",
        "--cron",
        "0 9 * * *",
        "--tz",
        "Europe/Kyiv",
        "--query",
        "russian losses",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        'Subscribed. Digest 1 to C123: cron `0 9 * * *` in Europe/Kyiv; on "russian losses"; next '
    )
    listing = claimbot(seeded, "digest", "list")
    assert listing.stdout.startswith("Digest 1 to C123") and listing.stdout.rstrip().endswith(
        "active."
    )
    assert claimbot(seeded, "digest", "unsubscribe", "1").returncode == 0
    assert claimbot(seeded, "digest", "list").stdout == "No digests.\n"
    again = claimbot(seeded, "digest", "unsubscribe", "1")
    assert again.returncode == 1
    assert again.stderr == "Error: There is no digest 1.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cron", "every day"], "'every day' is not a cron expression"),
        (["--cron", "0 9 * * *", "--tz", "Mars/Base"], "'Mars/Base' is not a time zone"),
    ],
)
def test_digest_cli_rejects_bad_schedules(seeded: str, args: list[str], message: str) -> None:
    result = claimbot(seeded, "digest", "subscribe", "--channel", "C1", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert claimbot(seeded, "digest", "list").stdout == "No digests.\n"


def test_send_due_needs_a_bot_token_and_a_valid_moment(seeded: str) -> None:
    result = claimbot(seeded, "digest", "send-due")
    assert result.returncode == 1
    assert "Posting digests needs SLACK_BOT_TOKEN to be set." in result.stderr
    bad = claimbot(seeded, "digest", "send-due", "--now", "tomorrow")
    assert bad.returncode == 2
    assert "use ISO 8601" in bad.stderr


def test_import_csv_with_mapping_and_export_claimreview(seeded: str, tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("Land,Stand,Zahl\nPolen,2022-08-01,1256568\n", encoding="utf-8")
    result = claimbot(
        seeded,
        "import",
        str(path),
        "--map",
        "topic=Refugees in {Land}",
        "--map",
        "claimed_on=Stand",
        "--map",
        "value=Zahl",
        "--set",
        "claimant=UNHCR",
        "--set",
        "metric=refugees",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Imported sheet.csv: 1 created, 0 updated, 0 unchanged."
    reviews = json.loads(claimbot(seeded, "export", "--format", "claimreview").stdout)
    assert len(reviews) == 8
    assert {r["@type"] for r in reviews} == {"ClaimReview"}
    bad = claimbot(seeded, "import", str(path), "--map", "value=Land")
    assert bad.returncode == 1
    assert bad.stderr == "Error: Row 2, column 'Land': 'Polen' is not a number.\n"
    wrong = claimbot(seeded, "import", str(path), "--format", "claimreview", "--map", "a=b")
    assert wrong.returncode == 1
    assert "--map and --set apply to CSV files only." in wrong.stderr


def test_chart_writes_a_png(seeded: str, tmp_path: Path) -> None:
    output = tmp_path / "chart.png"
    result = claimbot(seeded, "chart", "conscript share", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Chart of 'Share of conscripts in the Russian military' (2 series)"
    )
    assert output.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    none = claimbot(seeded, "chart", "best pizza recipe", "--output", str(tmp_path / "x.png"))
    assert none.returncode == 0
    assert 'No claims found for "best pizza recipe".' in none.stdout
    assert not (tmp_path / "x.png").exists()


# serve: configuration checked at start -----------------------------------------------------


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({}, ["--http"], "HTTP mode needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to be set."),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1"},
            ["--socket"],
            "Socket Mode needs SLACK_APP_TOKEN to be set.",
        ),
        (
            {"SLACK_BOT_TOKEN": "not-a-token"},
            ["--http"],
            "Invalid configuration: check SLACK_BOT_TOKEN.",
        ),
        ({"SLACK_APP_TOKEN": "xoxb-wrong-kind"}, ["--socket"], "check SLACK_APP_TOKEN"),
        ({"SLACK_API_URL": "slack.com"}, ["--http"], "check SLACK_API_URL"),
        ({}, [], "Choose --socket or --http."),
    ],
)
def test_bad_configuration_stops_serve_at_start(
    tmp_path: Path, env: dict[str, str], args: list[str], message: str
) -> None:
    clean: dict[str, str | None] = {k: None for k in os.environ if k.startswith("SLACK_")}
    result = CliRunner().invoke(
        cli,
        ["serve", *args],
        env={**clean, "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}", **env},
    )
    assert result.exit_code in (1, 2)
    assert message in result.stderr.strip().splitlines()[-1]


def propose(database_url: str, *picks: tuple[str, str]) -> None:
    """Picks of suggested topics, as Slack records them."""
    core = Core.from_settings(Settings(database_url=database_url))
    try:
        for question, topic in picks:
            assert core.learning.picked(question, topic, "slack:U0002")
    finally:
        core.engine.dispose()


def test_aliases_list_accept_and_reject_for_scripts(seeded: str) -> None:
    assert claimbot(seeded, "aliases", "list").stdout == "No proposed aliases are waiting.\n"
    propose(
        seeded,
        ("zorblax exodus", "Refugees from Ukraine"),
        ("zorblax exodus", "Refugees from Ukraine"),
        ("zorblax tally", "Russian military casualties in Ukraine"),
    )
    listed = json.loads(claimbot(seeded, "aliases", "list", "--format", "json").stdout)
    assert [(p["alias"], p["topic"], p["picks"], p["status"]) for p in listed] == [
        ("zorblax exodus", "Refugees from Ukraine", 2, "pending"),
        ("zorblax tally", "Russian military casualties in Ukraine", 1, "pending"),
    ]
    exodus, tally = (p["id"] for p in listed)
    text = claimbot(seeded, "aliases", "list").stdout
    assert f'[{exodus}] "zorblax exodus" -> Refugees from Ukraine: picked 2 times' in text
    assert "`claimbot aliases accept ID`" in text
    accepted = claimbot(seeded, "aliases", "accept", str(exodus))
    assert accepted.returncode == 0
    assert accepted.stdout == (
        "Accepted: “zorblax exodus” is now an alias of “Refugees from Ukraine”.\n"
    )
    answer = json.loads(claimbot(seeded, "ask", "zorblax exodus", "--format", "json").stdout)
    assert [m["topic"] for m in answer["matches"]] == ["Refugees from Ukraine"]
    rejected = claimbot(seeded, "aliases", "reject", str(tally))
    assert rejected.stdout.startswith("Rejected: “zorblax tally” will not be proposed again")
    again = claimbot(seeded, "aliases", "reject", str(tally))
    assert (again.returncode, again.stderr) == (
        1,
        f"Error: Proposed alias {tally} (“zorblax tally” for “Russian military casualties in "
        "Ukraine”) was already rejected by cli.\n",
    )
    assert claimbot(seeded, "aliases", "accept", "999").stderr == (
        "Error: There is no proposed alias 999.\n"
    )
    assert claimbot(seeded, "aliases", "accept", "x").returncode == 2


def test_aliases_review_prompts_for_each(seeded: str) -> None:
    propose(
        seeded,
        ("zorblax one", "Refugees from Ukraine"),
        ("zorblax two", "Refugees from Ukraine"),
        ("zorblax three", "Refugees from Ukraine"),
        ("zorblax four", "Refugees from Ukraine"),
    )
    result = claimbot(seeded, "aliases", "review", stdin="a\nR\n\nq\n")
    assert result.returncode == 0
    assert "4 proposed aliases are waiting, most picked first." in result.stdout
    assert '"zorblax one" -> Refugees from Ukraine: picked once' in result.stdout
    assert "Accepted: “zorblax one” is now an alias" in result.stdout
    assert "Rejected: “zorblax two”" in result.stdout
    assert result.stdout.endswith("1 accepted, 1 rejected, 1 skipped.\n")
    left = json.loads(claimbot(seeded, "aliases", "list", "--format", "json").stdout)
    assert [p["alias"] for p in left] == ["zorblax three", "zorblax four"]


def test_an_alias_accepted_by_the_command_is_answered_by_a_running_process(seeded: str) -> None:
    running = Core.from_settings(Settings(database_url=seeded))
    try:
        assert not running.answers.ask("zorblax headcount").matches  # its index is built
        assert running.learning.picked("zorblax headcount", "Refugees from Ukraine", "slack:U2")
        (proposal,) = running.learning.pending().proposals
        accepted = claimbot_process(seeded, "aliases", "accept", str(proposal.id))
        assert accepted.returncode == 0, accepted.stderr
        answer = running.answers.ask("zorblax headcount")
        assert [m.topic for m in answer.matches] == ["Refugees from Ukraine"]
    finally:
        running.engine.dispose()


ORYX = SHARED_DATA / "ukraine-russia-war-losses"


@pytest.mark.skipif(not ORYX.exists(), reason="the shared data sets are not there")
def test_import_oryx_needs_its_date_and_stands_beside_the_general_staff(seeded: str) -> None:
    oryx = str(ORYX / "russia_losses_equipment_oryx.json")
    guessed = claimbot(seeded, "import", oryx)
    assert guessed.returncode == 1
    assert "looks like Oryx's equipment losses: add --format oryx" in guessed.stderr
    undated = claimbot(seeded, "import", oryx, "--format", "oryx")
    assert undated.returncode == 1
    assert "give the day of its snapshot with --date YYYY-MM-DD" in undated.stderr
    done = claimbot(seeded, "import", oryx, "--format", "oryx", "--date", "2024-01-01")
    assert done.returncode == 0, done.stderr
    assert "11 created" in done.stdout
    equipment = str(ORYX / "russia_losses_equipment.json")
    assert claimbot(seeded, "import", equipment, "--format", "ukraine-losses").returncode == 0
    answer = claimbot(seeded, "ask", "russian tank losses")
    assert "* General Staff of the Armed Forces of Ukraine: tanks lost: " in answer.stdout
    assert "* Oryx: tanks lost: 1,673\n" in answer.stdout
    assert "a confirmed count, so a floor: at least this many" in answer.stdout
    assert "claims range from" not in answer.stdout  # a snapshot of 2024 against today's count
    answer = claimbot(seeded, "ask", "russian tank losses as of 1 january 2024")
    assert "claims range from 1,673 (Oryx, confirmed floor) to " in answer.stdout


def test_kinds_are_listed_and_added(seeded: str) -> None:
    listed = claimbot(seeded, "kinds", "list")
    assert "killed_and_wounded\tkilled and wounded together\n" in listed.stdout
    added = claimbot(seeded, "kinds", "add", "civilians_killed", "civilians killed")
    assert (added.returncode, added.stdout) == (
        0,
        "Added the kind civilians_killed: civilians killed.\n",
    )
    again = claimbot(seeded, "kinds", "add", "civilians_killed", "x")
    assert (again.returncode, again.stderr) == (
        1,
        "Error: There is already a kind 'civilians_killed'.\n",
    )
    assert "civilians_killed\tcivilians killed" in claimbot(seeded, "kinds", "list").stdout


def test_ask_lists_the_outlets_repeating_a_source_on_request(seeded: str, tmp_path: Path) -> None:
    claims = [
        {
            "external_id": f"echo-{outlet}",
            "topic": "Russian military casualties in Ukraine",
            "claimant": outlet,
            "outlet": outlet,
            "cites": "Russian Ministry of Defence",
            "claimed_on": "2022-03-02",
            "figures": [
                {"metric": "killed", "value": 498, "unit": "troops", "counts": "killed"},
                {"metric": "wounded", "value": 1597, "unit": "troops", "counts": "wounded"},
            ],
        }
        for outlet in ("TASS", "Interfax")
    ]
    path = tmp_path / "echoes.json"
    path.write_text(json.dumps({"version": 1, "claims": claims}), encoding="utf-8")
    assert claimbot(seeded, "import", str(path)).returncode == 0
    plain = claimbot(seeded, "ask", "russian losses").stdout
    assert "Citing Russian Ministry of Defence: repeated by 3 outlets." in plain
    assert "- RIA Novosti, 2 March 2022" not in plain
    listed = claimbot(seeded, "ask", "russian losses", "--outlets").stdout
    for outlet in ("TASS", "Interfax", "RIA Novosti"):
        assert f"- {outlet}, 2 March 2022" in listed


def test_a_csv_preset_refuses_a_quote_never_closed(seeded: str, tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text('crisis_name,figure_name\nUkraine,"IDPs\nSudan,x\n', encoding="utf-8")
    result = claimbot(seeded, "import", str(path), "--format", "reliefweb")
    assert result.returncode == 1
    assert 'figures.csv has a quote (") that is never closed' in result.stderr


def test_ask_on_a_pasted_message_lists_the_claims_it_repeats(seeded: str) -> None:
    pasted = (
        "Fox News: the number of Ukrainian refugees could soon hit 1 million, and it is "
        "'rising exponentially', the UN refugee agency says — Jane Doe (@janedoe) Feb 28, 2022"
    )
    result = claimbot(seeded, "ask", pasted)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Stored claims this message repeats, best first")
    assert "Refugees from Ukraine" in result.stdout
    document = json.loads(claimbot(seeded, "ask", pasted, "--format", "json").stdout)
    assert document["matches"][0]["topic"] == "Refugees from Ukraine"
    assert document["matches"][0]["claims"][0]["claimant"] == "Fox News"
    chatter = "thanks so much for all the help with this today, it was really useful to me"
    assert json.loads(claimbot(seeded, "ask", chatter, "--format", "json").stdout)["matches"] == []
