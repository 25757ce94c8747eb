import { defineConfig, devices } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";

// One Tandem server on a free port with a fresh SQLite database full of demo data.
const port = process.env.TANDEM_E2E_PORT ?? "3107";
const baseURL = `http://127.0.0.1:${port}`;
const root = path.resolve(__dirname, "..");
const db = path.join(os.tmpdir(), `tandem-e2e-${port}-${process.env.TANDEM_E2E_RUN ?? "local"}.db`);
const bin = process.env.TANDEM_BIN ?? path.join(root, "target", "debug", "tandem");
// A real SMTP server (aiosmtpd) takes the mail Tandem sends; tests read it from its Maildir.
const smtpPort = process.env.TANDEM_E2E_SMTP_PORT ?? String(Number(port) + 1);
const python = process.env.TANDEM_TEST_PYTHON ?? path.join(root, "target", "py", "bin", "python");
const maildir = path.join(os.tmpdir(), `tandem-e2e-mail-${port}-${process.env.TANDEM_E2E_RUN ?? "local"}`);
process.env.TANDEM_E2E_MAILDIR = maildir;

const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  reporter: [["list"]],
  use: {
    baseURL,
    locale: "en-US",
    trace: "retain-on-failure",
    launchOptions: chromium,
  },
  projects: [
    {
      name: "phone",
      testIgnore: /\.clock\.spec\.ts$/,
      use: {
        ...devices["Pixel 5"],
        viewport: { width: 360, height: 640 },
        launchOptions: chromium,
      },
    },
    {
      name: "desktop",
      testIgnore: /\.clock\.spec\.ts$/,
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1280, height: 800 },
        launchOptions: chromium,
      },
    },
    {
      // Tests that move the server's clock run alone, after all the others.
      name: "desk-clock",
      testMatch: /\.clock\.spec\.ts$/,
      dependencies: ["phone", "desktop"],
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1280, height: 800 },
        launchOptions: chromium,
      },
    },
  ],
  webServer: [
    {
      command: `rm -rf "${maildir}" && "${python}" -m aiosmtpd -n -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox "${maildir}"`,
      cwd: root,
      port: Number(smtpPort),
      timeout: 30_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
    },
    {
      command: `rm -f "${db}" "${db}-wal" "${db}-shm" && "${bin}" serve --demo --addr 127.0.0.1:${port}`,
      cwd: root,
      url: `${baseURL}/readyz`,
      timeout: 120_000,
      reuseExistingServer: false,
      stdout: "ignore",
      stderr: "pipe",
      env: {
        DATABASE_URL: `sqlite://${db}`,
        LEPTOS_SITE_ROOT: path.join(root, "target", "site"),
        RUST_LOG: "warn",
        TANDEM_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        TANDEM_MAIL_FROM: "Tandem Support <support@desk.example>",
        // Lets the clock tests move the server's time forward (admins only).
        TANDEM_TEST_CLOCK: "shift",
      },
    },
  ],
});
