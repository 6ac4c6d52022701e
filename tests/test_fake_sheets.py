"""The fake Sheets API, driven by the real gspread + google-auth through the redirected transport.

These tests pin the behaviours the app's Sheets store relies on (A1 ranges, value input and
rendering, batching, errors, faults, quota), so a store test that passes against the fake means
the same calls are shaped correctly for Google.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from gspread.utils import ValidationConditionType

from tests.support.clock import ManualClock
from tests.support.fake_sheets import (
    FakeSheetsServer,
    StoredCell,
    parse_a1,
    peak_in_window,
    redirecting_session,
    spawn_fake,
    split_range,
)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeSheetsServer]:
    with FakeSheetsServer(clock=clock) as server:
        yield server


@pytest.fixture
def gc(fake: FakeSheetsServer) -> gspread.Client:
    return fake.gspread_client()


def _writes(fake: FakeSheetsServer) -> list[Any]:
    return [r for r in fake.requests_log() if r.kind == "write"]


# ---- A1 parsing (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("'Team A'!A1:G30", ("Team A", "A1:G30")),
        ("'Team A'", ("Team A", None)),
        ("'It''s'!B2", ("It's", "B2")),
        ("Sheet1!A2:G", ("Sheet1", "A2:G")),
        ("Sheet1", ("Sheet1", None)),
        ("A1:B2", (None, "A1:B2")),
        ("'チーム'!A:C", ("チーム", "A:C")),
    ],
)
def test_split_range(text: str, expected: tuple[str | None, str | None]) -> None:
    assert split_range(text) == expected


def test_parse_a1_open_and_anchor_ranges() -> None:
    assert parse_a1("A2:G") == parse_a1("$A$2:$G")
    open_rows = parse_a1("A2:G")
    assert open_rows is not None
    assert (open_rows.r0, open_rows.c0, open_rows.r1, open_rows.c1) == (1, 0, None, 7)
    anchor = parse_a1("C5")
    assert anchor is not None and anchor.anchor and (anchor.r0, anchor.c0) == (4, 2)
    assert parse_a1("Team") is None
    assert parse_a1("A0") is None


def test_peak_in_window_counts_a_sliding_minute() -> None:
    assert peak_in_window([0, 10, 59.9, 60, 61]) == 4  # 10..61 fits in [10, 70)
    assert peak_in_window([0, 60, 120]) == 1
    assert peak_in_window([]) == 0


# ---- real gspread through the redirect ---------------------------------------------------------


def test_open_by_key_lists_worksheets_and_gets_a_real_token(
    fake: FakeSheetsServer, gc: gspread.Client
) -> None:
    key = fake.create_spreadsheet("Workshop 2024", sheets=("Team A", "チームB"), locale="ja_JP")
    sh = gc.open_by_key(key)
    assert sh.title == "Workshop 2024"
    assert sh.locale == "ja_JP"
    assert [ws.title for ws in sh.worksheets()] == ["Team A", "チームB"]
    assert sh.worksheet("チームB").index == 1
    tokens = [r for r in fake.requests_log() if r.kind == "token"]
    assert [t.status for t in tokens] == [200]
    assert not tokens[0].counted
    api = [r for r in fake.requests_log() if r.kind in ("meta", "read", "write")]
    assert api and all(r.user == "fake-sa@fake-project.iam.gserviceaccount.com" for r in api)


def test_token_endpoint_rejects_a_jwt_signed_by_another_key(fake: FakeSheetsServer) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from google.auth import crypt, jwt

    other = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    claims = {"iss": "x@y", "aud": "https://oauth2.googleapis.com/token", "scope": "s"}
    forged = jwt.encode(crypt.RSASigner.from_string(pem), claims).decode()
    grant = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    resp = requests.post(
        f"{fake.base_url}/token", data={"grant_type": grant, "assertion": forged}, timeout=5
    )
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_grant"
    wrong_grant = requests.post(
        f"{fake.base_url}/token", data={"grant_type": "password", "assertion": forged}, timeout=5
    )
    assert wrong_grant.json()["error"] == "unsupported_grant_type"


def test_missing_or_unknown_bearer_token_is_401(fake: FakeSheetsServer) -> None:
    key = fake.create_spreadsheet()
    url = f"{fake.base_url}/v4/spreadsheets/{key}"
    for headers in ({}, {"Authorization": "Bearer fake-999"}):
        resp = requests.get(url, headers=headers, timeout=5)
        assert resp.status_code == 401
        assert resp.json()["error"]["status"] == "UNAUTHENTICATED"


def test_expired_token_is_refreshed_transparently(
    fake: FakeSheetsServer, gc: gspread.Client
) -> None:
    key = fake.create_spreadsheet()
    ws = gc.open_by_key(key).sheet1
    fake.expire_tokens()
    assert ws.get_all_values() == [[]]
    statuses = [(r.kind, r.status) for r in fake.requests_log() if r.kind != "iam"]
    assert statuses[-3:] == [("read", 401), ("token", 200), ("read", 200)]


def test_raw_update_keeps_formula_text_and_user_entered_parses(
    fake: FakeSheetsServer, gc: gspread.Client
) -> None:
    key = fake.create_spreadsheet(sheets=("Team A",))
    ws = gc.open_by_key(key).worksheet("Team A")
    link = '=HYPERLINK("https://example.org/t/1","item 1")'
    ws.update([[link, 1, 0.5, "0.5"]], "A1")
    ws.update([[link, "1", "0.5", "'0.5", "true"]], "A2", raw=False)

    assert fake.cell(key, "Team A", "A1") == StoredCell(link, False)
    assert fake.cell(key, "Team A", "A2") == StoredCell(link, True)
    assert fake.cell(key, "Team A", "D1") == StoredCell("0.5", False)  # RAW text stays text
    assert fake.cell(key, "Team A", "C2") == StoredCell(0.5, False)  # typed number parsed
    assert fake.cell(key, "Team A", "D2") == StoredCell("0.5", False)  # apostrophe forces text
    assert fake.cell(key, "Team A", "E2") == StoredCell(True, False)
    assert ws.get_all_values() == [
        [link, "1", "0.5", "0.5", ""],
        ["item 1", "1", "0.5", "0.5", "TRUE"],
    ]
    unformatted = ws.get("A1:E2", value_render_option="UNFORMATTED_VALUE")
    assert unformatted == [[link, 1, 0.5, "0.5"], ["item 1", 1, 0.5, "0.5", True]]
    assert ws.get("A2", value_render_option="FORMULA") == [[link]]


def test_values_batch_get_with_quoted_and_japanese_titles(
    fake: FakeSheetsServer, gc: gspread.Client
) -> None:
    key = fake.create_spreadsheet(sheets=("Team A", "チームB", "Sheet1"))
    fake.set_values(key, "Team A", [["id", "score"], ["d1", "1"], [], ["d3", "0.5", "", ""]])
    fake.set_values(key, "チームB", [["m1", "0"]], start="B2")
    sh = gc.open_by_key(key)
    got = sh.values_batch_get(["'Team A'!A1:G30", "'チームB'", "'Team A'!A2:G", "Sheet1"])
    ranges = got["valueRanges"]
    assert [r["range"] for r in ranges] == [
        "'Team A'!A1:G30",
        "'チームB'!A1:Z1000",
        "'Team A'!A2:G1000",
        "Sheet1!A1:Z1000",
    ]
    assert ranges[0]["values"] == [["id", "score"], ["d1", "1"], [], ["d3", "0.5"]]
    assert ranges[1]["values"] == [[], ["", "m1", "0"]]
    assert ranges[2]["values"] == [["d1", "1"], [], ["d3", "0.5"]]
    assert "values" not in ranges[3]  # an empty range has no values key, like Google
    reads = [r for r in fake.requests_log() if r.kind == "read"]
    assert len(reads) == 1

    columns = sh.values_get("'Team A'!A1:B2", params={"majorDimension": "COLUMNS"})
    assert columns["values"] == [["id", "d1"], ["score", "1"]]


def test_worksheet_batch_get_and_batch_update_use_one_request_each(
    fake: FakeSheetsServer, gc: gspread.Client
) -> None:
    key = fake.create_spreadsheet(sheets=("Team A",))
    ws = gc.open_by_key(key).worksheet("Team A")
    fake.reset_log()
    ws.batch_update(
        [
            {"range": "A1:B1", "values": [["id", "score"]]},
            {"range": "A3", "values": [["d2", 0.5]]},
            {"range": "C5:C6", "values": [["x"], ["y"]]},
        ]
    )
    assert len(_writes(fake)) == 1
    assert fake.values(key, "Team A") == [
        ["id", "score"],
        [],
        ["d2", "0.5"],
        [],
        ["", "", "x"],
        ["", "", "y"],
    ]
    first, second = ws.batch_get(["A1:B1", "C5:C6"])
    assert first == [["id", "score"]]
    assert second.range == "'Team A'!C5:C6"


def test_spreadsheet_values_batch_update_across_sheets_is_one_write(
    fake: FakeSheetsServer, gc: gspread.Client
) -> None:
    key = fake.create_spreadsheet(sheets=("Team A", "チームB"))
    sh = gc.open_by_key(key)
    fake.reset_log()
    result = sh.values_batch_update(
        {
            "valueInputOption": "RAW",
            "data": [
                {"range": "'Team A'!B2", "values": [["1"]]},
                {"range": "'チームB'!B2:C2", "values": [["0.5", "note"]]},
            ],
        }
    )
    assert len(_writes(fake)) == 1
    assert result["totalUpdatedCells"] == 3
    assert result["totalUpdatedSheets"] == 2
    assert fake.values(key, "チームB") == [[], ["", "0.5", "note"]]


def test_batch_update_is_all_or_nothing(fake: FakeSheetsServer, gc: gspread.Client) -> None:
    key = fake.create_spreadsheet(sheets=("Team A",))
    sh = gc.open_by_key(key)
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.values_batch_update(
            {
                "valueInputOption": "RAW",
                "data": [
                    {"range": "'Team A'!A1", "values": [["kept?"]]},
                    {"range": "'Missing'!A1", "values": [["x"]]},
                ],
            }
        )
    assert err.value.code == 400
    assert fake.values(key, "Team A") == []


def test_append_rows_after_the_table_and_insert_rows(
    fake: FakeSheetsServer, gc: gspread.Client
) -> None:
    key = fake.create_spreadsheet(sheets=("Log",), rows=3, cols=4)
    ws = gc.open_by_key(key).worksheet("Log")
    ws.update([["when", "who"]], "A1")
    result = ws.append_rows([["t1", "a"], ["t2", "b"], ["t3", "c"]])
    assert result["updates"]["updatedRange"] == "Log!A2:B4"
    assert fake.grid_size(key, "Log") == (4, 4)  # append grows the rows, like Google
    ws.append_rows([["t4", "=1+1"]], value_input_option="USER_ENTERED")
    assert fake.values(key, "Log")[-1] == ["t4", "=1+1"]
    assert fake.cell(key, "Log", "B5").formula

    fake.set_values(key, "Log", [["footer"]], start="D5")
    ws.append_rows([["t5", "e"]], insert_data_option="INSERT_ROWS", table_range="A1:B1")
    assert fake.values(key, "Log")[5] == ["t5", "e"]
    assert fake.cell(key, "Log", "D5") == StoredCell("footer", False)
    assert fake.grid_size(key, "Log") == (6, 4)

    ws.insert_rows([["t0", "z"]], row=2)  # insertDimension + append at the empty new row
    assert [row[0] for row in fake.values(key, "Log")] == [
        "when",
        "t0",
        "t1",
        "t2",
        "t3",
        "t4",
        "t5",
    ]
    fake.set_values(key, "Log", [["", ""]], start="A4")  # a person blanks a middle row...
    ws.append_row(["gap", "filled"])  # ...and the append lands in that gap, as with Google
    assert fake.values(key, "Log")[3] == ["gap", "filled"]


def test_add_rename_resize_and_delete_worksheets(
    fake: FakeSheetsServer, gc: gspread.Client
) -> None:
    key = fake.create_spreadsheet(sheets=("Sheet1",))
    sh = gc.open_by_key(key)
    ws = sh.add_worksheet("Team A", rows=10, cols=7)
    assert ws.id != 0 and ws.index == 1
    assert fake.grid_size(key, "Team A") == (10, 7)
    ws.update_title("チームA")
    ws.resize(rows=30)
    assert fake.sheet_titles(key) == ["Sheet1", "チームA"]
    assert fake.grid_size(key, "チームA") == (30, 7)
    with pytest.raises(gspread.exceptions.APIError) as dup:
        sh.add_worksheet("sheet1", rows=1, cols=1)  # names are unique regardless of case
    assert dup.value.code == 400 and "already exists" in dup.value.error["message"]
    sh.del_worksheet(sh.worksheet("Sheet1"))
    assert [w.title for w in sh.worksheets()] == ["チームA"]
    with pytest.raises(gspread.exceptions.APIError) as last:
        sh.del_worksheet(ws)
    assert "can't remove all the sheets" in last.value.error["message"]


def test_writes_outside_the_grid_fail_like_google(
    fake: FakeSheetsServer, gc: gspread.Client
) -> None:
    key = fake.create_spreadsheet(sheets=("Small",), rows=2, cols=2)
    ws = gc.open_by_key(key).worksheet("Small")
    with pytest.raises(gspread.exceptions.APIError) as rows:
        ws.update([["a"], ["b"], ["c"]], "A1")
    assert rows.value.error["message"].startswith("Range (Small!A3) exceeds grid limits")
    with pytest.raises(gspread.exceptions.APIError) as box:
        ws.update([["a", "b", "c"]], "A1:B1")
    assert "tried writing to column [C]" in box.value.error["message"]
    ws.add_rows(1)
    ws.update([["a"], ["b"], ["c"]], "A1")
    assert fake.values(key, "Small") == [["a"], ["b"], ["c"]]


def test_set_data_validation_is_stored(fake: FakeSheetsServer, gc: gspread.Client) -> None:
    key = fake.create_spreadsheet(sheets=("Team A",))
    ws = gc.open_by_key(key).worksheet("Team A")
    ws.add_validation("C2:C4", ValidationConditionType.one_of_list, ["0", "0.5", "1"], strict=True)
    rule = fake.validation(key, "Team A", "C3")
    assert rule is not None
    assert rule["condition"]["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in rule["condition"]["values"]] == ["0", "0.5", "1"]
    assert rule["strict"] is True
    assert fake.validation(key, "Team A", "C5") is None
    assert fake.validation(key, "Team A", "B3") is None


def test_formatting_requests_are_accepted_and_recorded(
    fake: FakeSheetsServer, gc: gspread.Client
) -> None:
    key = fake.create_spreadsheet(sheets=("Team A",))
    ws = gc.open_by_key(key).worksheet("Team A")
    ws.format("A1:G1", {"textFormat": {"bold": True}})
    ws.freeze(rows=1)
    assert [next(iter(r)) for r in fake.other_requests(key)] == ["repeatCell"]
    meta = gc.open_by_key(key).fetch_sheet_metadata()
    assert meta["sheets"][0]["properties"]["gridProperties"]["frozenRowCount"] == 1


def test_errors_are_google_shaped(fake: FakeSheetsServer, gc: gspread.Client) -> None:
    with pytest.raises(gspread.exceptions.SpreadsheetNotFound):
        gc.open_by_key("no-such-key")

    key = fake.create_spreadsheet(sheets=("Team A",))
    sh = gc.open_by_key(key)
    with pytest.raises(gspread.exceptions.APIError) as bad_range:
        sh.values_get("'Team Z'!A1:B2")
    assert bad_range.value.code == 400
    assert bad_range.value.error == {
        "code": 400,
        "message": "Unable to parse range: 'Team Z'!A1:B2",
        "status": "INVALID_ARGUMENT",
    }

    fake.unshare(key)
    with pytest.raises(gspread.exceptions.APIError) as denied:
        sh.values_get("'Team A'!A1")
    assert denied.value.code == 403
    assert denied.value.error["message"] == "The caller does not have permission"
    with pytest.raises(PermissionError):
        gc.open_by_key(key)
    fake.share(key)
    assert sh.values_get("'Team A'!A1")["range"] == "'Team A'!A1"


def test_a_person_renaming_a_sheet_breaks_old_ranges(
    fake: FakeSheetsServer, gc: gspread.Client
) -> None:
    key = fake.create_spreadsheet(sheets=("Team A", "Team B"))
    sh = gc.open_by_key(key)
    fake.rename_sheet(key, "Team A", "Team A (old)")
    fake.delete_sheet(key, "Team B")
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.values_batch_get(["'Team A'!A1:B2"])
    assert err.value.code == 400
    assert [w.title for w in sh.worksheets()] == ["Team A (old)"]


def test_google_auth_side_calls_stay_local_and_other_hosts_are_refused(
    fake: FakeSheetsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # google-auth 2.63 made its access-boundary lookup opt-in; turn it on so the side call
    # still happens here and the test proves it is answered by the fake, not by Google.
    monkeypatch.setenv(
        "GOOGLE_SDK_EXPERIMENTAL_PYTHON_REGIONAL_ACCESS_BOUNDARY_LOOKUP_ENABLED", "true"
    )
    gc = fake.gspread_client()
    key = fake.create_spreadsheet(title="Named")
    gc.open_by_key(key)
    deadline = time.monotonic() + 5
    while not any(r.kind == "iam" for r in fake.requests_log()) and time.monotonic() < deadline:
        time.sleep(0.01)  # google-auth's boundary lookup runs in a background thread
    iam = [r for r in fake.requests_log() if r.kind == "iam"]
    assert iam and iam[0].status == 200
    with pytest.raises(requests.exceptions.ConnectionError, match="refusing a real network"):
        gc.open("Named")  # gspread asks the Drive API for titles: not faked, never sent


# ---- faults and quota --------------------------------------------------------------------------


def test_injected_429_then_recovery(fake: FakeSheetsServer, gc: gspread.Client) -> None:
    key = fake.create_spreadsheet(sheets=("Team A",))
    ws = gc.open_by_key(key).worksheet("Team A")
    fake.inject(429, count=2)
    for _ in range(2):
        with pytest.raises(gspread.exceptions.APIError) as err:
            ws.get_all_values()
        assert err.value.code == 429
        assert err.value.error["status"] == "RESOURCE_EXHAUSTED"
        assert "Quota exceeded for quota metric 'Read requests'" in err.value.error["message"]
    assert ws.get_all_values() == [[]]


def test_injected_html_502_is_not_json(fake: FakeSheetsServer, gc: gspread.Client) -> None:
    key = fake.create_spreadsheet()
    sh = gc.open_by_key(key)
    fake.inject(502, html=True)
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.values_get("A1")
    assert err.value.response.status_code == 502
    assert err.value.code == -1  # what gspread reports when Google's front end answers in HTML


def test_fail_for_uses_the_server_clock(
    fake: FakeSheetsServer, gc: gspread.Client, clock: ManualClock
) -> None:
    key = fake.create_spreadsheet()
    sh = gc.open_by_key(key)
    fake.fail_for(30, status=503)
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.values_get("A1")
    assert err.value.code == 503
    clock.advance(31)
    assert sh.values_get("A1")["range"] == "Sheet1!A1"


def test_drop_next_closes_the_connection(fake: FakeSheetsServer, gc: gspread.Client) -> None:
    key = fake.create_spreadsheet(sheets=("Team A",))
    ws = gc.open_by_key(key).worksheet("Team A")
    fake.drop_next(1)
    with pytest.raises(requests.exceptions.ConnectionError):
        ws.update([["lost"]], "A1")
    assert fake.values(key, "Team A") == []

    fake.drop_next(1, apply=True)  # the write lands but its response is lost
    with pytest.raises(requests.exceptions.ConnectionError):
        ws.update([["landed"]], "A1")
    assert fake.values(key, "Team A") == [["landed"]]
    assert ws.get_all_values() == [["landed"]]
    dropped = [r for r in fake.requests_log() if r.dropped]
    assert [(r.kind, r.status) for r in dropped] == [("write", 0), ("write", 200)]


def test_quota_61st_request_in_a_minute_is_refused_and_not_applied(
    fake: FakeSheetsServer, gc: gspread.Client, clock: ManualClock
) -> None:
    key = fake.create_spreadsheet(sheets=("Team A",))
    sh = gc.open_by_key(key)
    fake.set_quota(60)
    fake.reset_log()
    for i in range(60):
        clock.advance(0.5)  # 60 requests spread over 30 s
        sh.values_get(f"'Team A'!A{i + 1}")
    with pytest.raises(gspread.exceptions.APIError) as err:
        sh.values_get("'Team A'!A1")
    assert err.value.code == 429
    raw = {"valueInputOption": "RAW"}
    with pytest.raises(gspread.exceptions.APIError) as write_err:
        sh.values_update("'Team A'!A1", params=raw, body={"values": [["x"]]})
    assert "'Write requests per minute per user'" in write_err.value.error["message"]
    assert fake.values(key, "Team A") == []  # refused writes are not applied
    assert fake.peak_per_minute() == 60
    assert fake.peak_per_minute("read") == 60
    assert fake.peak_per_minute("write") == 0

    clock.advance(31)  # the first request (t+0.5) leaves the window at t+60.5
    sh.values_update("'Team A'!A1", params=raw, body={"values": [["x"]]})
    assert fake.values(key, "Team A") == [["x"]]
    assert fake.peak_per_minute() == 60
    statuses = [r.status for r in fake.requests_log()]
    assert statuses.count(429) == 2


# ---- separate process, driven over HTTP --------------------------------------------------------


def test_separate_process_serves_and_is_driven_over_http(tmp_path: Path) -> None:
    with spawn_fake(tmp_path, quota=100, create=("Rehearsal",)) as proc:
        key = proc.spreadsheets["Rehearsal"]
        info = proc.service_account_info()
        assert info["token_uri"] == f"{proc.base_url}/token"
        assert info["client_email"].endswith(".iam.gserviceaccount.com")

        from google.oauth2 import service_account

        creds = service_account.Credentials.from_service_account_info(
            info, scopes=["https://www.googleapis.com/auth/spreadsheets"]
        )
        gc = gspread.Client(auth=creds, session=redirecting_session(creds, proc.base_url))
        sh = gc.open_by_key(key)
        sh.sheet1.update([["=SUM(1)"]], "A1", raw=False)
        remote = proc.remote
        assert remote.cell(key, "Sheet1", "A1") == StoredCell("=SUM(1)", True)
        remote.add_sheet(key, "Team A")
        remote.set_values(key, "Team A", [["typed", "1"]])
        assert sh.worksheet("Team A").get_all_values() == [["typed", "1"]]
        assert remote.values(key, "Team A") == [["typed", "1"]]

        remote.inject(500)
        with pytest.raises(gspread.exceptions.APIError) as err:
            sh.sheet1.get_all_values()
        assert err.value.code == 500
        remote.drop_next(1)
        with pytest.raises(requests.exceptions.ConnectionError):
            sh.sheet1.get_all_values()
        log = remote.requests_log()
        assert {r.kind for r in log} >= {"token", "meta", "read", "write"}
        assert remote.peak_per_minute() == sum(r.counted for r in log)
        remote.reset_log()
        assert [r for r in remote.requests_log() if r.kind != "iam"] == []

        second = remote.create_spreadsheet("Other", sheets=["X"])
        remote.unshare(second)
        with pytest.raises(PermissionError):
            gc.open_by_key(second)

        assert proc.stop() == 0  # SIGTERM is a clean shutdown
    assert not (tmp_path / "fake-sheets.ready.json").exists()


# ---- protected ranges -------------------------------------------------------------------------


def test_a_protected_sheet_refuses_writes_by_anyone_but_its_editors_and_the_owner(
    fake: FakeSheetsServer,
) -> None:
    from tests.support.fake_sheets import gspread_client
    from tests.support.rehearsal import other_user

    owner_info = other_user(fake.service_account_info(), "host-person")
    key = fake.create_spreadsheet(sheets=("Hosts", "Team A"), owner=owner_info["client_email"])
    app = fake.gspread_client().open_by_key(key)
    hosts_id = app.worksheet("Hosts").id
    app.batch_update(
        {"requests": [{"addProtectedRange": {"protectedRange": {
            "range": {"sheetId": hosts_id}, "description": "app only", "warningOnly": False,
            "editors": {"users": [fake.service_account_info()["client_email"]]},
        }}}]}
    )  # fmt: skip
    (protection,) = fake.protections(key, "Hosts")
    assert protection["editors"]["users"] == [
        "fake-sa@fake-project.iam.gserviceaccount.com",
        "host-person@fake-project.iam.gserviceaccount.com",  # Google adds the owner
    ]
    app.worksheet("Hosts").update([["w_1", "hash"]], "A1")  # the app may write

    tutor = gspread_client(other_user(fake.service_account_info(), "tutor"), fake.base_url)
    sheet = tutor.open_by_key(key)
    with pytest.raises(gspread.exceptions.APIError) as refused:
        sheet.worksheet("Hosts").update([["w_1", "my own hash"]], "A1")
    assert refused.value.code == 403
    assert "protected cell or object" in refused.value.error["message"]
    sheet.worksheet("Team A").update([["fine"]], "A1")  # the rest stays open to tutors
    with pytest.raises(gspread.exceptions.APIError):  # a tutor cannot lift the protection
        sheet.batch_update(
            {
                "requests": [
                    {"deleteProtectedRange": {"protectedRangeId": protection["protectedRangeId"]}}
                ]
            }
        )
    assert fake.values(key, "Hosts") == [["w_1", "hash"]]

    # The owner can; the metadata then shows no protection, which is what the app checks.
    owner = gspread_client(owner_info, fake.base_url).open_by_key(key)
    owner.batch_update(
        {
            "requests": [
                {"deleteProtectedRange": {"protectedRangeId": protection["protectedRangeId"]}}
            ]
        }
    )
    metadata = app.fetch_sheet_metadata()
    hosts = next(s for s in metadata["sheets"] if s["properties"]["title"] == "Hosts")
    assert "protectedRanges" not in hosts
