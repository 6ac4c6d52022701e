"""A tutor who edits the shared Google Sheet gains nothing but their own group's cells.

Tutors are told to edit the sheet, so every one of them can read and change it
with their own Google account. Each test here is that person: the real gspread
library, signed in as another user of the local fake of the Sheets API (only
the transport is redirected), doing what a curious or malicious editor would.
What they try and what must hold:

* paste a hash of a passcode they chose into the Hosts worksheet: Google
  refuses the write (403, protected range), and their passcode opens nothing;
* paste it into the columns where the first release kept secrets (Settings'
  ``passcode_hash``, ``results_token``; Groups' ``join_code``): ignored;
* read every worksheet: no join code, results token or history token is there
  to copy, and nothing copied from another group's row opens that group;
* the sheet's owner removes the protection (or opens it to everybody): the
  app stops trusting the hashes and says so, until ``prepare`` protects the
  worksheet again and a new passcode is set.

Expected codes come from an independent HMAC computation in this file, not from
:mod:`workshop.keys`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gspread
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.support.apptest import ROOT, texts
from tests.support.fake_sheets import gspread_client
from tests.support.rehearsal import other_user
from tests.support.sheets_backend import SheetsFixture, sheets_fixture
from workshop import keys, security
from workshop.access import HostCheck, Keys, join_code_matches, results_access
from workshop.models import Group, Workshop
from workshop.store.base import HostsUnprotected
from workshop.store.sheets import SheetsStore
from workshop.workshops import GroupDraft, create_workshop, regenerate_links

PASSCODE = "the-hosts-own-passcode"
MINE = "tutor-chose-this"
SECRET = "editor-attack-app-secret-0123456789abcdef"
APP_KEYS = Keys(keys.secret_bytes(SECRET))


def hmac_code(workshop_id: str, group_id: str, generation: int) -> str:
    """The join code as the README describes it, computed here independently."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    message = "\x1f".join(("join", workshop_id, group_id, str(generation))).encode()
    number = int.from_bytes(hmac.new(SECRET.encode(), message, hashlib.sha256).digest(), "big")
    letters = []
    for _ in range(8):
        number, index = divmod(number, len(alphabet))
        letters.append(alphabet[index])
    return "".join(letters)


def hmac_token(purpose: str, *parts: str) -> str:
    message = "\x1f".join((purpose, *parts)).encode()
    digest = hmac.new(SECRET.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:22]


@dataclass
class Room:
    fixture: SheetsFixture
    store: SheetsStore
    workshop: Workshop
    groups: list[Group]
    owner_info: dict[str, Any]

    def as_tutor(self) -> Any:
        """The spreadsheet as a tutor with edit access sees it (their own account)."""
        info = other_user(self.fixture.fake.service_account_info(), "tutor-a")
        return gspread_client(info, self.fixture.fake.base_url).open_by_key(self.fixture.key)

    def as_owner(self) -> Any:
        """The person who made the sheet and shared it with the app."""
        return gspread_client(self.owner_info, self.fixture.fake.base_url).open_by_key(
            self.fixture.key
        )

    def fresh_store(self) -> SheetsStore:
        self.store.invalidate()
        return self.store


@pytest.fixture
def room() -> Iterator[Room]:
    with sheets_fixture() as fixture:
        owner_info = other_user(fixture.fake.service_account_info(), "host-person")
        fixture.fake._spreadsheets[fixture.key].owner = owner_info["client_email"]
        store = fixture.open_store(cache_seconds=0.0)
        workshop, groups = create_workshop(
            store,
            title="Round 1",
            date="2026-11-23",
            language="en",
            rubric_id="ml-test-score",
            agenda_id="standard-60",
            passcode=PASSCODE,
            groups=[
                GroupDraft("Team A", "Search", "production", "Ann"),
                GroupDraft("Team B", "Ads", "production", "Bo"),
            ],
        )
        try:
            yield Room(fixture, store, workshop, groups, owner_info)
        finally:
            store.close()


def _every_cell(spreadsheet: Any) -> list[str]:
    cells: list[str] = []
    for worksheet in spreadsheet.worksheets():
        for row in worksheet.get_all_values():
            cells.extend(str(value) for value in row)
    return cells


def test_a_pasted_hash_is_refused_by_google_and_opens_nothing(room: Room) -> None:
    tutor = room.as_tutor()
    hosts = tutor.worksheet("Hosts")
    assert hosts.get_all_values()[1][0] == room.workshop.id  # readable, as Google allows
    with pytest.raises(gspread.exceptions.APIError) as refused:
        hosts.update([[security.hash_passcode(MINE)]], "B2")
    assert refused.value.code == 403
    with pytest.raises(gspread.exceptions.APIError):  # nor a row of their own
        hosts.append_row([room.workshop.id, security.hash_passcode(MINE)])

    check = HostCheck(room.fresh_store())
    assert not check.allowed(room.workshop, MINE)
    assert check.allowed(room.workshop, PASSCODE)


def test_hashes_and_tokens_pasted_where_the_first_release_kept_them_are_ignored(
    room: Room,
) -> None:
    tutor = room.as_tutor()
    settings = tutor.worksheet("Settings")
    width = len(settings.row_values(1))
    settings.add_cols(2)
    settings.update(
        [["passcode_hash", "results_token"], [security.hash_passcode(MINE), "my-own-token"]],
        gspread.utils.rowcol_to_a1(1, width + 1),
        raw=True,
    )
    groups = tutor.worksheet("Groups")
    width = len(groups.row_values(1))
    groups.add_cols(2)
    groups.update(
        [["join_code", "results_token"], ["MINECODE", "group-token"]],
        gspread.utils.rowcol_to_a1(1, width + 1),
        raw=True,
    )

    store = room.fresh_store()
    assert not HostCheck(store).allowed(room.workshop, MINE)
    snapshot = store.snapshot(room.workshop.id)
    assert results_access(APP_KEYS, snapshot, "my-own-token") is None
    assert results_access(APP_KEYS, snapshot, "group-token") is None
    team_a = snapshot.group(room.groups[0].id)
    assert not join_code_matches(APP_KEYS, team_a, "MINECODE")


def test_nothing_in_the_sheet_opens_a_group_or_its_results(room: Room) -> None:
    workshop, (team_a, team_b) = room.workshop, room.groups
    secrets_of_the_room = {
        hmac_code(workshop.id, team_a.id, 0),
        hmac_code(workshop.id, team_b.id, 0),
        hmac_token("results", workshop.id, "", "0"),
        hmac_token("results", workshop.id, team_a.id, "0"),
        hmac_token("results", workshop.id, team_b.id, "0"),
        hmac_token("history", "0"),
        SECRET,
        PASSCODE,
    }
    # The independent computation agrees with what the app hands out.
    assert hmac_code(workshop.id, team_b.id, 0) == APP_KEYS.join_code(team_b)
    assert hmac_token("history", "0") == APP_KEYS.history_token()

    cells = _every_cell(room.as_tutor())
    assert len(cells) > 100  # the whole sheet was read
    leaked = {s for s in secrets_of_the_room for c in cells if s in c}
    assert leaked == set()


def test_copying_another_groups_row_gains_nothing(room: Room) -> None:
    """Team A's tutor copies Team B's Groups row over their own (ids, generation and all)."""
    workshop, (team_a, team_b) = room.workshop, room.groups
    own_code = hmac_code(workshop.id, team_a.id, 0)
    tutor = room.as_tutor()
    groups = tutor.worksheet("Groups")
    values = groups.get_all_values()
    row_b = next(row for row in values if team_b.id in row)
    row_a_number = next(n for n, row in enumerate(values, start=1) if team_a.id in row)
    groups.update([row_b], f"A{row_a_number}", raw=True)

    snapshot = room.fresh_store().snapshot(workshop.id)
    for group in snapshot.groups:  # whatever the sheet says now, A's code opens no group but A
        assert not join_code_matches(APP_KEYS, group, own_code) or group.id == team_a.id
    # And setting B's link generation to anything leaves A's code useless for B.
    for generation in range(10):
        assert hmac_code(workshop.id, team_b.id, generation) != own_code


def test_a_new_link_for_a_group_stops_the_old_code_at_once(room: Room) -> None:
    workshop, team_a = room.workshop, room.groups[0]
    old_code = hmac_code(workshop.id, team_a.id, 0)
    regenerate_links(room.store, workshop.id, team_a.id)
    renewed = room.fresh_store().snapshot(workshop.id).group(team_a.id)
    assert renewed.link_generation == 1
    assert not join_code_matches(APP_KEYS, renewed, old_code)
    assert join_code_matches(APP_KEYS, renewed, hmac_code(workshop.id, team_a.id, 1))


@pytest.mark.parametrize("how", ["removed", "opened to everybody"])
def test_lifting_the_protection_is_detected_and_refused_until_prepared_again(
    room: Room, how: str
) -> None:
    (protection,) = room.fixture.fake.protections(room.fixture.key, "Hosts")
    owner = room.as_owner()
    if how == "removed":
        request = {"deleteProtectedRange": {"protectedRangeId": protection["protectedRangeId"]}}
    else:
        opened = dict(protection, editors={"users": [], "domainUsersCanEdit": True})
        request = {"updateProtectedRange": {"protectedRange": opened, "fields": "editors"}}
    owner.batch_update({"requests": [request]})
    # With the protection gone, anybody could paste a hash: the tutor does.
    room.as_tutor().worksheet("Hosts").update([[security.hash_passcode(MINE)]], "B2")

    check = HostCheck(room.fresh_store())
    with pytest.raises(HostsUnprotected) as refused:
        check.allowed(room.workshop, MINE)
    assert "workshop sheets prepare" in refused.value.hint
    with pytest.raises(HostsUnprotected):  # the right passcode is refused too: no hash is trusted
        check.allowed(room.workshop, PASSCODE)
    # The app's own passcode (from its secret configuration) still opens host controls.
    assert HostCheck(room.store, "app-level-passcode").allowed(room.workshop, "app-level-passcode")

    report = room.store.prepare(room.workshop.id)
    assert report.hosts_reprotected
    (protection,) = room.fixture.fake.protections(room.fixture.key, "Hosts")
    assert (
        protection["editors"]["users"][0]
        == room.fixture.fake.service_account_info()["client_email"]
    )
    assert not protection["editors"].get("domainUsersCanEdit")
    # The pasted hash was emptied with the others: neither passcode opens until a new one is set.
    check = HostCheck(room.fresh_store())
    assert not check.allowed(room.workshop, MINE)
    assert not check.allowed(room.workshop, PASSCODE)
    room.store.set_host_passcode_hash(room.workshop.id, security.hash_passcode("a-new-passcode"))
    assert HostCheck(room.fresh_store()).allowed(room.workshop, "a-new-passcode")


def test_preparing_the_sheet_empties_old_secret_columns_and_never_adopts_their_hash(
    room: Room,
) -> None:
    """A first-release sheet kept hashes where tutors edit: ``prepare`` trusts none of them."""
    tutor = room.as_tutor()
    settings = tutor.worksheet("Settings")
    width = len(settings.row_values(1))
    settings.add_cols(1)
    settings.update(
        [["passcode_hash"], [security.hash_passcode(MINE)]],
        gspread.utils.rowcol_to_a1(1, width + 1),
        raw=True,
    )

    report = room.store.prepare(room.workshop.id)
    assert report.secrets_emptied == 1
    assert not report.hosts_reprotected  # Hosts itself was never touched
    store = room.fresh_store()
    assert not HostCheck(store).allowed(room.workshop, MINE)
    assert HostCheck(store).allowed(room.workshop, PASSCODE)  # the protected hash stays
    column = room.fixture.fake.values(room.fixture.key, "Settings")
    assert [row[width] if len(row) > width else "" for row in column] == ["passcode_hash", ""]


def test_the_host_is_told_when_the_protection_is_gone(
    room: Room, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The host page on the Sheets store: unlocking says why it cannot, and opens nothing."""
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(room.fixture.fake.service_account_info()))
    for name, value in {
        "WORKSHOP_STORE": "sheets",
        "WORKSHOP_SHEET": room.fixture.key,
        "GOOGLE_APPLICATION_CREDENTIALS": str(key_file),
        "WORKSHOP_SHEETS_ENDPOINT": room.fixture.fake.base_url,
        "WORKSHOP_DATA_DIR": str(tmp_path / "data"),
        "WORKSHOP_APP_SECRET": SECRET,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("WORKSHOP_HOST_PASSCODE", raising=False)
    monkeypatch.delenv("WORKSHOP_DB", raising=False)
    (protection,) = room.fixture.fake.protections(room.fixture.key, "Hosts")
    room.as_owner().batch_update(
        {
            "requests": [
                {"deleteProtectedRange": {"protectedRangeId": protection["protectedRangeId"]}}
            ]
        }
    )
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        at.query_params["w"] = room.workshop.id
        at.switch_page("views/host.py").run()
        at.text_input(key=f"host_pass_{room.workshop.id}").input(PASSCODE)
        next(b for b in at.get("form_submit_button") if b.label == "Unlock").click().run()
        assert not at.exception
        body = texts(at)
        assert "Host passcodes cannot be trusted" in body
        assert "workshop sheets prepare" in body
        assert APP_KEYS.join_code(room.groups[0]) not in body and "Team A" not in body
    finally:
        st.cache_resource.clear()
