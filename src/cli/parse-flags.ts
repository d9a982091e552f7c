/**
 * Parses argv against a flag table with commander, after the Go spellings
 * have been normalized. Help lists flags the way users type them (`-name`).
 */
import { Command, CommanderError, Option } from 'commander';
import { CpudError } from '../errors.js';
import { normalizeGoFlags, type FlagSpec } from './go-flags.js';
import { versionLine } from './version.js';

export type FlagValues = Record<string, string | boolean | number | undefined>;

export interface ParsedFlags {
  values: FlagValues;
  /** Words after the flags (only when the program takes positionals). */
  positionals: string[];
}

export interface ParseFlagsOptions {
  program: string;
  summary: string;
  usage: string;
  positionals?: boolean;
}

/** Thrown when -h (or -version) was asked for: `text` is what to print, exit 0. */
export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help requested');
  }
}

export function parseFlags(
  argv: readonly string[],
  specs: readonly FlagSpec[],
  options: ParseFlagsOptions,
): ParsedFlags {
  const command = buildCommand(specs, options);
  const normalized = normalizeGoFlags(argv, specs, { stopAtPositional: options.positionals });
  if (normalized.includes('--help')) throw new HelpRequested(command.helpInformation());
  if (specs.some((s) => s.name === 'version') && normalized.includes('--version')) {
    throw new HelpRequested(versionLine(options.program));
  }

  try {
    command.parse(normalized, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander counts the extra words; the user wants to see which.
      const extra = normalized.find((word) => !word.startsWith('-'));
      const message =
        err.code === 'commander.excessArguments' && extra !== undefined
          ? `unexpected argument "${extra}" (${options.program} takes flags only)`
          : err.message.replace(/^error: /, '');
      throw new CpudError('CPUD_ERR_CFG_FLAG', message);
    }
    throw err;
  }

  const raw = command.opts();
  const values: FlagValues = {};
  for (const spec of specs) {
    const value = raw[camel(spec.name)];
    values[spec.name] = spec.type === 'number' && value !== undefined ? Number(value) : value;
  }
  return { values, positionals: command.args };
}

export function helpText(specs: readonly FlagSpec[], options: ParseFlagsOptions): string {
  return buildCommand(specs, options).helpInformation();
}

function buildCommand(specs: readonly FlagSpec[], options: ParseFlagsOptions): Command {
  const command = new Command(options.program)
    .description(options.summary)
    .usage(options.usage)
    .helpOption(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .configureHelp({ optionTerm: goTerm, sortOptions: false });
  if (options.positionals) command.argument('[args...]').passThroughOptions();
  else command.allowExcessArguments(false);

  for (const spec of specs) {
    const term =
      spec.type === 'boolean' ? `--${spec.name}` : `--${spec.name} <${spec.valueName ?? 'VALUE'}>`;
    const option = new Option(term, describe(spec));
    if (spec.default !== undefined) option.default(spec.default);
    command.addOption(option);
    if (spec.type === 'boolean') command.addOption(new Option(`--no-${spec.name}`).hideHelp());
  }
  return command;
}

function describe(spec: FlagSpec): string {
  const aliases = spec.aliases?.length ? ` (also ${spec.aliases.map((a) => `-${a}`).join(', ')})` : '';
  return spec.description + aliases;
}

// commander's own term is `--name <value>`; our users type `-name VALUE`.
function goTerm(option: Option): string {
  return option.flags.replace(/^--/, '-').replace(/<([^>]*)>/, '$1');
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

