// Live chat over a websocket. The room page works without it (the form
// posts and the page reloads); this only adds live delivery, an outbox that
// survives a dropped clinic connection, typing and presence.
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root || !window.WebSocket) { return; }

  var room = root.getAttribute("data-room");
  var me = root.getAttribute("data-me") || "";
  // The member's chosen time zone, as the server's times use; none: the browser's.
  var zone = root.getAttribute("data-zone") || undefined;
  var list = document.getElementById("chat-messages");
  var end = document.getElementById("chat-end");
  var status = document.getElementById("chat-status");
  var presence = document.getElementById("chat-presence");
  var typingLine = document.getElementById("chat-typing");
  var form = document.getElementById("chat-form");
  var field = form && form.elements.body;
  if (!room || !list) { return; }

  var URL_WS = (location.protocol === "https:" ? "wss:" : "ws:") + "//" + location.host + "/ws";
  var OFFLINE = "Offline: messages will be sent when the connection returns";
  var MAX_FRAME = 16 * 1024; // the server closes the socket on a larger frame, without saying which message
  var KEY = "curbside.chat.outbox." + room;
  // sessionStorage, not localStorage: clinic computers are shared (see
  // drafts.js), so unsent text must not outlive the tab. It still survives
  // a reload or a dropped connection, which is what the outbox is for.
  var store = null;
  try { store = window.sessionStorage; } catch (e) { /* blocked: memory only */ }

  var ws = null, joined = false, ended = false;
  var backoff = 1000, retryTimer = null;
  // failures counts connections that closed before opening: a refused
  // upgrade (a session that lapsed) looks like that.
  var failures = 0;
  // hidden are the ids a moderator took away: a late copy must not return.
  var hidden = {};
  var readTimer = null, readSent = 0, lastTyping = 0;
  var typers = {}, alertFor = null, tries = {};

  // The newest message id seen: a rejoin asks for everything after it.
  var highest = parseInt(root.getAttribute("data-last-id"), 10) || 0;
  Array.prototype.forEach.call(list.querySelectorAll("li[data-id]"), function (li) {
    highest = Math.max(highest, Number(li.getAttribute("data-id")) || 0);
  });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text != null) { node.textContent = text; }
    return node;
  }

  function say(text) { if (status) { status.textContent = text; } }

  function send(frame) {
    if (!ws || ws.readyState !== WebSocket.OPEN) { return false; }
    ws.send(JSON.stringify(frame));
    return true;
  }

  function load() {
    try {
      var items = JSON.parse((store && store.getItem(KEY)) || "[]");
      // Items of another member (a logout and login in the same tab) are not ours to send.
      return Array.isArray(items) ? items.filter(function (m) {
        return m && m.me === me && typeof m.client_id === "string" && typeof m.body === "string";
      }) : [];
    } catch (e) { return []; }
  }
  var outbox = load();

  function save() {
    try { if (outbox.length) { store.setItem(KEY, JSON.stringify(outbox)); } else { store.removeItem(KEY); } } catch (e) {
      // No storage (disabled or full): the outbox still lives in memory.
    }
  }

  function item(cid) { return outbox.filter(function (m) { return m.client_id === cid; })[0]; }
  function drop(cid) { outbox = outbox.filter(function (m) { return m.client_id !== cid; }); delete tries[cid]; save(); }

  function flush(m) {
    if (!joined) { return; } // everything left is resent after the next `joined`
    send({ type: "send", room: room, body: m.body, client_id: m.client_id, phi_ack: !!m.phi_ack });
  }

  function retry(cid, ms) {
    setTimeout(function () { var m = item(cid); if (m) { flush(m); } }, ms);
  }

  function newClientID() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return "c-" + Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  function nearBottom() {
    if (list.scrollHeight > list.clientHeight + 1 && getComputedStyle(list).overflowY !== "visible") {
      return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    }
    return !end || end.getBoundingClientRect().top <= window.innerHeight + 80;
  }

  // scrollIntoView moves the view, never the focus.
  // The form, where there is one, so the box to answer in stays in view.
  function toEnd() { var last = form || end; if (last) { last.scrollIntoView({ block: "end" }); } }

  function clock(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ""; }
    var time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", timeZone: zone });
    var day = d.toLocaleDateString([], { timeZone: zone });
    return day === new Date().toLocaleDateString([], { timeZone: zone }) ? time : day + " " + time;
  }

  function pendingFor(cid) {
    var all = list.querySelectorAll("li.pending");
    for (var i = 0; i < all.length; i++) { if (all[i].getAttribute("data-client-id") === cid) { return all[i]; } }
    return null;
  }

  function remove(node) { if (node && node.parentNode) { node.parentNode.removeChild(node); } }

  // removed leaves a hidden message's place, as the server's page shows it.
  function removed(li) {
    if (!li) { return; }
    while (li.firstChild) { li.removeChild(li.firstChild); }
    li.className = "chat-message removed";
    li.appendChild(el("p", "muted small", "Removed by a moderator."));
  }

  // Messages are kept in id order, above the pending ones (not yet stored).
  function place(li, id) {
    var next = null;
    for (var n = list.lastElementChild; n; n = n.previousElementSibling) {
      if (!n.classList.contains("pending") && !(Number(n.getAttribute("data-id")) > id)) { break; }
      next = n;
    }
    list.insertBefore(li, next);
  }

  function showPending(m) {
    remove(list.querySelector(".chat-empty"));
    var li = el("li", "chat-message mine pending");
    li.setAttribute("data-client-id", m.client_id);
    li.appendChild(el("p", "meta small", "Sending…"));
    // Raw text until the server has rendered and stored it.
    var p = el("p");
    m.body.split("\n").forEach(function (line, i) { if (i) { p.append(el("br")); } p.append(line); });
    li.appendChild(el("div", "prose")).appendChild(p);
    list.appendChild(li);
  }

  function render(m) {
    if (typeof m.id !== "number" || !m.author) { return; }
    highest = Math.max(highest, m.id);
    if (hidden[m.id]) { return; }
    var mine = m.author.handle === me;
    var pending = mine && m.client_id ? pendingFor(m.client_id) : null;
    var existing = document.getElementById("m-" + m.id);
    if (mine && m.client_id) { drop(m.client_id); } // stored: never resend it
    remove(pending);
    if (existing && !existing.hasAttribute("data-local")) { return; } // seen already
    remove(existing); // an acknowledged local copy: the rendered one replaces it
    stopTyping(m.author.handle); // their message is here: they have stopped typing it
    var stick = mine || nearBottom();
    var li = el("li", "chat-message" + (mine ? " mine" : ""));
    li.id = "m-" + m.id;
    li.setAttribute("data-id", String(m.id));
    var who = el("span", "author", (m.author.display_name || "") + " ");
    who.append(el("span", "muted", "@" + m.author.handle));
    var time = el("time", "", clock(m.created_at));
    time.setAttribute("datetime", m.created_at || "");
    // html is Markdown rendered and sanitised (bluemonday) by the server; a
    // template parses it inertly before it is adopted.
    var tpl = document.createElement("template");
    tpl.innerHTML = m.html || "";
    li.append(el("p", "meta small"), el("div", "prose"));
    li.firstChild.append(who, " · ", time);
    li.lastChild.append(tpl.content);
    remove(list.querySelector(".chat-empty"));
    place(li, m.id);
    if (stick) { toEnd(); }
    markRead();
  }

  function onAck(f) {
    var wasAlert = alertFor === f.client_id;
    drop(f.client_id);
    if (wasAlert) { clearAlert(); }
    var li = pendingFor(f.client_id);
    if (!li) { return; }
    if (document.getElementById("m-" + f.id)) { remove(li); return; }
    // Stored: it gets its id now; the message frame, due shortly, brings the rendered text.
    li.id = "m-" + f.id;
    li.setAttribute("data-id", String(f.id));
    li.setAttribute("data-local", "");
    li.classList.remove("pending");
    li.removeAttribute("data-client-id");
    li.firstChild.textContent = "@" + me + " · Sent";
  }

  function markRead() {
    if (document.visibilityState !== "visible" || highest <= readSent) { return; }
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      if (joined && document.visibilityState === "visible" && highest > readSent &&
          send({ type: "read", room: room, id: highest })) { readSent = highest; }
    }, 1000);
  }

  function showTypers() {
    if (!typingLine) { return; }
    var names = Object.keys(typers).map(function (h) { return "@" + h; });
    if (!names.length) { typingLine.textContent = ""; return; }
    var who = names.length === 1 ? names[0] : names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
    typingLine.textContent = who + (names.length === 1 ? " is typing…" : " are typing…");
  }

  function stopTyping(handle) {
    if (!Object.prototype.hasOwnProperty.call(typers, handle)) { return; }
    clearTimeout(typers[handle]);
    delete typers[handle];
    showTypers();
  }

  function onTyping(handle) {
    if (!handle || handle === me) { return; }
    clearTimeout(typers[handle]);
    typers[handle] = setTimeout(function () { stopTyping(handle); }, 4000);
    showTypers();
  }

  function onPresence(online) {
    if (!presence || !Array.isArray(online)) { return; }
    var others = online.filter(function (h) { return h !== me; }).map(function (h) { return "@" + h; });
    presence.textContent = others.length ? "Here now: " + others.join(", ") : "No one else is here right now.";
    presence.hidden = false;
  }

  var alertBox = null, findingsBox = null;

  function insertNearForm(node) {
    var button = form && form.querySelector("button[type=submit]");
    if (button) { button.parentNode.insertBefore(node, button); } else if (typingLine) { typingLine.parentNode.insertBefore(node, typingLine.nextSibling); }
  }

  function clearAlert() { remove(alertBox); alertBox = null; alertFor = null; }

  function showAlert(text, cid) {
    clearAlert();
    // A new element each time, so a repeated message is announced again.
    alertBox = el("p", "alert");
    alertBox.setAttribute("role", "alert");
    alertBox.append(el("span", "", text || "Something went wrong."));
    alertFor = cid || null;
    insertNearForm(alertBox);
  }

  function clearFindings() {
    remove(findingsBox);
    findingsBox = null;
    if (form) { remove(form.querySelector(".findings")); remove(form.querySelector(".phi-ack")); }
  }

  // Like the server's own "findings" and "phi-ack" partials, so both paths look alike.
  function showFindings(findings) {
    clearFindings();
    findingsBox = el("div", "findings");
    findingsBox.setAttribute("role", "alert");
    var intro = el("p");
    intro.append(el("strong", "", "This may identify a patient."),
      " Remove or generalise it, or confirm below that it is not a patient identifier.");
    var ul = el("ul");
    (findings || []).forEach(function (f) { ul.append(el("li", "", (f.label || f.kind) + ": " + f.text)); });
    findingsBox.append(intro, ul);
    var input = el("input");
    input.type = "checkbox"; input.id = "chat-phi_ack"; input.name = "phi_ack"; input.value = "on";
    var label = el("label", "", "I have checked: none of this identifies a patient");
    label.htmlFor = "chat-phi_ack";
    var box = el("div", "field checkbox phi-ack");
    box.append(input, label);
    insertNearForm(findingsBox);
    insertNearForm(box);
  }

  // Gives a refused message back to its author to edit, without losing what they typed since.
  function giveBack(cid) {
    var m = item(cid);
    remove(pendingFor(cid));
    if (!m) { return; }
    drop(cid);
    if (field) { field.value = field.value ? m.body + "\n\n" + field.value : m.body; }
  }

  function onError(f) {
    var cid = f.client_id;
    if (!cid) {
      if (!joined) { say("Not connected: " + (f.message || f.code)); } // the join itself was refused
      showAlert(f.message);
      return;
    }
    if (f.code === "phi") { giveBack(cid); showFindings(f.findings); return; }
    if (f.code === "rate_limited") { showAlert(f.message, cid); retry(cid, 3000); return; }
    if (f.code === "internal") {
      // Kept in the outbox; tried again later, less often each time.
      tries[cid] = (tries[cid] || 0) + 1;
      retry(cid, Math.min(60000, 2000 * Math.pow(2, tries[cid])));
      showAlert(f.message, cid);
      return;
    }
    giveBack(cid);
    showAlert(f.message);
  }

  // A consult has just reached the member's queue: say so, with a link
  // (never its question: that stays on the consult's page).
  function onConsult(f) {
    var note = el("p", "flash");
    note.setAttribute("role", "status");
    note.append(el("span", "", (f.urgent ? "An urgent consult" : "A consult") + " is waiting for you. "));
    var link = el("a", "", "Open it");
    link.href = "/consults/" + encodeURIComponent(f.id);
    note.append(link);
    root.insertBefore(note, root.firstChild);
  }

  function handle(f) {
    switch (f.type) {
      case "message": render(f); break;
      case "ack": onAck(f); break;
      case "joined":
        joined = true;
        backoff = 1000;
        say("Live");
        outbox.forEach(flush); // same client ids: the server stores each once
        markRead();
        break;
      case "typing": onTyping(f.handle); break;
      case "presence": onPresence(f.online); break;
      case "hidden": hidden[f.id] = true; removed(document.getElementById("m-" + f.id)); break;
      case "consult": onConsult(f); break;
      case "error": onError(f); break;
    }
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (ended || ws) { return; }
    var sock;
    try { sock = new WebSocket(URL_WS); } catch (e) { schedule(); return; }
    ws = sock;
    sock.onopen = function () { failures = 0; send({ type: "join", room: room, since: highest }); };
    sock.onmessage = function (e) {
      var f;
      try { f = JSON.parse(e.data); } catch (x) { return; }
      if (f && (!f.room || f.room === room)) { handle(f); }
    };
    sock.onclose = function (e) {
      if (ws !== sock) { return; }
      ws = null;
      joined = false;
      if (e.code === 1008 && e.reason === "session ended") { sessionEnded(); return; }
      if (e.code === 1006 && ++failures >= 2) { checkSession(); return; }
      schedule(); // 1001 (server shutting down) and drops alike
    };
  }

  // checkSession asks for the room's page without following redirects: a
  // refused upgrade and a lapsed session look alike from here, and only the
  // page can tell (a redirect to the login page).
  function checkSession() {
    fetch(location.pathname, { credentials: "same-origin", redirect: "manual" }).then(function (res) {
      if (res.type === "opaqueredirect" || res.status === 401 || res.status === 403) { sessionEnded(); } else { schedule(); }
    }, function () { schedule(); });
  }

  function schedule() {
    if (ended || retryTimer) { return; }
    var delay = backoff * (0.5 + Math.random()); // jitter, so a restarted server is not hit by every tab at once
    backoff = Math.min(backoff * 2, 30000);
    retryTimer = setTimeout(connect, delay);
    say(navigator.onLine === false ? OFFLINE : "Reconnecting in " + Math.max(1, Math.round(delay / 1000)) + " s…");
  }

  function sessionEnded() {
    ended = true;
    clearTimeout(retryTimer);
    if (status) {
      var a = el("a", "", "Log in again to keep chatting.");
      a.href = "/login?next=" + encodeURIComponent(location.pathname);
      status.textContent = "Your session ended. ";
      status.append(a);
    }
    // Unsent text goes back to the form, and out of the browser's storage.
    outbox.slice().forEach(function (m) { giveBack(m.client_id); });
    if (presence) { presence.hidden = true; }
    typers = {};
    showTypers();
  }

  function queue() {
    if (!field || ended || !field.value.trim()) { return; }
    var ack = form.elements.phi_ack;
    var m = { client_id: newClientID(), body: field.value, phi_ack: !!(ack && ack.checked), me: me };
    var frame = JSON.stringify({ type: "send", room: room, body: m.body, client_id: m.client_id, phi_ack: m.phi_ack });
    if (window.TextEncoder && new TextEncoder().encode(frame).length > MAX_FRAME) {
      showAlert("This message is too long to send: shorten it or split it in two.");
      return;
    }
    clearAlert();
    clearFindings();
    outbox.push(m);
    save();
    showPending(m);
    field.value = "";
    toEnd();
    flush(m);
  }

  if (form && field) {
    form.addEventListener("submit", function (e) { e.preventDefault(); queue(); });
    field.addEventListener("keydown", function (e) {
      // Enter sends; Shift+Enter is a new line; an IME composition keeps its Enter.
      if (e.key !== "Enter" || e.shiftKey || e.altKey || e.ctrlKey || e.metaKey || e.isComposing || e.keyCode === 229) { return; }
      e.preventDefault();
      queue();
    });
    field.addEventListener("input", function () {
      var now = Date.now();
      if (joined && now - lastTyping >= 3000 && field.value.trim()) {
        lastTyping = now;
        send({ type: "typing", room: room });
      }
    });
  }

  document.addEventListener("visibilitychange", markRead);
  window.addEventListener("online", function () { if (!ws && !ended) { backoff = 1000; connect(); } });
  window.addEventListener("offline", function () { if (!joined) { say(OFFLINE); } });

  outbox.forEach(showPending); // left from before a reload: shown, and sent once joined
  say(navigator.onLine === false ? OFFLINE : "Connecting…");
  // A conversation opens at its latest messages, with the box to answer in
  // view, unless the address points elsewhere on the page.
  if (!location.hash) { toEnd(); }
  connect();
})();
