/**
 * The commands that take a sentence: the selection, or one typed in (the lecture's by default).
 * A selection that is code, empty or too long gets a clear message before any panel opens.
 */
import * as vscode from 'vscode';
import { InputError } from '../frontends/sentence';

export const LECTURE_SENTENCE = 'llama llama red pajama';

/** `check` throws an InputError saying what is wrong with the text, or returns normally. */
export async function sentenceCommand(title: string, check: (text: string) => void, open: (text: string) => void): Promise<void> {
  const problem = (text: string): string | undefined => {
    try {
      check(text);
      return undefined;
    } catch (e) {
      if (e instanceof InputError) return e.message;
      throw e;
    }
  };
  const editor = vscode.window.activeTextEditor;
  let text = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  if (text === undefined) {
    text = await vscode.window.showInputBox({ title, prompt: 'A sentence', value: LECTURE_SENTENCE, validateInput: (v) => problem(v) ?? null });
    if (text === undefined) return;
  }
  const why = problem(text);
  if (why) {
    void vscode.window.showWarningMessage(why);
    return;
  }
  open(text);
}
