#!/usr/bin/env node
// Strict Kubernetes schema validation for multi-document YAML streams.
//
//   node k8s-validate.mjs FILE...      (or - for stdin)
//
// Every document must be an object whose apiVersion/kind kubernetes-models
// knows, and it must pass the model's OpenAPI schema (required fields, types,
// enums, formats). kubernetes-models ignores fields the schema does not
// declare, so this script also rejects unknown fields: it validates a Proxy
// of the object and records which properties the compiled schema validator
// reads. A property that is never read is not in the schema. Objects whose
// keys the validator enumerates (maps such as labels, annotations, data or
// resource quantities) accept any key, as the schema says.
//
// Output: one finding per line, FILE:LINE:COL: kind/name: message.
// Exit status: 0 when there are no findings, 1 with findings, 2 on bad usage.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LineCounter, parseAllDocuments } from 'yaml';

const require = createRequire(import.meta.url);

function loadModel(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return null;
  if (!/^[A-Za-z0-9.-]+(\/v[0-9a-z]+)?$/.test(apiVersion) || !/^[A-Za-z0-9]+$/.test(kind)) return null;
  const group = apiVersion.includes('/') ? apiVersion : `${apiVersion}`;
  try {
    const mod = require(`kubernetes-models/${group}`);
    const model = mod[kind];
    return typeof model === 'function' && model.kind === kind ? model : null;
  } catch {
    return null;
  }
}

// Wrap `value` so that every property read is recorded per object path.
function track(value, path, seen) {
  if (value === null || typeof value !== 'object') return value;
  const key = path.join('\u0000');
  if (!seen.has(key)) seen.set(key, { path, target: value, read: new Set(), enumerated: false });
  const entry = seen.get(key);
  return new Proxy(value, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && Object.prototype.hasOwnProperty.call(target, prop)) {
        entry.read.add(prop);
        return track(target[prop], [...path, Array.isArray(target) ? Number(prop) : prop], seen);
      }
      return Reflect.get(target, prop, receiver);
    },
    has(target, prop) {
      if (typeof prop === 'string') entry.read.add(prop);
      return Reflect.has(target, prop);
    },
    ownKeys(target) {
      entry.enumerated = true;
      return Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor(target, prop) {
      if (typeof prop === 'string') entry.read.add(prop);
      return Reflect.getOwnPropertyDescriptor(target, prop);
    },
  });
}

function unknownFields(seen) {
  const found = [];
  for (const { path, target, read, enumerated } of seen.values()) {
    if (Array.isArray(target) || enumerated) continue;
    for (const prop of Object.keys(target)) {
      if (!read.has(prop)) found.push([...path, prop]);
    }
  }
  return found;
}

function position(doc, lines, path) {
  let node = path.length ? doc.getIn(path, true) : doc.contents;
  // For an unknown key, point at the key rather than at its value.
  if (path.length) {
    const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    const pair = parent?.items?.find?.((item) => item?.key?.value === path[path.length - 1]);
    if (pair?.key?.range) node = pair.key;
  }
  const offset = node?.range?.[0] ?? doc.contents?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return `${line}:${col}`;
}

function pointerToPath(pointer) {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
}

function describeError(err) {
  const { keyword, params, message } = err;
  switch (keyword) {
    case 'required':
      return `missing required field "${params.missingProperty}"`;
    case 'enum':
      return `must be one of ${JSON.stringify(params.allowedValues)}`;
    case 'type':
      return `must be of type ${params.type}`;
    default:
      return message || `fails schema keyword "${keyword}" ${JSON.stringify(params)}`;
  }
}

function validateText(text, file) {
  const findings = [];
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (!Array.isArray(docs)) {
    findings.push(`${file}:1:1: not a YAML stream`);
    return findings;
  }
  docs.forEach((doc, index) => {
    for (const e of [...doc.errors, ...doc.warnings]) {
      const { line, col } = lines.linePos(e.pos?.[0] ?? 0);
      findings.push(`${file}:${line}:${col}: YAML: ${e.message.split('\n')[0]}`);
    }
    if (doc.errors.length) return;
    const data = doc.toJS({ maxAliasCount: 100 });
    if (data === null || data === undefined) return; // empty document
    const where = (path) => `${file}:${position(doc, lines, path)}`;
    if (typeof data !== 'object' || Array.isArray(data)) {
      findings.push(`${where([])}: document ${index + 1} is not a mapping`);
      return;
    }
    const label = `${data.kind ?? '?'}/${data.metadata?.name ?? '?'}`;
    const Model = loadModel(data.apiVersion, data.kind);
    if (!Model) {
      findings.push(`${where([])}: ${label}: unknown apiVersion/kind ${data.apiVersion}/${data.kind}`);
      return;
    }
    const seen = new Map();
    try {
      Model.prototype.validate.call(track(data, [], seen));
    } catch (err) {
      const errors = err?.errors ?? [{ keyword: 'schema', message: String(err?.message ?? err) }];
      for (const e of errors) {
        const path = pointerToPath(e.instancePath);
        const at = path.length ? path.join('.') : '(root)';
        findings.push(`${where(path)}: ${label}: ${at}: ${describeError(e)}`);
      }
    }
    for (const path of unknownFields(seen)) {
      findings.push(`${where(path)}: ${label}: unknown field "${path.join('.')}"`);
    }
  });
  return findings;
}

function main(argv) {
  if (argv.length === 0 || argv.includes('-h') || argv.includes('--help')) {
    process.stderr.write('usage: k8s-validate.mjs FILE... (- for stdin)\n');
    return 2;
  }
  let findings = [];
  for (const file of argv) {
    let text;
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (err) {
      process.stderr.write(`${file}: ${err.message}\n`);
      return 2;
    }
    findings = findings.concat(validateText(text, file === '-' ? '<stdin>' : file));
  }
  for (const f of findings) process.stdout.write(`${f}\n`);
  return findings.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
