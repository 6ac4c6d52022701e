"""Home page: explains the workshop and shows the whole rubric in the chosen language."""

from __future__ import annotations

from tests.support.apptest import PageEnv, texts


def test_home_shows_all_28_items_with_criteria(page_env: PageEnv) -> None:
    at = page_env.app("views/home.py")
    assert not at.exception
    body = texts(at)
    assert "ML Test Score Workshop" in body
    for section in ("data", "model", "infra", "monitor"):
        for number in range(1, 8):
            assert f"**{section}-{number} ·" in body
    assert len(at.tabs) == 4
    assert "The **final score is the lowest section score**" in body


def test_home_in_japanese_from_the_url(page_env: PageEnv) -> None:
    at = page_env.app("views/home.py", lang="ja")
    assert not at.exception
    body = texts(at)
    assert "ML Test Score ワークショップ" in body
    assert "最終スコアは4領域のうち最も低いスコア" in body
    assert at.radio(key="_lang_choice").value == "ja"


def test_language_switch_changes_the_page(page_env: PageEnv) -> None:
    at = page_env.app("views/home.py")
    at.radio(key="_lang_choice").set_value("ja").run()
    assert "MLシステムの本番運用への備え" in texts(at)


# --------------------------------------------------------------------------- band table


def test_the_band_table_shows_greater_than_5(page_env: PageEnv) -> None:
    at = page_env.app("views/home.py")
    assert not at.exception
    ranges = list(at.table[0].value["Final score"])
    # st.table renders cells as Markdown: "\>" shows ">", where a bare "> 5" was a quote
    # showing "5". The brackets are escaped the same way and show as typed.
    assert ranges == ["0", "\\(0, 1\\]", "\\(1, 2\\]", "\\(2, 3\\]", "\\(3, 5\\]", "\\> 5"]
