"""Editors: the claim menu, the forms and their submissions, the topic picker; only editors change
claims (in process)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from bot import db
from bot.config import Settings
from bot.core import Core
from bot.models import Claim
from bot.records import ClaimRecord
from tests.handlers.harness import Slack, block_actions, block_texts, grid_block_actions
from tests.slack_stub import to_response, user, view_submission

CASUALTIES = "Russian military casualties in Ukraine"


def overflow_values(message: dict[str, Any]) -> list[str]:
    return [
        option["value"]
        for block in message.get("blocks", [])
        if (block.get("accessory") or {}).get("type") == "overflow"
        for option in block["accessory"]["options"]
    ]


def claim_ids(slack: Slack, question: str) -> dict[str, int]:
    """Claimant -> claim id, as an editor's answer menu shows them."""
    slack.stub.reset()
    slack.command(question)
    (call,) = slack.stub.wait_for(to_response())
    ids: dict[str, int] = {}
    for block in call.body["blocks"]:
        accessory = block.get("accessory") or {}
        if accessory.get("type") == "overflow":
            claimant = block["text"]["text"].split("*")[1]
            ids[claimant] = int(accessory["options"][0]["value"].split(":")[1])
    slack.stub.reset()
    return ids


NEW_CLAIM = {
    "topic_pick": None,
    "topic_new": "Ukrainian military casualties",
    "topic_aliases": "ukrainian losses\nukrainian troop deaths",
    "claimant": "US officials",
    "outlet": "The New York Times",
    "source_url": "https://example.org/nyt",
    "claimed_on": "2022-03-09",
    "figures": "killed: 2,000-4,000 troops",
    "verification": "unverified",
    "caveat": "Estimate from intelligence officials, not independently verified.",
}


def test_editors_see_a_menu_on_each_claim_and_others_do_not(slack: Slack) -> None:
    slack.command("russian losses", user="U0002")
    (plain,) = slack.stub.wait_for(to_response())
    assert overflow_values(plain.body) == []
    slack.stub.reset()
    slack.command("russian losses", user="U0001")
    (edited,) = slack.stub.wait_for(to_response())
    values = overflow_values(edited.body)
    assert {v.split(":")[0] for v in values} == {"edit", "verify", "retire", "history"}


def test_editor_group_members_are_editors(slack: Slack) -> None:
    slack.stub.group_members["S0EDITORS"] = ["U0003"]
    slack.command("russian losses", user="U0003")
    (call,) = slack.stub.wait_for(to_response())
    assert overflow_values(call.body)
    assert slack.stub.calls_to("/api/usergroups.users.list")


def test_add_opens_the_form_for_editors_only(slack: Slack) -> None:
    slack.command("add", user="U0002")
    (refusal,) = slack.stub.wait_for(to_response())
    assert block_texts(refusal.body) == "Only editors can add claims."
    assert slack.stub.calls_to("/api/views.open") == []
    slack.command("add", user="U0001")
    (opened,) = slack.stub.wait_for(lambda c: c.path == "/api/views.open")
    view = opened.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert opened.body["trigger_id"] == "1.2.3"
    assert view["callback_id"] == "claim_edit"
    assert {b["block_id"] for b in view["blocks"]} >= {"topic_pick", "topic_new", "figures"}


def test_submitting_a_new_claim_saves_it_and_confirms(slack: Slack) -> None:
    payload = view_submission("claim_edit", NEW_CLAIM, json.dumps({"channel": "C0001"}))
    status, body = slack.interaction(payload)
    assert (status, body) == (200, "")
    (confirmation,) = slack.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    assert confirmation.body["user"] == "U0001"
    assert "Claim added to “Ukrainian military casualties”." in confirmation.body["text"]
    slack.stub.reset()
    slack.command("ukrainian troop deaths")
    (answer,) = slack.stub.wait_for(to_response())
    assert "*US officials*: killed *2,000–4,000 troops*" in block_texts(answer.body)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"figures": "killed lots"},
            {"figures": "Line 1: write it as metric: value unit, e.g. killed: 498 troops."},
        ),
        (
            {"topic_new": None},
            {"topic_new": "Pick an existing topic or name a new one (one of the two)."},
        ),
        ({"figures": None}, {"figures": "a claim needs figures or a quote"}),
        ({"source_url": "ftp://x"}, {"source_url": "must start with http:// or https://"}),
    ],
)
def test_invalid_form_shows_errors_next_to_fields_and_saves_nothing(
    slack: Slack, changes: dict[str, Any], errors: dict[str, str]
) -> None:
    before = claim_ids(slack, "russian losses")
    payload = view_submission(
        "claim_edit", {**NEW_CLAIM, "topic_new": "Never saved", **changes}, "{}"
    )
    status, body = slack.interaction(payload)
    assert status == 200
    assert json.loads(body) == {"response_action": "errors", "errors": errors}
    slack.command("never saved")
    (answer,) = slack.stub.wait_for(to_response())
    assert "Never saved" not in json.dumps(answer.body)
    assert claim_ids(slack, "russian losses") == before


def test_forged_submission_from_a_non_editor_changes_nothing(slack: Slack) -> None:
    ru = claim_ids(slack, "russian losses")["Russian Ministry of Defence"]
    metadata = json.dumps({"channel": "C0001", "claim_id": ru})
    payload = view_submission("claim_retire", {"reason": "I do not like it"}, metadata, "U0002")
    status, body = slack.interaction(payload)
    assert status == 200
    assert json.loads(body) == {
        "response_action": "errors",
        "errors": {"reason": "Only editors can change claims."},
    }
    assert ru in claim_ids(slack, "russian losses").values()


def test_verify_and_retire_through_the_menu(slack: Slack) -> None:
    uk = claim_ids(slack, "russian losses")["UK Ministry of Defence"]
    menu = block_actions(slack, "claim_menu", "")
    menu["actions"][0] = {
        "action_id": "claim_menu",
        "block_id": "b",
        "type": "overflow",
        "action_ts": "1.2",
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": f"verify:{uk}"},
    }
    slack.interaction(menu)
    (opened,) = slack.stub.wait_for(lambda c: c.path == "/api/views.open")
    view = opened.body["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "claim_verify"
    metadata = view["private_metadata"]
    note = "Checked by the desk against MoD briefing transcripts"
    status, _ = slack.interaction(
        view_submission("claim_verify", {"verification": "disputed", "note": note}, metadata)
    )
    assert status == 200
    slack.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    slack.stub.reset()
    slack.command(f"history {uk}")
    (history,) = slack.stub.wait_for(to_response())
    shown = block_texts(history.body)
    assert "verified by slack:U0001" in shown
    assert "verification: 'unverified' -&gt; 'disputed'" in shown
    slack.stub.reset()
    status, _ = slack.interaction(
        view_submission("claim_retire", {"reason": "Superseded"}, metadata)
    )
    slack.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    assert uk not in claim_ids(slack, "russian losses").values()


def choose_in_menu(slack: Slack, verb: str, claim_id: int) -> None:
    """An editor picks ``verb`` in the claim menu of ``claim_id``."""
    menu = block_actions(slack, "claim_menu", "")
    menu["actions"][0] = {
        "action_id": "claim_menu",
        "block_id": "b",
        "type": "overflow",
        "action_ts": "1.2",
        "selected_option": {
            "text": {"type": "plain_text", "text": "x"},
            "value": f"{verb}:{claim_id}",
        },
    }
    assert slack.interaction(menu)[0] == 200


def opened_view(slack: Slack) -> dict[str, Any]:
    (opened,) = slack.stub.wait_for(lambda c: c.path == "/api/views.open")
    view = opened.body["view"]
    return json.loads(view) if isinstance(view, str) else view  # type: ignore[no-any-return]


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    """What Slack submits for an untouched form: each input block's initial value."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        option = element.get("initial_option") or {}
        initial = element.get("initial_value") or element.get("initial_date")
        values[block["block_id"]] = initial or option.get("value")
    return values


def stored(slack: Slack, claim_id: int) -> ClaimRecord:
    core = Core.from_settings(Settings(database_url=slack.database_url))
    try:
        return core.editing.record(claim_id)
    finally:
        core.engine.dispose()


def add_claim_to_edit(slack: Slack, topic: str) -> int:
    slack.add_claims(
        {
            "topic": topic,
            "claimant": "Regional governor",
            "outlet": "Telegram",
            "claimed_on": "2023-05-01",
            "figures": [{"metric": "injured", "value": 12, "unit": "people"}],
            "verification": "corroborated",
            "verification_note": "Matched against hospital records by the desk",
            "caveat": "Early count.",
            "external_id": f"edit-test-{topic}",
        }
    )
    (claim_id,) = claim_ids(slack, topic).values()
    return claim_id


def test_editing_through_the_form_keeps_what_the_form_does_not_show(slack: Slack) -> None:
    claim_id = add_claim_to_edit(slack, "Shelling injuries in Belgorod")
    choose_in_menu(slack, "edit", claim_id)
    view = opened_view(slack)
    assert view["callback_id"] == "claim_edit"
    values = {**form_values(view), "outlet": "RBC"}
    status, body = slack.interaction(
        view_submission("claim_edit", values, view["private_metadata"])
    )
    assert (status, body) == (200, "")
    (confirmation,) = slack.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    assert f"Claim {claim_id} saved." in confirmation.body["text"]
    after = stored(slack, claim_id)
    assert after.outlet == "RBC"
    assert after.verification_note == "Matched against hospital records by the desk"
    assert after.external_id == "edit-test-Shelling injuries in Belgorod"
    assert after.retired_reason is None


def test_a_retired_claim_cannot_be_edited_through_the_form(slack: Slack) -> None:
    claim_id = add_claim_to_edit(slack, "Shelling injuries in Kursk")
    choose_in_menu(slack, "edit", claim_id)
    view = opened_view(slack)
    slack.stub.reset()
    metadata = view["private_metadata"]
    status, _ = slack.interaction(
        view_submission("claim_retire", {"reason": "Withdrawn"}, metadata)
    )
    assert status == 200
    slack.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    # The form opened before the claim was retired is submitted: refused, nothing changes.
    values = {**form_values(view), "outlet": "RBC"}
    status, body = slack.interaction(view_submission("claim_edit", values, metadata))
    assert status == 200
    assert json.loads(body) == {
        "response_action": "errors",
        "errors": {"claimant": f"Claim {claim_id} is retired; a retired claim cannot be edited."},
    }
    after = stored(slack, claim_id)
    assert (after.retired_reason, after.outlet) == ("Withdrawn", "Telegram")
    # The menu of an answer shown before the retirement no longer opens the form.
    slack.stub.reset()
    choose_in_menu(slack, "edit", claim_id)
    (refusal,) = slack.stub.wait_for(to_response("button"))
    assert "a retired claim cannot be edited" in block_texts(refusal.body)
    assert slack.stub.calls_to("/api/views.open") == []


def test_text_too_long_for_the_form_is_left_out_and_kept(slack: Slack) -> None:
    claim_id = add_claim_to_edit(slack, "Shelling injuries in Bryansk")
    long_quote = "A very long statement. " * 200
    core = Core.from_settings(Settings(database_url=slack.database_url))
    with db.transaction(core.sessions) as session:  # stored before the limit existed
        session.get_one(Claim, claim_id).quote = long_quote.strip()
    core.engine.dispose()
    choose_in_menu(slack, "edit", claim_id)
    view = opened_view(slack)
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert "quote" not in inputs
    for element in inputs.values():
        assert len(element.get("initial_value") or "") <= element.get("max_length", 3000)
    assert "cannot be edited here. It is kept as it is." in json.dumps(view)
    values = {**form_values(view), "outlet": "RBC"}
    status, body = slack.interaction(
        view_submission("claim_edit", values, view["private_metadata"])
    )
    assert (status, body) == (200, "")
    slack.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    after = stored(slack, claim_id)
    assert (after.outlet, after.quote) == ("RBC", long_quote.strip())


def test_topic_picker_offers_matching_topics(slack: Slack) -> None:
    payload = {
        "type": "block_suggestion",
        "user": user("U0001"),
        "container": {"type": "view", "view_id": "V0001"},
        "api_app_id": "A0001",
        "token": "legacy-token",
        "action_id": "topic_pick",
        "block_id": "topic_pick",
        "value": "casualties",
        "team": {"id": "T0001", "domain": "example"},
        "view": {
            "id": "V0001",
            "type": "modal",
            "callback_id": "claim_edit",
            "private_metadata": "{}",
        },
    }
    status, body = slack.interaction(payload)
    assert status == 200
    titles = [o["text"]["text"] for o in json.loads(body)["options"]]
    assert CASUALTIES in titles


def alias_buttons(message: dict[str, Any], alias: str) -> dict[str, dict[str, Any]]:
    """The Accept and Reject buttons of the proposal for ``alias``, by verb."""
    blocks = message["blocks"]
    for i, block in enumerate(blocks):
        if block["type"] == "section" and block["text"]["text"].startswith(f"“{alias}”"):
            return {b["text"]["text"]: b for b in blocks[i + 1]["elements"]}
    raise AssertionError(f"no proposal for {alias!r} in {block_texts(message)}")


def test_editors_accept_or_reject_proposed_aliases_with_one_click(slack: Slack) -> None:
    learning = slack.core.learning
    learning.picked("ukr exodus count", "Refugees from Ukraine", "slack:U0002")
    learning.picked("ukr exodus count", "Refugees from Ukraine", "slack:U0003")
    learning.picked("<!channel> kremlin tally", CASUALTIES, "slack:U0002")
    slack.command("aliases", user="U0001")
    (listing,) = slack.stub.wait_for(to_response())
    shown = block_texts(listing.body)
    assert "“ukr exodus count” → *Refugees from Ukraine*\npicked 2 times, last on" in shown
    assert f"“&lt;!channel&gt; kremlin tally” → *{CASUALTIES}*" in shown
    accept = alias_buttons(listing.body, "ukr exodus count")["Accept"]
    reject = alias_buttons(listing.body, "&lt;!channel&gt; kremlin tally")["Reject"]

    slack.stub.reset()
    slack.interaction(grid_block_actions(slack, accept["action_id"], accept["value"], "U0001"))
    (accepted,) = slack.stub.wait_for(to_response("button"))
    assert accepted.body["replace_original"] is True
    shown = block_texts(accepted.body)
    assert "Accepted: “ukr exodus count” is now an alias of “Refugees from Ukraine”." in shown
    assert "ukr exodus count” →" not in shown
    assert "kremlin tally” →" in shown
    slack.stub.reset()
    slack.command("ukr exodus count", user="U0002")
    (answer,) = slack.stub.wait_for(to_response())
    assert answer.body["blocks"][0]["text"]["text"] == "Refugees from Ukraine"

    slack.stub.reset()
    slack.interaction(grid_block_actions(slack, reject["action_id"], reject["value"], "U0001"))
    (rejected,) = slack.stub.wait_for(to_response("button"))
    assert (
        f"Rejected: “&lt;!channel&gt; kremlin tally” will not be proposed again for “{CASUALTIES}”."
        in block_texts(rejected.body)
    )
    assert not learning.picked("<!channel> kremlin tally", CASUALTIES, "slack:U0002")

    slack.stub.reset()
    slack.interaction(grid_block_actions(slack, accept["action_id"], accept["value"], "U0001"))
    (again,) = slack.stub.wait_for(to_response("button"))
    assert "was already accepted by slack:U0001." in block_texts(again.body)


def test_non_editors_cannot_review_proposed_aliases(slack: Slack) -> None:
    learning = slack.core.learning
    learning.picked("ukr flight tally", "Refugees from Ukraine", "slack:U0002")
    slack.command("aliases", user="U0002")
    (refusal,) = slack.stub.wait_for(to_response())
    assert block_texts(refusal.body) == "Only editors can review proposed aliases."
    slack.stub.reset()
    slack.command("aliases accept 1", user="U0002")
    (typed,) = slack.stub.wait_for(to_response())
    assert block_texts(typed.body) == "Only editors can review proposed aliases."
    (proposal,) = [p for p in learning.pending().proposals if p.alias == "ukr flight tally"]
    slack.stub.reset()
    forged = grid_block_actions(slack, f"accept_alias_{proposal.id}", str(proposal.id), "U0002")
    assert slack.interaction(forged) == (200, "")
    assert slack.stub.calls_to("/response/button") == []
    assert proposal in learning.pending().proposals


DETAILED_FIGURES = (
    "killed: 2,000-4,000 troops | counts: killed | basis: estimate | from: 2022-02-24 "
    "| to: 2022-03-09 | area: Ukraine\n"
    "wounded: 10,000 troops | counts: wounded | basis: Estimate"
)


def test_the_form_adds_what_figures_count_their_basis_coverage_and_the_source_cited(
    slack: Slack,
) -> None:
    values = {
        **NEW_CLAIM,
        "topic_new": "Ukrainian military casualties, detailed",
        "topic_aliases": "ukrainian casualties in detail",
        "figures": DETAILED_FIGURES,
        "cites": "US intelligence officials",
    }
    payload = view_submission("claim_edit", values, json.dumps({"channel": "C0001"}))
    assert slack.interaction(payload) == (200, "")
    slack.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    (claim_id,) = claim_ids(slack, "ukrainian casualties in detail").values()
    record = stored(slack, claim_id)
    assert record.cites == "US intelligence officials"
    killed, wounded = record.figures
    assert (killed.counts, killed.basis, killed.area) == ("killed", "estimate", "Ukraine")
    assert (killed.coverage_from, killed.coverage_to) == (date(2022, 2, 24), date(2022, 3, 9))
    assert (wounded.counts, wounded.basis, wounded.coverage_from) == ("wounded", "estimate", None)
    slack.command("ukrainian casualties in detail")
    (answer,) = slack.stub.wait_for(to_response())
    shown = block_texts(answer.body)
    assert (
        "Counts killed and wounded, separately; an estimate; killed covers 24 February 2022 to "
        "9 March 2022, in Ukraine."
    ) in shown
    assert "citing US intelligence officials" in shown


def test_editing_keeps_figure_details_and_changes_the_one_edited(slack: Slack) -> None:
    ru = claim_ids(slack, "russian losses")["Russian Ministry of Defence"]
    before = stored(slack, ru)
    choose_in_menu(slack, "edit", ru)
    view = opened_view(slack)
    assert "`killed_and_wounded` (killed and wounded together)" in json.dumps(view)
    values = form_values(view)
    assert values["cites"] == "Russian Ministry of Defence"
    assert slack.interaction(view_submission("claim_edit", values, view["private_metadata"])) == (
        200,
        "",
    )
    (unchanged,) = slack.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    assert "unchanged: nothing was different" in unchanged.body["text"]
    assert stored(slack, ru) == before
    slack.stub.reset()
    values["figures"] = values["figures"].replace("basis: official_claim", "basis: estimate", 1)
    assert (
        slack.interaction(view_submission("claim_edit", values, view["private_metadata"]))[0] == 200
    )
    slack.stub.wait_for(lambda c: c.path == "/api/chat.postEphemeral")
    after = stored(slack, ru)
    assert [f.basis for f in after.figures] == ["estimate", "official_claim"]
    assert after.figures[1:] == before.figures[1:] and after.cites == before.cites
    assert after.figures[0].coverage_to == date(2022, 3, 2)


def test_a_kind_the_store_does_not_know_is_shown_next_to_the_figures(slack: Slack) -> None:
    values = {**NEW_CLAIM, "topic_new": "Never saved", "figures": "killed: 5 | counts: dead"}
    status, body = slack.interaction(view_submission("claim_edit", values, "{}"))
    assert status == 200
    errors = json.loads(body)["errors"]
    assert list(errors) == ["figures"]
    assert errors["figures"].startswith("Line 1: no kind 'dead'; the kinds are captured, ")
