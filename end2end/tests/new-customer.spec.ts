import { expect, test } from "./fixtures";
import { hydrated, signIn } from "./helpers";

test("a rep adds a customer with its first contact and is stopped from adding it twice", async ({ page }, info) => {
  const email = info.project.name === "phone" ? "rep7@demo.tandem" : "rep8@demo.tandem";
  const company = `${info.project.name === "phone" ? "温州" : "佛山"}澄明光电有限公司`;
  const mobile = info.project.name === "phone" ? "13600001001" : "13600001002";
  await signIn(page, email);
  await page.goto("/customers");
  await page.getByRole("link", { name: "+ New" }).click();
  await hydrated(page);
  await page.getByLabel("Company name").fill(company);
  await page.getByLabel("Name", { exact: true }).fill("吴经理");
  await page.getByLabel("Mobile").fill(mobile);
  await page.getByRole("button", { name: "Save customer" }).click();
  await expect(page.getByRole("heading", { level: 1, name: company })).toBeVisible();
  await expect(page.getByRole("link", { name: "Call 吴经理" })).toHaveAttribute("href", `tel:+86${mobile}`);

  await page.goto("/customers/new");
  await hydrated(page);
  await page.getByLabel("Company name").fill(company.replace("有限公司", ""));
  await page.getByRole("button", { name: "Save customer" }).click();
  const duplicates = page.getByTestId("duplicates");
  await expect(duplicates.getByRole("link", { name: new RegExp(company) })).toBeVisible();
});
