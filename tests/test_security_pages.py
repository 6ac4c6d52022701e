"""Refusals: host controls, other groups' answers and results links without the right secret.

Every refusal is checked three ways: the page says why (a clear message, not a
traceback or an empty page), the protected controls and data are not rendered
at all, and the store is exactly as before (workshops, groups, answers, the
agenda clock and action items of every workshop).

The end of the file checks that no private key is committed and that the
service account's key never appears in settings' repr or in store errors.
"""

from __future__ import annotations

import base64
import re
import secrets
import subprocess
import traceback
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.apptest import KEYS, PASSCODE, PageEnv, texts
from workshop import clock as clk
from workshop.config import Settings, SettingsError, load_settings
from workshop.content import load_agenda
from workshop.models import ActionItem, AnswerChange, Group, Snapshot, Workshop
from workshop.store.base import Store, StoreConfigError, StoreError
from workshop.workshops import GroupDraft, create_workshop

ROOT = Path(__file__).resolve().parent.parent
OTHER_PASSCODE = "second-host-pass"
LOCKED = "Host controls are locked"
WRONG_PASSCODE = "That passcode is not right"
WRONG_CODE = "That join code does not belong to this group"
NOT_FOUND = "This workshop does not exist"
BAD_LINK = "This results link is not valid"
CONTROL_LABELS = ("Start", "Pause", "Resume", "+1 min", "+5 min", "Previous", "Next")
AT = "2026-11-23T10:00:00+00:00"


# --------------------------------------------------------------------------- fixtures


@dataclass
class Two:
    """Two live workshops with answers, a running clock and an action item each."""

    a: Workshop
    a_groups: list[Group]
    b: Workshop
    b_groups: list[Group]


def _fill(store: Store, workshop: Workshop, groups: list[Group], now: float) -> None:
    for n, group in enumerate(groups):
        store.save_answers(
            workshop.id,
            group.id,
            [AnswerChange("data-1", "1", f"note {n}"), AnswerChange("model-2", "0.5", "")],
            updated_by=f"Tutor {n}",
            updated_at=AT,
        )
    agenda = load_agenda(workshop.agenda_id)
    store.set_clock(workshop.id, clk.start(agenda, store.snapshot(workshop.id).clock, now))
    store.add_action(
        ActionItem(
            id=f"a_{workshop.id}",
            workshop_id=workshop.id,
            group_id=groups[0].id,
            item_id="monitor-1",
            what=f"Secret plan of {workshop.title}",
            owner="Owner",
            created_at=AT,
            created_by="host",
        )
    )


@pytest.fixture
def two(page_env: PageEnv) -> Two:
    a, a_groups = page_env.make_workshop()
    b, b_groups = create_workshop(
        page_env.store,
        title="Other org round",
        date="2026-11-24",
        language="en",
        rubric_id="ml-test-score",
        agenda_id="standard-60",
        passcode=OTHER_PASSCODE,
        groups=[GroupDraft("Team A", "Other system"), GroupDraft("Team B", "Another system")],
    )
    _fill(page_env.store, a, a_groups, page_env.clock())
    _fill(page_env.store, b, b_groups, page_env.clock())
    return Two(a, a_groups, b, b_groups)


def store_state(store: Store) -> list[Snapshot]:
    """Everything the store holds about every workshop, archived ones included."""
    store.invalidate()
    return [
        replace(store.snapshot(workshop.id), fetched_at=0.0)
        for workshop in store.list_workshops(include_archived=True)
    ]


def _submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.get("form_submit_button") if b.label == label).click().run()
    return at


def _try_passcode(at: AppTest, key: str, passcode: str) -> AppTest:
    at.text_input(key=f"host_pass_{key}").input(passcode)
    return _submit(at, "Unlock")


def _buttons(at: AppTest) -> set[str]:
    return {b.label for b in at.button} | {b.label for b in at.get("form_submit_button")}


def _answer_widgets(at: AppTest) -> list[str]:
    keys = [w.key or "" for w in [*at.radio, *at.text_area]]
    return [key for key in keys if key.startswith(("ans_", "note_"))]


WRONG_PASSCODES = ["", "wrong-passcode", PASSCODE.upper(), PASSCODE + " ", OTHER_PASSCODE]


# --------------------------------------------------------------------------- host controls


def test_host_panel_stays_locked_without_the_workshops_passcode(
    page_env: PageEnv, two: Two
) -> None:
    before = store_state(page_env.store)
    at = page_env.app("views/host.py", w=two.a.id)
    assert not at.exception
    for attempt in [None, *WRONG_PASSCODES]:
        if attempt is not None:
            _try_passcode(at, two.a.id, attempt)
            assert WRONG_PASSCODE in texts(at)
        body = texts(at)
        assert LOCKED in body
        assert not {"Archive", "Unarchive", "Prepare sheet"} & _buttons(at)
        assert not [label for label in _buttons(at) if "next round" in label]
        assert not at.get("image")  # no QR codes
        for group in two.a_groups:
            assert KEYS.join_code(group) not in body
            assert KEYS.results_token(two.a, group) not in body
        assert KEYS.results_token(two.a) not in body
    assert store_state(page_env.store) == before


def test_unlocking_one_workshop_does_not_open_another(page_env: PageEnv, two: Two) -> None:
    before = store_state(page_env.store)
    at = page_env.app("views/host.py", w=two.a.id)
    _try_passcode(at, two.a.id, PASSCODE)
    assert f"`{KEYS.join_code(two.a_groups[0])}`" in texts(at)
    # Open the other workshop in the same session: its own passcode is needed.
    open_b = [b for b in at.button if b.label == "Open"]
    assert len(open_b) == 1
    open_b[0].click().run()
    body = texts(at)
    assert LOCKED in body
    assert all(KEYS.join_code(group) not in body for group in two.b_groups)
    _try_passcode(at, two.b.id, PASSCODE)  # A's passcode is not B's
    assert WRONG_PASSCODE in texts(at)
    assert all(KEYS.join_code(group) not in texts(at) for group in two.b_groups)
    assert store_state(page_env.store) == before


def test_presenter_controls_need_the_passcode_of_that_workshop(page_env: PageEnv, two: Two) -> None:
    before = store_state(page_env.store)
    at = page_env.app("views/present.py", w=two.a.id)
    for attempt in [None, *WRONG_PASSCODES]:
        if attempt is not None:
            _try_passcode(at, f"present_{two.a.id}", attempt)
            assert WRONG_PASSCODE in texts(at)
        assert LOCKED in texts(at)
        assert not set(CONTROL_LABELS) & _buttons(at)
        assert not [b for b in at.button if b.key and b.key.startswith("c_jump")]
        assert not at.get("progress")  # nor the live board
    assert store_state(page_env.store) == before

    _try_passcode(at, f"present_{two.a.id}", PASSCODE)
    assert "Pause" in _buttons(at)
    at.query_params["w"] = two.b.id  # same session, the other workshop's presenter view
    at.run()
    assert LOCKED in texts(at)
    assert not set(CONTROL_LABELS) & _buttons(at)
    assert store_state(page_env.store) == before


def test_wrapup_and_action_items_need_the_passcode(page_env: PageEnv, two: Two) -> None:
    before = store_state(page_env.store)
    at = page_env.app("views/wrapup.py", w=two.a.id)
    for attempt in [None, *WRONG_PASSCODES]:
        if attempt is not None:
            _try_passcode(at, f"wrapup_{two.a.id}", attempt)
            assert WRONG_PASSCODE in texts(at)
        body = texts(at)
        assert LOCKED in body
        assert "Secret plan" not in body
        assert not at.dataframe and not at.get("download_button")
        assert not {"Add action item", "Delete", "Next prompt"} & _buttons(at)
        assert not at.text_area  # no action form
    assert store_state(page_env.store) == before

    _try_passcode(at, f"wrapup_{two.a.id}", PASSCODE)
    assert "Delete" in _buttons(at) and at.dataframe
    at.query_params["w"] = two.b.id
    at.run()
    body = texts(at)
    assert LOCKED in body and "Secret plan" not in body
    assert not {"Add action item", "Delete"} & _buttons(at)
    assert store_state(page_env.store) == before


def test_app_wide_passcode_replaces_the_workshops_own(
    page_env: PageEnv, two: Two, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSHOP_HOST_PASSCODE", "org-wide-passcode")
    before = store_state(page_env.store)
    at = page_env.app("views/present.py", w=two.a.id)
    _try_passcode(at, f"present_{two.a.id}", PASSCODE)  # the workshop's own no longer opens it
    assert WRONG_PASSCODE in texts(at)
    assert not set(CONTROL_LABELS) & _buttons(at)
    assert store_state(page_env.store) == before
    _try_passcode(at, f"present_{two.a.id}", "org-wide-passcode")
    assert "Pause" in _buttons(at)


@pytest.mark.parametrize("page", ["views/present.py", "views/wrapup.py", "views/tutor.py"])
def test_unknown_workshop_in_a_link_is_a_message_not_a_traceback(
    page_env: PageEnv, two: Two, page: str
) -> None:
    before = store_state(page_env.store)
    at = page_env.app(page, w="w_000000000000", g=two.a_groups[0].id, code="ABCDEF")
    assert not at.exception
    assert NOT_FOUND in texts(at)
    assert not _answer_widgets(at) and not set(CONTROL_LABELS) & _buttons(at)
    assert store_state(page_env.store) == before


# --------------------------------------------------------------------------- other groups' answers


def _tutor_cases(two: Two) -> dict[str, dict[str, str]]:
    a_team, b_team = two.a_groups[0], two.a_groups[1]
    return {
        "another group's code": {"w": two.a.id, "g": b_team.id, "code": KEYS.join_code(a_team)},
        "another workshop's code": {
            "w": two.a.id,
            "g": b_team.id,
            "code": KEYS.join_code(two.b_groups[1]),
        },
        "a made-up code": {"w": two.a.id, "g": b_team.id, "code": "AAAAAA"},
        "the workshop's passcode": {"w": two.a.id, "g": b_team.id, "code": PASSCODE},
    }


@pytest.mark.parametrize(
    "case",
    [
        "another group's code",
        "another workshop's code",
        "a made-up code",
        "the workshop's passcode",
    ],
)
def test_tutor_link_with_a_wrong_code_is_refused(page_env: PageEnv, two: Two, case: str) -> None:
    before = store_state(page_env.store)
    at = page_env.app("views/tutor.py", **_tutor_cases(two)[case])
    assert not at.exception
    body = texts(at)
    assert WRONG_CODE in body
    assert "Join your group" in body  # the page offers the way in, nothing else
    assert not _answer_widgets(at)
    assert "note 1" not in body  # the group's answers are not shown either
    assert store_state(page_env.store) == before


def test_tutor_link_without_a_code_asks_for_one(page_env: PageEnv, two: Two) -> None:
    before = store_state(page_env.store)
    at = page_env.app("views/tutor.py", w=two.a.id, g=two.a_groups[1].id)
    body = texts(at)
    assert "Join your group" in body and WRONG_CODE not in body
    assert not _answer_widgets(at)
    assert store_state(page_env.store) == before


def test_tutor_link_to_a_group_of_another_workshop_is_refused(page_env: PageEnv, two: Two) -> None:
    before = store_state(page_env.store)
    b_team = two.b_groups[0]
    at = page_env.app("views/tutor.py", w=two.a.id, g=b_team.id, code=KEYS.join_code(b_team))
    assert not at.exception
    assert NOT_FOUND in texts(at)
    assert not _answer_widgets(at)
    assert store_state(page_env.store) == before


def test_join_form_refuses_another_groups_code(page_env: PageEnv, two: Two) -> None:
    before = store_state(page_env.store)
    at = page_env.app("views/tutor.py")
    at.selectbox[0].select(two.a.id).run()
    at.selectbox[1].select(two.a_groups[1].id)
    at.text_input[0].input(KEYS.join_code(two.a_groups[0]))
    _submit(at, "Join")
    assert WRONG_CODE in texts(at)
    assert not _answer_widgets(at)
    assert store_state(page_env.store) == before


def test_a_tutor_session_cannot_switch_to_another_group(page_env: PageEnv, two: Two) -> None:
    mine, theirs = two.a_groups[0], two.a_groups[1]
    at = page_env.app("views/tutor.py", w=two.a.id, g=mine.id, code=KEYS.join_code(mine))
    at.radio(key="ans_data-2").set_value("1").run()
    assert page_env.store.snapshot(two.a.id).group_answers(mine.id)["data-2"].value == "1"
    before = store_state(page_env.store)

    at.query_params["g"] = theirs.id  # same session, the code still is mine
    at.run()
    assert WRONG_CODE in texts(at)
    assert not _answer_widgets(at)
    del at.query_params["code"]
    at.run()
    assert "Join your group" in texts(at) and not _answer_widgets(at)
    assert store_state(page_env.store) == before

    at.query_params["g"] = mine.id  # back to my own group: still joined, no code needed
    at.run()
    assert at.radio(key="ans_data-2").value == "1"


# --------------------------------------------------------------------------- results links


@pytest.mark.parametrize(
    "make_token",
    [
        lambda two: "not-a-real-token",
        lambda two: secrets.token_urlsafe(16),
        lambda two: KEYS.results_token(two.a).swapcase(),
        lambda two: KEYS.results_token(two.a, two.a_groups[0])[:-1],
        lambda two: KEYS.results_token(two.a, two.a_groups[0]) + "x",
        lambda two: two.a.id,
        lambda two: two.a_groups[0].id,
        lambda two: KEYS.join_code(two.a_groups[0]),
        lambda two: PASSCODE,
    ],
    ids=[
        "made-up",
        "random-token",
        "other-case",
        "truncated",
        "extended",
        "workshop-id",
        "group-id",
        "join-code",
        "passcode",
    ],
)
def test_results_link_with_an_unknown_token_is_refused(
    page_env: PageEnv, two: Two, make_token
) -> None:
    before = store_state(page_env.store)
    at = page_env.app("views/results.py", w=two.a.id, token=make_token(two))
    assert not at.exception
    body = texts(at)
    assert BAD_LINK in body
    assert two.a.title not in body and two.b.title not in body
    assert not at.dataframe and not at.get("download_button")
    assert store_state(page_env.store) == before


def test_results_page_without_a_token_explains_how_to_get_one(page_env: PageEnv, two: Two) -> None:
    before = store_state(page_env.store)
    at = page_env.app("views/results.py")
    assert "Open the results link the host shared with you" in texts(at)
    assert not at.dataframe
    assert store_state(page_env.store) == before


# --------------------------------------------------------------------------- no secrets

PEM_BEGIN = re.compile(r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----")
BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{64,}")
KEY_ID = re.compile(r"""private_key_id["']?\s*[:=]\s*["']([^"'\n]*)["']""")
REAL_KEY_ID = re.compile(r"[0-9a-fA-F]{32,}")


def key_material(text: str) -> list[str]:
    """Places in ``text`` that hold a private key or a real-looking key id."""
    found = []
    for match in PEM_BEGIN.finditer(text):
        following = text[match.end() : match.end() + 400]
        # Keys pasted into TOML/JSON have literal "\n" sequences between their lines.
        body = re.sub(r"\\n|\s|\"|'", "", following)
        if BASE64_RUN.match(body):
            found.append(match.group(0))
    for match in KEY_ID.finditer(text):
        if REAL_KEY_ID.fullmatch(match.group(1)):
            found.append(f"private_key_id {match.group(1)[:6]}…")
    return found


def _fake_pem() -> str:
    body = base64.b64encode(secrets.token_bytes(600)).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END PRIVATE KEY-----\n"


def test_the_key_detector_finds_keys_and_ignores_placeholders() -> None:
    pem = _fake_pem()
    key_id = secrets.token_hex(20)
    assert key_material(pem)
    assert key_material('private_key = "' + pem.replace("\n", "\\n") + '"')
    assert key_material(f'"private_key_id": "{key_id}"')
    assert key_material(f"private_key_id = '{key_id}'")
    placeholder = 'private_key = "-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\\n"'
    assert key_material(placeholder) == []
    example = (ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
    assert "private_key =" in example and "private_key_id =" in example
    assert key_material(example) == []
    assert key_material('"private_key_id": hashlib.sha1(public_pem.encode()).hexdigest()') == []


def repository_files() -> list[Path]:
    """Files git tracks or would add (tracked + untracked, minus .gitignore'd ones)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.fail(f"git ls-files failed; the secret scan needs a git checkout ({error})")
    return [ROOT / name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def test_no_private_key_is_committed() -> None:
    files = repository_files()
    assert ROOT / "app.py" in files and len(files) > 50
    offenders = {}
    for path in files:
        data = path.read_bytes()
        if b"\0" in data[:4096]:
            continue  # binary
        found = key_material(data.decode("utf-8", errors="replace"))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}


def test_real_secrets_file_is_ignored_by_git() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0, ".streamlit/secrets.toml must stay git-ignored"


def _service_account(pem: str) -> dict[str, str]:
    return {
        "type": "service_account",
        "project_id": "demo-project",
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": "workshop@demo-project.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
    }


def _key_lines(pem: str) -> list[str]:
    return [line for line in pem.splitlines() if line and "-----" not in line]


def _assert_no_key(text: str, account: dict[str, str]) -> None:
    for line in _key_lines(account["private_key"]):
        assert line not in text
    assert account["private_key_id"] not in text


def _sheets_settings(account: dict[str, str], **workshop: str) -> Settings:
    return load_settings(
        {
            "workshop": {"store": "sheets", "spreadsheet": "a" * 44, **workshop},
            "gcp_service_account": account,
        },
        env={},
    )


def test_settings_never_show_the_private_key() -> None:
    account = _service_account(_fake_pem())
    settings = _sheets_settings(account)
    assert settings.service_account_info == account  # kept for the store...
    for shown in (repr(settings), str(settings), f"{settings}", f"{settings!r}"):
        _assert_no_key(shown, account)  # ...never shown
        assert "demo-project" not in shown


def test_a_broken_key_file_error_does_not_quote_the_key(tmp_path: Path) -> None:
    account = _service_account(_fake_pem())
    text = '{"private_key": "' + account["private_key"].replace("\n", "\\n") + '", oops}'
    path = tmp_path / "key.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings({}, env={"GOOGLE_APPLICATION_CREDENTIALS": str(path)})
    _assert_no_key("".join(traceback.format_exception(caught.value)), account)


def _store_error(settings: Settings) -> StoreError:
    from workshop.store.factory import open_store

    with pytest.raises(StoreError) as caught:
        store = open_store(settings)
        _assert_no_key(repr(store), dict(settings.service_account_info or {}))
        store.list_workshops()
    return caught.value


def test_store_errors_never_quote_an_unreadable_key() -> None:
    account = _service_account(_fake_pem())  # random bytes: not a valid RSA key
    error = _store_error(_sheets_settings(account))
    assert isinstance(error, StoreConfigError)
    assert "cannot be read" in str(error)
    for shown in (str(error), repr(error), error.hint, "".join(traceback.format_exception(error))):
        _assert_no_key(shown, account)


def test_store_errors_never_quote_a_refused_key() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    from tests.support.fake_sheets import FakeSheetsServer
    from workshop.store.sheets import clear_shared_books

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    clear_shared_books()
    with FakeSheetsServer() as fake:
        sheet = fake.create_spreadsheet("Workshop", sheets=("Sheet1",))
        account = {**fake.service_account_info(), "private_key": pem}  # a key Google never issued
        account["private_key_id"] = secrets.token_hex(20)
        settings = _sheets_settings(account, spreadsheet=sheet, sheets_endpoint=fake.base_url)
        try:
            error = _store_error(settings)
        finally:
            clear_shared_books()
    assert isinstance(error, StoreConfigError)
    assert "did not accept the credentials" in str(error)
    for shown in (str(error), repr(error), "".join(traceback.format_exception(error))):
        _assert_no_key(shown, account)
