import { expect, test } from "./fixtures";
import { api, hydrated, mailedLink, mailedText, signIn, signedInBrowsers } from "./helpers";

// The service desk end to end, as one story at a desk: an email becomes a ticket in the
// agent's open queue without a reload; the agent opens it by keyboard, sees the customer's
// deals and history beside it, takes it, answers (the customer's mail server receives
// the reply) and sets it pending; the customer's emailed answer reopens it; the agent
// resolves it; the customer rates it 2 from the mailed link and the owner rep's and the
// manager's open browsers show the low-CSAT alert. Then the server's clock moves 97
// minutes and the agent's SLA warning toast appears for an urgent ticket. Last, the help
// page is searched in Chinese.
//
// This file runs alone after every other test (its own project): moving the clock would
// change what the others see.
test("an emailed ticket is answered, reopened by the customer, resolved and rated 2; the SLA warning comes when the clock moves", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const stamp = `${Date.now()}`;
  const email = `journey-${stamp}@customer.example`;
  const subject = `Cannot download invoices ${stamp}`;

  // rep1's customer, with an open deal, a follow-up and the contact who will write.
  const rep = await api(baseURL!, "rep1@demo.tandem");
  const repMe = await (await rep.get("/api/v1/me")).json();
  const mine = await (await rep.get("/api/v1/customers?limit=50")).json();
  const customer = mine.items.find((c: { owner_id: number | null }) => c.owner_id === repMe.id);
  const deal = `Renewal ${stamp}`;
  expect((await rep.post("/api/v1/opportunities", { data: { customer_id: customer.id, name: deal } })).status()).toBe(201);
  const visit = `Visited the finance team ${stamp}`;
  expect((await rep.post("/api/v1/activities", { data: { customer_id: customer.id, kind: "visit", summary: visit } })).status()).toBe(201);
  expect((await rep.post("/api/v1/contacts", { data: { customer_id: customer.id, name: "Li Na", email } })).status()).toBe(201);

  // The owner rep and their manager have Tandem open.
  const watchers = await signedInBrowsers(browser, baseURL!, ["rep1@demo.tandem", "manager1@demo.tandem"]);

  // The agent watches the unassigned queue; the email comes in.
  await signIn(page, "agent1@demo.tandem");
  await page.goto("/queue?view=unassigned");
  await hydrated(page);
  const gateway = await api(baseURL!, "admin@demo.tandem");
  const mail = (headers: string, body: string) =>
    gateway.post("/api/v1/inbound/email", {
      headers: { "content-type": "message/rfc822" },
      data: `From: Li Na <${email}>\r\n${headers}\r\n\r\n${body}\r\n`,
    });
  expect((await mail(`Subject: ${subject}\r\nMessage-ID: <first-${stamp}@customer.example>`, "The invoice page says access denied.")).status()).toBe(200);
  const rows = page.locator("table.tickets tbody tr");
  await expect(page.locator("table.tickets")).toContainText(subject, { timeout: 10_000 });

  // Opened with the keyboard: j to its row, Enter.
  const index = await rows.evaluateAll((trs, s) => trs.findIndex((tr) => (tr.textContent ?? "").includes(s)), subject);
  expect(index).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < index; i++) await page.keyboard.press("j");
  await expect(rows.nth(index)).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/tickets\/\d+$/);
  const id = Number(page.url().split("/").pop());
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(subject);
  // Beside it: the customer's open deal and the latest follow-up.
  const beside = page.locator("section[aria-labelledby='beside-customer']");
  await expect(beside.getByRole("heading", { name: customer.name })).toBeVisible();
  await expect(beside).toContainText(deal);
  await expect(beside).toContainText(visit);

  // The agent takes it (a), answers (r) and sets it pending.
  await page.keyboard.press("a");
  await expect(page.getByLabel("Assignee")).toBeFocused();
  const agentMe = await (await (await api(baseURL!, "agent1@demo.tandem")).get("/api/v1/me")).json();
  await page.getByLabel("Assignee").selectOption(String(agentMe.id));
  await page.getByLabel("Status").selectOption("open");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel("Status")).toHaveValue("open");
  await page.keyboard.press("r");
  await expect(page.locator("#reply-body")).toBeFocused();
  const answer = `Please sign in again after clearing the cache ${stamp}`;
  await page.locator("#reply-body").fill(answer);
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.locator("[data-kind='reply']")).toContainText(answer);
  expect(await mailedText(email, answer)).toContain(`[#${id}]`);
  await page.getByLabel("Status").selectOption("pending");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel("Status")).toHaveValue("pending");

  // The customer answers by email: the ticket is open again.
  expect((await mail(`Subject: Re: ${subject} [#${id}]\r\nMessage-ID: <second-${stamp}@customer.example>`, "Still denied after clearing it.")).status()).toBe(200);
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Status")).toHaveValue("open");
  await expect(page.locator("[data-kind='customer']").last()).toContainText("Still denied");

  // Resolved; the customer rates it 2 from the mailed link.
  await page.getByLabel("Status").selectOption("resolved");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByLabel("Status")).toHaveValue("resolved");
  const link = await mailedLink(email, "/csat/");
  const customerContext = await browser.newContext();
  const survey = await customerContext.newPage();
  await survey.goto(link);
  await survey.getByRole("radio", { name: "2", exact: true }).check();
  await survey.getByRole("button", { name: "Send", exact: true }).click();
  await expect(survey.locator("[data-score='2']")).toBeVisible();
  await customerContext.close();
  for (const p of watchers) {
    await expect(p.getByTestId("toasts").getByText(subject)).toBeVisible({ timeout: 10_000 });
  }
  for (const p of watchers) await p.context().close();

  // An urgent ticket for the agent: 2 h to answer, warned at 80 %. The clock moves 97
  // minutes and the warning toast appears on the agent's open page.
  const urgent = `Production is down ${stamp}`;
  const made = await gateway.post("/api/v1/tickets", {
    data: { subject: urgent, customer_id: customer.id, priority: "urgent", assignee_id: agentMe.id },
  });
  expect(made.status()).toBe(201);
  await page.goto("/queue");
  await hydrated(page);
  const moved = await gateway.post("/api/v1/test/clock", { data: { minutes: 97 } });
  expect(moved.status()).toBe(200);
  // (Alerts are written in their reader's own language: the demo agents read Chinese.)
  const warning = new RegExp(`(Ticket due soon|工单即将超时).*${urgent}`);
  await expect(page.getByTestId("toasts").getByText(warning)).toBeVisible({ timeout: 10_000 });

  // The help page, searched in Chinese, with no account.
  const visitor = await browser.newContext({ baseURL, locale: "zh-CN" });
  const help = await visitor.newPage();
  await help.goto("/help");
  await help.getByRole("searchbox").fill("发票");
  await help.getByRole("button", { name: "搜索" }).click();
  await expect(help.getByRole("link", { name: "发票抬头开错了如何重开" })).toBeVisible();
  await visitor.close();
});
