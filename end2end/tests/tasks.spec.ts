import { expect, test } from "./fixtures";
import { hydrated, signIn } from "./helpers";

test("a rep adds a task for tomorrow and ticks it off", async ({ page }) => {
  await signIn(page, "rep6@demo.tandem");
  await page.goto("/tasks");
  await hydrated(page);
  const title = `Send the brochure ${Date.now()}`;
  await page.getByText("New task").click();
  await page.getByLabel("What needs doing").fill(title);
  await page.getByText("Tomorrow", { exact: true }).click();
  await page.getByRole("button", { name: "Add task" }).click();
  const row = page.getByTestId("task-list").locator("li", { hasText: title });
  await expect(row).toBeVisible();
  const done = row.getByRole("button", { name: `Mark done: ${title}` });
  const box = await done.boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await done.click();
  await expect(row).toHaveCount(0);
  await page.getByRole("link", { name: "Done", exact: true }).click();
  await expect(page.getByTestId("task-list")).toContainText(title);
});
