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
// Custom resources that kubernetes-models does not ship (the Prometheus
// Operator's PrometheusRule) are checked against hand-written schemas below,
// transcribed from their CRDs, with the same unknown-field check.
//
// Output: one finding per line, FILE:LINE:COL: kind/name: message.
// Exit status: 0 when there are no findings, 1 with findings, 2 on bad usage.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LineCounter, parseAllDocuments } from 'yaml';

const require = createRequire(import.meta.url);

// ---- custom resources --------------------------------------------------
//
// A schema node is { type, ... }: 'object' (properties, required,
// additionalProperties for maps, keyPattern for map keys), 'array' (items),
// 'string' (minLength, pattern), 'integer', 'int-or-string', plus an optional
// check(value, path, errors) for rules a JSON schema cannot state. The walk
// reads declared properties only, and enumerates maps, so that track()
// tells unknown fields from known ones as it does for kubernetes-models.

// Prometheus durations (monitoring.coreos.com/v1 Duration).
const DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const stringMap = (keyPattern) => ({ type: 'object', additionalProperties: { type: 'string' }, keyPattern });

// One rule: exactly one of alert and record; a recording rule takes no for,
// keep_firing_for or annotations (Prometheus refuses to load it otherwise).
function checkRule(rule, path, errors) {
  const has = (k) => Object.prototype.hasOwnProperty.call(rule, k);
  if (has('alert') === has('record')) {
    errors.push({ instancePath: path, keyword: 'oneOf', message: 'must set exactly one of "alert" and "record"' });
  } else if (has('record')) {
    for (const k of ['for', 'keep_firing_for', 'annotations']) {
      if (has(k)) errors.push({ instancePath: `${path}/${k}`, keyword: 'not', message: `a recording rule cannot set "${k}"` });
    }
  }
}

// Rule group names are the list's map key: unique within the object.
function checkGroups(groups, path, errors) {
  const seen = new Set();
  for (let i = 0; i < groups.length; i++) {
    const name = groups[i]?.name;
    if (typeof name !== 'string') continue;
    if (seen.has(name)) errors.push({ instancePath: `${path}/${i}/name`, keyword: 'uniqueItems', message: `duplicate rule group "${name}"` });
    seen.add(name);
  }
}

// monitoring.coreos.com/v1 PrometheusRule, after prometheus-operator's CRD
// (monitoring.coreos.com_prometheusrules.yaml, operator 0.82).
const prometheusRule = {
  type: 'object',
  required: ['spec'],
  properties: {
    spec: {
      type: 'object',
      properties: {
        groups: {
          type: 'array',
          check: checkGroups,
          items: {
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string', minLength: 1 },
              interval: { type: 'string', pattern: DURATION },
              query_offset: { type: 'string', pattern: DURATION },
              limit: { type: 'integer' },
              partial_response_strategy: { type: 'string', pattern: /^(abort|warn)?$/i },
              labels: stringMap(LABEL_NAME),
              rules: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['expr'],
                  check: checkRule,
                  properties: {
                    alert: { type: 'string', minLength: 1 },
                    record: { type: 'string', pattern: METRIC_NAME },
                    expr: { type: 'int-or-string', minLength: 1 },
                    for: { type: 'string', pattern: DURATION },
                    keep_firing_for: { type: 'string', minLength: 1, pattern: DURATION },
                    labels: stringMap(LABEL_NAME),
                    annotations: stringMap(),
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// Check value against schema node at JSON pointer path; push errors.
function walk(schema, value, path, errors) {
  const fail = (keyword, params, message) => errors.push({ instancePath: path, keyword, params, message });
  switch (schema.type) {
    case 'object':
      if (!isObject(value)) return fail('type', { type: 'object' });
      for (const key of schema.required ?? []) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) fail('required', { missingProperty: key });
      }
      for (const [key, sub] of Object.entries(schema.properties ?? {})) {
        if (Object.prototype.hasOwnProperty.call(value, key)) walk(sub, value[key], `${path}/${key}`, errors);
      }
      if (schema.additionalProperties) {
        for (const key of Object.keys(value)) {
          if (schema.keyPattern && !schema.keyPattern.test(key)) {
            errors.push({ instancePath: `${path}/${key}`, keyword: 'propertyNames', message: `"${key}" is not a valid label name` });
          }
          walk(schema.additionalProperties, value[key], `${path}/${key}`, errors);
        }
      }
      break;
    case 'array':
      if (!Array.isArray(value)) return fail('type', { type: 'array' });
      for (let i = 0; i < value.length; i++) walk(schema.items, value[i], `${path}/${i}`, errors);
      break;
    case 'integer':
      if (!Number.isInteger(value)) return fail('type', { type: 'integer' });
      break;
    case 'int-or-string':
      if (Number.isInteger(value)) break;
    // fall through: otherwise a string
    case 'string':
      if (typeof value !== 'string') return fail('type', { type: schema.type === 'string' ? 'string' : 'integer or string' });
      if (schema.minLength && value.trim().length < schema.minLength) return fail('minLength', {}, 'must not be empty');
      if (schema.pattern && !schema.pattern.test(value)) return fail('pattern', {}, `must match ${schema.pattern}`);
      break;
    default:
      throw new Error(`schema type ${schema.type}`);
  }
  if (schema.check) schema.check(value, path, errors);
}

// A model-like class for a custom resource: validate() checks metadata with
// the ObjectMeta schema of kubernetes-models and the rest with schema.
function customModel(apiVersion, kind, schema) {
  const objectMeta = require('@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta').validate;
  class Model {
    validate() {
      const errors = [];
      if (typeof this.apiVersion !== 'string') errors.push({ instancePath: '/apiVersion', keyword: 'type', params: { type: 'string' } });
      if (typeof this.kind !== 'string') errors.push({ instancePath: '/kind', keyword: 'type', params: { type: 'string' } });
      if (this.metadata !== undefined && !objectMeta(this.metadata, { instancePath: '/metadata' })) {
        errors.push(...objectMeta.errors);
      }
      walk(schema, this, '', errors);
      if (errors.length) {
        const err = new Error(`${kind} fails its schema`);
        err.errors = errors;
        throw err;
      }
    }
  }
  Model.apiVersion = apiVersion;
  Model.kind = kind;
  return Model;
}

const CUSTOM = {
  'monitoring.coreos.com/v1': { PrometheusRule: customModel('monitoring.coreos.com/v1', 'PrometheusRule', prometheusRule) },
};

function loadModel(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return null;
  if (Object.prototype.hasOwnProperty.call(CUSTOM, apiVersion) && Object.prototype.hasOwnProperty.call(CUSTOM[apiVersion], kind)) {
    return CUSTOM[apiVersion][kind];
  }
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
