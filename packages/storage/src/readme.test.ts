// The README's example runs as written (imports turned into requires, so it runs from the
// sources under jest) and prints exactly the output the README shows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

it('README example prints what the README says', async () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  const printed = /prints\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
  if (code === undefined || printed === undefined)
    throw new Error('README: example or output missing');
  const body = code
    .replace(/import \* as (\w+) from '([^']+)';/g, "const $1 = require('$2');")
    .replace(/import \{([^}]*)\} from '([^']+)';/g, "const {$1} = require('$2');");
  expect(body).not.toMatch(/^import /m);
  const lines: string[] = [];
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  const run = new AsyncFunction('require', 'console', body);
  await run(require, { log: (...a: unknown[]) => lines.push(format(...a)) });
  expect(lines).toEqual(printed.trim().split('\n'));
});
