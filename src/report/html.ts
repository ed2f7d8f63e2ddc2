/**
 * The report page: one static HTML file, styles inline, figures as relative `figures/*.png` links,
 * no script and no network resource, so it opens from disk, from any static host, or from S3.
 */
import { marked } from 'marked';
import { fastPrecision, type Metrics, PAPER_METRICS } from './metrics-json.ts';
import type { ReportRow } from './sources.ts';

export interface FigureRef {
  name: string;
  /** The paper figure it reproduces (Chegeni et al. 2025, Figs. 1–10). */
  paper?: number;
  caption: string;
  png: string;
  svg?: string;
  cssWidth: number;
  cssHeight: number;
}

export interface ReportPage {
  metrics: Metrics;
  modelCard?: string;
  figures: FigureRef[];
  /** Figures that could not be drawn from the inputs, with the reason. */
  skipped: { name: string; reason: string }[];
  uncertain: ReportRow[];
  /** All uncertain galaxies (the table lists the first `uncertain.length`). */
  uncertainTotal?: number;
  /** Where the uncertain galaxies come from; undefined when nothing was loaded that could hold them. */
  uncertainSource?: string;
  /** Counts of rows by status, when result rows were given. */
  statusCounts?: Record<string, number>;
  generatedAt: string;
  inputs: { model: string; results?: string; catalogue?: string };
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

const fmt = (v: number | undefined, digits = 3) =>
  v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
const pct = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)} %`;

/** Headline metrics beside the paper's, as rows the browser test reads back (data-metric/data-value). */
export function summaryMetrics(
  m: Metrics,
): { key: string; label: string; value: number; paper: number; shown: string; paperShown: string }[] {
  const paper = { ...PAPER_METRICS, ...m.paper };
  const precision = m.test.perClass?.fast?.precision ?? fastPrecision(m.test.confusion);
  return [
    {
      key: 'accuracy',
      label: 'Accuracy',
      value: m.test.accuracy,
      paper: paper.accuracy,
      shown: pct(m.test.accuracy),
      paperShown: pct(paper.accuracy),
    },
    {
      key: 'precision',
      label: 'Precision (fast)',
      value: precision,
      paper: paper.precision,
      shown: pct(precision),
      paperShown: pct(paper.precision),
    },
    {
      key: 'auc',
      label: 'ROC AUC',
      value: m.test.auc ?? Number.NaN,
      paper: paper.auc,
      shown: fmt(m.test.auc),
      paperShown: fmt(paper.auc, 2),
    },
  ];
}

const STYLE = `
:root { --ink: #1d2329; --muted: #5b6670; --rule: #dde3e8; --fast: #1f77b4; --slow: #e6550d; --ok: #2e7d32; --bad: #c62828; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 "DejaVu Sans", system-ui, sans-serif; color: var(--ink); background: #f6f8fa; }
header { background: #14202b; color: #fff; padding: 22px 32px 18px; }
header h1 { margin: 0 0 4px; font-size: 24px; font-weight: 600; letter-spacing: .2px; }
header p { margin: 0; color: #b8c4cf; font-size: 13px; }
header code { background: #24323f; color: #e6edf3; }
nav { background: #fff; border-bottom: 1px solid var(--rule); padding: 8px 32px; position: sticky; top: 0; z-index: 1; }
nav a { color: var(--muted); text-decoration: none; margin-right: 18px; font-size: 13px; }
nav a:hover { color: var(--ink); }
main { max-width: 1240px; margin: 0 auto; padding: 20px 32px 60px; }
section { background: #fff; border: 1px solid var(--rule); border-radius: 8px; padding: 18px 22px; margin: 18px 0; }
h2 { font-size: 18px; margin: 0 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 14px; margin-bottom: 16px; }
.card { border: 1px solid var(--rule); border-radius: 8px; padding: 12px 16px; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .5px; }
.card .v { font-size: 28px; font-weight: 600; }
.card .p { font-size: 12px; color: var(--muted); }
.pass { color: var(--ok); } .fail { color: var(--bad); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
table#uncertain { width: auto; min-width: 560px; } table#uncertain th { width: auto; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { width: 280px; color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .4px; }
td.num { font-variant-numeric: tabular-nums; text-align: right; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
@media (max-width: 1000px) { .grid2 { grid-template-columns: 1fr; } }
figure { margin: 0 0 18px; }
figure img { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
figcaption a { color: var(--muted); }
.card-md h1 { font-size: 17px; } .card-md h2 { font-size: 15px; }
.skipped { color: var(--muted); font-size: 13px; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 12.5px; background: #f0f3f6; padding: 1px 4px; border-radius: 3px; }
`;

function figureHtml(f: FigureRef): string {
  const links = [
    `<a href="${escapeHtml(f.png)}">PNG</a>`,
    f.svg ? `<a href="${escapeHtml(f.svg)}">SVG</a>` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const paper = f.paper ? ` data-paper-figure="${f.paper}"` : '';
  const label = f.paper ? `Paper Fig. ${f.paper}. ` : '';
  return `<figure id="fig-${escapeHtml(f.name)}"${paper}><img src="${escapeHtml(f.png)}" width="${Math.round(f.cssWidth)}" height="${Math.round(f.cssHeight)}" alt="${escapeHtml(f.caption)}"><figcaption>${label}${escapeHtml(f.caption)} (${links})</figcaption></figure>`;
}

/** The uncertain-galaxy list; says that no results were loaded rather than claiming a count of 0. */
function uncertainBlock(page: ReportPage): string {
  if (page.uncertainSource === undefined)
    return '<h3>Uncertain galaxies</h3><p class="skipped">No pipeline results loaded (pass --results to list the galaxies with 0.05 &lt; P(fast) &lt; 0.95).</p>';
  const total = page.uncertainTotal ?? page.uncertain.length;
  const rows = page.uncertain
    .map(
      (r) =>
        `<tr><td><code>${escapeHtml(r.galaxyId)}</code></td><td class="num">${fmt(r.probability)}</td><td class="num">${fmt(r.std)}</td><td class="num">${fmt(r.moransI)}</td><td>${escapeHtml(r.label ?? '–')}</td></tr>`,
    )
    .join('');
  return `<h3>Uncertain galaxies (${escapeHtml(page.uncertainSource)}): ${total}${total > page.uncertain.length ? `, the ${page.uncertain.length} nearest p = 0.5` : ''}</h3>
${page.uncertain.length ? `<table id="uncertain"><thead><tr><th>Galaxy</th><th>P(fast)</th><th>σ (MC)</th><th>Moran's I</th><th>Label</th></tr></thead><tbody>${rows}</tbody></table>` : `<p class="skipped">None of them has 0.05 &lt; P(fast) &lt; 0.95.</p>`}`;
}

/** Renders the whole page. Pure: same input, same bytes. */
export function renderReportHtml(page: ReportPage): string {
  const m = page.metrics;
  const byName = new Map(page.figures.map((f) => [f.name, f]));
  const fig = (name: string) => {
    const f = byName.get(name);
    return f ? figureHtml(f) : '';
  };
  // A section whose figures are all missing says why instead of standing empty.
  const whyNot = (...names: string[]) =>
    names.some((n) => byName.has(n))
      ? ''
      : `<p class="skipped">Not drawn: ${page.skipped
          .filter((s) => names.includes(s.name))
          .map((s) => `${escapeHtml(s.name)} (${escapeHtml(s.reason)})`)
          .join('; ')}.</p>`;
  const cards = summaryMetrics(m)
    .map((s) => {
      const ok = Number.isFinite(s.value) && s.value >= s.paper;
      return `<div class="card"><div class="k">${escapeHtml(s.label)}</div><div class="v ${ok ? 'pass' : 'fail'}" data-metric="${s.key}" data-value="${s.value}">${escapeHtml(s.shown)}</div><div class="p">paper ${escapeHtml(s.paperShown)} · ${ok ? 'meets' : 'below'} the paper</div></div>`;
    })
    .join('');
  const d = m.data ?? {};
  const split = d.split ?? {};
  const c = m.test.confusion;
  const dataRows: [string, string][] = [
    ['Model version', `<code>${escapeHtml(m.modelVersion)}</code>`],
    ['Protocol', escapeHtml(m.protocol ?? '–')],
    ['Backend', escapeHtml(m.backend ?? '–')],
    ['Data', escapeHtml(d.source ?? '–')],
    ['Data hash', d.hash ? `<code>${escapeHtml(d.hash.slice(0, 24))}…</code>` : '–'],
    [
      'Galaxies',
      `<span data-field="nGalaxies">${d.nGalaxies ?? '–'}</span> (${d.nFast ?? '–'} fast, ${d.nSlow ?? '–'} slow)`,
    ],
    [
      'Split (by galaxy)',
      `train ${split.train ?? '–'} · validation ${split.validation ?? '–'} · test <span data-field="nTest">${split.test ?? m.test.n ?? '–'}</span> (seed ${d.splitSeed ?? '–'})`,
    ],
    [
      'Test confusion (fast = positive)',
      `TP ${c.tp} · FP ${c.fp} · TN ${c.tn} · FN ${c.fn} at threshold ${m.test.threshold ?? 0.5}`,
    ],
    [
      'Slow rotators (test)',
      `precision ${pct(m.test.perClass?.slow?.precision)} · recall ${pct(m.test.perClass?.slow?.recall)}`,
    ],
  ];
  if (page.statusCounts) {
    dataRows.push([
      'Result rows',
      Object.entries(page.statusCounts)
        .map(([k, v]) => `${escapeHtml(k)} ${v}`)
        .join(' · '),
    ]);
  }
  const skipped = page.skipped.length
    ? `<p class="skipped">Not drawn: ${page.skipped.map((s) => `${escapeHtml(s.name)} (${escapeHtml(s.reason)})`).join('; ')}.</p>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>galspin report: ${escapeHtml(m.modelVersion)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>galspin: fast/slow rotator classification report</h1>
<p>model <code>${escapeHtml(m.modelVersion)}</code> · generated ${escapeHtml(page.generatedAt)} · inputs: ${escapeHtml(page.inputs.model)}${page.inputs.results ? `, ${escapeHtml(page.inputs.results)}` : ''}</p>
</header>
<nav><a href="#summary">Summary</a><a href="#performance">Performance</a><a href="#misclassified">Misclassified</a><a href="#unknown">Unknown galaxies</a><a href="#moran">Moran's I</a><a href="#galaxies">Galaxies</a><a href="#training">Training</a><a href="#card">Model card</a></nav>
<main>
<section id="summary">
<h2>Summary (untouched test split)</h2>
<div class="cards">${cards}</div>
<table><tbody>${dataRows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</tbody></table>
${skipped}
</section>
<section id="performance">
<h2>Performance</h2>
<div class="grid2">${fig('confusion-matrix')}${fig('roc')}</div>
<div class="grid2">${fig('probability-distribution')}${fig('reliability')}</div>
</section>
<section id="misclassified">
<h2>Misclassified test galaxies</h2>
${fig('false-positives')}
${fig('false-negatives')}
${whyNot('false-positives', 'false-negatives')}
</section>
<section id="unknown">
<h2>Unknown galaxies</h2>
${fig('unknown-probabilities')}
${fig('unknown-gallery')}
${whyNot('unknown-probabilities', 'unknown-gallery')}
${uncertainBlock(page)}
</section>
<section id="moran">
<h2>Spatial coherence: Moran's I</h2>
<div class="grid2">${fig('moran-histogram')}${fig('lambda-epsilon')}</div>
${whyNot('moran-histogram', 'lambda-epsilon')}
</section>
<section id="galaxies">
<h2>Interpretability: velocity | Moran scatter | Integrated Gradients</h2>
${fig('combined-fast')}
${fig('combined-slow')}
${fig('attribution-panels')}
${whyNot('combined-fast', 'combined-slow', 'attribution-panels')}
</section>
<section id="training">
<h2>Training</h2>
${fig('training-curves')}
${whyNot('training-curves')}
</section>
<section id="card" class="card-md">
<h2>Model card</h2>
${page.modelCard ? (marked.parse(page.modelCard, { async: false }) as string).replace(/<script[\s\S]*?<\/script>/gi, '') : '<p class="skipped">No model-card.md in the model folder.</p>'}
</section>
</main>
</body>
</html>
`;
}
