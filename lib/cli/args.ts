/**
 * A small flag parser for the `hop` command line: `--flag value` and `--flag=value`, negative numbers
 * included (`--beta -1`, `--scores=-2,0,0.5`), with typed getters that name the flag in every error.
 *
 * @module
 */

/** Parsed flags and positional arguments. */
export interface Args {
  /** Arguments that are not flags (the command name first). */
  positional: string[];
  /** Flags by name; `null` for a flag given without a value. */
  flags: Map<string, string | null>;
}

/**
 * Parses argv. A token after `--flag` is its value unless it is itself a flag (`--x`); a lone `--flag` at the
 * end or before another flag has no value (`null`), which every getter but `has` refuses.
 *
 * @example
 * ```ts
 * import { parseArgs } from "./args.ts";
 * import assert from "node:assert/strict";
 * const a = parseArgs(["map", "--scores=-2,0,0.5", "--beta", "-1"]);
 * assert.equal(a.flags.get("scores"), "-2,0,0.5");
 * assert.equal(a.flags.get("beta"), "-1");
 * ```
 */
export function parseArgs(argv: string[]): Args {
  const positional: string[] = [], flags = new Map<string, string | null>();
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith("--")) {
      positional.push(token);
      continue;
    }
    const eq = token.indexOf("=");
    const name = eq >= 0 ? token.slice(2, eq) : token.slice(2);
    if (!name) throw new RangeError(`Cannot parse arguments: empty flag name: ${token}`);
    if (flags.has(name)) throw new RangeError(`Cannot parse arguments: flag given twice: --${name}`);
    if (eq >= 0) flags.set(name, token.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) flags.set(name, argv[++i]);
    else flags.set(name, null);
  }
  return { positional, flags };
}

/** Typed access to flags, with an allow-list so that misspelt flags are errors, not silent defaults. */
export class Flags {
  readonly #flags: Map<string, string | null>;
  readonly #command: string;
  constructor(args: Args, command: string, allowed: string[]) {
    this.#flags = args.flags;
    this.#command = command;
    for (const name of args.flags.keys()) {
      if (!allowed.includes(name)) {
        throw new RangeError(
          `Cannot run ${command}: unknown flag --${name} (allowed: ${
            allowed.map((a) => "--" + a).join(" ")
          })`,
        );
      }
    }
  }
  /** The raw value of a flag, or undefined when absent; a flag given without a value is an error. */
  #raw(name: string): string | undefined {
    const v = this.#flags.get(name);
    if (v === null) {
      throw new RangeError(`Cannot run ${this.#command}: --${name} needs a value (--${name} VALUE)`);
    }
    return v;
  }
  /** A string flag, or `fallback`; throws if missing and no fallback. */
  string(name: string, fallback?: string): string {
    const v = this.#raw(name) ?? fallback;
    if (v === undefined) throw new RangeError(`Cannot run ${this.#command}: missing flag --${name}`);
    return v;
  }
  /** Whether a flag was given. */
  has(name: string): boolean {
    return this.#flags.has(name);
  }
  /** A finite number flag. */
  number(name: string, fallback?: number): number {
    const raw = this.#raw(name);
    if (raw === undefined) {
      if (fallback === undefined) throw new RangeError(`Cannot run ${this.#command}: missing flag --${name}`);
      return fallback;
    }
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v)) {
      throw new RangeError(
        `Cannot run ${this.#command}: --${name} must be a finite number: --${name}=${raw}`,
      );
    }
    return v;
  }
  /** An integer flag, at most `max` when given (a bound on how long a command may run). */
  integer(name: string, fallback?: number, max = Infinity): number {
    const v = this.number(name, fallback);
    if (!Number.isInteger(v)) {
      throw new RangeError(`Cannot run ${this.#command}: --${name} must be an integer: --${name}=${v}`);
    }
    if (v > max) {
      throw new RangeError(`Cannot run ${this.#command}: --${name} must be at most ${max}: --${name}=${v}`);
    }
    return v;
  }
  /** A comma-separated list of finite numbers. */
  numbers(name: string): number[] {
    const raw = this.string(name);
    return raw.split(",").map((s) => {
      const v = Number(s);
      if (s.trim() === "" || !Number.isFinite(v)) {
        throw new RangeError(
          `Cannot run ${this.#command}: --${name} must be comma-separated finite numbers: --${name}=${raw}`,
        );
      }
      return v;
    });
  }
}
