// The custom requests of `cjoc lsp` (see docs/lsp.md in the cjo repository).

import { RequestType } from 'vscode-languageclient/node';

export type Dialect = 'bigquery' | 'redshift' | 'trino';

export interface Position {
  line: number;
  character: number;
}

/// `cjo/compiledSql`: the SQL that `cjoc build` writes for one model. The
/// model is the one `name` names, else the one at `position` in `uri`.
export interface CompiledSqlParams {
  uri: string;
  position?: Position;
  name?: string;
  /// When absent, the model's own target.
  dialect?: Dialect;
}

export interface CompiledSqlResult {
  name: string;
  dialect: string;
  sql: string;
  /// Where `cjoc build` writes this SQL, relative to the project.
  path?: string;
  /// Every dialect the model compiles for (a model written in one dialect,
  /// `sql bigquery { … }`, compiles for that one only).
  dialects?: string[];
}

export const compiledSqlRequest = new RequestType<CompiledSqlParams, CompiledSqlResult | null, void>(
  'cjo/compiledSql',
);
