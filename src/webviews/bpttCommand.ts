/**
 * "Gradient Lens: Step Through BPTT": the selected sentence (or one typed in, the lecture's by
 * default) into the BPTT panel. A selection that is code or too long gets a clear message first.
 */
import * as vscode from 'vscode';
import { InputError, sentenceWords } from '../frontends/sentenceBptt';
import { BpttPanel } from './bpttPanel';
import { defaultOptions, settings } from './settings';

export const LECTURE_SENTENCE = 'llama llama red pajama';

function problem(text: string): string | undefined {
  try {
    sentenceWords(defaultOptions(text), settings().maxSequenceLength);
    return undefined;
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
}

export async function stepThroughBptt(extensionUri: vscode.Uri): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  let text = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  if (text === undefined) {
    text = await vscode.window.showInputBox({
      title: 'Gradient Lens: Step Through BPTT',
      prompt: 'A sentence for the RNN classifier',
      value: LECTURE_SENTENCE,
      validateInput: (v) => problem(v) ?? null,
    });
    if (text === undefined) return;
  }
  const why = problem(text);
  if (why) {
    void vscode.window.showWarningMessage(why);
    return;
  }
  BpttPanel.show(extensionUri, defaultOptions(text));
}
