/**
 * Go's flag package spells long flags with one dash (`-hostkey FILE`,
 * `-p=17010`, `-dsEnabled=false`), and u-root's users type them that way.
 * commander wants `--name`. This module rewrites Go spellings and aliases
 * into the canonical `--name=value` form before commander sees them, so that
 * both spellings (and `--p`) mean the same thing.
 */
import { CpudError } from '../errors.js';

export type FlagType = 'string' | 'boolean' | 'number';

export interface FlagSpec {
  /** Canonical name, as typed after the dash. */
  name: string;
  type: FlagType;
  description: string;
  default?: string | boolean | number;
  /** Other names accepted for the same flag (the Go daemon's spellings). */
  aliases?: string[];
  /** Placeholder in help, such as FILE or PORT. */
  valueName?: string;
}

export interface NormalizeOptions {
  /** Stop at the first word that is not a flag (the `cpu host cmd...` shape). */
  stopAtPositional?: boolean;
}

/**
 * Returns argv with every flag in the `--canonical[=value]` form and boolean
 * `false` written as `--no-canonical`. Throws CPUD_ERR_CFG_FLAG naming the
 * flag for unknown flags, missing values and bad booleans.
 */
export function normalizeGoFlags(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  options: NormalizeOptions = {},
): string[] {
  const byName = new Map<string, FlagSpec>();
  for (const spec of specs) {
    byName.set(spec.name, spec);
    for (const alias of spec.aliases ?? []) byName.set(alias, spec);
  }

  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      if (options.stopAtPositional) {
        out.push('--', ...argv.slice(i));
        break;
      }
      out.push(word);
      continue;
    }
    if (word === '-h' || word === '--help' || word === '-help') {
      out.push('--help');
      continue;
    }

    const body = word.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const inline = eq < 0 ? undefined : body.slice(eq + 1);
    const spec = byName.get(name);
    if (!spec) throw new CpudError('CPUD_ERR_CFG_FLAG', `unknown flag "-${name}"`);

    if (spec.type === 'boolean') {
      out.push(booleanWord(spec, inline));
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) {
        throw new CpudError('CPUD_ERR_CFG_FLAG', `flag "-${name}" needs a value`);
      }
      value = argv[++i];
    }
    if (spec.type === 'number' && !/^-?\d+$/.test(value)) {
      throw new CpudError(
        'CPUD_ERR_CFG_FLAG',
        `flag "-${name}": "${value}" is not a whole number`,
      );
    }
    out.push(`--${spec.name}=${value}`);
  }
  return out;
}

function booleanWord(spec: FlagSpec, inline: string | undefined): string {
  if (inline === undefined) return `--${spec.name}`;
  // The spellings Go's strconv.ParseBool accepts.
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(inline)) return `--${spec.name}`;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(inline)) return `--no-${spec.name}`;
  throw new CpudError(
    'CPUD_ERR_CFG_FLAG',
    `flag "-${spec.name}": "${inline}" is not a boolean (use true or false)`,
  );
}
