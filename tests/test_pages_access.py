"""Every page asks for its key, says so plainly without it, and shows nothing it guards.

Pages run in-process with AppTest on a fresh SQLite store (``page_env``). The
keys the pages expect are computed with the test secret (``KEYS``). What each
page guards is checked by its content: group and system names, notes, action
items, codes and tokens must not be on a refused page.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import KEYS, PASSCODE, PageEnv, texts
from workshop.models import AnswerChange, Group, Workshop
from workshop.workshops import GroupDraft, create_workshop, regenerate_links, set_closed

AT = "2026-11-23T10:00:00+00:00"
WRONG_CODE = "That join code does not belong to this group"
WAIT = "Too many wrong attempts"
HISTORY_LOCKED = "Every system's history is private to the organisation"
CLOSED = "The host has closed this workshop"


def _submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.get("form_submit_button") if b.label == label).click().run()
    return at


def _answer_widgets(at: AppTest) -> list[str]:
    keys = [w.key or "" for w in [*at.radio, *at.text_area]]
    return [key for key in keys if key.startswith(("ans_", "note_"))]


def _round(page_env: PageEnv) -> tuple[Workshop, list[Group]]:
    workshop, groups = page_env.make_workshop(groups=2)
    for n, group in enumerate(groups):
        page_env.store.save_answers(
            workshop.id,
            group.id,
            [AnswerChange("data-1", "1", f"evidence of team {n}")],
            updated_by="tutor",
            updated_at=AT,
        )
    return workshop, groups


# --------------------------------------------------------------------------- each page, no key


@pytest.mark.parametrize("page", ["views/present.py", "views/wrapup.py", "views/host.py"])
def test_host_pages_without_the_passcode_show_the_lock_and_nothing_of_the_workshop(
    page_env: PageEnv, page: str
) -> None:
    workshop, groups = _round(page_env)
    at = page_env.app(page, w=workshop.id)  # on the host page, ?w= opens the workshop's panel
    assert not at.exception
    body = texts(at)
    assert "Host controls are locked" in body
    for group in groups:
        assert group.name not in body and group.system not in body
        assert KEYS.join_code(group) not in body
    assert "evidence of team" not in body
    assert not at.dataframe and not at.get("image") and not at.get("plotly_chart")


def test_tutor_page_without_a_code_shows_the_join_form_only(page_env: PageEnv) -> None:
    workshop, groups = _round(page_env)
    at = page_env.app("views/tutor.py", w=workshop.id, g=groups[0].id)
    assert not at.exception
    body = texts(at)
    assert "Join your group" in body
    assert not _answer_widgets(at) and "evidence of team" not in body


def test_results_without_the_token_or_with_another_workshops_token_show_nothing(
    page_env: PageEnv,
) -> None:
    workshop, _ = _round(page_env)
    other, _ = create_workshop(
        page_env.store,
        title="Other round",
        date="2026-11-24",
        language="en",
        rubric_id="ml-test-score",
        agenda_id="standard-60",
        passcode=PASSCODE,
        groups=[GroupDraft("Team Z", "Elsewhere")],
    )
    for params in (
        {"w": workshop.id},
        {"token": KEYS.results_token(workshop)},  # a link without its workshop
        {"w": workshop.id, "token": KEYS.results_token(other)},
        {"w": other.id, "token": KEYS.results_token(workshop)},
    ):
        at = page_env.app("views/results.py", **params)
        assert not at.exception
        body = texts(at)
        assert "This results link is not valid" in body or "Open the results link" in body
        assert workshop.title not in body and "evidence of team" not in body
        assert not at.dataframe and not at.get("download_button")


def test_a_groups_results_link_opens_that_group_and_a_new_link_closes_it(
    page_env: PageEnv,
) -> None:
    workshop, groups = _round(page_env)
    token = KEYS.results_token(workshop, groups[0])
    at = page_env.app("views/results.py", w=workshop.id, token=token)
    assert not at.exception
    assert "evidence of team 0" in texts(at)

    regenerate_links(page_env.store, workshop.id, groups[0].id)
    again = page_env.app("views/results.py", w=workshop.id, token=token)
    assert "This results link is not valid" in texts(again)
    renewed = page_env.store.snapshot(workshop.id).group(groups[0].id)
    fresh = page_env.app(
        "views/results.py", w=workshop.id, token=KEYS.results_token(workshop, renewed)
    )
    assert "evidence of team 0" in texts(fresh)


# --------------------------------------------------------------------------- history


def test_history_without_a_key_shows_no_system(page_env: PageEnv) -> None:
    _, groups = _round(page_env)
    at = page_env.app("views/history.py")
    assert not at.exception
    body = texts(at)
    assert HISTORY_LOCKED in body
    assert "Nothing to show without the organisation's key" in body
    assert all(group.system not in body for group in groups)
    assert not at.dataframe and not at.get("vega_lite_chart")


def test_history_with_a_wrong_link_says_so_and_shows_no_system(page_env: PageEnv) -> None:
    _, groups = _round(page_env)
    at = page_env.app("views/history.py", token=KEYS.history_token()[:-1] + "x")
    body = texts(at)
    assert "This history link is not valid" in body
    assert all(group.system not in body for group in groups) and not at.dataframe


@pytest.mark.parametrize("key", ["link", "history passcode", "app host passcode"])
def test_history_opens_with_the_link_or_a_passcode(
    page_env: PageEnv, monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    _, groups = _round(page_env)
    monkeypatch.setenv("WORKSHOP_HISTORY_PASSCODE", "org-history-pass")
    monkeypatch.setenv("WORKSHOP_HOST_PASSCODE", "app-host-pass")
    if key == "link":
        at = page_env.app("views/history.py", token=KEYS.history_token())
    else:
        at = page_env.app("views/history.py")
        at.text_input(key="history_pass").input(
            "org-history-pass" if key == "history passcode" else "app-host-pass"
        )
        _submit(at, "Show the history")
    assert not at.exception
    table = at.dataframe[0].value
    assert sorted(table.iloc[:, 0]) == sorted(group.system for group in groups)
    assert HISTORY_LOCKED not in texts(at)


def test_a_host_sees_the_history_of_their_own_workshops_only(page_env: PageEnv) -> None:
    mine, my_groups = _round(page_env)
    other, _ = create_workshop(
        page_env.store,
        title="Someone else's round",
        date="2026-11-24",
        language="en",
        rubric_id="ml-test-score",
        agenda_id="standard-60",
        passcode="someone-elses-pass",
        groups=[GroupDraft("Team Z", "Secret system")],
    )
    page_env.store.save_answers(
        other.id,
        page_env.store.snapshot(other.id).groups[0].id,
        [AnswerChange("data-1", "1", "")],
        updated_by="t",
        updated_at=AT,
    )
    at = page_env.app("views/host.py", w=mine.id)
    at.text_input(key=f"host_pass_{mine.id}").input(PASSCODE)
    _submit(at, "Unlock")
    at.switch_page("views/history.py").run()
    assert not at.exception
    body = texts(at)
    assert "You see the demo and the workshops you host" in body
    systems = set(at.dataframe[0].value.iloc[:, 0])
    assert systems == {group.system for group in my_groups}
    assert "Secret system" not in body


# --------------------------------------------------------------------------- brute force


def test_fifty_wrong_join_codes_are_throttled_and_the_right_code_works_after_the_wait(
    page_env: PageEnv,
) -> None:
    """A guesser at one attempt per second, for 50 seconds, on the join form.

    Hand computation (5 free failures, then 30 s, doubling): failures 1-5 at
    t=0..4 s are checked; the 6th at t=5 s is checked and blocks until t=35 s;
    attempts at t=6..34 s are not checked; the one at t=35 s is (7th failure,
    blocks until t=95 s); t=36..49 s are not. So 7 checked, 43 refused unchecked.
    """
    workshop, groups = _round(page_env)
    target = groups[1]
    at = page_env.app("views/tutor.py")
    at.selectbox[0].select(workshop.id).run()
    start = page_env.clock.now
    checked = waited = 0
    for n in range(50):
        page_env.clock.now = start + n
        at.selectbox[1].select(target.id)
        at.text_input[0].input(f"WRONG{n:03d}")
        _submit(at, "Join")
        body = texts(at)
        checked += WRONG_CODE in body
        waited += WAIT in body
        assert not (WRONG_CODE in body and WAIT in body)
    assert (checked, waited) == (7, 43)
    assert not _answer_widgets(at)

    right = KEYS.join_code(target)
    page_env.clock.now = start + 94  # the right code, a second too early: not even checked
    at.text_input[0].input(right)
    _submit(at, "Join")
    assert WAIT in texts(at) and "(at " in texts(at)
    assert not _answer_widgets(at)

    page_env.clock.now = start + 95
    at.text_input[0].input(right)
    _submit(at, "Join")
    assert not at.exception
    assert WAIT not in texts(at) and len(_answer_widgets(at)) == 14  # the open tab: 7 items


def test_the_wait_is_shared_by_every_session_of_the_process(page_env: PageEnv) -> None:
    """A new tab starts a new session; the count of the same address goes on.

    AppTest has no client address, so the sessions share one through the
    request the page sees: this test checks the per-session count instead, and
    that a wait from one session's guesses does not lock out another session.
    """
    workshop, groups = _round(page_env)
    guesser = page_env.app("views/tutor.py")
    guesser.selectbox[0].select(workshop.id).run()
    for n in range(6):
        guesser.selectbox[1].select(groups[0].id)
        guesser.text_input[0].input(f"WRONG{n}")
        _submit(guesser, "Join")
    assert WAIT in texts(guesser) or WRONG_CODE in texts(guesser)
    guesser.text_input[0].input(KEYS.join_code(groups[0]))
    _submit(guesser, "Join")
    assert WAIT in texts(guesser)

    tutor = page_env.app(
        "views/tutor.py", w=workshop.id, g=groups[0].id, code=KEYS.join_code(groups[0])
    )
    assert WAIT not in texts(tutor) and _answer_widgets(tutor)


# --------------------------------------------------------------------------- closing, new links


def test_closing_the_workshop_makes_the_tutor_page_read_only_at_once(page_env: PageEnv) -> None:
    workshop, groups = _round(page_env)
    group = groups[0]
    at = page_env.app("views/tutor.py", w=workshop.id, g=group.id, code=KEYS.join_code(group))
    at.radio(key="ans_data-2").set_value("0.5").run()
    assert page_env.store.snapshot(workshop.id).group_answers(group.id)["data-2"].value == "0.5"

    # The host closes while this page still shows open fields; the tutor clicks one.
    set_closed(page_env.store, workshop.id, True)
    at.radio(key="ans_data-3").set_value("1").run()
    answers = page_env.store.snapshot(workshop.id).group_answers(group.id)
    assert "data-3" not in answers and answers["data-2"].value == "0.5"
    body = texts(at)
    assert CLOSED in body
    assert "data-3: your answer “1” was not saved, because the host closed the workshop" in body
    radios = {(r.key or "").split("__")[0]: r for r in at.radio}
    notes = {(n.key or "").split("__")[0]: n for n in at.text_area}
    assert radios["ans_data-3"].disabled and notes["note_data-3"].disabled
    assert radios["ans_data-3"].value is None  # the refused click is not shown as an answer
    assert radios["ans_data-2"].value == "0.5"  # what was saved before stays in view


def test_a_new_link_sends_a_joined_tutor_back_to_the_join_form(page_env: PageEnv) -> None:
    workshop, groups = _round(page_env)
    group = groups[0]
    old_code = KEYS.join_code(group)
    at = page_env.app("views/tutor.py", w=workshop.id, g=group.id, code=old_code)
    assert _answer_widgets(at)

    regenerate_links(page_env.store, workshop.id, group.id)
    at.run()
    body = texts(at)
    assert WRONG_CODE in body and not _answer_widgets(at)

    renewed = replace(group, link_generation=1)
    fresh = page_env.app("views/tutor.py", w=workshop.id, g=group.id, code=KEYS.join_code(renewed))
    assert _answer_widgets(fresh)


def test_the_host_closes_reopens_and_regenerates_from_the_host_page(page_env: PageEnv) -> None:
    workshop, groups = _round(page_env)
    at = page_env.app("views/host.py", w=workshop.id)
    at.text_input(key=f"host_pass_{workshop.id}").input(PASSCODE)
    _submit(at, "Unlock")
    old_code = KEYS.join_code(groups[0])
    assert f"`{old_code}`" in texts(at)

    at.button(key=f"closed_{workshop.id}").click().run()
    assert page_env.store.get_workshop(workshop.id).closed is True  # type: ignore[union-attr]
    assert "This workshop is closed" in texts(at)
    at.button(key=f"closed_{workshop.id}").click().run()
    assert page_env.store.get_workshop(workshop.id).closed is False  # type: ignore[union-attr]

    at.button(key=f"regen_{workshop.id}_{groups[0].id}").click().run()
    renewed = page_env.store.snapshot(workshop.id).group(groups[0].id)
    assert renewed.link_generation == 1
    body = texts(at)
    assert f"`{KEYS.join_code(renewed)}`" in body and f"`{old_code}`" not in body
    assert f"`{KEYS.join_code(groups[1])}`" in body  # the other group's link is unchanged
