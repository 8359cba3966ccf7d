/**
 * What a trace records besides the tape: one StepEvent per statement that writes an array (the BPTT
 * table and Check Backward Pass read them), and the parameters top-level code created.
 */
import type { NodeId, SourceRange } from '../../engine/tape';

export interface StepEvent {
  index: number;
  /** the variable written (`h`; `hs` for `hs[t] = ...` or `hs.append(...)`) */
  name: string;
  /** the constant string key of `grads['W_h'] = ...` */
  key?: string;
  subscripted: boolean;
  op: string;
  range: SourceRange;
  t?: number;
  /** the array after the statement */
  node: NodeId;
  /** `dW += v` / `dW -= v`: v and its sign, the step's contribution */
  increment?: { node: NodeId; sign: 1 | -1 };
  /** the events whose arrays this statement read */
  reads: number[];
  /** the function it ran in ('<module>' at top level) */
  frame: string;
}

export interface ParamInfo {
  name: string;
  id: NodeId;
  range: SourceRange;
  origin: 'assignment' | 'annotation' | 'random';
}
