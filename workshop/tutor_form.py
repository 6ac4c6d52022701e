"""The tutor page's memory between reruns: what each field shows, and when to redraw it.

Streamlit keeps a widget's value in the browser and sends it back with every
rerun, and drops a widget's state when it is not drawn (a closed tab). Two
rules follow, and they are what keeps a tutor's record right:

* **A widget is never overwritten in place.** When the field it shows changes
  elsewhere (another device, the sheet, a conflict), the page draws a *new*
  widget (a new key, see :meth:`TutorForm.key`) seeded with the new text. The
  browser's copy of the old widget then belongs to no widget, so an older
  value it sends along with the next rerun (e.g. the clock's tick) can never be
  taken for the tutor's choice.
* **Only a change the person made is sent, and only its field.** A widget's
  callback turns the new value into one :class:`~workshop.models.FieldPatch`
  with the text the person saw before (``base``), so a new answer never writes
  the note and a reopened tab never writes anything.
* **A callback is not a change by itself.** Streamlit forgets the value of a
  widget that a finished run did not draw (its field got a new widget, or its
  tab closed) but keeps its callback; when the browser, slower than the server,
  still sends that widget with its next request, Streamlit takes the value for
  a change and calls the callback. Only a value that differs from the one the
  widget was drawn with (:meth:`TutorForm.drawn`) is the person's. Without this
  check a busy page wrote an older answer, or ``0.5`` for a typed ``0,5``, over
  what someone had just typed into the sheet.

What a field shows comes from the record plus the changes waiting in the
outbox (:func:`workshop.patches.field_view`), never from widget state, so a
tab switch, a reload or a second device shows the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from workshop.models import FieldPatch, Group
from workshop.patches import FieldView
from workshop.workshops import MAX_NAME, InputError, check_text

PREFIX = {"value": "ans", "note": "note"}


@dataclass
class TutorForm:
    """Per session: the text each widget was seeded with, and its generation."""

    shown: dict[tuple[str, str], str] = field(default_factory=dict)
    generation: dict[tuple[str, str], int] = field(default_factory=dict)
    held: dict[str, str] = field(default_factory=dict)  # widget key -> the value it holds

    def sync(self, views: Mapping[tuple[str, str], FieldView]) -> list[tuple[str, str]]:
        """Take in what every field shows now; a field that changed gets a new widget.

        Returns the fields that changed since the last run (for a notice).
        """
        changed = []
        for key, view in views.items():
            if key not in self.shown:
                self.shown[key] = view.text
                self.generation[key] = 0
            elif self.shown[key] != view.text:
                self.shown[key] = view.text
                self.generation[key] = self.generation.get(key, 0) + 1
                changed.append(key)
        return changed

    def key(self, item_id: str, field_name: str) -> str:
        """The widget key of a field: the same until the field changes somewhere else."""
        generation = self.generation.get((item_id, field_name), 0)
        base = f"{PREFIX[field_name]}_{item_id}"
        return base if generation == 0 else f"{base}__g{generation}"

    def text(self, item_id: str, field_name: str) -> str:
        return self.shown.get((item_id, field_name), "")

    def drawn(self, widget_key: str, value: str) -> None:
        """The page drew widget ``widget_key`` holding ``value`` (an option, or a note's text).

        It is what the browser sends for the widget until the person changes it.
        """
        self.held[widget_key] = value

    def changed(
        self,
        item_id: str,
        field_name: str,
        text: str,
        *,
        made_at: str,
        made_by: str,
        widget_key: str | None = None,
    ) -> FieldPatch | None:
        """A widget's callback ran: the patch to send (None if the person changed nothing).

        ``widget_key`` names the widget; its value is a change only if it differs
        from what the widget holds (see the module docstring).
        """
        if widget_key is not None:
            if self.held.get(widget_key) == text:
                return None
            self.held[widget_key] = text
        key = (item_id, field_name)
        base = self.shown.get(key, "")
        if text == base:
            return None
        self.shown[key] = text
        return FieldPatch(item_id, field_name, text, base, made_at, made_by)

    def carried_over(
        self, item_id: str, value: str, note: str, *, made_at: str, made_by: str
    ) -> list[FieldPatch]:
        """The tutor carried the previous round's answer (and note) over with one click.

        The answer is written as this round's, from what the field shows now;
        the note only when this round's note is still empty, so nothing written
        this round is overwritten. Each field that changes gets a new widget
        (see :meth:`key`): the widget drawn before the click still holds the
        blank answer, and an old widget is never overwritten in place.
        """
        patches = []
        for field_name, text in (("value", value), ("note", note)):
            key = (item_id, field_name)
            base = self.shown.get(key, "")
            if text == base or not text or (field_name == "note" and base):
                continue
            self.shown[key] = text
            self.generation[key] = self.generation.get(key, 0) + 1
            patches.append(FieldPatch(item_id, field_name, text, base, made_at, made_by))
        return patches

    def chosen_again(
        self, item_id: str, field_name: str, text: str, *, made_at: str, made_by: str
    ) -> FieldPatch:
        """After a later change won, the person knowingly sends their own ``text`` again.

        The patch's base is what the field shows now (the winner's text), so it is
        written unless someone changes the field yet again meanwhile.
        """
        base = self.text(item_id, field_name)
        return FieldPatch(item_id, field_name, text, base, made_at, made_by)


def saved_by(typed: str, group: Group, group_word: str) -> str:
    """Who a change is from: the name typed on the page if acceptable, else the group's tutor.

    A name that would be refused as input (too long, a control character) is
    ignored rather than blocking the save; with no tutor either, the change is
    from "``group_word`` ``group.name``" (e.g. "Group Team A").
    """
    try:
        name = check_text(typed or "", "tutor", MAX_NAME)
    except InputError:
        name = ""
    return name or group.tutor or f"{group_word} {group.name}"
