import { APIRequestContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { api, hydrated, signIn } from "./helpers";

/**
 * Text from users and strangers is stored with markup, script and formula payloads, and
 * every page that shows it is opened as each role. The fixture fails the test on any
 * dialog (a payload that ran) and on any Content-Security-Policy violation; here each
 * page's HTML is also checked for the payloads as live markup.
 */
const P = {
  title: "</title><script>alert('title')</script>",
  img: "\"><img src=x onerror=alert('img')>",
  js: "javascript:alert('js')",
  template: "{{7*7}} ${7*7} <%= 7*7 %>",
  formula: "=HYPERLINK(\"http://evil.example\",\"x\")",
};
const LIVE_MARKUP = ["<script>alert(", "<img src=x onerror", "<img src=\"x\" onerror"];

async function ok(r: Awaited<ReturnType<APIRequestContext["post"]>>) {
  expect(r.status(), await r.text()).toBeLessThan(300);
  return r.json();
}

/** Opens a page as a person would and checks that no payload became markup. */
async function openAndCheck(page: Page, path: string, shows?: string) {
  const response = await page.goto(path);
  expect(response!.status(), path).toBeLessThan(400);
  const html = await response!.text();
  for (const m of LIVE_MARKUP) expect(html, `${path} serves ${m}`).not.toContain(m);
  expect(response!.headers()["content-security-policy"], path).toContain("script-src 'self' 'nonce-");
  await hydrated(page);
  await expect(page.locator("img[src='x']")).toHaveCount(0);
  await expect(page.locator("script:not([src])", { hasText: "alert(" })).toHaveCount(0);
  if (shows) await expect(page.getByText(shows).first()).toBeVisible();
}

test("stored markup, script and formula payloads are shown as text on every page, for every role", async ({
  page,
  baseURL,
}, info) => {
  test.setTimeout(90_000);
  const tag = `${info.project.name}-${Date.now()}`;
  const rep = await api(baseURL!, "rep1@demo.tandem");
  const admin = await api(baseURL!, "admin@demo.tandem");
  const repId = (await (await rep.get("/api/v1/me")).json()).id;

  const customerName = `${P.title} ${tag} Ltd`;
  const customer = await ok(
    await rep.post("/api/v1/customers", {
      data: { name: customerName, industry: P.img, region: P.template, tags: [P.js.slice(0, 30), "x" + tag] },
    }),
  );
  await ok(
    await rep.post("/api/v1/contacts", {
      data: { customer_id: customer.id, name: `${P.img} ${tag}`, title: P.title, wechat: P.template, decision_maker: false, consent: true },
    }),
  );
  const soon = new Date(Date.now() + 5 * 60_000).toISOString();
  await ok(
    await rep.post("/api/v1/activities", {
      data: { customer_id: customer.id, kind: "call", summary: `${P.img} ${P.formula} ${P.template}`, next_follow_up_at: soon },
    }),
  );
  await ok(await rep.post("/api/v1/tasks", { data: { title: `${P.title} task ${tag}`, customer_id: customer.id, due_at: soon } }));
  const deal = await ok(
    await rep.post("/api/v1/opportunities", { data: { customer_id: customer.id, name: `${P.img} deal ${tag}` } }),
  );
  await ok(
    await rep.post("/api/v1/leads", {
      data: { name: `${P.title} lead ${tag}`, company: P.img, region: P.template, product_line: P.formula, owner_id: repId },
    }),
  );
  // A stranger's text through the public web form.
  const form = await ok(await admin.post("/api/v1/lead-forms", { data: { name: `${P.img} form ${tag}` } }));
  const publicLead = await admin.post("/api/v1/public/leads", {
    data: { form_key: form.key, name: `${P.title} stranger ${tag}`, company: P.img, region: P.js, email: `stranger-${tag}@example.com` },
  });
  expect(publicLead.status()).toBe(202);
  // People and teams, named by an admin.
  const team = await ok(await admin.post("/api/v1/teams", { data: { name: `${P.title} team ${tag}` } }));
  await ok(
    await admin.post("/api/v1/users", {
      data: {
        email: `xss-${tag}@demo.tandem`,
        name: `${P.img} user ${tag}`,
        role: "rep",
        team_id: team.id,
        password: "Lotus-Harbor-Quiet-81",
      },
    }),
  );

  await signIn(page, "rep1@demo.tandem");
  await openAndCheck(page, `/customers/${customer.id}`, `${P.img} ${tag}`);
  // The title is the name as text: nothing in it was parsed as markup.
  expect(await page.title()).toBe(`${customerName} · Tandem`);
  await openAndCheck(page, "/today");
  await openAndCheck(page, `/customers?q=${encodeURIComponent(tag)}`, customerName);
  await openAndCheck(page, "/leads", `${P.title} lead ${tag}`);
  await openAndCheck(page, "/tasks", `${P.title} task ${tag}`);
  await openAndCheck(page, "/pipeline");
  await openAndCheck(page, `/deals/${deal.id}`, `${P.img} deal ${tag}`);
  await openAndCheck(page, "/alerts");

  for (const [email, home] of [
    ["manager1@demo.tandem", "/dashboard"],
    ["agent1@demo.tandem", "/queue"],
    ["admin@demo.tandem", "/admin"],
  ]) {
    await page.context().clearCookies();
    await signIn(page, email);
    await openAndCheck(page, home);
    await openAndCheck(page, `/customers/${customer.id}`, `${P.img} ${tag}`);
  }
  await openAndCheck(page, "/admin", `${P.img} user ${tag}`);
  await openAndCheck(page, "/admin/settings");
  await openAndCheck(page, `/leads?tab=pool`);
});

test("the pages carry the security headers and refuse to be framed", async ({ page }) => {
  const r = await page.goto("/login");
  const h = r!.headers();
  expect(h["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]+' 'wasm-unsafe-eval'/);
  expect(h["content-security-policy"]).toContain("object-src 'none'");
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("same-origin");
  expect(h["x-request-id"]).toBeTruthy();
  // Each response has its own nonce.
  const again = await page.request.get("/login");
  expect(again.headers()["content-security-policy"]).not.toBe(h["content-security-policy"]);
});
