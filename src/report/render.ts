/**
 * Chart rendering: Vega-Lite spec → Vega → SVG (vega's headless SVG renderer) → PNG (resvg).
 * Text is drawn with the DejaVu Sans subset bundled in ./fonts, never with system fonts, so a
 * figure looks the same on a laptop, in CI and in a container without any font package.
 */
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { GalspinError } from '../errors.ts';

export const FONT_FAMILY = 'DejaVu Sans';
export const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) =>
  fileURLToPath(new URL(`./fonts/${f}`, import.meta.url)),
);

/** A rendered figure: PNG bytes always, the SVG source when the figure is vector. */
export interface Figure {
  /** File stem, e.g. `confusion-matrix`. */
  name: string;
  /** One-line caption for the report. */
  caption: string;
  png: Uint8Array;
  /** Omitted for raster-heavy figures (maps), where an SVG would only wrap the PNG. */
  svg?: string;
  /** PNG size in pixels. */
  width: number;
  height: number;
  /** CSS size (the SVG's own size); PNG pixels = css × scale. */
  cssWidth: number;
  cssHeight: number;
}

export class FigureError extends GalspinError {
  override name = 'FigureError';
}

/** Shared look: one font, quiet grid, the paper's two classes in fixed colours. */
export const THEME = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 8,
  title: { fontSize: 14, font: FONT_FAMILY, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555' },
  axis: {
    labelFont: FONT_FAMILY,
    titleFont: FONT_FAMILY,
    labelFontSize: 11,
    titleFontSize: 12,
    gridColor: '#eee',
  },
  legend: { labelFont: FONT_FAMILY, titleFont: FONT_FAMILY, labelFontSize: 11, titleFontSize: 11 },
  header: { labelFont: FONT_FAMILY, titleFont: FONT_FAMILY },
  text: { font: FONT_FAMILY },
  view: { stroke: '#ccc' },
} as const;

/** Fast rotators blue, slow rotators orange, everywhere. */
export const CLASS_COLOURS = { fast: '#1f77b4', slow: '#e6550d', unknown: '#7f7f7f' } as const;

/** Vega-Lite → SVG string, fonts pinned to the bundled family. */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const withTheme = {
    ...spec,
    config: { ...THEME, ...(spec as { config?: object }).config },
  } as TopLevelSpec;
  const vg = compile(withTheme).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** SVG → PNG at `scale` × the SVG's own size, with the bundled fonts. */
export function svgToPng(svg: string, scale = 2): { png: Uint8Array; width: number; height: number } {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles: FONT_FILES,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  const image = resvg.render();
  return { png: new Uint8Array(image.asPng()), width: image.width, height: image.height };
}

/** Renders a Vega-Lite spec into a {@link Figure}. `vector: false` drops the SVG (raster maps inside). */
export async function renderFigure(
  name: string,
  caption: string,
  spec: TopLevelSpec,
  opts: { scale?: number; vector?: boolean } = {},
): Promise<Figure> {
  const svg = await vegaLiteToSvg(spec);
  const scale = opts.scale ?? 2;
  const { png, width, height } = svgToPng(svg, scale);
  const size = /<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"/.exec(svg);
  const cssWidth = size ? Number(size[1]) : width / scale;
  const cssHeight = size ? Number(size[2]) : height / scale;
  return {
    name,
    caption,
    png,
    svg: opts.vector === false ? undefined : svg,
    width,
    height,
    cssWidth,
    cssHeight,
  };
}
