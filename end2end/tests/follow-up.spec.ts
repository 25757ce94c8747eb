import { expect, test } from "./fixtures";
import { api, hydrated, signIn } from "./helpers";

test("a rep logs a visit on a due follow-up in three taps and the row leaves Today", async ({ page, baseURL }, info) => {
  // Each project signs in as its own rep so the two runs never race for one row.
  const email = info.project.name === "phone" ? "rep5@demo.tandem" : "rep2@demo.tandem";
  await signIn(page, email);
  await hydrated(page);
  const followUps = page.locator("section", { has: page.getByRole("heading", { name: /Follow-ups due/ }) });
  const row = followUps.locator("li.row").first();
  const customerId = await row.getAttribute("data-customer");
  const name = (await row.locator(".title").innerText()).replace(/[ABC]$/, "").trim();

  await row.getByLabel(/^Log follow-up with/).click(); // 1
  await row.locator("label", { hasText: "Visit" }).click(); // 2
  await row.getByRole("button", { name: "In 3 days" }).click(); // 3

  await expect(followUps.locator(`li.row[data-customer='${customerId}']`)).toHaveCount(0);

  // The visit is on the customer's record, and the next follow-up is set.
  const rep = await api(baseURL!, email);
  const activities = await (await rep.get(`/api/v1/activities?customer_id=${customerId}&limit=1`)).json();
  expect(activities.items[0].kind).toBe("visit");
  const customer = await (await rep.get(`/api/v1/customers/${customerId}`)).json();
  expect(customer.name).toBe(name);
  expect(new Date(customer.next_follow_up_at).getTime()).toBeGreaterThan(Date.now() + 2 * 86400_000);
});

test("a rep claims a customer from the public pool", async ({ page }, info) => {
  await signIn(page, info.project.name === "phone" ? "rep6@demo.tandem" : "rep1@demo.tandem");
  await page.goto("/customers?pool=1");
  await expect(page.getByRole("heading", { level: 1, name: "Public pool" })).toBeVisible();
  // Phone and desktop run side by side: each takes a different pool customer.
  const first = page.getByTestId("customer-list").locator("li a.main").nth(info.project.name === "phone" ? 0 : 1);
  await first.click();
  await expect(page).toHaveURL(/\/customers\/\d+$/);
  await hydrated(page);
  await page.getByRole("button", { name: "Claim this customer" }).click();
  await expect(page.getByTestId("reclaim")).toContainText("Returns to the public pool in 30 days");
  await expect(page.getByRole("button", { name: "Claim this customer" })).toHaveCount(0);
});
