import { expect, test } from "./fixtures";

// A customer, not signed in, searches the public help centre in Chinese and reads an
// answer; internal and draft articles do not exist for them.
test("a customer searches the help centre in Chinese and reads a public answer", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto("/help");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("帮助中心");
  await page.getByRole("searchbox").fill("发票");
  await page.getByRole("button", { name: "搜索" }).click();
  await expect(page).toHaveURL(/\/help\?q=/);
  const answer = page.getByRole("link", { name: "发票抬头开错了如何重开" });
  await expect(answer).toBeVisible();
  expect((await answer.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  // An internal article matching the same words is not listed.
  await page.getByRole("searchbox").fill("退款");
  await page.getByRole("button", { name: "搜索" }).click();
  await expect(page.getByTestId("no-articles")).toBeVisible();
  await page.getByRole("searchbox").fill("发票");
  await page.getByRole("button", { name: "搜索" }).click();
  await answer.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("发票抬头开错了如何重开");
  await expect(page.getByText("三个工作日内")).toBeVisible();
  await context.close();
});
