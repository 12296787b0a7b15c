// The kiosk's durable outbox: finished responses in IndexedDB, keyed by client_id, sent one at a time
// through the submissions API. A record leaves the outbox only when the server answers 201 or 200;
// a refusal that re-sending cannot fix (409, 410, 422, other 4xx) moves it to `held`, which nothing
// ever deletes; network errors, 429 and 5xx are retried with back-off. See docs/offline.md.
(function (root) {
  "use strict";
  var NAME = "kiosk-outbox";
  var OUTBOX = "outbox";
  var HELD = "held";
  var MAX_DELAY = 300;
  var opening = null;
  var attempt = 0;
  var timer = null;
  var sending = false;
  var listeners = [];

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(OUTBOX)) db.createObjectStore(OUTBOX, {keyPath: "client_id"});
        if (!db.objectStoreNames.contains(HELD)) db.createObjectStore(HELD, {keyPath: "client_id"});
      };
      request.onsuccess = function () {
        var db = request.result;
        // iOS closes connections under memory pressure; the next call reopens.
        db.onclose = function () { opening = null; };
        db.onversionchange = function () { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = function () { reject(request.error); };
      request.onblocked = function () { reject(new Error("outbox blocked")); };
    });
  }

  function database() {
    if (!opening) opening = open().catch(function (error) { opening = null; throw error; });
    return opening;
  }

  // Run `work(transaction)` and resolve with its result only when the transaction is complete.
  function transact(stores, mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(stores, mode);
        var box = {};
        transaction.oncomplete = function () { resolve(box.value); };
        transaction.onerror = transaction.onabort = function () {
          reject(transaction.error || new Error("transaction aborted"));
        };
        work(transaction, box);
      });
    });
  }

  // A failed write is tried once more on a freshly opened database.
  function retried(run) {
    return run().catch(function () { opening = null; return run(); });
  }

  function getAll(store) {
    return retried(function () {
      return transact([store], "readonly", function (transaction, box) {
        var request = transaction.objectStore(store).getAll();
        request.onsuccess = function () { box.value = request.result; };
      });
    });
  }

  function put(record) {
    return retried(function () {
      return transact([OUTBOX], "readwrite", function (transaction) {
        transaction.objectStore(OUTBOX).put(record);
      });
    }).then(function () { changed(); });
  }

  function remove(clientId) {
    return transact([OUTBOX], "readwrite", function (transaction) {
      transaction.objectStore(OUTBOX).delete(clientId);
    }).then(changed);
  }

  function hold(record, status, reply) {
    return transact([OUTBOX, HELD], "readwrite", function (transaction) {
      var held = Object.assign({}, record, {status: status, reply: reply, held_at: new Date().toISOString()});
      transaction.objectStore(HELD).put(held);
      transaction.objectStore(OUTBOX).delete(record.client_id);
    }).then(changed);
  }

  function counts() {
    return Promise.all([getAll(OUTBOX), getAll(HELD)]).then(function (lists) {
      return {queued: lists[0].length, held: lists[1].length};
    });
  }

  function changed() {
    counts().then(function (numbers) {
      listeners.forEach(function (listener) { listener(numbers); });
    }, function () {});
  }

  function later(retryAfter) {
    attempt += 1;
    var delay = Math.min(MAX_DELAY, Math.pow(2, attempt)) * (0.75 + Math.random() / 2);
    var asked = Number(retryAfter);
    if (asked > 0) delay = Math.max(delay, Math.min(asked, MAX_DELAY));
    clearTimeout(timer);
    timer = setTimeout(send, delay * 1000);
  }

  function sendOne(record) {
    return fetch(record.url, {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(record.body),
      credentials: "omit", cache: "no-store"
    }).then(function (reply) {
      if (reply.status === 200 || reply.status === 201) return remove(record.client_id).then(function () { return true; });
      if (reply.status >= 400 && reply.status < 500 && reply.status !== 408 && reply.status !== 429) {
        return reply.text().catch(function () { return ""; }).then(function (text) {
          return hold(record, reply.status, text).then(function () { return true; });
        });
      }
      later(reply.headers.get("Retry-After"));
      return false;
    }, function () { later(); return false; });
  }

  // One sender at a time (a Web Lock across tabs, a flag within this page); records go in the order
  // they were finished, and the first failure stops the round until the back-off timer fires.
  function sendAll() {
    return getAll(OUTBOX).then(function (records) {
      records.sort(function (a, b) { return a.queued_at - b.queued_at; });
      var chain = Promise.resolve(true);
      records.forEach(function (record) {
        chain = chain.then(function (goOn) { return goOn ? sendOne(record) : false; });
      });
      return chain;
    }).then(function (allSent) { if (allSent) attempt = 0; });
  }

  function send() {
    if (sending) return Promise.resolve();
    sending = true;
    var round = navigator.locks
      ? navigator.locks.request("kiosk-sender", {ifAvailable: true}, function (lock) { return lock ? sendAll() : null; })
      : sendAll();
    return round.catch(function () { later(); }).then(function () { sending = false; });
  }

  function onChange(listener) {
    listeners.push(listener);
    changed();
  }

  function start() {
    window.addEventListener("online", function () { attempt = 0; send(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") send();
    });
    send();
  }

  root.Outbox = {put: put, send: send, start: start, counts: counts, onChange: onChange,
                 held: function () { return getAll(HELD); }, queued: function () { return getAll(OUTBOX); }};
})(self);
