/**
 * The one error the Python front end throws: it names the construct and where it is, so the editor
 * can put a diagnostic on it and the CLI can print `line N: ...` instead of a wrong answer.
 */
import type { SourceRange } from '../../engine/tape';

/** unsupported: outside the documented subset; runtime: Python would fail too; limit: a resource cap. */
export type PyErrorKind = 'unsupported' | 'runtime' | 'limit' | 'syntax';

export class PythonError extends Error {
  constructor(
    readonly kind: PyErrorKind,
    readonly detail: string,
    /** 0-based, like every SourceRange; `line + 1` is what an editor shows */
    readonly range: SourceRange,
  ) {
    super(`line ${range.line + 1}: ${detail}`);
  }
  get line(): number {
    return this.range.line;
  }
  get col(): number {
    return this.range.col;
  }
}
