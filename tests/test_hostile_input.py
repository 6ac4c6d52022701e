"""Hostile text in names, notes and actions: stored verbatim, shown escaped, exported inert.

What a participant types reaches a shared record (SQLite or a Google Sheet),
every page and every export. These tests type the usual attacks (HTML and
script tags, Markdown link injection, spreadsheet formula prefixes) and the
usual surprises (control characters, right-to-left marks, emoji, very long
notes) into every input path and check three promises:

* **stored verbatim** — both store backends give back exactly what was typed;
* **shown escaped** — no rendered Markdown body holds user text that Streamlit
  could turn into HTML or a link; bodies rendered with ``unsafe_allow_html``
  hold only our own tags, with user text in them as escaped HTML text (notes
  and action items, whose http(s) links are live); tables hold the plain text;
* **exported inert** — CSV cells cannot run as formulas, Markdown exports show
  the literal text.

Length limits and control characters are rejected with a message naming the
field (never truncated or stripped silently), and nothing is saved.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from tests.support.apptest import KEYS, PASSCODE, PageEnv, texts
from tests.test_store_contract import BACKENDS
from workshop import clock as clk
from workshop.access import ResultsAccess, results_access
from workshop.content import load_agenda, load_rubric
from workshop.exports import actions_csv, tidy_csv
from workshop.models import ActionItem, AnswerChange, Group, Workshop
from workshop.presentation import escape_markdown
from workshop.reports import markdown_report
from workshop.store.base import Store
from workshop.tickets import actions_markdown
from workshop.workshops import (
    MAX_NAME,
    MAX_NOTE,
    MAX_TITLE,
    GroupDraft,
    InputError,
    check_note,
    check_text,
    create_workshop,
    parse_group_lines,
)

RUBRIC = load_rubric("ml-test-score")
AT = "2026-11-23T10:15:00+00:00"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "[x](javascript:alert(1))"
HYPERLINK = '=HYPERLINK("http://x","y")'
CMD = "+cmd|' /C calc'!A0"
MINUS = "-2+3"
AT_SUM = "@SUM(A1)"
RTL = "abc\u202edef\u200fghi"
EMOJI = "👩‍💻 🇯🇵"
ENTITY = "&lt;b&gt; &amp;"

TITLE = f"{SCRIPT} {LINK}"
NOTE = f"{SCRIPT}\n{IMG}\r\n{LINK} {HYPERLINK}\r{EMOJI} {RTL}\ttab {ENTITY}"
ACTION_WHAT = f"{SCRIPT} {LINK}"
#: Group name, ML system, tutor — typed into the host's create form in the real app.
GROUPS = (
    GroupDraft(IMG, f"{SCRIPT} ranking", "production", "**bold** _it_"),
    GroupDraft(HYPERLINK, CMD, "validation", AT_SUM),
    GroupDraft(MINUS, f"{EMOJI} {RTL}", "poc", LINK),
)
#: A value typed by hand into the shared sheet (not a level): shown as a problem, escaped.
HAND_TYPED_VALUE = "<b>yes</b>"

# What the pages send for the hostile note and action items, written out by hand:
# HTML-escaped text, "\n"/"\r\n"/"\r" as <br>, every ":" as "&#58;", and the one
# http(s) URL (inside the HYPERLINK formula) a link that opens in a new tab.
_X_LINK = '<a href="http&#58;//x" target="_blank" rel="noopener noreferrer">http&#58;//x</a>'
NOTE_HTML = (
    '<div class="mts-user-text" '
    'style="white-space: pre-wrap; overflow-wrap: anywhere; margin-bottom: 1rem">'
    "&lt;script&gt;alert(1)&lt;/script&gt;<br>"
    "&lt;img src=x onerror=alert(1)&gt;<br>"
    f"[x](javascript&#58;alert(1)) =HYPERLINK(&quot;{_X_LINK}&quot;,&quot;y&quot;)<br>"
    "👩‍💻 🇯🇵 abc\u202edef\u200fghi\ttab &amp;lt;b&amp;gt; &amp;amp;</div>"
)
_MONITOR_3 = "monitor-3 · Training and serving see the same features"
ACTION_LINE_RESULTS = (
    "<strong>P1</strong> · &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript&#58;alert(1))"
    f" — {_MONITOR_3} · &lt;img src=x onerror=alert(1)&gt; · No due date"
)
ACTION_LINES_WRAPUP = (
    "<strong>P1</strong> · &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript&#58;alert(1))"
    " — &lt;img src=x onerror=alert(1)&gt;"
    f" · {_MONITOR_3} · &lt;img src=x onerror=alert(1)&gt; · No due date",
    f"<strong>P2</strong> · =HYPERLINK(&quot;{_X_LINK}&quot;,&quot;y&quot;)"
    f" — =HYPERLINK(&quot;{_X_LINK}&quot;,&quot;y&quot;) · {_MONITOR_3} · -2+3 · No due date",
    "<strong>P3</strong> · +cmd|&#x27; /C calc&#x27;!A0"
    f" — -2+3 · {_MONITOR_3} · @SUM(A1) · No due date",
)


# --------------------------------------------------------------------------- building


@dataclass
class Hostile:
    workshop: Workshop
    groups: list[Group]


def _answers(first_level: str, zeros: set[str], overrides: dict[str, str] | None = None):
    values = {item.id: ("0" if item.id in zeros else first_level) for item in RUBRIC.items}
    values.update(overrides or {})
    return values


def build_hostile(store: Store) -> Hostile:
    """A scored workshop where every user-typed text is hostile.

    Answers make every kind of wrap-up prompt appear (weakest section, shared
    gaps, who can teach whom), so group names reach the prompt texts too.
    """
    workshop, groups = create_workshop(
        store,
        title=TITLE,
        date="2026-11-23",
        language="en",
        rubric_id="ml-test-score",
        agenda_id="standard-60",
        passcode=PASSCODE,
        groups=GROUPS,
    )
    monitor = {f"monitor-{n}" for n in range(1, 8)}
    plans = [
        _answers("1", {"monitor-3", "monitor-4"}, {"data-2": HAND_TYPED_VALUE}),
        _answers("0.5", monitor | {"data-3"}),
        _answers("1", monitor | {"data-3"}, {"data-1": ""}),
    ]
    for group, values in zip(groups, plans, strict=True):
        store.save_answers(
            workshop.id,
            group.id,
            [
                AnswerChange(item_id, value, NOTE if item_id == "data-1" else "")
                for item_id, value in values.items()
            ],
            updated_by=IMG,
            updated_at=AT,
        )
    for n, (what, owner, group) in enumerate(
        [(ACTION_WHAT, IMG, groups[0]), (HYPERLINK, MINUS, groups[1]), (CMD, AT_SUM, groups[2])]
    ):
        store.add_action(
            ActionItem(
                id=f"a_hostile{n}",
                workshop_id=workshop.id,
                group_id=group.id,
                item_id="monitor-3",
                what=what,
                owner=owner,
                priority=n + 1,
                created_at=AT,
                created_by="host",
            )
        )
    return Hostile(workshop, groups)


# --------------------------------------------------------------------------- rendering checks

#: Proto fields Streamlit renders as Markdown (bodies, labels, tooltips, progress text).
MARKDOWN_FIELDS = frozenset({"body", "label", "text", "help"})
#: Elements whose ``body`` is shown as plain text.
PLAIN_ELEMENTS = frozenset({"text", "code"})
ESCAPED_PAIR = re.compile(r"\\.", re.DOTALL)
#: What user text must never become in Markdown once escapes are taken out.
LIVE_MARKUP = ("<script", "<img", "](javascript", "[x]", "&lt;", "&amp;")
RAW_TAG = re.compile(r"<[A-Za-z/!?]")


@dataclass(frozen=True)
class Rendered:
    kind: str
    text: str
    html: bool


def _walk(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _proto_strings(message: Message, names: frozenset[str]) -> Iterator[str]:
    for field, value in message.ListFields():
        repeated = field.is_repeated
        values = list(value) if repeated else [value]
        if field.type == field.TYPE_MESSAGE:
            for item in values:
                yield from _proto_strings(item, names)
        elif field.type == field.TYPE_STRING and field.name in names:
            yield from values


def rendered_markdown(at: AppTest) -> list[Rendered]:
    """Every Markdown-rendered string of the page (main area and sidebar)."""
    found: list[Rendered] = []
    for root in (at.main, at.sidebar):
        for node in _walk(root):
            proto = getattr(node, "proto", None)
            kind = getattr(node, "type", "")
            if proto is None or kind in PLAIN_ELEMENTS:
                continue
            names = MARKDOWN_FIELDS | ({"options"} if kind == "radio" else frozenset())
            html_allowed = bool(getattr(proto, "allow_html", False))
            found.extend(
                Rendered(kind, text, html_allowed) for text in _proto_strings(proto, names)
            )
    return found


#: Bodies with HTML enabled hold our own markup only: styles, the countdown, and user
#: text made inert by workshop.presentation (escaped text, <br>, links to http(s) URLs).
HTML_TAGS = frozenset({"style", "div", "p", "span", "a", "br", "strong"})
HTML_ATTRIBUTES = frozenset(
    {"class", "style", "data-testid", "data-remaining", "data-rendered-at"}
    | {"href", "target", "rel"}
)


class _Tags(HTMLParser):
    """Every tag of an HTML text with its attributes (character references decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_html_inert(kind: str, text: str) -> None:
    """An HTML body: only our tags and attributes; links go to http(s) in a new tab."""
    parser = _Tags()
    parser.feed(text)
    parser.close()
    for tag, attributes in parser.tags:
        assert tag in HTML_TAGS, (kind, tag, text[:300])
        assert set(attributes) <= HTML_ATTRIBUTES, (kind, tag, attributes)
        if tag == "a":
            href = attributes.get("href") or ""
            assert re.match(r"https?://[A-Za-z0-9]", href, re.IGNORECASE), (kind, href)
            assert attributes.get("target") == "_blank", (kind, attributes)
            assert attributes.get("rel") == "noopener noreferrer", (kind, attributes)
    if 'class="mts-user-text"' in text:
        # One line starting with <div: an HTML block, which Markdown does not parse.
        assert text.startswith("<div ") and "\n" not in text and "\r" not in text, text[:300]


def assert_inert(at: AppTest) -> str:
    """No live markup from user text anywhere; returns all Markdown text for further checks."""
    assert not at.exception, [e.value for e in at.exception]
    rendered = rendered_markdown(at)
    assert rendered, "the walk found no Markdown at all"
    for item in rendered:
        if item.html:
            assert_html_inert(item.kind, item.text)
            continue
        live = ESCAPED_PAIR.sub("", item.text)
        for marker in LIVE_MARKUP:
            assert marker not in live, (item.kind, marker, item.text[:300])
        assert not RAW_TAG.search(live), (item.kind, item.text[:300])
    return "\n".join(item.text for item in rendered)


def _unlock(at: AppTest, key: str) -> AppTest:
    at.text_input(key=f"host_pass_{key}").input(PASSCODE)
    next(b for b in at.get("form_submit_button") if b.label == "Unlock").click().run()
    assert not at.exception
    return at


def _set_segment(page_env: PageEnv, workshop: Workshop, index: int) -> None:
    agenda = load_agenda(workshop.agenda_id)
    state = clk.start(agenda, page_env.store.snapshot(workshop.id).clock, page_env.clock())
    page_env.store.set_clock(workshop.id, clk.jump(agenda, state, index, page_env.clock()))


# --------------------------------------------------------------------------- stored verbatim


@pytest.fixture(params=sorted(BACKENDS))
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with BACKENDS[request.param](tmp_path) as opened:
        yield opened


def test_hostile_text_round_trips_verbatim_in_every_backend(any_store: Store) -> None:
    hostile = build_hostile(any_store)
    long_note = ("ノート👩‍💻 " * 2_000)[:MAX_NOTE]
    assert len(check_note(long_note)) == MAX_NOTE
    edge_values = [
        AnswerChange("model-1", HYPERLINK, long_note),
        AnswerChange("model-2", AT_SUM, f"  {MINUS}  "),
        AnswerChange("model-3", " 0.5 ", "\t" + CMD),
    ]
    any_store.save_answers(
        hostile.workshop.id, hostile.groups[1].id, edge_values, updated_by=RTL, updated_at=AT
    )
    any_store.invalidate()

    snapshot = any_store.snapshot(hostile.workshop.id)
    assert snapshot.workshop.title == TITLE
    assert [(g.name, g.system, g.phase, g.tutor) for g in snapshot.groups] == [
        (d.name, d.system, d.phase, d.tutor) for d in GROUPS
    ]
    first = snapshot.group_answers(hostile.groups[0].id)
    assert first["data-1"].note == NOTE
    assert first["data-1"].updated_by == IMG
    assert first["data-2"].value == HAND_TYPED_VALUE
    second = snapshot.group_answers(hostile.groups[1].id)
    assert [(second[c.item_id].value, second[c.item_id].note) for c in edge_values] == [
        (c.value, c.note) for c in edge_values
    ]
    assert second["model-1"].updated_by == RTL
    assert [(a.what, a.owner) for a in snapshot.actions] == [
        (ACTION_WHAT, IMG),
        (HYPERLINK, MINUS),
        (CMD, AT_SUM),
    ]
    # The stored snapshot still opens group 3's results link, and only its scope.
    token = KEYS.results_token(hostile.workshop, hostile.groups[2])
    assert results_access(KEYS, snapshot, token) == ResultsAccess(
        hostile.workshop.id, hostile.groups[2].id
    )


def test_host_form_stores_hostile_names_verbatim_and_shows_them_escaped(
    page_env: PageEnv,
) -> None:
    lines = "\n".join(f"{d.name}; {d.system}; {d.phase}; {d.tutor}" for d in GROUPS)
    at = page_env.app("views/host.py")
    at.text_input[0].input(TITLE)
    at.text_input[1].input(PASSCODE)
    at.text_area(key="create_groups").input(lines)
    next(b for b in at.get("form_submit_button") if b.label == "Create workshop").click().run()
    body = assert_inert(at)

    (workshop,) = page_env.store.list_workshops()
    assert workshop.title == TITLE
    groups = page_env.store.snapshot(workshop.id).groups
    assert [(g.name, g.system, g.phase, g.tutor) for g in groups] == [
        (d.name, d.system, d.phase, d.tutor) for d in GROUPS
    ]
    assert escape_markdown(TITLE) in body  # the "created" message and the list
    for draft in GROUPS:
        assert escape_markdown(draft.name) in body
        assert escape_markdown(draft.system) in body


# --------------------------------------------------------------------------- shown escaped


def test_host_list_and_panel_show_hostile_text_escaped(page_env: PageEnv) -> None:
    hostile = build_hostile(page_env.store)
    at = page_env.app("views/host.py", w=hostile.workshop.id)
    assert_inert(at)  # the list and the locked panel
    body = assert_inert(_unlock(at, hostile.workshop.id))
    assert f"**{escape_markdown(TITLE)}**" in body
    for draft in GROUPS:
        assert escape_markdown(draft.name) in body
        assert escape_markdown(draft.system) in body
        assert escape_markdown(draft.tutor) in body


def test_presenter_board_shows_hostile_names_escaped(page_env: PageEnv) -> None:
    hostile = build_hostile(page_env.store)
    at = _unlock(
        page_env.app("views/present.py", w=hostile.workshop.id), f"present_{hostile.workshop.id}"
    )
    body = assert_inert(at)  # overall board (first segment has no section)
    assert escape_markdown(TITLE) in body
    for draft in GROUPS:
        assert escape_markdown(draft.name) in body

    _set_segment(page_env, hostile.workshop, 1)  # a scoring segment: the section board
    page_env.clock.advance(3)
    body = assert_inert(at.run())
    assert "Scoring:" in texts(at)
    for draft in GROUPS:
        assert f"{escape_markdown(draft.name)} — " in body


def test_tutor_page_shows_hostile_text_escaped_and_the_note_verbatim(page_env: PageEnv) -> None:
    hostile = build_hostile(page_env.store)
    group = hostile.groups[0]
    at = page_env.app(
        "views/tutor.py", w=hostile.workshop.id, g=group.id, code=page_env.keys.join_code(group)
    )
    body = assert_inert(at)
    assert escape_markdown(group.name) in body and escape_markdown(group.system) in body
    assert escape_markdown(TITLE) in body
    assert escape_markdown(IMG) in body  # who saved last
    assert escape_markdown(HAND_TYPED_VALUE) in body  # the sheet value that is no level
    # The text area holds the note as plain text, exactly as saved.
    assert at.text_area(key="note_data-1").value == NOTE


def test_wrapup_shows_hostile_text_escaped_in_table_prompts_and_actions(
    page_env: PageEnv,
) -> None:
    hostile = build_hostile(page_env.store)
    at = _unlock(
        page_env.app("views/wrapup.py", w=hostile.workshop.id), f"wrapup_{hostile.workshop.id}"
    )
    body = assert_inert(at)
    assert escape_markdown(TITLE) in body
    # The comparison table holds the plain text (Streamlit renders cells as text).
    table = at.dataframe[0].value
    assert list(table["Group"]) == [d.name for d in GROUPS]
    assert list(table["ML system"]) == [d.system for d in GROUPS]
    # Action items are shown exactly as typed: escaped HTML text, only http(s) links live.
    for line in ACTION_LINES_WRAPUP:
        assert line in body, line

    # Step through every computed prompt: group names inside them stay literal.
    prompt_texts = [body]
    while True:
        forward = next(b for b in at.button if b.label == "Next prompt")
        if forward.disabled:
            break
        forward.click().run()
        prompt_texts.append(assert_inert(at))
    assert len(prompt_texts) >= 3
    joined = "\n".join(prompt_texts)
    for draft in GROUPS:
        assert escape_markdown(draft.name) in joined


def test_results_pages_show_hostile_text_escaped(page_env: PageEnv) -> None:
    hostile = build_hostile(page_env.store)
    first, _, third = hostile.groups
    at = page_env.app(
        "views/results.py",
        w=hostile.workshop.id,
        token=page_env.keys.results_token(hostile.workshop, first),
    )
    body = assert_inert(at)
    for text in (TITLE, first.name, first.system):
        assert escape_markdown(text) in body
    assert NOTE_HTML in body  # the note exactly as typed
    assert ACTION_LINE_RESULTS in body
    assert GROUPS[0].name + " (this group)" in list(at.dataframe[1].value["Group"])

    body = assert_inert(
        page_env.app(
            "views/results.py",
            w=hostile.workshop.id,
            token=page_env.keys.results_token(hostile.workshop, third),
        )
    )
    assert escape_markdown(third.system) in body and escape_markdown(third.name) in body

    at = page_env.app(
        "views/results.py",
        w=hostile.workshop.id,
        token=page_env.keys.results_token(hostile.workshop),
    )
    assert escape_markdown(TITLE) in assert_inert(at)
    assert list(at.dataframe[0].value["Group"]) == [d.name for d in GROUPS]


def test_history_shows_hostile_systems_as_plain_text(page_env: PageEnv) -> None:
    build_hostile(page_env.store)
    at = page_env.app("views/history.py", token=page_env.keys.history_token())
    assert_inert(at)
    assert sorted(at.dataframe[0].value["ML system"]) == sorted(d.system for d in GROUPS)
    assert sorted(at.selectbox[0].options) == sorted(d.system for d in GROUPS)
    for option in at.selectbox[0].options:
        at.selectbox[0].select(option).run()
        assert_inert(at)


def test_markdown_escape_keeps_entities_literal() -> None:
    # "&lt;" typed by a person must show as "&lt;", not as "<".
    assert escape_markdown(ENTITY) == "\\&lt;b\\&gt; \\&amp;"


# --------------------------------------------------------------------------- exported inert

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def _assert_csv_inert(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for value in row.values():
            stripped = value.lstrip(" ")
            assert not stripped.startswith(FORMULA_START) and not value.startswith(("\t", "\r")), (
                value
            )


def test_csv_exports_neutralise_formulas_and_keep_the_text(page_env: PageEnv) -> None:
    hostile = build_hostile(page_env.store)
    sneaky = ["  =1+1", "\t=cmd", "\r@SUM(A1)", " \n-2"]
    page_env.store.save_answers(
        hostile.workshop.id,
        hostile.groups[1].id,
        [AnswerChange(f"infra-{n}", "1", note) for n, note in enumerate(sneaky, start=1)],
        updated_by="tutor",
        updated_at=AT,
    )
    snapshot = page_env.store.snapshot(hostile.workshop.id)

    tidy = _csv_rows(tidy_csv(RUBRIC, snapshot, "en"))
    _assert_csv_inert(tidy)
    by_item = {(row["group"], row["item_id"]): row["note"] for row in tidy}
    assert [by_item["'" + HYPERLINK, f"infra-{n}"] for n in range(1, 5)] == [
        "'" + note for note in sneaky
    ]
    assert {row["group"] for row in tidy} == {"'" + HYPERLINK, IMG, "'" + MINUS}
    assert {row["system"] for row in tidy} >= {"'" + CMD, f"{EMOJI} {RTL}"}
    notes = [row["note"] for row in tidy if row["item_id"] == "data-1"]
    assert notes == [NOTE] * 3  # the note starts with "<": kept as typed, line breaks intact
    assert [row["workshop"] for row in tidy][:1] == [TITLE]

    actions = _csv_rows(actions_csv(RUBRIC, snapshot, "en"))
    _assert_csv_inert(actions)
    assert [(row["what"], row["owner"]) for row in actions] == [
        (ACTION_WHAT, IMG),
        ("'" + HYPERLINK, "'" + MINUS),
        ("'" + CMD, "'" + AT_SUM),
    ]


def test_markdown_exports_show_hostile_text_literally(page_env: PageEnv) -> None:
    hostile = build_hostile(page_env.store)
    snapshot = page_env.store.snapshot(hostile.workshop.id)
    exports = [
        markdown_report(RUBRIC, snapshot, "en"),
        markdown_report(RUBRIC, snapshot, "en", hostile.groups[0].id),
        actions_markdown(RUBRIC, snapshot, "en"),
    ]
    for text in exports:
        live = ESCAPED_PAIR.sub("", text)
        for marker in ("<script", "<img", "](javascript", "[x]", "javascript:"):
            assert marker not in live, marker
        assert "&lt;script&gt;" in text  # HTML-escaped, still readable
    assert "\\[x\\]\\(javascript\\:alert\\(1\\)\\)" in exports[0]


# --------------------------------------------------------------------------- length limits


def _submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.get("form_submit_button") if b.label == label).click().run()
    return at


def _create_via_form(page_env: PageEnv, *, title: str = "Round", groups: str = "A; S") -> AppTest:
    at = page_env.app("views/host.py")
    at.text_input[0].input(title)
    at.text_input[1].input(PASSCODE)
    at.text_area(key="create_groups").input(groups)
    return _submit(at, "Create workshop")


@pytest.mark.parametrize(
    ("field", "limit", "make"),
    [
        ("Title", MAX_TITLE, lambda text: {"title": text}),
        ("Group", MAX_NAME, lambda text: {"groups": f"{text}; System"}),
        ("ML system", MAX_NAME, lambda text: {"groups": f"Team; {text}"}),
        ("Tutor", MAX_NAME, lambda text: {"groups": f"Team; System; production; {text}"}),
    ],
)
def test_host_form_limits_are_exact_and_refusals_save_nothing(
    page_env: PageEnv, field: str, limit: int, make
) -> None:
    too_long = "ß" * (limit + 1)
    at = _create_via_form(page_env, **make(too_long))
    assert f"“{field}” is too long: {limit + 1} characters, at most {limit}" in texts(at)
    assert "Nothing was saved" in texts(at)
    assert page_env.store.list_workshops() == []

    just_right = "👩" * limit
    at = _create_via_form(page_env, **make(just_right))
    assert not at.exception
    (workshop,) = page_env.store.list_workshops()
    group = page_env.store.snapshot(workshop.id).groups[0]
    assert just_right in (workshop.title, group.name, group.system, group.tutor)


def test_duplicate_title_limit_is_enforced(page_env: PageEnv) -> None:
    workshop, _ = page_env.make_workshop()
    at = _unlock(page_env.app("views/host.py", w=workshop.id), workshop.id)
    title_input = next(w for w in at.text_input if w.value == workshop.title)
    title_input.input("x" * (MAX_TITLE + 1))
    _submit(at, next(b.label for b in at.get("form_submit_button") if "next round" in b.label))
    assert f"too long: {MAX_TITLE + 1} characters, at most {MAX_TITLE}" in texts(at)
    assert len(page_env.store.list_workshops()) == 1


def _tutor(page_env: PageEnv, workshop: Workshop, group: Group) -> AppTest:
    return page_env.app(
        "views/tutor.py", w=workshop.id, g=group.id, code=page_env.keys.join_code(group)
    )


def test_tutor_note_of_exactly_the_limit_is_saved_one_more_is_refused(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop()
    at = _tutor(page_env, workshop, groups[0])
    note = (f"<b>{EMOJI}</b> =1+1\n" * 500 + "x" * MAX_NOTE)[:MAX_NOTE]
    at.text_area(key="note_data-1").input(note + "y").run()
    body = texts(at)
    assert f"“Note” is too long: {MAX_NOTE + 1} characters, at most {MAX_NOTE}" in body
    assert page_env.store.snapshot(workshop.id).group_answers(groups[0].id) == {}

    at.text_area(key="note_data-1").input(note).run()
    assert not at.exception
    saved = page_env.store.snapshot(workshop.id).group_answers(groups[0].id)["data-1"]
    assert saved.note == note and len(saved.note) == MAX_NOTE


def _wrapup(page_env: PageEnv, workshop: Workshop) -> AppTest:
    return _unlock(page_env.app("views/wrapup.py", w=workshop.id), f"wrapup_{workshop.id}")


def _add_action(at: AppTest, what: str, owner: str = "") -> AppTest:
    next(w for w in at.text_area if w.label == "What will be done").input(what)
    next(w for w in at.text_input if w.label == "Owner").input(owner)
    return _submit(at, "Add action item")


def test_action_limits_are_exact_and_refusals_save_nothing(page_env: PageEnv) -> None:
    workshop, _ = page_env.make_workshop()
    at = _wrapup(page_env, workshop)
    _add_action(at, "w" * (MAX_NOTE + 1))
    assert f"“What” is too long: {MAX_NOTE + 1} characters, at most {MAX_NOTE}" in texts(at)
    _add_action(at, "fine", "o" * (MAX_NAME + 1))
    assert f"“Owner” is too long: {MAX_NAME + 1} characters" in texts(at)
    assert page_env.store.snapshot(workshop.id).actions == ()

    what = ("=cmd " + SCRIPT + "\n") * 10
    what = (what + "w" * MAX_NOTE)[:MAX_NOTE]
    _add_action(at, what, "o" * MAX_NAME)
    assert not at.exception
    (action,) = page_env.store.snapshot(workshop.id).actions
    assert (action.what, action.owner) == (what, "o" * MAX_NAME)


# --------------------------------------------------------------------------- control characters

CONTROLS = ("\x00", "\x07", "\x1b")
ALLOWED_BREAKS = "line one\r\nline two\rthree\tfour\n"


@pytest.mark.parametrize("char", CONTROLS)
def test_control_characters_are_refused_by_every_check(char: str) -> None:
    code = f"U+{ord(char):04X}"
    for call in (
        lambda: check_text(f"Team{char}A", "group", MAX_NAME),
        lambda: check_text(f"{char}", "title", MAX_TITLE),
        lambda: check_note(f"note {char}"),
        lambda: parse_group_lines(f"Team A; Sys{char}"),
    ):
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.key == "control_chars"
        assert caught.value.values["char"] == code


def test_controls_at_the_ends_are_refused_not_stripped() -> None:
    # str.strip() would remove U+001F silently; the check runs before it.
    with pytest.raises(InputError):
        check_text("\x1fTeam", "group", MAX_NAME)
    with pytest.raises(InputError):
        parse_group_lines("Team A\x1f; System")


def test_tab_newline_and_carriage_return_are_ordinary_text() -> None:
    assert check_note(ALLOWED_BREAKS) == ALLOWED_BREAKS
    assert check_text(f"a\tb\rc{RTL}{EMOJI}", "what", MAX_NOTE) == f"a\tb\rc{RTL}{EMOJI}"


def test_group_lines_split_only_at_line_breaks() -> None:
    drafts = parse_group_lines(f"Team\u2028A; System{RTL}\r\nTeam B; Sys B\rTeam C; Sys C")
    assert [(d.name, d.system) for d in drafts] == [
        ("Team\u2028A", f"System{RTL}"),
        ("Team B", "Sys B"),
        ("Team C", "Sys C"),
    ]


@pytest.mark.parametrize("char", CONTROLS)
def test_tutor_note_with_a_control_character_is_refused_with_a_message(
    page_env: PageEnv, char: str
) -> None:
    workshop, groups = page_env.make_workshop()
    at = _tutor(page_env, workshop, groups[0])
    at.text_area(key="note_data-1").input(f"checked{char}by hand").run()
    body = texts(at)
    assert f"“Note” contains an invisible control character (U+{ord(char):04X})" in body
    assert "Nothing was saved" in body
    assert page_env.store.snapshot(workshop.id).group_answers(groups[0].id) == {}

    at.text_area(key="note_data-1").input(ALLOWED_BREAKS).run()
    saved = page_env.store.snapshot(workshop.id).group_answers(groups[0].id)["data-1"]
    assert saved.note == ALLOWED_BREAKS


def test_host_form_refuses_control_characters_in_title_and_names(page_env: PageEnv) -> None:
    at = _create_via_form(page_env, title="Round\x00one")
    assert "“Title” contains an invisible control character (U+0000)" in texts(at)
    at = _create_via_form(page_env, groups="Team\x07A; System")
    assert "“Group” contains an invisible control character (U+0007)" in texts(at)
    at = _create_via_form(page_env, groups="Team A; Sys\x1btem; poc; Aiko")
    assert "“ML system” contains an invisible control character (U+001B)" in texts(at)
    assert page_env.store.list_workshops() == []


def test_action_with_a_control_character_is_refused(page_env: PageEnv) -> None:
    workshop, _ = page_env.make_workshop()
    at = _wrapup(page_env, workshop)
    _add_action(at, "Fix\x1b[31m alerts")
    assert "“What” contains an invisible control character (U+001B)" in texts(at)
    assert page_env.store.snapshot(workshop.id).actions == ()


def test_control_character_message_exists_in_japanese(page_env: PageEnv) -> None:
    workshop, groups = page_env.make_workshop(language="ja")
    at = page_env.app(
        "views/tutor.py",
        w=workshop.id,
        g=groups[0].id,
        code=page_env.keys.join_code(groups[0]),
        lang="ja",
    )
    at.text_area(key="note_data-1").input("メモ\x07").run()
    assert "「メモ」に保存できない制御文字(U+0007)が含まれています" in texts(at)
    assert page_env.store.snapshot(workshop.id).group_answers(groups[0].id) == {}


def test_the_next_round_shows_hostile_previous_texts_escaped(page_env: PageEnv) -> None:
    """Follow-through (issue 14): last round's hostile notes, actions, stamps and titles
    beside each test, in the wrap-up's prompt and tables, and on the results page."""
    from dataclasses import replace

    from workshop.workshops import duplicate_workshop

    hostile = build_hostile(page_env.store)
    for action in page_env.store.snapshot(hostile.workshop.id).actions:
        page_env.store.update_action(
            replace(action, status="in_progress", ticket=LINK, updated_by=SCRIPT, updated_at=AT)
        )
    second = duplicate_workshop(page_env.store, hostile.workshop.id, title=TITLE, date="2026-12-23")
    group = page_env.store.snapshot(second.id).groups[0]
    page_env.store.save_answers(
        second.id, group.id, [AnswerChange("data-3", "1", "")], updated_by=IMG, updated_at=AT
    )
    tutor = page_env.app(
        "views/tutor.py", w=second.id, g=group.id, code=page_env.keys.join_code(group)
    )
    body = assert_inert(tutor)
    assert escape_markdown(TITLE) in body  # "This round follows ..."
    assert NOTE_HTML in body  # last round's note, exactly as typed
    wrapup = _unlock(page_env.app("views/wrapup.py", w=second.id), f"wrapup_{second.id}")
    assert_inert(wrapup)
    results = page_env.app(
        "views/results.py",
        w=hostile.workshop.id,
        token=page_env.keys.results_token(hostile.workshop),
    )
    body = assert_inert(results)
    assert escape_markdown(SCRIPT) in body  # who updated the items
    results = page_env.app(
        "views/results.py", w=second.id, token=page_env.keys.results_token(second, group)
    )
    assert_inert(results)
