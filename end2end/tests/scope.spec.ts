import { expect, test } from "./fixtures";
import { api, signIn } from "./helpers";

test("a rep cannot open another rep's customer by URL", async ({ page, baseURL }) => {
  const rep2 = await api(baseURL!, "rep2@demo.tandem");
  const me = await (await rep2.get("/api/v1/me")).json();
  const list = await (await rep2.get(`/api/v1/customers?owner_id=${me.id}&limit=1`)).json();
  const theirs = list.items[0];
  expect(theirs.owner_id).toBe(me.id);

  await signIn(page, "rep1@demo.tandem");
  const response = await page.goto(`/customers/${theirs.id}`);
  expect(response!.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Customer not found" })).toBeVisible();
  await expect(page.getByText(theirs.name)).toHaveCount(0);

  // Their own customer opens, with its contacts one tap from a call.
  const mine = await page.request.get("/api/v1/customers?limit=50");
  const owned = (await mine.json()).items.find((c: { owner_id: number | null }) => c.owner_id !== null);
  await page.goto(`/customers/${owned.id}`);
  await expect(page.getByRole("heading", { level: 1, name: owned.name })).toBeVisible();
  await expect(page.getByRole("link", { name: /^Call / }).first()).toHaveAttribute("href", /^tel:/);
});
