"""Action items: what a group commits to improve, built and checked in one place.

The host records action items on the wrap-up page and a tutor on the group's
own page; both go through :func:`new_action`, so the same input is refused
with the same message on either page (a missing "what", an overlong owner, a
control character, a priority outside 1..99) and every item is stamped the
same way (a fresh id, the time in UTC, who recorded it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

from workshop import timesource
from workshop.action_status import parse_status
from workshop.content.model import Item, Rubric
from workshop.models import ActionItem, Snapshot
from workshop.security import new_id
from workshop.workshops import MAX_NAME, MAX_NOTE, InputError, check_text
from workshop.wrapup import ordered_groups

#: A ticket is a link (or a tracker key such as ``ML-123``); longer text is refused.
MAX_TICKET = 500
#: Priorities a person may give: 1 is done first.
MIN_PRIORITY = 1
MAX_PRIORITY = 99


def check_priority(priority: int) -> int:
    """A priority in ``MIN_PRIORITY..MAX_PRIORITY``; anything else is an InputError."""
    if not MIN_PRIORITY <= priority <= MAX_PRIORITY:
        raise InputError("bad_priority", low=MIN_PRIORITY, high=MAX_PRIORITY)
    return priority


def new_action(
    *,
    workshop_id: str,
    group_id: str,
    item_id: str,
    what: str,
    owner: str,
    priority: int,
    due: dt.date | None,
    created_by: str,
) -> ActionItem:
    """A checked action item, ready for ``Store.add_action``; raises InputError.

    ``what`` is required; ``what`` and ``owner`` lose their surrounding blanks
    and are limited like every other text (see :func:`workshop.workshops.check_text`).
    """
    return ActionItem(
        id=new_id("a"),
        workshop_id=workshop_id,
        group_id=group_id,
        item_id=item_id,
        what=check_text(what, "what", MAX_NOTE, required=True),
        owner=check_text(owner, "owner", MAX_NAME),
        priority=check_priority(priority),
        due=due.isoformat() if due else "",
        created_at=timesource.now_iso(),
        created_by=created_by,
    )


def followed_up(action: ActionItem, *, status: str, ticket: str, updated_by: str) -> ActionItem:
    """The item with a new status and ticket link, stamped now; raises InputError.

    Between rounds a group moves its items along from its results link (and the
    host moves any). The stamp says who did it and when; what, owner, priority
    and due date are left exactly as recorded.
    """
    parsed = parse_status(status)
    if parsed is None:
        raise InputError("bad_status", status=status)
    return replace(
        action,
        status=parsed,
        ticket=check_text(ticket, "ticket", MAX_TICKET),
        updated_at=timesource.now_iso(),
        updated_by=updated_by,
    )


def listed_actions(actions: Iterable[ActionItem], group_id: str | None = None) -> list[ActionItem]:
    """Action items as the pages list them: by priority, then in the order they were added.

    ``group_id`` keeps one group's items only. (Exports order by due date and group
    too: see :func:`sorted_actions`.)
    """
    chosen = (a for a in actions if group_id is None or a.group_id == group_id)
    return sorted(chosen, key=lambda action: (action.priority, action.created_at))


def sorted_actions(snapshot: Snapshot, group_id: str | None = None) -> list[ActionItem]:
    """Actions as the exports list them: by priority, then due date (none last), then
    group order, then creation. ``group_id`` keeps one group's items only."""
    position = {group.id: index for index, group in enumerate(ordered_groups(snapshot))}
    actions = [a for a in snapshot.actions if group_id is None or a.group_id == group_id]
    return sorted(
        actions,
        key=lambda a: (
            a.priority,
            a.due == "",
            a.due,
            position.get(a.group_id, len(position)),
            a.created_at,
            a.id,
        ),
    )


def raised_item(rubric: Rubric, action: ActionItem) -> Item | None:
    """The test an action item raises, or None when the rubric has no such item any more
    (exports then show the id as it was stored instead of failing)."""
    try:
        return rubric.item(action.item_id)
    except KeyError:
        return None


def item_choices(rubric: Rubric, lang: str) -> dict[str, str]:
    """Item id -> ``"data-1 · Feature expectations are captured in a schema"``, rubric order.

    The tests an action item can raise, labelled as the pages' pickers show them.
    """
    return {item.id: f"{item.id} · {item.title.get(lang)}" for item in rubric.items}
