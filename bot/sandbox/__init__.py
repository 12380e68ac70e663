"""A local stand-in for the Telegram Bot API, with a browser chat page and a test client.

The demo, the end-to-end tests and the crash test run on it; see server.SandboxServer,
app.create_app and client.SandboxClient.
"""

from bot.sandbox.app import create_app
from bot.sandbox.client import Chat, Message, SandboxClient, SandboxError, Toast
from bot.sandbox.server import SandboxServer, serve_sandbox

__all__ = [
    "Chat",
    "Message",
    "SandboxClient",
    "SandboxError",
    "SandboxServer",
    "Toast",
    "create_app",
    "serve_sandbox",
]
