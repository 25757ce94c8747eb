import { APIRequestContext, Page, expect, request, test } from "@playwright/test";

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
