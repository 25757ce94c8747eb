import { expect, test } from "./fixtures";
import { api, hydrated, signIn } from "./helpers";

test("a rep edits a customer's level and tags; a stale edit is refused, not lost", async ({ page, baseURL }, info) => {
  const email = info.project.name === "phone" ? "rep5@demo.tandem" : "rep6@demo.tandem";
  const rep = await api(baseURL!, email);
  const me = await (await rep.get("/api/v1/me")).json();
  const list = await (await rep.get(`/api/v1/customers?owner_id=${me.id}&limit=5`)).json();
  const customer = list.items[list.items.length - 1];

  await signIn(page, email);
  await page.goto(`/customers/${customer.id}`);
  await hydrated(page);
  await page.getByText("Edit", { exact: true }).click();
  await page.getByLabel("Level").selectOption("A");
  await page.getByLabel("Tags (comma-separated)").fill("重点, 华东");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("tags")).toHaveText("重点 · 华东");
  // A second edit from the same page carries the new version and succeeds.
  const form = page.locator("details.edit-customer");
  if (!(await form.evaluate((d) => (d as HTMLDetailsElement).open))) await form.locator("summary").click();
  await page.getByLabel("Tags (comma-separated)").fill("重点, 华东, 制造");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByTestId("tags")).toHaveText("重点 · 华东 · 制造");

  // Someone changes it behind the page's back; saving the old version is refused.
  const current = await (await rep.get(`/api/v1/customers/${customer.id}`)).json();
  const r = await rep.patch(`/api/v1/customers/${customer.id}`, { data: { version: current.version, tags: ["别人改的"] } });
  expect(r.status()).toBe(200);
  // Open the form again (it may still be open from the last save).
  if (!(await form.evaluate((d) => (d as HTMLDetailsElement).open))) await form.locator("summary").click();
  await page.getByLabel("Tags (comma-separated)").fill("我的修改");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Someone else changed this record")).toBeVisible();
  const after = await (await rep.get(`/api/v1/customers/${customer.id}`)).json();
  expect(after.tags).toEqual(["别人改的"]);
});
