"""The host page's part of participants' votes: each group's voting link, and anonymity.

Anonymity is a per-workshop setting kept with the votes on this machine
(:meth:`workshop.vote_box.VoteBox.anonymous`): it only decides whether the
group's screens show names beside the spread after a reveal. The shared record
and the exports never hold names, whatever it says.
"""

from __future__ import annotations

import streamlit as st

from views import context, live
from views.language import t
from workshop.links import participant_link, qr_png
from workshop.models import Group, Workshop


def _set_anonymous(workshop_id: str, key: str) -> None:
    live.runtime().votes.set_anonymous(workshop_id, bool(st.session_state.get(key)))


def anonymity_toggle(workshop: Workshop) -> None:
    """The workshop's setting as stored; only a click changes it (a callback), and the
    widget is redrawn under a new key when another host's page changed it."""
    anonymous = live.runtime().votes.anonymous(workshop.id)
    key = f"anonymous_{workshop.id}_{int(anonymous)}"
    st.toggle(
        t("votes.anonymous_toggle"),
        value=anonymous,
        key=key,
        help=t("votes.anonymous_help"),
        on_change=_set_anonymous,
        args=(workshop.id, key),
    )


def participant_link_block(workshop: Workshop, group: Group) -> None:
    """The group's participant link and QR code (votes only, never answers)."""
    token = live.runtime().keys.participant_token(group)
    link = participant_link(context.public_base(), workshop, group, token)
    text_column, qr_column = st.columns([5, 1])
    with text_column:
        st.markdown(f"{t('votes.participant_link')}:")
        st.code(link, language=None)
    with qr_column:
        st.image(qr_png(link), width=120)
