/**
 * Where a secret comes from. Secrets may be given as an environment variable (`NAME`), a file
 * (`NAME_FILE`, the Docker/Kubernetes secrets convention), or in the JSON config as
 * `{ "env": "NAME" }` / `{ "file": "/run/secrets/x" }`. A literal string in the config file is accepted
 * too (handy locally) but never printed back.
 */
import { readFileSync } from 'node:fs';
import type { ConfigProblems } from './config-problems.js';
import { Secret } from './secret.js';

/** Read `NAME` or `NAME_FILE` from `env`; undefined when neither is set. */
export function secretFromEnv(env: NodeJS.ProcessEnv, name: string, problems: ConfigProblems): Secret | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct !== undefined && direct !== '' && file !== undefined && file !== '') {
    problems.add(name, `set both ${name} and ${name}_FILE; keep one`);
    return undefined;
  }
  if (direct !== undefined && direct !== '') return new Secret(direct);
  if (file !== undefined && file !== '') return readSecretFile(file, `${name}_FILE`, problems);
  return undefined;
}

/** A secret reference from the JSON config: a string, `{ env }` or `{ file }`. */
export function secretFromConfig(value: unknown, where: string, env: NodeJS.ProcessEnv, problems: ConfigProblems): Secret | undefined {
  if (typeof value === 'string') {
    if (value === '') problems.add(where, 'must not be empty');
    else return new Secret(value);
    return undefined;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const reference = value as Record<string, unknown>;
    if (typeof reference['env'] === 'string') {
      const fromEnv = env[reference['env']];
      if (fromEnv === undefined || fromEnv === '') problems.add(where, `the environment variable ${reference['env']} is not set`);
      else return new Secret(fromEnv);
      return undefined;
    }
    if (typeof reference['file'] === 'string') return readSecretFile(reference['file'], where, problems);
  }
  problems.add(where, 'must be a string, { "env": "NAME" } or { "file": "/path" }');
  return undefined;
}

function readSecretFile(path: string, where: string, problems: ConfigProblems): Secret | undefined {
  try {
    // Files written by `echo` or editors end with a newline that is not part of the secret.
    const text = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    if (text === '') {
      problems.add(where, `the file ${path} is empty`);
      return undefined;
    }
    return new Secret(text);
  } catch (error) {
    problems.add(where, `cannot read the file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}
