import { expect, test } from "./fixtures";
import { signIn } from "./helpers";

const roles = [
  { email: "rep1@demo.tandem", home: "/today", heading: "Today", nav: ["Today", "Customers"], notNav: ["Admin", "Dashboard"] },
  { email: "agent1@demo.tandem", home: "/queue", heading: "Ticket queue", nav: ["Queue", "Customers"], notNav: ["Admin", "Today"] },
  { email: "manager1@demo.tandem", home: "/dashboard", heading: "Team dashboard", nav: ["Dashboard", "Customers"], notNav: ["Admin"] },
  { email: "admin@demo.tandem", home: "/admin", heading: "Users and teams", nav: ["Admin", "Customers"], notNav: ["Today"] },
];

for (const role of roles) {
  test(`${role.email} signs in and lands on ${role.home}`, async ({ page }) => {
    await signIn(page, role.email);
    await expect(page).toHaveURL(new RegExp(`${role.home}$`));
    await expect(page.getByRole("heading", { level: 1, name: role.heading })).toBeVisible();
    const nav = page.getByRole("navigation", { name: "Main" }).locator("visible=true");
    for (const item of role.nav) {
      await expect(nav.getByRole("link", { name: item })).toBeVisible();
    }
    for (const item of role.notNav) {
      await expect(nav.getByRole("link", { name: item })).toHaveCount(0);
    }
  });
}

test("the rep's Today shows real follow-ups with tap-to-call", async ({ page }) => {
  await signIn(page, "rep1@demo.tandem");
  const followUps = page.locator("section", { has: page.getByRole("heading", { name: /Follow-ups due/ }) });
  const rows = followUps.locator("li.row");
  await expect(rows.first()).toBeVisible();
  await expect(followUps.locator("li.overdue").first()).toBeVisible();
  const call = rows.first().getByRole("link", { name: /^Call / });
  await expect(call).toHaveAttribute("href", /^tel:\+86\d{11}$/);
  const box = await call.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  expect(box!.width).toBeGreaterThanOrEqual(44);
});

test("the manager's dashboard shows the team's figures", async ({ page }) => {
  await signIn(page, "manager1@demo.tandem");
  await expect(page.locator("[data-kpi='customers']")).toHaveText(/^\d+$/);
  const reps = page.locator("section", { has: page.getByRole("heading", { name: "Reps" }) });
  await expect(reps.locator("tbody tr")).toHaveCount(4);
});

test("the agent's queue lists open tickets by SLA", async ({ page }) => {
  await signIn(page, "agent1@demo.tandem");
  const mine = page.locator("section", { has: page.getByRole("heading", { name: /Assigned to me/ }) });
  await expect(mine.locator("tbody tr").first()).toBeVisible();
});

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("rep1@demo.tandem");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("Wrong email or password");
  await expect(page.getByLabel("Email")).toHaveValue("rep1@demo.tandem");
});

test("the language switch turns the interface to Chinese and back", async ({ page }) => {
  await signIn(page, "rep2@demo.tandem");
  await page.getByRole("button", { name: "中文" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "今日" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await page.getByRole("button", { name: "English" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, "rep3@demo.tandem");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/today");
  await expect(page).toHaveURL(/\/login\?next=\/today/);
});
