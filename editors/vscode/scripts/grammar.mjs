// Writes syntaxes/cjo.tmLanguage.json, the TextMate grammar of `.cjo`.
//
// The grammar is generated so that the word lists (declaration keywords,
// types, step kinds, setting values …) are written once, next to the
// compiler sources they mirror, and the regular expressions are readable
// (String.raw, no JSON double escaping). `node scripts/grammar.mjs --check`
// fails when the committed JSON is not what this file generates.
//
// Sources of truth: compiler/syntax/src/lexer.rs (tokens, which `{` opens a
// verbatim SQL body, how SQL strings and comments are skipped inside it),
// compiler/syntax/src/parser/ (what each declaration contains) and
// docs/language.md (setting keys and values).

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const r = String.raw;
const ID = r`[A-Za-z_][A-Za-z0-9_]*`;
const words = (list) => r`\b(?:${list.join('|')})\b`;

/// Words that open a declaration (parser/items.rs, ITEM_KEYWORDS).
const ITEMS = ['source', 'model', 'check', 'journey', 'pipeline', 'fn'];
/// The types of LANGUAGE.md ("Types").
const TYPES = ['bool', 'int', 'float', 'decimal', 'string', 'bytes', 'date', 'timestamp', 'json'];
const DIALECTS = ['bigquery', 'redshift', 'trino'];
const UNITS = r`(?:second|minute|hour|day|week)s?`;
/// Weekdays: a word starting with a day's first three letters, any case
/// (cjo-journey's plan.rs, `weekday`): `mon`, `Thursday`.
const WEEKDAY = r`(?i)\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b`;
/// The check kinds written `name(…)` (parser/items.rs, CHECK_KINDS).
const CHECK_KINDS = ['unique', 'not_null', 'accepted_values', 'references'];
/// Setting values that are words with a fixed meaning (docs/language.md).
const VALUE_WORDS = {
  'constant.language.dialect.cjo': DIALECTS,
  'constant.language.orchestrator.cjo': ['airflow', 'digdag'],
  'constant.language.materialization.cjo': ['table', 'view', 'merge', 'delete_insert'],
  'constant.language.reentry.cjo': ['none', 'unless_goal', 'always'],
  'constant.language.schedule.cjo': ['hourly', 'daily', 'weekly'],
  'constant.language.late-upstream.cjo': ['skip', 'wait', 'fail'],
  'constant.language.boolean.cjo': ['true', 'false'],
};
const VALUE_MODIFIERS = ['cron', 'every', 'at', 'cooldown'];
const BUILTIN_PARAMS = ['run_start', 'run_end', 'run_date'];

const repository = {
  // ---------------------------------------------------------------- comments
  comments: {
    patterns: [{ include: '#doc-comment' }, { include: '#line-comment' }, { include: '#block-comment' }],
  },
  'doc-comment': {
    // `///` documents the next item; `////` is a plain comment (lexer/literals.rs).
    name: 'comment.line.documentation.cjo',
    begin: r`///(?!/)`,
    beginCaptures: { 0: { name: 'punctuation.definition.comment.cjo' } },
    end: r`$`,
    patterns: [{ name: 'markup.inline.raw.cjo', match: "`[^`]*`" }],
  },
  'line-comment': {
    name: 'comment.line.double-slash.cjo',
    begin: r`//`,
    beginCaptures: { 0: { name: 'punctuation.definition.comment.cjo' } },
    end: r`$`,
  },
  'block-comment': {
    // Not nested (docs/language.md).
    name: 'comment.block.cjo',
    begin: r`/\*`,
    end: r`\*/`,
    captures: { 0: { name: 'punctuation.definition.comment.cjo' } },
  },

  // ----------------------------------------------------------------- literals
  strings: {
    patterns: [{ include: '#string-double' }, { include: '#string-single' }, { include: '#quoted-name' }],
  },
  'string-double': {
    // `"…"`: escapes `\" \\ \n \t \r`; strings end at their line.
    name: 'string.quoted.double.cjo',
    begin: r`"`,
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.cjo' } },
    end: r`"|$`,
    endCaptures: { 0: { name: 'punctuation.definition.string.end.cjo' } },
    patterns: [{ include: '#string-escapes' }],
  },
  'string-escapes': {
    patterns: [
      { name: 'constant.character.escape.cjo', match: r`\\["\\ntr]` },
      { name: 'invalid.illegal.escape.cjo', match: r`\\.` },
    ],
  },
  'string-single': {
    // SQL's `'…'` inside expressions, `''` for a quote.
    name: 'string.quoted.single.cjo',
    begin: r`'`,
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.cjo' } },
    end: r`'(?!')|$`,
    endCaptures: { 0: { name: 'punctuation.definition.string.end.cjo' } },
    patterns: [{ name: 'constant.character.escape.cjo', match: r`''` }],
  },
  'quoted-name': {
    // `` `order date` ``: a name that is not an identifier.
    name: 'variable.other.quoted.cjo',
    match: "(`)[^`\\n]*(`)",
    captures: {
      1: { name: 'punctuation.definition.variable.begin.cjo' },
      2: { name: 'punctuation.definition.variable.end.cjo' },
    },
  },
  numbers: {
    patterns: [
      {
        // `5 minutes`, `1 week`, also `5days` (the lexer accepts it).
        name: 'meta.duration.cjo',
        match: r`\b([0-9]+(?:\.[0-9]+)?)\s*(${UNITS})\b`,
        captures: {
          1: { name: 'constant.numeric.integer.cjo' },
          2: { name: 'keyword.other.unit.cjo' },
        },
      },
      {
        // `03:00`, a time of day.
        name: 'constant.numeric.time.cjo',
        match: r`\b[0-9]{1,2}:[0-9]{2}(?![0-9])`,
      },
      {
        // `10%`, `12.5%`: a share.
        match: r`\b([0-9]+(?:\.[0-9]+)?)(%)`,
        name: 'constant.numeric.percentage.cjo',
        captures: { 2: { name: 'keyword.other.unit.percent.cjo' } },
      },
      { name: 'constant.numeric.decimal.cjo', match: r`\b[0-9]+\.[0-9]+\b` },
      { name: 'constant.numeric.integer.cjo', match: r`\b[0-9]+\b` },
    ],
  },
  params: {
    patterns: [
      {
        name: 'variable.language.parameter.cjo',
        match: r`(\$)(?:${BUILTIN_PARAMS.join('|')})\b`,
        captures: { 1: { name: 'punctuation.definition.variable.cjo' } },
      },
      {
        name: 'variable.other.parameter.cjo',
        match: r`(\$)${ID}`,
        captures: { 1: { name: 'punctuation.definition.variable.cjo' } },
      },
    ],
  },

  // -------------------------------------------------------------------- types
  types: {
    patterns: [
      {
        name: 'meta.type.array.cjo',
        begin: r`\b(array)\s*(<)`,
        beginCaptures: {
          1: { name: 'storage.type.array.cjo' },
          2: { name: 'punctuation.definition.typeparameters.begin.cjo' },
        },
        end: r`>`,
        endCaptures: { 0: { name: 'punctuation.definition.typeparameters.end.cjo' } },
        patterns: [{ include: '#comments' }, { include: '#types' }],
      },
      {
        name: 'meta.type.struct.cjo',
        begin: r`\b(struct)\s*(<)`,
        beginCaptures: {
          1: { name: 'storage.type.struct.cjo' },
          2: { name: 'punctuation.definition.typeparameters.begin.cjo' },
        },
        end: r`>`,
        endCaptures: { 0: { name: 'punctuation.definition.typeparameters.end.cjo' } },
        patterns: [
          { include: '#comments' },
          {
            match: r`\b(${ID})\s*(:)`,
            captures: {
              1: { name: 'variable.other.member.cjo' },
              2: { name: 'punctuation.separator.type.cjo' },
            },
          },
          { include: '#types' },
          { name: 'punctuation.separator.comma.cjo', match: ',' },
        ],
      },
      {
        // `decimal(18, 2)`
        match: r`\b(decimal)\s*(\()\s*([0-9]+)\s*(?:(,)\s*([0-9]+)\s*)?(\))`,
        captures: {
          1: { name: 'storage.type.primitive.cjo' },
          2: { name: 'punctuation.brackets.round.cjo' },
          3: { name: 'constant.numeric.integer.cjo' },
          4: { name: 'punctuation.separator.comma.cjo' },
          5: { name: 'constant.numeric.integer.cjo' },
          6: { name: 'punctuation.brackets.round.cjo' },
        },
      },
      { name: 'storage.type.primitive.cjo', match: words(TYPES) },
    ],
  },
  'not-null': {
    match: r`\b(not)\s+(null)\b`,
    captures: { 1: { name: 'storage.modifier.not-null.cjo' }, 2: { name: 'storage.modifier.not-null.cjo' } },
  },

  // -------------------------------------------------------------- expressions
  // Criteria, conditions and defaults: SQL expressions plus event quantifiers.
  expression: {
    patterns: [
      { include: '#comments' },
      { include: '#strings' },
      { include: '#numbers' },
      { include: '#params' },
      { include: '#cast' },
      {
        // `date '2026-01-01'`, `timestamp '…'`
        match: r`\b(date|timestamp)\s+(?=')`,
        captures: { 1: { name: 'storage.type.primitive.cjo' } },
      },
      {
        // `any E where …`, `count E where … >= n`
        match: r`\b(any|count)\s+(${ID})\b(?!\s*\()`,
        captures: {
          1: { name: 'keyword.other.quantifier.cjo' },
          2: { name: 'entity.name.type.relation.cjo' },
        },
      },
      { name: 'keyword.other.quantifier.cjo', match: words(['where', 'within', 'since']) },
      { name: 'constant.language.anchor.cjo', match: words(['journey_start', 'stage_start', 'step_start']) },
      { name: 'keyword.operator.logical.cjo', match: words(['and', 'or', 'not']) },
      { name: 'keyword.operator.word.cjo', match: words(['is', 'in', 'between', 'like', 'as', 'distinct']) },
      { name: 'keyword.control.conditional.cjo', match: words(['case', 'when', 'then', 'else', 'end']) },
      { name: 'constant.language.null.cjo', match: r`(?i)\bnull\b` },
      { name: 'constant.language.boolean.cjo', match: r`(?i)\b(?:true|false)\b` },
      { include: '#function-call' },
      { include: '#qualified-name' },
      { include: '#operators' },
      { include: '#punctuation' },
    ],
  },
  cast: {
    name: 'meta.cast.cjo',
    begin: r`\b(cast)\s*(\()`,
    beginCaptures: {
      1: { name: 'support.function.cast.cjo' },
      2: { name: 'punctuation.brackets.round.cjo' },
    },
    end: r`\)`,
    endCaptures: { 0: { name: 'punctuation.brackets.round.cjo' } },
    patterns: [
      {
        begin: r`\b(as)\b`,
        beginCaptures: { 1: { name: 'keyword.operator.word.cjo' } },
        end: r`(?=\))`,
        patterns: [{ include: '#types' }],
      },
      { include: '#expression' },
    ],
  },
  'function-call': {
    match: r`\b(${ID})\s*(?=\()`,
    captures: { 1: { name: 'entity.name.function.cjo' } },
  },
  'qualified-name': {
    // `o.amount`, `customers.customer_id`
    match: r`\b(${ID})(\.)(?=[A-Za-z_\x60])`,
    captures: {
      1: { name: 'variable.other.object.cjo' },
      2: { name: 'punctuation.accessor.dot.cjo' },
    },
  },
  operators: {
    patterns: [
      { name: 'keyword.operator.arrow.cjo', match: r`->` },
      { name: 'keyword.operator.concat.cjo', match: r`\|\|` },
      { name: 'keyword.operator.comparison.cjo', match: r`==|!=|<>|<=|>=|<|>|=` },
      { name: 'keyword.operator.arithmetic.cjo', match: r`[-+*/%]` },
    ],
  },
  punctuation: {
    patterns: [
      { name: 'punctuation.separator.comma.cjo', match: ',' },
      { name: 'punctuation.terminator.cjo', match: ';' },
      { name: 'punctuation.separator.colon.cjo', match: ':' },
      { name: 'punctuation.brackets.round.cjo', match: r`[()]` },
      { name: 'punctuation.brackets.square.cjo', match: r`[\[\]]` },
      { name: 'punctuation.accessor.dot.cjo', match: r`\.` },
    ],
  },

  // ----------------------------------------------------------------- settings
  // `key = value`; several may share a line, separated by commas. The region
  // ends at the end of the line, or later when a list or call is still open.
  setting: {
    name: 'meta.setting.cjo',
    begin: r`(?:^|(?<=[{,;]))\s*(${ID})\s*(=)(?!=)`,
    beginCaptures: {
      1: { name: 'variable.other.property.setting.cjo' },
      2: { name: 'keyword.operator.assignment.cjo' },
    },
    end: r`$|(?=[,;}])`,
    patterns: [{ include: '#value' }],
  },
  value: {
    patterns: [
      { include: '#comments' },
      { include: '#strings' },
      { include: '#numbers' },
      {
        name: 'meta.list.cjo',
        begin: r`\[`,
        beginCaptures: { 0: { name: 'punctuation.brackets.square.cjo' } },
        end: r`\]`,
        endCaptures: { 0: { name: 'punctuation.brackets.square.cjo' } },
        patterns: [{ include: '#value' }, { name: 'punctuation.separator.comma.cjo', match: ',' }],
      },
      {
        // `incremental(unique_key = [id], lookback = 3 days)`
        name: 'meta.call.cjo',
        begin: r`\b(${ID})\s*(\()`,
        beginCaptures: {
          1: { name: 'support.function.setting.cjo' },
          2: { name: 'punctuation.brackets.round.cjo' },
        },
        end: r`\)`,
        endCaptures: { 0: { name: 'punctuation.brackets.round.cjo' } },
        patterns: [
          {
            match: r`\b(${ID})\s*(=)(?!=)`,
            captures: {
              1: { name: 'variable.other.property.setting.cjo' },
              2: { name: 'keyword.operator.assignment.cjo' },
            },
          },
          { include: '#value' },
          { name: 'punctuation.separator.comma.cjo', match: ',' },
        ],
      },
      ...Object.entries(VALUE_WORDS).map(([name, list]) => ({ name, match: words(list) })),
      { name: 'keyword.other.modifier.cjo', match: words(VALUE_MODIFIERS) },
    ],
  },

  // --------------------------------------------------------------- SQL bodies
  // `sql { … }` and `sql <dialect> { … }`: verbatim SQL. Like the lexer
  // (lexer/sql_body.rs), braces inside SQL strings, quoted names and
  // comments never end the body, and nested `{ … }` are balanced.
  'sql-body': {
    patterns: [
      {
        name: 'meta.sql-body.bigquery.cjo',
        begin: r`\b(sql)\s+(bigquery)\s*(\{)`,
        beginCaptures: {
          1: { name: 'keyword.other.sql.cjo' },
          2: { name: 'constant.language.dialect.cjo' },
          3: { name: 'punctuation.section.embedded.begin.cjo' },
        },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.embedded.end.cjo' } },
        contentName: 'meta.embedded.block.sql',
        patterns: [{ include: '#sql-bigquery' }],
      },
      {
        name: 'meta.sql-body.cjo',
        begin: r`\b(sql)(?:\s+(${ID}))?\s*(\{)`,
        beginCaptures: {
          1: { name: 'keyword.other.sql.cjo' },
          2: { name: 'constant.language.dialect.cjo' },
          3: { name: 'punctuation.section.embedded.begin.cjo' },
        },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.embedded.end.cjo' } },
        contentName: 'meta.embedded.block.sql',
        patterns: [{ include: '#sql' }],
      },
    ],
  },
  sql: {
    patterns: [
      { include: '#sql-comments' },
      { include: '#sql-string-single' },
      { include: '#sql-quoted' },
      { include: '#params' },
      {
        begin: r`\{`,
        beginCaptures: { 0: { name: 'punctuation.section.braces.begin.sql' } },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.braces.end.sql' } },
        patterns: [{ include: '#sql' }],
      },
      { include: 'source.sql' },
    ],
  },
  'sql-bigquery': {
    // BigQuery also has `#` comments, triple quotes and backslash escapes.
    patterns: [
      { name: 'comment.line.number-sign.sql', match: r`#.*$` },
      { include: '#sql-comments' },
      ...["'''", '"""'].map((quote) => ({
        name: 'string.quoted.triple.sql',
        begin: quote,
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.sql' } },
        end: quote,
        endCaptures: { 0: { name: 'punctuation.definition.string.end.sql' } },
        patterns: [{ name: 'constant.character.escape.sql', match: r`\\.` }],
      })),
      {
        name: 'string.quoted.single.sql',
        begin: r`'`,
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.sql' } },
        end: r`'(?!')`,
        endCaptures: { 0: { name: 'punctuation.definition.string.end.sql' } },
        patterns: [{ name: 'constant.character.escape.sql', match: r`\\.|''` }],
      },
      {
        name: 'string.quoted.double.sql',
        begin: r`"`,
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.sql' } },
        end: r`"(?!")`,
        endCaptures: { 0: { name: 'punctuation.definition.string.end.sql' } },
        patterns: [{ name: 'constant.character.escape.sql', match: r`\\.|""` }],
      },
      {
        name: 'string.quoted.other.backtick.sql',
        begin: "`",
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.sql' } },
        end: "`",
        endCaptures: { 0: { name: 'punctuation.definition.string.end.sql' } },
        patterns: [{ name: 'constant.character.escape.sql', match: r`\\.` }],
      },
      { include: '#params' },
      {
        begin: r`\{`,
        beginCaptures: { 0: { name: 'punctuation.section.braces.begin.sql' } },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.braces.end.sql' } },
        patterns: [{ include: '#sql-bigquery' }],
      },
      { include: 'source.sql' },
    ],
  },
  'sql-comments': {
    patterns: [
      {
        name: 'comment.line.double-dash.sql',
        begin: r`--`,
        beginCaptures: { 0: { name: 'punctuation.definition.comment.sql' } },
        end: r`$`,
      },
      {
        name: 'comment.block.sql',
        begin: r`/\*`,
        end: r`\*/`,
        captures: { 0: { name: 'punctuation.definition.comment.sql' } },
      },
    ],
  },
  'sql-string-single': {
    name: 'string.quoted.single.sql',
    begin: r`'`,
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.sql' } },
    end: r`'(?!')`,
    endCaptures: { 0: { name: 'punctuation.definition.string.end.sql' } },
    patterns: [{ name: 'constant.character.escape.sql', match: r`''` }],
  },
  'sql-quoted': {
    patterns: [
      {
        name: 'string.quoted.double.sql',
        begin: r`"`,
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.sql' } },
        end: r`"(?!")`,
        endCaptures: { 0: { name: 'punctuation.definition.string.end.sql' } },
        patterns: [{ name: 'constant.character.escape.sql', match: r`""` }],
      },
      {
        name: 'string.quoted.other.backtick.sql',
        begin: "`",
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.sql' } },
        end: "`",
        endCaptures: { 0: { name: 'punctuation.definition.string.end.sql' } },
      },
    ],
  },

  // ------------------------------------------------------------- declarations
  declarations: {
    patterns: [
      { include: '#source' },
      { include: '#model' },
      { include: '#check' },
      { include: '#journey' },
      { include: '#pipeline' },
      { include: '#function' },
    ],
  },

  source: {
    // `source name = "schema.table" [from catalog] [{ columns and settings }]`
    name: 'meta.source.cjo',
    begin: r`\b(source)\s+(${ID})\s*(=)?`,
    beginCaptures: {
      1: { name: 'keyword.declaration.source.cjo' },
      2: { name: 'entity.name.type.source.cjo' },
      3: { name: 'keyword.operator.assignment.cjo' },
    },
    // Ends after its block; at the end of a `from catalog` line with no
    // block; else (a header being typed) before the next declaration.
    end: r`(?<=\})|(?<=\bcatalog)(?=\s*(?://.*)?$)|(?=^\s*(?:///|${words(ITEMS)}))`,
    patterns: [
      { include: '#comments' },
      { include: '#string-double' },
      {
        match: r`\b(from)\s+(catalog)\b`,
        captures: { 1: { name: 'keyword.other.from.cjo' }, 2: { name: 'keyword.other.catalog.cjo' } },
      },
      {
        name: 'meta.block.source.cjo',
        begin: r`\{`,
        beginCaptures: { 0: { name: 'punctuation.section.block.begin.cjo' } },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.block.end.cjo' } },
        patterns: [
          { include: '#comments' },
          { include: '#setting' },
          {
            // `name: type [not null]`, or `` `売上`: int ``
            name: 'meta.column.cjo',
            begin: r`(?:(${ID})|(\x60)([^\x60\n]*)(\x60))\s*(:)`,
            beginCaptures: {
              1: { name: 'variable.other.member.column.cjo' },
              2: { name: 'punctuation.definition.variable.begin.cjo' },
              3: { name: 'variable.other.member.column.cjo' },
              4: { name: 'punctuation.definition.variable.end.cjo' },
              5: { name: 'punctuation.separator.type.cjo' },
            },
            end: r`$|(?=[,;}])`,
            patterns: [{ include: '#comments' }, { include: '#not-null' }, { include: '#types' }],
          },
          { include: '#punctuation' },
        ],
      },
    ],
  },

  model: {
    name: 'meta.model.cjo',
    begin: r`\b(model)\s+(${ID})`,
    beginCaptures: {
      1: { name: 'keyword.declaration.model.cjo' },
      2: { name: 'entity.name.type.model.cjo' },
    },
    end: r`(?<=\})|(?=^\s*(?:///|${words(ITEMS)}))`,
    patterns: [
      { include: '#comments' },
      {
        name: 'meta.block.model.cjo',
        begin: r`\{`,
        beginCaptures: { 0: { name: 'punctuation.section.block.begin.cjo' } },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.block.end.cjo' } },
        patterns: [
          { include: '#comments' },
          { include: '#sql-body' },
          { include: '#param' },
          { include: '#setting' },
          { include: '#punctuation' },
        ],
      },
    ],
  },
  param: {
    // `param name: type [= default]`
    name: 'meta.param.cjo',
    begin: r`\b(param)\s+(${ID})\s*(:)`,
    beginCaptures: {
      1: { name: 'keyword.declaration.param.cjo' },
      2: { name: 'variable.parameter.cjo' },
      3: { name: 'punctuation.separator.type.cjo' },
    },
    end: r`$|(?=\})`,
    patterns: [
      {
        begin: r`=`,
        beginCaptures: { 0: { name: 'keyword.operator.assignment.cjo' } },
        end: r`$|(?=\})`,
        patterns: [{ include: '#expression' }],
      },
      { include: '#comments' },
      { include: '#types' },
    ],
  },

  check: {
    name: 'meta.check.cjo',
    begin: r`\b(check)\s+(${ID})`,
    beginCaptures: {
      1: { name: 'keyword.declaration.check.cjo' },
      2: { name: 'entity.name.type.model.cjo' },
    },
    end: r`(?<=\})|(?=^\s*(?:///|${words(ITEMS)}))`,
    patterns: [
      { include: '#comments' },
      {
        name: 'meta.block.check.cjo',
        begin: r`\{`,
        beginCaptures: { 0: { name: 'punctuation.section.block.begin.cjo' } },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.block.end.cjo' } },
        patterns: [
          { include: '#comments' },
          {
            match: r`\b(expect)\b`,
            captures: { 1: { name: 'keyword.other.expect.cjo' } },
          },
          {
            match: r`\b(${CHECK_KINDS.join('|')})\s*(?=\()`,
            captures: { 1: { name: 'support.function.check.cjo' } },
          },
          { include: '#expression' },
        ],
      },
    ],
  },

  pipeline: {
    name: 'meta.pipeline.cjo',
    begin: r`\b(pipeline)\s+(${ID})`,
    beginCaptures: {
      1: { name: 'keyword.declaration.pipeline.cjo' },
      2: { name: 'entity.name.type.pipeline.cjo' },
    },
    end: r`(?<=\})|(?=^\s*(?:///|${words(ITEMS)}))`,
    patterns: [
      { include: '#comments' },
      {
        name: 'meta.block.pipeline.cjo',
        begin: r`\{`,
        beginCaptures: { 0: { name: 'punctuation.section.block.begin.cjo' } },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.block.end.cjo' } },
        patterns: [{ include: '#comments' }, { include: '#setting' }, { include: '#punctuation' }],
      },
    ],
  },

  function: {
    // `fn name<T>(a: T, rest: string...) -> T { bigquery = "…{a}…" }`
    name: 'meta.function.cjo',
    begin: r`\b(fn)\s+(${ID})`,
    beginCaptures: {
      1: { name: 'keyword.declaration.function.cjo' },
      2: { name: 'entity.name.function.cjo' },
    },
    end: r`(?<=\})|(?=^\s*(?:///|${words(ITEMS)}))`,
    patterns: [
      { include: '#comments' },
      {
        name: 'meta.type-parameters.cjo',
        begin: r`<`,
        beginCaptures: { 0: { name: 'punctuation.definition.typeparameters.begin.cjo' } },
        end: r`>`,
        endCaptures: { 0: { name: 'punctuation.definition.typeparameters.end.cjo' } },
        patterns: [
          { name: 'entity.name.type.parameter.cjo', match: ID },
          { name: 'punctuation.separator.comma.cjo', match: ',' },
        ],
      },
      {
        name: 'meta.function.parameters.cjo',
        begin: r`\(`,
        beginCaptures: { 0: { name: 'punctuation.brackets.round.cjo' } },
        end: r`\)`,
        endCaptures: { 0: { name: 'punctuation.brackets.round.cjo' } },
        patterns: [
          { include: '#comments' },
          {
            match: r`\b(${ID})\s*(:)`,
            captures: {
              1: { name: 'variable.parameter.cjo' },
              2: { name: 'punctuation.separator.type.cjo' },
            },
          },
          { include: '#fn-type' },
          { name: 'keyword.operator.variadic.cjo', match: r`\.\.\.` },
          { name: 'punctuation.separator.comma.cjo', match: ',' },
        ],
      },
      {
        begin: r`->`,
        beginCaptures: { 0: { name: 'keyword.operator.arrow.cjo' } },
        end: r`(?=\{)|$`,
        patterns: [{ include: '#comments' }, { include: '#fn-type' }],
      },
      {
        name: 'meta.block.function.cjo',
        begin: r`\{`,
        beginCaptures: { 0: { name: 'punctuation.section.block.begin.cjo' } },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.block.end.cjo' } },
        patterns: [
          { include: '#comments' },
          {
            // `bigquery = "TIMESTAMP_ADD({t}, …)"`: one template per dialect.
            begin: r`\b(?:(${[...DIALECTS, 'default'].join('|')})|(${ID}))\s*(=)`,
            beginCaptures: {
              1: { name: 'constant.language.dialect.cjo' },
              2: { name: 'variable.other.property.setting.cjo' },
              3: { name: 'keyword.operator.assignment.cjo' },
            },
            end: r`$|(?=[,;}])`,
            patterns: [{ include: '#comments' }, { include: '#template-string' }],
          },
          { include: '#punctuation' },
        ],
      },
    ],
  },
  'fn-type': {
    patterns: [
      { include: '#types' },
      // Any other name in a signature is one of the type parameters.
      { name: 'entity.name.type.parameter.cjo', match: r`\b${ID}\b` },
    ],
  },
  'template-string': {
    name: 'string.quoted.double.template.cjo',
    begin: r`"`,
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.cjo' } },
    end: r`"|$`,
    endCaptures: { 0: { name: 'punctuation.definition.string.end.cjo' } },
    patterns: [
      { include: '#string-escapes' },
      { name: 'constant.character.escape.brace.cjo', match: r`\{\{|\}\}` },
      {
        // `{t}` or `{parts| || }`: a parameter, and a variadic's separator.
        name: 'meta.template.placeholder.cjo',
        match: r`(\{)(${ID})(?:(\|)([^}"]*))?(\})`,
        captures: {
          1: { name: 'punctuation.definition.template-expression.begin.cjo' },
          2: { name: 'variable.parameter.cjo' },
          3: { name: 'keyword.operator.separator.cjo' },
          5: { name: 'punctuation.definition.template-expression.end.cjo' },
        },
      },
    ],
  },

  // ----------------------------------------------------------------- journeys
  journey: {
    name: 'meta.journey.cjo',
    begin: r`\b(journey)\s+(${ID})`,
    beginCaptures: {
      1: { name: 'keyword.declaration.journey.cjo' },
      2: { name: 'entity.name.type.journey.cjo' },
    },
    end: r`(?<=\})|(?=^\s*(?:///|${words(ITEMS)}))`,
    patterns: [
      { include: '#comments' },
      {
        name: 'meta.block.journey.cjo',
        begin: r`\{`,
        beginCaptures: { 0: { name: 'punctuation.section.block.begin.cjo' } },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.block.end.cjo' } },
        patterns: [
          { include: '#comments' },
          { include: '#stage' },
          { include: '#criterion' },
          { include: '#setting' },
          { include: '#expression' },
        ],
      },
    ],
  },
  criterion: {
    patterns: [
      {
        // `goal name:` and `exit name:` (journey, stage)
        match: r`\b(goal|exit)\s+(${ID})\s*(:)`,
        captures: {
          1: { name: 'keyword.other.criterion.cjo' },
          2: { name: 'entity.name.label.cjo' },
          3: { name: 'punctuation.separator.colon.cjo' },
        },
      },
      {
        // `entry:` and `milestone:` (stage)
        match: r`\b(entry|milestone)\s*(:)`,
        captures: {
          1: { name: 'keyword.other.criterion.cjo' },
          2: { name: 'punctuation.separator.colon.cjo' },
        },
      },
    ],
  },
  stage: {
    name: 'meta.stage.cjo',
    begin: r`\b(stage)\s+(${ID})\s*(\{)`,
    beginCaptures: {
      1: { name: 'keyword.declaration.stage.cjo' },
      2: { name: 'entity.name.namespace.stage.cjo' },
      3: { name: 'punctuation.section.block.begin.cjo' },
    },
    end: r`\}`,
    endCaptures: { 0: { name: 'punctuation.section.block.end.cjo' } },
    patterns: [
      { include: '#comments' },
      { include: '#criterion' },
      { include: '#step' },
      { include: '#step-target' },
      { name: 'keyword.control.timeout.cjo', match: r`\btimeout\b` },
      { include: '#expression' },
    ],
  },
  'step-target': {
    // `-> name`: the step that comes next.
    match: r`(->)\s*(${ID})?`,
    captures: {
      1: { name: 'keyword.operator.arrow.cjo' },
      2: { name: 'entity.name.function.step.cjo' },
    },
  },
  step: {
    patterns: [
      {
        // `step name: wait until weekday mon, thu [-> next]`
        name: 'meta.step.cjo',
        begin: r`\b(step)\s+(${ID})\s*(:)\s*(wait)\s+(until)\s+(weekday)\b`,
        beginCaptures: {
          1: { name: 'keyword.declaration.step.cjo' },
          2: { name: 'entity.name.function.step.cjo' },
          3: { name: 'punctuation.separator.colon.cjo' },
          4: { name: 'keyword.control.step.cjo' },
          5: { name: 'keyword.control.step.cjo' },
          6: { name: 'keyword.control.step.cjo' },
        },
        end: r`$|(?=\})`,
        patterns: [
          { name: 'constant.language.weekday.cjo', match: WEEKDAY },
          { include: '#comments' },
          { include: '#step-target' },
          { include: '#punctuation' },
        ],
      },
      {
        // `step name: decide { when C -> s … else -> s }`
        name: 'meta.step.cjo',
        begin: r`\b(step)\s+(${ID})\s*(:)\s*(decide)\s*(\{)`,
        beginCaptures: {
          1: { name: 'keyword.declaration.step.cjo' },
          2: { name: 'entity.name.function.step.cjo' },
          3: { name: 'punctuation.separator.colon.cjo' },
          4: { name: 'keyword.control.step.cjo' },
          5: { name: 'punctuation.section.block.begin.cjo' },
        },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.block.end.cjo' } },
        patterns: [
          { include: '#comments' },
          { include: '#step-target' },
          { include: '#expression' },
        ],
      },
      {
        // `step name: ab_test { control 10% -> s  variant a 45% -> s }`
        name: 'meta.step.cjo',
        begin: r`\b(step)\s+(${ID})\s*(:)\s*(ab_test)\s*(\{)`,
        beginCaptures: {
          1: { name: 'keyword.declaration.step.cjo' },
          2: { name: 'entity.name.function.step.cjo' },
          3: { name: 'punctuation.separator.colon.cjo' },
          4: { name: 'keyword.control.step.cjo' },
          5: { name: 'punctuation.section.block.begin.cjo' },
        },
        end: r`\}`,
        endCaptures: { 0: { name: 'punctuation.section.block.end.cjo' } },
        patterns: [
          { include: '#comments' },
          { match: r`\b(control)\b`, captures: { 1: { name: 'keyword.control.ab.cjo' } } },
          {
            match: r`\b(variant)\s+(${ID})`,
            captures: {
              1: { name: 'keyword.control.ab.cjo' },
              2: { name: 'entity.name.label.variant.cjo' },
            },
          },
          { include: '#numbers' },
          { include: '#step-target' },
          { include: '#punctuation' },
        ],
      },
      {
        // `step name: jump stage` or `jump journey.stage`
        match: r`\b(step)\s+(${ID})\s*(:)\s*(jump)\b(?:\s+(?:(${ID})(\.))?(${ID}))?`,
        name: 'meta.step.cjo',
        captures: {
          1: { name: 'keyword.declaration.step.cjo' },
          2: { name: 'entity.name.function.step.cjo' },
          3: { name: 'punctuation.separator.colon.cjo' },
          4: { name: 'keyword.control.step.cjo' },
          5: { name: 'entity.name.type.journey.cjo' },
          6: { name: 'punctuation.accessor.dot.cjo' },
          7: { name: 'entity.name.namespace.stage.cjo' },
        },
      },
      {
        // `wait until date "…"`, `wait until C timeout D -> s`, `wait D`,
        // `activate "dest"`, `merge`, `end`, and a step being typed.
        match: r`\b(step)\s+(${ID})\s*(:)\s*(?:(wait)\b(?:\s+(until)\b(?:\s+(date)\b(?=\s*"))?)?|(activate|decide|ab_test|merge|end)\b)?`,
        name: 'meta.step.cjo',
        captures: {
          1: { name: 'keyword.declaration.step.cjo' },
          2: { name: 'entity.name.function.step.cjo' },
          3: { name: 'punctuation.separator.colon.cjo' },
          4: { name: 'keyword.control.step.cjo' },
          5: { name: 'keyword.control.step.cjo' },
          6: { name: 'keyword.control.step.cjo' },
          7: { name: 'keyword.control.step.cjo' },
        },
      },
    ],
  },
};

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'cjo',
  scopeName: 'source.cjo',
  fileTypes: ['cjo'],
  comment: 'Generated by scripts/grammar.mjs: edit that file, then run `npm run grammar`.',
  patterns: [
    { include: '#comments' },
    { include: '#declarations' },
    // Outside a recognised declaration (a file being typed, a block whose
    // header is broken) the pieces are still highlighted.
    { include: '#sql-body' },
    { include: '#stage' },
    { include: '#criterion' },
    { include: '#step' },
    { include: '#step-target' },
    { include: '#param' },
    { include: '#setting' },
    { include: '#expression' },
  ],
  repository,
};

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'syntaxes', 'cjo.tmLanguage.json');
const text = JSON.stringify(grammar, null, 2) + '\n';
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {
    // reported below
  }
  if (current !== text) {
    console.error('syntaxes/cjo.tmLanguage.json is not what scripts/grammar.mjs generates: run `npm run grammar`');
    process.exit(1);
  }
  console.log('grammar: syntaxes/cjo.tmLanguage.json is up to date');
} else {
  writeFileSync(out, text);
  console.log(`wrote ${out}`);
}
