/**
 * The report in a real browser: Debian's Chromium driven by playwright-core (never a browser
 * download), headless, fresh profile, no network beyond a 127.0.0.1 static server. Checks that every
 * figure loads, that the summary numbers are metrics.json's, that the page asks for nothing outside
 * 127.0.0.1, and saves out/screenshots/report.png (git-ignored; the README's screenshot comes from a real run).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastPrecision, parseMetrics } from '../../src/report/metrics.ts';
import { writeReport } from '../../src/report/report.ts';

const CHROMIUM = process.env.GALSPIN_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/report');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `browser test skipped: no Chromium at ${CHROMIUM} (bash scripts/bootstrap.sh --test installs it via apt)`,
  );
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!haveChromium)('HTML report in Chromium', () => {
  let out: string;
  let profile: string;
  let server: Server;
  let context: BrowserContext;
  let base: string;
  let figureCount: number;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'galspin-report-'));
    profile = mkdtempSync(join(tmpdir(), 'galspin-chromium-'));
    const r = await writeReport({
      modelDir: join(FIXTURES, 'model'),
      results: FIXTURES,
      out,
      now: () => new Date('2026-11-25T19:00:00Z'),
    });
    figureCount = r.figures.filter((f) => f.endsWith('.png')).length;
    server = await serve(out);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 1500 },
      deviceScaleFactor: 1,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
      ],
    });
  });

  afterAll(async () => {
    await context?.close();
    server?.close();
    for (const d of [out, profile]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('loads every figure, shows metrics.json numbers, fetches nothing off-host', async () => {
    const page = await context.newPage();
    const offHost: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(base)) return route.continue();
      offHost.push(url);
      return route.abort();
    });
    const response = await page.goto(base, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);

    const images = await page.$$eval('img', (imgs) =>
      imgs.map((i) => ({ src: i.getAttribute('src'), complete: i.complete, naturalWidth: i.naturalWidth })),
    );
    expect(figureCount).toBe(10);
    expect(images).toHaveLength(figureCount);
    for (const img of images) {
      expect(img.complete, img.src ?? '').toBe(true);
      expect(img.naturalWidth, img.src ?? '').toBeGreaterThan(0);
    }

    const metrics = parseMetrics(readFileSync(join(FIXTURES, 'model/metrics.json'), 'utf8'));
    const shown = await page.$$eval('[data-metric]', (els) =>
      Object.fromEntries(
        els.map((e) => [
          e.getAttribute('data-metric'),
          { value: Number(e.getAttribute('data-value')), text: e.textContent },
        ]),
      ),
    );
    const precision = metrics.test.perClass?.fast?.precision ?? fastPrecision(metrics.test.confusion);
    expect(shown.accuracy.value).toBe(metrics.test.accuracy);
    expect(shown.precision.value).toBe(precision);
    expect(shown.auc.value).toBe(metrics.test.auc);
    expect(shown.accuracy.text).toBe(`${(100 * metrics.test.accuracy).toFixed(1)} %`);
    expect(shown.precision.text).toBe(`${(100 * precision).toFixed(1)} %`);
    expect(shown.auc.text).toBe((metrics.test.auc ?? 0).toFixed(3));
    expect(await page.textContent('[data-field="nGalaxies"]')).toBe(String(metrics.data?.nGalaxies));
    expect(await page.textContent('[data-field="nTest"]')).toBe(String(metrics.data?.split?.test));
    expect(await page.locator('#uncertain tbody tr').count()).toBeGreaterThan(0);
    expect(offHost).toEqual([]);

    await page.screenshot({ path: join(ROOT, 'out/screenshots/report.png'), fullPage: false });
    await page.close();
  });
});
