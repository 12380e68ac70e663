"""Joining with an invite link (or its code typed as a message), first contact and consent,
and the person's language."""

from __future__ import annotations

from sqlmodel import select

from bot.conversations import callbacks
from bot.conversations.flows import Flows
from bot.conversations.invites import hash_code, looks_like_code
from bot.conversations.messages import Button, Kind
from bot.conversations.privacy import send_privacy
from bot.conversations.texts import LANGUAGES, say
from bot.conversations.turn import Turn
from storage.models import ServiceUser
from storage.people import invite_by_hash


class Onboarding(Flows):
    async def _before_consent(self, t: Turn) -> None:
        inc = t.incoming
        person = t.person
        assert person is not None
        if inc.kind is Kind.BUTTON and isinstance(
            callbacks.parse(inc.button_data), callbacks.Consent
        ):
            person.consented_at = t.now
            t.session.add(person)
            t.out.append(self._done_button_edit(t, say("consent_button", t.lang)))
            await self._menu(t)
            return
        if inc.kind is Kind.COMMAND and inc.command == "language":
            self._language_prompt(t)
            return
        chosen = callbacks.parse(inc.button_data) if inc.kind is Kind.BUTTON else None
        if isinstance(chosen, callbacks.SetLanguage):
            # Everything they have been told so far, again, in the language they chose.
            self._set_language(t, chosen.lang)
            self._welcome(t)
            return
        if isinstance(chosen, callbacks.ShowPrivacy) or (
            inc.kind is Kind.COMMAND and inc.command == "privacy"
        ):
            await send_privacy(t)
        elif inc.kind is Kind.COMMAND and inc.command == "help":
            t.send("help")
        else:
            t.send("consent_needed")
        self._consent_prompt(t)

    def _welcome(self, t: Turn) -> None:
        """First contact: who Tandem is, who sees what (in short: /privacy has the rest), and
        that nobody watches the chat, with the buttons to agree or read more."""
        person = t.person
        assert person is not None
        name = person.name.split()[0] if person.name else ""
        t.send("welcome_1", name=t.incoming.first_name or name)
        t.send("welcome_2", privacy_button=say("privacy_button", t.lang))
        self._consent_prompt(t)

    def _consent_prompt(self, t: Turn) -> None:
        t.send(
            "welcome_3",
            buttons=(
                (Button(say("consent_button", t.lang), callbacks.consent()),),
                (Button(say("privacy_button", t.lang), callbacks.show_privacy()),),
            ),
        )

    async def _redeem(self, t: Turn, code: str, *, typed: bool = False) -> None:
        """``/start <code>`` from a deep link, or the code typed as a message: link this
        Telegram account to the person."""
        inc = t.incoming
        invite = await invite_by_hash(t.session, hash_code(code)) if looks_like_code(code) else None
        if invite is None or invite.revoked_at is not None:
            t.send("code_wrong" if typed else "invite_wrong")
            return
        if t.person is not None and t.person.id != invite.service_user_id:
            t.send("already_linked")
            return
        if invite.used_at is not None:
            if t.person is not None:
                # Their own link again (e.g. tapped twice): just carry on.
                await self._greet(t)
            else:
                t.send("invite_used")
            return
        if invite.expires_at <= t.now:
            t.send("invite_expired")
            return
        stmt = select(ServiceUser).where(ServiceUser.id == invite.service_user_id).with_for_update()
        person = (await t.session.exec(stmt)).one()
        if person.telegram_user_id != inc.user_id:
            # A new phone or account: whoever held the old link loses it, and the person is
            # told again what Tandem is before anything else.
            person.telegram_user_id = inc.user_id
            person.consented_at = None
        person.telegram_chat_id = inc.chat_id
        person.linked_at = t.now
        if inc.language_code.lower().startswith("cy"):
            person.language = "cy"
        invite.used_at = t.now
        invite.used_by_telegram_user_id = inc.user_id
        t.session.add(person)
        t.session.add(invite)
        t.person = person
        await self._greet(t)

    async def _greet(self, t: Turn) -> None:
        person = t.person
        assert person is not None
        name = person.name.split()[0] if person.name else ""
        if person.consented_at is None:
            self._welcome(t)
        else:
            t.send("welcome_back", name=t.incoming.first_name or name)
            await self._menu(t)

    def _language_prompt(self, t: Turn) -> None:
        rows = tuple(
            (Button(name, callbacks.set_language(code)),) for code, name in LANGUAGES.items()
        )
        t.send("language_prompt", buttons=rows)

    def _set_language(self, t: Turn, lang: str) -> None:
        assert t.person is not None
        t.person.language = lang
        t.session.add(t.person)
        t.send("language_set")
