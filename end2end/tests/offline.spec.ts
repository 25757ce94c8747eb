import { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { api, hydrated, signIn } from "./helpers";

/** Waits until the service worker controls the page; says where it stood if it does not. */
async function controlled(page: Page) {
  try {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  } catch (e) {
    const state = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return {
        hydrated: document.body.dataset.hydrated ?? null,
        registration: r && { installing: r.installing?.state, waiting: r.waiting?.state, active: r.active?.state },
      };
    });
    throw new Error(`the service worker did not take control in 15 s: ${JSON.stringify(state)}; ${e}`);
  }
}

/** Waits until the service worker controls the page and has kept `path` for offline reading.
 * Polled from here: `waitForFunction` takes a predicate's promise as a truthy answer at once. */
async function kept(page: Page, path: string) {
  await controlled(page);
  await expect
    .poll(
      () =>
        page.evaluate(async (p) => {
          for (const name of await caches.keys()) {
            if (name.startsWith("tandem-pages-") && (await (await caches.open(name)).match(p))) return true;
          }
          return false;
        }, path),
      { timeout: 15_000 },
    )
    .toBe(true);
}

test("Tandem installs as an app: manifest, icons and a service worker Chrome accepts", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "the rep installs it on a phone");
  await signIn(page, "rep1@demo.tandem");
  await page.goto("/today");
  await hydrated(page);
  const manifest = await (await page.request.get("/manifest.webmanifest")).json();
  expect(manifest.start_url).toBe("/today");
  expect(manifest.display).toBe("standalone");
  const sizes = manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`);
  expect(sizes).toEqual(expect.arrayContaining(["192x192 any", "512x512 any", "512x512 maskable"]));
  await controlled(page);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(new URL(scope).pathname).toBe("/");
  // Chrome's own verdict on installability (the manifest's fields, icons, worker); a
  // test's browser context is a private window, which Chrome never installs from.
  const cdp = await page.context().newCDPSession(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  expect(installabilityErrors.map((e) => e.errorId).filter((id) => id !== "in-incognito")).toEqual([]);
});

test("the worker registers once the page has hydrated, not beside it", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "the rep installs it on a phone");
  // When the page marked itself hydrated and when it asked for the worker, on the page's
  // own clock, recorded as it happens.
  await page.addInitScript(() => {
    const w = window as unknown as { hydratedAt?: number; registeredAt?: number };
    const register = ServiceWorkerContainer.prototype.register;
    ServiceWorkerContainer.prototype.register = function (...args) {
      w.registeredAt ??= performance.now();
      return register.apply(this, args);
    };
    // Watching from before any of the page's scripts runs, so this hears of it first.
    new MutationObserver(() => {
      if (document.body?.hasAttribute("data-hydrated")) w.hydratedAt ??= performance.now();
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-hydrated"] });
  });
  await signIn(page, "rep1@demo.tandem");
  await page.goto("/today");
  await hydrated(page);
  await page.waitForFunction(() => (window as unknown as { registeredAt?: number }).registeredAt !== undefined);
  const { hydratedAt, registeredAt } = await page.evaluate(() => {
    const w = window as unknown as { hydratedAt: number; registeredAt: number };
    return { hydratedAt: w.hydratedAt, registeredAt: w.registeredAt };
  });
  expect(hydratedAt).toBeGreaterThan(0);
  expect(registeredAt).toBeGreaterThanOrEqual(hydratedAt);
});

test("a page loaded past the worker asks for it and is kept", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "the rep installs it on a phone");
  // Whether each page started under the worker, seen before any of its scripts runs.
  await page.addInitScript(() => {
    (window as unknown as { startedControlled?: boolean }).startedControlled = navigator.serviceWorker.controller !== null;
  });
  await signIn(page, "rep1@demo.tandem");
  await page.goto("/today");
  await hydrated(page);
  await controlled(page);
  await page.evaluate(async () => {
    for (const name of await caches.keys()) if (name.startsWith("tandem-pages-")) await caches.delete(name);
  });
  // A hard reload loads the page without the worker, as a page navigated to while the
  // worker activated can be: unclaimed, it would stay so, and unkept, until reloaded.
  const cdp = await page.context().newCDPSession(page);
  await Promise.all([page.waitForEvent("load"), cdp.send("Page.reload", { ignoreCache: true })]);
  expect(await page.evaluate(() => (window as unknown as { startedControlled?: boolean }).startedControlled)).toBe(false);
  await hydrated(page);
  await kept(page, "/today");
});

test("without signal the rep reads Today as last seen, and a page not kept says so", async ({ page, context }, info) => {
  test.skip(info.project.name !== "phone", "the rep is on a phone");
  await signIn(page, "rep1@demo.tandem");
  await page.goto("/today");
  await hydrated(page);
  const firstRow = await page.locator("li.row .title").first().innerText();
  await kept(page, "/today");

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId("kept-copy")).toContainText("No signal: this is the copy from");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Today");
  await expect(page.locator("li.row .title").first()).toHaveText(firstRow);
  // The app's files came from the device too: the page still hydrates.
  await hydrated(page);

  // A page never opened here: the offline page, listing what is kept.
  await page.goto("/pipeline");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("No signal");
  const list = page.getByTestId("kept-pages");
  await expect(list.getByRole("link", { name: /Today/ })).toHaveAttribute("href", "/today");
  await list.getByRole("link", { name: /Today/ }).click();
  await expect(page.getByTestId("kept-copy")).toBeVisible();

  await context.setOffline(false);
  await page.getByTestId("kept-copy").getByRole("button", { name: "Try again" }).click();
  await expect(page.getByTestId("kept-copy")).toHaveCount(0);
  await hydrated(page);
});

test("a live alert is shown as a system notification through the service worker", async ({ page, context, baseURL }, info) => {
  test.skip(info.project.name !== "phone", "the rep is on a phone");
  const rep = "rep6@demo.tandem";
  await context.grantPermissions(["notifications"]);
  await signIn(page, rep);
  await page.goto("/today");
  await hydrated(page);
  await controlled(page);
  await expect(page.getByTestId("alert-bell")).toHaveAttribute("data-live", "on");

  const manager = await api(baseURL!, "manager2@demo.tandem");
  const company = `系统通知测试 ${Date.now()}`;
  const made = await manager.post("/api/v1/leads", { data: { name: "孙立", company, source: "event" } });
  expect(made.status()).toBe(201);
  const lead = await made.json();
  const users = await (await manager.get("/api/v1/users")).json();
  const repId = users.find((u: { email: string }) => u.email === rep).id;
  expect((await manager.post(`/api/v1/leads/${lead.id}/assign`, { data: { owner_id: repId } })).status()).toBe(200);

  await expect(page.getByTestId("toasts").getByText(company)).toBeVisible();
  // The notification is shown just after the toast, from the service worker (polled from
  // here, as in `kept`).
  const notifications = () =>
    page.evaluate(async (c) => {
      const all = await (await navigator.serviceWorker.ready).getNotifications();
      return all
        .filter((n) => `${n.title} ${n.body}`.includes(c))
        .map((n) => ({ tag: n.tag, url: n.data?.url as string | undefined }));
    }, company);
  await expect.poll(async () => (await notifications()).length, { timeout: 5_000 }).toBe(1);
  const notes = await notifications();
  expect(notes).toHaveLength(1);
  expect(notes![0].tag).toMatch(/^tandem-alert-\d+$/);
  expect(notes![0].url).toMatch(/^\//);
});

test("without signal a rep logs follow-ups and ticks off a task; they are sent once when it returns", async ({ page, context, baseURL }, info) => {
  test.skip(info.project.name !== "phone", "the rep is on a phone");
  test.setTimeout(60_000);
  const email = "rep8@demo.tandem";
  const rep = await api(baseURL!, email);
  const admin = await api(baseURL!, "admin@demo.tandem");
  const users = await (await admin.get("/api/v1/users")).json();
  const other = users.find((u: { email: string }) => u.email === "rep7@demo.tandem").id;
  const title = `Bring the signed quote ${Date.now()}`;
  const made = await rep.post("/api/v1/tasks", { data: { title, due_at: new Date(Date.now() + 86400_000).toISOString() } });
  expect(made.status()).toBe(201);
  const task = await made.json();
  const started = Date.now();

  // Online: the rep opens Today and the tasks page, which the phone keeps.
  await signIn(page, email);
  await page.goto("/tasks");
  await hydrated(page);
  await page.goto("/today");
  await hydrated(page);
  await kept(page, "/today");
  await kept(page, "/tasks");
  const rows = page.locator("section", { has: page.getByRole("heading", { name: /Follow-ups due/ }) }).locator("li.row");
  const customers = await rows.evaluateAll((lis) => lis.slice(0, 3).map((li) => Number(li.getAttribute("data-customer"))));
  expect(customers).toHaveLength(3);

  // In the car park: two follow-ups and a third for a customer the manager hands to
  // another rep meanwhile, then the task.
  await context.setOffline(true);
  for (const id of customers) {
    const row = page.locator(`li.row[data-customer='${id}']`);
    await row.getByLabel(/^Log follow-up with/).click();
    await row.locator("label", { hasText: "Visit" }).click();
    await row.getByRole("button", { name: "Tomorrow" }).click();
  }
  const outbox = page.getByTestId("outbox");
  await expect(outbox).toContainText("3 waiting to send");
  await outbox.getByText("3 waiting to send").click();
  await expect(outbox.getByTestId("outbox-item").first()).toContainText("Visit ·");
  const handed = await admin.post(`/api/v1/customers/${customers[2]}/assign`, { data: { owner_id: other } });
  expect(handed.status()).toBe(200);
  await page.getByRole("link", { name: "Tasks" }).click();
  await expect(page.getByTestId("kept-copy")).toBeVisible();
  await hydrated(page);
  await page.getByRole("button", { name: `Mark done: ${title}` }).click();
  await expect(page.getByTestId("outbox")).toContainText("4 waiting to send");

  // Still no signal after a reload: the queue is on the device.
  await page.reload();
  await expect(page.getByTestId("outbox")).toContainText("4 waiting to send");
  // A second tab is open when the signal returns; both try to send.
  const second = await context.newPage();
  await second.goto("/today");
  await expect(second.getByTestId("outbox")).toContainText("4 waiting to send");
  await context.setOffline(false);

  // Sent once: the refused one stays, with why and what to do.
  const refused = page.getByTestId("outbox-item");
  await expect(refused).toHaveCount(1, { timeout: 10_000 });
  await expect(refused).toContainText("handed to another rep");
  await expect(second.getByTestId("outbox-item")).toHaveCount(1);
  for (const id of customers) {
    const listed = await (await rep.get(`/api/v1/activities?customer_id=${id}&limit=20`)).json();
    const visits = (listed.items ?? []).filter((a: { kind: string; created_at: string }) => a.kind === "visit" && Date.parse(a.created_at) >= started);
    expect(visits).toHaveLength(id === customers[2] ? 0 : 1);
  }
  const ticked = await (await rep.get(`/api/v1/tasks/${task.id}`)).json();
  expect(ticked.done_at).not.toBeNull();
  await refused.getByRole("button", { name: "Dismiss" }).click();
  await expect(page.getByTestId("outbox")).toHaveCount(0);
  await second.close();
});

test("a phone passed to another rep never sends the first rep's waiting follow-up as theirs", async ({ page, baseURL }, info) => {
  test.skip(info.project.name !== "phone", "a phone shared in the field");
  test.setTimeout(60_000);
  const first = "rep6@demo.tandem";
  const second = "rep3@demo.tandem";
  const owner = await api(baseURL!, first);
  const made = await owner.post("/api/v1/customers", { data: { name: `共用手机客户 ${Date.now()}` } });
  expect(made.status()).toBe(201);
  const customer = await made.json();
  const visits = async () => {
    const listed = await (await owner.get(`/api/v1/activities?customer_id=${customer.id}&limit=20`)).json();
    return (listed.items ?? []).filter((a: { kind: string }) => a.kind === "visit");
  };

  // The first rep logs a visit while the server cannot take it: it waits on the phone.
  await signIn(page, first);
  await page.route("**/sfn/log_follow_up", (r) => r.fulfill({ status: 503, body: "" }));
  await page.goto(`/customers/${customer.id}`);
  await hydrated(page);
  await page.getByLabel(/^Log follow-up with/).click();
  await page.locator(".quick-log label", { hasText: "Visit" }).click();
  await page.getByRole("button", { name: "Tomorrow" }).click();
  await expect(page.getByTestId("outbox")).toContainText("1 waiting to send");

  // The phone changes hands; the server answers again.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.unroute("**/sfn/log_follow_up");
  await signIn(page, second);
  await page.goto("/today");
  await hydrated(page);
  // The second rep neither sees the first one's write nor sends it as theirs.
  await expect(page.getByTestId("outbox")).toHaveCount(0);
  await page.reload();
  await hydrated(page);
  expect(await visits()).toHaveLength(0);

  // Back in the first rep's hands, it goes out as theirs.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await signIn(page, first);
  await hydrated(page);
  await expect(async () => expect(await visits()).toHaveLength(1)).toPass({ timeout: 10_000 });
  const me = await (await owner.get("/api/v1/me")).json();
  expect((await visits())[0].user_id).toBe(me.id);
  await expect(page.getByTestId("outbox")).toHaveCount(0);
});
