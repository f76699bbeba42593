// Owns: the list of commands the CLI offers, in help order. Each command is a light yargs definition in its own module
// (shared flags in ../flags.ts, printing in ../output.ts) whose handler `await import()`s its action, so start-up
// loads no engine code. Add one line per command. Must not: import anything heavy.

import type { AnyCommand } from '../flags.js';
import { template } from './template.js';
import { lint } from './lint.js';
import { show } from './show.js';
import { packageCommand } from './package.js';
import { repo } from './repo.js';
import { search } from './search.js';
import { pull } from './pull.js';
import { dependency } from './dependency.js';
import { verify } from './verify.js';
import { install } from './install.js';
import { upgrade } from './upgrade.js';
import { rollback } from './rollback.js';
import { uninstall } from './uninstall.js';
import { history } from './history.js';
import { status } from './status.js';
import { list } from './list.js';
import { get } from './get.js';
import { diff } from './diff.js';
import { test } from './test.js';
import { hashPassword } from './hash-password.js';
import { push } from './push.js';
import { registry } from './registry.js';
import { completion } from './completion.js';
import { env } from './env.js';
import { versionCommand } from './version.js';
import { create } from './create.js';

export const commands: AnyCommand[] = [
  create, template, lint, show,
  packageCommand, repo, search, pull, dependency, verify,
  install, upgrade, rollback, uninstall, test, history, status, list, get, diff,
  hashPassword,
  push, registry,
  completion, env, versionCommand,
];
