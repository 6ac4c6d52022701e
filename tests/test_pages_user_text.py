"""Results page (AppTest): notes and action items are shown exactly as typed, links live.

A note with an evidence URL showed as ``https://example\\.com/x\\_y\\_z`` with a
broken link (Markdown escapes inside an autolink). Notes and action items are
now HTML text in an HTML block (see ``workshop.presentation.user_text_html``).
"""

from __future__ import annotations

from tests.support.apptest import PageEnv, texts
from workshop.models import ActionItem, AnswerChange

NOTE = "Runbook: https://example.com/x_y_z (see §2).\n**not bold** <b>not html</b> :smile:"
#: The note as the page must send it, written out by hand: one line of HTML (no Markdown
#: parsing inside an HTML block), every ":" as "&#58;", the link on the URL alone.
NOTE_HTML = (
    '<div class="mts-user-text" '
    'style="white-space: pre-wrap; overflow-wrap: anywhere; margin-bottom: 1rem">'
    'Runbook&#58; <a href="https&#58;//example.com/x_y_z" target="_blank" '
    'rel="noopener noreferrer">https&#58;//example.com/x_y_z</a> (see §2).<br>'
    "**not bold** &lt;b&gt;not html&lt;/b&gt; &#58;smile&#58;</div>"
)


def _scored(page_env: PageEnv):
    workshop, groups = page_env.make_workshop()
    for index, group in enumerate(groups):
        page_env.store.save_answers(
            workshop.id,
            group.id,
            [
                AnswerChange("data-1", "1", NOTE if index == 0 else ""),
                AnswerChange("data-2", "0.5", ""),
            ],
            updated_by="Aiko",
            updated_at="2026-11-23T10:00:00+00:00",
        )
    page_env.store.add_action(
        ActionItem(
            id="a_1",
            workshop_id=workshop.id,
            group_id=groups[0].id,
            item_id="data-1",
            what="Write the schema check, see https://jira.example/ML-7.",
            owner="Ben",
            priority=2,
            created_at="2026-11-23T10:50:00+00:00",
            created_by="host",
        )
    )
    return workshop, groups


def test_a_note_is_shown_exactly_as_typed_with_its_link(page_env: PageEnv) -> None:
    workshop, groups = _scored(page_env)
    at = page_env.app(
        "views/results.py", w=workshop.id, token=page_env.keys.results_token(workshop, groups[0])
    )
    assert not at.exception
    notes = [m for m in at.markdown if m.value.startswith('<div class="mts-user-text"')]
    assert NOTE_HTML in [m.value for m in notes]
    assert all(m.proto.allow_html for m in notes)
    # The action item: priority in bold (ours), the rest as typed with the ticket linked.
    assert (
        '<strong>P2</strong> · Write the schema check, see <a href="https&#58;//jira.example/ML-7"'
        ' target="_blank" rel="noopener noreferrer">https&#58;//jira.example/ML-7</a>. — '
        "data-1 · Feature expectations are written down in a schema · Ben · No due date"
    ) in "\n".join(m.value for m in notes)
    # Notes are no longer Markdown-escaped text anywhere on the page.
    assert "example\\.com" not in texts(at)
