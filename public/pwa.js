// Tandem on the device, before and beside the WebAssembly: registers the service worker
// (server/src/service_worker.js), says when a new version has taken over, says how old a
// page read without signal is, keeps links working without signal, lists the kept pages
// on the offline page, and shows alerts as system notifications through the worker.
(() => {
  const zh = (document.documentElement.lang || "").startsWith("zh");
  const t = (en, cn) => (zh ? cn : en);

  function notice(text, action, kind) {
    const box = document.createElement("div");
    box.className = `pwa-notice ${kind}`;
    box.setAttribute("role", "status");
    box.dataset.testid = kind;
    const words = document.createElement("span");
    words.textContent = text;
    box.append(words);
    if (action) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = action.label;
      button.addEventListener("click", action.run);
      box.append(button);
    }
    document.body.append(box);
  }

  function age(then) {
    const minutes = Math.max(0, Math.round((Date.now() - then.getTime()) / 60000));
    if (minutes < 1) return t("just now", "刚刚");
    if (minutes < 60) return t(`${minutes} min ago`, `${minutes} 分钟前`);
    const hours = Math.round(minutes / 60);
    if (hours < 48) return t(`${hours} h ago`, `${hours} 小时前`);
    return t(`${Math.round(hours / 24)} days ago`, `${Math.round(hours / 24)} 天前`);
  }

  function clock(then) {
    return then.toLocaleString(zh ? "zh-CN" : "en-GB", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  }

  // The worker: a new build's takes over at once; a page opened before it asks to reload,
  // so it never runs the old WebAssembly against the new server.
  if ("serviceWorker" in navigator) {
    const updating = Boolean(navigator.serviceWorker.controller);
    navigator.serviceWorker.register("/sw.js").catch(() => {});
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (!updating || document.querySelector(".pwa-notice.updated")) return;
      notice(t("Tandem has been updated.", "Tandem 已更新。"), { label: t("Reload", "重新加载"), run: () => location.reload() }, "updated");
    });
  }

  const kept = document.documentElement.dataset.keptAt;
  document.addEventListener("DOMContentLoaded", () => {
    if (kept) {
      const then = new Date(kept);
      notice(
        t(`No signal: this is the copy from ${clock(then)} (${age(then)}).`, `没有网络：这是 ${clock(then)}（${age(then)}）保存的内容。`),
        { label: t("Try again", "重试"), run: () => location.reload() },
        "kept-copy",
      );
    }
    listKeptPages();
  });

  // Without signal a link loads the whole page, which the worker answers from what it
  // kept (the app's own navigation would ask the server for data and fail).
  document.addEventListener(
    "click",
    (event) => {
      if (navigator.onLine || event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
      if (!link || link.origin !== location.origin || link.target || link.hasAttribute("download")) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      location.assign(link.href);
    },
    true,
  );

  // The offline page: the pages kept on this device, newest first, with their age.
  async function listKeptPages() {
    const list = document.getElementById("kept-pages");
    if (!list || !("caches" in window)) return;
    const names = (await caches.keys()).filter((n) => n.startsWith("tandem-pages-"));
    const rows = [];
    for (const name of names) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const html = await (await cache.match(request)).text();
        const title = (/<title>([^<]*)<\/title>/.exec(html) || [])[1] || new URL(request.url).pathname;
        const at = (/data-kept-at="([^"]+)"/.exec(html) || [])[1];
        rows.push({ url: new URL(request.url).pathname, title, at: at ? new Date(at) : null });
      }
    }
    rows.sort((a, b) => (b.at ? b.at.getTime() : 0) - (a.at ? a.at.getTime() : 0));
    for (const row of rows) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = row.url;
      const parser = document.createElement("textarea");
      parser.innerHTML = row.title;
      link.textContent = parser.value;
      item.append(link);
      if (row.at) item.append(` · ${age(row.at)}`);
      list.append(item);
    }
    document.getElementById("nothing-kept").hidden = rows.length > 0;
  }

  // Alerts as system notifications, from the worker (Chrome on Android refuses
  // `new Notification`): one per alert across tabs (its tag), a click opens the record.
  window.tandemNotify = async (json) => {
    if (!("serviceWorker" in navigator) || Notification.permission !== "granted") return;
    const alert = JSON.parse(json);
    const registration = await navigator.serviceWorker.ready;
    await registration.showNotification(alert.title, {
      body: alert.body,
      tag: `tandem-alert-${alert.id}`,
      vibrate: [200, 100, 200],
      icon: "/icons/icon-192.png",
      data: { url: alert.url },
    });
  };
})();
