"""Settings, read once from the environment."""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

from storage.db import DEFAULT_URL

TELEGRAM_API_DEFAULT = "https://api.telegram.org/bot"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    telegram_token: str | None = None
    # Bot API base URL in python-telegram-bot's form: the token is appended to it.
    telegram_api_url: str = TELEGRAM_API_DEFAULT
    database_url: str = DEFAULT_URL
    dialogues_dir: Path = field(default_factory=lambda: Path("dialogues"))
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    webhook_url: str | None = None
    webhook_secret_override: str | None = None
    bot_username: str | None = None
    invite_days: int = 14
    poll_timeout: int = 25
    # Messages a second to Telegram overall; Telegram's own ceiling is about 30.
    send_rate: float = 30.0
    # Script previews: anyone in the chat may try any script. Only against a local stand-in.
    preview: bool = False
    # Emails to case managers ("something new for CRN X"). No SMTP host: no emails; the
    # caseload still shows everything new.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str | None = None
    smtp_starttls: bool = True
    # Where staff open the review app, for the link in those emails.
    public_url: str | None = None

    @property
    def webhook_path(self) -> str:
        """The route Tandem serves: the path of the public webhook URL (a proxy in front may
        change host and port, but forwards the path)."""
        if not self.webhook_url:
            raise ConfigError("TANDEM_WEBHOOK_URL is not set")
        return urlsplit(self.webhook_url).path or "/"

    @property
    def webhook_secret(self) -> str:
        """Telegram sends this back in a header with every push. Derived from the token when not
        given, so every copy of Tandem behind one URL agrees without more configuration."""
        if self.webhook_secret_override:
            return self.webhook_secret_override
        if not self.telegram_token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
        digest = hmac.new(self.telegram_token.encode(), b"tandem-webhook", hashlib.sha256)
        return digest.hexdigest()

    def check_preview(self) -> None:
        host = urlsplit(self.telegram_api_url).hostname or ""
        if self.preview and host not in ("127.0.0.1", "localhost", "::1"):
            raise ConfigError(
                "TANDEM_PREVIEW lets anyone try scripts without an invite, so it only runs "
                "against a local Telegram sandbox (TELEGRAM_API_URL on 127.0.0.1)"
            )

    def require_token(self) -> str:
        if not self.telegram_token:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather, then run "
                "TELEGRAM_BOT_TOKEN=... make run (or use `make demo` for the local sandbox)."
            )
        return self.telegram_token


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


class _SmtpSettings(TypedDict):
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_from: str | None
    smtp_starttls: bool
    public_url: str | None


def _smtp(env: dict[str, str]) -> _SmtpSettings:
    host = (env.get("TANDEM_SMTP_HOST") or "").strip() or None
    starttls = _flag(env, "TANDEM_SMTP_STARTTLS", True)
    public = (env.get("TANDEM_PUBLIC_URL") or "").strip().rstrip("/") or None
    if public and not public.startswith(("http://", "https://")):
        raise ConfigError(
            "TANDEM_PUBLIC_URL must be a full http(s) URL, like https://tandem.example.org"
        )
    sender = (env.get("TANDEM_SMTP_FROM") or "").strip() or None
    if host and not sender:
        raise ConfigError(
            "TANDEM_SMTP_FROM must be set when TANDEM_SMTP_HOST is (the address emails come from)"
        )
    port = _int(env, "TANDEM_SMTP_PORT", 587 if starttls else 25)
    if not 0 < port < 65536:
        raise ConfigError(f"TANDEM_SMTP_PORT must be a port number, not {port}")
    return {
        "smtp_host": host,
        "smtp_port": port,
        "smtp_user": env.get("TANDEM_SMTP_USER") or None,
        "smtp_password": env.get("TANDEM_SMTP_PASSWORD") or None,
        "smtp_from": sender,
        "smtp_starttls": starttls,
        "public_url": public,
    }


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    api_url = env.get("TELEGRAM_API_URL") or TELEGRAM_API_DEFAULT
    if not api_url.startswith(("http://", "https://")):
        raise ConfigError("TELEGRAM_API_URL must look like http://host:port/bot")
    webhook = env.get("TANDEM_WEBHOOK_URL") or None
    if webhook and not webhook.startswith(("http://", "https://")):
        raise ConfigError("TANDEM_WEBHOOK_URL must be a full http(s) URL")
    return Settings(
        telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
        telegram_api_url=api_url,
        database_url=env.get("TANDEM_DATABASE_URL") or DEFAULT_URL,
        dialogues_dir=Path(env.get("TANDEM_DIALOGUES_DIR") or "dialogues"),
        http_host=env.get("TANDEM_HTTP_HOST") or "127.0.0.1",
        http_port=_int(env, "TANDEM_HTTP_PORT", 8000),
        webhook_url=webhook,
        webhook_secret_override=env.get("TANDEM_WEBHOOK_SECRET") or None,
        bot_username=env.get("TANDEM_BOT_USERNAME") or None,
        invite_days=_int(env, "TANDEM_INVITE_DAYS", 14),
        poll_timeout=_int(env, "TANDEM_POLL_TIMEOUT", 25),
        send_rate=float(_int(env, "TANDEM_SEND_RATE", 30)),
        preview=(env.get("TANDEM_PREVIEW") or "").lower() in ("1", "true", "yes"),
        **_smtp(env),
    )
