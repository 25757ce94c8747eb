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
  const own = await (await page.request.get(`/api/v1/customers?owner_id=${me.id}&limit=1`)).json();
  const needle = own.items[0].name.slice(2, 6);

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
