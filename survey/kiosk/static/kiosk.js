// The kiosk: the language picker (worker, updates, staff panel) and the questionnaire page (one hidden
// section per page, answers only in this page's memory, finished responses into the outbox).
// Nothing of a respondent goes into cookies, web storage or the cache; a reset reloads the picker
// with location.replace, so the browser's history never holds a respondent's page.
(function () {
  "use strict";
  var root = document.querySelector(".kiosk-root");
  if (!root) return;

  function json(value) { return value ? JSON.parse(value) : null; }
  function fill(template, params) {
    return template.replace(/%\((\w+)\)s/g, function (_all, name) { return String(params[name]); });
  }

  // -- the discreet queue indicator on every kiosk screen ------------------------------------------
  function showQueue(numbers) {
    document.querySelectorAll("[data-queue]").forEach(function (element) {
      element.hidden = numbers.queued === 0;
      element.dataset.count = String(numbers.queued);
      element.textContent = numbers.queued === 1 ? element.dataset.one
        : fill(element.dataset.many, {count: numbers.queued});
    });
  }
  Outbox.onChange(showQueue);
  Outbox.start();

  // -- the larger-text switch (for this respondent only: never stored) ----------------------------
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action=larger-text]");
    if (!button) return;
    var large = document.documentElement.classList.toggle("large-text");
    button.setAttribute("aria-pressed", large ? "true" : "false");
  });

  if (root.dataset.kiosk === "picker") picker(); else questionnaire();
  root.dataset.ready = "1";

  // ================================================================================================
  function picker() {
    var scope = root.dataset.scope;
    var manifestUrl = root.dataset.manifest;
    var offlineReady = false;

    document.querySelectorAll("a[data-replace]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        location.replace(link.href);   // no history entry per respondent
      });
    });

    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persisted().then(function (already) { if (!already) navigator.storage.persist(); });
    }

    function markReady() {
      var controller = navigator.serviceWorker.controller;
      offlineReady = !!controller && controller.scriptURL.indexOf("v=" + root.dataset.cacheVersion) > 0;
      root.dataset.offline = offlineReady ? "ready" : "not-ready";
    }

    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(root.dataset.worker, {scope: scope}).then(function () {
        return navigator.serviceWorker.ready;
      }).then(markReady, function () { root.dataset.offline = "unavailable"; });
      navigator.serviceWorker.addEventListener("controllerchange", function () {
        // a new version is cached completely: switch now, between respondents
        if (root.dataset.switching) location.replace(scope); else markReady();
      });
      checkForUpdate();
    } else {
      root.dataset.offline = "unavailable";
    }

    function checkForUpdate() {
      fetch(manifestUrl, {cache: "no-store", credentials: "same-origin"}).then(function (reply) {
        return reply.ok ? reply.json() : null;
      }).then(function (manifest) {
        if (!manifest || manifest.version === root.dataset.cacheVersion) return;
        root.dataset.switching = "1";
        navigator.serviceWorker.register(scope + "sw.js?v=" + encodeURIComponent(manifest.version), {scope: scope});
      }).catch(function () {});
    }

    // -- the staff panel behind the PIN --------------------------------------------------------------
    var panel = root.querySelector(".kiosk-panel");
    var pinForm = panel.querySelector("[data-pin-form]");
    var status = panel.querySelector("[data-panel-status]");
    var pinInput = panel.querySelector("#kiosk-pin");
    var enteredPin = null;

    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-action]");
      if (!button) return;
      var action = button.dataset.action;
      if (action === "staff") { lockPanel(); panel.showModal(); pinInput.focus(); }
      if (action === "close") { lockPanel(); panel.close(); }
      if (action === "send") Outbox.send().then(refreshStatus);
      if (action === "download-held") downloadHeld();
      if (action === "leave") leave();
    });

    function lockPanel() {
      enteredPin = null;
      pinForm.reset();
      pinForm.hidden = false;
      status.hidden = true;
      panel.querySelector("[data-pin-error]").hidden = true;
    }

    pinForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var pin = pinInput.value;
      pinForm.reset();
      fetch(manifestUrl, {credentials: "same-origin"}).then(function (reply) { return reply.json(); })
        .then(function (manifest) { return pinMatches(pin, manifest.pin); })
        .then(function (ok) {
          panel.querySelector("[data-pin-error]").hidden = ok;
          if (!ok) return;
          enteredPin = pin;
          pinForm.hidden = true;
          status.hidden = false;
          refreshStatus();
        }, function () { panel.querySelector("[data-pin-error]").hidden = false; });
    });

    // The PIN's PBKDF2-SHA256 digest, the same the server keeps, so the panel opens offline too.
    function pinMatches(pin, stored) {
      if (!/^[0-9]{4,8}$/.test(pin) || !stored || !crypto.subtle) return Promise.resolve(false);
      var salt = new Uint8Array(stored.salt.match(/../g).map(function (h) { return parseInt(h, 16); }));
      return crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveBits"])
        .then(function (key) {
          return crypto.subtle.deriveBits({name: "PBKDF2", hash: "SHA-256", salt: salt, iterations: stored.rounds}, key, 256);
        }).then(function (bits) {
          var hex = Array.from(new Uint8Array(bits)).map(function (b) { return b.toString(16).padStart(2, "0"); }).join("");
          return hex === stored.digest;
        });
    }

    function fact(name, text) { panel.querySelector("[data-fact=" + name + "]").textContent = text; }

    function refreshStatus() {
      var persisted = panel.querySelector("[data-fact=persisted]");
      var offline = panel.querySelector("[data-fact=offline]");
      offline.textContent = offlineReady ? offline.dataset.yes : offline.dataset.no;
      if (navigator.storage && navigator.storage.persisted) {
        navigator.storage.persisted().then(function (yes) {
          persisted.textContent = yes ? persisted.dataset.yes : persisted.dataset.no;
          persisted.dataset.value = yes ? "yes" : "no";
        });
        navigator.storage.estimate().then(function (estimate) {
          fact("usage", (estimate.usage / 1048576).toFixed(1) + " MB / " + (estimate.quota / 1048576).toFixed(0) + " MB");
        });
      } else {
        persisted.textContent = persisted.dataset.unknown;
      }
      Outbox.counts().then(function (numbers) {
        fact("queued", String(numbers.queued));
        fact("held", String(numbers.held));
      });
    }

    function downloadHeld() {
      Outbox.held().then(function (records) {
        var blob = new Blob([JSON.stringify(records, null, 2)], {type: "application/json"});
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = "kept-aside-answers.json";
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
      });
    }

    function leave() {
      var problem = panel.querySelector("[data-leave-error]");
      Outbox.counts().then(function (numbers) {
        // never leave while answers wait: leaving stops the sending (and a wiped tablet loses them)
        if (numbers.queued > 0) { problem.textContent = problem.dataset.queued; problem.hidden = false; return; }
        return fetch(root.dataset.end, {method: "POST", credentials: "same-origin",
                                        headers: {"Content-Type": "application/json"},
                                        body: JSON.stringify({pin: enteredPin})})
          .then(function (reply) { return reply.ok ? reply.json() : Promise.reject(reply.status); })
          .then(function (done) {
            return navigator.serviceWorker.getRegistration(scope).then(function (registration) {
              return registration && registration.unregister();
            }).then(function () { return caches.keys(); }).then(function (names) {
              return Promise.all(names.filter(function (name) { return name.indexOf("kiosk " + scope + " ") === 0; })
                .map(function (name) { return caches.delete(name); }));
            }).then(function () { location.replace(done.next); });
          });
      }).catch(function () { problem.textContent = problem.dataset.failed; problem.hidden = false; });
    }
  }

  // ================================================================================================
  function questionnaire() {
    var form = root.querySelector(".kiosk-form");
    var sections = Array.prototype.slice.call(form.querySelectorAll("section[data-step]"));
    var pages = sections.filter(function (s) { return s.dataset.step === "page"; });
    var messages = json(root.dataset.messages);
    var pageOf = {};
    pages.forEach(function (page, index) {
      page.querySelectorAll(".kiosk-item").forEach(function (item) { pageOf[item.dataset.var] = index; });
    });
    var answers = {};
    var startedAt = null;
    var current = null;
    var finished = false;

    function step(name) { return sections.filter(function (s) { return s.dataset.step === name; })[0]; }

    function show(section) {
      sections.forEach(function (s) { s.hidden = s !== section; });
      current = section;
      window.scrollTo(0, 0);
      var heading = section.querySelector("h1");
      if (heading) { heading.tabIndex = -1; heading.focus({preventScroll: true}); }
    }

    function earlierAnswers(index) {
      var earlier = {};
      Object.keys(answers).forEach(function (name) { if (pageOf[name] < index) earlier[name] = answers[name]; });
      return earlier;
    }

    function shownItems(index, earlier) {
      var page = pages[index];
      if (!Conditions.evaluate(json(page.dataset.showIf), earlier)) return [];
      return Array.prototype.filter.call(page.querySelectorAll(".kiosk-item"), function (item) {
        return Conditions.evaluate(json(item.dataset.showIf), earlier);
      });
    }

    function visiblePages() {
      var visible = [];
      pages.forEach(function (_page, index) {
        if (shownItems(index, answers).length) visible.push(index);
      });
      return visible;
    }

    function showPage(index) {
      var earlier = earlierAnswers(index);
      var shown = shownItems(index, earlier);
      pages[index].querySelectorAll(".kiosk-item").forEach(function (item) { item.hidden = shown.indexOf(item) < 0; });
      var visible = visiblePages();
      var position = visible.indexOf(index) + 1;
      var page = pages[index];
      page.querySelector("progress").max = visible.length;
      page.querySelector("progress").value = position;
      page.querySelector(".progress-text").textContent = fill(root.dataset.progress, {position: position, total: visible.length});
      page.querySelector("[data-action=next]").textContent =
        position === visible.length ? root.dataset.sendLabel : root.dataset.nextLabel;
      clearErrors(page);
      show(page);
    }

    // -- reading and checking one item, as the server's Item.from_form and Item.validate do ----------
    var DIGITS = {"٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7", "٨": "8", "٩": "9",
                  "۰": "0", "۱": "1", "۲": "2", "۳": "3", "۴": "4", "۵": "5", "۶": "6", "۷": "7", "۸": "8", "۹": "9", "٫": "."};
    var CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

    function problem(code, params) { return {code: code, params: params || {}}; }

    function choiceValue(checks, raw) {
      for (var i = 0; i < checks.choices.length; i += 1) {
        if (String(checks.choices[i]) === raw) return checks.choices[i];
      }
      throw problem("unknown_choice");
    }

    function read(item) {
      var checks = json(item.dataset.checks);
      var name = item.dataset.var;
      if (!checks.answerable) return {value: null};
      try {
        var inputs = Array.prototype.slice.call(item.querySelectorAll("[name='" + name + "']"));
        var value;
        if (checks.choices) {
          var picked = inputs.filter(function (input) { return input.checked; }).map(function (input) {
            return choiceValue(checks, input.value);
          });
          value = checks.list ? (picked.length ? picked : null) : (picked.length ? picked[0] : null);
        } else {
          var text = inputs.length ? inputs[0].value.trim() : "";
          value = text === "" ? null : text;
          if (value !== null && checks.number) value = number(value, checks);
          if (value !== null && checks.max_length !== undefined) {
            value = value.replace(CONTROL, "").trim();
            if (value.length > checks.max_length) throw problem("too_long", {max_length: checks.max_length});
            if (value === "") value = null;
          }
        }
        if (value === null && checks.required) throw problem("required");
        return {value: value};
      } catch (error) {
        if (error && error.code) return {error: error};
        throw error;
      }
    }

    function number(text, checks) {
      text = text.replace(/\u2212/g, "-").replace(/[٠-٩۰-۹٫]/g, function (c) { return DIGITS[c]; });
      if (!/^[+-]?\d+([.,]\d+)?$/.test(text)) throw problem("not_a_number");
      var value = parseFloat(text.replace(",", "."));
      if (checks.integer && !Number.isInteger(value)) throw problem("not_an_integer");
      var low = checks.min, high = checks.max;
      var tooSmall = low !== undefined && value < low, tooLarge = high !== undefined && value > high;
      if (tooSmall || tooLarge) {
        if (checks.year) throw problem("year_out_of_range", {min: low, max: high});
        if (low !== undefined && high !== undefined) throw problem("range", {min: low, max: high});
        throw problem(tooSmall ? "too_small" : "too_large", {min: low, max: high});
      }
      return value;
    }

    function clearErrors(page) {
      page.querySelector(".summary").hidden = true;
      page.querySelectorAll(".kiosk-error").forEach(function (p) { p.remove(); });
      page.querySelectorAll(".has-error").forEach(function (f) { f.classList.remove("has-error"); });
      page.querySelectorAll("[data-described]").forEach(function (input) {
        input.removeAttribute("aria-describedby");
        input.removeAttribute("data-described");
      });
    }

    function showError(item, error) {
      var fieldset = item.querySelector(".item");
      var message = document.createElement("p");
      message.className = "error kiosk-error";
      message.id = item.dataset.var + "-error";
      message.setAttribute("role", "alert");
      message.textContent = fill(messages[error.code] || messages.wrong_type, error.params);
      var legend = fieldset.querySelector("legend");
      legend.parentNode.insertBefore(message, legend.nextSibling);
      fieldset.classList.add("has-error");
      fieldset.querySelectorAll("input, textarea").forEach(function (input) {
        if (input.hasAttribute("aria-describedby")) return;
        input.setAttribute("aria-describedby", message.id);
        input.setAttribute("data-described", "1");
      });
    }

    function readPage(index) {
      var result = {answers: {}, errors: []};
      shownItems(index, earlierAnswers(index)).forEach(function (item) {
        var read_ = read(item);
        if (read_.error) result.errors.push([item, read_.error]);
        else if (read_.value !== null) result.answers[item.dataset.var] = read_.value;
      });
      return result;
    }

    function keep(index, pageAnswers) {
      Object.keys(pageOf).forEach(function (name) { if (pageOf[name] === index) delete answers[name]; });
      Object.keys(pageAnswers).forEach(function (name) { answers[name] = pageAnswers[name]; });
    }

    function next() {
      var index = Number(current.dataset.page);
      var result = readPage(index);
      keep(index, result.answers);
      clearErrors(current);
      if (result.errors.length) {
        current.querySelector(".summary").hidden = false;
        result.errors.forEach(function (pair) { showError(pair[0], pair[1]); });
        var first = result.errors[0][0].querySelector("input, textarea");
        if (first) first.focus();
        return;
      }
      var later = visiblePages().filter(function (i) { return i > index; });
      if (later.length) showPage(later[0]); else finish();
    }

    function back() {
      var index = Number(current.dataset.page);
      keep(index, readPage(index).answers);
      var before = visiblePages().filter(function (i) { return i < index; });
      if (before.length) showPage(before[before.length - 1]); else show(step("consent"));
    }

    function minute(date) {
      var copy = new Date(date.getTime());
      copy.setSeconds(0, 0);
      return copy.toISOString();
    }

    function newClientId() {
      if (crypto.randomUUID) return crypto.randomUUID();
      return Array.from(crypto.getRandomValues(new Uint8Array(16))).map(function (b) {
        return b.toString(16).padStart(2, "0");
      }).join("");
    }

    function finish() {
      if (finished) return;
      finished = true;
      var kept = {};
      Object.keys(answers).forEach(function (name) { kept[name] = answers[name]; });
      var record = {
        client_id: newClientId(), url: root.dataset.api, queued_at: Date.now(),
        body: {language: root.dataset.lang, channel: "tablet", answers: kept,
               questionnaire_version: Number(root.dataset.version),
               started_at: startedAt, submitted_at: minute(new Date())}
      };
      record.body.client_id = record.client_id;
      // The respondent is let go only once the record is safely written; otherwise they stay on screen.
      Outbox.put(record).then(function () {
        wipe();
        show(step("thanks"));
        Outbox.send();
        setTimeout(restart, Number(root.dataset.thanksSeconds) * 1000);
      }, function () {
        finished = false;
        var alarm = form.querySelector("[data-save-error]");
        alarm.textContent = root.dataset.saveFailed;
        alarm.hidden = false;
      });
    }

    // -- forgetting: answers live only here, and go with the page ---------------------------------
    function wipe() {
      answers = {};
      startedAt = null;
      form.reset();
      form.querySelectorAll("input[type=text], textarea").forEach(function (input) { input.value = ""; });
      form.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (input) { input.checked = false; });
      form.querySelectorAll(".is-checked").forEach(function (label) { label.classList.remove("is-checked"); });
    }

    function restart() {
      wipe();
      location.replace(root.dataset.picker);
    }

    window.addEventListener("pageshow", function (event) { if (event.persisted) restart(); });
    window.addEventListener("pagehide", wipe);

    // -- inactivity: a warning, then the unfinished answers are dropped ---------------------------
    var idleSeconds = Number(root.dataset.idleSeconds);
    var warnSeconds = Math.min(20, Math.max(1, Math.round(idleSeconds / 3)));
    var warning = root.querySelector(".still-there");
    var warnTimer = null;
    var resetTimer = null;

    function awake() {
      clearTimeout(warnTimer);
      clearTimeout(resetTimer);
      if (warning.open) warning.close();
      warnTimer = setTimeout(function () { warning.showModal(); }, (idleSeconds - warnSeconds) * 1000);
      resetTimer = setTimeout(restart, idleSeconds * 1000);
    }
    ["pointerdown", "keydown", "input", "touchstart"].forEach(function (kind) {
      document.addEventListener(kind, awake, {passive: true, capture: true});
    });
    warning.addEventListener("cancel", function (event) { event.preventDefault(); awake(); });

    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-action]");
      if (!button) return;
      var action = button.dataset.action;
      if (action === "start") {
        startedAt = minute(new Date());
        var visible = visiblePages();
        if (visible.length) showPage(visible[0]); else finish();
      }
      if (action === "decline") { wipe(); show(step("declined")); }
      if (action === "stop") { wipe(); show(step("stopped")); }
      if (action === "next") next();
      if (action === "back") back();
      if (action === "restart") restart();
      if (action === "still-here") awake();
    });
    // Enter in a text field moves forward, as on the online pages; the form itself never submits.
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (current && current.dataset.step === "page") next();
    });

    show(step("consent"));
    awake();
  }
})();
