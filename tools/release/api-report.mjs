#!/usr/bin/env node
// API reports: packages/<name>/etc/<name>.api.md, written by API Extractor from each public
// package's built dist/index.d.ts (its whole public surface, as users' TypeScript sees it), and
// etc/<name>-<subpath>.api.md for each other entry of its exports map (`./slim`: dist/slim.d.ts).
//
//   npm run api:update                     build, then rewrite every report (commit them)
//   node tools/release/api-report.mjs      check: fails when a report is stale or missing
//   ... [--update] <name> ...              only these packages (e.g. losses)
//
// The check runs in `npm test` as @tfslim-internal/release:test:build (after every build).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { packageEntries } from './entries.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const update = args.includes('--update');
const only = args.filter((a) => !a.startsWith('--'));
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfslim-api-'));

const packages = fs
  .readdirSync(path.join(root, 'packages'))
  .filter((dir) => fs.existsSync(path.join(root, 'packages', dir, 'package.json')))
  .filter((dir) => only.length === 0 || only.includes(dir))
  .filter((dir) => !readJson(path.join(root, 'packages', dir, 'package.json')).private);

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Each entry's report: '.' is <name>.api.md, './slim' is <name>-slim.api.md. */
function entries(dir) {
  return packageEntries(readJson(path.join(root, 'packages', dir, 'package.json'))).map(
    ({ subpath, types }) => ({
      types,
      name: subpath === '.' ? dir : `${dir}-${subpath.slice(2).replaceAll('/', '-')}`,
    }),
  );
}

function report(dir, { types, name }) {
  const folder = path.join(root, 'packages', dir);
  const entry = path.join(folder, types);
  if (!fs.existsSync(entry)) {
    throw new Error(
      `api-report: expected ${path.relative(root, entry)}, got none. Run \`npm run build\` first.`,
    );
  }
  const config = ExtractorConfig.prepare({
    configObjectFullPath: path.join(folder, 'api-extractor.json'), // virtual: nothing is read
    packageJsonFullPath: path.join(folder, 'package.json'),
    configObject: {
      projectFolder: folder,
      mainEntryPointFilePath: entry,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            strict: true,
            target: 'es2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
            lib: ['es2023', 'dom'],
            skipLibCheck: true,
          },
          files: [entry],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${name}.api.md`,
        reportFolder: path.join(folder, 'etc'),
        reportTempFolder: path.join(temp, name),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        // Release tags (@public/@beta) and TSDoc style are not part of this project's rules.
        extractorMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
        tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
      },
    },
  });
  fs.mkdirSync(path.join(folder, 'etc'), { recursive: true });
  const result = Extractor.invoke(config, {
    localBuild: update,
    showVerboseMessages: false,
    messageCallback: (message) => {
      // Its own notes on the report file name a temp dir removed at exit: this script says it.
      if (String(message.messageId).startsWith('console-api-report')) {
        message.handled = true;
        return;
      }
      if (message.logLevel === 'warning' || message.logLevel === 'error') {
        console.error(`${dir}: ${message.formatMessageWithLocation(folder)}`);
      }
      message.handled = true;
    },
  });
  return { changed: result.apiReportChanged, ok: result.succeeded, errors: result.errorCount };
}

const stale = [];
const failed = [];
try {
  for (const dir of packages) {
    for (const entry of entries(dir)) {
      let outcome;
      try {
        outcome = report(dir, entry);
      } catch (error) {
        // A missing build, or a dist rewritten by a build running at the same time.
        failed.push(`${entry.name} (${error.message})`);
        continue;
      }
      const { changed, ok, errors } = outcome;
      const file = `packages/${dir}/etc/${entry.name}.api.md`;
      if (changed && !update) stale.push(file);
      else if (!ok) failed.push(`${entry.name} (${errors} errors)`);
      console.log(`${file}: ${changed ? (update ? 'updated' : 'STALE') : 'up to date'}`);
    }
  }
} finally {
  fs.rmSync(temp, { recursive: true, force: true });
}
if (failed.length > 0) {
  console.error(`api-report: API Extractor failed on ${failed.join(', ')}.`);
  process.exitCode = 1;
}
if (stale.length > 0) {
  console.error(
    `\napi-report: expected the committed API reports to match the built packages, got ` +
      `${stale.length} stale: ${stale.join(', ')}. A public API changed: run \`npm run api:update\`, ` +
      `review the diff of etc/*.api.md and commit it.`,
  );
  process.exitCode = 1;
}
