/**
 * KaTeX as a classic script of its own (dist/webviews/katex.js), for a page that paints before it
 * needs formulas (Explain Gradient): it publishes the math helpers and says it is there.
 */
import * as math from './math';

(globalThis as { gradientLensMath?: typeof math }).gradientLensMath = math;
document.dispatchEvent(new Event('gradient-lens-math'));
