#!/usr/bin/env node
// Lint Containerfiles/Dockerfiles with dockerfile-utils, treating every
// diagnostic (errors and warnings) as a finding.
//
//   node dockerfile-lint.mjs FILE...
//
// Output: FILE:LINE:COL: severity: message (code). Exit 0 without findings,
// 1 with findings, 2 on bad usage.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { validate, ValidationSeverity } = require('dockerfile-utils');

// Every optional check on, as errors.
const settings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

function main(files) {
  if (files.length === 0 || files.includes('-h') || files.includes('--help')) {
    process.stderr.write('usage: dockerfile-lint.mjs CONTAINERFILE...\n');
    return 2;
  }
  let count = 0;
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      process.stderr.write(`${file}: ${err.message}\n`);
      return 2;
    }
    for (const d of validate(text, settings)) {
      const { line, character } = d.range.start;
      const sev = SEVERITY[d.severity] ?? 'error';
      process.stdout.write(`${file}:${line + 1}:${character + 1}: ${sev}: ${d.message} (${d.code})\n`);
      count += 1;
    }
  }
  return count ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
