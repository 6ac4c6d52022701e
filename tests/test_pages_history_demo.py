"""History page and the one-click demo from the home page."""

from __future__ import annotations

from tests.support.apptest import PageEnv, texts


def test_demo_opens_in_one_click_and_every_page_renders(page_env: PageEnv) -> None:
    at = page_env.app("views/home.py")
    next(b for b in at.button if b.label == "Open the demo workshop").click().run()
    assert not at.exception
    assert "The demo workshop is ready." in texts(at)
    workshops = page_env.store.list_workshops()
    assert len(workshops) == 2 and all(w.title.startswith("Demo") for w in workshops)
    current = next(w for w in workshops if w.previous_id)

    # A second click reopens instead of creating more demos.
    next(b for b in at.button if b.label == "Open the demo workshop").click().run()
    assert "Reopened the existing demo workshop." in texts(at)
    assert len(page_env.store.list_workshops()) == 2

    snapshot = page_env.store.snapshot(current.id)
    first = snapshot.groups[0]
    keys = page_env.keys
    for page, params in [
        ("views/results.py", {"w": current.id, "token": keys.results_token(current, first)}),
        ("views/results.py", {"w": current.id, "token": keys.results_token(current)}),
        ("views/tutor.py", {"w": current.id, "g": first.id, "code": keys.join_code(first)}),
        ("views/history.py", {}),
    ]:
        other = page_env.app(page, **params)
        assert not other.exception, (page, other.exception)


def test_history_shows_systems_and_trends(page_env: PageEnv) -> None:
    from workshop.demo import create_demo

    create_demo(page_env.store, "en")
    at = page_env.app("views/history.py")
    assert not at.exception
    body = texts(at)
    assert "2 rounds" in body
    table = at.dataframe[0].value
    assert len(table) == 5
    assert set(table["Rounds"]) == {1, 2}
    # The system picker, and the follow-through's round picker (round 2 follows round 1).
    assert [box.key for box in at.selectbox] == ["history_system", "history_followup"]
    systems = at.selectbox(key="history_system")
    systems.select(systems.options[-1]).run()
    assert not at.exception


def test_history_without_rounds_says_so(page_env: PageEnv) -> None:
    page_env.make_workshop()
    at = page_env.app("views/history.py", token=page_env.keys.history_token())
    assert "No workshop has answers yet" in texts(at)


def test_demo_in_japanese(page_env: PageEnv) -> None:
    at = page_env.app("views/home.py", lang="ja")
    next(b for b in at.button if b.label == "デモのワークショップを開く").click().run()
    assert not at.exception
    assert all(w.language == "ja" for w in page_env.store.list_workshops())
