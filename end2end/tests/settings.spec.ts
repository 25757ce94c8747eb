import { expect, test } from "./fixtures";
import { api, hydrated, signIn } from "./helpers";

// Settings are global: one project edits them (admins work at a desk) and puts them back.
test("an admin edits the pool and lead routing rules; a bad value is named, a stale save is refused, and nothing changes", async ({ page, baseURL }, info) => {
  test.skip(info.project.name !== "desktop", "settings are global; the desktop project edits them");
  const admin = await api(baseURL!, "admin@demo.tandem");
  const before = await (await admin.get("/api/v1/settings/pool")).json();

  await signIn(page, "admin@demo.tandem");
  await page.goto("/admin");
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/admin\/settings$/);
  await hydrated(page);

  // The stored values are what the form shows.
  const pool = page.getByTestId("pool-form");
  await expect(pool.getByLabel("Customers a rep may hold")).toHaveValue(String(before.holding_limit));

  // A value out of range is refused with the field's name; the stored rules stay.
  await pool.getByLabel("Customers a rep may hold").fill("999999");
  await pool.getByRole("button", { name: "Save pool rules" }).click();
  await expect(page.getByRole("alert")).toContainText("Customers a rep may hold: must be between 0 and 100000");
  await expect(pool.getByLabel("Customers a rep may hold")).toHaveValue("999999");
  expect((await (await admin.get("/api/v1/settings/pool")).json()).holding_limit).toBe(before.holding_limit);

  // A good change is saved and read back.
  await pool.getByLabel("Customers a rep may hold").fill(String(before.holding_limit));
  await pool.getByLabel("Days of warning before a reclaim").fill(String(before.warning_days + 2));
  await pool.getByRole("button", { name: "Save pool rules" }).click();
  await expect(page.getByTestId("saved")).toBeVisible();
  await expect.poll(async () => (await (await admin.get("/api/v1/settings/pool")).json()).warning_days).toBe(before.warning_days + 2);

  // Another admin saves meanwhile: this page's save is refused instead of silently undoing
  // theirs, and the form now shows what they stored.
  const theirs = { ...before, warning_days: before.warning_days + 3 };
  expect((await admin.put("/api/v1/settings/pool", { data: theirs })).status()).toBe(200);
  await pool.getByLabel("Days of warning before a reclaim").fill(String(before.warning_days + 1));
  await pool.getByRole("button", { name: "Save pool rules" }).click();
  await expect(page.getByRole("alert")).toContainText("Someone else changed");
  await expect(pool.getByLabel("Days of warning before a reclaim")).toHaveValue(String(before.warning_days + 3));
  expect((await (await admin.get("/api/v1/settings/pool")).json()).warning_days).toBe(before.warning_days + 3);

  // A routing rule for a source no demo lead has: added, shown, then removed — on the
  // same page, right after the refusal (its forms once came back with untickable boxes).
  await page.getByText("Add a rule").click();
  const draft = page.getByTestId("rule-new");
  await draft.getByLabel("Source").fill("e2e-fair");
  await draft.getByLabel("王伟 Wang Wei").check();
  await draft.getByRole("button", { name: "Add rule" }).click();
  await expect(page.getByTestId("saved")).toBeVisible();
  const rules = await (await admin.get("/api/v1/settings/lead-assignment")).json();
  const index = rules.findIndex((r: { source: string | null }) => r.source === "e2e-fair");
  expect(index).toBeGreaterThanOrEqual(0);
  expect(rules[index].rep_ids).toHaveLength(1);
  const saved = page.getByTestId(`rule-${index}`);
  await expect(saved.getByLabel("Source")).toHaveValue("e2e-fair");
  await expect(saved.getByLabel("王伟 Wang Wei")).toBeChecked();
  await saved.getByRole("button", { name: "Remove" }).click();
  await expect
    .poll(async () => (await (await admin.get("/api/v1/settings/lead-assignment")).json()).some((r: { source: string | null }) => r.source === "e2e-fair"))
    .toBe(false);

  // Put the pool rules back for the rest of the suite.
  expect((await admin.put("/api/v1/settings/pool", { data: before })).status()).toBe(200);
});

test("the settings page is for admins only", async ({ page }) => {
  await signIn(page, "manager1@demo.tandem");
  await page.goto("/admin/settings");
  await expect(page.getByText("Your role cannot do this.")).toBeVisible();
});

test("an admin sets a stage's win probability and what entering negotiation needs", async ({ page, baseURL }, info) => {
  test.skip(info.project.name !== "desktop", "settings are global; the desktop project edits them");
  const admin = await api(baseURL!, "admin@demo.tandem");
  const before = await (await admin.get("/api/v1/settings/pipeline")).json();

  await signIn(page, "admin@demo.tandem");
  await page.goto("/admin/settings");
  await hydrated(page);
  const form = page.getByTestId("pipeline-form");
  await expect(form.getByLabel("Win probability in negotiation (%)")).toHaveValue(String(before.probabilities[3]));
  await expect(form.getByLabel("Competitors")).toBeChecked();

  await form.getByLabel("Win probability in negotiation (%)").fill("70");
  await form.getByLabel("Competitors").uncheck();
  await form.getByRole("button", { name: "Save pipeline rules" }).click();
  await expect(page.getByTestId("saved")).toBeVisible();
  const after = await (await admin.get("/api/v1/settings/pipeline")).json();
  expect(after.probabilities).toEqual([before.probabilities[0], before.probabilities[1], before.probabilities[2], 70]);
  expect(after.negotiation_requires).toEqual(["amount_minor", "expected_close"]);
  // The page shows what is stored now.
  await expect(form.getByLabel("Competitors")).not.toBeChecked();

  // Put the pipeline back for the rest of the suite, naming the version it was read at.
  const tag = (await admin.get("/api/v1/settings/pipeline")).headers()["etag"];
  expect((await admin.put("/api/v1/settings/pipeline", { data: before, headers: { "If-Match": tag } })).status()).toBe(200);
});
