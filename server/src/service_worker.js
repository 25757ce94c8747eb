// Tandem's service worker, written for one build (server/src/pwa.rs fills VERSION and
// SHELL). It keeps the app's shell (the build's files, the offline page) and the last copy
// of the pages a rep reads on the road, so Tandem opens and reads without signal:
// - the build's files: from the cache, fetched again in the background when their name
//   does not already say they never change;
// - pages: from the network; without signal, the copy kept the last time the page was
//   opened (marked with when it was kept, for the page to say how old it is), else the
//   offline page;
// - everything else (REST, server functions, the live socket): the network only; the
//   writes a rep makes without signal wait in the outbox (public/outbox.js) instead.
// A new build is a new worker: it takes over at once and deletes the previous build's
// caches, kept pages included, since they name files that are gone.
// The outbox (public/outbox.js): sent from here on Background Sync.
importScripts("/outbox.js");

const VERSION = "{{VERSION}}";
const SHELL_FILES = "{{SHELL}}";
const SHELL = `tandem-shell-${VERSION}`;
const PAGES = `tandem-pages-${VERSION}`;
const OFFLINE = "/offline";
// The pages kept for reading offline: the rep's day, customers, tasks, alerts.
const KEPT = /^\/(today|customers|customers\/\d+|tasks|alerts)$/;
const KEPT_AT_MOST = 40;
// A path through a build folder (/pkg/<16 hex digits>/) or a name holding such a hash was
// made from the content: it never changes.
const CONTENT_NAMED = /[./][0-9a-f]{16}[./]/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL)
      .then((cache) => cache.addAll(SHELL_FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== SHELL && name !== PAGES) await caches.delete(name);
      }
      await claimOpenPages();
    })(),
  );
});

// A page that navigated while the worker activated can miss its claim (the claim ran
// before that page existed, and its load went past the worker): it asks, and is claimed
// then (public/pwa.js).
self.addEventListener("message", (event) => {
  if (event.data === "claim") event.waitUntil(claimOpenPages().catch(() => {}));
});

// Takes control of the open pages and keeps those a rep reads offline: they were loaded
// without the worker.
async function claimOpenPages() {
  await self.clients.claim();
  for (const client of await self.clients.matchAll({ type: "window" })) {
    const url = new URL(client.url);
    if (KEPT.test(url.pathname)) {
      await fetch(url.href, { credentials: "same-origin" })
        .then((res) => keep(url, res))
        .catch(() => {});
    }
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/auth/logout") {
    // Signing out takes the kept pages (someone else's customers) off the device.
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  } else if (SHELL_FILES.includes(url.pathname) || url.pathname.startsWith("/pkg/")) {
    event.respondWith(shellFile(event));
  }
});

async function page(event, url) {
  try {
    const res = await fetch(event.request);
    if (KEPT.test(url.pathname)) event.waitUntil(keep(url, res.clone()));
    return res;
  } catch (offline) {
    const pages = await caches.open(PAGES);
    const kept = await pages.match(url.pathname + url.search, { ignoreVary: true });
    if (kept) return kept;
    return (await caches.match(OFFLINE)) || new Response("offline", { status: 503 });
  }
}

// A page's copy, marked on its <html> with when it was kept; only whole successful pages
// (not a redirect to the sign-in page).
async function keep(url, res) {
  const type = res.headers.get("content-type") || "";
  if (!res.ok || res.redirected || !type.startsWith("text/html")) return;
  const html = (await res.text()).replace("<html", `<html data-kept-at="${new Date().toISOString()}"`);
  const headers = new Headers(res.headers);
  headers.delete("content-encoding");
  headers.delete("content-length");
  const pages = await caches.open(PAGES);
  const key = url.pathname + url.search;
  await pages.delete(key);
  await pages.put(key, new Response(html, { status: 200, headers }));
  const keys = await pages.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - KEPT_AT_MOST))) await pages.delete(old);
}

async function shellFile(event) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(event.request);
  if (hit && CONTENT_NAMED.test(new URL(event.request.url).pathname)) return hit;
  const fresh = fetch(event.request).then((res) => {
    if (res.ok) cache.put(event.request, res.clone());
    return res;
  });
  if (hit) {
    event.waitUntil(fresh.catch(() => {}));
    return hit;
  }
  return fresh;
}

// The signal is back (the browser may wake the worker with Tandem closed): send what waits.
self.addEventListener("sync", (event) => {
  if (event.tag === self.tandemOutbox.CHANNEL) event.waitUntil(self.tandemOutbox.flush());
});

// A click on a system notification opens its record in a Tandem window.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/alerts", self.location.origin).href;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const w of windows) {
        if (new URL(w.url).origin !== self.location.origin) continue;
        await w.focus();
        if (w.url !== target && "navigate" in w) await w.navigate(target).catch(() => {});
        return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});
