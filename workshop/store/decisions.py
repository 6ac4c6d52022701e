"""A group's field patches decided against its answers as the record holds them now.

Both backends do the same, in the same order: take the rows the patches touch
as the record holds them (read inside the transaction, or in the commit's own
fresh read on Sheets), decide each patch with :func:`workshop.patches.decide`
against its row as the earlier patches of the batch left it, and give a row
the "updated by/at" of its latest change. Only where the result is written
differs, so that is all each backend keeps.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from workshop.models import Answer, FieldPatch, PatchOutcome
from workshop.patches import WRITTEN, decide, field_text
from workshop.store.base import KnownAt

#: The four stored texts of an answer: value, note, updated_at, updated_by.
Fields = dict[str, str]
#: What :attr:`Decisions.written` names when a row's "updated by/at" changed.
STAMP = "stamp"


def answer_fields(answer: Answer | None) -> Fields:
    """An answer's stored texts ("" for an item nobody answered yet)."""
    return {
        "value": field_text(answer, "value"),
        "note": field_text(answer, "note"),
        "updated_at": answer.updated_at if answer else "",
        "updated_by": answer.updated_by if answer else "",
    }


@dataclass
class Decisions:
    """One outcome per patch, and the rows as they are to be written."""

    outcomes: list[PatchOutcome] = field(default_factory=list)
    rows: dict[str, Fields] = field(default_factory=dict)  # item id -> fields after the batch
    written: dict[str, set[str]] = field(default_factory=dict)  # item id -> fields, STAMP


def decide_patches(
    rows: dict[str, Fields],
    patches: Sequence[FieldPatch],
    known_at: KnownAt | None,
    rowless: Collection[str] = (),
) -> Decisions:
    """Decide ``patches`` in order against ``rows`` (item id -> fields; updated in place).

    ``rowless`` are items whose row a person deleted from the sheet: there is no
    competing value to weigh, so an item's first patch is decided against what
    its person saw (it is then written into a new row rather than refused).
    """
    decisions = Decisions(rows=rows)
    for patch in patches:
        row = rows[patch.item_id]
        current = row[patch.field]
        if patch.item_id in rowless and patch.item_id not in decisions.written:
            current = patch.base
        other_at = None
        if current not in (patch.text, patch.base) and known_at is not None:
            other_at = known_at(patch, current)
        result = decide(patch, current, other_at)
        if result == WRITTEN:
            row[patch.field] = patch.text
            written = decisions.written.setdefault(patch.item_id, set())
            written.add(patch.field)
            if patch.made_at >= row["updated_at"]:
                row["updated_at"], row["updated_by"] = patch.made_at, patch.made_by
                written.add(STAMP)
        decisions.outcomes.append(
            PatchOutcome(patch, result, row[patch.field], row["updated_by"], row["updated_at"])
        )
    return decisions
