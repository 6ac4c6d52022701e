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


def anonymity_toggle(workshop: Workshop) -> None:
    box = live.runtime().votes
    key = f"anonymous_{workshop.id}"
    anonymous = box.anonymous(workshop.id)
    chosen = st.toggle(
        t("votes.anonymous_toggle"), value=anonymous, key=key, help=t("votes.anonymous_help")
    )
    if chosen != anonymous:
        box.set_anonymous(workshop.id, chosen)


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
