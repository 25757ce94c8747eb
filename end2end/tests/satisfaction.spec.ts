import { expect, test } from "./fixtures";
import { api, hydrated, mailedLink, signIn, signedInBrowsers } from "./helpers";

// An agent resolves a ticket; the customer gets the survey link by email (through a real
// SMTP server), opens it on their phone or desk without signing in, rates 2 with a
// comment; the owner rep's and the manager's open browsers show the low-CSAT alert.
test("a customer rates a resolved ticket 2 from the emailed link and the owner rep and the manager hear at once", async ({
  page,
  browser,
  baseURL,
}) => {
  const stamp = `${Date.now()}-${test.info().project.name}`;
  const email = `csat-${stamp}@customer.example`;
  const subject = `Printer offline ${stamp}`;
  const rep = await api(baseURL!, "rep1@demo.tandem");
  const repMe = await (await rep.get("/api/v1/me")).json();
  const mine = await (await rep.get("/api/v1/customers?limit=50")).json();
  const customer = mine.items.find((c: { owner_id: number | null }) => c.owner_id === repMe.id);
  const contact = await (
    await rep.post("/api/v1/contacts", { data: { customer_id: customer.id, name: "Han Meimei", email } })
  ).json();
  const agent = await api(baseURL!, "agent2@demo.tandem");
  const agentMe = await (await agent.get("/api/v1/me")).json();
  const created = await agent.post("/api/v1/tickets", {
    data: { subject, customer_id: customer.id, contact_id: contact.id, assignee_id: agentMe.id },
  });
  expect(created.status()).toBe(201);
  const ticket = await created.json();

  // The rep and the manager have Tandem open.
  const watchers = await signedInBrowsers(browser, baseURL!, ["rep1@demo.tandem", "manager1@demo.tandem"]);

  // The agent resolves it on the ticket page.
  await signIn(page, "agent2@demo.tandem");
  await page.goto(`/tickets/${ticket.id}`);
  await hydrated(page);
  await page.getByLabel("Status").selectOption("resolved");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel("Status")).toHaveValue("resolved");

  // The customer opens the mailed link, in Chinese, with no account.
  const link = await mailedLink(email, "/csat/");
  const customerContext = await browser.newContext({ locale: "zh-CN" });
  const survey = await customerContext.newPage();
  await survey.goto(link);
  await expect(survey.getByRole("heading", { level: 1 })).toContainText("满意度");
  await expect(survey.getByText(subject)).toBeVisible();
  const two = survey.getByRole("radio", { name: "2", exact: true });
  const box = await survey.locator("label.score").first().boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await two.check();
  await survey.getByLabel("想对我们说的话（选填）").fill("等太久了");
  await survey.getByRole("button", { name: "提交" }).click();
  await expect(survey.getByRole("heading", { level: 1 })).toHaveText("感谢您的反馈！");
  await expect(survey.locator("[data-score='2']")).toBeVisible();

  // Both hear within seconds, without reloading.
  for (const p of watchers) {
    await expect(p.getByTestId("toasts").getByText(subject)).toBeVisible({ timeout: 10_000 });
  }
  // The ticket carries the score.
  await page.reload();
  await expect(page.getByTestId("csat")).toContainText("2 / 5");

  // The link takes one answer: opened again, it thanks them for the first.
  await survey.goto(link);
  await expect(survey.locator("[data-score='2']")).toBeVisible();
  await customerContext.close();
  for (const p of watchers) await p.context().close();
});
