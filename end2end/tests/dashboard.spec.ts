import { expect, test } from "./fixtures";
import { api, hydrated, signIn } from "./helpers";

test("a manager narrows the dashboard by period and team and opens the records behind a chart bar", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "the desk's test; the phone's is below");
  await signIn(page, "manager1@demo.tandem");
  await page.goto("/dashboard");
  await hydrated(page);
  await expect(page.getByTestId("kpi-tiles").locator("[data-kpi='won_amount']")).toBeVisible();

  await page.locator("#kpi-period").selectOption("quarter");
  await page.locator("#kpi-team").selectOption({ index: 1 });
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/period=quarter/);
  await expect(page).toHaveURL(/team_id=\d+/);
  await expect(page.locator("#kpi-period")).toHaveValue("quarter");

  // The first bar of the new-leads chart that has records, by its numbers table.
  const chart = page.locator("[data-chart='leads_by_step']");
  const rows = chart.locator("table tbody tr");
  const n = await rows.count();
  let bar = -1;
  let records = 0;
  for (let i = n - 1; i >= 0; i--) {
    records = Number(await rows.nth(i).locator("td").last().textContent());
    if (records > 0) {
      bar = i;
      break;
    }
  }
  expect(bar).toBeGreaterThanOrEqual(0);
  await chart.locator(`svg a[data-bar='${bar}']`).click();
  await expect(page).toHaveURL(/\/dashboard\/leads_new\?from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d&team_id=\d+/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("New leads");
  await expect(page.getByTestId("kpi-count")).toHaveText(`${records} records`);
  await expect(page.getByTestId("kpi-records").locator("tbody tr")).toHaveCount(records);
});

test("a deal won elsewhere changes the manager's tile without a reload", async ({ page, baseURL }, info) => {
  test.skip(info.project.name !== "desktop", "one manager's screen is enough");
  await signIn(page, "manager1@demo.tandem");
  await page.goto("/dashboard?period=month");
  await hydrated(page);
  await expect(page.getByTestId("alert-bell")).toHaveAttribute("data-live", "on");
  const won = page.locator("[data-kpi='won_amount'] .value");
  const before = await won.textContent();
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
  // The socket has told the server which dashboard is open.
  await page.waitForTimeout(1000);

  // Another browser: rep2 takes a deal to signature and their manager approves it.
  const rep = await api(baseURL!, "rep2@demo.tandem");
  const me = await (await rep.get("/api/v1/me")).json();
  const customers = await (await rep.get(`/api/v1/customers?owner_id=${me.id}&limit=1`)).json();
  const deal = await (await rep.post("/api/v1/opportunities", { data: { customer_id: customers.items[0].id, name: "Live tile" } })).json();
  const moved = await rep.post(`/api/v1/opportunities/${deal.id}/stage`, {
    data: { stage: "negotiation", version: deal.version, pain_points: "p", decision_maker: "d", budget_range: "b",
            amount_minor: 12_300_000, expected_close: "2027-03-31", competitors: "无" },
  });
  expect(moved.status()).toBe(200);
  const contract = await (await rep.post("/api/v1/contracts", { data: { opportunity_id: deal.id, start_date: "2027-04-01", end_date: "2028-03-31" } })).json();
  const manager = await api(baseURL!, "manager1@demo.tandem");
  expect((await manager.post(`/api/v1/contracts/${contract.id}/approve`)).status()).toBe(200);

  await expect(won).not.toHaveText(before!, { timeout: 10_000 });
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
});

test("the dashboard is readable on a phone: tiles stack and charts fit", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "the phone's own test");
  await signIn(page, "manager1@demo.tandem");
  await page.goto("/dashboard?period=quarter");
  await hydrated(page);
  const tiles = page.getByTestId("kpi-tiles").locator("a.tile");
  await expect(tiles.first()).toBeVisible();
  const first = await tiles.nth(0).boundingBox();
  const third = await tiles.nth(2).boundingBox();
  expect(third!.y).toBeGreaterThan(first!.y);
  expect(first!.height).toBeGreaterThanOrEqual(44);
  const chart = page.locator("[data-chart='pipeline_by_stage'] svg");
  await chart.scrollIntoViewIfNeeded();
  const box = await chart.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(360);
  expect(box!.width).toBeGreaterThan(250);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});

test("a rep puts a deal in the commit forecast on its page", async ({ page, baseURL }, info) => {
  const email = info.project.name === "phone" ? "rep7@demo.tandem" : "rep8@demo.tandem";
  const rep = await api(baseURL!, email);
  const me = await (await rep.get("/api/v1/me")).json();
  const customers = await (await rep.get(`/api/v1/customers?owner_id=${me.id}&limit=1`)).json();
  const deal = await (await rep.post("/api/v1/opportunities", { data: { customer_id: customers.items[0].id, name: `Forecast ${info.project.name}` } })).json();
  await signIn(page, email);
  await page.goto(`/deals/${deal.id}`);
  await hydrated(page);
  await expect(page.getByTestId("deal-forecast")).toHaveText("Pipeline");
  await page.getByLabel("Forecast category").selectOption("commit");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("deal-forecast")).toHaveText("Commit");
  const saved = await (await rep.get(`/api/v1/opportunities/${deal.id}`)).json();
  expect(saved.forecast_category).toBe("commit");
});

test("a rep records a payment received on a won deal and the plan takes it", async ({ page, baseURL }, info) => {
  test.skip(info.project.name !== "desktop", "the desk's test");
  const rep = await api(baseURL!, "rep1@demo.tandem");
  const contracts = await (await rep.get("/api/v1/contracts?status=approved")).json();
  let chosen: { id: number; opportunity_id: number } | undefined;
  let owed = 0;
  for (const k of contracts.items) {
    const r = await (await rep.get(`/api/v1/contracts/${k.id}/receivables`)).json();
    if (k.opportunity_id && r.outstanding_minor >= 100) {
      chosen = k;
      owed = r.received_minor;
      break;
    }
  }
  expect(chosen).toBeDefined();
  await signIn(page, "rep1@demo.tandem");
  await page.goto(`/deals/${chosen!.opportunity_id}`);
  await hydrated(page);
  const box = page.locator(`[data-contract-receivables='${chosen!.id}']`);
  await box.locator("summary").click();
  await box.getByLabel("Amount received (yuan)").fill("1");
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  await box.getByLabel("Received on").fill(today);
  await box.getByLabel("Reference").fill("E2E 回单");
  await box.getByRole("button", { name: "Record payment" }).click();
  await expect(page.locator(`[data-contract-receivables='${chosen!.id}'] .receipts`)).toContainText("E2E 回单");
  const after = await (await rep.get(`/api/v1/contracts/${chosen!.id}/receivables`)).json();
  expect(after.received_minor).toBe(owed + 100);
});
