import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createServer, dependencies, type Service } from '../src/server.js';

let server: Service;
let base: string;

before(async () => {
  server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  base = `http://127.0.0.1:${address.port}`;
});

after(
  () =>
    new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
);

async function get(path: string): Promise<[number, unknown]> {
  const res = await fetch(base + path);
  return [res.status, await res.json()];
}

test('GET /healthz is ok', async () => {
  assert.deepEqual(await get('/healthz'), [200, { status: 'ok' }]);
});

test('GET /readyz is ready, then 503 while draining', async () => {
  assert.deepEqual(await get('/readyz'), [200, { status: 'ready' }]);
  server.state.draining = true;
  assert.equal((await get('/readyz'))[0], 503);
  server.state.draining = false;
});

test('unknown paths are 404', async () => {
  assert.equal((await get('/nope'))[0], 404);
});

test('every response carries the security headers', async () => {
  for (const path of ['/healthz', '/nope']) {
    const res = await fetch(base + path);
    await res.arrayBuffer();
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
    assert.equal(
      res.headers.get('content-security-policy'),
      "default-src 'none'; frame-ancestors 'none'",
      path,
    );
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
    assert.equal(res.headers.get('cache-control'), 'no-store', path);
  }
});

test('dependencies come from the environment', () => {
  assert.deepEqual(dependencies({}), []);
  assert.deepEqual(dependencies({ PGHOST: 'db', REDIS_HOST: 'cache', REDIS_PORT: '6380' }), [
    ['postgres', 'db', 5432],
    ['redis', 'cache', 6380],
  ]);
});
