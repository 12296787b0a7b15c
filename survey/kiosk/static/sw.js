// The kiosk's service worker, served at /kiosk/<slug>/sw.js?v=<version> so that its scope is exactly
// one kiosk. It answers GET requests only, from a cache filled completely at install time with what
// manifest.json lists (the picker, the questionnaire in every language, scripts, styles, audio).
// POSTs (the outbox's submissions) never touch it. A new version is a new script URL and a new cache;
// the picker switches to it between respondents, and the old cache is deleted after.
"use strict";
var SCOPE = self.registration.scope;
var VERSION = new URL(self.location.href).searchParams.get("v") || "0";
var PREFIX = "kiosk " + new URL(SCOPE).pathname + " ";
var CACHE = PREFIX + VERSION;
var MANIFEST = SCOPE + "manifest.json";

self.addEventListener("install", function (event) {
  event.waitUntil(
    fetch(MANIFEST, {cache: "no-store", credentials: "same-origin"}).then(function (reply) {
      if (!reply.ok) throw new Error("manifest " + reply.status);
      return reply.clone().json().then(function (manifest) {
        return caches.open(CACHE).then(function (cache) {
          var requests = manifest.urls.map(function (url) {
            return new Request(url, {cache: "reload", credentials: "same-origin"});
          });
          // all or nothing: a half-filled cache must never be the one the kiosk relies on
          return cache.addAll(requests).then(function () { return cache.put(MANIFEST, reply); });
        });
      });
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(PREFIX) === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.href.split("?")[0] === MANIFEST) {
    // the settings and the newest version when online; the cached ones offline
    event.respondWith(fetch(request, {cache: "no-store"}).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(MANIFEST); });
    }).then(function (reply) { return reply || Response.error(); }));
    return;
  }
  event.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(request, {ignoreVary: true}).then(function (cached) {
      return cached || fetch(request);
    });
  }));
});
