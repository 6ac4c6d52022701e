"""Join and results links, and QR codes of them, for pasting into breakout rooms."""

from __future__ import annotations

import io
from urllib.parse import urlencode, urlsplit, urlunsplit

import qrcode
from qrcode.image.pil import PilImage

from workshop.models import Group, Workshop

#: The app's page addresses (url_path of each st.Page), which never belong to its base.
PAGE_PATHS: frozenset[str] = frozenset(
    {"host", "present", "tutor", "wrapup", "history", "results", "votes"}
)


def app_base_url(page_url: str) -> str:
    """The app's own address from the address of one of its pages, as the browser shows it.

    ``https://ml.example.com/workshop/host?w=1`` -> ``https://ml.example.com/workshop``:
    join and results links then work on whatever host, port and path prefix the
    host's browser reached the app by (a proxy, another port), with no setting.
    """
    parts = urlsplit(page_url.strip())
    if not parts.scheme or not parts.netloc:
        return ""
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1] in PAGE_PATHS:
        segments.pop()
    path = "/" + "/".join(segments) if segments else ""
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def join_link(base_url: str, workshop: Workshop, group: Group, code: str) -> str:
    """The tutor's link: opens the scoring page for this group with its code filled in."""
    query = urlencode({"w": workshop.id, "g": group.id, "code": code, "lang": workshop.language})
    return f"{base_url.rstrip('/')}/tutor?{query}"


def participant_link(base_url: str, workshop: Workshop, group: Group, token: str) -> str:
    """A participant's link: the group's voting page on a phone; it can vote, never answer."""
    query = urlencode({"w": workshop.id, "g": group.id, "token": token, "lang": workshop.language})
    return f"{base_url.rstrip('/')}/votes?{query}"


def results_link(base_url: str, workshop_id: str, token: str, language: str = "en") -> str:
    """A read-only results link (the workshop's or a group's token); no passcode needed."""
    query = urlencode({"w": workshop_id, "token": token, "lang": language})
    return f"{base_url.rstrip('/')}/results?{query}"


def history_link(base_url: str, token: str, language: str = "en") -> str:
    """The read-only link to the history of every system across rounds."""
    return f"{base_url.rstrip('/')}/history?{urlencode({'token': token, 'lang': language})}"


def qr_png(text: str, box_size: int = 6) -> bytes:
    """A QR code of ``text`` as PNG bytes (error correction M, quiet zone of 2)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=2
    )
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image(image_factory=PilImage)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
