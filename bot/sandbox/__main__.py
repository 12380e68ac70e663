"""`python -m bot.sandbox`: run the sandbox on its own (the `tandem sandbox` command's core)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from bot.sandbox.app import create_app
from bot.sandbox.server import serve_sandbox


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--bot-username", default="TandemSandboxBot")
    parser.add_argument("--bot-name", default="Tandem")
    parser.add_argument("--token", help="register this bot token up front")
    parser.add_argument(
        "--insecure-webhooks",
        action="store_true",
        help="accept http:// webhooks on any host, not only on loopback",
    )
    parser.add_argument(
        "--rate-limit",
        type=float,
        metavar="N",
        help="refuse more than N messages a second per bot with 429, as Telegram does (30)",
    )
    args = parser.parse_args(argv)
    app = create_app(
        bot_username=args.bot_username,
        bot_name=args.bot_name,
        bot_token=args.token,
        insecure_webhooks=args.insecure_webhooks,
        rate_limit=args.rate_limit,
    )

    def ready(url: str) -> None:
        print(f"Sandbox at {url}  (chats: {url}/, Bot API: TELEGRAM_API_URL={url}/bot)", flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_sandbox(args.host, args.port, app=app, ready=ready))


if __name__ == "__main__":
    main()
