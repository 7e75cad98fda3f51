{%- set deps = 'database and cache' if database == 'postgres' and cache == 'redis' else 'database' if database == 'postgres' else 'cache' if cache == 'redis' else '' -%}
// k6 load test of {{ project_name }}{% if components %}'s {{ load_test_target }} component{% endif %}.
// `{{ task_runner }} load-test` runs it against the stack `{{ task_runner }} up` started
{%- if kubernetes and github_actions %};
// the deploy workflow's load-test job runs it against staging after each
// staging deploy{% endif %}.
//
// Each iteration requests / and /readyz{% if deps %} (which asks the {{ deps }}){% endif %}.
// k6 exits non-zero when a threshold fails.
//
// Settings, from the environment (k6 run -e NAME=value, or the
// repository variables LOAD_TEST_* in the workflow):
//   BASE_URL  where the service answers (default http://127.0.0.1:{{ load_test_port }})
//   RATE      iterations per second to hold, two requests each (default 10)
//   DURATION  how long to hold that rate (default 1m)
//   P95_MS    the 95th-percentile latency budget in milliseconds (default 500)
import { check } from 'k6';
import http from 'k6/http';

const baseUrl = (__ENV.BASE_URL || 'http://127.0.0.1:{{ load_test_port }}').replace(/\/+$/, '');
const p95Ms = Number(__ENV.P95_MS || 500);

export const options = {
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 10),
      timeUnit: '1s',
      duration: __ENV.DURATION || '1m',
      preAllocatedVUs: 10,
      maxVUs: 100,
    },
  },
  // The budget: under 1% failed requests, 95% of them faster than P95_MS,
  // and every check passing at least 99% of the time.
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: [`p(95)<${p95Ms}`],
    checks: ['rate>0.99'],
  },
};

export default function () {
  const home = http.get(`${baseUrl}/`, { tags: { name: 'home' } });
  check(home, { 'GET / answers 200': (r) => r.status === 200 });
  const ready = http.get(`${baseUrl}/readyz`, { tags: { name: 'readyz' } });
  check(ready, { 'GET /readyz answers 200': (r) => r.status === 200 });
}
