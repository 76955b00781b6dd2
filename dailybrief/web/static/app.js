// The brief page: click (or hover) a sentence to load its evidence into the side panel.
// The panel's HTML comes from the server's own escaped templates; no scraped text is ever
// put into the page by this script.
(function () {
  "use strict";
  var panel = document.getElementById("panel");
  if (!panel) { return; }
  var pinned = false;
  var timer = null;
  var loading = null;

  function editing() {
    var box = panel.querySelector("textarea");
    return box && (document.activeElement === box || box.value !== box.defaultValue);
  }

  function open(link, pin) {
    if (!link || !link.getAttribute("href")) { return; }
    if (editing() && !pin) { return; }
    var url = link.getAttribute("href") + "?fragment=1";
    loading = url;
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : Promise.reject(response.status);
    }).then(function (html) {
      if (loading !== url) { return; }
      panel.innerHTML = html;
      var active = document.querySelectorAll("a.s.active");
      for (var i = 0; i < active.length; i++) { active[i].classList.remove("active"); }
      link.classList.add("active");
      pinned = pinned || pin;
    }).catch(function () { /* keep the panel as it was */ });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.s") : null;
    if (!link || !link.getAttribute("href")) { return; }
    event.preventDefault();
    pinned = true;
    open(link, true);
    if (history.replaceState) { history.replaceState(null, "", "#" + link.id); }
  });

  document.addEventListener("mouseover", function (event) {
    var link = event.target.closest ? event.target.closest("a.s") : null;
    if (!link || pinned) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { open(link, false); }, 350);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { pinned = false; }
  });

  // Check the text being edited as it is typed (after a pause): the server verifies it against
  // the sources cited there and answers with a verdict; it is shown as text, never as markup.
  var checkTimer = null;
  var checking = 0;
  panel.addEventListener("input", function (event) {
    var box = event.target;
    var form = box && box.form;
    if (!form || box.name !== "text" || !form.getAttribute("data-check")) { return; }
    var out = form.querySelector("#live-check");
    clearTimeout(checkTimer);
    checkTimer = setTimeout(function () {
      var mine = ++checking;
      out.className = "live pending";
      out.textContent = "核验中…";
      fetch(form.getAttribute("data-check"), { method: "POST", credentials: "same-origin", body: new FormData(form) })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (verdict) {
          if (mine !== checking) { return; }
          out.className = "live " + (verdict.status === "verified" ? "ok" : verdict.status === "unchecked" ? "" : "bad");
          out.textContent = verdict.message;
        })
        .catch(function () {
          if (mine !== checking) { return; }
          out.className = "live";
          out.textContent = "暂时无法核验，保存时会再核验";
        });
    }, 400);
  });

  if (location.hash.length > 1) {
    var start = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (start && start.matches("a.s")) {
      pinned = true;
      open(start, true);
      start.scrollIntoView({ block: "center" });
    }
  }
}());
