"""Participant: vote on the group's current test from a phone, and see the spread once revealed.

Reached only through the group's participant link (``/votes?w=&g=&token=``), whose
token is derived from the app secret like a join code and checked here, on the
server, with the same throttling of wrong guesses (:mod:`views.auth`). The page
can vote and view, nothing else: it has no way to write an answer, and the
tutor page asks for the join code, which this link does not carry.

Live state (the group's current test, whether its votes are revealed, the
votes) is read from the machine's local votes file every two seconds by a
fragment; the clock comes from the store's shared copy (never a Sheets request
per viewer). A participant keeps one vote per round: their id is kept in the
address (``p=``), so a reload does not make them a second voter.
"""

from __future__ import annotations

import streamlit as st

from views import auth, context, countdown, language, live, markup, vote_display
from workshop import timesource
from workshop.access import participant_token_matches
from workshop.answers import NA_TEXT, format_level
from workshop.content.model import Item
from workshop.models import Group, Snapshot
from workshop.presentation import escape_markdown
from workshop.security import new_id
from workshop.vote_box import MAX_PARTICIPANT_NAME, PRESENCE_EVERY, RoundState, VotingClosed
from workshop.votes import VoteError, check_vote, tally, vote_choices

#: How often the page looks at the votes file (seconds): cheap, local, no Sheets request.
POLL_SECONDS = 2

t = language.t
lang = language.lang()
content = context.catalog()
markup.page_css()

workshop_id = st.query_params.get("w", "")
group_id = st.query_params.get("g", "")
if not workshop_id or not group_id:
    st.info(t("votes.missing_link"))
    st.stop()

snapshot = live.live_snapshot(workshop_id)
try:
    group: Group = snapshot.group(group_id)
except KeyError:
    st.error(t("errors.workshop_not_found"))
    st.stop()


def _admit(group: Group) -> None:
    """Go on only for a session that opened this group's current participant link."""
    if auth.participant_authorized(group):
        return
    keys = live.runtime().keys
    given = st.query_params.get("token", "")
    if not given:
        st.info(t("votes.missing_link"))
        st.stop()
    right = auth.attempt(lambda: participant_token_matches(keys, group, given))
    if right:
        auth.grant_participant(group)
        return
    if right is False:
        st.error(t("votes.wrong_token"), icon=":material/link_off:")
    st.stop()


_admit(group)

workshop = snapshot.workshop
rubric = content.rubrics[workshop.rubric_id]
agenda = content.agendas[workshop.agenda_id]
box = live.runtime().votes
participant = st.query_params.get("p", "")
if not participant.startswith("p_") or len(participant) > 40:
    participant = new_id("p")
    st.query_params["p"] = participant

st.markdown(f"### {t('votes.title', group=escape_markdown(group.name))}")
st.caption(f"{escape_markdown(workshop.title)} · {escape_markdown(group.system)}")


def _keep_name() -> None:
    """The name goes into the address too, so a reload keeps it (like the participant id)."""
    st.query_params["n"] = _name()


def _name() -> str:
    return (st.session_state.get("participant_name") or "").strip()[:MAX_PARTICIPANT_NAME]


st.text_input(
    t("votes.your_name"),
    value=st.query_params.get("n", "")[:MAX_PARTICIPANT_NAME],
    key="participant_name",
    max_chars=MAX_PARTICIPANT_NAME,
    help=t("votes.your_name_help"),
    on_change=_keep_name,
)


def _cast(item_id: str, choice: str) -> None:
    """A vote button: checked against the rules and the group's round, on the server."""
    latest = live.last_seen(workshop_id)
    try:
        current = latest.group(group_id) if latest is not None else None
    except KeyError:
        current = None
    if current is None or not auth.participant_authorized(current) or latest.workshop.closed:
        st.session_state["vote_problem"] = "votes.voting_closed"
        return
    try:
        vote = check_vote(rubric, rubric.item(item_id), choice)
        box.cast(workshop_id, group_id, item_id, participant, _name(), vote, timesource.now())
    except VoteError as error:
        st.session_state["vote_problem"] = f"votes.refused_{error.code}"
    except VotingClosed:
        st.session_state["vote_problem"] = "votes.voting_closed"


@st.fragment(run_every=POLL_SECONDS)
def live_votes() -> None:
    """The countdown, the group's current test, the vote buttons or the revealed spread."""
    latest = live.live_snapshot(workshop_id, warn=False)
    if not auth.participant_authorized(latest.group(group_id)):
        st.rerun()  # the host regenerated the group's links: check the token again
    countdown.show(agenda, latest.clock, lang, compact=True, key="votes_clock")
    now = timesource.now()
    if now - st.session_state.get("_seen_at", 0.0) >= PRESENCE_EVERY:
        box.seen(workshop_id, group_id, participant, _name(), now)
        st.session_state["_seen_at"] = now
    if latest.workshop.closed:
        st.info(t("votes.closed_workshop"), icon=":material/lock:")
        return
    problem = st.session_state.pop("vote_problem", None)
    if problem:
        st.error(t(problem), icon=":material/block:")
    item_id = box.current(workshop_id, group_id)
    if not item_id or item_id not in {item.id for item in rubric.items}:
        st.info(t("votes.waiting"), icon=":material/hourglass_empty:")
        return
    item = rubric.item(item_id)
    state = box.state(workshop_id, group_id, item_id)
    st.caption(t("votes.now_voting"))
    st.markdown(f"**{item.id} · {item.title.get(lang)}**")
    with st.expander(t("votes.about_test")):
        st.write(item.explanation.get(lang))
    if state.revealed:
        _revealed(latest, item, state)
    else:
        _ballot(item, state)


def _revealed(latest: Snapshot, item: Item, state: RoundState) -> None:
    """After the reveal: the spread (names only if the host allows), the note, the answer."""
    st.markdown(f"#### {t('votes.revealed')}")
    spread = tally(rubric, item, [v.choice for v in state.votes])
    anonymous = box.anonymous(workshop_id)
    if anonymous:
        st.caption(t("votes.anonymous"))
    vote_display.show_spread(rubric, spread, lang, votes=state.votes, anonymous=anonymous)
    if state.note:
        st.markdown(t("votes.tutor_note", note=escape_markdown(state.note)))
    answer = latest.group_answers(group_id).get(item.id)
    if answer and answer.value:
        shown = format_level(answer.value, lang, content.ui)
        st.markdown(t("votes.group_answer", answer=escape_markdown(shown)))
    else:
        st.caption(t("votes.no_answer_yet"))


def _ballot(item: Item, state: RoundState) -> None:
    """Before the reveal: one button per choice, each level's criteria right under it."""
    st.caption(t("votes.choose"))
    mine = state.vote_of(participant)
    for choice in vote_choices(rubric, item):
        st.button(
            vote_display.choice_label(rubric, choice, lang),
            key=f"vote_{item.id}_{state.round}_{choice}",
            type="primary" if choice == mine else "secondary",
            width="stretch",
            on_click=_cast,
            args=(item.id, choice),
        )
        criteria = item.criteria.get(choice)
        if criteria is not None:
            st.caption(criteria.get(lang))
        elif choice == NA_TEXT and item.not_applicable is not None:
            st.caption(t("tutor.na_when", text=item.not_applicable.get(lang)))
    if mine:
        label = vote_display.choice_label(rubric, mine, lang)
        st.success(
            t("votes.your_vote", choice=escape_markdown(label)), icon=":material/how_to_vote:"
        )
    else:
        st.caption(t("votes.not_voted"))
    st.caption(t("votes.vote_count", count=len(state.votes)))


live_votes()
