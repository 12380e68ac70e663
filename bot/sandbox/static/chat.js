// The sandbox chat page: one person's Telegram chat with the bot, over the control API.
// Every piece of text from a person or the bot is put in with textContent, never innerHTML.
"use strict";

(() => {
  const API = "/sandbox/api";
  const POLL_WAIT = 25;
  const params = new URLSearchParams(location.search);
  const botParam = params.get("bot");
  const startCode = params.get("start") || "";

  const KINDS = [
    ["sticker", "👍", "Sticker"],
    ["photo", "🖼", "Photo"],
    ["voice", "🎤", "Voice message"],
    ["video", "📹", "Video"],
    ["video_note", "⏺", "Video message"],
    ["audio", "🎵", "Audio"],
    ["document", "📄", "Document"],
    ["animation", "🎞", "GIF"],
    ["location", "📍", "Location"],
    ["contact", "👤", "Contact"],
    ["poll", "📊", "Poll"],
    ["dice", "🎲", "Dice"],
  ];

  const el = (id) => document.getElementById(id);
  const ui = {
    scroller: el("scroller"),
    list: el("messages"),
    empty: el("empty-card"),
    emptyDescription: el("empty-description"),
    botName: el("bot-name"),
    botAvatar: el("bot-avatar"),
    status: el("bot-status"),
    toast: el("toast"),
    startBar: el("start-bar"),
    startButton: el("start-button"),
    composer: el("composer"),
    input: el("input"),
    menuButton: el("menu-button"),
    commandMenu: el("command-menu"),
    attachButton: el("attach-button"),
    attachMenu: el("attach-menu"),
    keyboard: el("reply-keyboard"),
    keyboardToggle: el("keyboard-toggle"),
    chatMenuButton: el("chat-menu-button"),
    chatMenu: el("chat-menu"),
    blockToggle: el("block-toggle"),
    alertDialog: el("alert-dialog"),
    alertText: el("alert-text"),
  };

  const chat = {
    userId: null,
    seq: 0,
    messages: new Map(), // id -> {data, node}
    blocked: false,
    started: false,
    keyboard: null,
    keyboardOpen: true,
    forceReply: null,
    commands: [],
    pendingQueries: new Map(), // callback_query_id -> button element
    actionTimer: null,
    online: true,
  };

  // -- talking to the sandbox ---------------------------------------------------------------

  function withBot(path) {
    if (!botParam) return path;
    return path + (path.includes("?") ? "&" : "?") + "bot=" + encodeURIComponent(botParam);
  }

  async function api(method, path, body, signal) {
    const response = await fetch(API + withBot(path), {
      method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
      signal,
    });
    let data = {};
    try {
      data = await response.json();
    } catch (_) {
      /* an empty or non-JSON body is reported by status below */
    }
    if (!response.ok) {
      const error = new Error(data.error || response.statusText);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  async function act(path, body) {
    try {
      return await api("POST", `/chats/${chat.userId}${path}`, body);
    } catch (error) {
      showToast(error.message);
      return null;
    }
  }

  // -- rendering text with Telegram entities (offsets are UTF-16, like JS strings) ----------

  function wrapEntity(node, entity) {
    let wrapper;
    switch (entity.type) {
      case "bold": wrapper = document.createElement("strong"); break;
      case "italic": wrapper = document.createElement("em"); break;
      case "underline": wrapper = document.createElement("u"); break;
      case "strikethrough": wrapper = document.createElement("s"); break;
      case "code": wrapper = document.createElement("code"); break;
      case "pre":
        wrapper = document.createElement("span");
        wrapper.className = "pre";
        break;
      case "blockquote":
      case "expandable_blockquote":
        wrapper = document.createElement("span");
        wrapper.className = "quote";
        break;
      case "spoiler":
        wrapper = document.createElement("span");
        wrapper.className = "spoiler";
        wrapper.tabIndex = 0;
        wrapper.setAttribute("role", "button");
        wrapper.setAttribute("aria-label", "Hidden text, press to show");
        break;
      case "text_link":
      case "url": {
        const url = entity.type === "url" ? node.textContent : entity.url || "";
        if (!/^(https?:|tg:)/i.test(url)) return node;
        wrapper = document.createElement("a");
        wrapper.href = url;
        wrapper.target = "_blank";
        wrapper.rel = "noopener noreferrer";
        break;
      }
      default:
        return node;
    }
    wrapper.append(node);
    return wrapper;
  }

  function renderText(container, text, entities) {
    if (!entities || entities.length === 0) {
      container.textContent = text;
      return;
    }
    const cuts = new Set([0, text.length]);
    for (const e of entities) {
      cuts.add(Math.max(0, Math.min(text.length, e.offset)));
      cuts.add(Math.max(0, Math.min(text.length, e.offset + e.length)));
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let i = 0; i < points.length - 1; i += 1) {
      const from = points[i];
      const to = points[i + 1];
      if (from === to) continue;
      let node = document.createTextNode(text.slice(from, to));
      const active = entities.filter((e) => e.offset <= from && e.offset + e.length >= to);
      // Longest entity outermost, so nesting looks like the original markup.
      active.sort((a, b) => a.length - b.length);
      for (const entity of active) node = wrapEntity(node, entity);
      container.append(node);
    }
  }

  function clock(unix) {
    const d = new Date(unix * 1000);
    return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  }

  function mediaBlock(msg) {
    const kind = KINDS.find(([k]) => k === msg.kind);
    const box = document.createElement("div");
    box.className = "media " + msg.kind;
    if (msg.kind === "sticker") {
      box.textContent = (msg.fields.sticker && msg.fields.sticker.emoji) || "👍";
      box.setAttribute("aria-label", "Sticker");
      return box;
    }
    const icon = document.createElement("span");
    icon.className = "icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = kind ? kind[1] : "📎";
    const label = document.createElement("span");
    label.textContent = kind ? kind[2] : msg.kind;
    const detail = document.createElement("small");
    const f = msg.fields || {};
    if (msg.kind === "location" && f.location) {
      detail.textContent = `${f.location.latitude.toFixed(4)}, ${f.location.longitude.toFixed(4)}`;
    } else if (msg.kind === "contact" && f.contact) {
      detail.textContent = `${f.contact.first_name} · +${f.contact.phone_number}`;
    } else if (msg.kind === "document" && f.document) {
      detail.textContent = f.document.file_name || "";
    } else if (msg.kind === "poll" && f.poll) {
      detail.textContent = f.poll.question;
    } else if (msg.kind === "dice" && f.dice) {
      detail.textContent = `${f.dice.emoji} ${f.dice.value}`;
    } else if (f[msg.kind] && f[msg.kind].duration) {
      detail.textContent = `0:${String(f[msg.kind].duration).padStart(2, "0")}`;
    }
    label.append(detail);
    box.append(icon, label);
    return box;
  }

  function inlineKeyboard(msg) {
    const box = document.createElement("div");
    box.className = "inline-keyboard";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Buttons");
    msg.buttons.forEach((row, r) => {
      const line = document.createElement("div");
      line.className = "inline-row";
      row.forEach((button, c) => {
        let node;
        if (button.url && !button.callback_data) {
          node = document.createElement("a");
          node.className = "url";
          if (/^https?:/i.test(button.url)) {
            node.href = button.url;
            node.target = "_blank";
            node.rel = "noopener noreferrer";
          }
        } else {
          node = document.createElement("button");
          node.type = "button";
          node.addEventListener("click", () => pressInline(msg.id, r, c, node));
        }
        node.textContent = button.text;
        line.append(node);
      });
      box.append(line);
    });
    return box;
  }

  function replyQuote(msg) {
    const replied = chat.messages.get(msg.reply_to);
    if (!replied) return null;
    const quote = document.createElement("div");
    quote.className = "reply-quote";
    quote.textContent = replied.data.text || replied.data.summary || "Message";
    return quote;
  }

  function buildMessage(msg) {
    const item = document.createElement("li");
    item.className = "msg " + (msg.from === "bot" ? "in" : "out");
    item.dataset.id = String(msg.id);
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = msg.from === "bot" ? `${ui.botName.textContent} said: ` : "You said: ";
    const bubble = document.createElement("div");
    bubble.className = msg.kind === "sticker" ? "bubble bare" : "bubble";
    bubble.append(who);
    if (msg.reply_to) {
      const quote = replyQuote(msg);
      if (quote) bubble.append(quote);
    }
    if (msg.kind !== "text") bubble.append(mediaBlock(msg));
    const text = document.createElement("span");
    text.className = "text";
    if (msg.text) renderText(text, msg.text, msg.kind === "text" ? msg.entities : []);
    bubble.append(text);
    const meta = document.createElement("span");
    meta.className = "meta";
    if (msg.edited) {
      const edited = document.createElement("span");
      edited.className = "edited";
      edited.textContent = "edited";
      meta.append(edited);
    }
    const time = document.createElement("time");
    time.dateTime = new Date(msg.date * 1000).toISOString();
    time.textContent = clock(msg.date);
    meta.append(time);
    if (msg.from === "user") {
      const ticks = document.createElement("span");
      ticks.className = "ticks";
      ticks.setAttribute("aria-label", "read");
      ticks.textContent = "✓✓";
      meta.append(ticks);
    }
    bubble.append(meta);
    item.append(bubble);
    if (msg.buttons && msg.buttons.length) item.append(inlineKeyboard(msg));
    return item;
  }

  function placeMessage(msg) {
    const known = chat.messages.get(msg.id);
    if (msg.deleted) {
      if (known) known.node.remove();
      chat.messages.delete(msg.id);
      return;
    }
    const node = buildMessage(msg);
    if (known) {
      known.node.replaceWith(node); // an edit: update in place, keep the position
    } else {
      const later = [...ui.list.children].find((li) => Number(li.dataset.id) > msg.id);
      ui.list.insertBefore(node, later || null);
    }
    chat.messages.set(msg.id, { data: msg, node });
  }

  function nearBottom() {
    const s = ui.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 120;
  }

  function scrollToBottom() {
    ui.scroller.scrollTop = ui.scroller.scrollHeight;
  }

  // -- chat state: START, blocked, reply keyboard, typing -----------------------------------

  function renderBottom() {
    const empty = chat.messages.size === 0 && !chat.started;
    ui.empty.hidden = !empty;
    ui.startBar.hidden = !(empty || chat.blocked);
    ui.startButton.textContent = chat.blocked ? "RESTART" : "START";
    ui.composer.hidden = !ui.startBar.hidden;
    ui.blockToggle.textContent = chat.blocked ? "Restart bot" : "Stop and block bot";
    renderKeyboard();
    ui.menuButton.hidden = chat.commands.length === 0;
  }

  function renderKeyboard() {
    const kb = chat.keyboard;
    ui.keyboard.replaceChildren();
    const usable = kb && !ui.composer.hidden;
    ui.keyboardToggle.hidden = !usable;
    const forced = chat.forceReply && chat.forceReply.input_field_placeholder;
    ui.input.placeholder = (kb && kb.placeholder) || forced || "Message";
    if (!usable) {
      ui.keyboard.hidden = true;
      return;
    }
    const open = chat.keyboardOpen && !kb.hidden;
    ui.keyboard.hidden = !open;
    ui.keyboard.classList.toggle("tall", !kb.resize);
    ui.keyboardToggle.setAttribute("aria-pressed", String(open));
    ui.keyboardToggle.setAttribute("aria-label", open ? "Hide the bot's keyboard" : "Show the bot's keyboard");
    for (const row of kb.rows) {
      const line = document.createElement("div");
      line.className = "row";
      for (const label of row) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.addEventListener("click", () => act("/click", { label }));
        line.append(button);
      }
      ui.keyboard.append(line);
    }
  }

  function setStatus(text, className) {
    ui.status.textContent = text;
    ui.status.className = className || "";
  }

  function showAction(action) {
    clearTimeout(chat.actionTimer);
    if (!chat.online) return;
    if (action) {
      const words = {
        typing: "typing…",
        upload_photo: "sending a photo…",
        upload_document: "sending a file…",
        record_voice: "recording a voice message…",
        choose_sticker: "choosing a sticker…",
      };
      setStatus(words[action] || "busy…", "active");
      chat.actionTimer = setTimeout(() => setStatus("bot"), 5000);
    } else {
      setStatus("bot");
    }
  }

  // -- toasts and alerts (answerCallbackQuery) ----------------------------------------------

  let toastTimer = null;
  function showToast(text) {
    ui.toast.textContent = text;
    ui.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { ui.toast.hidden = true; }, 2600);
  }

  function showAnswer(toast) {
    const button = chat.pendingQueries.get(toast.callback_query_id);
    if (button) {
      button.removeAttribute("aria-busy");
      chat.pendingQueries.delete(toast.callback_query_id);
    }
    if (!toast.text) return;
    if (toast.show_alert && typeof ui.alertDialog.showModal === "function") {
      ui.alertText.textContent = toast.text;
      if (!ui.alertDialog.open) ui.alertDialog.showModal();
    } else {
      showToast(toast.text);
    }
  }

  // -- applying what the long poll brings ---------------------------------------------------

  function apply(view, initial) {
    const stick = initial || nearBottom();
    let ownMessage = false;
    let botMessage = false;
    for (const msg of view.messages) {
      const isNew = !chat.messages.has(msg.id);
      placeMessage(msg);
      if (isNew && msg.from === "user") ownMessage = true;
      if (msg.from === "bot") botMessage = true;
    }
    if (!initial) for (const toast of view.toasts) showAnswer(toast);
    chat.seq = view.seq;
    chat.blocked = view.blocked;
    chat.started = view.started;
    chat.forceReply = view.force_reply;
    if (JSON.stringify(view.reply_keyboard) !== JSON.stringify(chat.keyboard)) {
      chat.keyboard = view.reply_keyboard;
      chat.keyboardOpen = true;
    }
    showAction(view.action);
    renderBottom();
    if (stick || ownMessage) scrollToBottom();
    if (botMessage && !initial) refreshCommands();
  }

  // A browser opens at most six connections to one server. Hidden tabs stop long-polling
  // (they check every few seconds instead), so several chat tabs can stay open side by side.
  let pollAbort = null;
  let wakeFromPause = null;
  document.addEventListener("visibilitychange", () => {
    if (pollAbort) pollAbort.abort();
    if (wakeFromPause) wakeFromPause();
  });

  function pause(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeFromPause = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function pollForever() {
    let failures = 0;
    for (;;) {
      const hidden = document.hidden;
      pollAbort = new AbortController();
      try {
        const wait = hidden ? 0 : POLL_WAIT;
        const view = await api(
          "GET",
          `/chats/${chat.userId}/messages?after_seq=${chat.seq}&wait=${wait}`,
          undefined,
          pollAbort.signal,
        );
        if (!chat.online) {
          chat.online = true;
          setStatus("bot");
        }
        failures = 0;
        apply(view, false);
        if (hidden) await pause(3000);
      } catch (error) {
        if (error.name === "AbortError") continue; // the tab was hidden or shown: poll anew
        failures += 1;
        chat.online = false;
        setStatus("waiting for network…", "offline");
        await pause(Math.min(5000, 400 * failures));
      }
    }
  }

  async function refreshCommands() {
    try {
      const data = await api("GET", `/chats/${chat.userId}/commands`);
      chat.commands = data.commands || [];
    } catch (_) {
      chat.commands = [];
    }
    ui.menuButton.hidden = chat.commands.length === 0 || ui.composer.hidden;
  }

  // -- what the person does -----------------------------------------------------------------

  async function sendText(text) {
    if (!text.trim()) return;
    await act("/messages", { text });
  }

  function pressInline(messageId, row, column, button) {
    if (button.getAttribute("aria-busy") === "true") return;
    button.setAttribute("aria-busy", "true");
    act("/click", { message_id: messageId, row, column }).then((result) => {
      if (result && result.callback_query_id) {
        chat.pendingQueries.set(result.callback_query_id, button);
        // Telegram stops the spinner after a while even if the bot never answers.
        setTimeout(() => {
          button.removeAttribute("aria-busy");
          chat.pendingQueries.delete(result.callback_query_id);
        }, 15000);
      } else {
        button.removeAttribute("aria-busy");
      }
    });
  }

  function openMenu(menu, trigger) {
    closeMenus();
    menu.hidden = false;
    trigger.setAttribute("aria-expanded", "true");
    const first = menu.querySelector("button");
    if (first) first.focus();
  }

  function closeMenus(returnFocus) {
    for (const [menu, trigger] of [
      [ui.commandMenu, ui.menuButton],
      [ui.attachMenu, ui.attachButton],
      [ui.chatMenu, ui.chatMenuButton],
    ]) {
      if (!menu.hidden) {
        menu.hidden = true;
        trigger.setAttribute("aria-expanded", "false");
        if (returnFocus) trigger.focus();
      }
    }
  }

  function fillCommandMenu(prefix) {
    ui.commandMenu.replaceChildren();
    const shown = chat.commands.filter((c) => ("/" + c.command).startsWith(prefix || "/"));
    for (const c of shown) {
      const item = document.createElement("button");
      item.type = "button";
      item.setAttribute("role", "menuitem");
      const name = document.createElement("span");
      name.className = "cmd";
      name.textContent = "/" + c.command;
      const desc = document.createElement("span");
      desc.className = "desc";
      desc.textContent = c.description;
      item.append(name, desc);
      item.addEventListener("click", () => {
        closeMenus();
        ui.input.value = "";
        sendText("/" + c.command);
        ui.input.focus();
      });
      ui.commandMenu.append(item);
    }
    return shown.length;
  }

  function fillAttachMenu() {
    for (const [kind, emoji, label] of KINDS) {
      const item = document.createElement("button");
      item.type = "button";
      item.setAttribute("role", "menuitem");
      const icon = document.createElement("span");
      icon.className = "emoji";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = emoji;
      const text = document.createElement("span");
      text.textContent = label;
      item.append(icon, text);
      item.addEventListener("click", () => {
        closeMenus();
        act("/messages", { kind });
        ui.input.focus();
      });
      ui.attachMenu.append(item);
    }
  }

  function autosize() {
    ui.input.style.height = "auto";
    ui.input.style.height = Math.min(ui.input.scrollHeight, 160) + "px";
  }

  function wireEvents() {
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = ui.input.value;
      ui.input.value = "";
      autosize();
      closeMenus();
      sendText(text);
      ui.input.focus();
    });
    ui.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ui.composer.requestSubmit();
      }
    });
    ui.input.addEventListener("input", () => {
      autosize();
      // Typing "/" in an empty box suggests the bot's commands, as Telegram does.
      const value = ui.input.value;
      if (/^\/\w*$/.test(value) && chat.commands.length && fillCommandMenu(value)) {
        ui.commandMenu.hidden = false;
        ui.menuButton.setAttribute("aria-expanded", "true");
      } else if (!ui.commandMenu.hidden) {
        closeMenus();
      }
    });
    ui.startButton.addEventListener("click", async () => {
      ui.startButton.disabled = true;
      try {
        if (chat.blocked) await act("/unblock");
        await sendText(startCode && !chat.blocked ? `/start ${startCode}` : "/start");
      } finally {
        ui.startButton.disabled = false;
      }
      ui.input.focus();
    });
    ui.menuButton.addEventListener("click", () => {
      if (!ui.commandMenu.hidden) return closeMenus(true);
      fillCommandMenu("/");
      openMenu(ui.commandMenu, ui.menuButton);
    });
    ui.attachButton.addEventListener("click", () => {
      if (!ui.attachMenu.hidden) return closeMenus(true);
      openMenu(ui.attachMenu, ui.attachButton);
    });
    ui.chatMenuButton.addEventListener("click", () => {
      if (!ui.chatMenu.hidden) return closeMenus(true);
      openMenu(ui.chatMenu, ui.chatMenuButton);
    });
    ui.blockToggle.addEventListener("click", async () => {
      closeMenus();
      if (chat.blocked) {
        await act("/unblock");
        await sendText("/start");
      } else {
        await act("/block");
      }
    });
    ui.keyboardToggle.addEventListener("click", () => {
      if (chat.keyboard && chat.keyboard.hidden) {
        chat.keyboard = { ...chat.keyboard, hidden: false };
        chat.keyboardOpen = true;
      } else {
        chat.keyboardOpen = !chat.keyboardOpen;
      }
      renderKeyboard();
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") closeMenus(true);
    });
    document.addEventListener("click", (event) => {
      const inside = event.target.closest(".popup, #menu-button, #attach-button, #chat-menu-button");
      if (!inside) closeMenus();
    });
    ui.list.addEventListener("click", (event) => {
      const spoiler = event.target.closest(".spoiler");
      if (spoiler) spoiler.classList.add("revealed");
    });
    ui.list.addEventListener("keydown", (event) => {
      const spoiler = event.target.closest(".spoiler");
      if (spoiler && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        spoiler.classList.add("revealed");
      }
    });
  }

  // -- start-up -----------------------------------------------------------------------------

  async function whoAmI() {
    const name = (params.get("name") || "").trim();
    const lang = params.get("lang") || "en";
    const given = params.get("user");
    const body = { first_name: name || (given ? `Person ${given}` : "Alex"), language_code: lang };
    if (given) body.id = Number(given);
    const user = await api("POST", "/users", body);
    if (!given) {
      // Keep the id in the address, so reloading the page reopens the same chat.
      params.set("user", String(user.id));
      history.replaceState(null, "", `${location.pathname}?${params}`);
    }
    return user;
  }

  async function main() {
    fillAttachMenu();
    wireEvents();
    let user;
    for (let attempt = 0; ; attempt += 1) {
      try {
        user = await whoAmI();
        const info = await api("GET", `/chats/${user.id}`);
        chat.userId = user.id;
        chat.commands = info.commands || [];
        // The bot's own description (setMyDescription), as Telegram shows it before START.
        ui.emptyDescription.textContent = info.description || "";
        ui.emptyDescription.hidden = !info.description;
        ui.botName.textContent = info.bot.first_name;
        ui.botAvatar.textContent = (info.bot.first_name || "?").slice(0, 1).toUpperCase();
        document.title = `${info.bot.first_name} · ${user.first_name} · sandbox`;
        break;
      } catch (error) {
        // Usually: the bot has not connected to the sandbox yet. Keep trying.
        setStatus(error.status === 409 ? "waiting for the bot to connect…" : "connecting…", "offline");
        await new Promise((resolve) => setTimeout(resolve, Math.min(3000, 500 * (attempt + 1))));
      }
    }
    setStatus("bot");
    const first = await api("GET", `/chats/${chat.userId}/messages?after_seq=0`);
    apply(first, true);
    document.body.dataset.ready = "true"; // lets browser tests know the page is live
    if (!ui.composer.hidden) ui.input.focus();
    pollForever();
  }

  main();
})();
