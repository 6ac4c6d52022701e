"""How a workshop is laid out in a Google Sheet, as pure functions over cell values.

The spreadsheet is meant to be read and edited by people, so everything here
is tolerant: columns are found by their header text (not their position),
rows by the ``item_id`` / ``workshop_id`` / ``group_id`` / ``action_id`` they
hold (not their order), and anything a person broke becomes a
:class:`~workshop.models.Problem` that names the worksheet and row, while the
valid rows next to it still count. Nothing here does I/O: the store reads all
values in one request and hands them to these functions, which keeps parsing
unit-testable without HTTP.

Layout (one spreadsheet may hold several workshops, e.g. successive rounds):

* ``Settings``: one row per workshop, including the agenda clock
  (:mod:`.settings_table`);
* ``Groups``: one row per group, with the title of the group's worksheet
  (:mod:`.groups_table`);
* ``Actions``: one row per action item (:mod:`.actions_table`);
* one worksheet per group (titled after the group), with one row per rubric
  item: ``item_id, section, title, score, note, updated_at, updated_by``
  (:mod:`.answer_sheet`).

Around them: :mod:`.columns` (the tables' columns and where the header row has
them), :mod:`.cells` and :mod:`.rows` (the text of a cell, and one typed row read
with its problems), :mod:`.a1` (addresses), :mod:`.structure` (the worksheet list
and the requests that add or format worksheets), :mod:`.messages` (what a problem
says, from ``content/ui/sheets.yaml``) and :mod:`.parsed` (a whole read, parsed).
"""
