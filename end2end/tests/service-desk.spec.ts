import { expect, test } from "./fixtures";
import { api, hydrated, mailedSource, signIn } from "./helpers";

test("an agent logs a call, opens it from the queue by keyboard, answers it and sets it pending", async ({ page, baseURL }) => {
  const subject = `Cannot export the report ${Date.now()}`;
  await signIn(page, "agent3@demo.tandem");
  await expect(page).toHaveURL(/\/queue/);
  await hydrated(page);
  // Log a call: it lands in the unassigned view, by its deadline.
  await page.keyboard.press("c");
  await expect(page.getByLabel("Subject")).toBeFocused();
  await page.getByLabel("Subject").fill(subject);
  await page.getByLabel("What the customer said").fill("The export spins and never finishes.");
  await page.getByRole("button", { name: "Log the call" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Ticket logged" })).toContainText(subject);
  // Assign it to myself through the API, then find it in "Assigned to me" by keyboard.
  const agent = await api(baseURL!, "agent3@demo.tandem");
  const me = await (await agent.get("/api/v1/me")).json();
  const list = await (await agent.get("/api/v1/tickets?view=unassigned&limit=200")).json();
  const ticket = list.items.find((t: { subject: string }) => t.subject === subject);
  expect(ticket.first_response.state).toBe("running");
  const r = await agent.patch(`/api/v1/tickets/${ticket.id}`, { data: { version: ticket.version, assignee_id: me.id } });
  expect(r.status()).toBe(200);
  await page.goto("/queue?view=mine");
  await hydrated(page);
  // Other tests' tickets may be routed to this agent meanwhile and land above it, so
  // press j until the keyboard's row is this ticket (never more presses than rows).
  const rows = page.locator("table.tickets tbody tr");
  const chosen = page.locator("table.tickets tbody tr[aria-selected='true']");
  await expect(chosen).toHaveCount(1);
  let at = await chosen.getAttribute("data-ticket");
  for (let presses = 0; at !== String(ticket.id); presses++) {
    expect(presses).toBeLessThan(await rows.count());
    await page.keyboard.press("j");
    await expect(chosen).not.toHaveAttribute("data-ticket", at!);
    at = await chosen.getAttribute("data-ticket");
  }
  // An urgent ticket that comes in above it while the agent reads leaves the keyboard's
  // row on the ticket it was on.
  const urgent = await agent.post("/api/v1/tickets", {
    data: { subject: `Site down ${Date.now()}`, body: "Nothing loads.", priority: "urgent", assignee_id: me.id },
  });
  expect(urgent.status()).toBe(201);
  await expect(page.locator(`table.tickets tbody tr[data-ticket="${(await urgent.json()).id}"]`)).toHaveCount(1);
  await expect(chosen).toHaveAttribute("data-ticket", String(ticket.id));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`/tickets/${ticket.id}$`));
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(subject);
  await expect(page.locator("[data-kind='customer']")).toContainText("never finishes");

  // A note first (n), then the reply (r): the note is told apart and answers nobody.
  await page.keyboard.press("n");
  await expect(page.locator("#reply-body")).toBeFocused();
  await page.locator("#reply-body").fill("Checked the logs: the export job timed out.");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page.locator("[data-kind='note']")).toContainText("timed out");
  await expect(page.locator("[data-sla]").first()).toHaveAttribute("data-sla", "running");
  await page.keyboard.press("r");
  await page.locator("#reply-body").fill("We found the cause; a fix ships today.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.locator("[data-kind='reply']")).toContainText("fix ships today");
  await expect(page.locator("[data-sla]").first()).toHaveAttribute("data-sla", "met");

  // Waiting on the customer: the resolution clock stands still.
  await page.getByLabel("Status").selectOption("pending");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator("[data-sla]").nth(1)).toHaveAttribute("data-sla", "paused");
  await expect(page.getByLabel("Status")).toHaveValue("pending");
});

test("a rep reads a customer's ticket and has nothing to answer it with", async ({ page, baseURL }) => {
  const agent = await api(baseURL!, "agent4@demo.tandem");
  const rep = await api(baseURL!, "rep3@demo.tandem");
  const customers = await (await rep.get("/api/v1/customers?limit=1")).json();
  const customer = customers.items[0];
  const r = await agent.post("/api/v1/tickets", { data: { customer_id: customer.id, subject: `Invoice title wrong ${Date.now()}`, body: "Please reissue." } });
  expect(r.status()).toBe(201);
  const ticket = await r.json();
  await signIn(page, "rep3@demo.tandem");
  await page.goto(`/tickets/${ticket.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Invoice title wrong");
  await expect(page.locator("[data-kind='customer']")).toContainText("reissue");
  await expect(page.locator("#reply-body")).toHaveCount(0);
  await expect(page.getByLabel("Status")).toHaveCount(0);
});

test("an agent logs a ticket from the customer's page and it shows on the customer's timeline", async ({ page, baseURL }) => {
  const rep = await api(baseURL!, "rep2@demo.tandem");
  const customers = await (await rep.get("/api/v1/customers?limit=1")).json();
  const customer = customers.items[0];
  await signIn(page, "agent2@demo.tandem");
  await page.goto(`/customers/${customer.id}`);
  await hydrated(page);
  await page.getByRole("link", { name: "New ticket" }).click();
  await expect(page).toHaveURL(new RegExp(`/queue\\?customer=${customer.id}`));
  await hydrated(page);
  const subject = `Training dates ${Date.now()}`;
  await page.getByLabel("Subject").fill(subject);
  await page.getByRole("button", { name: "Log the call" }).click();
  await page.getByRole("status").filter({ hasText: "Ticket logged" }).getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(subject);
  await expect(page.locator(".beside")).toContainText(customer.name);
  await page.goto(`/customers/${customer.id}`);
  const row = page.locator("[data-kind='ticket']", { hasText: subject });
  await expect(row).toBeVisible();
  await row.getByRole("link", { name: "Open the ticket" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(subject);
});

test("an agent fills a canned reply in for the ticket and sends it", async ({ page, baseURL }) => {
  const agent = await api(baseURL!, "agent2@demo.tandem");
  const rep = await api(baseURL!, "rep2@demo.tandem");
  const customers = await (await rep.get("/api/v1/customers?limit=1")).json();
  const subject = `Report will not open ${Date.now()}`;
  const created = await agent.post("/api/v1/tickets", { data: { subject, customer_id: customers.items[0].id } });
  const ticket = await created.json();
  await signIn(page, "agent2@demo.tandem");
  await page.goto(`/tickets/${ticket.id}`);
  await hydrated(page);
  await page.getByLabel("Canned reply").selectOption({ label: "已收到，正在处理" });
  const box = page.locator("#reply-body");
  await expect(box).toHaveValue(new RegExp(`#${ticket.id}「${subject}」`));
  await expect(box).not.toHaveValue(/\{\{/);
  await expect(box).toBeFocused();
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.locator("[data-kind='reply']").last()).toContainText(`#${ticket.id}`);
});

test("an emailed ticket appears in an agent's open queue without a reload", async ({ page, baseURL }) => {
  await signIn(page, "agent4@demo.tandem");
  await page.goto("/queue?view=unassigned");
  await hydrated(page);
  const stamp = `${Date.now()}-${test.info().project.name}`;
  const subject = `Portal down ${stamp}`;
  const gateway = await api(baseURL!, "agent1@demo.tandem");
  const r = await gateway.post("/api/v1/inbound/email", {
    headers: { "content-type": "message/rfc822" },
    data: `From: Wang Lei <wang.${stamp}@newco.example>\r\nSubject: ${subject}\r\nMessage-ID: <${stamp}@newco.example>\r\n\r\nThe portal shows a blank page.\r\n`,
  });
  expect(r.status()).toBe(200);
  await expect(page.locator("table.tickets")).toContainText(subject, { timeout: 10_000 });
});

test("an agent downloads a customer's file and merges a duplicate ticket into the first", async ({ page, baseURL }) => {
  const stamp = `${Date.now()}-${test.info().project.name}`;
  const from = `Zhou Qi <zhou.${stamp}@files.example>`;
  const gateway = await api(baseURL!, "agent1@demo.tandem");
  const mail = async (subject: string, body: string) => {
    const r = await gateway.post("/api/v1/inbound/email", {
      headers: { "content-type": "message/rfc822" },
      data: body.replace("{from}", from).replace("{subject}", subject).replace("{id}", `${subject.length}.${stamp}`),
    });
    expect(r.status()).toBe(200);
    return (await r.json()).ticket_id as number;
  };
  const first = await mail(
    `Scanner offline ${stamp}`,
    `From: {from}\r\nSubject: {subject}\r\nMessage-ID: <{id}@files.example>\r\nMIME-Version: 1.0\r\n` +
      `Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n` +
      `The scanner went offline, log attached.\r\n--b\r\nContent-Type: text/plain\r\n` +
      `Content-Disposition: attachment; filename="scanner.log"\r\n\r\nE42 link down\r\n--b--\r\n`,
  );
  const dup = await mail(
    `Scanner still offline ${stamp}!`,
    `From: {from}\r\nSubject: {subject}\r\nMessage-ID: <{id}@files.example>\r\n\r\nStill offline this morning.\r\n`,
  );
  await signIn(page, "agent1@demo.tandem");
  await page.goto(`/tickets/${first}`);
  await hydrated(page);
  const file = page.getByRole("link", { name: "scanner.log" });
  await expect(file).toBeVisible();
  const download = page.waitForEvent("download");
  await file.click();
  expect((await download).suggestedFilename()).toBe("scanner.log");

  await page.goto(`/tickets/${dup}`);
  await hydrated(page);
  await page.getByText("Merge into another ticket").click();
  await page.getByLabel("Ticket number").fill(`#${first}`);
  await page.getByRole("button", { name: "Merge", exact: true }).click();
  const onward = page.getByTestId("merged-into").getByRole("link", { name: `#${first}` });
  await expect(onward).toBeVisible();
  await onward.click();
  await expect(page).toHaveURL(new RegExp(`/tickets/${first}$`));
  await expect(page.locator("[data-kind='customer']")).toHaveCount(2);
  await expect(page.locator("[data-kind='note']")).toContainText(`#${dup}`);
});

test("an agent attaches a file to a reply: it shows on the reply and reaches the customer attached", async ({ page, baseURL }) => {
  const stamp = `${Date.now()}-${test.info().project.name}`;
  const email = `lin.${stamp}@quotes.example`;
  const gateway = await api(baseURL!, "agent1@demo.tandem");
  const r = await gateway.post("/api/v1/inbound/email", {
    headers: { "content-type": "message/rfc822" },
    data: `From: Lin Fang <${email}>\r\nSubject: Need the quote ${stamp}\r\nMessage-ID: <q.${stamp}@quotes.example>\r\n\r\nPlease send the quote.\r\n`,
  });
  expect(r.status()).toBe(200);
  const id = (await r.json()).ticket_id as number;
  await signIn(page, "agent1@demo.tandem");
  await page.goto(`/tickets/${id}`);
  await hydrated(page);
  await page.locator("#reply-body").fill("The quote is attached.");
  const name = `quote-${stamp}.pdf`;
  await page.getByLabel("Attach files (up to 10 MB each)").setInputFiles({
    name,
    mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4 Tandem quote"),
  });
  await page.getByRole("button", { name: "Send reply" }).click();
  const reply = page.locator("[data-kind='reply']").last();
  await expect(reply).toContainText("The quote is attached.");
  await expect(reply.getByRole("link", { name })).toBeVisible();
  const mail = await mailedSource(email, name);
  expect(mail).toMatch(/multipart\/mixed/i);
  expect(mail).toContain(`[#${id}]`);
});

test("an agent finds a knowledge-base answer beside the reply box and puts it into the reply", async ({ page, baseURL }) => {
  const agent = await api(baseURL!, "agent3@demo.tandem");
  const rep = await api(baseURL!, "rep2@demo.tandem");
  const customers = await (await rep.get("/api/v1/customers?limit=1")).json();
  const subject = `Password link expired ${Date.now()}`;
  const ticket = await (await agent.post("/api/v1/tickets", { data: { subject, customer_id: customers.items[0].id } })).json();
  await signIn(page, "agent3@demo.tandem");
  await page.goto(`/tickets/${ticket.id}`);
  await hydrated(page);
  await page.locator("#reply-body").fill("Hello,");
  const search = page.getByLabel("Answer from the knowledge base");
  await search.fill("password");
  await search.press("Enter");
  await page.getByRole("button", { name: /Insert: How to reset your password/ }).click();
  const box = page.locator("#reply-body");
  await expect(box).toHaveValue(/^Hello,\n\nOpen the sign-in page/);
  await expect(box).toBeFocused();
  // Enter in the search box sent nothing.
  await expect(page.locator("[data-kind='reply']")).toHaveCount(0);
  await page.getByRole("button", { name: "Send reply" }).click();
  await expect(page.locator("[data-kind='reply']")).toContainText("Forgot password");
});
