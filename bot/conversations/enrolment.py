"""Adding a person and giving them an invite link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.conversations.invites import deep_link, hash_code, new_code
from storage.db import Database
from storage.models import ServiceUser
from storage.people import add_invite, add_person, ensure_organisation, revoke_open_invites
from storage.settings import get_setting
from storage.types import utcnow

DEFAULT_ORGANISATION = "Tandem"
FALLBACK_BOT_USERNAME = "TandemBot"


@dataclass(frozen=True)
class Invitation:
    person_id: int
    code: str
    link: str


class UnknownPerson(LookupError):
    pass


async def bot_username(db: Database, configured: str | None = None) -> str:
    """The bot's @username for links: configured, else learned from Telegram at the last start."""
    if configured:
        return configured
    async with db.transaction() as session:
        return await get_setting(session, "bot_username") or FALLBACK_BOT_USERNAME


async def enrol(
    db: Database,
    *,
    name: str,
    crn: str | None = None,
    organisation: str = DEFAULT_ORGANISATION,
    case_manager_id: int | None = None,
    invite_days: int = 14,
    username: str | None = None,
) -> Invitation:
    link_name = await bot_username(db, username)
    code = new_code()
    async with db.transaction() as session:
        org = await ensure_organisation(session, organisation)
        assert org.id is not None
        person = await add_person(
            session, organisation_id=org.id, name=name, crn=crn, case_manager_id=case_manager_id
        )
        assert person.id is not None
        await add_invite(
            session, person.id, hash_code(code), utcnow() + timedelta(days=invite_days)
        )
    return Invitation(person.id, code, deep_link(link_name, code))


async def reissue_invite(
    db: Database, person_id: int, *, invite_days: int = 14, username: str | None = None
) -> Invitation:
    """A new link (lost phone, expired link); any earlier unused link stops working."""
    link_name = await bot_username(db, username)
    code = new_code()
    async with db.transaction() as session:
        person = await session.get(ServiceUser, person_id)
        if person is None:
            raise UnknownPerson(person_id)
        now = utcnow()
        await revoke_open_invites(session, person_id, now)
        await add_invite(session, person_id, hash_code(code), now + timedelta(days=invite_days))
    return Invitation(person_id, code, deep_link(link_name, code))
