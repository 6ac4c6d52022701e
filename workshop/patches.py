"""Field-level changes to answers: who wins when two people change the same field.

A tutor's page sends one :class:`~workshop.models.FieldPatch` per field a
person changed. Both store backends decide each patch with :func:`decide`
against the field as it is in the record at the moment of writing (a fresh
read inside the same commit), so the rule is written once:

* the record already holds the new text: nothing to write (a retry after a
  lost answer, or two people choosing the same thing);
* the record still holds what the person saw (``base``): nobody changed the
  field meanwhile, write it;
* otherwise someone else changed it after this person's page showed it. The
  later change wins: the patch is written only if the other change is known
  to be older than this one (``other_at``, from the journal of what the app
  wrote and when it first saw a hand edit). A change of unknown age (typed
  into the sheet and not yet seen) is kept, and the person is told; nothing
  is overwritten silently.

:func:`field_view` merges the record with changes not yet written, which is
what every tutor screen shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from workshop.models import ANSWER_FIELDS, Answer, FieldPatch

WRITTEN = "written"
ALREADY = "already"
SUPERSEDED = "superseded"


def decide(patch: FieldPatch, current: str, other_at: str | None) -> str:
    """WRITTEN, ALREADY or SUPERSEDED for ``patch`` when the record holds ``current``.

    ``other_at`` is when ``current`` is known to have been set (ISO UTC), or
    None when nobody knows (then the record's value is treated as the later one).
    """
    if current == patch.text:
        return ALREADY
    if current == patch.base:
        return WRITTEN
    if other_at is not None and other_at < patch.made_at:
        return WRITTEN
    return SUPERSEDED


def field_text(answer: Answer | None, field: str) -> str:
    """The text of one field of a stored answer ("" when unanswered)."""
    if answer is None:
        return ""
    return answer.value if field == "value" else answer.note


@dataclass(frozen=True)
class FieldView:
    """What a screen shows for one field: the text and where it comes from."""

    text: str
    pending: bool = False  # a change recorded on the server but not yet in the shared record
    by: str = ""
    at: str = ""  # ISO UTC


def field_view(
    stored: Mapping[str, Answer], pending: Iterable[FieldPatch], item_ids: Iterable[str]
) -> dict[tuple[str, str], FieldView]:
    """Every (item, field) as a screen should show it: the newest pending change, else stored.

    ``pending`` may hold several changes of one field (from several screens);
    the one made last is what the record will hold once they are written.
    """
    views: dict[tuple[str, str], FieldView] = {}
    for item_id in item_ids:
        answer = stored.get(item_id)
        for field in ANSWER_FIELDS:
            views[(item_id, field)] = FieldView(
                field_text(answer, field),
                by=answer.updated_by if answer else "",
                at=answer.updated_at if answer else "",
            )
    for patch in sorted(pending, key=lambda p: p.made_at):
        key = (patch.item_id, patch.field)
        if key in views:
            views[key] = FieldView(patch.text, pending=True, by=patch.made_by, at=patch.made_at)
    return views
