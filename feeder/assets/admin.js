/* feeder admin: live preview of a notice (banner and feed entry), confirmation before withdrawing.
   Loaded from /admin/assets/admin.js; no inline script anywhere (the pages' CSP forbids it).
   The preview HTML comes from the server (POST /admin/preview), escaped and sanitised there. */
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

  function problem(text) {
    target.textContent = "";
    var p = document.createElement("p");
    p.className = "error";
    p.id = "preview-error";
    p.textContent = text;
    target.appendChild(p);
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
      } else {
        problem((data && data.error) || "Förhandsvisningen misslyckades.");
      }
    }).catch(function () {
      if (mine === sequence) {
        problem("Förhandsvisningen kunde inte hämtas.");
      }
    });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 250);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  refresh();
}());
