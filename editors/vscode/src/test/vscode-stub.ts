// A stand-in for the `vscode` module, enough for the command tests: it
// records what the extension shows and opens, and answers quick picks as
// the test says. Bundled in place of `vscode` (esbuild --alias).

export const calls: { kind: string; args: unknown[] }[] = [];
export const answers: { quickPick?: (items: { label: string; description?: string }[]) => unknown } = {};

export class Uri {
  private constructor(private readonly value: string) {}
  static parse(value: string): Uri {
    return new Uri(value);
  }
  toString(): string {
    return this.value;
  }
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
}

interface Editor {
  document: { uri: Uri; languageId: string };
  selection: { active: { line: number; character: number } };
}

export const window = {
  activeTextEditor: undefined as Editor | undefined,
  showErrorMessage: async (...args: unknown[]) => void calls.push({ kind: 'error', args }),
  showInformationMessage: async (...args: unknown[]) => void calls.push({ kind: 'info', args }),
  showQuickPick: async (items: { label: string; description?: string }[], options: unknown) => {
    calls.push({ kind: 'quickPick', args: [items, options] });
    return answers.quickPick?.(items);
  },
  showTextDocument: async (...args: unknown[]) => void calls.push({ kind: 'show', args }),
};

export const workspace = {
  openTextDocument: async (options: { language: string; content: string }) => {
    calls.push({ kind: 'open', args: [options] });
    return { options };
  },
};

// Whatever else vscode-languageclient touches while it loads.
export class CodeLens {}
export class CompletionItem {}
export class CodeAction {}
export class Diagnostic {}
export class CallHierarchyItem {}
export class TypeHierarchyItem {}
export class SymbolInformation {}
export class DocumentLink {}
export class InlayHint {}
export class WorkspaceSymbol {}
export class CancellationError extends Error {}
export class Disposable {
  static from(): Disposable {
    return new Disposable();
  }
  dispose(): void {}
}
export class EventEmitter {
  event = () => new Disposable();
  fire(): void {}
  dispose(): void {}
}
