import fs from 'node:fs';
import { defaultCacheDir, seedModel } from './seed-model';

// Run by `npm run build`: trains the shipped seed model once, into the cache the server reads at start.
const dir = defaultCacheDir();
fs.mkdirSync(dir, { recursive: true });
const started = Date.now();
seedModel(dir, () => process.stderr.write('training the classifier seed model…\n'));
process.stderr.write(`seed model ready in ${dir} (${Date.now() - started} ms)\n`);
