// skipHelpCache: yargs 18 builds the whole help text after starting a command's handler; kfchart turns that off.
// The first test proves the hook is live in the installed yargs (so the saving is real), the second that the patch
// removes the work, the third that --help still prints the full text.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import yargs from 'yargs';
import { skipHelpCache } from '../../../engine/cli/help-cache.js';

type Usage = { cacheHelpMessage: () => void; help: () => string };
const usageOf = (cli: unknown): Usage =>
  (cli as { getInternalMethods: () => { getUsageInstance: () => Usage } }).getInternalMethods().getUsageInstance();

function makeCli(argv: string[], ran: string[]) {
  return yargs(argv)
    .scriptName('kf')
    .option('verbose', { type: 'boolean', description: 'talk more' })
    .command('go <what>', 'go somewhere', (y) => y.positional('what', { type: 'string' }), (a) => {
      ran.push(String(a.what));
    })
    .exitProcess(false);
}

/** Counts calls of usage.help() (what cacheHelpMessage runs) during a parse. */
async function helpBuilds(cli: ReturnType<typeof makeCli>): Promise<number> {
  const usage = usageOf(cli);
  const help = usage.help;
  let n = 0;
  usage.help = function (this: unknown) {
    n++;
    return help.call(this);
  };
  await cli.parseAsync();
  return n;
}

test('yargs builds the help text when a command runs (the hook skipHelpCache removes is live)', async () => {
  const ran: string[] = [];
  const cli = makeCli(['go', 'home'], ran);
  assert.is(typeof usageOf(cli).cacheHelpMessage, 'function');
  assert.is(await helpBuilds(cli), 1);
  assert.equal(ran, ['home']);
});

test('skipHelpCache: the command runs and no help text is built', async () => {
  const ran: string[] = [];
  const cli = makeCli(['go', 'away'], ran);
  assert.is(skipHelpCache(cli), true);
  assert.is(await helpBuilds(cli), 0);
  assert.equal(ran, ['away']);
});

test('skipHelpCache: --help still prints the full help', async () => {
  const cli = makeCli(['go', '--help'], []);
  skipHelpCache(cli);
  let printed = '';
  await cli.parseAsync(['go', '--help'], {}, (_err, _argv, out) => {
    printed = out;
  });
  assert.match(printed, /go somewhere/);
  assert.match(printed, /--verbose/);
});

test('skipHelpCache leaves an object without the yargs internals alone', () => {
  assert.is(skipHelpCache({}), false);
  assert.is(skipHelpCache({ getInternalMethods: () => ({ getUsageInstance: () => ({}) }) }), false);
});

test.run();
