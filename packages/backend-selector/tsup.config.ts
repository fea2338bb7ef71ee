import { defineConfig } from 'tsup';
import { cliConfig, libraryConfig } from '../../tools/scripts/tsup-config.mjs';

export default defineConfig([libraryConfig(), cliConfig()]);
