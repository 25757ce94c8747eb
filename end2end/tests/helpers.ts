import { APIRequestContext, Browser, Page, expect, request, test } from "@playwright/test";

export const PASSWORD = "tandem-demo";

/** Signs in through the real sign-in form, as a person would. */
export async function signIn(page: Page, email: string, lang = "en") {
  // The demo people prefer Chinese; the suite reads English unless a test asks otherwise.
  await page.context().addCookies([{ name: "tandem_lang", value: lang, url: test.info().project.use.baseURL! }]);
  await page.goto("/login");
  const zh = lang.startsWith("zh");
  await page.getByLabel(zh ? "邮箱" : "Email").fill(email);
  await page.getByLabel(zh ? "密码" : "Password").fill(PASSWORD);
  await page.getByRole("button", { name: zh ? "登录" : "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** An API session for arranging data behind the user's back. */
export async function api(baseURL: string, email: string): Promise<APIRequestContext> {
  const ctx = await request.newContext({ baseURL });
  const r = await ctx.post("/api/v1/auth/login", { data: { email, password: PASSWORD } });
  expect(r.status()).toBe(200);
  return ctx;
}

/** Waits until the WASM has hydrated the page (the app marks <body> when it has). */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1, { timeout: 15_000 });
}

/** The text of a single-part email as its reader sees it (base64 or quoted-printable
 *  undone). */
function mailText(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split);
  const body = raw.slice(split).trim();
  if (/content-transfer-encoding:\s*base64/i.test(head)) {
    return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  }
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head)) {
    const bytes = body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return body;
}

/** Waits for Tandem's mail sender (every few seconds) to deliver a mail to `to` that
 *  `pick` finds something in, reading the test SMTP server's Maildir; the last such
 *  mail's find. `pick` gets the raw mail and its text as a reader sees it. */
async function mailedTo<T>(to: string, pick: (raw: string, text: string) => T | undefined): Promise<T> {
  const fs = await import("node:fs");
  const dir = `${process.env.TANDEM_E2E_MAILDIR}/new`;
  let found: T | undefined;
  await expect
    .poll(
      () => {
        const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
        for (const f of files) {
          const raw = fs.readFileSync(`${dir}/${f}`, "utf8");
          if (!raw.includes(to)) continue;
          found = pick(raw, mailText(raw)) ?? found;
        }
        return found;
      },
      { timeout: 20_000 },
    )
    .toBeTruthy();
  return found!;
}

/** A mail to `to` that contains `text`: its headers and text. */
export async function mailedText(to: string, text: string): Promise<string> {
  return mailedTo(to, (raw, body) => {
    const whole = `${raw.slice(0, raw.search(/\r?\n\r?\n/))}\n${body}`;
    return whole.includes(text) ? whole : undefined;
  });
}

/** A mail to `to` whose source holds `text` (a header, an attachment's file name): its
 *  source. */
export async function mailedSource(to: string, text: string): Promise<string> {
  return mailedTo(to, (raw) => (raw.includes(text) ? raw : undefined));
}

/** The survey link (`/csat/…`, `/nps/…`) mailed to `to`. */
export async function mailedLink(to: string, path: string): Promise<string> {
  return mailedTo(to, (_, body) => body.match(new RegExp(`https?://\\S+${path}[A-Za-z0-9_-]+`))?.[0]);
}

/** Browsers of these people, signed in and hydrated, each in its own context (to watch
 *  alerts arrive). Close them with `page.context().close()`. */
export async function signedInBrowsers(browser: Browser, baseURL: string, emails: string[]): Promise<Page[]> {
  const pages = [];
  for (const who of emails) {
    const ctx = await browser.newContext({ baseURL });
    const p = await ctx.newPage();
    await signIn(p, who);
    await hydrated(p);
    pages.push(p);
  }
  return pages;
}
