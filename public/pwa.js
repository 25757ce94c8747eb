// Tandem on the device, before and beside the WebAssembly: registers the service worker
// (server/src/service_worker.js), says when a new version has taken over, says how old a
// page read without signal is, keeps links working without signal, lists the kept pages
// on the offline page, and shows alerts as system notifications through the worker.
(() => {
  const zh = (document.documentElement.lang || "").startsWith("zh");
  // Who is signed in, as the page's header says (none on the sign-in and public pages).
  const me = () => document.querySelector("header[data-user]")?.dataset.user || null;
  const t = (en, cn) => (zh ? cn : en);

  // The corner where the notices and the outbox stand, above the tab bar on a phone; the
  // page gets as much room below its end, so nothing stays hidden under it.
  function dock() {
    let d = document.getElementById("pwa-dock");
    if (!d) {
      d = document.createElement("div");
      d.id = "pwa-dock";
      d.className = "pwa-dock";
      document.body.append(d);
      if ("ResizeObserver" in window) {
        new ResizeObserver(() => {
          const phone = window.matchMedia("(max-width: 899px)").matches;
          document.body.style.paddingBottom = phone && d.offsetHeight ? `${d.offsetHeight + 16}px` : "";
        }).observe(d);
      }
    }
    return d;
  }

  function button(label, run) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", run);
    return b;
  }

  function notice(text, action, kind) {
    const box = document.createElement("div");
    box.className = `pwa-notice ${kind}`;
    box.setAttribute("role", "status");
    box.dataset.testid = kind;
    const words = document.createElement("span");
    words.textContent = text;
    box.append(words);
    if (action) box.append(button(action.label, action.run));
    dock().prepend(box);
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
  // so it never runs the old WebAssembly against the new server. Registered once the page
  // has hydrated (<body data-hydrated>): the code it keeps for offline use is then in the
  // browser's cache, not fetched a second time beside the page's own download, and its
  // install does not run beside hydration. A page whose code never starts still gets it
  // ten seconds after loading.
  if ("serviceWorker" in navigator) {
    const updating = Boolean(navigator.serviceWorker.controller);
    let registered = false;
    const register = () => {
      if (registered) return;
      registered = true;
      navigator.serviceWorker
        .register("/sw.js")
        .then(() => navigator.serviceWorker.ready)
        .then((r) => {
          // Loaded while the worker activated, and missed by its claim: ask for it.
          if (!navigator.serviceWorker.controller && r.active) r.active.postMessage("claim");
        })
        .catch(() => {});
    };
    const hydrated = () => document.body.hasAttribute("data-hydrated");
    if (hydrated()) register();
    else {
      const watch = new MutationObserver(() => {
        if (!hydrated()) return;
        watch.disconnect();
        register();
      });
      watch.observe(document.body, { attributes: true, attributeFilter: ["data-hydrated"] });
      window.addEventListener("load", () => setTimeout(register, 10000), { once: true });
    }
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
    if (window.tandemOutbox && me()) {
      tandemOutbox.setUser(me()).then(() => {
        showOutbox();
        if (navigator.onLine) tandemOutbox.flush();
      });
    }
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

  // Forms marked `data-queue` (the quick log, a task's done button) go through the outbox
  // (public/outbox.js), with or without signal.
  document.addEventListener(
    "submit",
    async (event) => {
      const form = event.target;
      if (form instanceof HTMLFormElement && form.getAttribute("action") === "/auth/logout" && window.tandemOutbox) {
        tandemOutbox.setUser(null);
        return;
      }
      if (!(form instanceof HTMLFormElement) || !form.dataset.queue || !window.tandemOutbox || !me()) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const body = new URLSearchParams(new FormData(form));
      if (event.submitter && event.submitter.name) body.set(event.submitter.name, event.submitter.value);
      const label = queuedLabel(form);
      form.closest("details")?.removeAttribute("open");
      form.reset();
      const keyed = form.hasAttribute("data-queue-keyed");
      await tandemOutbox.add(form.dataset.queue, form.getAttribute("action"), body, label, keyed, me());
    },
    true,
  );

  // What the rep sees of a queued write: the follow-up's kind (the label the form shows)
  // and customer, or the task.
  function queuedLabel(form) {
    const kind = form.querySelector("input[name=kind]:checked");
    const said = kind && form.querySelector(`label[for="${kind.id}"]`);
    const what = said ? said.textContent : t("Done", "完成");
    return `${what} · ${form.dataset.queueLabel || ""}`;
  }

  const REFUSALS = {
    customer_reassigned: [
      "Not logged: the customer was handed to another rep while this waited. Tell the new owner or your manager what happened.",
      "未记录：等待发送期间该客户已转给其他销售。请把情况告诉新负责人或经理。",
    ],
    customer_in_pool: [
      "Not logged: the customer went back to the public pool while this waited. Claim it again, then log it.",
      "未记录：等待发送期间该客户已退回公海。请重新领取后再记录。",
    ],
    customer_removed: ["Not logged: the customer was deleted while this waited.", "未记录：等待发送期间该客户已被删除。"],
    not_found: ["Not saved: it is gone, or no longer yours to see.", "未保存：记录已不存在，或您已无权查看。"],
    conflict: ["Not saved: someone changed it meanwhile. Open it and do it again.", "未保存：期间已被他人修改。请打开后重新操作。"],
    forbidden: ["Not saved: your role cannot do this.", "未保存：您的角色无权执行此操作。"],
  };

  function refusal(item) {
    const why = item.why || {};
    const key = why.kind === "no_longer_yours" ? why.detail : why.kind;
    if (REFUSALS[key]) return t(...REFUSALS[key]);
    if (why.kind === "validation" && why.detail) {
      const fields = Object.entries(why.detail).map(([f, m]) => `${f}: ${m}`).join("; ");
      return `${t("Not saved", "未保存")}: ${fields}`;
    }
    return t("Not saved: the server refused it.", "未保存：服务器拒绝了此操作。");
  }

  // What waits to be sent and what was refused, on every page, until the rep has read it.
  async function showOutbox() {
    if (!window.tandemOutbox) return;
    const items = (await tandemOutbox.all().catch(() => [])).filter((i) => i.user === me());
    let panel = document.getElementById("outbox");
    if (!items.length) {
      panel?.remove();
      return;
    }
    // One line until opened; open by itself when something was refused.
    if (!panel) {
      panel = document.createElement("details");
      panel.id = "outbox";
      panel.className = "outbox";
      panel.dataset.testid = "outbox";
      panel.setAttribute("aria-live", "polite");
      dock().append(panel);
    }
    const waiting = items.filter((i) => i.state === "waiting").length;
    const refused = items.length - waiting;
    const head = document.createElement("summary");
    head.className = "outbox-head";
    head.textContent = [
      waiting ? t(`${waiting} waiting to send — sent when the signal returns`, `${waiting} 条待发送，有网络时自动发送`) : "",
      refused ? t(`${refused} not sent`, `${refused} 条未发送`) : "",
    ].filter(Boolean).join(" · ");
    if (refused) panel.open = true;
    const list = document.createElement("ul");
    for (const item of items) {
      const row = document.createElement("li");
      row.dataset.state = item.state;
      row.dataset.testid = "outbox-item";
      const what = document.createElement("span");
      what.className = "what";
      what.textContent = item.label;
      const state = document.createElement("span");
      state.className = "state";
      state.textContent =
        item.state === "refused"
          ? refusal(item)
          : item.held === "signed_out"
            ? t("Waiting: sign in again to send it", "等待中：请重新登录后发送")
            : t("Waiting to send", "等待发送");
      row.append(what, state);
      if (item.state === "refused") {
        row.append(button(t("Dismiss", "知道了"), () => tandemOutbox.remove(item.id).then(showOutbox)));
      }
      list.append(row);
    }
    panel.replaceChildren(head, list);
  }

  // Any tab or the worker changed the outbox: show it; if something was sent, the page
  // reads its data again (the app listens for `tandem:sent`).
  if ("BroadcastChannel" in window && window.tandemOutbox) {
    new BroadcastChannel(tandemOutbox.CHANNEL).addEventListener("message", (event) => {
      showOutbox();
      if (event.data && event.data.sent > 0) window.dispatchEvent(new Event("tandem:sent"));
    });
  }
  window.addEventListener("online", () => window.tandemOutbox && tandemOutbox.flush());

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
