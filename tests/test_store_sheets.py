"""What only the Google Sheets store does: quota-aware reads, small writes, faults, setup.

Everything runs against the local fake through real gspread and google-auth;
retries never sleep (the sleeps are recorded instead) and the cache clock is
injected, so no test waits.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests

from tests.rubric_factory import make_rubric
from tests.support.clock import ManualClock
from tests.support.sheets_backend import SheetsFixture, sheets_fixture
from workshop import cli
from workshop.commands.sheets import rows_from_sheet
from workshop.config import Settings, load_settings
from workshop.models import ActionItem, AnswerChange, ClockState, Group, Workshop
from workshop.scoring import score_rows
from workshop.sheets_client import (
    RetryPolicy,
    backoff_delay,
    is_transient,
    spreadsheet_key,
    with_retries,
)
from workshop.store.base import NotFound, StoreConfigError, StoreUnavailable
from workshop.store.sheets import SheetsStore
from workshop.store.sheets.layout.cells import cell
from workshop.store.sheets.layout.columns import ANSWERS_HEADER

RUBRIC = make_rubric(na_allowed={"data-2"}, rubric_id="ml-test-score")
AT = "2026-11-23T10:15:00+00:00"
ACCOUNT = "fake-sa@fake-project.iam.gserviceaccount.com"


@pytest.fixture
def fx() -> Iterator[SheetsFixture]:
    with sheets_fixture() as fixture:
        yield fixture


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def open_store(fx: SheetsFixture, clock: ManualClock, **options: Any) -> SheetsStore:
    options.setdefault("rubric_loader", lambda _rubric_id: RUBRIC)
    return fx.open_store(clock=clock, **options)


def make_workshop(workshop_id: str = "w1", date: str = "2026-11-23", **changes: Any) -> Workshop:
    workshop = Workshop(
        id=workshop_id,
        title="Autumn round",
        date=date,
        language="en",
        rubric_id="ml-test-score",
        agenda_id="standard-60",
        created_at="2026-11-01T09:00:00+00:00",
    )
    return replace(workshop, **changes)


def make_groups(workshop_id: str = "w1", names: tuple[str, ...] = ("Team A", "Team B")):
    return [
        Group(
            id=f"{workshop_id}-g{n}",
            workshop_id=workshop_id,
            name=name,
            system=f"System {n}",
            phase="production",
            tutor="",
            position=n,
        )
        for n, name in enumerate(names)
    ]


def setup(store: SheetsStore, workshop_id: str = "w1", **changes: Any) -> list[Group]:
    groups = make_groups(workshop_id)
    store.create_workshop(make_workshop(workshop_id, **changes), groups)
    return groups


def api_log(fx: SheetsFixture) -> list[Any]:
    return [r for r in fx.fake.requests_log() if r.kind != "token"]


def calls(fx: SheetsFixture) -> list[tuple[str, str]]:
    """(kind, last path segment) of every API request since the last reset."""
    return [(r.kind, r.path.rsplit("/", 1)[-1].rsplit(":", 1)[-1]) for r in api_log(fx)]


def sheet_values(fx: SheetsFixture) -> dict[str, list[list[Any]]]:
    return {s["title"]: s["values"] for s in fx.fake.dump(fx.key)["sheets"]}


def save(store: SheetsStore, group: Group, *changes: tuple[str, str, str]) -> None:
    store.save_answers(
        group.workshop_id,
        group.id,
        [AnswerChange(*change) for change in changes],
        updated_by="tutor",
        updated_at=AT,
    )


# --------------------------------------------------------------------------- reads and the cache


def test_snapshot_is_one_batch_read_of_every_worksheet_cached_for_cache_seconds(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    setup(store)
    store.snapshot("w1")  # after creating worksheets: metadata and values re-read once
    fx.fake.reset_log()
    clock.advance(4.5)

    snap = store.snapshot("w1")
    assert calls(fx) == [("read", "batchGet")]
    ranges = parse_qs(api_log(fx)[0].query)["ranges"]
    assert sorted(ranges) == sorted(
        ["'Sheet1'", "'Settings'", "'Groups'", "'Actions'", "'Hosts'", "'Team A'", "'Team B'"]
    )
    assert [g.name for g in snap.groups] == ["Team A", "Team B"]

    clock.advance(3.0)  # still within 4 s of the read: every page is served from memory
    store.snapshot("w1")
    store.list_workshops()
    store.get_workshop("w1")
    assert len(api_log(fx)) == 1

    clock.advance(1.5)
    store.snapshot("w1")
    assert calls(fx) == [("read", "batchGet")] * 2


def test_worksheet_titles_are_re_read_only_when_a_group_worksheet_is_missing(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    setup(store)
    store.snapshot("w1")
    fx.fake.reset_log()
    for step in (30, 31, 120):
        clock.advance(step)
        store.snapshot("w1")
    assert calls(fx) == [("read", "batchGet")] * 3

    fx.fake.rename_sheet(fx.key, "Team A", "Team A (old)")
    clock.advance(5)
    assert len(store.snapshot("w1").problems) == 1  # its range failed: titles re-read
    fx.fake.rename_sheet(fx.key, "Team A (old)", "Team A")  # renamed back
    clock.advance(5)
    assert store.snapshot("w1").problems == ()  # the old title's range failed: re-read

    fx.fake.delete_sheet(fx.key, "Team B")
    clock.advance(5)
    assert len(store.snapshot("w1").problems) == 1
    fx.fake.add_sheet(fx.key, "Team B")  # a person re-creates it: no range fails now
    fx.fake.set_values(fx.key, "Team B", [list(ANSWERS_HEADER), ["data-1", "", "", "1"]])
    fx.fake.reset_log()
    clock.advance(5)
    assert len(store.snapshot("w1").problems) == 1  # titles were read 5 s ago: not yet
    clock.advance(60)
    snap = store.snapshot("w1")
    assert snap.group_answers("w1-g1")["data-1"].value == "1"
    read, meta = ("read", "batchGet"), ("meta", fx.key)
    assert calls(fx) == [read, read, meta, read]


def test_store_handles_workshops_and_threads_share_one_read(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    first = open_store(fx, clock)
    setup(first, "w1")
    setup(first, "w2", date="2026-12-01")
    first.snapshot("w1")
    fx.fake.reset_log()

    second = open_store(fx, clock)  # another session's handle in the same process
    assert second.snapshot("w2").workshop.id == "w2"
    assert second.snapshot("w1").groups == first.snapshot("w1").groups
    assert api_log(fx) == []

    clock.advance(5)
    barrier = threading.Barrier(12)
    results: list[Any] = []

    def view() -> None:
        barrier.wait()
        results.append((first if len(results) % 2 else second).snapshot("w1").workshop.id)

    threads = [threading.Thread(target=view) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == ["w1"] * 12
    assert calls(fx) == [("read", "batchGet")]


def test_an_edit_typed_into_the_sheet_shows_once_the_cache_expires(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    assert store.snapshot("w1").group_answers(groups[0].id) == {}
    fx.fake.set_values(fx.key, "Team A", [[1, "typed by hand"]], start="D2")
    assert store.snapshot("w1").group_answers(groups[0].id) == {}  # cached copy
    clock.advance(4.1)
    answer = store.snapshot("w1").group_answers(groups[0].id)["data-1"]
    assert (answer.value, answer.note) == ("1", "typed by hand")


def test_a_deleted_worksheet_refreshes_the_titles_and_is_reported(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    save(store, groups[1], ("data-1", "1", ""))
    store.snapshot("w1")
    fx.fake.delete_sheet(fx.key, "Team A")
    fx.fake.reset_log()
    clock.advance(5)

    snap = store.snapshot("w1")  # the cached title list still names Team A: its range fails
    assert calls(fx) == [("read", "batchGet"), ("meta", fx.key), ("read", "batchGet")]
    assert api_log(fx)[0].status == 400
    assert [p.what.split(";")[0] for p in snap.problems] == [
        "worksheet 'Team A' of group Team A not found (renamed or deleted?)"
    ]
    assert snap.group_answers(groups[1].id)["data-1"].value == "1"


def test_every_session_gets_the_snapshot_built_once_per_read(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    def loader(_rubric_id: str) -> Any:
        return RUBRIC

    first = open_store(fx, clock, rubric_loader=loader)
    second = open_store(fx, clock, rubric_loader=loader)
    setup(first)
    assert first.snapshot("w1") is second.snapshot("w1")
    clock.advance(5)
    renewed = second.snapshot("w1")
    assert renewed is first.snapshot("w1")
    assert renewed == first.snapshot("w1")


def test_busy_writes_stretch_the_read_interval_within_limits(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock, request_budget=12, max_cache_seconds=15)
    groups = setup(store)  # creating the workshop already took a few requests
    clock.advance(61)
    store.snapshot("w1")
    for n in range(10):  # ten saves within a few seconds: near the budget of 12/min
        save(store, groups[n % 2], (f"data-{n % 7 + 1}", "1", f"save {n}"))
    fx.fake.reset_log()
    clock.advance(5)
    store.snapshot("w1")  # older than cache_seconds, but the budget is used up: reuse
    assert api_log(fx) == []
    clock.advance(10.5)  # never older than max_cache_seconds
    store.snapshot("w1")
    assert calls(fx) == [("read", "batchGet")]

    relaxed = open_store(fx, clock, request_budget=None)
    clock.advance(4.5)
    relaxed.snapshot("w1")
    assert calls(fx) == [("read", "batchGet")] * 2


# --------------------------------------------------------------------------- writes


def test_a_save_reads_fresh_then_writes_only_that_groups_changed_cells(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    save(store, groups[0], ("data-1", "1", "first"))
    save(store, groups[1], ("data-1", "0", "other group"))
    store.snapshot("w1")
    before = sheet_values(fx)
    fx.fake.reset_log()

    store.save_answers(
        "w1",
        groups[0].id,
        [AnswerChange("data-2", "0.5", "partly"), AnswerChange("model-1", "N/A", "")],
        updated_by="ann",
        updated_at="2026-11-23T10:20:00+00:00",
    )
    # One read inside the commit finds each item's row as the sheet is now, then one write.
    assert calls(fx) == [("read", "batchGet"), ("write", "batchUpdate")]
    after = sheet_values(fx)
    assert {t: v for t, v in after.items() if t != "Team A"} == {
        t: v for t, v in before.items() if t != "Team A"
    }
    changed = {
        (r, c)
        for r, row in enumerate(after["Team A"])
        for c in range(max(len(row), len(before["Team A"][r])))
        if cell(row, c) != cell(before["Team A"][r], c)
    }
    # rows 3 (data-2) and 9 (model-1), columns D..G; model-1's note stays empty
    assert changed == {(2, 3), (2, 4), (2, 5), (2, 6), (8, 3), (8, 5), (8, 6)}

    # This process sees its own write at once, without reading again.
    answers = store.snapshot("w1").group_answers(groups[0].id)
    assert answers["data-2"].note == "partly" and answers["model-1"].value == "N/A"
    assert answers["data-1"].note == "first"
    assert len(api_log(fx)) == 2


def test_clearing_instead_of_patching_the_cache_costs_a_read_per_save(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock, write_through=False)
    groups = setup(store)
    store.snapshot("w1")
    fx.fake.reset_log()
    save(store, groups[0], ("data-1", "1", "x"))
    assert store.snapshot("w1").group_answers(groups[0].id)["data-1"].note == "x"
    assert calls(fx) == [("read", "batchGet"), ("write", "batchUpdate"), ("read", "batchGet")]


def test_action_items_are_written_through_too(fx: SheetsFixture, clock: ManualClock) -> None:
    store = open_store(fx, clock)
    setup(store)
    store.snapshot("w1")
    fx.fake.reset_log()
    first = ActionItem("a1", "w1", "w1-g0", "data-1", "Schema test", priority=2)
    second = ActionItem("a2", "w1", "", "", "Monitoring guide", priority=1)
    store.add_action(first)
    store.add_action(second)
    assert [(k, p) for k, p in calls(fx)] == [("write", "append")] * 2
    assert store.snapshot("w1").actions == (second, first)
    assert len(api_log(fx)) == 2  # no read needed to show them

    store.update_action(replace(first, priority=1))
    store.delete_action("w1", "a2")
    assert store.snapshot("w1").actions == (replace(first, priority=1),)
    clock.advance(5)
    assert store.snapshot("w1").actions == (replace(first, priority=1),)  # the sheet agrees


def test_user_text_is_written_raw_never_as_a_formula(fx: SheetsFixture, clock: ManualClock) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    formula = '=HYPERLINK("http://x")'
    save(store, groups[0], ("data-1", "1", formula), ("data-2", "+1", "@SUM(A1)"))
    stored = fx.fake.cell(fx.key, "Team A", "E2")
    assert stored.value == formula and stored.formula is False
    assert fx.fake.cell(fx.key, "Team A", "D3").value == "+1"
    clock.advance(5)
    answers = store.snapshot("w1").group_answers(groups[0].id)
    assert answers["data-1"].note == formula
    assert answers["data-2"].note == "@SUM(A1)"


def test_clock_change_is_one_write_of_that_workshops_clock_cells(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    setup(store, "w1")
    setup(store, "w2", date="2026-12-01")
    store.snapshot("w1")
    before = sheet_values(fx)["Settings"]
    fx.fake.reset_log()
    running = ClockState(segment=1, status="running", started_at=1_790_000_000.5, updated_at=2.0)
    store.set_clock("w1", running)
    assert calls(fx) == [("read", "batchGet"), ("write", "batchUpdate")]
    after = sheet_values(fx)["Settings"]
    assert after[0] == before[0] and after[2] == before[2]
    assert after[1][:11] == before[1][:11]
    assert store.snapshot("w1").clock == running
    assert store.snapshot("w2").clock == ClockState()


def test_a_sheet_without_the_room_columns_keeps_its_clock_until_they_are_needed(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    """A sheet prepared before auto-advance and broadcasts: the clock keeps working."""
    store = open_store(fx, clock)
    setup(store, "w1")
    header = sheet_values(fx)["Settings"][0]
    assert header[-3:] == ["clock_auto_advance", "clock_broadcast", "clock_broadcast_at"]
    fx.fake.set_values(fx.key, "Settings", [["", "", ""]], start="R1")  # columns R..T gone
    clock.advance(10)  # past the shared read's reuse
    running = ClockState(segment=1, status="running", started_at=1_790_000_000.5, updated_at=2.0)
    store.set_clock("w1", running)
    assert store.snapshot("w1").clock == running
    with pytest.raises(StoreConfigError) as caught:
        store.set_clock("w1", replace(running, broadcast="Finish Infra", broadcast_at=3.0))
    assert "clock_broadcast" in str(caught.value) and "Prepare the sheet" in str(caught.value)
    assert store.snapshot("w1").clock == running  # nothing half-written


def test_workshops_in_one_sheet_get_their_own_dated_worksheets(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    first = setup(store, "w1")
    second = setup(store, "w2", date="2027-05-10")
    assert store.group_worksheets("w2") == {
        second[0].id: "Team A (2027-05-10)",
        second[1].id: "Team B (2027-05-10)",
    }
    save(store, second[0], ("data-1", "1", "round two"))
    assert cell(sheet_values(fx)["Team A (2027-05-10)"][1], 4) == "round two"
    assert store.snapshot("w1").group_answers(first[0].id) == {}


def test_renaming_a_group_renames_its_worksheet_and_keeps_answers(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    save(store, groups[0], ("data-1", "1", "kept"))
    store.upsert_group(replace(groups[0], name="Team Alpha"))
    assert "Team Alpha" in fx.fake.sheet_titles(fx.key)
    assert "Team A" not in fx.fake.sheet_titles(fx.key)
    snap = store.snapshot("w1")
    assert snap.group(groups[0].id).name == "Team Alpha"
    assert snap.group_answers(groups[0].id)["data-1"].note == "kept"
    assert snap.problems == ()


def test_save_for_an_item_without_a_row_appends_one(fx: SheetsFixture, clock: ManualClock) -> None:
    store = open_store(fx, clock, rubric_loader=lambda _id: None)  # an unknown rubric
    groups = setup(store)
    assert sheet_values(fx)["Team A"] == [[*ANSWERS_HEADER, "votes", "votes_note"]]
    save(store, groups[0], ("custom-1", "1", "a"), ("custom-2", "0", "b"))
    save(store, groups[0], ("custom-1", "0.5", "again"))
    rows = sheet_values(fx)["Team A"]
    assert [r[0] for r in rows[1:]] == ["custom-1", "custom-2"]
    clock.advance(5)
    answers = store.snapshot("w1").group_answers(groups[0].id)
    assert answers["custom-1"].value == "0.5" and answers["custom-2"].note == "b"


# --------------------------------------------------------------------------- faults


def test_quota_errors_are_retried_with_backoff_then_succeed(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    store.snapshot("w1")
    fx.fake.inject(429, 3)
    save(store, groups[0], ("data-1", "1", "after the burst"))
    assert len(fx.sleeps) == 3
    assert fx.sleeps[0] <= fx.sleeps[1] * 2 and max(fx.sleeps) <= 8.0
    assert cell(sheet_values(fx)["Team A"][1], 4) == "after the burst"


def test_server_errors_on_a_read_are_retried(fx: SheetsFixture, clock: ManualClock) -> None:
    store = open_store(fx, clock)
    setup(store)
    store.snapshot("w1")
    clock.advance(5)
    fx.fake.inject(500)
    fx.fake.inject(503, html=True)  # Google's HTML error page: no JSON body
    assert store.snapshot("w1").workshop.id == "w1"
    assert len(fx.sleeps) == 2


def test_an_expired_token_is_renewed_without_bothering_anyone(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    store.snapshot("w1")
    fx.fake.reset_log()
    fx.fake.expire_tokens()
    save(store, groups[0], ("data-1", "1", "after renewal"))
    assert fx.sleeps == []  # google-auth renews the token itself; nothing to retry
    assert [(r.kind, r.status) for r in fx.fake.requests_log()] == [
        ("read", 401),
        ("token", 200),
        ("read", 200),
        ("write", 200),
    ]


def test_a_lost_response_on_save_is_retried_without_duplicates(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock, rubric_loader=lambda _id: None)
    groups = setup(store)
    store.snapshot("w1")
    fx.fake.drop_next(1, apply=True, kind="write")  # the write lands, its response is lost
    save(store, groups[0], ("new-item", "1", "once"))
    rows = sheet_values(fx)["Team A"]
    assert [r[0] for r in rows[1:]] == ["new-item"]
    assert [r.dropped for r in api_log(fx)][-2:] == [True, False]


def test_a_lost_response_on_add_action_adds_it_once(fx: SheetsFixture, clock: ManualClock) -> None:
    store = open_store(fx, clock)
    setup(store)
    store.snapshot("w1")
    fx.fake.reset_log()
    fx.fake.drop_next(1, apply=True)  # the append lands, its response is lost
    action = ActionItem("a1", "w1", "w1-g0", "data-1", "Add a schema test", priority=1)
    store.add_action(action)
    # append (lost) -> fresh read of Actions finds a1 -> nothing appended again
    assert [(r.kind, r.dropped) for r in api_log(fx)] == [("write", True), ("read", False)]
    assert [r[0] for r in sheet_values(fx)["Actions"][1:]] == ["a1"]
    assert store.snapshot("w1").actions == (action,)
    store.add_action(action)  # a retry by the caller is harmless too
    assert [r[0] for r in sheet_values(fx)["Actions"][1:]] == ["a1"]


def test_an_outage_longer_than_the_retry_budget_loses_nothing(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    save(store, groups[0], ("data-1", "1", "before the outage"))
    fx.fake.fail_for(3600, 503)
    with pytest.raises(StoreUnavailable) as caught:
        save(store, groups[0], ("data-2", "0.5", "during the outage"))
    assert "Nothing is lost" in str(caught.value)
    assert (caught.value.reason, caught.value.status) == ("server", 503)  # for the page's words
    assert len(fx.sleeps) == 3 and sum(fx.sleeps) < 15
    # Nothing was written (the commit could not read the sheet), and the copy says so.
    assert "data-2" not in store.snapshot("w1").group_answers(groups[0].id)

    fx.fake.clear_faults()
    save(store, groups[0], ("data-2", "0.5", "during the outage"))  # the page retries
    answers = store.snapshot("w1").group_answers(groups[0].id)
    assert answers["data-1"].note == "before the outage"
    assert answers["data-2"].note == "during the outage"
    assert [r[0] for r in sheet_values(fx)["Team A"][1:]].count("data-2") == 1


def test_a_sheet_not_shared_with_the_account_says_whom_to_share_with(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    fx.fake.unshare(fx.key)
    store = open_store(fx, clock)
    with pytest.raises(StoreConfigError) as caught:
        store.list_workshops()
    assert f"Share the sheet with {ACCOUNT} as Editor" in str(caught.value)
    assert fx.sleeps == []  # permanent: not retried


def test_a_missing_spreadsheet_names_the_key(fx: SheetsFixture, clock: ManualClock) -> None:
    store = SheetsStore(
        "https://docs.google.com/spreadsheets/d/noSuchSheet0123/edit#gid=0",
        fx.fake.service_account_info(),
        endpoint=fx.fake.base_url,
        retry=RetryPolicy(sleep=fx.sleeps.append),
    )
    with pytest.raises(StoreConfigError) as caught:
        store.snapshot("w1")
    text = str(caught.value)
    assert "noSuchSheet0123 was not found" in text and ACCOUNT in text


def _other_private_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def _key_body(pem: str) -> str:
    """A distinctive line of a PEM key, to search for in messages."""
    return pem.splitlines()[5]


def _error_texts(error: BaseException) -> str:
    texts = []
    current: BaseException | None = error
    while current is not None:
        texts += [str(current), repr(current)]
        current = current.__cause__ or current.__context__
    return "\n".join(texts)


def test_wrong_credentials_are_a_config_error_that_never_shows_the_key(
    fx: SheetsFixture,
) -> None:
    wrong = {**fx.fake.service_account_info(), "private_key": _other_private_key()}
    store = SheetsStore(fx.key, wrong, endpoint=fx.fake.base_url)
    with pytest.raises(StoreConfigError) as caught:
        store.snapshot("w1")
    assert f"did not accept the credentials of the service account {ACCOUNT}" in str(caught.value)
    secret = _key_body(wrong["private_key"])
    assert secret not in _error_texts(caught.value)
    assert secret not in repr(store) and secret not in str(store)

    garbage = {**wrong, "private_key": "-----BEGIN PRIVATE KEY-----\nnot-a-key-XYZ\n"}
    with pytest.raises(StoreConfigError) as caught:
        SheetsStore(fx.key, garbage, endpoint=fx.fake.base_url).snapshot("w1")
    assert "cannot be read" in str(caught.value)
    assert "not-a-key-XYZ" not in _error_texts(caught.value)

    with pytest.raises(StoreConfigError) as caught:
        SheetsStore(fx.key, {"client_email": ACCOUNT}, endpoint=fx.fake.base_url).snapshot("w1")
    assert "missing private_key, token_uri" in str(caught.value)


def test_settings_repr_never_shows_the_private_key(fx: SheetsFixture) -> None:
    info = fx.fake.service_account_info()
    settings = load_settings({"gcp_service_account": info, "workshop": {"spreadsheet": fx.key}}, {})
    assert _key_body(info["private_key"]) not in repr(settings) + str(settings)


def test_a_missing_group_worksheet_blocks_only_that_groups_saves(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    fx.fake.delete_sheet(fx.key, "Team A")
    with pytest.raises(StoreConfigError) as caught:
        save(store, groups[0], ("data-1", "1", ""))
    assert "Worksheet 'Team A' of group Team A was not found (renamed or deleted?)" in str(
        caught.value
    )
    save(store, groups[1], ("data-1", "1", "fine"))
    assert store.snapshot("w1").group_answers(groups[1].id)["data-1"].note == "fine"


# --------------------------------------------------------------------------- prepare


def _metadata(fx: SheetsFixture) -> dict[str, Any]:
    return {
        s["properties"]["title"]: s["properties"]
        for s in fx.fake.gspread_client().open_by_key(fx.key).fetch_sheet_metadata()["sheets"]
    }


def test_prepare_twice_and_after_answers_were_typed_keeps_everything(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    save(store, groups[0], ("data-1", "1", "saved in the app"))
    fx.fake.set_values(fx.key, "Team B", [["0.5", "typed in the sheet"]], start="D3")
    before = sheet_values(fx)

    for _ in range(2):
        report = store.prepare("w1")
        assert not report.changed
        assert sheet_values(fx) == before

    rule = fx.fake.validation(fx.key, "Team A", "D2")
    assert rule is not None and rule["strict"] is False
    assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == [
        "0",
        "0.5",
        "1",
        "N/A",
    ]
    metadata = _metadata(fx)
    for title in ("Settings", "Groups", "Actions", "Team A", "Team B"):
        assert metadata[title]["gridProperties"]["frozenRowCount"] == 1
    clock.advance(5)
    snap = store.snapshot("w1")
    assert snap.group_answers(groups[1].id)["data-2"].note == "typed in the sheet"
    assert snap.problems == ()


def test_prepare_creates_what_is_missing_without_touching_answers(
    fx: SheetsFixture, clock: ManualClock
) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    save(store, groups[0], ("data-1", "1", "keep me"), ("model-7", "0.5", "me too"))
    fx.fake.delete_sheet(fx.key, "Team B")
    fx.fake.delete_sheet(fx.key, "Actions")
    sheet_id = _metadata(fx)["Team A"]["sheetId"]
    fx.fake.gspread_client().open_by_key(fx.key).batch_update(
        {
            "requests": [
                {
                    "deleteDimension": {
                        "range": {
                            "sheetId": sheet_id,
                            "dimension": "ROWS",
                            "startIndex": 3,
                            "endIndex": 4,
                        }
                    }
                }
            ]
        }
    )  # a person deleted the data-3 row
    fx.fake.set_values(fx.key, "Team A", [[""]], start="G1")  # and the updated_by header
    clock.advance(5)
    assert len(store.snapshot("w1").problems) == 4  # Actions, Team B, data-3, updated_by

    report = store.prepare("w1")
    assert sorted(report.worksheets) == ["Actions", "Team B"]
    assert report.item_rows == {"Team A": ["data-3"]}
    assert report.headers == ["Team A: updated_by"]

    snap = store.snapshot("w1")
    assert snap.problems == ()
    answers = snap.group_answers(groups[0].id)
    assert answers["data-1"].note == "keep me" and answers["model-7"].note == "me too"
    assert len(sheet_values(fx)["Team B"]) == 29
    assert not store.prepare("w1").changed


def test_prepare_of_an_unknown_workshop_is_not_found(fx: SheetsFixture, clock: ManualClock) -> None:
    store = open_store(fx, clock)
    setup(store)
    with pytest.raises(NotFound):
        store.prepare("w_missing")


# --------------------------------------------------------------------------- settings, CLI


def test_from_settings_takes_the_url_endpoint_and_cache_seconds(fx: SheetsFixture) -> None:
    settings = Settings(
        store="sheets",
        db_path=Path("unused.sqlite3"),
        spreadsheet=f"https://docs.google.com/spreadsheets/d/{fx.key}/edit#gid=0",
        service_account_info=fx.fake.service_account_info(),
        sheets_endpoint=fx.fake.base_url,
        host_passcode="",
        public_url="http://localhost:8501",
        cache_seconds=2.5,
    )
    store = SheetsStore.from_settings(settings, rubric_loader=lambda _id: RUBRIC)
    assert store.key == fx.key and store.cache_seconds == 2.5 and store.backend == "sheets"
    assert store.list_workshops() == []
    assert repr(store) == f"SheetsStore(key={fx.key!r}, account={ACCOUNT!r})"


def _cli_env(fx: SheetsFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(fx.fake.service_account_info()))
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    monkeypatch.setenv("WORKSHOP_SHEETS_ENDPOINT", fx.fake.base_url)
    monkeypatch.delenv("WORKSHOP_SHEET", raising=False)


def test_cli_prepare_creates_the_workshop_and_is_safe_to_run_again(
    fx: SheetsFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _cli_env(fx, tmp_path, monkeypatch)
    argv = ["sheets", "prepare", fx.key, "--groups", "Team A,Team B=Ads ranking"]
    assert cli.main([*argv, "--title", "Round 1", "--date", "2026-11-23"]) == 0
    out = capsys.readouterr().out
    assert "Created the workshop." in out and "Team B: join code" in out
    titles = fx.fake.sheet_titles(fx.key)
    assert {"Settings", "Groups", "Actions", "Team A", "Team B"} <= set(titles)
    fx.fake.set_values(fx.key, "Team A", [["1", "typed"]], start="D2")

    assert cli.main([*argv, "--groups", "Team A,Team C"]) == 0
    out = capsys.readouterr().out
    assert "Added groups: Team C" in out
    assert "Created the workshop." not in out
    assert fx.fake.values(fx.key, "Team A")[1][3:5] == ["1", "typed"]
    assert "Team C" in fx.fake.sheet_titles(fx.key)

    assert cli.main(["sheets", "prepare", fx.key, "--language", "ja"]) == 0
    assert "何も変更していません" in capsys.readouterr().out


def test_cli_prepare_on_an_unshared_sheet_explains_the_fix(
    fx: SheetsFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _cli_env(fx, tmp_path, monkeypatch)
    fx.fake.unshare(fx.key)
    assert cli.main(["sheets", "prepare", fx.key, "--groups", "Team A"]) == 2
    assert f"Share the sheet with {ACCOUNT} as Editor" in capsys.readouterr().err


def test_rows_from_sheet_feed_the_score_command(fx: SheetsFixture, clock: ManualClock) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    fx.fake.set_values(fx.key, "Team B", [["1"], ["maybe"]], start="D2")
    rubric_id, rows = rows_from_sheet("", " team b ", store=store)
    assert rubric_id == "ml-test-score"
    assert [(r.row, r.item_id, r.score) for r in rows[:3]] == [
        (2, "data-1", "1"),
        (3, "data-2", "maybe"),
        (4, "data-3", ""),
    ]
    result = score_rows(RUBRIC, rows)
    assert [(e.item_id, e.row) for e in result.errors] == [("data-2", 3)]
    assert result.sections["data"].raw == 1.0
    with pytest.raises(NotFound):
        rows_from_sheet("", "Team Z", store=store)
    with pytest.raises(NotFound):
        rows_from_sheet("", "Team A", "w_missing", store=store)
    assert groups[1].name == "Team B"


def test_rows_from_sheet_with_credentials_from_the_environment(
    fx: SheetsFixture, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cli_env(fx, tmp_path, monkeypatch)
    setup(open_store(fx, clock))
    fx.fake.set_values(fx.key, "Team A", [["0.5", "typed"]], start="D2")
    url = f"https://docs.google.com/spreadsheets/d/{fx.key}/edit"
    rubric_id, rows = rows_from_sheet(url, "Team A", "w1")
    assert rubric_id == "ml-test-score"
    assert (rows[0].row, rows[0].item_id, rows[0].score, rows[0].note) == (
        2,
        "data-1",
        "0.5",
        "typed",
    )


# --------------------------------------------------------------------------- client helpers


def test_spreadsheet_key_accepts_urls_and_keys() -> None:
    key = "1AbC-dEf_123456789"
    assert spreadsheet_key(f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0") == key
    assert spreadsheet_key(f"https://docs.google.com/spreadsheet/ccc?key={key}&hl=en") == key
    assert spreadsheet_key(f"  {key} ") == key
    with pytest.raises(StoreConfigError, match="not a Google Sheets address"):
        spreadsheet_key("https://example.com/my sheet")


def test_with_retries_retries_only_transient_errors_within_the_budget() -> None:
    sleeps: list[float] = []
    outcomes: list[BaseException | str] = [
        requests.ConnectionError("reset"),
        requests.Timeout("slow"),
        "ok",
    ]

    def flaky() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    assert with_retries(flaky, sleep=sleeps.append, rand=lambda: 1.0) == "ok"
    assert sleeps == [0.5, 1.0]

    def broken() -> None:
        raise ValueError("a bug, not a network problem")

    with pytest.raises(ValueError):
        with_retries(broken, sleep=sleeps.append)
    assert sleeps == [0.5, 1.0]

    attempts = []

    def always_down() -> None:
        attempts.append(1)
        raise requests.ConnectionError("down")

    sleeps.clear()
    with pytest.raises(requests.ConnectionError):
        with_retries(always_down, attempts=4, sleep=sleeps.append, rand=lambda: 1.0)
    assert len(attempts) == 4 and sleeps == [0.5, 1.0, 2.0]
    worst = sum(backoff_delay(n, base=0.5, cap=8.0, rand=lambda: 1.0) for n in (1, 2, 3))
    assert worst < 15
    assert backoff_delay(10, base=0.5, cap=8.0, rand=lambda: 0.0) == 4.0
    assert is_transient(requests.Timeout()) and not is_transient(KeyError("x"))


def test_redirected_transport_never_leaves_the_machine() -> None:
    """Token refresh, google-auth's background location lookup and the API all hit the fake."""
    import copy

    import requests

    from workshop.sheets_client import GOOGLE_PREFIXES, RedirectAdapter, _redirected

    assert "https://iamcredentials.googleapis.com/" in GOOGLE_PREFIXES
    session = _redirected(requests.Session(), "http://127.0.0.1:9")
    copied = copy.deepcopy(session)
    adapter = copied.get_adapter("https://iamcredentials.googleapis.com/v1/x")
    assert isinstance(adapter, RedirectAdapter)
    assert adapter.base_url == "http://127.0.0.1:9/"
    try:
        copied.get("https://example.com/", timeout=1)
    except requests.exceptions.ConnectionError as error:
        assert "refusing https://example.com/" in str(error)
    else:  # pragma: no cover - the request must not go out
        raise AssertionError("an https request left the machine")


@pytest.mark.parametrize(("status", "reason"), [(429, "quota"), (500, "server")])
def test_an_unreachable_sheet_says_why_for_the_pages_words(
    fx: SheetsFixture, clock: ManualClock, status: int, reason: str
) -> None:
    store = open_store(fx, clock)
    groups = setup(store)
    fx.fake.fail_for(3600, status)
    with pytest.raises(StoreUnavailable) as caught:
        save(store, groups[0], ("data-1", "1", ""))
    assert (caught.value.reason, caught.value.status) == (reason, status)
    fx.fake.clear_faults()
    fx.fake.drop_next(10)
    with pytest.raises(StoreUnavailable) as caught:
        save(store, groups[0], ("data-1", "1", ""))
    assert (caught.value.reason, caught.value.status) == ("network", None)
