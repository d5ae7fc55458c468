import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const INDEX = fileURLToPath(new URL('./index.ts', import.meta.url));

/** The package's public surface as a consumer's compiler sees it. */
function exports(): { program: ts.Program; checker: ts.TypeChecker; symbols: ts.Symbol[] } {
  const program = ts.createProgram([INDEX], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!;
  return { program, checker, symbols: checker.getExportsOfModule(module) };
}

const resolved = (symbol: ts.Symbol, checker: ts.TypeChecker): ts.Symbol =>
  symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

/** The summary text of a symbol's TSDoc comment ('' without one; tags alone do not count). */
const summary = (symbol: ts.Symbol, checker: ts.TypeChecker): string =>
  ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();

describe('the public surface of @exam-reservation/domain', () => {
  const { checker, symbols } = exports();

  it('documents every export of the index with a TSDoc comment', () => {
    expect(symbols.length).toBeGreaterThan(40);
    const undocumented = symbols
      .filter((symbol) => summary(resolved(symbol, checker), checker) === '')
      .map((symbol) => symbol.name);
    expect(undocumented, 'exports of packages/domain/src/index.ts without a /** … */ comment').toEqual([]);
  });

  it('documents every field of every kind of SimulationEvent, and of the simulation result', () => {
    const missing: string[] = [];
    for (const name of ['SimulationEvent', 'SimulationResult', 'Refusal']) {
      const symbol = resolved(symbols.find((s) => s.name === name)!, checker);
      const type = checker.getDeclaredTypeOfSymbol(symbol);
      for (const variant of type.isUnion() ? type.types : [type]) {
        const kind = variant.getProperty('type');
        const label = kind ? `${name}(${checker.typeToString(checker.getTypeOfSymbol(kind))})` : name;
        for (const property of variant.getProperties()) {
          if (summary(property, checker) === '') missing.push(`${label}.${property.name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
