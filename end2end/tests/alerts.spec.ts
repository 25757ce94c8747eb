import { expect, test } from "./fixtures";
import { api, hydrated, signIn } from "./helpers";

// A manager assigns a lead; the rep's Today page, open on a phone, shows the toast within
// two seconds; reading alerts on a second device of the same rep clears the first's badge.
test("a lead assigned by the manager reaches the rep live, and reads sync across devices", async ({ browser, baseURL }, info) => {
  test.skip(info.project.name !== "phone", "the rep is on a phone");
  const rep = "rep7@demo.tandem";
  const phone = await browser.newContext({ ...info.project.use, baseURL });
  const other = await browser.newContext({ ...info.project.use, baseURL });
  const a = await phone.newPage();
  const b = await other.newPage();
  await signIn(a, rep);
  await a.goto("/today");
  await hydrated(a);
  await signIn(b, rep);
  await b.goto("/alerts");
  await hydrated(b);
  await expect(a.getByTestId("alert-bell")).toHaveAttribute("data-live", "on");
  await expect(b.getByTestId("alert-bell")).toHaveAttribute("data-live", "on");
  // Start from a clean slate: nothing unread on either device.
  await b.getByTestId("read-all").click();
  await expect(a.getByTestId("unread-count")).toHaveCount(0);

  const manager = await api(baseURL!, "manager2@demo.tandem");
  const company = `实时提醒测试 ${Date.now()}`;
  const created = await manager.post("/api/v1/leads", { data: { name: "赵敏", company, source: "event" } });
  expect(created.status()).toBe(201);
  const lead = await created.json();
  const users = await (await manager.get("/api/v1/users")).json();
  const repId = users.find((u: { email: string }) => u.email === rep).id;
  const assigned = await manager.post(`/api/v1/leads/${lead.id}/assign`, { data: { owner_id: repId } });
  expect(assigned.status()).toBe(200);

  const toast = a.getByTestId("toasts").getByText(company);
  await expect(toast).toBeVisible({ timeout: 2_000 });
  await expect(a.getByTestId("unread-count")).toHaveText("1");
  await expect(b.getByTestId("unread-count")).toHaveText("1");
  await expect(b.getByTestId("alert-list")).toContainText(company);

  // Read on the second device; the phone's badge and toast clear within a second.
  await b.getByTestId("read-all").click();
  await expect(a.getByTestId("unread-count")).toHaveCount(0, { timeout: 1_500 });
  await expect(toast).toHaveCount(0);
  await phone.close();
  await other.close();
});

// Alerts stored while the rep's phone was away are old news: the badge counts them, but
// only an alert that arrives while the page is open raises a toast (a new device replaying
// stored alerts used to lay three toasts over Today), and a phone shows one toast at a time.
test("alerts stored before the page opened count in the badge and raise no toast", async ({ browser, baseURL }, info) => {
  test.skip(info.project.name !== "phone", "the rep is on a phone");
  const rep = "rep8@demo.tandem";
  const manager = await api(baseURL!, "manager2@demo.tandem");
  const users = await (await manager.get("/api/v1/users")).json();
  const repId = users.find((u: { email: string }) => u.email === rep).id;
  const assign = async (company: string) => {
    const made = await manager.post("/api/v1/leads", { data: { name: "钱进", company, source: "event" } });
    expect(made.status()).toBe(201);
    const lead = await made.json();
    const assigned = await manager.post(`/api/v1/leads/${lead.id}/assign`, { data: { owner_id: repId } });
    expect(assigned.status()).toBe(200);
  };
  const stamp = Date.now();
  const before = `离线时分来的线索 ${stamp}`;
  const live = `在线时分来的线索 ${stamp}`;
  await assign(before);

  const phone = await browser.newContext({ ...info.project.use, baseURL });
  const page = await phone.newPage();
  await signIn(page, rep);
  await page.goto("/today");
  await hydrated(page);
  await expect(page.getByTestId("alert-bell")).toHaveAttribute("data-live", "on");
  await expect(page.getByTestId("unread-count")).toBeVisible();

  // The socket sends in order: the replay came before this live alert.
  await assign(live);
  const toasts = page.getByTestId("toasts");
  await expect(toasts.getByText(live)).toBeVisible({ timeout: 2_000 });
  await expect(toasts.getByText(before)).toHaveCount(0);

  // Two more arrive while the first is still up: a phone shows one toast, the newest, and
  // counts the others instead of stacking three over the page.
  const second = `又来一条线索 ${stamp}`;
  const third = `第三条线索 ${stamp}`;
  await assign(second);
  await assign(third);
  await expect(toasts.getByText(third)).toBeVisible({ timeout: 2_000 });
  await expect(toasts.getByText(live)).toBeHidden();
  await expect(toasts.getByText(second)).toBeHidden();
  await expect(page.getByTestId("toasts-more")).toHaveText(/2 more new alerts|还有 2 条新提醒/);
  await expect(page.locator(".toast:visible")).toHaveCount(1);
  await phone.close();
});
