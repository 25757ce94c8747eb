// The phone's outbox: a follow-up logged or a task ticked off is kept on the device
// (IndexedDB) under an id made here (a UUIDv7) and sent from there, at once when there is
// signal, else when it returns (the `online` event, the next start, Background Sync where
// the browser has it). The server takes each id once (a retry or a second tab never makes
// two follow-ups), and a write it refuses stays on the device with the reason until the
// rep has read it. Loaded by the pages (public/pwa.js's neighbour) and by the service
// worker (importScripts), which sends on Background Sync.
(() => {
  const DB = "tandem-outbox";
  const STORE = "writes";
  const META = "meta";
  const CHANNEL = "tandem-outbox";
  const scope = typeof window === "undefined" ? self : window;

  function uuidv7() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    const ms = Date.now();
    for (let i = 0; i < 6; i++) b[i] = Math.floor(ms / 2 ** (8 * (5 - i))) % 256;
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function open() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore(STORE, { keyPath: "id" });
        req.result.createObjectStore(META);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  async function withStore(mode, work, store = STORE) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const req = work(tx.objectStore(store));
      tx.oncomplete = () => {
        db.close();
        resolve(req ? req.result : undefined);
      };
      tx.onerror = () => reject(tx.error);
    });
  }

  // Oldest first: a UUIDv7 starts with the time it was made.
  const all = () => withStore("readonly", (s) => s.getAll());
  const put = (item) => withStore("readwrite", (s) => s.put(item));
  const remove = (id) => withStore("readwrite", (s) => s.delete(id));
  // Who is signed in on this device (a page says, on every load and at sign-out): only
  // their writes are sent, so a phone shared by two reps never sends one's as the other's.
  const setUser = (user) => withStore("readwrite", (s) => s.put(user, "user"), META);
  const signedIn = () => withStore("readonly", (s) => s.get("user"), META);

  function announce(sent) {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage({ sent });
    channel.close();
  }

  // A write is queued with what it is for the rep to recognise (`label`), the server
  // function's address and its form, and whose it is (`user`). A `keyed` function takes its id and when it was
  // written (the quick log: logged once per id, as of then); the others are safe to send
  // twice as they are (ticking off a task that is done already is done).
  async function add(kind, action, form, label, keyed, user) {
    const id = uuidv7();
    const writtenAt = Date.now();
    if (keyed) {
      form.set("client_id", id);
      form.set("written_at", String(writtenAt));
    }
    await setUser(user);
    await put({ id, kind, action, body: form.toString(), label, writtenAt, user, state: "waiting" });
    announce(0);
    if (navigator.onLine) {
      await flush();
    } else if ("serviceWorker" in navigator) {
      // Background Sync sends it when the signal returns, even with Tandem closed.
      navigator.serviceWorker.ready.then((r) => r.sync && r.sync.register(CHANNEL)).catch(() => {});
    }
  }

  // Sends what waits, oldest first, one sender at a time across tabs and the worker.
  async function flush() {
    const send = async () => {
      let sent = 0;
      const user = await signedIn();
      for (const item of await all()) {
        if (item.state !== "waiting" || item.user !== user) continue;
        let res;
        try {
          res = await fetch(item.action, {
            method: "POST",
            credentials: "same-origin",
            headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
            body: item.body,
          });
        } catch (offline) {
          break;
        }
        if (res.ok) {
          await remove(item.id);
          sent += 1;
        } else if (res.status === 401 || res.status === 429 || res.status >= 500) {
          // Not the write's fault: it waits (for a sign-in, or a moment), in order.
          await put({ ...item, held: res.status === 401 ? "signed_out" : "server" });
          break;
        } else {
          const why = await res.json().catch(() => ({ kind: "refused" }));
          await put({ ...item, state: "refused", why, status: res.status });
        }
      }
      announce(sent);
    };
    if (navigator.locks) return navigator.locks.request(CHANNEL, send);
    return send();
  }

  scope.tandemOutbox = { add, all, flush, remove, setUser, uuidv7, CHANNEL };
})();
