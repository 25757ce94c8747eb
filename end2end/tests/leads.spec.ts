import { expect, test } from "./fixtures";
import { api, hydrated, signIn } from "./helpers";

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

test("a manager hands a lead to a rep of the team", async ({ page, baseURL }, info) => {
  test.skip(info.project.name !== "desktop", "managers work at a desk");
  const manager = await api(baseURL!, "manager1@demo.tandem");
  const users = await (await manager.get("/api/v1/users")).json();
  const byEmail = (e: string) => users.find((u: { email: string }) => u.email === e);
  const [rep1, rep2] = [byEmail("rep1@demo.tandem"), byEmail("rep2@demo.tandem")];
  const company = `分配测试 ${Date.now()}`;
  const r = await manager.post("/api/v1/leads", { data: { name: "孙丽", company, source: "event", owner_id: rep1.id } });
  expect(r.status()).toBe(201);

  await signIn(page, "manager1@demo.tandem");
  await page.goto("/leads?tab=new");
  await hydrated(page);
  const row = page.getByTestId("lead-list").locator("li", { hasText: company });
  await expect(row).toContainText(rep1.name);
  await row.getByLabel("Assign to").selectOption(String(rep2.id));
  await row.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(row).toContainText(rep2.name);
});
