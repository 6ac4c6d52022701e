"""Every cell write of the Sheets store as a planner, run against the commit's own read.

A planner (:data:`~workshop.store.sheets.plans.Planner`) runs inside the group
commit (:mod:`.commit`), against the read the commit has just made, so a row a
person moved or sorted is found where it is now, by its key. It raises what
stops its write (a workshop that is gone, a header cell a person removed), and
only that change fails; the others in the same commit are written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from workshop.models import ActionItem, Group, VoteRecord
from workshop.store.base import Changes, KnownAt, NotFound, Patches, WorkshopClosed
from workshop.store.sheets import plans
from workshop.store.sheets.book import BookState
from workshop.store.sheets.layout.actions_table import action_values
from workshop.store.sheets.layout.columns import ACTIONS, ACTIONS_HEADER, GROUPS, SETTINGS
from workshop.store.sheets.layout.groups_table import group_values
from workshop.store.sheets.layout.structure import find_title
from workshop.store.sheets.lookup import (
    GroupFinder,
    parsed,
    require_group,
    require_table_columns,
    require_workshop,
)
from workshop.store.sheets.plans import CommitWrites, Planner


def nothing(_state: BookState) -> CommitWrites:
    """No cells of its own: a commit that only carries the repairs a read found."""
    return CommitWrites()


def patched_answers(
    workshop_id: str,
    find: GroupFinder,
    patches: Patches,
    known_at: KnownAt | None,
    votes: Sequence[VoteRecord] = (),
) -> Planner:
    """A group's field patches, each decided against its row as the commit read it,
    and its waiting vote summaries in the same write.

    A workshop the host closed (as the commit read it) refuses them all.
    """

    def planner(state: BookState) -> CommitWrites:
        found = find(state)
        if require_workshop(parsed(state), workshop_id).closed:
            raise WorkshopClosed(f"Workshop {workshop_id} is closed: answers are not changed.")
        plan = plans.answer_writes(found.sheet, found.values, patches, known_at, found.new_row)
        if votes:
            plan.merge(plans.vote_writes(found.sheet, votes))
        return plan

    return planner


def vote_summaries(workshop_id: str, find: GroupFinder, votes: Sequence[VoteRecord]) -> Planner:
    """A group's vote summaries alone (see :func:`patched_answers` for the usual way)."""
    return patched_answers(workshop_id, find, (), None, votes)


def whole_answers(find: GroupFinder, changes: Changes, updated_at: str, updated_by: str) -> Planner:
    """Whole answers (value, note, stamp) written as given: imports, the demo, scripts."""
    triples = [(c.item_id, c.value, c.note) for c in changes]

    def planner(state: BookState) -> CommitWrites:
        found = find(state)
        at, by = updated_at, updated_by
        return plans.forced_writes(found.sheet, found.values, triples, at, by, found.new_row)

    return planner


def settings_cells(workshop_id: str, columns: Sequence[str], values: Mapping[str, str]) -> Planner:
    """Some cells of a workshop's Settings row (its fields, or its clock)."""

    def planner(state: BookState) -> CommitWrites:
        tables = parsed(state)
        require_workshop(tables, workshop_id)
        header = tables.settings.header
        require_table_columns(SETTINGS, header, columns)
        row = tables.settings.rows[workshop_id].row
        return plans.row_writes(SETTINGS, row, header.cells(values))

    return planner


def group_cells(group: Group, worksheet: str) -> Planner:
    """A group's row in Groups, with the title of its worksheet."""

    def planner(state: BookState) -> CommitWrites:
        tables = parsed(state)
        found = require_group(tables, group.workshop_id, group.id)
        cells = tables.groups.header.cells(group_values(group, worksheet))
        return plans.row_writes(GROUPS, found.row, cells)

    return planner


def action_cells(action: ActionItem) -> Planner:
    """An action item's row, replaced (same id, same workshop)."""

    def planner(state: BookState) -> CommitWrites:
        tables = parsed(state)
        require_workshop(tables, action.workshop_id)
        existing = tables.actions.find(action.id)
        if existing is None or existing.action.workshop_id != action.workshop_id:
            raise NotFound(
                f"Action item {action.id} does not exist in workshop {action.workshop_id}."
            )
        header = tables.actions.header
        require_table_columns(ACTIONS, header, ACTIONS_HEADER)
        cells = header.cells(action_values(action))
        return plans.row_writes(ACTIONS, existing.row, cells)

    return planner


def blank_action(workshop_id: str, action_id: str) -> Planner:
    """The action's row blanked (rows are never removed, so no other row moves)."""

    def planner(state: BookState) -> CommitWrites:
        tables = parsed(state)
        require_workshop(tables, workshop_id)
        existing = tables.actions.find(action_id)
        if existing is None or existing.action.workshop_id != workshop_id:
            return CommitWrites()
        rows = state.values.get(find_title(state.values, ACTIONS) or "", [])
        width = max(tables.actions.header.width, len(rows[existing.row - 1]), 1)
        return plans.row_writes(ACTIONS, existing.row, {col: "" for col in range(width)})

    return planner
