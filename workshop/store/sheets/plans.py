"""What a commit writes, planned against the spreadsheet as the commit itself just read it.

People sort, insert and delete rows in the shared sheet, so a row number from
a copy read a few seconds ago may belong to another item by now. Every write
of the Sheets store is therefore a *planner*: a pure function from a fresh
read (:class:`~workshop.store.sheets.book.BookState`, parsed) to the cells to
write, finding each row by its key (item id, workshop id, group id, action id)
in that read. The store runs the planners of every queued change against one
read and sends all their cells in one request (see :mod:`.commit`).

The instant between that read and the write is covered too: answers' writes
are remembered (:class:`~workshop.store.sheets.book.WriteRecord`) and the next
read checks them with :func:`misplaced`; a write that landed in a row another
item had just moved into is put right by :func:`repair_writes`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workshop.models import FieldPatch, VoteRecord
from workshop.scoring import normalize_item_id
from workshop.store.base import KnownAt
from workshop.store.decisions import STAMP, answer_fields, decide_patches
from workshop.store.sheets.book import BookState, Rows, WriteRecord
from workshop.store.sheets.layout.answer_sheet import AnswerSheet, answer_values
from workshop.store.sheets.layout.cells import cell
from workshop.store.sheets.layout.columns import ANSWERS_HEADER, read_header

#: Which worksheet column holds each answer field.
FIELD_COLUMNS = {"value": "score", "note": "note"}


@dataclass
class CommitWrites:
    """The cells one planner wants written, and what to tell its caller afterwards."""

    cells: dict[str, dict[int, dict[int, str]]] = field(default_factory=dict)
    # Rows to add at the end of a worksheet: (item id, full row), sent with values:append.
    appends: dict[str, list[tuple[str, list[str]]]] = field(default_factory=dict)
    records: list[WriteRecord] = field(default_factory=list)
    result: Any = None

    def put(self, title: str, row: int, cells: Mapping[int, str]) -> None:
        if cells:
            self.cells.setdefault(title, {}).setdefault(row, {}).update(cells)

    def merge(self, other: CommitWrites) -> None:
        for title, rows in other.cells.items():
            for row, cells in rows.items():
                self.put(title, row, cells)
        for title, appended in other.appends.items():
            self.appends.setdefault(title, []).extend(appended)


#: A write planned against the commit's fresh read (see the module docstring).
Planner = Callable[[BookState], CommitWrites]


def answer_writes(
    sheet: AnswerSheet,
    values: Rows,
    patches: Sequence[FieldPatch],
    known_at: KnownAt | None,
    new_row: Callable[[str], dict[str, str]],
) -> CommitWrites:
    """Decide each patch against the worksheet as read now; write only the decided fields.

    ``new_row`` gives the fixed cells (id, section, title) of an item whose row a
    person deleted: such an item gets a new row at the end of the worksheet.
    The result is the list of :class:`PatchOutcome`, one per patch.
    """
    rows = {item_id: answer_fields(sheet.answers.get(item_id)) for item_id in _items(patches)}
    rowless = {item_id for item_id in rows if normalize_item_id(item_id) not in sheet.rows}
    decisions = decide_patches(rows, patches, known_at, rowless)
    plan = CommitWrites(result=decisions.outcomes)
    for item_id, fields in decisions.written.items():
        row = rows[item_id]
        named = {FIELD_COLUMNS[f]: row[f] for f in ("value", "note") if f in fields}
        if STAMP in fields:
            named.update(updated_at=row["updated_at"], updated_by=row["updated_by"])
        _place(plan, sheet, values, item_id, named, new_row)
    return plan


def forced_writes(
    sheet: AnswerSheet,
    values: Rows,
    changes: Sequence[tuple[str, str, str]],
    updated_at: str,
    updated_by: str,
    new_row: Callable[[str], dict[str, str]],
) -> CommitWrites:
    """Whole answers (value, note, stamp) written as given: imports, the demo, scripts."""
    plan = CommitWrites()
    for item_id, value, note in changes:
        named = answer_values(value, note, updated_at, updated_by)
        _place(plan, sheet, values, item_id, named, new_row)
    return plan


def vote_writes(sheet: AnswerSheet, votes: Sequence[VoteRecord]) -> CommitWrites:
    """Vote summaries into the ``votes`` and ``votes_note`` cells of their items' rows.

    Rows are found by item id in this read, like answers. A worksheet made
    before votes existed has no such columns (``sheets prepare`` adds them) and
    an item whose row a person deleted has no row: those summaries are skipped
    (they stay in the local votes file); their number is the plan's result.
    """
    plan = CommitWrites(result=0)
    for vote in votes:
        row = sheet.rows.get(normalize_item_id(vote.item_id))
        cells = sheet.header.cells({"votes": vote.summary, "votes_note": vote.note})
        if row is None or len(cells) < 2:
            plan.result += 1
            continue
        plan.put(sheet.title, row, cells)
    return plan


def _items(patches: Sequence[FieldPatch]) -> list[str]:
    return list(dict.fromkeys(patch.item_id for patch in patches))


def _place(
    plan: CommitWrites,
    sheet: AnswerSheet,
    values: Rows,
    item_id: str,
    named: dict[str, str],
    new_row: Callable[[str], dict[str, str]],
) -> None:
    """Put an item's cells into its row as found in this read, or append a row for it."""
    cells = sheet.header.cells(named)
    row = sheet.rows.get(normalize_item_id(item_id))
    if row is not None:
        plan.put(sheet.title, row, cells)
        plan.records.append(
            WriteRecord(sheet.title, normalize_item_id(item_id), row, cells, values)
        )
        return
    full = sheet.header.cells({**new_row(item_id), **named})
    width = max(full) + 1 if full else 0
    plan.appends.setdefault(sheet.title, []).append(
        (item_id, [full.get(col, "") for col in range(width)])
    )


def row_writes(title: str, row: int, cells: Mapping[int, str]) -> CommitWrites:
    """Cells of one keyed row (Settings, Groups, Actions) found in this read."""
    plan = CommitWrites()
    plan.put(title, row, cells)
    return plan


# --------------------------------------------------------------------------- misplaced writes


@dataclass(frozen=True)
class Repair:
    """A write that landed in another item's row: give that row its cells back."""

    title: str
    item_id: str  # the item the write was meant for
    cells: dict[int, str]  # what was written
    victim: str  # the item whose row received it ("" for an empty row)
    victim_cells: dict[int, str]  # the victim's cells (same columns) before the write
    row: int  # where the write landed (what identifies an empty row)


def _item_col(values: Rows) -> int | None:
    return read_header(values, ANSWERS_HEADER).col("item_id")


def _find_row(values: Rows, item_col: int, item_id: str) -> int | None:
    for index, row in enumerate(values[1:], start=2):
        if normalize_item_id(cell(row, item_col)) == item_id:
            return index
    return None


def _holds(values: Rows, row: int | None, cells: Mapping[int, str]) -> bool:
    if row is None or row > len(values):
        return False
    return all(cell(values[row - 1], col) == text for col, text in cells.items())


def misplaced(record: WriteRecord, values: Rows) -> Repair | None:
    """None when the write is where it belongs (or was changed since); else the repair.

    The row the commit wrote now holds another item, still carrying the
    written cells, while the intended item's row does not have them: the
    rows moved between the commit's read and its write.
    """
    item_col = _item_col(values)
    if item_col is None or record.row > len(values):
        return None
    now_item = normalize_item_id(cell(values[record.row - 1], item_col))
    if now_item == record.item_id:
        return None
    if _holds(values, _find_row(values, item_col, record.item_id), record.cells):
        return None  # the rows moved after the write, taking the cells along: all is well
    if not _holds(values, record.row, record.cells):
        return None  # changed again since: nothing that can be put right safely
    before_col = _item_col(record.before)
    before_row = None
    if now_item and before_col is not None:
        before_row = _find_row(record.before, before_col, now_item)
    victim_cells = {
        col: (cell(record.before[before_row - 1], col) if before_row else "")
        for col in record.cells
    }
    return Repair(
        record.title, record.item_id, dict(record.cells), now_item, victim_cells, record.row
    )


def repair_writes(repair: Repair, values: Rows) -> CommitWrites:
    """Against a fresh read: the victim's cells back, and the intended item's cells in place."""
    plan = CommitWrites()
    item_col = _item_col(values)
    if item_col is None:
        return plan
    if repair.victim:
        victim_row = _find_row(values, item_col, repair.victim)
    else:  # an empty row received the cells: it is found where they landed
        blank = repair.row <= len(values) and not cell(values[repair.row - 1], item_col)
        victim_row = repair.row if blank else None
    if victim_row is not None and _holds(values, victim_row, repair.cells):
        plan.put(repair.title, victim_row, repair.victim_cells)
    target = _find_row(values, item_col, repair.item_id)
    if target is not None and not _holds(values, target, repair.cells):
        plan.put(repair.title, target, repair.cells)
    return plan
