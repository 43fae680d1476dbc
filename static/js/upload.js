// Shows how far a large upload has got. Without this script the form posts
// as a plain multipart form; with it the same request goes through
// XMLHttpRequest so that its progress can be shown, and the page it answers
// with (the result, or the form again with messages) replaces this one.
(function () {
  "use strict";

  function setup() {
    var form = document.querySelector("form[data-upload-progress]");
    if (!form || !window.FormData || !window.DOMParser) { return; }
    var box = form.querySelector(".upload-progress");
    var bar = box && box.querySelector("progress");
    var status = box && box.querySelector(".upload-status");
    var button = form.querySelector("button[type=submit]");
    if (!bar) { return; }

    form.addEventListener("submit", function (ev) {
      var input = form.querySelector("input[type=file]");
      if (!input || !input.files || input.files.length === 0) { return; } // nothing to show: post as usual
      ev.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var pct = Math.floor(e.loaded * 100 / e.total);
        bar.value = pct;
        status.textContent = pct < 100 ? "Uploading: " + pct + "%" : "Checking the document…";
      });
      xhr.addEventListener("load", function () { show(xhr); });
      // A network failure falls back to the ordinary post, which shows the browser's own error.
      xhr.addEventListener("error", function () { form.submit(); });
      box.hidden = false;
      bar.value = 0;
      status.textContent = "Uploading…";
      if (button) { button.disabled = true; }
      xhr.send(new FormData(form));
    });
  }

  // show puts the page the server answered in place of this one.
  function show(xhr) {
    var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    if (!doc.body || !doc.body.firstChild) { window.location.reload(); return; }
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    if (xhr.responseURL && window.history && history.replaceState) { history.replaceState(null, "", xhr.responseURL); }
    var focus = document.querySelector("[role=alert], .flash, h1");
    if (focus) {
      focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
    setup(); // scripts in the new body do not run: attach to its form here
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
