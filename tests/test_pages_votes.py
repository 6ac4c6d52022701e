"""Pages with participants' votes (AppTest): the participant page's door and ballot, the
results' spreads beside the answers, the wrap-up's "where we disagreed most"."""

from __future__ import annotations

from pathlib import Path

from tests.support.apptest import PASSCODE, PageEnv, texts
from workshop.models import AnswerChange, VoteRecord
from workshop.runtime import VOTES_NAME, record_id
from workshop.vote_box import VoteBox


def _box(page_env: PageEnv) -> VoteBox:
    """The votes file the pages' runtime opens (same folder and record id)."""
    folder: Path = page_env.db_path.parent
    return VoteBox(folder / VOTES_NAME, f"local:{page_env.db_path.resolve()}")


def test_record_id_is_what_the_test_box_uses(page_env: PageEnv) -> None:
    from workshop.config import load_settings

    settings = load_settings({})
    assert record_id(settings, page_env.store) == f"local:{page_env.db_path.resolve()}"


def test_participant_page_needs_the_groups_token_and_votes_only_when_opened(
    page_env: PageEnv,
) -> None:
    workshop, groups = page_env.make_workshop()
    group = groups[0]
    wrong = page_env.app("views/votes.py", w=workshop.id, g=group.id, token="guess")
    assert "This voting link is not valid" in texts(wrong)
    assert "Team A" not in texts(wrong)
    # Another group's token does not open this group.
    other = page_env.keys.participant_token(groups[1])
    crossed = page_env.app("views/votes.py", w=workshop.id, g=group.id, token=other)
    assert "This voting link is not valid" in texts(crossed)

    token = page_env.keys.participant_token(group)
    at = page_env.app("views/votes.py", w=workshop.id, g=group.id, token=token)
    assert not at.exception
    assert "Waiting for your tutor" in texts(at)
    assert not [b for b in at.button if b.key and b.key.startswith("vote_")]

    box = _box(page_env)
    box.set_current(workshop.id, group.id, "data-1", page_env.clock())
    at.run()
    labels = [b.label for b in at.button if b.key and b.key.startswith("vote_")]
    # data-1 does not allow N/A: no such button (and the server refuses it anyway)
    assert [label.split(" · ")[0] for label in labels] == ["0", "0.5", "1", "Don't know"]
    next(b for b in at.button if b.label.startswith("0.5 · ")).click().run()
    assert "Your vote: 0\\.5 · Done by hand" in texts(at)  # Markdown source: "." escaped
    state = box.state(workshop.id, group.id, "data-1")
    assert [v.choice for v in state.votes] == ["0.5"]
    assert state.votes[0].participant == at.query_params["p"]  # kept in the address
    # No way to write an answer from here.
    assert not at.radio or [r.key for r in at.radio] == ["_lang_choice"]
    assert page_env.store.snapshot(workshop.id).group_answers(group.id) == {}
    box.close()


def test_results_show_each_tests_spread_beside_the_answer(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    gid = groups[1].id
    page_env.store.save_answers(
        workshop.id,
        gid,
        [AnswerChange("data-1", "0.5", ""), AnswerChange("data-2", "1", "")],
        updated_by="tutor",
        updated_at="2026-11-23T10:00:00+00:00",
    )
    page_env.store.save_votes(
        workshop.id,
        gid,
        [
            VoteRecord(gid, "data-1", "0=1; 0.5=1; 1=2; ?=0", "some count manual runs"),
            VoteRecord(gid, "data-2", "lots of 1s", ""),
        ],
    )
    token = page_env.keys.results_token(workshop, groups[1])
    at = page_env.app("views/results.py", w=workshop.id, token=token)
    assert not at.exception
    captions = [c.value for c in at.caption]
    # Markdown source (":" and "." escaped)
    assert "Votes\\: 0×1 · 0\\.5×1 · 1×2 · disagreement — some count manual runs" in captions
    assert "Votes\\: lots of 1s \\(not a readable summary\\)" in captions


def test_wrapup_has_a_where_we_disagreed_most_prompt(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    for group, value in zip(groups, ("1", "0", "0.5"), strict=True):
        page_env.store.save_answers(
            workshop.id,
            group.id,
            [AnswerChange("data-1", value, "")],
            updated_by="tutor",
            updated_at="2026-11-23T10:00:00+00:00",
        )
    page_env.store.save_votes(
        workshop.id, groups[0].id, [VoteRecord(groups[0].id, "data-1", "0=3; 1=1", "")]
    )
    at = page_env.app("views/wrapup.py", w=workshop.id)
    at.text_input(key=f"host_pass_wrapup_{workshop.id}").input(PASSCODE)
    next(b for b in at.get("form_submit_button") if b.label == "Unlock").click().run()
    seen = []
    for _ in range(10):
        body = texts(at)
        seen.append(body)
        if "Where we disagreed most" in body:
            break
        nxt = [b for b in at.button if b.label == "Next prompt"]
        if not nxt or nxt[0].disabled:
            break
        nxt[0].click().run()
    body = seen[-1]
    assert "Where we disagreed most" in body
    assert "Team A" in body and "most voted 0" in body


def test_host_turns_names_on_and_a_new_link_shuts_the_old_one(page_env: PageEnv) -> None:
    from workshop.workshops import regenerate_links

    workshop, groups = page_env.make_workshop()
    host = page_env.app("views/host.py", w=workshop.id)
    host.text_input(key=f"host_pass_{workshop.id}").input(PASSCODE)
    next(b for b in host.get("form_submit_button") if b.label == "Unlock").click().run()
    host.toggle(key=f"anonymous_{workshop.id}_1").set_value(False).run()
    assert not host.exception
    box = _box(page_env)
    assert box.anonymous(workshop.id) is False
    assert host.toggle(key=f"anonymous_{workshop.id}_0").value is False
    box.close()

    group = groups[0]
    token = page_env.keys.participant_token(group)
    at = page_env.app("views/votes.py", w=workshop.id, g=group.id, token=token)
    assert "Waiting for your tutor" in texts(at)
    regenerate_links(page_env.store, workshop.id, group.id)
    at.run()
    assert "This voting link is not valid" in texts(at)
    assert "Waiting for your tutor" not in texts(at)
