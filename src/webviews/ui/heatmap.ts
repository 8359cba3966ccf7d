/**
 * A matrix as a heatmap on one canvas (a 512 x 512 matrix is one image, not 262,144 DOM
 * cells): word labels on both axes, thinned when they would overlap; colours from the theme
 * (diverging around 0 for similarities); the value under the pointer reported by callback.
 */
import type { Matrix } from '../../frontends/sentenceAttention';
import { cssVar } from './dom';

export interface HeatmapOptions {
  /** the rows' labels (and the columns', unless colLabels is given) */
  labels: readonly string[];
  /** the columns' labels, for a matrix whose columns are not its rows (a code's softmax of any shape) */
  colLabels?: readonly string[];
  /** 'sequential' for probabilities (the absolute scale [0, 1]), 'diverging' around 0 for similarities */
  scale: 'sequential' | 'diverging';
  /** the highlighted row (a query word), if any */
  row?: number | null;
  /** pixel size of the plot area's longer side (all of it for a square matrix) */
  size: number;
  /** no labels, no numbers (the side view) */
  compact?: boolean;
}

export interface Cell {
  i: number;
  j: number;
  value: number;
}

const MARGIN = 78;

const parsed = new Map<string, [number, number, number]>();
/** one offscreen canvas for the n x n image, reused */
const off = document.createElement('canvas');

/** A theme colour as RGB: VS Code's variables are #hex or rgb(); anything else goes through a canvas once. */
function themeRgb(name: string, fallback: string): [number, number, number] {
  const css = cssVar(name, fallback);
  let rgb = parsed.get(css);
  if (rgb) return rgb;
  const hex = /^#([0-9a-f]{3,8})$/i.exec(css)?.[1];
  const fn = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(css);
  if (hex && (hex.length === 6 || hex.length === 8)) rgb = [0, 2, 4].map((k) => parseInt(hex.slice(k, k + 2), 16)) as [number, number, number];
  else if (hex && (hex.length === 3 || hex.length === 4)) rgb = [0, 1, 2].map((k) => parseInt(hex[k] + hex[k], 16)) as [number, number, number];
  else if (fn) rgb = [Number(fn[1]), Number(fn[2]), Number(fn[3])];
  else {
    const c = document.createElement('canvas').getContext('2d')!;
    c.fillStyle = fallback;
    c.fillStyle = css; // an unparseable value leaves the fallback
    c.fillRect(0, 0, 1, 1);
    const d = c.getImageData(0, 0, 1, 1).data;
    rgb = [d[0], d[1], d[2]];
  }
  parsed.set(css, rgb);
  return rgb;
}

/** Draws the heatmap; returns a function from a pointer position (CSS pixels) to the cell under it. */
export function drawHeatmap(canvas: HTMLCanvasElement, M: Matrix, o: HeatmapOptions): (x: number, y: number) => Cell | null {
  const n = M.rows, m = M.cols, margin = o.compact ? 0 : MARGIN;
  const cell = o.size / Math.max(n, m), plotW = m * cell, plotH = n * cell;
  const dpr = window.devicePixelRatio || 1;
  const W = margin + plotW, H = margin + plotH;
  // resizing reallocates the canvas: only when the size changed (setting it also clears it)
  if (canvas.width !== Math.round(W * dpr)) canvas.width = Math.round(W * dpr);
  if (canvas.height !== Math.round(H * dpr)) canvas.height = Math.round(H * dpr);
  canvas.style.width = `${W}px`; // CSSOM, allowed by the CSP (unlike a style attribute in markup)
  canvas.style.height = `${H}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, W, H);

  const bg = themeRgb('--vscode-editor-background', '#1e1e1e');
  const pos = themeRgb('--vscode-charts-blue', '#3794ff');
  const neg = themeRgb('--vscode-charts-red', '#f14c4c');
  const fg = cssVar('--vscode-foreground', '#cccccc');
  let lo = Infinity, hi = -Infinity;
  for (const v of M.data) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  // probabilities on the absolute [0, 1] scale, so layers compare (rows blurring to 1/n show as such);
  // similarities diverge around 0, scaled to the largest magnitude
  const span = o.scale === 'diverging' ? Math.max(Math.abs(lo), Math.abs(hi), 1e-12) : 1;

  // one pixel per entry, then scaled up without smoothing: colours from a 256-step table (sqrt
  // scale, so small weights stay visible), written as packed RGBA with no allocation per pixel
  const lut = (c: [number, number, number]) => Uint32Array.from({ length: 256 }, (_v, q) => {
    const t = Math.sqrt(q / 255);
    const ch = (k: number) => Math.round(bg[k] + (c[k] - bg[k]) * t);
    return (255 << 24) | (ch(2) << 16) | (ch(1) << 8) | ch(0); // little-endian RGBA
  });
  const up = lut(pos), down = o.scale === 'diverging' ? lut(neg) : up;
  const img = new ImageData(m, n);
  const px = new Uint32Array(img.data.buffer);
  for (let k = 0; k < n * m; k++) {
    const v = M.data[k];
    const q = Number.isFinite(v) ? Math.min(255, Math.round((Math.abs(v) / span) * 255)) : 0;
    px[k] = v < 0 ? down[q] : up[q];
  }
  if (off.width !== m || off.height !== n) { off.width = m; off.height = n; }
  off.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, margin, margin, plotW, plotH);

  if (o.row !== null && o.row !== undefined) {
    ctx.strokeStyle = cssVar('--vscode-focusBorder', '#007fd4');
    ctx.lineWidth = 2;
    ctx.strokeRect(margin + 1, margin + o.row * cell + 1, plotW - 2, Math.max(cell - 2, 1));
  }
  if (!o.compact) {
    ctx.fillStyle = fg;
    ctx.font = '11px sans-serif';
    const every = Math.max(1, Math.ceil(13 / cell)); // thin the labels so they never overlap
    const short = (l: string) => (l.length > 10 ? `${l.slice(0, 9)}…` : l), cols = o.colLabels ?? o.labels;
    ctx.textBaseline = 'middle';
    for (let i = 0; i < n; i += every) {
      ctx.textAlign = 'right';
      ctx.fillText(short(o.labels[i]), margin - 4, margin + (i + 0.5) * cell);
    }
    for (let j = 0; j < m; j += every) {
      ctx.save();
      ctx.translate(margin + (j + 0.5) * cell, margin - 4);
      ctx.rotate(-Math.PI / 3);
      ctx.textAlign = 'left';
      ctx.fillText(short(cols[j]), 0, 0);
      ctx.restore();
    }
    if (cell >= 34) {
      // numbers in the cells when they fit
      ctx.textAlign = 'center';
      ctx.font = '10px sans-serif';
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
        const v = M.data[i * m + j];
        ctx.fillText(Math.abs(v) >= 100 ? v.toExponential(1) : v.toFixed(2), margin + (j + 0.5) * cell, margin + (i + 0.5) * cell);
      }
    }
  }
  return (x, y) => {
    const i = Math.floor((y - margin) / cell), j = Math.floor((x - margin) / cell);
    return i >= 0 && j >= 0 && i < n && j < m ? { i, j, value: M.data[i * m + j] } : null;
  };
}
