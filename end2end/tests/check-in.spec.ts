import { expect, test } from "./fixtures";
import { api, hydrated, signIn } from "./helpers";

// The browser has the user's consent and a position (People's Square, Shanghai).
test.use({ geolocation: { latitude: 31.2304, longitude: 121.4737 }, permissions: ["geolocation"] });

test("a rep logs a visit with a check-in location and sees where it was", async ({ page, baseURL }, info) => {
  const email = info.project.name === "phone" ? "rep4@demo.tandem" : "rep3@demo.tandem";
  const rep = await api(baseURL!, email);
  const name = `签到测试 ${info.project.name} ${Date.now()}`;
  const created = await rep.post("/api/v1/customers", { data: { name } });
  expect(created.status()).toBe(201);
  const id = (await created.json()).id;

  await signIn(page, email);
  await page.goto(`/customers/${id}`);
  await hydrated(page);
  await page.getByLabel(`Log follow-up with ${name}`).click();
  const form = page.locator("form.quick-log-form");
  await form.locator("label", { hasText: "Visit" }).click();
  await form.getByRole("button", { name: /Add my location/ }).click();
  await expect(form.getByRole("button", { name: /Location added/ })).toBeVisible();
  await form.getByRole("button", { name: "Tomorrow" }).click();

  // Stored with the visit…
  await expect
    .poll(async () => {
      const items = (await (await rep.get(`/api/v1/customers/${id}/timeline`)).json()).items;
      return items.find((i: { kind: string }) => i.kind === "activity")?.latitude ?? null;
    })
    .toBeCloseTo(31.2304, 4);
  // …and shown on the customer's timeline, linking to a map.
  await page.reload();
  const place = page.getByTestId("checkin");
  await expect(place).toHaveText(/Checked in at 31\.2304, 121\.4737/);
  await expect(place).toHaveAttribute("href", /mlat=31\.2304/);
});
