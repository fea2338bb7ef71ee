import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tools/scripts/tsup-config.mjs';

export default defineConfig(libraryConfig());
