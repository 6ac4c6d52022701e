"""What a page is shown: one workshop of the shared read as a :class:`Snapshot`.

Everything a person broke in the sheet becomes a Problem in the snapshot,
worded in the workshop's language and naming the worksheet and row, while the
valid rows next to it still count. Sixty viewers are served from the same read,
so the store builds a snapshot once per read and workshop (see
:meth:`~workshop.store.sheets.book.SharedBook.memoized`).
"""

from __future__ import annotations

from collections.abc import Callable

from workshop.models import Answer, Group, Problem, Snapshot, VoteRecord
from workshop.store.base import NotFound
from workshop.store.sheets.book import BookState, SharedBook
from workshop.store.sheets.layout.columns import ACTIONS, GROUPS
from workshop.store.sheets.layout.messages import message, where_sheet
from workshop.store.sheets.lookup import answer_sheet, parsed
from workshop.store.sheets.rubrics import Rubrics


def build_snapshot(
    book: SharedBook,
    state: BookState,
    workshop_id: str,
    rubrics: Rubrics,
    url: str,
    wall: Callable[[], float],
) -> Snapshot:
    """The workshop in ``state``, with every problem found in its rows (see the module)."""
    tables = parsed(state)
    settings_row = tables.settings.rows.get(workshop_id)
    if settings_row is None:
        raise NotFound(f"Workshop {workshop_id} does not exist in the spreadsheet.")
    lang = settings_row.workshop.language
    if lang != "en":  # problems are worded in the workshop's language
        tables = parsed(state, lang)
        settings_row = tables.settings.rows[workshop_id]
    workshop = settings_row.workshop
    rubric = rubrics.get(workshop.rubric_id)

    problems: list[Problem] = [*tables.settings.problems, *settings_row.problems]
    for title, table in ((GROUPS, tables.groups), (ACTIONS, tables.actions)):
        if not table.present:
            problems.append(
                Problem(
                    where=where_sheet(title, lang),
                    what=message(lang, "missing_table", sheet=title),
                )
            )
    problems.extend(tables.groups.problems)
    groups: list[Group] = []
    answers: dict[str, dict[str, Answer]] = {}
    votes: dict[str, dict[str, VoteRecord]] = {}
    extra = {"spreadsheet_url": url}
    for group_row in tables.groups.of_workshop(workshop_id):
        group = group_row.group
        groups.append(group)
        problems.extend(group_row.problems)
        sheet = answer_sheet(book, state, group_row, rubric, lang)
        problems.extend(sheet.problems)
        answers[group.id] = {
            item_id: answer
            for item_id, answer in sheet.answers.items()
            if answer.value or answer.note or answer.updated_at or answer.updated_by
        }
        if sheet.votes:
            votes[group.id] = dict(sheet.votes)
        info = state.sheets.get(sheet.title)
        if info is not None:
            extra[f"worksheet_url:{group.id}"] = f"{url}#gid={info.sheet_id}"

    actions = [r for r in tables.actions.rows if r.action.workshop_id == workshop_id]
    actions.sort(key=lambda r: (r.action.priority, r.row))
    problems.extend(tables.actions.problems)
    for action_row in actions:
        problems.extend(action_row.problems)
    return Snapshot(
        workshop=workshop,
        groups=tuple(groups),
        answers=answers,
        clock=settings_row.clock,
        actions=tuple(r.action for r in actions),
        problems=tuple(problems),
        fetched_at=wall(),
        extra=extra,
        votes=votes,
    )
