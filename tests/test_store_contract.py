"""One contract for every store backend: the same tests run against each of them.

Every test here talks to :class:`workshop.store.base.Store` only (no SQL, no
Sheets calls), so a backend that passes can replace another without a page
noticing. Backends are registered in :data:`BACKENDS`: a name and a factory
that takes a fresh temporary folder and returns a context manager yielding a
ready, empty store (and cleaning up afterwards).

"local" (SQLite) is registered here. Another backend plugs in by providing the
module ``tests.support.sheets_backend`` with a function
``register(backends: dict[str, BackendFactory]) -> None`` that adds its
factory; when the module is absent, the suite simply runs the backends it has.

Contract details the tests pin down (beyond the docstrings in ``base.py``):

* groups come back ordered by ``position``;
* action items come back ordered by priority (1 first), ties in the order they
  were added; updating an item keeps its place among its ties;
* deleting an action item that is already gone is a no-op (retries are safe);
* texts (names, notes, values) are stored verbatim: no trimming, no formula
  evaluation, no HTML handling.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from tests.rubric_factory import item_ids
from workshop import keys
from workshop.access import Keys, ResultsAccess, results_access
from workshop.models import (
    ActionItem,
    Answer,
    AnswerChange,
    ClockState,
    FieldPatch,
    Group,
    VoteRecord,
    Workshop,
)
from workshop.store.base import NotFound, PatchSet, Store, StoreError, WorkshopClosed
from workshop.store.sqlite import SqliteStore

BackendFactory = Callable[[Path], AbstractContextManager[Store]]

#: Backend name -> factory. Extend with :func:`register_backend`.
BACKENDS: dict[str, BackendFactory] = {}


def register_backend(name: str, factory: BackendFactory) -> None:
    BACKENDS[name] = factory


@contextmanager
def _local_store(tmp_path: Path) -> Iterator[Store]:
    store = SqliteStore(tmp_path / "contract" / "workshop.sqlite3")
    try:
        yield store
    finally:
        store.close()


register_backend("local", _local_store)

# Optional backends: present only once their helper modules exist. Import errors
# inside an existing module are real failures and are not swallowed.
for _module_name in ("tests.support.sheets_backend",):
    if importlib.util.find_spec(_module_name) is not None:
        importlib.import_module(_module_name).register(BACKENDS)


@pytest.fixture(params=sorted(BACKENDS))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with BACKENDS[request.param](tmp_path) as opened:
        yield opened


# -- builders --------------------------------------------------------------------------------

ITEMS = item_ids()  # 28 ids: data-1 .. monitor-7
AT = "2026-11-23T10:15:00+00:00"
#: The app secret's keys: results tokens are derived from ids and link generations.
KEYS = Keys(keys.secret_bytes("contract-app-secret-0123456789abcdefghij"))
#: A host passcode hash as a store keeps it (kept apart from the workshop record).
PASSCODE_HASH = "pbkdf2_sha256$240000$c2FsdA==$aGFzaA=="


def make_workshop(
    workshop_id: str = "w_one",
    *,
    date: str = "2026-11-23",
    created_at: str = "2026-11-01T09:00:00+00:00",
    title: str = "Autumn round",
    archived: bool = False,
) -> Workshop:
    return Workshop(
        id=workshop_id,
        title=title,
        date=date,
        language="ja",
        rubric_id="ml-test-score",
        agenda_id="standard-half-day",
        created_at=created_at,
        archived=archived,
        previous_id="w_before",
        link_generation=2,  # not the default, so a backend that drops it is caught
    )


def make_group(workshop_id: str, n: int, **changes: object) -> Group:
    group = Group(
        id=f"{workshop_id}-g{n}",
        workshop_id=workshop_id,
        name=f"Team {n}",
        system=f"System {n}",
        phase="production",
        tutor=f"Tutor {n}",
        position=n,
        link_generation=n + 1,
    )
    return replace(group, **changes)  # type: ignore[arg-type]


def setup_workshop(
    store: Store, workshop_id: str = "w_one", groups: int = 2, **fields: object
) -> tuple[Workshop, list[Group]]:
    workshop = make_workshop(workshop_id, **fields)  # type: ignore[arg-type]
    made = [make_group(workshop_id, n) for n in range(groups)]
    store.create_workshop(workshop, made, PASSCODE_HASH)
    return workshop, made


def make_action(n: int, priority: int, workshop_id: str = "w_one", **changes: object) -> ActionItem:
    action = ActionItem(
        id=f"a{n}",
        workshop_id=workshop_id,
        group_id=f"{workshop_id}-g0",
        item_id="data-1",
        what=f"Action {n}",
        owner=f"Owner {n}",
        priority=priority,
        due="2026-12-15",
        created_at=f"2026-11-23T11:{n:02d}:00+00:00",
        created_by="host",
    )
    return replace(action, **changes)  # type: ignore[arg-type]


# -- workshops and groups ---------------------------------------------------------------------


def test_created_workshop_and_groups_read_back_everywhere(store: Store) -> None:
    workshop, groups = setup_workshop(store, groups=3)
    assert store.list_workshops() == [workshop]
    assert store.get_workshop(workshop.id) == workshop
    assert store.get_workshop("w_missing") is None
    snap = store.snapshot(workshop.id)
    assert snap.workshop == workshop
    assert snap.groups == tuple(groups)
    assert snap.group(groups[1].id) == groups[1]
    assert all(snap.group_answers(g.id) == {} for g in groups)
    assert snap.clock == ClockState()
    assert snap.actions == ()
    # The host passcode hash is kept apart from the record, and read back on its own.
    assert store.host_passcode_hash(workshop.id) == PASSCODE_HASH


def test_groups_come_back_in_position_order(store: Store) -> None:
    workshop = make_workshop()
    groups = [make_group(workshop.id, n, position=p) for n, p in ((0, 2), (1, 0), (2, 1))]
    store.create_workshop(workshop, groups)
    assert [g.id for g in store.snapshot(workshop.id).groups] == [
        groups[1].id,
        groups[2].id,
        groups[0].id,
    ]


def test_list_is_newest_date_first_then_newest_created(store: Store) -> None:
    old, _ = setup_workshop(store, "w_old", date="2025-05-01", created_at="2025-04-01T00:00:00")
    new_a, _ = setup_workshop(store, "w_new_a", date="2026-11-23", created_at="2026-10-01T00:00:00")
    new_b, _ = setup_workshop(store, "w_new_b", date="2026-11-23", created_at="2026-10-02T00:00:00")
    mid, _ = setup_workshop(store, "w_mid", date="2026-02-10", created_at="2026-01-01T00:00:00")
    assert [w.id for w in store.list_workshops()] == [new_b.id, new_a.id, mid.id, old.id]


def test_update_workshop_replaces_fields_and_archive_hides_it(store: Store) -> None:
    workshop, _ = setup_workshop(store)
    other, _ = setup_workshop(store, "w_two", date="2026-01-01")
    changed = replace(
        workshop, title="Renamed 改名", date="2026-12-01", language="en", link_generation=3,
        closed=True,
    )  # fmt: skip
    store.update_workshop(changed)
    assert store.get_workshop(workshop.id) == changed
    assert store.host_passcode_hash(workshop.id) == PASSCODE_HASH  # not part of the record
    store.set_host_passcode_hash(workshop.id, "scrypt$15$8$1$bmV3$aGFzaA==")
    assert store.host_passcode_hash(workshop.id) == "scrypt$15$8$1$bmV3$aGFzaA=="
    assert store.host_passcode_hash(other.id) == PASSCODE_HASH
    assert store.get_workshop(workshop.id) == changed

    archived = replace(changed, archived=True)
    store.update_workshop(archived)
    assert [w.id for w in store.list_workshops()] == [other.id]
    assert [w.id for w in store.list_workshops(include_archived=True)] == [workshop.id, other.id]
    assert store.get_workshop(workshop.id) == archived
    assert store.snapshot(workshop.id).workshop.archived is True

    store.update_workshop(replace(archived, archived=False))
    assert [w.id for w in store.list_workshops()] == [workshop.id, other.id]


def test_update_unknown_workshop_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.update_workshop(make_workshop("w_missing"))


def test_upsert_group_adds_and_changes_and_keeps_answers(store: Store) -> None:
    workshop, groups = setup_workshop(store)
    store.save_answers(
        workshop.id,
        groups[0].id,
        [AnswerChange("data-1", "1", "done")],
        updated_by="t",
        updated_at=AT,
    )
    added = make_group(workshop.id, 5)
    store.upsert_group(added)
    changed = replace(groups[0], name="Team Zero ⭐", tutor="New tutor", phase="poc", position=9)
    store.upsert_group(changed)

    snap = store.snapshot(workshop.id)
    assert snap.groups == (groups[1], added, changed)
    assert snap.group_answers(changed.id)["data-1"].value == "1"
    assert snap.group_answers(added.id) == {}


def test_upsert_group_into_unknown_workshop_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.upsert_group(make_group("w_missing", 0))


def test_workshops_do_not_see_each_others_data(store: Store) -> None:
    one, groups_one = setup_workshop(store, "w_one")
    two, groups_two = setup_workshop(store, "w_two")
    store.save_answers(
        one.id, groups_one[0].id, [AnswerChange("data-1", "1", "")], updated_by="t", updated_at=AT
    )
    store.add_action(make_action(1, 1, workshop_id=one.id))
    store.set_clock(one.id, ClockState(segment=2, status="running", started_at=5.0))

    snap_two = store.snapshot(two.id)
    assert snap_two.groups == tuple(groups_two)
    assert all(not answers for answers in snap_two.answers.values())
    assert snap_two.actions == ()
    assert snap_two.clock == ClockState()
    assert [s.workshop.id for s in store.snapshots([two.id, one.id])] == [two.id, one.id]


def test_unknown_workshop_snapshot_is_not_found(store: Store) -> None:
    setup_workshop(store)
    with pytest.raises(NotFound):
        store.snapshot("w_missing")


# -- answers ----------------------------------------------------------------------------------

TRICKY_NOTES = [
    "日本語のメモ：データの検証は毎日実行している。",
    "Emoji 🚀👩‍🔬✅ and accents: café, naïve",
    "<script>alert('x')</script> & <b>bold</b> &amp;",
    '=HYPERLINK("http://example.com","click me")',
    "+1 looks like a formula",
    "@SUM(A1:A3)",
    "'leading apostrophe",
    "  two spaces around  ",
    "line one\nline two\n\tindented",
]


def test_answers_and_notes_are_stored_verbatim(store: Store) -> None:
    workshop, groups = setup_workshop(store)
    values = ["0", "0.5", "1", "N/A", "", "0,5", "n/a", "1.0"]
    changes = [
        AnswerChange(ITEMS[i], values[i % len(values)], note) for i, note in enumerate(TRICKY_NOTES)
    ]
    store.save_answers(workshop.id, groups[0].id, changes, updated_by="田中 (tutor)", updated_at=AT)
    answers = store.snapshot(workshop.id).group_answers(groups[0].id)
    assert answers == {
        c.item_id: Answer(groups[0].id, c.item_id, c.value, c.note, AT, "田中 (tutor)")
        for c in changes
    }


def test_overwrite_replaces_value_note_and_stamp_and_retry_is_idempotent(store: Store) -> None:
    workshop, groups = setup_workshop(store)
    gid = groups[0].id
    first = [AnswerChange("data-1", "0", "not yet"), AnswerChange("data-2", "1", "yes")]
    store.save_answers(workshop.id, gid, first, updated_by="ann", updated_at=AT)
    later = "2026-11-23T10:40:00+00:00"
    second = [AnswerChange("data-1", "0.5", "partly, 部分的")]
    store.save_answers(workshop.id, gid, second, updated_by="ben", updated_at=later)
    store.save_answers(workshop.id, gid, second, updated_by="ben", updated_at=later)  # a retry

    answers = store.snapshot(workshop.id).group_answers(gid)
    assert answers == {
        "data-1": Answer(gid, "data-1", "0.5", "partly, 部分的", later, "ben"),
        "data-2": Answer(gid, "data-2", "1", "yes", AT, "ann"),
    }


def test_save_touches_only_the_named_group(store: Store) -> None:
    workshop, groups = setup_workshop(store, groups=3)
    for group in groups:
        store.save_answers(
            workshop.id,
            group.id,
            [AnswerChange(item, "1", f"{group.name} {item}") for item in ITEMS[:4]],
            updated_by=group.tutor,
            updated_at=AT,
        )
    before = store.snapshot(workshop.id)
    store.save_answers(
        workshop.id,
        groups[1].id,
        [AnswerChange("data-1", "0", "changed"), AnswerChange("monitor-7", "N/A", "new")],
        updated_by="x",
        updated_at="2026-11-23T11:00:00+00:00",
    )
    after = store.snapshot(workshop.id)
    assert after.group_answers(groups[0].id) == before.group_answers(groups[0].id)
    assert after.group_answers(groups[2].id) == before.group_answers(groups[2].id)
    changed = after.group_answers(groups[1].id)
    assert changed["data-1"].value == "0"
    assert changed["monitor-7"].value == "N/A"
    assert changed["data-2"] == before.group_answers(groups[1].id)["data-2"]


def test_save_to_unknown_group_or_workshop_is_not_found(store: Store) -> None:
    workshop, _ = setup_workshop(store)
    _, other_groups = setup_workshop(store, "w_two")
    change = [AnswerChange("data-1", "1", "")]
    with pytest.raises(NotFound):
        store.save_answers(workshop.id, "g_missing", change, updated_by="t", updated_at=AT)
    with pytest.raises(NotFound):  # a real group, but of another workshop
        store.save_answers(workshop.id, other_groups[0].id, change, updated_by="t", updated_at=AT)
    with pytest.raises(NotFound):
        store.save_answers("w_missing", other_groups[0].id, change, updated_by="t", updated_at=AT)
    assert all(not a for a in store.snapshot("w_two").answers.values())


CONCURRENT_THREADS = 8
CONCURRENT_GROUPS = 4
BATCH = 5
DEADLINE_SECONDS = 90.0
LEVEL_VALUES = ("0", "0.5", "1", "N/A")


def test_concurrent_writers_lose_nothing(store: Store) -> None:
    """8 threads share one store: 4 groups x 28 items, two threads per group, several batches.

    Each thread first writes a provisional answer to each of its items, then
    overwrites it with the final one, reading snapshots in between; afterwards
    every final answer must be there.
    """
    workshop, groups = setup_workshop(store, groups=CONCURRENT_GROUPS)
    barrier = threading.Barrier(CONCURRENT_THREADS, timeout=DEADLINE_SECONDS)
    errors: list[BaseException] = []
    expected: dict[tuple[str, str], tuple[str, str, str]] = {}

    def final_value(g: int, i: int) -> str:
        return LEVEL_VALUES[(g + i) % len(LEVEL_VALUES)]

    plans: list[tuple[int, Group, list[str]]] = []
    for k in range(CONCURRENT_THREADS):
        g = k % CONCURRENT_GROUPS
        mine = ITEMS[k // CONCURRENT_GROUPS :: 2]  # two threads per group, interleaved items
        plans.append((k, groups[g], mine))
        for item in mine:
            expected[(groups[g].id, item)] = (
                final_value(g, ITEMS.index(item)),
                f"final {item} by {k}",
                f"tutor-{k}",
            )

    def work(k: int, group: Group, mine: list[str]) -> None:
        try:
            g = groups.index(group)
            barrier.wait()
            batches = [mine[i : i + BATCH] for i in range(0, len(mine), BATCH)]
            for batch in batches:
                store.save_answers(
                    workshop.id,
                    group.id,
                    [AnswerChange(item, "0", f"draft {item}") for item in batch],
                    updated_by=f"tutor-{k}",
                    updated_at=AT,
                )
            for batch in batches:
                store.save_answers(
                    workshop.id,
                    group.id,
                    [
                        AnswerChange(
                            item, final_value(g, ITEMS.index(item)), f"final {item} by {k}"
                        )
                        for item in batch
                    ],
                    updated_by=f"tutor-{k}",
                    updated_at="2026-11-23T10:30:00+00:00",
                )
                seen = store.snapshot(workshop.id).group_answers(group.id)
                for item in batch:  # a writer reads its own finished batch back
                    assert seen[item].note == f"final {item} by {k}"
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=plan, daemon=True, name=f"writer-{plan[0]}")
        for plan in plans
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, DEADLINE_SECONDS - (time.monotonic() - started)))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"writers still running after {DEADLINE_SECONDS} s: {stuck}"
    if errors:
        raise errors[0]

    snap = store.snapshot(workshop.id)
    got = {
        (gid, item): (a.value, a.note, a.updated_by)
        for gid, answers in snap.answers.items()
        for item, a in answers.items()
    }
    assert len(expected) == CONCURRENT_GROUPS * len(ITEMS)
    assert got == expected


# -- clock ------------------------------------------------------------------------------------


def test_clock_state_round_trips_every_field(store: Store) -> None:
    workshop, _ = setup_workshop(store)
    paused = ClockState(
        segment=3,
        status="paused",
        started_at=1_790_000_123.25,
        paused_elapsed=412.5,
        extension=360.0,
        updated_at=1_790_000_535.75,
    )
    store.set_clock(workshop.id, paused)
    assert store.snapshot(workshop.id).clock == paused

    finished = ClockState(segment=7, status="finished", started_at=None, updated_at=1_790_009_999.5)
    store.set_clock(workshop.id, finished)
    assert store.snapshot(workshop.id).clock == finished


def test_room_settings_and_broadcast_round_trip_with_the_clock(store: Store) -> None:
    """Auto-advance and the host's message are kept with the clock, text exactly as typed."""
    workshop, _ = setup_workshop(store)
    before = store.revision(workshop.id)
    room = ClockState(
        segment=2,
        status="running",
        started_at=1_790_000_100.5,
        updated_at=1_790_000_200.25,
        auto_advance=True,
        broadcast='=5 minutes left: finish "Infra" ＆ note one action 🙂',
        broadcast_at=1_790_000_199.75,
    )
    store.set_clock(workshop.id, room)
    assert store.snapshot(workshop.id).clock == room
    assert store.revision(workshop.id) != before  # pages polling the revision see the message
    withdrawn = replace(room, broadcast="", broadcast_at=0.0, auto_advance=False)
    store.set_clock(workshop.id, withdrawn)
    assert store.snapshot(workshop.id).clock == withdrawn


def test_clock_of_unknown_workshop_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.set_clock("w_missing", ClockState(status="running", started_at=1.0))


# -- action items -----------------------------------------------------------------------------


def test_action_items_add_update_delete_and_order_by_priority(store: Store) -> None:
    workshop, _ = setup_workshop(store)
    low = make_action(1, 3, what="Write a data schema test 🧪")
    first = make_action(2, 1, owner="佐藤", what='=HYPERLINK("x") <i>verbatim</i>')
    tie_a = make_action(3, 2)
    tie_b = make_action(4, 2, group_id="", item_id="")  # a workshop-wide action
    for action in (low, first, tie_a, tie_b):
        store.add_action(action)
    assert store.snapshot(workshop.id).actions == (first, tie_a, tie_b, low)

    tie_a_done = replace(tie_a, what="Reworded", owner="Kim", due="", item_id="infra-3")
    store.update_action(tie_a_done)
    promoted = replace(low, priority=1)
    store.update_action(promoted)
    # ``low`` was added before ``first``: among equal priorities, the older comes first.
    assert store.snapshot(workshop.id).actions == (promoted, first, tie_a_done, tie_b)

    store.delete_action(workshop.id, first.id)
    store.delete_action(workshop.id, first.id)  # a retried delete is harmless
    assert store.snapshot(workshop.id).actions == (promoted, tie_a_done, tie_b)


def test_action_follow_up_fields_round_trip_and_survive_a_closed_workshop(store: Store) -> None:
    """Status, ticket and the last-updated stamp are kept like every other field, and a group
    updates them between rounds even after the host closed the workshop's scoring."""
    workshop, _ = setup_workshop(store)
    action = make_action(1, 1)
    store.add_action(action)
    assert store.snapshot(workshop.id).actions[0].status == "open"  # where every item starts
    store.update_workshop(replace(store.get_workshop(workshop.id) or workshop, closed=True))
    updated = replace(
        action,
        status="in_progress",
        ticket="https://tracker.example/ML-7?a=1&b=2",
        updated_at="2027-01-10T09:30:00+00:00",
        updated_by="=Team A",  # user text, kept as typed (never a formula)
    )
    store.update_action(updated)
    assert store.snapshot(workshop.id).actions == (updated,)
    done = replace(updated, status="done", ticket="")
    store.update_action(done)
    assert store.snapshot(workshop.id).actions == (done,)


def test_adding_an_action_again_is_a_harmless_retry_but_a_clash_is_refused(store: Store) -> None:
    workshop, _ = setup_workshop(store)
    action = make_action(1, 2)
    store.add_action(action)
    store.add_action(action)  # the first attempt's response was lost; the page retries
    assert store.snapshot(workshop.id).actions == (action,)
    with pytest.raises(StoreError):
        store.add_action(replace(action, what="Something else"))
    assert store.snapshot(workshop.id).actions == (action,)


def test_action_of_unknown_workshop_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.add_action(make_action(1, 1, workshop_id="w_missing"))


def test_update_unknown_action_is_not_found(store: Store) -> None:
    setup_workshop(store)
    with pytest.raises(NotFound):
        store.update_action(make_action(9, 1))
    with pytest.raises(NotFound):
        store.delete_action("w_missing", "a9")


# -- results-link tokens ----------------------------------------------------------------------


def test_results_tokens_open_their_own_scope_from_a_stored_snapshot(store: Store) -> None:
    """Tokens are not stored: a link's token is checked against the snapshot it names."""
    one, groups_one = setup_workshop(store, "w_one")
    two, groups_two = setup_workshop(store, "w_two", archived=True)
    snap_one, snap_two = store.snapshot(one.id), store.snapshot(two.id)
    assert results_access(KEYS, snap_one, KEYS.results_token(one)) == ResultsAccess(one.id)
    assert results_access(KEYS, snap_one, KEYS.results_token(one, groups_one[1])) == (
        ResultsAccess(one.id, groups_one[1].id)
    )
    # archived links still work
    assert results_access(KEYS, snap_two, KEYS.results_token(two)) == ResultsAccess(two.id)
    assert results_access(KEYS, snap_two, KEYS.results_token(two, groups_two[0])) == (
        ResultsAccess(two.id, groups_two[0].id)
    )
    # A token opens only its own workshop, whatever workshop the link names.
    assert results_access(KEYS, snap_two, KEYS.results_token(one)) is None
    assert results_access(KEYS, snap_one, KEYS.results_token(two, groups_two[0])) is None
    assert results_access(KEYS, snap_one, "no-such-token") is None
    assert results_access(KEYS, snap_one, "") is None


# -- field-level patches ----------------------------------------------------------------------


def patch(item: str, field: str, text: str, base: str, at: str, by: str = "ann") -> FieldPatch:
    return FieldPatch(item, field, text, base, at, by)


T1 = "2026-11-23T10:20:01.000000+00:00"
T2 = "2026-11-23T10:20:02.000000+00:00"
T3 = "2026-11-23T10:20:03.000000+00:00"


def test_a_patch_writes_only_its_field_and_stamps_the_row(store: Store) -> None:
    workshop, groups = setup_workshop(store)
    gid = groups[0].id
    store.save_answers(
        workshop.id, gid, [AnswerChange("data-1", "0", "evidence: wiki page")],
        updated_by="ann", updated_at=AT,
    )  # fmt: skip
    outcomes = store.apply_patches(
        workshop.id, gid, [patch("data-1", "value", "1", "0", T1, "ben")]
    )
    assert [(o.result, o.current) for o in outcomes] == [("written", "1")]
    stored = store.snapshot(workshop.id).group_answers(gid)["data-1"]
    # The note was not part of the change and is untouched; the row says who changed it.
    assert stored == Answer(gid, "data-1", "1", "evidence: wiki page", T1, "ben")

    store.apply_patches(
        workshop.id, gid, [patch("data-1", "note", "CI job", "evidence: wiki page", T2)]
    )
    stored = store.snapshot(workshop.id).group_answers(gid)["data-1"]
    assert (stored.value, stored.note, stored.updated_by) == ("1", "CI job", "ann")


def test_a_patch_for_an_unanswered_item_creates_its_answer(store: Store) -> None:
    workshop, groups = setup_workshop(store)
    gid = groups[1].id
    outcomes = store.apply_patches(
        workshop.id,
        gid,
        [patch("infra-3", "note", "runbook", "", T1), patch("infra-3", "value", "0.5", "", T2)],
    )
    assert [o.result for o in outcomes] == ["written", "written"]
    assert store.snapshot(workshop.id).group_answers(gid)["infra-3"] == Answer(
        gid, "infra-3", "0.5", "runbook", T2, "ann"
    )
    assert store.snapshot(workshop.id).group_answers(groups[0].id) == {}


def test_a_retried_patch_is_already_there(store: Store) -> None:
    workshop, groups = setup_workshop(store)
    gid = groups[0].id
    change = [patch("data-2", "value", "N/A", "", T1)]
    store.apply_patches(workshop.id, gid, change)
    again = store.apply_patches(workshop.id, gid, change)
    assert [(o.result, o.current, o.current_by) for o in again] == [("already", "N/A", "ann")]


def test_a_change_made_on_a_stale_screen_does_not_overwrite_a_newer_one(store: Store) -> None:
    workshop, groups = setup_workshop(store)
    gid = groups[0].id
    # Ben's screen showed "" and he chose 1 at T3; Ann, who saw "", chose 0 at T2.
    store.apply_patches(workshop.id, gid, [patch("model-2", "value", "1", "", T3, "ben")])
    # Ann's change reaches the record later, but it was made earlier: Ben's stays.
    late = store.apply_patches(
        workshop.id, gid, [patch("model-2", "value", "0", "", T2)], known_at=lambda p, cur: T3
    )
    assert [(o.result, o.current, o.current_by, o.current_at) for o in late] == [
        ("superseded", "1", "ben", T3)
    ]
    # Nobody knows when the record's value was set (typed into the sheet): it is kept.
    unknown = store.apply_patches(workshop.id, gid, [patch("model-2", "value", "0.5", "", T3)])
    assert unknown[0].result == "superseded"
    # A change made after the record's value was set wins.
    later = store.apply_patches(
        workshop.id,
        gid,
        [patch("model-2", "value", "0", "", "2026-11-23T10:20:04.000000+00:00")],
        known_at=lambda p, cur: T3,
    )
    assert later[0].result == "written"
    assert store.snapshot(workshop.id).group_answers(gid)["model-2"].value == "0"


def test_patches_to_unknown_group_or_workshop_are_not_found(store: Store) -> None:
    workshop, _ = setup_workshop(store)
    _, other_groups = setup_workshop(store, "w_two")
    change = [patch("data-1", "value", "1", "", T1)]
    with pytest.raises(NotFound):
        store.apply_patches(workshop.id, "g_missing", change)
    with pytest.raises(NotFound):
        store.apply_patches(workshop.id, other_groups[0].id, change)
    with pytest.raises(NotFound):
        store.apply_patches("w_missing", other_groups[0].id, change)


def test_the_revision_moves_with_every_change_and_only_then(store: Store) -> None:
    workshop, groups = setup_workshop(store)
    first = store.revision(workshop.id)
    assert store.revision(workshop.id) == first
    store.apply_patches(workshop.id, groups[0].id, [patch("data-1", "value", "1", "", T1)])
    second = store.revision(workshop.id)
    assert second != first
    store.set_clock(workshop.id, ClockState(segment=1, status="running", started_at=5.0))
    assert store.revision(workshop.id) not in (first, second)


# -- participants' vote summaries ----------------------------------------------------------


def test_vote_summaries_ride_with_the_groups_patches_and_read_back(store: Store) -> None:
    workshop, groups = setup_workshop(store)
    g0, g1 = groups[0].id, groups[1].id
    summary = "0=1; 0.5=3; 1=2; ?=1"
    first = store.apply_many(
        [
            PatchSet(
                workshop.id,
                g0,
                [patch("data-1", "value", "0.5", "", T1)],
                votes=[VoteRecord(g0, "data-1", summary, "=SUM(A1) some count manual runs")],
            ),
            # a group with votes waiting and no change of its own
            PatchSet(workshop.id, g1, [], votes=[VoteRecord(g1, "model-3", "1=4", "")]),
        ]
    )
    assert [[o.result for o in r] for r in first if isinstance(r, list)] == [["written"], []]
    snap = store.snapshot(workshop.id)
    # verbatim (a formula-looking note stays text), and the answer beside it untouched
    assert snap.votes[g0] == {
        "data-1": VoteRecord(g0, "data-1", summary, "=SUM(A1) some count manual runs")
    }
    assert snap.votes[g1] == {"model-3": VoteRecord(g1, "model-3", "1=4", "")}
    assert snap.group_answers(g0)["data-1"].value == "0.5"
    assert "model-3" not in snap.group_answers(g1)  # a summary is not an answer

    # A later round replaces the summary; an answer patch alone leaves it as it was.
    store.apply_many([PatchSet(workshop.id, g1, [], votes=[VoteRecord(g1, "model-3", "0=2", "")])])
    store.apply_patches(workshop.id, g1, [patch("model-3", "value", "0", "", T2)])
    snap = store.snapshot(workshop.id)
    assert snap.votes[g1]["model-3"].summary == "0=2"
    assert snap.group_answers(g1)["model-3"].value == "0"
    assert snap.only_group(g0).votes == {g0: snap.votes[g0]}


def test_vote_summaries_move_the_revision_and_are_refused_like_answers(store: Store) -> None:
    workshop, groups = setup_workshop(store)
    _, other_groups = setup_workshop(store, "w_two")
    gid = groups[0].id
    before = store.revision(workshop.id)
    store.save_votes(workshop.id, gid, [VoteRecord(gid, "data-2", "1=1", "")])
    assert store.revision(workshop.id) != before
    with pytest.raises(NotFound):
        store.save_votes(workshop.id, other_groups[0].id, [VoteRecord("x", "data-1", "1=1")])
    store.update_workshop(replace(workshop, closed=True))
    with pytest.raises(WorkshopClosed):
        store.save_votes(workshop.id, gid, [VoteRecord(gid, "data-2", "0=1", "")])
    assert store.snapshot(workshop.id).votes[gid]["data-2"].summary == "1=1"
