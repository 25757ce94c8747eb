import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

test("a rep enters a lead, sees its first-contact clock, logs a call and qualifies it", async ({ page }, info) => {
  const email = info.project.name === "phone" ? "rep2@demo.tandem" : "rep3@demo.tandem";
  await signIn(page, email);
  await page.goto("/leads");
  await hydrated(page);
  const company = `线索测试 ${info.project.name} ${Date.now()}`;
  await page.getByText("New lead").click();
  await page.getByLabel("Name", { exact: true }).fill("钱进");
  await page.getByLabel("Company").fill(company);
  await page.getByLabel("Mobile or phone").fill("13912345678");
  await page.getByRole("button", { name: "Add lead" }).click();
  const row = page.getByTestId("lead-list").locator("li", { hasText: company });
  await expect(row).toContainText("First contact due");
  await expect(row.getByRole("link", { name: /Call 钱进/ })).toHaveAttribute("href", "tel:+8613912345678");
  await row.getByRole("button", { name: "Log a call" }).click();
  await expect(row).not.toContainText("First contact due");
  await row.getByRole("button", { name: "Qualify (MQL)" }).click();
  await expect(row).toHaveCount(0);
  await page.getByRole("link", { name: "Marketing-qualified" }).click();
  await expect(page.getByTestId("lead-list")).toContainText(company);
});
