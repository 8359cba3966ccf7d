/**
 * What of a selection is the expression: a student selects `$\sigma(wx+b)$`, a Python line
 * `p = sigmoid(w*x + b)  # output`, `h = np.maximum(w_h * h + w_i * x, 0)` or `L = -log(p)`; the
 * math is what is left after the delimiters, a comment marker, `np.` and a leading `name =`. Its
 * offset keeps node spans on the document.
 */

export interface SelectedExpression {
  expression: string;
  /** offset of `expression` within the selected text */
  offset: number;
  /** the name on the left of `=`, if there was one */
  name?: string;
}

export function expressionFromSelection(text: string): SelectedExpression {
  // a line of numpy: np.exp(z) is exp(z); blanks of the same length keep every offset in place
  const selected = text.replace(/\b(?:np|numpy|math)\./g, (m) => ' '.repeat(m.length));
  let start = 0, end = selected.length;
  const strip = (re: RegExp, fromEnd = false): boolean => {
    const part = selected.slice(start, end);
    const m = re.exec(part);
    if (!m) return false;
    if (fromEnd) end = start + m.index;
    else start += m[0].length;
    return true;
  };
  const trim = (): void => {
    while (start < end && /\s/.test(selected[start])) start++;
    while (end > start && /\s/.test(selected[end - 1])) end--;
  };
  trim();
  strip(/^#+\s*(check:\s*)?/i); // a Python comment or "# check:"
  trim();
  // math delimiters and code spans, in pairs
  for (const [open, close] of [['$$', '$$'], ['$', '$'], ['\\[', '\\]'], ['\\(', '\\)'], ['`', '`']]) {
    const part = selected.slice(start, end);
    if (part.startsWith(open) && part.endsWith(close) && part.length >= open.length + close.length) {
      start += open.length;
      end -= close.length;
      trim();
      break;
    }
  }
  strip(/\s+#.*$/s, true); // a trailing Python comment
  trim();
  let name: string | undefined;
  const assign = /^([A-Za-z_\\][\w{}\\^]*)\s*=(?!=)\s*/.exec(selected.slice(start, end));
  if (assign && !/[()]/.test(assign[1])) {
    name = assign[1];
    start += assign[0].length;
  }
  return { expression: selected.slice(start, end), offset: start, ...(name !== undefined ? { name } : {}) };
}
