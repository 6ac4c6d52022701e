"""Tutor page: join by link or code, save as you go, survive outages, follow the host."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import PageEnv, texts
from workshop import clock as clk
from workshop.models import AnswerChange
from workshop.store.base import StoreUnavailable
from workshop.store.sqlite import SqliteStore


def _tutor(page_env: PageEnv, workshop, group, code: str | None = None) -> AppTest:
    return page_env.app(
        "views/tutor.py",
        w=workshop.id,
        g=group.id,
        code=page_env.keys.join_code(group) if code is None else code,
    )


def answer_widget(at: AppTest, item_id: str):
    """The answer radio of an item, whatever generation of its key is drawn now."""
    return next(r for r in at.radio if (r.key or "").split("__g")[0] == f"ans_{item_id}")


def note_widget(at: AppTest, item_id: str):
    return next(a for a in at.text_area if (a.key or "").split("__g")[0] == f"note_{item_id}")


def _start_data_segment(page_env: PageEnv, workshop) -> None:
    from workshop.content import load_agenda

    agenda = load_agenda(workshop.agenda_id)
    state = clk.start(agenda, page_env.store.snapshot(workshop.id).clock, page_env.clock())
    page_env.store.set_clock(workshop.id, clk.jump(agenda, state, 1, page_env.clock()))


def test_join_link_opens_the_groups_scoring_page(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    _start_data_segment(page_env, workshop)
    at = _tutor(page_env, workshop, groups[1])
    assert not at.exception
    body = texts(at)
    assert "### Team B · System 2" in body
    assert "**data-1 · " in body
    # Criteria for every level are in view.
    assert body.count("**0.5** · ") == 7
    assert "Section score: 0 / 7 · 0 of 7 answered" in body
    assert at.tabs[0].label == "Data"


def test_answer_and_note_are_saved_as_they_are_made(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    _start_data_segment(page_env, workshop)
    at = _tutor(page_env, workshop, groups[0])
    at.radio(key="ans_data-1").set_value("0.5").run()
    at.text_area(key="note_data-1").input("Checked by hand <b>weekly</b> =SUM(A1)").run()
    stored = page_env.store.snapshot(workshop.id).group_answers(groups[0].id)["data-1"]
    assert stored.value == "0.5"
    assert stored.note == "Checked by hand <b>weekly</b> =SUM(A1)"
    assert stored.updated_by == "Tutor 1"
    body = texts(at)
    assert "All changes saved" in body
    assert "Section score: 0.5 / 7 · 1 of 7 answered" in body

    # A reload (new session) shows exactly what was saved.
    again = _tutor(page_env, workshop, groups[0])
    assert again.radio(key="ans_data-1").value == "0.5"
    assert again.text_area(key="note_data-1").value == "Checked by hand <b>weekly</b> =SUM(A1)"


def test_not_applicable_only_where_the_rubric_allows_it(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    _start_data_segment(page_env, workshop)
    at = _tutor(page_env, workshop, groups[0])
    assert "N/A" in at.radio(key="ans_data-2").options[-1]
    assert not any("N/A" in option for option in at.radio(key="ans_data-1").options)


def test_a_wrong_code_cannot_write_and_says_so(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    at = _tutor(page_env, workshop, groups[1], code=page_env.keys.join_code(groups[0]))
    assert "That join code does not belong to this group" in texts(at)
    assert not [r for r in at.radio if r.key and r.key.startswith("ans_")]
    assert page_env.store.snapshot(workshop.id).group_answers(groups[1].id) == {}


def test_join_by_picking_the_group_and_typing_the_code(page_env: PageEnv) -> None:
    _workshop, groups = page_env.make_workshop()
    at = page_env.app("views/tutor.py")
    at.selectbox[1].select(groups[2].id)
    at.text_input[0].input(page_env.keys.join_code(groups[2]).lower())
    next(b for b in at.get("form_submit_button") if b.label == "Join").click().run()
    assert "### Team C · System 3" in texts(at)


def _until(at: AppTest, text: str, seconds: float = 10.0) -> str:
    """Rerun the page (as its 1 s fragment does) until ``text`` shows; the page's text."""
    deadline = time.monotonic() + seconds
    while True:
        body = texts(at)
        if text in body or time.monotonic() > deadline:
            return body
        time.sleep(0.2)
        at.run()


def test_failed_save_is_kept_shown_and_retried(
    page_env: PageEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    workshop, groups = page_env.make_workshop()
    _start_data_segment(page_env, workshop)
    at = _tutor(page_env, workshop, groups[0])
    real_apply = SqliteStore.apply_patches

    def outage(self, *args, **kwargs):
        raise StoreUnavailable("Google Sheets answered 503", reason="server", status=503)

    monkeypatch.setattr(SqliteStore, "apply_patches", outage)
    at.radio(key="ans_data-3").set_value("1").run()
    at.radio(key="ans_data-4").set_value("0").run()
    body = _until(at, "Last attempt:")
    assert "2 change(s) not saved yet — retrying" in body
    assert "Last attempt: Google Sheets answered with an error (HTTP 503)." in body
    assert page_env.store.snapshot(workshop.id).group_answers(groups[0].id) == {}
    # The screen keeps the tutor's choice while it is pending, and so does a reload.
    assert at.radio(key="ans_data-3").value == "1"
    again = _tutor(page_env, workshop, groups[0])
    assert again.radio(key="ans_data-3").value == "1"
    assert "2 change(s) not saved yet" in texts(again)

    monkeypatch.setattr(SqliteStore, "apply_patches", real_apply)
    at.button(key="retry_now").click().run()  # or wait: the server retries by itself
    body = _until(at, "All changes saved")
    saved = page_env.store.snapshot(workshop.id).group_answers(groups[0].id)
    assert {k: a.value for k, a in saved.items()} == {"data-3": "1", "data-4": "0"}
    assert "All changes saved" in body


def test_the_server_retries_by_itself(page_env: PageEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    workshop, groups = page_env.make_workshop()
    _start_data_segment(page_env, workshop)
    at = _tutor(page_env, workshop, groups[0])
    real_apply = SqliteStore.apply_patches
    calls = []

    def outage_once(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise StoreUnavailable("busy", reason="busy")
        return real_apply(self, *args, **kwargs)

    monkeypatch.setattr(SqliteStore, "apply_patches", outage_once)
    at.radio(key="ans_data-1").set_value("0.5").run()
    assert "All changes saved" in _until(at, "All changes saved")
    assert page_env.store.snapshot(workshop.id).group_answers(groups[0].id)["data-1"].value == "0.5"
    assert len(calls) == 2


@pytest.mark.parametrize(
    ("reason", "status", "japanese"),
    [
        ("quota", 429, "リクエスト数の上限に達しました(HTTP 429)"),
        ("server", 500, "エラーを返しました(HTTP 500)"),
        ("network", None, "接続が切れたか"),
    ],
)
def test_why_a_save_failed_is_said_in_japanese_too(
    page_env: PageEnv, monkeypatch: pytest.MonkeyPatch, reason: str, status, japanese: str
) -> None:
    workshop, groups = page_env.make_workshop(language="ja")
    _start_data_segment(page_env, workshop)
    at = page_env.app(
        "views/tutor.py",
        w=workshop.id,
        g=groups[0].id,
        code=page_env.keys.join_code(groups[0]),
        lang="ja",
    )

    def outage(self, *args, **kwargs):
        raise StoreUnavailable("English detail for the log", reason=reason, status=status)

    monkeypatch.setattr(SqliteStore, "apply_patches", outage)
    at.radio(key="ans_data-1").set_value("1").run()
    body = _until(at, "直前の試行: ")
    assert "1 件の変更がまだ保存されていません" in body
    assert "直前の試行: " in body and japanese in body
    assert "English detail for the log" not in body


def test_edits_typed_into_the_sheet_come_back(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    _start_data_segment(page_env, workshop)
    at = _tutor(page_env, workshop, groups[0])
    page_env.store.save_answers(
        workshop.id,
        groups[0].id,
        [AnswerChange("data-5", "０．５", "typed in the sheet"), AnswerChange("data-6", "yes", "")],
        updated_by="sheet",
        updated_at="2026-11-23T10:00:00+00:00",
    )
    page_env.clock.advance(3)
    at.run()
    # The fields changed elsewhere are drawn as new widgets (a new key), seeded with the
    # sheet's values; the browser's older copy can then never be saved over them.
    assert answer_widget(at, "data-5").key == "ans_data-5__g1"
    assert answer_widget(at, "data-5").value == "0.5"
    assert note_widget(at, "data-5").value == "typed in the sheet"
    assert "The shared sheet has “yes” for this test" in texts(at)


def test_follows_the_hosts_section(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    _start_data_segment(page_env, workshop)
    at = _tutor(page_env, workshop, groups[0])
    assert "**data-1 · " in texts(at)
    from workshop.content import load_agenda

    agenda = load_agenda(workshop.agenda_id)
    state = page_env.store.snapshot(workshop.id).clock
    page_env.store.set_clock(workshop.id, clk.next_segment(agenda, state, page_env.clock()))
    page_env.clock.advance(3)
    at.run()
    body = texts(at)
    assert "**model-1 · " in body
    assert "**data-1 · " not in body


def test_overlong_note_is_rejected_with_a_message(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    _start_data_segment(page_env, workshop)
    at = _tutor(page_env, workshop, groups[0])
    at.text_area(key="note_data-1").input("x" * 10_001).run()
    assert "too long: 10001 characters, at most 10000" in texts(at)
    assert page_env.store.snapshot(workshop.id).group_answers(groups[0].id) == {}


def test_japanese_page(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop(language="ja")
    _start_data_segment(page_env, workshop)
    at = page_env.app(
        "views/tutor.py",
        w=workshop.id,
        g=groups[0].id,
        code=page_env.keys.join_code(groups[0]),
        lang="ja",
    )
    body = texts(at)
    assert "領域スコア" in body
    assert [tab.label for tab in at.tabs] == ["データ", "モデル", "インフラ", "モニタリング"]


def test_tutor_records_action_items_for_their_own_group_only(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    at = _tutor(page_env, workshop, groups[1])
    at.text_area(key="tutor_action_what").input("Add a drift alert on the input features")
    at.selectbox(key="tutor_action_item").select("monitor-2")
    at.text_input(key="tutor_action_owner").input("Ben")
    at.button(key="tutor_action_add").click().run()
    actions = page_env.store.snapshot(workshop.id).actions
    assert [(a.group_id, a.item_id, a.what, a.owner) for a in actions] == [
        (groups[1].id, "monitor-2", "Add a drift alert on the input features", "Ben")
    ]
    assert "Add a drift alert on the input features" in texts(at)
    # An empty action is refused with a message.
    at.button(key="tutor_action_add").click().run()
    assert "“What” is required." in texts(at)
    assert len(page_env.store.snapshot(workshop.id).actions) == 1


def test_a_change_that_lost_to_a_later_one_is_told_and_can_be_used_again(
    page_env: PageEnv,
) -> None:
    from workshop.models import FieldPatch
    from workshop.outbox import Outbox
    from workshop.sync import SyncEngine

    workshop, groups = page_env.make_workshop()
    _start_data_segment(page_env, workshop)
    group = groups[0]
    outbox = Outbox(page_env.db_path.parent / "outbox.sqlite3")
    engine = SyncEngine(page_env.store, outbox, record=f"local:{page_env.db_path.resolve()}")
    # Ben chose 1 at 10:00:05 and it reached the record; Tutor 1's 0.5, chosen at 10:00:01
    # on a screen that still showed nothing, arrives afterwards (a laptop back online).
    engine.record(
        workshop.id,
        group.id,
        FieldPatch("data-2", "value", "1", "", "2026-11-23T10:00:05+00:00", "Ben"),
    )
    engine.step()
    engine.record(
        workshop.id,
        group.id,
        FieldPatch("data-2", "value", "0.5", "", "2026-11-23T10:00:01+00:00", "Tutor 1"),
    )
    engine.step()
    assert page_env.store.snapshot(workshop.id).group_answers(group.id)["data-2"].value == "1"

    at = _tutor(page_env, workshop, group)  # the same person, after a reload
    body = texts(at)
    # (Markdown source: the dot is escaped; the screen shows “0.5”.)
    assert "data-2: your answer “0\\.5” was not saved, because Ben changed it to “1”" in body
    assert answer_widget(at, "data-2").value == "1"  # the screen shows the winner's value
    mine = next(b for b in at.button if b.label == "Use mine again")
    mine.click().run()
    body = _until(at, "All changes saved")
    assert page_env.store.snapshot(workshop.id).group_answers(group.id)["data-2"].value == "0.5"
    assert "was not saved, because Ben" not in texts(at)
    outbox.close()
