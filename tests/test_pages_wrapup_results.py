"""Wrap-up and results pages: comparison, prompts, action items, read-only results links."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.support.apptest import PASSCODE, PageEnv, texts
from workshop.content import load_rubric
from workshop.models import AnswerChange

RUBRIC = load_rubric("ml-test-score")


def _answer_all(page_env: PageEnv, workshop, group, value: str, overrides=None, note="") -> None:
    values = {item.id: value for item in RUBRIC.items}
    values.update(overrides or {})
    page_env.store.save_answers(
        workshop.id,
        group.id,
        [AnswerChange(item_id, v, note) for item_id, v in values.items()],
        updated_by="tutor",
        updated_at="2026-11-23T10:00:00+00:00",
    )


def _scored_workshop(page_env: PageEnv):
    workshop, groups = page_env.make_workshop()
    monitor_zero = {f"monitor-{n}": "0" for n in range(1, 8)}
    _answer_all(page_env, workshop, groups[0], "1", {"monitor-3": "0", "monitor-4": "0"})
    _answer_all(page_env, workshop, groups[1], "0.5", monitor_zero)
    _answer_all(page_env, workshop, groups[2], "1", {**monitor_zero, "data-1": ""})
    return workshop, groups


def _wrapup(page_env: PageEnv, workshop_id: str) -> AppTest:
    at = page_env.app("views/wrapup.py", w=workshop_id)
    at.text_input(key=f"host_pass_wrapup_{workshop_id}").input(PASSCODE)
    next(b for b in at.get("form_submit_button") if b.label == "Unlock").click().run()
    assert not at.exception
    return at


def test_wrapup_needs_the_passcode(page_env: PageEnv) -> None:
    workshop, _ = _scored_workshop(page_env)
    at = page_env.app("views/wrapup.py", w=workshop.id)
    assert "Host controls are locked" in texts(at)
    assert not at.dataframe


def test_wrapup_compares_groups_and_marks_provisional(page_env: PageEnv) -> None:
    workshop, _ = _scored_workshop(page_env)
    at = _wrapup(page_env, workshop.id)
    table = at.dataframe[0].value
    assert list(table["Group"]) == ["Team A", "Team B", "Team C"]
    # Team A: monitoring has two zeros -> 5; Team B and C have monitoring at 0.
    assert list(table["Final"]) == ["5", "0", "0 (provisional)"]
    assert list(table["Weakest section"]) == ["Monitoring", "Monitoring", "Monitoring"]
    assert "Provisional: some tests are not answered yet" in texts(at)
    assert len(at.get("arrow_vega_lite_chart")) >= 1 or at.get("vega_lite_chart")


def test_wrapup_steps_through_computed_prompts(page_env: PageEnv) -> None:
    workshop, _ = _scored_workshop(page_env)
    at = _wrapup(page_env, workshop.id)
    body = texts(at)
    assert "Weakest section overall\\: Monitoring" in body  # Markdown source: ":" escaped
    assert "Prompt 1 of" in body
    count = int(body.split("Prompt 1 of ")[1].split()[0])
    assert count >= 2
    next(b for b in at.button if b.label == "Next prompt").click().run()
    assert "Prompt 2 of" in texts(at)
    next(b for b in at.button if b.label == "Previous prompt").click().run()
    assert "Prompt 1 of" in texts(at)


def test_action_items_are_recorded_listed_and_deleted(page_env: PageEnv) -> None:
    workshop, groups = _scored_workshop(page_env)
    at = _wrapup(page_env, workshop.id)

    def widget(kind: str, label: str):
        return next(w for w in getattr(at, kind) if w.label == label)

    widget("text_area", "What will be done").input("Alert on <b>stale</b> models =cmd")
    widget("selectbox", "Group / system").select(groups[1].id)
    widget("selectbox", "Test it raises").select("monitor-4")
    widget("text_input", "Owner").input("Ben")
    widget("number_input", "Priority (1 = first)").set_value(2)
    next(b for b in at.get("form_submit_button") if b.label == "Add action item").click().run()
    actions = page_env.store.snapshot(workshop.id).actions
    assert [(a.what, a.group_id, a.item_id, a.owner, a.priority) for a in actions] == [
        ("Alert on <b>stale</b> models =cmd", groups[1].id, "monitor-4", "Ben", 2)
    ]
    body = texts(at)
    assert "Action item added." in body
    # Shown exactly as typed: HTML-escaped text in a block Markdown leaves alone.
    assert "<strong>P2</strong> · Alert on &lt;b&gt;stale&lt;/b&gt; models =cmd — Team B" in body
    next(b for b in at.button if b.label == "Delete").click().run()
    assert page_env.store.snapshot(workshop.id).actions == ()


def test_empty_action_is_refused(page_env: PageEnv) -> None:
    workshop, _ = _scored_workshop(page_env)
    at = _wrapup(page_env, workshop.id)
    next(b for b in at.get("form_submit_button") if b.label == "Add action item").click().run()
    assert "“What” is required." in texts(at)
    assert page_env.store.snapshot(workshop.id).actions == ()


def test_group_results_link_is_read_only_and_complete(page_env: PageEnv) -> None:
    workshop, groups = _scored_workshop(page_env)
    page_env.store.save_answers(
        workshop.id,
        groups[1].id,
        [AnswerChange("data-2", "0.5", "<script>alert(1)</script> [x](javascript:y)")],
        updated_by="tutor",
        updated_at="2026-11-23T10:00:00+00:00",
    )
    at = page_env.app(
        "views/results.py", w=workshop.id, token=page_env.keys.results_token(workshop, groups[1])
    )
    assert not at.exception
    body = texts(at)
    assert "Team B · System 2" in body
    assert "Team B (this group)" in list(at.dataframe[1].value["Group"])
    assert "To reach the next band" in [s.value for s in at.subheader]
    # The note exactly as typed: HTML-escaped text in a block Markdown leaves alone.
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript&#58;y)</div>" in body
    # Nothing editable: no inputs, no radio, no form.
    assert not at.text_input and not at.text_area
    assert [r.key for r in at.radio] == ["_lang_choice"]
    assert not at.get("form_submit_button")


def test_workshop_results_link_shows_all_groups(page_env: PageEnv) -> None:
    workshop, _ = _scored_workshop(page_env)
    at = page_env.app(
        "views/results.py", w=workshop.id, token=page_env.keys.results_token(workshop)
    )
    assert list(at.dataframe[0].value["Group"]) == ["Team A", "Team B", "Team C"]


def test_unknown_results_link_is_refused(page_env: PageEnv) -> None:
    workshop, _ = page_env.make_workshop()
    at = page_env.app("views/results.py", w=workshop.id, token="not-a-real-token")
    assert "This results link is not valid" in texts(at)
    assert not at.dataframe


def test_downloads_come_with_the_page_so_clock_runs_cannot_sweep_them(
    page_env: PageEnv,
) -> None:
    """Deferred downloads were swept by other sessions' 1 s fragments (a 404 in the
    rehearsal); each file must be referenced by the page that shows its button."""
    workshop, groups = _scored_workshop(page_env)
    pages = {
        # answers, report, actions, Markdown tickets, Jira CSV, gh script
        "wrap-up": (_wrapup(page_env, workshop.id), 6),
        # CSV and Markdown; the chart images are made on request ("Prepare PNG").
        "group results": (
            page_env.app(
                "views/results.py",
                w=workshop.id,
                token=page_env.keys.results_token(workshop, groups[0]),
            ),
            2,
        ),
        "workshop results": (
            page_env.app(
                "views/results.py", w=workshop.id, token=page_env.keys.results_token(workshop)
            ),
            3,
        ),
    }
    for name, (at, count) in pages.items():
        buttons = at.get("download_button")
        assert len(buttons) == count, name
        for button in buttons:
            assert "/media/" in button.proto.url, (name, button.proto.label)
            assert not button.proto.deferred_file_id, (name, button.proto.label)


def test_an_export_is_built_once_per_content() -> None:
    from views import downloads

    built: list[str] = []

    def build() -> str:
        built.append("csv")
        return "item_id,score\n"

    key = ("answers.csv", "text/csv", "en", ("fingerprint", 1))
    assert (
        downloads.export_data(key, build) == downloads.export_data(key, build) == "item_id,score\n"
    )
    assert built == ["csv"]
    downloads.export_data((*key[:3], ("fingerprint", 2)), build)  # the answers changed
    assert built == ["csv", "csv"]
