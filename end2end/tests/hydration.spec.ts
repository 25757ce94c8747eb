import { expect, test } from "./fixtures";
import { hydrated, signIn } from "./helpers";

test("the customer search filters as you type once the page has hydrated", async ({ page }) => {
  await signIn(page, "rep1@demo.tandem");
  await page.goto("/customers");
  await hydrated(page);
  const list = page.getByTestId("customer-list");
  await expect(list.locator("li").first()).toBeVisible();
  // A customer rep1 owns (pool customers may be claimed by parallel tests meanwhile).
  const me = await (await page.request.get("/api/v1/me")).json();
  // One of the demo's Chinese company names: other specs store markup payloads as names.
  const own = await (await page.request.get(`/api/v1/customers?owner_id=${me.id}&limit=100`)).json();
  const demo = own.items.find((c: { name: string }) => /^[\u4e00-\u9fff]{6,}$/.test(c.name));
  const needle = demo.name.slice(2, 6);

  await page.getByRole("searchbox", { name: "Search customers" }).pressSequentially("没有这个客户");
  await expect(page.getByTestId("no-customers")).toBeVisible();
  await page.getByRole("searchbox", { name: "Search customers" }).fill(needle);
  await expect(list.locator("li .title").first()).toContainText(needle);
  // Nothing was submitted: the filtering happened in the page, without a navigation.
  expect(new URL(page.url()).search).toBe("");
});

test("without JavaScript the search form still works", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL, locale: "en-US" });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill("rep1@demo.tandem");
  await page.getByLabel("Password").fill("tandem-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/today$/);
  await page.goto("/customers?q=没有这个客户");
  await expect(page.getByTestId("no-customers")).toBeVisible();
  await context.close();
});

test("Today runs on the main WebAssembly alone; another page's code loads when it is opened", async ({ page }) => {
  const wasm: string[] = [];
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith(".wasm")) wasm.push(path.split("/").pop() as string);
  });
  await signIn(page, "rep1@demo.tandem");
  await page.goto("/today");
  await hydrated(page);
  expect(wasm).toContain("tandem.wasm");
  // Today's own code is in the main file: no page file was asked for.
  expect(wasm.filter((f) => f !== "tandem.wasm")).toEqual([]);

  // Moving to the customer list in the page fetches that page's file, and it works.
  await page.locator('nav a[href="/customers"]:visible').first().click();
  await expect(page).toHaveURL(/\/customers$/);
  await expect(page.getByTestId("customer-list").locator("li").first()).toBeVisible();
  expect(wasm.some((f) => f.startsWith("split_"))).toBe(true);
  await page.getByRole("searchbox", { name: "Search customers" }).pressSequentially("没有这个客户");
  await expect(page.getByTestId("no-customers")).toBeVisible();

  // Opened directly, the page names no code in its head: the main file is asked for after the
  // first paint, and the page's own file when hydration reaches it.
  wasm.length = 0;
  await page.goto("/customers");
  await hydrated(page);
  expect(await page.locator('head link[rel="preload"], head link[rel="modulepreload"]').count()).toBe(0);
  expect(wasm.some((f) => f.startsWith("split_"))).toBe(true);
  const order = await page.evaluate(() => {
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    const main = performance
      .getEntriesByType("resource")
      .find((r) => r.name.endsWith("/tandem.wasm"));
    return { paint: paint?.startTime ?? -1, main: main?.startTime ?? -1 };
  });
  expect(order.paint).toBeGreaterThan(0);
  expect(order.main).toBeGreaterThan(order.paint);
});
