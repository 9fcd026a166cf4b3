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
 *   primaryColor, primaryTextColor, backgroundColor, textColor, botBubbleColor, storageKey, autoInit, labels.
 *   `open` opens the panel at the first visit on wide screens only: on a phone the open panel covers the page, so
 *   there it waits for the launcher. `labels` overrides any of the user-facing strings in LABELS below.
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
  // At this width and below the open panel fills the screen and is a modal dialog (keep in step with widget.css).
  var NARROW = "(max-width: 520px)";
  var MAX_CHOICES = 5; // on a phone: at most this many buttons of a set of choices, "More…" included
  // The follow-ups of an answer: shown compactly (two lines at most on a phone), never behind "More…".
  var FOLLOW_UPS = ["/more_detail", "/simpler", "/sources", "/related_topics", "/feedback_positive",
                    "/feedback_negative"];
  var ICON_ONLY = { "/feedback_positive": "👍", "/feedback_negative": "👎" }; // the title is the accessible name

  // Every user-facing string of the widget (the title, subtitle and placeholder are options).
  var LABELS = {
    open: "Open chat: ",
    close: "Close chat: ",
    closeButton: "Close chat",
    closeTooltip: "Close",
    newConversation: "Start a new conversation",
    newConversationTooltip: "New conversation",
    confirmQuestion: "Start a new conversation?",
    confirmDetails: "This clears the messages shown here and saved in this browser, and starts a new session: " +
      "the assistant will no longer know this conversation, your place in the guided tour or your quiz. " +
      "To delete what you said from the assistant's records too, type \"delete my data\" first.",
    confirmYes: "Clear and start again",
    confirmNo: "Cancel",
    conversation: "Conversation",
    typing: "The assistant is typing",
    yourMessage: "Your message",
    send: "Send message",
    you: "You: ",
    assistant: "Assistant: ",
    suggestedReplies: "Suggested replies",
    more: "More…",
    moreCount: " ({n} more choices)",
    newTab: " (opens in a new tab)",
    image: "Image from the assistant",
    call: "Call ",
    connectionLost: "Connection lost. Reconnecting…",
    unreachable: "Can't reach the assistant right now. Reconnecting…",
    loadFailed: "The chat could not be loaded. Reconnecting…",
  };
  var L = LABELS;

  // Urgent replies (emergency, same day, crisis): their phone numbers become tel: links. The server sends plain
  // numbers, so channels without links show them as text. Only in a reply that says to call, so that a "112" in a
  // study's sample size is never a link.
  var URGENT = /emergency number|crisis line|call or text|NHS 111|Samaritans|Healthline/i;
  var PHONE_NUMBER = /(?<![\w.,/+-])(0800 \d{3} \d{3,4}|116 123|13 11 14|14416|1737|988|999|112|911|000|111)(?![\w/]|[.,]\d|\s?°)/g;

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
    labels: null,
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
    if (options.labels && typeof options.labels === "object") Object.assign(LABELS, options.labels);
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
    a.appendChild(el("span", { class: "sr-only" }, L.newTab));
    return a;
  }

  /** Plain text; with `phones`, the phone numbers in it as tel: links. */
  function appendText(parent, text, phones) {
    if (!phones) { parent.appendChild(document.createTextNode(text)); return; }
    var last = 0;
    text.replace(PHONE_NUMBER, function (number, group, index) {
      if (index > last) parent.appendChild(document.createTextNode(text.slice(last, index)));
      parent.appendChild(el("a", { href: "tel:" + number.replace(/\D/g, ""), class: "tel",
                                   title: L.call + number }, number));
      last = index + number.length;
      return number;
    });
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function appendInline(parent, text, depth, inLink, phones) {
    phones = phones && !inLink;
    var last = 0;
    var match;
    INLINE.lastIndex = 0;
    var matches = [];
    while ((match = INLINE.exec(text)) !== null) matches.push(match);
    matches.forEach(function (m) {
      if (m.index > last) appendText(parent, text.slice(last, m.index), phones);
      last = m.index + m[0].length;
      var url;
      if (m[1] !== undefined && depth < 3) {
        var strong = el("strong");
        appendInline(strong, m[1], depth + 1, inLink, phones);
        parent.appendChild(strong);
      } else if (m[2] !== undefined && (url = safeUrl(m[3])) && !inLink) {
        parent.appendChild(link(url, m[2]));
      } else if (m[4] !== undefined && depth < 3) {
        var em = el("em");
        appendInline(em, m[4], depth + 1, inLink, phones);
        parent.appendChild(em);
      } else if (m[1] === undefined && m[2] === undefined && m[4] === undefined && (url = safeUrl(m[0])) && !inLink) {
        var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, m[0]);
        a.appendChild(el("span", { class: "sr-only" }, L.newTab));
        parent.appendChild(a);
      } else {
        parent.appendChild(document.createTextNode(m[0]));
      }
    });
    if (last < text.length) appendText(parent, text.slice(last), phones);
  }

  /** Light Markdown to a DocumentFragment: paragraphs, '- ' bullet lists, bold, italic, http(s) links; in an
   *  urgent reply (or with options.phones) phone numbers become tel: links. */
  function formatText(text, options) {
    var fragment = document.createDocumentFragment();
    text = String(text || "");
    var phones = options && options.phones !== undefined ? Boolean(options.phones) : URGENT.test(text);
    text.replace(/\r\n?/g, "\n").split(/\n\s*\n/).forEach(function (block) {
      var lines = block.split("\n");
      var list = null;
      var paragraph = null;
      lines.forEach(function (line) {
        var bullet = BULLET.exec(line);
        if (bullet) {
          paragraph = null;
          if (!list) list = fragment.appendChild(el("ul"));
          var item = list.appendChild(el("li"));
          appendInline(item, bullet[1], 0, false, phones);
        } else if (line.trim()) {
          list = null;
          if (paragraph) paragraph.appendChild(el("br"));
          else paragraph = fragment.appendChild(el("p"));
          appendInline(paragraph, line, 0, false, phones);
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
    this.narrow = window.matchMedia ? window.matchMedia(NARROW) : { matches: false };
    this.replyStart = null; // the first message of the bot's latest reply: a long reply is shown from there
    this.autoTop = null; // where the widget last scrolled to: the reader has not scrolled since when still there
    this.inerted = null; // the page's elements made inert while the panel is a modal dialog
    this.pointer = ""; // how the last control was pressed: "touch", "pen", "mouse" or "" (keyboard)
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
                                   "aria-expanded": "false", "aria-label": L.open + o.title });
    this.launcher.appendChild(icon("chat"));
    this.launcher.appendChild(icon("close"));

    var panel = this.panel = el("section", { id: "gsa-panel", class: "panel", role: "dialog",
                                             "aria-labelledby": "gsa-title", hidden: true });
    var header = el("header", { class: "header" });
    var heading = el("div", { class: "heading" });
    heading.appendChild(el("h2", { id: "gsa-title", class: "title" }, o.title));
    if (o.subtitle) heading.appendChild(el("p", { class: "subtitle" }, o.subtitle));
    this.newButton = el("button", { type: "button", class: "icon-button new-conversation",
                                    "aria-label": L.newConversation, title: L.newConversationTooltip,
                                    "aria-haspopup": "dialog" });
    this.newButton.appendChild(icon("refresh"));
    this.closeButton = el("button", { type: "button", class: "icon-button close",
                                      "aria-label": L.closeButton, title: L.closeTooltip });
    this.closeButton.appendChild(icon("close"));
    header.appendChild(heading);
    header.appendChild(this.newButton);
    header.appendChild(this.closeButton);

    // "New conversation" asks first, and says what is cleared.
    this.confirmBox = el("div", { class: "confirm", role: "alertdialog", "aria-modal": "false",
                                  "aria-labelledby": "gsa-confirm-question",
                                  "aria-describedby": "gsa-confirm-details", hidden: true });
    this.confirmBox.appendChild(el("p", { id: "gsa-confirm-question", class: "confirm-question" },
                                   L.confirmQuestion));
    this.confirmBox.appendChild(el("p", { id: "gsa-confirm-details", class: "confirm-details" },
                                   L.confirmDetails));
    var actions = el("div", { class: "confirm-actions" });
    this.confirmYes = el("button", { type: "button", class: "confirm-yes" }, L.confirmYes);
    this.confirmNo = el("button", { type: "button", class: "confirm-no" }, L.confirmNo);
    actions.appendChild(this.confirmYes);
    actions.appendChild(this.confirmNo);
    this.confirmBox.appendChild(actions);

    this.banner = el("div", { class: "banner", role: "alert", hidden: true });
    this.scroller = el("div", { class: "messages" });
    this.log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                           "aria-label": L.conversation, tabindex: "0" });
    this.typing = el("div", { class: "typing", role: "status", hidden: true });
    this.typing.appendChild(el("span", { class: "sr-only" }, L.typing));
    var dots = el("span", { class: "dots", "aria-hidden": "true" });
    for (var i = 0; i < 3; i++) dots.appendChild(el("span"));
    this.typing.appendChild(dots);
    this.scroller.appendChild(this.log);
    this.scroller.appendChild(this.typing);

    this.form = el("form", { class: "composer" });
    this.form.appendChild(el("label", { for: "gsa-input", class: "sr-only" }, L.yourMessage));
    this.input = el("textarea", { id: "gsa-input", rows: "1", maxlength: String(MAX_LENGTH), autocomplete: "off",
                                  placeholder: o.placeholder, enterkeyhint: "send" });
    this.sendButton = el("button", { type: "submit", class: "send", "aria-label": L.send });
    this.sendButton.appendChild(icon("send"));
    this.form.appendChild(this.input);
    this.form.appendChild(this.sendButton);

    panel.appendChild(header);
    panel.appendChild(this.confirmBox);
    panel.appendChild(this.banner);
    panel.appendChild(this.scroller);
    panel.appendChild(this.form);
    wrapper.appendChild(this.launcher);
    wrapper.appendChild(panel);
    this.host = host;
    this.bind();
    this.renderHistory();
    (document.body || document.documentElement).appendChild(host);
    // Open again after a reload when the reader left it open; at a first visit `open` applies to wide screens.
    var stored = this.storage.get("open", null);
    if (stored === true || (stored === null && o.open && !this.narrow.matches)) this.open({ focus: false });
  };

  Widget.prototype.bind = function () {
    var self = this;
    // Touch or keyboard: after a tap the on-screen keyboard must not pop up over the answer.
    var remember = function (event) { self.pointer = event.pointerType || "mouse"; };
    var forget = function () { self.pointer = ""; };
    [this.launcher, this.panel].forEach(function (node) {
      node.addEventListener("pointerdown", remember);
      node.addEventListener("keydown", forget);
    });
    this.launcher.addEventListener("click", function () { self.isOpen() ? self.close() : self.open(); });
    this.closeButton.addEventListener("click", function () { self.close(); });
    this.newButton.addEventListener("click", function () { self.askNewConversation(); });
    this.confirmYes.addEventListener("click", function () { self.hideConfirm(false); self.newConversation(); });
    this.confirmNo.addEventListener("click", function () { self.hideConfirm(true); });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !self.confirmBox.hidden) { event.preventDefault(); self.hideConfirm(true); }
      else if (event.key === "Escape") { event.preventDefault(); self.close(); }
      else if (event.key === "Tab" && self.isModal()) self.trapFocus(event);
    });
    var onChange = function () { self.updateModal(); };
    if (this.narrow.addEventListener) this.narrow.addEventListener("change", onChange);
    else if (this.narrow.addListener) this.narrow.addListener(onChange);
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

  /** On a narrow screen the open panel covers the page: a modal dialog. */
  Widget.prototype.isModal = function () { return this.isOpen() && Boolean(this.narrow.matches); };

  Widget.prototype.touched = function () { return this.pointer === "touch" || this.pointer === "pen"; };

  /** Focus for reading: after a tap, the conversation (no on-screen keyboard); else the text box, as always. */
  Widget.prototype.focusAfterAction = function () {
    if (this.touched()) this.log.focus({ preventScroll: true });
    else this.input.focus({ preventScroll: true });
  };

  Widget.prototype.open = function (opts) {
    this.panel.hidden = false;
    this.host.classList.add("open");
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.setAttribute("aria-label", L.close + this.options.title);
    this.launcher.parentNode.classList.add("is-open");
    this.storage.set("open", true);
    this.updateModal();
    this.scrollToEnd(true);
    if (!opts || opts.focus !== false) this.focusAfterAction();
    else if (this.isModal()) this.log.focus({ preventScroll: true }); // a modal dialog always holds the focus
    this.connect();
    this.maybeStart();
  };

  Widget.prototype.close = function () {
    this.hideConfirm(false);
    this.panel.hidden = true;
    this.host.classList.remove("open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.setAttribute("aria-label", L.open + this.options.title);
    this.launcher.parentNode.classList.remove("is-open");
    this.storage.set("open", false);
    this.updateModal();
    this.launcher.focus();
  };

  /** aria-modal and an inert page behind the panel while it is a modal dialog; undone when it is not. */
  Widget.prototype.updateModal = function () {
    var modal = this.isModal();
    var host = this.host;
    var inerted = this.inerted;
    if (modal) this.panel.setAttribute("aria-modal", "true");
    else this.panel.removeAttribute("aria-modal");
    if (modal && !inerted && document.body && host.parentNode === document.body) {
      inerted = this.inerted = [];
      Array.prototype.forEach.call(document.body.children, function (node) {
        if (node !== host && !node.inert && !/^(SCRIPT|STYLE|LINK|TEMPLATE)$/.test(node.tagName)) {
          node.inert = true;
          inerted.push(node);
        }
      });
    } else if (!modal && inerted) {
      inerted.forEach(function (node) { node.inert = false; });
      this.inerted = null;
    }
  };

  /** The controls that Tab reaches in the panel, in order. */
  Widget.prototype.tabbable = function () {
    var nodes = this.panel.querySelectorAll("a[href], button, textarea, input, select, [tabindex]");
    return Array.prototype.filter.call(nodes, function (node) {
      return !node.disabled && node.tabIndex >= 0 && node.getClientRects().length > 0;
    });
  };

  /** Tab and Shift+Tab go round the modal dialog's controls and never leave it. */
  Widget.prototype.trapFocus = function (event) {
    var items = this.tabbable();
    if (!items.length) return;
    var root = this.panel.getRootNode();
    var active = root.activeElement || document.activeElement;
    var index = items.indexOf(active);
    if (event.shiftKey && index <= 0) {
      event.preventDefault();
      items[items.length - 1].focus();
    } else if (!event.shiftKey && (index === -1 || index === items.length - 1)) {
      event.preventDefault();
      items[0].focus();
    }
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
        if (reason !== "io client disconnect") self.showBanner(L.connectionLost);
      });
      socket.on("connect_error", function () {
        self.showBanner(L.unreachable);
        if (!socket.active) self.retryLater(); // refused by the server (e.g. no valid token): retry ourselves
      });
    }, function () {
      self.connecting = false;
      self.showBanner(L.loadFailed);
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
    var following = this.following();
    var row = this.render(record);
    this.log.appendChild(row);
    if (record.from === "user") {
      this.replyStart = null;
      this.scrollToEnd(true);
    } else {
      if (!this.replyStart) this.replyStart = row;
      if (following) this.reveal();
    }
  };

  /** True unless the reader has scrolled away from where the widget last put the view (and from the end). */
  Widget.prototype.following = function () {
    var box = this.scroller;
    if (box.scrollHeight - box.scrollTop - box.clientHeight < 48) return true;
    return this.autoTop !== null && Math.abs(box.scrollTop - this.autoTop) < 2;
  };

  /** Show the bot's reply: its end when the whole reply fits, else its start at the top of the view. */
  Widget.prototype.reveal = function () {
    var box = this.scroller;
    var end = box.scrollHeight - box.clientHeight;
    var start = this.replyStart ? this.replyStart.offsetTop - 8 : end;
    box.scrollTop = Math.max(0, Math.min(end, start));
    this.autoTop = box.scrollTop;
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
    row.appendChild(el("span", { class: "sr-only" }, record.from === "user" ? L.you : L.assistant));
    if (record.text) {
      var bubble = el("div", { class: "bubble" });
      if (record.from === "user") bubble.appendChild(el("p", {}, record.text));
      else bubble.appendChild(formatText(record.text));
      row.appendChild(bubble);
    }
    if (record.image) {
      row.appendChild(el("img", { class: "image", src: record.image, alt: L.image,
                                  loading: "lazy", referrerpolicy: "no-referrer" }));
    }
    if (record.buttons) row.appendChild(this.renderButtons(record));
    return row;
  };

  /** A message's buttons: its choices (on a phone at most MAX_CHOICES, "More…" shows the rest), then its
   *  follow-ups (Tell me more, Sources, 👍…) in a compact row. */
  Widget.prototype.renderButtons = function (record) {
    var self = this;
    var group = el("div", { class: "buttons", role: "group", "aria-label": L.suggestedReplies });
    var choices = record.buttons.filter(function (b) { return FOLLOW_UPS.indexOf(b.payload) === -1; });
    var followUps = record.buttons.filter(function (b) { return FOLLOW_UPS.indexOf(b.payload) !== -1; });
    var collapse = !record.used && choices.length > MAX_CHOICES;

    function button(b, index) {
      var symbol = ICON_ONLY[b.payload];
      var node = el("button", { type: "button", class: "reply" + (symbol ? " icon-only" : "") },
                    symbol || b.title);
      if (symbol) node.setAttribute("aria-label", b.title.replace(symbol, "").trim() || b.title);
      if (symbol) node.title = b.title.replace(symbol, "").trim();
      if (collapse && index >= MAX_CHOICES - 1) node.classList.add("extra");
      if (record.used) node.disabled = true;
      if (record.chosen === b.payload) node.classList.add("chosen");
      node.addEventListener("click", function () {
        if (record.used) return;
        record.used = true;
        record.chosen = b.payload;
        self.saveHistory();
        Array.prototype.forEach.call(group.querySelectorAll("button"), function (other) { other.disabled = true; });
        node.classList.add("chosen");
        group.classList.remove("collapsed");
        self.send(b.payload, b.title);
        self.focusAfterAction();
        self.pointer = "";
      });
      return node;
    }

    if (choices.length) {
      var list = el("div", { class: "choices" + (collapse ? " collapsed" : "") });
      choices.forEach(function (b, index) { list.appendChild(button(b, index)); });
      if (collapse) {
        var hidden = choices.length - (MAX_CHOICES - 1);
        var more = el("button", { type: "button", class: "reply more", "aria-expanded": "false" }, L.more);
        more.appendChild(el("span", { class: "sr-only" }, L.moreCount.replace("{n}", String(hidden))));
        more.addEventListener("click", function () {
          list.classList.remove("collapsed");
          more.setAttribute("aria-expanded", "true");
          var first = list.querySelector(".extra");
          if (first) first.focus();
        });
        list.appendChild(more);
      }
      group.appendChild(list);
    }
    if (followUps.length) {
      var row = el("div", { class: "follow-ups" });
      followUps.forEach(function (b, index) { row.appendChild(button(b, index)); });
      group.appendChild(row);
    }
    return group;
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
    if (!force) return;
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.autoTop = this.scroller.scrollTop;
  };

  /** "New conversation": first say what it clears, and ask. */
  Widget.prototype.askNewConversation = function () {
    this.confirmBox.hidden = false;
    this.confirmNo.focus();
  };

  Widget.prototype.hideConfirm = function (refocus) {
    if (this.confirmBox.hidden) return;
    this.confirmBox.hidden = true;
    if (refocus) this.newButton.focus();
  };

  /** A new session id, an empty history and a fresh socket session. */
  Widget.prototype.newConversation = function () {
    this.resetSession();
    this.history = [];
    this.saveHistory();
    this.pending = [];
    this.replyStart = null;
    this.renderHistory();
    this.setTyping(false);
    if (this.socket) {
      this.confirmed = false;
      this.socket.disconnect();
      this.socket.connect(); // 'connect' sends a session_request with the new id
    }
    this.maybeStart();
    this.focusAfterAction();
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
    labels: LABELS,
    sessionId: function () { return instance ? instance.session.id : null; },
  };
  window.GsaChat = api;
  if (resolveOptions().autoInit) api.init();
})();
