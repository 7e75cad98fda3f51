// Container HEALTHCHECK: `node {{ 'dist/src' if language == 'typescript' else 'src' }}/healthcheck.js` exits 0 when /healthz answers 200.
import http from 'node:http';

const port = Number(process.env.PORT || {{ port }});
const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', () => process.exit(1));
