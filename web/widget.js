/*
 * Chat widget for the gut-skin axis education assistant (Rasa socketio channel).
 *
 * Embed with one script tag; it loads its stylesheet and the vendored socket.io client from its own folder:
 *
 *   <script src="https://example.org/chat/widget.js"
 *           data-server-url="https://bot.example.org"   Rasa server (default: the origin of this script)
 *           data-title="Gut-skin axis assistant"
 *           data-primary-color="#0f766e" data-open="false"
 *           data-initial-payload="/greet"></script>
 *
 * Options (data-* attributes, or window.GsaChatConfig = {...} before the script, or GsaChat.init({...})):
 *   serverUrl, socketPath, tokenUrl, title, subtitle, placeholder, open, initialMessage, initialPayload,
 *   primaryColor, primaryTextColor, backgroundColor, textColor, botBubbleColor, storageKey, autoInit.
 *
 * Security: bot and user text are never parsed as HTML. Messages are built from DOM nodes with textContent;
 * only http(s) URLs become links or images.
 */
(function () {
  "use strict";

  if (window.GsaChat && window.GsaChat.version) return; // loaded twice: keep the first instance

  var script = document.currentScript;
  var BASE = new URL(".", (script && script.src) || location.href).href;
  var SESSION_ID = /^[0-9a-f]{32}$/;
  var MAX_HISTORY = 200;
  var MAX_LENGTH = 2000;
  var REPLY_TIMEOUT_MS = 45000;

  var DEFAULTS = {
    serverUrl: null,
    socketPath: "/socket.io/",
    tokenUrl: null,
    title: "Gut-skin axis assistant",
    subtitle: "Education about eczema and the gut",
    placeholder: "Ask a question…",
    open: false,
    initialMessage: "",
    initialPayload: "",
    primaryColor: "",
    primaryTextColor: "",
    backgroundColor: "",
    textColor: "",
    botBubbleColor: "",
    storageKey: "gsa-chat",
    autoInit: true,
  };
  var COLOURS = {
    primaryColor: "--gsa-primary",
    primaryTextColor: "--gsa-on-primary",
    backgroundColor: "--gsa-bg",
    textColor: "--gsa-text",
    botBubbleColor: "--gsa-bot-bubble",
  };

  // ---------------------------------------------------------------- options

  function asBool(value) {
    if (typeof value === "string") return !/^(false|0|no|off|)$/i.test(value.trim());
    return Boolean(value);
  }

  function scriptOptions() {
    var options = {};
    if (!script) return options;
    Object.keys(DEFAULTS).forEach(function (key) {
      if (script.dataset[key] !== undefined) options[key] = script.dataset[key];
    });
    return options;
  }

  function resolveOptions(extra) {
    var options = Object.assign({}, DEFAULTS, window.GsaChatConfig || {}, scriptOptions(), extra || {});
    options.open = asBool(options.open);
    options.autoInit = asBool(options.autoInit);
    options.serverUrl = options.serverUrl ? String(options.serverUrl) : new URL(BASE).origin;
    options.tokenUrl = options.tokenUrl ? new URL(String(options.tokenUrl), BASE).href : null;
    options.storageKey = String(options.storageKey || DEFAULTS.storageKey);
    return options;
  }

  // ---------------------------------------------------------------- small helpers

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined && attrs[name] !== false) {
        node.setAttribute(name, attrs[name] === true ? "" : attrs[name]);
      }
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    close: "M6 6l12 12M18 6L6 18",
    send: "M3 11l18-8-8 18-2-8-8-2z",
    refresh: "M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7",
  };

  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function newSessionId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  /** The URL when it is an absolute http(s) URL, else null (no javascript:, data:, relative tricks). */
  function safeUrl(value) {
    try {
      var url = new URL(String(value).trim());
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function makeStorage(prefix) {
    var memory = {};
    function key(name) { return prefix + ":" + name; }
    return {
      get: function (name, fallback) {
        try {
          var raw = window.localStorage.getItem(key(name));
          return raw === null ? fallback : JSON.parse(raw);
        } catch (error) {
          return key(name) in memory ? memory[key(name)] : fallback;
        }
      },
      set: function (name, value) {
        memory[key(name)] = value;
        try { window.localStorage.setItem(key(name), JSON.stringify(value)); } catch (error) { /* quota, privacy */ }
      },
    };
  }

  // ---------------------------------------------------------------- light Markdown, as DOM nodes

  // **bold**, [text](url), _italic_, bare http(s) URLs. Everything else is plain text.
  var INLINE = /\*\*(.+?)\*\*|\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)|(?<![\w*])_(?!\s)(.+?)(?<!\s)_(?!\w)|\bhttps?:\/\/[^\s<>]*[^\s<>.,;:!?'")\]]/g;
  var BULLET = /^\s*[-*•]\s+(.*)$/;

  function link(url, label) {
    var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" });
    appendInline(a, label, 1, true);
    a.appendChild(el("span", { class: "sr-only" }, " (opens in a new tab)"));
    return a;
  }

  function appendInline(parent, text, depth, inLink) {
    var last = 0;
    var match;
    INLINE.lastIndex = 0;
    var matches = [];
    while ((match = INLINE.exec(text)) !== null) matches.push(match);
    matches.forEach(function (m) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      last = m.index + m[0].length;
      var url;
      if (m[1] !== undefined && depth < 3) {
        var strong = el("strong");
        appendInline(strong, m[1], depth + 1, inLink);
        parent.appendChild(strong);
      } else if (m[2] !== undefined && (url = safeUrl(m[3])) && !inLink) {
        parent.appendChild(link(url, m[2]));
      } else if (m[4] !== undefined && depth < 3) {
        var em = el("em");
        appendInline(em, m[4], depth + 1, inLink);
        parent.appendChild(em);
      } else if (m[1] === undefined && m[2] === undefined && m[4] === undefined && (url = safeUrl(m[0])) && !inLink) {
        var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, m[0]);
        a.appendChild(el("span", { class: "sr-only" }, " (opens in a new tab)"));
        parent.appendChild(a);
      } else {
        parent.appendChild(document.createTextNode(m[0]));
      }
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /** Light Markdown to a DocumentFragment: paragraphs, '- ' bullet lists, bold, italic, http(s) links. */
  function formatText(text) {
    var fragment = document.createDocumentFragment();
    String(text || "").replace(/\r\n?/g, "\n").split(/\n\s*\n/).forEach(function (block) {
      var lines = block.split("\n");
      var list = null;
      var paragraph = null;
      lines.forEach(function (line) {
        var bullet = BULLET.exec(line);
        if (bullet) {
          paragraph = null;
          if (!list) list = fragment.appendChild(el("ul"));
          var item = list.appendChild(el("li"));
          appendInline(item, bullet[1], 0, false);
        } else if (line.trim()) {
          list = null;
          if (paragraph) paragraph.appendChild(el("br"));
          else paragraph = fragment.appendChild(el("p"));
          appendInline(paragraph, line, 0, false);
        }
      });
    });
    return fragment;
  }

  // ---------------------------------------------------------------- the widget

  function Widget(options) {
    this.options = options;
    this.storage = makeStorage(options.storageKey);
    this.history = this.storage.get("history", []);
    if (!Array.isArray(this.history)) this.history = [];
    this.session = this.storage.get("session", null);
    if (!this.session || !SESSION_ID.test(this.session.id)) this.resetSession();
    this.socket = null;
    this.confirmed = false;
    this.pending = [];
    this.retryDelay = 1000;
    this.retryTimer = null;
    this.replyTimer = null;
    this.build();
  }

  Widget.prototype.resetSession = function () {
    this.session = { id: newSessionId(), started: false };
    this.storage.set("session", this.session);
  };

  Widget.prototype.build = function () {
    var o = this.options;
    var host = el("div", { id: "gsa-chat-widget" });
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    Object.keys(COLOURS).forEach(function (key) {
      if (o[key]) host.style.setProperty(COLOURS[key], String(o[key]));
    });
    var sheet = el("link", { rel: "stylesheet", href: new URL("widget.css", BASE).href });
    var wrapper = el("div", { class: "gsa", hidden: true });
    var self = this;
    // Hidden until styled; a panel restored open after a reload could only scroll once it is shown.
    var show = function () { wrapper.hidden = false; if (self.isOpen()) self.scrollToEnd(true); };
    sheet.addEventListener("load", show);
    sheet.addEventListener("error", show);
    root.appendChild(sheet);
    root.appendChild(wrapper);

    this.launcher = el("button", { type: "button", class: "launcher", "aria-controls": "gsa-panel",
                                   "aria-expanded": "false", "aria-label": "Open chat: " + o.title });
    this.launcher.appendChild(icon("chat"));
    this.launcher.appendChild(icon("close"));

    var panel = this.panel = el("section", { id: "gsa-panel", class: "panel", role: "dialog",
                                             "aria-labelledby": "gsa-title", hidden: true });
    var header = el("header", { class: "header" });
    var heading = el("div", { class: "heading" });
    heading.appendChild(el("h2", { id: "gsa-title", class: "title" }, o.title));
    if (o.subtitle) heading.appendChild(el("p", { class: "subtitle" }, o.subtitle));
    this.newButton = el("button", { type: "button", class: "icon-button new-conversation",
                                    "aria-label": "Start a new conversation", title: "New conversation" });
    this.newButton.appendChild(icon("refresh"));
    this.closeButton = el("button", { type: "button", class: "icon-button close",
                                      "aria-label": "Close chat", title: "Close" });
    this.closeButton.appendChild(icon("close"));
    header.appendChild(heading);
    header.appendChild(this.newButton);
    header.appendChild(this.closeButton);

    this.banner = el("div", { class: "banner", role: "alert", hidden: true });
    this.scroller = el("div", { class: "messages" });
    this.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                           "aria-label": "Conversation", tabindex: "0" });
    this.typing = el("div", { class: "typing", role: "status", hidden: true });
    this.typing.appendChild(el("span", { class: "sr-only" }, "The assistant is typing"));
    var dots = el("span", { class: "dots", "aria-hidden": "true" });
    for (var i = 0; i < 3; i++) dots.appendChild(el("span"));
    this.typing.appendChild(dots);
    this.scroller.appendChild(this.log);
    this.scroller.appendChild(this.typing);

    this.form = el("form", { class: "composer" });
    this.form.appendChild(el("label", { for: "gsa-input", class: "sr-only" }, "Your message"));
    this.input = el("textarea", { id: "gsa-input", rows: "1", maxlength: String(MAX_LENGTH), autocomplete: "off",
                                  placeholder: o.placeholder, enterkeyhint: "send" });
    this.sendButton = el("button", { type: "submit", class: "send", "aria-label": "Send message" });
    this.sendButton.appendChild(icon("send"));
    this.form.appendChild(this.input);
    this.form.appendChild(this.sendButton);

    panel.appendChild(header);
    panel.appendChild(this.banner);
    panel.appendChild(this.scroller);
    panel.appendChild(this.form);
    wrapper.appendChild(this.launcher);
    wrapper.appendChild(panel);
    this.host = host;
    this.bind();
    this.renderHistory();
    (document.body || document.documentElement).appendChild(host);
    if (this.storage.get("open", o.open)) this.open({ focus: false });
  };

  Widget.prototype.bind = function () {
    var self = this;
    this.launcher.addEventListener("click", function () { self.isOpen() ? self.close() : self.open(); });
    this.closeButton.addEventListener("click", function () { self.close(); });
    this.newButton.addEventListener("click", function () { self.newConversation(); });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); self.close(); }
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = self.input.value.trim();
      if (!text) return;
      self.input.value = "";
      self.autosize();
      self.send(text);
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.form.requestSubmit ? self.form.requestSubmit() : self.form.dispatchEvent(new Event("submit"));
      }
    });
    this.input.addEventListener("input", function () { self.autosize(); });
  };

  Widget.prototype.autosize = function () {
    this.input.style.height = "auto";
    this.input.style.height = Math.min(this.input.scrollHeight, 120) + "px";
  };

  Widget.prototype.isOpen = function () { return !this.panel.hidden; };

  Widget.prototype.open = function (opts) {
    this.panel.hidden = false;
    this.host.classList.add("open");
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.setAttribute("aria-label", "Close chat: " + this.options.title);
    this.launcher.parentNode.classList.add("is-open");
    this.storage.set("open", true);
    this.scrollToEnd(true);
    if (!opts || opts.focus !== false) this.input.focus();
    this.connect();
    this.maybeStart();
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.host.classList.remove("open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.setAttribute("aria-label", "Open chat: " + this.options.title);
    this.launcher.parentNode.classList.remove("is-open");
    this.storage.set("open", false);
    this.launcher.focus();
  };

  // ---------------------------------------------------------------- connection

  Widget.prototype.loadClient = function () {
    if (window.io) return Promise.resolve(window.io);
    if (!Widget.clientPromise) {
      Widget.clientPromise = new Promise(function (resolve, reject) {
        var tag = el("script", { src: new URL("vendor/socket.io.min.js", BASE).href, async: true });
        tag.addEventListener("load", function () { window.io ? resolve(window.io) : reject(new Error("no io")); });
        tag.addEventListener("error", function () { Widget.clientPromise = null; reject(new Error("load failed")); });
        document.head.appendChild(tag);
      });
    }
    return Widget.clientPromise;
  };

  Widget.prototype.fetchToken = function () {
    return fetch(this.options.tokenUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("token request failed: " + response.status);
        return response.json();
      })
      .then(function (body) { return body.token; });
  };

  Widget.prototype.connect = function () {
    var self = this;
    if (this.socket || this.connecting) return;
    this.connecting = true;
    this.loadClient().then(function (io) {
      var options = { path: self.options.socketPath, transports: ["websocket"], reconnectionDelayMax: 5000 };
      if (self.options.tokenUrl) {
        // Called on every (re)connection, so a short-lived token is fetched fresh each time.
        options.auth = function (callback) {
          self.fetchToken().then(function (token) { callback({ token: token }); },
                                 function () { callback({}); });
        };
      }
      var socket = self.socket = io(self.options.serverUrl, options);
      socket.on("connect", function () {
        self.confirmed = false;
        self.retryDelay = 1000;
        socket.emit("session_request", { session_id: self.session.id });
      });
      socket.on("session_confirm", function (sessionId) {
        var id = typeof sessionId === "string" ? sessionId : (sessionId && sessionId.session_id);
        if (SESSION_ID.test(id || "") && id !== self.session.id) {
          self.session.id = id;
          self.storage.set("session", self.session);
        }
        self.confirmed = true;
        self.hideBanner();
        self.flush();
        self.maybeStart();
      });
      socket.on("bot_uttered", function (message) { self.receive(message); });
      socket.on("disconnect", function (reason) {
        self.confirmed = false;
        if (reason !== "io client disconnect") self.showBanner("Connection lost. Reconnecting…");
      });
      socket.on("connect_error", function () {
        self.showBanner("Can't reach the assistant right now. Reconnecting…");
        if (!socket.active) self.retryLater(); // refused by the server (e.g. no valid token): retry ourselves
      });
    }, function () {
      self.connecting = false;
      self.showBanner("The chat could not be loaded. Reconnecting…");
      setTimeout(function () { self.connect(); }, 5000);
    });
  };

  Widget.prototype.retryLater = function () {
    var self = this;
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(function () {
      self.retryTimer = null;
      if (self.socket && !self.socket.connected) self.socket.connect();
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, 10000);
  };

  Widget.prototype.showBanner = function (text) {
    this.banner.textContent = text;
    this.banner.hidden = false;
    this.setTyping(false);
  };

  Widget.prototype.hideBanner = function () {
    this.banner.hidden = true;
    this.banner.textContent = "";
  };

  Widget.prototype.flush = function () {
    while (this.pending.length && this.socket && this.socket.connected && this.confirmed) {
      this.socket.emit("user_uttered", { message: this.pending.shift(), session_id: this.session.id });
      this.setTyping(true);
    }
  };

  /** At the start of a conversation (panel open, session confirmed): greeting and initial payload, once. */
  Widget.prototype.maybeStart = function () {
    if (this.session.started || !this.isOpen()) return;
    if (this.options.initialMessage && !this.history.length) {
      this.add({ from: "bot", text: String(this.options.initialMessage) });
    }
    if (!this.options.initialPayload) {
      this.session.started = true;
      this.storage.set("session", this.session);
      return;
    }
    if (!this.confirmed) return;
    this.session.started = true;
    this.storage.set("session", this.session);
    this.pending.push(String(this.options.initialPayload));
    this.flush();
  };

  // ---------------------------------------------------------------- messages

  /** Send text to the bot; `display` is what the conversation shows as the user's message. */
  Widget.prototype.send = function (text, display) {
    text = String(text).slice(0, MAX_LENGTH);
    if (!text.trim()) return;
    this.add({ from: "user", text: display === undefined ? text : String(display) });
    this.pending.push(text);
    this.session.started = true;
    this.storage.set("session", this.session);
    if (this.socket) { this.flush(); } else { this.connect(); }
  };

  Widget.prototype.receive = function (message) {
    if (!message || typeof message !== "object") return;
    var record = { from: "bot" };
    if (typeof message.text === "string" && message.text.trim()) record.text = message.text;
    var buttons = message.quick_replies || message.buttons;
    if (Array.isArray(buttons)) {
      record.buttons = buttons.filter(function (b) {
        return b && typeof b.title === "string" && typeof b.payload === "string";
      }).map(function (b) { return { title: b.title, payload: b.payload }; });
      if (!record.buttons.length) delete record.buttons;
    }
    var attachment = message.attachment;
    if (attachment && attachment.type === "image" && attachment.payload && safeUrl(attachment.payload.src)) {
      record.image = safeUrl(attachment.payload.src);
    }
    this.setTyping(false);
    if (record.text || record.buttons || record.image) this.add(record);
  };

  Widget.prototype.add = function (record) {
    this.history.push(record);
    if (this.history.length > MAX_HISTORY) this.history = this.history.slice(-MAX_HISTORY);
    this.saveHistory();
    var nearEnd = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 120;
    this.log.appendChild(this.render(record));
    this.scrollToEnd(nearEnd || record.from === "user");
  };

  Widget.prototype.saveHistory = function () { this.storage.set("history", this.history); };

  Widget.prototype.renderHistory = function () {
    var self = this;
    this.log.textContent = "";
    this.history.forEach(function (record) { self.log.appendChild(self.render(record)); });
  };

  Widget.prototype.render = function (record) {
    var self = this;
    var row = el("div", { class: "message " + (record.from === "user" ? "from-user" : "from-bot") });
    row.appendChild(el("span", { class: "sr-only" }, record.from === "user" ? "You: " : "Assistant: "));
    if (record.text) {
      var bubble = el("div", { class: "bubble" });
      if (record.from === "user") bubble.appendChild(el("p", {}, record.text));
      else bubble.appendChild(formatText(record.text));
      row.appendChild(bubble);
    }
    if (record.image) {
      row.appendChild(el("img", { class: "image", src: record.image, alt: "Image from the assistant",
                                  loading: "lazy", referrerpolicy: "no-referrer" }));
    }
    if (record.buttons) {
      var group = el("div", { class: "buttons", role: "group", "aria-label": "Suggested replies" });
      record.buttons.forEach(function (b) {
        var button = el("button", { type: "button", class: "reply" }, b.title);
        if (record.used) button.disabled = true;
        if (record.chosen === b.payload) button.classList.add("chosen");
        button.addEventListener("click", function () {
          if (record.used) return;
          record.used = true;
          record.chosen = b.payload;
          self.saveHistory();
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (other) { other.disabled = true; });
          button.classList.add("chosen");
          self.send(b.payload, b.title);
          self.input.focus();
        });
        group.appendChild(button);
      });
      row.appendChild(group);
    }
    return row;
  };

  Widget.prototype.setTyping = function (on) {
    var self = this;
    clearTimeout(this.replyTimer);
    this.typing.hidden = !on;
    if (on) {
      this.scrollToEnd(true);
      this.replyTimer = setTimeout(function () { self.typing.hidden = true; }, REPLY_TIMEOUT_MS);
    }
  };

  Widget.prototype.scrollToEnd = function (force) {
    if (force) this.scroller.scrollTop = this.scroller.scrollHeight;
  };

  /** A new session id, an empty history and a fresh socket session. */
  Widget.prototype.newConversation = function () {
    this.resetSession();
    this.history = [];
    this.saveHistory();
    this.pending = [];
    this.renderHistory();
    this.setTyping(false);
    if (this.socket) {
      this.confirmed = false;
      this.socket.disconnect();
      this.socket.connect(); // 'connect' sends a session_request with the new id
    }
    this.maybeStart();
    this.input.focus();
  };

  // ---------------------------------------------------------------- public API

  var instance = null;
  var api = {
    version: "1.0.0",
    formatText: formatText,
    init: function (options) {
      if (instance) return instance;
      var resolved = resolveOptions(options);
      var start = function () { instance = new Widget(resolved); };
      if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
      return api;
    },
    open: function () { if (instance) instance.open(); },
    close: function () { if (instance) instance.close(); },
    send: function (text) { if (instance) instance.send(text); },
    newConversation: function () { if (instance) instance.newConversation(); },
    sessionId: function () { return instance ? instance.session.id : null; },
  };
  window.GsaChat = api;
  if (resolveOptions().autoInit) api.init();
})();
