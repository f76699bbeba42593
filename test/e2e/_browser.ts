// A login in a real browser: Debian's headless Chromium (/usr/bin/chromium, or KFCHART_CHROMIUM), driven over
// the DevTools protocol by playwright-core (no downloaded browser build). Opens the gateway, lands on Dex's login
// page, types the credentials, submits, and returns where the browser ended up and what the app saw.
import fs from 'node:fs';
import { chromium } from 'playwright-core';

export const chromiumPath = () => process.env.KFCHART_CHROMIUM || '/usr/bin/chromium';

export async function browserLogin(gatewayUrl: string, login: string, password: string): Promise<{ dexPage: string; finalUrl: string; headers: Record<string, string>; cookies: string[] }> {
  const exe = chromiumPath();
  if (!fs.existsSync(exe)) throw new Error(`${exe} does not exist: install Debian's chromium package (.ci/run does) or set KFCHART_CHROMIUM`);
  const browser = await chromium.launch({
    executablePath: exe,
    headless: true,
    // As root in a container, and with no network but loopback: no sandbox, no background connections.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60_000,
  });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${gatewayUrl}/`, { waitUntil: 'load', timeout: 30_000 });
    const dexPage = page.url();
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', password);
    await Promise.all([page.waitForURL(`${gatewayUrl}/`, { timeout: 30_000 }), page.click('button[type=submit]')]);
    const text = await page.evaluate(() => document.body.innerText);
    const cookies = (await context.cookies()).map((c) => c.name);
    return { dexPage, finalUrl: page.url(), headers: JSON.parse(text), cookies };
  } finally {
    await browser.close();
  }
}
