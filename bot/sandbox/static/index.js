// The sandbox index: the bot, its chats, and a form to open a new chat. Text via textContent only.
"use strict";

(() => {
  const params = new URLSearchParams(location.search);
  const startField = document.getElementById("start");
  if (params.get("start")) startField.value = params.get("start");

  function row(list, term, value) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    if (value instanceof Node) dd.append(value);
    else dd.textContent = value;
    list.append(dt, dd);
  }

  function code(text) {
    const c = document.createElement("code");
    c.textContent = text;
    return c;
  }

  function showBot(bots) {
    const box = document.getElementById("bot-info");
    box.replaceChildren();
    const bot = bots.bots.find((b) => b.id === bots.default) || bots.bots[0];
    if (!bot) {
      const p = document.createElement("p");
      p.append("No bot has connected yet. Point the bot at ", code(`${location.origin}/bot`), " (TELEGRAM_API_URL).");
      box.append(p);
      return null;
    }
    const list = document.createElement("dl");
    row(list, "Name", bot.first_name);
    row(list, "Username", "@" + bot.username);
    row(list, "Updates by", bot.webhook ? `webhook: ${bot.webhook.url}` : "long polling (getUpdates)");
    if (bot.webhook && bot.webhook.last_error_message) row(list, "Last webhook error", bot.webhook.last_error_message);
    row(list, "Waiting updates", String(bot.pending_update_count));
    row(list, "Commands", bot.commands.length ? bot.commands.map((c) => "/" + c.command).join("  ") : "none");
    row(list, "Deep link", code(`${location.origin}/t.me/${bot.username}?start=CODE`));
    box.append(list);
    return bot;
  }

  function showChats(data) {
    const list = document.getElementById("chats");
    list.replaceChildren();
    if (!data.chats.length) {
      const li = document.createElement("li");
      li.textContent = "No chats yet.";
      list.append(li);
      return;
    }
    for (const chat of data.chats) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      const query = new URLSearchParams({ user: chat.user.id, name: chat.user.first_name });
      a.href = `/chat?${query}`;
      const avatar = document.createElement("span");
      avatar.className = "avatar";
      avatar.setAttribute("aria-hidden", "true");
      avatar.textContent = chat.user.first_name.slice(0, 1).toUpperCase();
      const text = document.createElement("span");
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = `${chat.user.first_name} (${chat.user.id})`;
      text.append(who);
      if (chat.blocked) {
        const tag = document.createElement("span");
        tag.className = "tag";
        tag.textContent = "blocked the bot";
        text.append(tag);
      }
      const last = document.createElement("span");
      last.className = "last";
      last.textContent = chat.last_text || "no messages yet";
      text.append(document.createElement("br"), last);
      a.append(avatar, text);
      li.append(a);
      list.append(li);
    }
  }

  async function refresh() {
    try {
      const bots = await (await fetch("/sandbox/api/bots")).json();
      if (showBot(bots)) {
        const chats = await (await fetch("/sandbox/api/chats")).json();
        if (chats.chats) showChats(chats);
      }
    } catch (_) {
      /* the sandbox may be restarting; the next refresh will tell */
    }
  }

  refresh();
  setInterval(refresh, 3000);
})();
