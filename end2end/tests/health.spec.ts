import { expect, test } from "./fixtures";
import { api, hydrated, signIn } from "./helpers";

test("a rep sorts customers by health and sees in words what lowers the weakest one", async ({ page, baseURL }) => {
  const rep = await api(baseURL!, "rep1@demo.tandem");
  const weakest = (await (await rep.get("/api/v1/customers?sort=health&limit=1")).json()).items[0];
  expect(weakest.health_score).not.toBeNull();
  expect(weakest.health_factors.length).toBeGreaterThan(0);
  await signIn(page, "rep1@demo.tandem");
  await page.goto("/customers?sort=health");
  await hydrated(page);
  const first = page.locator("ul.rows li.row").first();
  await expect(first).toContainText(weakest.name);
  await first.locator("a.main").click();
  await expect(page).toHaveURL(new RegExp(`/customers/${weakest.id}$`));
  await expect(page.getByTestId("health-score")).toHaveText(String(weakest.health_score));
  const factors = page.getByTestId("health-factors").locator("li");
  await expect(factors).toHaveCount(weakest.health_factors.length);
  await expect(factors.first()).toContainText(/no contact for \d+ days|open tickets|SLA breaches|satisfaction|NPS|payment \d+ days overdue|contract ends/);
});
