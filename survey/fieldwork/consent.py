"""Who may say yes to a questionnaire, by audience and age band (Swedish research ethics).

Children (7–13) and young people under 15 take part only once their guardians have agreed; that
agreement is confirmed by a signed-in adult from the project, never on the respondent's screen.
From 15 a young person consents alone. Parents and other adults consent for themselves. The
respondent's own yes or no is always asked, and a no ends the questionnaire.
"""
from __future__ import annotations

import enum


class AgeBand(enum.StrEnum):
    UNDER_15 = "under_15"
    FROM_15 = "from_15"


class ConsentStep(enum.StrEnum):
    ASK_AGE_BAND = "ask_age_band"              # a youth collection asks this before anything else
    ASK_RESPONDENT = "ask_respondent"          # the respondent's own yes or no
    WAIT_FOR_GUARDIANS = "wait_for_guardians"  # an adult must ask the guardians first; nothing is stored


def asks_age_band(audience: str) -> bool:
    """Youth collections (13–19) ask whether the respondent is under 15 before anything else."""
    return audience == "youth"


def consent_step(audience: str, needs_confirmation: bool, guardians_confirmed: bool,
                 age_band: AgeBand | str | None = None) -> ConsentStep:
    """The next step before a respondent may begin.

    `needs_confirmation` is the collection's `guardian_consent` (on by default for children and
    youth); `guardians_confirmed` whether a coordinator has recorded the guardians' agreement.
    """
    if asks_age_band(audience):
        if age_band is None:
            return ConsentStep.ASK_AGE_BAND
        if AgeBand(age_band) is AgeBand.FROM_15:
            return ConsentStep.ASK_RESPONDENT
    elif audience != "child":
        return ConsentStep.ASK_RESPONDENT  # parents and other adults consent for themselves
    if needs_confirmation and not guardians_confirmed:
        return ConsentStep.WAIT_FOR_GUARDIANS
    return ConsentStep.ASK_RESPONDENT


def confirmation_required_to_open(audience: str, needs_confirmation: bool) -> bool:
    """Opening a children's collection needs the guardians' confirmation; a youth collection may
    open without it (then only those from 15 can answer)."""
    return needs_confirmation and audience == "child"


def confirmation_offered_when_opening(audience: str, needs_confirmation: bool) -> bool:
    return needs_confirmation and audience in ("child", "youth")
