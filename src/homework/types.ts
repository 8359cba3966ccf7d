/**
 * The plain-JSON shapes the homework checker hands to its adapters (diagnostics, CodeLens, hover,
 * CLI): what the extractor found in a document and what the check concluded for each claim.
 */
import type { Expr } from '../frontends/expression';

/** The file types the checker reads; a notebook is a list of Markdown and Python cells. */
export type DocKind = 'md' | 'tex' | 'txt' | 'py' | 'ipynb';

/** How much a wrong claim's result says: right/wrong only, the diagnosis, or also the answer. */
export type Feedback = 'verdict' | 'hint' | 'full';

/** 0-based line and column of both ends, relative to the cell's source in a notebook. */
export interface DocRange {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  /** the notebook cell index (0-based), absent outside notebooks */
  cell?: number;
}

export type MistakeCode =
  | 'sign-error'
  | 'constant-factor'
  | 'missing-chain-factor'
  | 'dropped-relu-mask'
  | 'missing-activation-derivative'
  | 'missing-sum-term'
  | 'treated-as-constant'
  | 'no-dependence'
  | 'counterexample'
  | 'parse-error'
  | 'undefined-name'
  | 'too-few-points';

export interface Counterexample {
  point: Record<string, number>;
  claimed: number;
  actual: number;
}

export interface ClaimResult {
  range: DocRange;
  /** the left side as written, e.g. "dL/dw_h" or "\frac{d}{dx}\left(x^2\right)" */
  lhs: string;
  /** the right side as written */
  claim: string;
  verdict: 'correct' | 'incorrect' | 'error';
  mistake?: MistakeCode;
  message: string;
  counterexample?: Counterexample;
  /** valid points both sides were compared at */
  points: number;
  /** max over the points of |claim - truth| / (|truth| + atol/rtol): at most rtol means equal */
  worstRelError: number;
  /** the correct derivative, only with feedback 'full' */
  correct?: { text: string; latex: string };
  /** the left side's function with the definitions substituted, for Explain Gradient */
  explain?: { expression: string; wrt: string };
  /** true when the symbolic derivative is literally the claim (a cheap second opinion) */
  symbolic?: boolean;
}

export interface CheckSummary {
  total: number;
  correct: number;
  incorrect: number;
  error: number;
}

/** What the extractor finds, in document order. */
export type Item =
  | { type: 'definition'; name: string; expr: Expr; range: DocRange }
  | {
      type: 'claim';
      lhs: string;
      claim: string;
      /** the function differentiated: a defined name (dL/dw) or an expression (d/dx (...)) */
      fn: { name: string } | { expr: Expr };
      wrt: string;
      rhs: Expr;
      range: DocRange;
      /** found inside a sentence: dropped silently when its names are not defined */
      loose?: boolean;
    }
  | { type: 'domain'; names: string[] | null; lo: number; hi: number; range: DocRange }
  | { type: 'error'; lhs: string; claim: string; message: string; range: DocRange };
