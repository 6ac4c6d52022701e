"""Host page: create, reopen behind the passcode, duplicate, archive; join links and QR codes.

Also: the date fields start on today in the viewer's time zone, and a store
failure while archiving is a message that loses nothing.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import APP, PASSCODE, PageEnv, texts
from workshop.store.base import StoreUnavailable
from workshop.store.sqlite import SqliteStore

GROUPS = (
    "Team A; Search ranking; production; Aiko\nTeam B; Fraud; validation; Ben\nTeam C; Photos; poc"
)


def _create(
    page_env: PageEnv,
    *,
    title: str = "November round",
    groups: str = GROUPS,
    passcode: str = PASSCODE,
):
    at = page_env.app("views/host.py")
    at.text_input[0].input(title)
    at.text_input[1].input(passcode)
    at.text_area(key="create_groups").input(groups)
    at.button[0].click() if False else None
    submit = next(b for b in at.get("form_submit_button") if b.label == "Create workshop")
    submit.click()
    return at.run()


def test_create_workshop_shows_join_links_and_qr_codes(page_env: PageEnv) -> None:
    at = _create(page_env)
    assert not at.exception
    workshops = page_env.store.list_workshops()
    assert [w.title for w in workshops] == ["November round"]
    snapshot = page_env.store.snapshot(workshops[0].id)
    assert [(g.name, g.system, g.phase, g.tutor) for g in snapshot.groups] == [
        ("Team A", "Search ranking", "production", "Aiko"),
        ("Team B", "Fraud", "validation", "Ben"),
        ("Team C", "Photos", "poc", ""),
    ]
    body = texts(at)
    assert "Workshop “November round” created" in body
    for group in snapshot.groups:
        assert (
            f"http://workshop.test/tutor?w={workshops[0].id}&g={group.id}&code={page_env.keys.join_code(group)}"
            in body
        )
        assert f"`{page_env.keys.join_code(group)}`" in body
        token = page_env.keys.participant_token(group)
        assert f"http://workshop.test/votes?w={workshops[0].id}&g={group.id}&token={token}" in body
    assert len(at.get("image")) == 6  # per group: the tutor's QR code and the participants'
    assert at.toggle(key=f"anonymous_{workshops[0].id}_1").value is True  # anonymous by default
    stored_hash = page_env.store.host_passcode_hash(workshops[0].id)
    assert stored_hash and PASSCODE not in stored_hash


def test_duplicate_group_names_are_refused_and_nothing_is_created(page_env: PageEnv) -> None:
    at = _create(page_env, groups="Team A; S1\nteam a; S2")
    assert "Two groups are called “team a”" in texts(at)
    assert page_env.store.list_workshops() == []


def test_overlong_title_is_rejected_not_truncated(page_env: PageEnv) -> None:
    at = _create(page_env, title="x" * 121)
    assert "too long: 121 characters, at most 120" in texts(at)
    assert page_env.store.list_workshops() == []


def test_short_passcode_and_bad_phase_are_explained(page_env: PageEnv) -> None:
    at = _create(page_env, passcode="abc")
    assert "at least 6 characters" in texts(at)
    at = _create(page_env, groups="Team A; S1; someday")
    assert "Line 1: unknown phase “someday”" in texts(at)
    assert page_env.store.list_workshops() == []


def test_reopening_needs_the_workshops_passcode(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    at = page_env.app("views/host.py")
    open_button = next(b for b in at.button if b.label == "Open")
    open_button.click().run()
    body = texts(at)
    assert "Host controls are locked" in body
    assert page_env.keys.join_code(groups[0]) not in body
    at.text_input(key=f"host_pass_{workshop.id}").input("wrong-passcode")
    next(b for b in at.get("form_submit_button") if b.label == "Unlock").click().run()
    assert "That passcode is not right" in texts(at)
    assert page_env.keys.join_code(groups[0]) not in texts(at)
    at.text_input(key=f"host_pass_{workshop.id}").input(PASSCODE)
    next(b for b in at.get("form_submit_button") if b.label == "Unlock").click().run()
    assert f"`{page_env.keys.join_code(groups[0])}`" in texts(at)


def test_app_wide_passcode_locks_the_whole_page(page_env: PageEnv, monkeypatch) -> None:
    monkeypatch.setenv("WORKSHOP_HOST_PASSCODE", "org-wide-pass")
    page_env.make_workshop()
    at = page_env.app("views/host.py")
    assert "Host controls are locked" in texts(at)
    assert "Round 1" not in texts(at)
    at.text_input(key="host_pass_global").input("org-wide-pass")
    next(b for b in at.get("form_submit_button") if b.label == "Unlock").click().run()
    assert "**Round 1**" in texts(at)


def test_duplicate_for_next_round_and_archive(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    page_env.store.save_answers(
        workshop.id, groups[0].id, [_change("data-1", "1")], updated_by="t", updated_at="x"
    )
    at = page_env.app("views/host.py", w=workshop.id)
    at.text_input(key=f"host_pass_{workshop.id}").input(PASSCODE)
    next(b for b in at.get("form_submit_button") if b.label == "Unlock").click().run()
    duplicate_form = [b for b in at.get("form_submit_button") if "next round" in b.label]
    assert duplicate_form
    at.text_input[-1].input("December round") if False else None
    duplicate_form[0].click().run()
    workshops = page_env.store.list_workshops()
    assert len(workshops) == 2
    copy = next(w for w in workshops if w.id != workshop.id)
    assert copy.previous_id == workshop.id
    copy_snapshot = page_env.store.snapshot(copy.id)
    assert [g.system for g in copy_snapshot.groups] == [g.system for g in groups]
    assert [page_env.keys.join_code(g) for g in copy_snapshot.groups] != [
        page_env.keys.join_code(g) for g in groups
    ]
    # The next round keeps the host passcode.
    assert page_env.store.host_passcode_hash(copy.id) == page_env.store.host_passcode_hash(
        workshop.id
    )
    assert all(not answers for answers in copy_snapshot.answers.values())
    assert "Created" in texts(at)

    archive = next(b for b in at.button if b.label == "Archive")
    archive.click().run()
    titles = [w.id for w in page_env.store.list_workshops()]
    assert copy.id not in titles


def _change(item_id: str, value: str):
    from workshop.models import AnswerChange

    return AnswerChange(item_id=item_id, value=value, note="")


# --------------------------------------------------------------------------- time zone


def _host_page(page_env: PageEnv, timezone: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if timezone is not None:
        at.context = {"timezone": timezone}
    at.switch_page("views/host.py")
    return at.run()


def test_the_date_inputs_default_to_today_in_the_viewers_zone(page_env: PageEnv) -> None:
    import datetime as dt

    # 2026-12-01T20:30:00Z = 1796157000 s (see tests/test_localtime.py for the arithmetic:
    # 2026-12-02T03:04:05Z is 1796180645 s; 6 h 34 min 5 s = 23645 s earlier).
    page_env.clock.now = 1_796_157_000
    tokyo = _host_page(page_env, "Asia/Tokyo")
    assert tokyo.date_input[0].value == dt.date(2026, 12, 2)  # already morning in Tokyo
    new_york = _host_page(page_env, "America/New_York")
    assert new_york.date_input[0].value == dt.date(2026, 12, 1)  # 15:30 the day before
    unknown = _host_page(page_env, None)  # the browser did not say: UTC
    assert unknown.date_input[0].value == dt.date(2026, 12, 1)


# --------------------------------------------------------------------------- archive


def test_archive_survives_a_store_failure(
    page_env: PageEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop, groups = page_env.make_workshop()
    at = page_env.app("views/host.py", w=workshop.id)
    at.text_input(key=f"host_pass_{workshop.id}").input(PASSCODE)
    next(b for b in at.get("form_submit_button") if b.label == "Unlock").click().run()

    def outage(self, *args, **kwargs):
        raise StoreUnavailable("Google Sheets answered 503", reason="server", status=503)

    monkeypatch.setattr(SqliteStore, "update_workshop", outage)
    next(b for b in at.button if b.label == "Archive").click().run()
    assert not at.exception
    body = texts(at)
    assert "Google Sheets answered with an error (HTTP 503)" in body
    # Nothing is lost: the workshop is as it was and its panel is still open.
    assert [w.id for w in page_env.store.list_workshops()] == [workshop.id]
    assert f"`{page_env.keys.join_code(groups[0])}`" in body
    assert "Archive" in [b.label for b in at.button]

    monkeypatch.undo()
    next(b for b in at.button if b.label == "Archive").click().run()
    assert page_env.store.list_workshops() == []
    assert [w.archived for w in page_env.store.list_workshops(include_archived=True)] == [True]
