from __future__ import annotations

from workshop.answers import format_score
from workshop.content.model import Band, Rubric, Text
from workshop.presentation import band_range_label


def _band(band_id: str, maximum: float | None) -> Band:
    return Band(id=band_id, max=maximum, label=Text(band_id, band_id), meaning=Text("m", "m"))


RUBRIC = Rubric(
    id="r",
    title=Text("r", "r"),
    description=Text("d", "d"),
    levels=(0.0, 0.5, 1.0),
    level_labels={},
    bands=(
        _band("0", 0),
        _band("0-1", 1),
        _band("1-2", 2),
        _band("2-3", 3),
        _band("3-5", 5),
        _band(">5", None),
    ),
    sections=(),
)


def test_band_ranges_read_like_the_papers_table() -> None:
    labels = [band_range_label(RUBRIC, band) for band in RUBRIC.bands]
    assert labels == ["0", "(0, 1]", "(1, 2]", "(2, 3]", "(3, 5]", "> 5"]


def test_format_score() -> None:
    assert format_score(None) == "—"
    assert format_score(3.0) == "3"
    assert format_score(4.666666) == "4.67"
    assert format_score(2.5) == "2.5"
    assert format_score(0.0) == "0"


def test_escape_markdown_keeps_user_text_literal() -> None:
    from workshop.presentation import escape_markdown

    assert escape_markdown("**bold** [x](javascript:alert(1))") == (
        "\\*\\*bold\\*\\* \\[x\\]\\(javascript\\:alert\\(1\\)\\)"
    )
    assert escape_markdown("<script>") == "\\<script\\>"
    assert escape_markdown("チーム A") == "チーム A"

    # ":" and "/" too: GitHub's autolink then links the URL itself (not "example\.com"),
    # and Streamlit's ":material/icon:" shortcut stays text.
    assert escape_markdown("https://example.com/x_y") == "https\\:\\/\\/example\\.com\\/x\\_y"
    assert escape_markdown(":material/home:") == "\\:material\\/home\\:"


# --------------------------------------------------------------------------- user text as HTML

A = '<a href="{0}" target="_blank" rel="noopener noreferrer">{0}</a>'


def test_a_url_is_one_link_to_exactly_that_url() -> None:
    from workshop.presentation import user_text_html

    # Every ":" is written "&#58;" (Streamlit rewrites ":material/" even inside HTML).
    assert user_text_html("https://example.com/x_y_z") == A.format("https&#58;//example.com/x_y_z")
    assert user_text_html("see http://a.example/p?q=1&r=2#top now") == (
        "see " + A.format("http&#58;//a.example/p?q=1&amp;r=2#top") + " now"
    )
    assert user_text_html("HTTPS://Example.COM/A") == A.format("HTTPS&#58;//Example.COM/A")


def test_punctuation_after_a_url_stays_outside_the_link() -> None:
    from workshop.presentation import user_text_html

    assert user_text_html("(see https://example.com/x).") == (
        "(see " + A.format("https&#58;//example.com/x") + ")."
    )
    # Balanced parentheses belong to the URL (Wikipedia links); the closing one does not.
    assert user_text_html("(https://en.wikipedia.org/wiki/A_(b)), next") == (
        "(" + A.format("https&#58;//en.wikipedia.org/wiki/A_(b)") + "), next"
    )
    assert user_text_html("https://example.com/a?, https://example.com/b!") == (
        A.format("https&#58;//example.com/a") + "?, " + A.format("https&#58;//example.com/b") + "!"
    )
    # Japanese: the URL ends where the Japanese begins, "。" included.
    assert user_text_html("手順はhttps://example.com/runbook。次に確認") == (
        "手順は" + A.format("https&#58;//example.com/runbook") + "。次に確認"
    )
    assert user_text_html("「https://example.com/a」を参照") == (
        "「" + A.format("https&#58;//example.com/a") + "」を参照"
    )


def test_html_and_markdown_in_user_text_stay_text() -> None:
    from workshop.presentation import user_text_html

    assert user_text_html("<img src=x onerror=alert(1)>") == ("&lt;img src=x onerror=alert(1)&gt;")
    assert user_text_html("<script>alert('x')</script>") == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    )
    assert user_text_html("[x](javascript:alert(1))") == "[x](javascript&#58;alert(1))"
    assert user_text_html("**bold** _it_ `code` # h :smile: $x$") == (
        "**bold** _it_ `code` # h &#58;smile&#58; $x$"
    )
    assert user_text_html('a "quoted" & &lt;') == "a &quot;quoted&quot; &amp; &amp;lt;"
    assert user_text_html("C:\\temp\\x_y \\*not escaped\\*") == (
        "C&#58;\\temp\\x_y \\*not escaped\\*"
    )


def test_only_http_and_https_become_links() -> None:
    from workshop.presentation import user_text_html

    for text in (
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://example.com/x",
        "mailto:a@example.com",
        "www.example.com",
        "https://",
        "https:// example.com",
    ):
        assert "<a " not in user_text_html(text), text
    # A scheme glued to a word is not a link; a URL after a colon still is.
    assert "<a " not in user_text_html("xhttps://example.com")
    assert user_text_html("javascript:https://example.com") == (
        "javascript&#58;" + A.format("https&#58;//example.com")
    )
    # Quotes and angle brackets end a URL, so an attribute can never be closed from inside.
    assert user_text_html('https://e.com/"onmouseover="x') == (
        A.format("https&#58;//e.com/") + "&quot;onmouseover=&quot;x"
    )
    assert user_text_html("<https://e.com/a>") == "&lt;" + A.format("https&#58;//e.com/a") + "&gt;"


def test_line_breaks_become_br_and_nothing_else_changes() -> None:
    from workshop.presentation import user_text_html

    assert user_text_html("one\ntwo\r\nthree\rfour") == "one<br>two<br>three<br>four"
    assert user_text_html("a\n\nb") == "a<br><br>b"  # a blank line cannot end the HTML block
    assert user_text_html("  indented\ttab  ") == "  indented\ttab  "
    assert user_text_html("チーム A 👩‍💻") == "チーム A 👩‍💻"
    assert user_text_html("") == ""


def test_user_text_block_is_one_line_of_html() -> None:
    from workshop.presentation import user_text_block

    assert user_text_block("x\ny https://e.com/z") == (
        '<div class="mts-user-text" '
        'style="white-space: pre-wrap; overflow-wrap: anywhere; margin-bottom: 1rem">'
        "x<br>y " + A.format("https&#58;//e.com/z") + "</div>"
    )


def test_format_html_fills_a_template_with_text_and_our_markup() -> None:
    from workshop.presentation import format_html

    line = format_html(
        "{priority} · {what} — {owner}",
        markup={"priority": "<strong>P2</strong>"},
        what="fix https://jira.example/ML-1.",
        owner="<b>Ann</b>",
    )
    assert line == (
        "<strong>P2</strong> · fix "
        + A.format("https&#58;//jira.example/ML-1")
        + ". — &lt;b&gt;Ann&lt;/b&gt;"
    )
    assert format_html("a: {x}", x="1") == "a&#58; 1"  # the template's own text is text too
