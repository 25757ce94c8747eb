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
  const created = await page.request.post("/api/v1/customers", {
    data: {
      name: `Scope check ${Date.now()} ${Math.random().toString(36).slice(2, 6)}`,
      // A mobile of its own, so the duplicate check does not stop the next run.
      contact: { name: "Li Wei", phone: `+86 139 ${String(Date.now() % 1e8).padStart(8, "0")}` },
    },
  });
  expect(created.status()).toBe(201);
  const owned = await created.json();
  await page.goto(`/customers/${owned.id}`);
  await expect(page.getByRole("heading", { level: 1, name: owned.name })).toBeVisible();
  await expect(page.getByRole("link", { name: /^Call / }).first()).toHaveAttribute("href", /^tel:/);
});
