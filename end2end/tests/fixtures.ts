import { expect, test as base } from "@playwright/test";

/**
 * Every test runs under the pages' Content-Security-Policy and fails if the browser
 * reports a violation (a blocked script or style is a broken page, or an attack) or if
 * any page opens a dialog (a stored `alert(…)` payload that ran).
 */
export const test = base.extend<{ guard: void }>({
  guard: [
    async ({ context }, use) => {
      const violations: string[] = [];
      const dialogs: string[] = [];
      await context.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
        });
      });
      const watch = (page: import("@playwright/test").Page) => {
        page.on("console", (m) => {
          const text = m.text();
          if (m.type() === "error" && (text.includes("Content Security Policy") || text.startsWith("CSP violation"))) {
            violations.push(`${page.url()}: ${text}`);
          }
        });
        page.on("dialog", async (d) => {
          dialogs.push(`${page.url()}: ${d.type()} ${d.message()}`);
          await d.dismiss();
        });
      };
      context.pages().forEach(watch);
      context.on("page", watch);
      await use();
      expect(violations, "Content-Security-Policy violations").toEqual([]);
      expect(dialogs, "dialogs opened by a page").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
