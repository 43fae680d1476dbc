// Saves what a member types in a case or reply form as a draft on the
// server every few seconds, so a dropped clinic connection loses nothing.
// Nothing is kept in the browser itself: clinic computers are shared.
(function () {
  "use strict";
  var DELAY = 3000;

  function setup(form) {
    var kind = form.getAttribute("data-autosave");
    if (kind !== "case" && kind !== "reply") { return; }
    var status = form.querySelector(".autosave-status");
    var csrf = form.querySelector("input[name=_csrf]");
    var draftField = form.querySelector("input[name=draft_id]");
    var timer = null, saving = false, dirty = false, last = "", signedOut = false;

    function say(text) {
      if (!status) { return; }
      status.hidden = false;
      status.textContent = text;
    }

    function payload() {
      var data = new FormData();
      ["title", "body", "specialty", "tags", "anonymous", "age_band", "sex", "care_setting"].forEach(function (name) {
        var el = form.elements[name];
        if (!el) { return; }
        if (el.type === "checkbox") { if (el.checked) { data.append(name, "on"); } return; }
        data.append(name, el.value);
      });
      if (kind === "reply") { data.append("case_id", form.getAttribute("data-case")); }
      if (draftField && draftField.value) { data.append("draft_id", draftField.value); }
      return data;
    }

    function fingerprint(data) {
      var parts = [];
      data.forEach(function (v, k) { parts.push(k + "=" + v); });
      return parts.join("&");
    }

    function save() {
      timer = null;
      if (saving) { dirty = true; return; }
      var data = payload();
      var print = fingerprint(data);
      if (print === last) { return; }
      saving = true;
      signedOut = false;
      fetch("/drafts", { method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf ? csrf.value : "" } })
        .then(function (res) {
          if (res.status === 303 || res.redirected || res.status === 401) { signedOut = true; throw new Error("signed out"); }
          if (!res.ok) { throw new Error("status " + res.status); }
          return res.json();
        })
        .then(function (body) {
          last = print;
          if (draftField && body.draft_id) { draftField.value = body.draft_id; }
          if (body.saved) { say("Draft saved at " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + "."); }
        })
        .catch(function () {
          if (signedOut) {
            say("Your session has ended. What you wrote is kept as a draft: log in again (in a new tab) to go on.");
          } else {
            say("Not saved: the connection dropped. Keep this page open; it will try again.");
          }
        })
        .then(function () {
          saving = false;
          if (dirty) { dirty = false; schedule(); }
        });
    }

    function schedule() {
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(save, DELAY);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
  }

  var forms = document.querySelectorAll("form[data-autosave]");
  for (var i = 0; i < forms.length; i++) { setup(forms[i]); }
})();
