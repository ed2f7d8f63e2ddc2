/**
 * The report in a real browser: Debian's Chromium driven by playwright-core (never a browser
 * download), headless, fresh profile, no network beyond a 127.0.0.1 static server. The report is
 * `galspin report --model models` alone (the published champion and its report assets): the paper's
 * ten figures are on the page and load, every other figure too, the summary numbers are
 * metrics.json's, the page asks for nothing outside 127.0.0.1, and out/screenshots/report.png is
 * saved (git-ignored; docs/screenshots/report.png is copied from it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { fastPrecision, parseMetrics } from '../../src/report/metrics-json.ts';
import { resolveReportModelDir } from '../../src/report/report.ts';

const CHROMIUM = process.env.GALSPIN_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODELS = join(ROOT, 'models');
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
  let printed: string;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'galspin-report-'));
    profile = mkdtempSync(join(tmpdir(), 'galspin-chromium-'));
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await main(['node', 'galspin', 'report', '--model', MODELS, '--out', out]);
    printed = stdout.mock.calls.map((c) => String(c[0])).join('');
    stdout.mockRestore();
    expect(code).toBe(0);
    figureCount = Number(/: (\d+) figures/.exec(printed)?.[1]);
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
    // The model folder alone draws every figure: nothing is listed as not drawn.
    expect(printed).not.toContain('not drawn');
    expect(images).toHaveLength(figureCount);
    // The paper's ten figures (Chegeni et al. 2025, Figs. 1–10), each once, each loaded.
    const paper = await page.$$eval('figure[data-paper-figure]', (figs) =>
      figs.map((f) => ({
        n: Number(f.getAttribute('data-paper-figure')),
        ok: (f.querySelector('img') as { naturalWidth: number } | null)?.naturalWidth ?? 0,
      })),
    );
    expect(paper.map((f) => f.n).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const f of paper) expect(f.ok, `paper figure ${f.n}`).toBeGreaterThan(0);
    // No section stands empty, and no count is claimed for data that was not loaded.
    expect(await page.locator('p.skipped').count()).toBe(0);
    expect(await page.textContent('body')).not.toMatch(/Uncertain galaxies[^\n]*: 0\b/);
    for (const img of images) {
      expect(img.complete, img.src ?? '').toBe(true);
      expect(img.naturalWidth, img.src ?? '').toBeGreaterThan(0);
    }

    const modelDir = await resolveReportModelDir(MODELS);
    const metrics = parseMetrics(readFileSync(join(modelDir, 'metrics.json'), 'utf8'));
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
    await page.goto(`${base}#galaxies`, { waitUntil: 'load' });
    await page.screenshot({ path: join(ROOT, 'out/screenshots/report-galaxies.png'), fullPage: false });
    await page.close();
  });
});
