/* feeder admin: live preview of a notice (banner and feed entry), confirmation before withdrawing.
   Loaded from /admin/assets/admin.js; no inline script anywhere (the pages' CSP forbids it).
   The preview HTML comes from the server (POST /admin/preview), escaped and sanitised there.
   A new notice is previewed once the editor has typed something, and only the errors of the
   fields they have touched are shown: an untouched form shows no error. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var text = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (text && !window.confirm(text)) {
      event.preventDefault();
    }
  });

  var form = document.getElementById("notice-form");
  var target = document.getElementById("preview");
  if (!form || !target || !window.fetch) {
    return;
  }
  var url = form.getAttribute("data-preview");
  var noticeId = form.getAttribute("data-notice-id");
  var timer = null;
  var sequence = 0;
  var touched = {};  // field name: true once the editor has changed it
  var HINT = "Förhandsvisningen visas när rubrik och nivå är ifyllda.";

  function collect() {
    var data = {};
    ["title", "body", "level", "starts", "expires", "url"].forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field) {
        data[name] = field.value;
      }
    });
    ["topics", "areas"].forEach(function (name) {
      var checked = form.querySelectorAll('input[name="' + name + '"]:checked');
      data[name] = Array.prototype.map.call(checked, function (box) { return box.value; });
    });
    if (noticeId) {
      data.id = noticeId;
    }
    return data;
  }

  function note(text, isError) {
    target.textContent = "";
    var p = document.createElement("p");
    p.className = isError ? "error" : "hint";
    if (isError) {
      p.id = "preview-error";
    }
    p.textContent = text;
    target.appendChild(p);
  }

  function problems(errors) {
    var shown = (errors || []).filter(function (e) {
      return noticeId || touched[e.field] || !e.field;
    });
    if (!shown.length) {
      note(HINT, false);
      return;
    }
    target.textContent = "";
    var box = document.createElement("div");
    box.className = "error";
    box.id = "preview-error";
    shown.forEach(function (e) {
      var p = document.createElement("p");
      p.textContent = e.error;
      box.appendChild(p);
    });
    target.appendChild(box);
  }

  function refresh() {
    var mine = ++sequence;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(collect())
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      if (mine !== sequence) {
        return;
      }
      if (data && data.ok) {
        target.innerHTML = data.html;
      } else if (data && data.errors) {
        problems(data.errors);
      } else {
        note((data && data.error) || "Förhandsvisningen misslyckades.", true);
      }
    }).catch(function () {
      if (mine === sequence) {
        note("Förhandsvisningen kunde inte hämtas.", true);
      }
    });
  }

  function soon(event) {
    if (event && event.target && event.target.name) {
      touched[event.target.name] = true;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  if (noticeId) {
    refresh();  // an existing notice: as it stands
  }
}());
