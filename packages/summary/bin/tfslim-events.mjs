#!/usr/bin/env node
// Installed as the `tfslim-events` command. The program itself is the build's dist/cli.js; this file
// exists in the source tree so that npm links the command even before the first build.
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    console.error(
      'tfslim-events: expected a built @tfslim/summary (dist/cli.js), got none. Run `npm run build` first.',
    );
    process.exit(1);
  }
  throw error;
});
