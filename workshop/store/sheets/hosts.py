"""Host passcode hashes on Google Sheets: a worksheet only the app may edit.

Tutors are told to edit the shared sheet, so nothing that opens host controls
may sit where they can change it. The hashes live in the ``Hosts`` worksheet,
hidden and covered by a protected range whose editors are the app's account
(and the owner, whom Google always keeps). Every read of a hash first asks
Google whether that protection is still in place (one metadata request, made
only when someone unlocks host controls); when it is gone, or open to more
people, the hashes may have been replaced by anybody and are not used:
:class:`~workshop.store.base.HostsUnprotected` tells the host what to do.
"""

from __future__ import annotations

from typing import Any

from workshop.store.base import HostsUnprotected
from workshop.store.sheets.api import SheetsApi
from workshop.store.sheets.layout.a1 import row_updates
from workshop.store.sheets.layout.cells import cell
from workshop.store.sheets.layout.columns import HOSTS, HOSTS_HEADER, read_header
from workshop.store.sheets.layout.structure import (
    find_title,
    protect_sheet_request,
    protection_ids,
    protection_problem,
)

HINT = (
    "Someone may have changed the host passcodes, so they are not used. Unlock with the "
    "app's host passcode (WORKSHOP_HOST_PASSCODE), or run `workshop sheets prepare <sheet> "
    "--workshop <id> --passcode <new passcode>`, which protects the worksheet again and "
    "sets a new passcode."
)


class HostPasscodes:
    """Reads and writes the Hosts worksheet, checking its protection first."""

    def __init__(self, api: SheetsApi) -> None:
        self.api = api

    def _metadata(self) -> Any:
        spreadsheet = self.api.spreadsheet()

        def fetch() -> Any:
            self.api.pace("metadata")
            return spreadsheet.fetch_sheet_metadata(
                params={"fields": "sheets(properties(sheetId,title),protectedRanges)"}
            )

        return self.api.call(fetch)

    def check_protected(self) -> None:
        problem = protection_problem(self._metadata(), HOSTS, self.api.account)
        if problem:
            raise HostsUnprotected(
                f"The '{HOSTS}' worksheet of host passcodes is {_WHAT[problem]}.", hint=HINT
            )

    def protect_again(self) -> bool:
        """Protect a Hosts worksheet that lost its protection; its hashes are emptied.

        True when something had to be done. The hashes cannot be trusted any more,
        so hosts set a new passcode (or use the app's own).
        """
        metadata = self._metadata()
        if not protection_problem(metadata, HOSTS, self.api.account):
            return False
        sheets = self.api.sheets(force=True)
        title = find_title(sheets, HOSTS)
        if title is None:
            return False
        # Ranges someone opened up are replaced by one that only the app may edit.
        removals = [
            {"deleteProtectedRange": {"protectedRangeId": protection_id}}
            for protection_id in protection_ids(metadata, title)
        ]
        self.api.structure_update(
            [*removals, protect_sheet_request(sheets[title].sheet_id, self.api.account)], []
        )
        values, _key_col, hash_col = self._rows()
        if hash_col is not None:
            updates = [
                update
                for number, row in enumerate(values[1:], start=2)
                if cell(row, hash_col).strip()
                for update in row_updates(title, number, {hash_col: ""})
            ]
            self.api.values_batch_update(updates)
        return True

    def _rows(self) -> tuple[list[list[Any]], int | None, int | None]:
        spreadsheet = self.api.spreadsheet()
        title = find_title(self.api.sheets(), HOSTS) or HOSTS
        values = self.api.call(lambda: self.api.values_get(spreadsheet, title))
        header = read_header(values, HOSTS_HEADER)
        return values, header.col("workshop_id"), header.col("passcode_hash")

    def get(self, workshop_id: str) -> str:
        """The workshop's hash ("" if it has none), after checking the protection."""
        self.check_protected()
        values, key_col, hash_col = self._rows()
        if key_col is None or hash_col is None:
            return ""
        for row in values[1:]:
            if cell(row, key_col).strip() == workshop_id:
                return cell(row, hash_col).strip()
        return ""

    def set(self, workshop_id: str, passcode_hash: str) -> None:
        """Write the workshop's hash into its row, or a new row for it."""
        self.check_protected()
        values, key_col, hash_col = self._rows()
        if key_col is not None and hash_col is not None:
            for number, row in enumerate(values[1:], start=2):
                if cell(row, key_col).strip() == workshop_id:
                    self.api.values_batch_update(
                        row_updates(HOSTS, number, {hash_col: passcode_hash})
                    )
                    return
        self.api.append_once(HOSTS, [(workshop_id, [workshop_id, passcode_hash])], HOSTS_HEADER,
                             "workshop_id")  # fmt: skip


_WHAT = {
    "missing": "missing (press “Prepare the sheet” to create it)",
    "unprotected": "no longer protected",
    "editors": "open to more people than the app and the sheet's owner",
}
