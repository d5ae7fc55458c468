import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InMemoryStore } from '@exam-reservation/application/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { PrometheusMetrics } from './prometheus-metrics.js';

/*
 * deploy/grafana-dashboard.json against what the app exposes: every PromQL
 * expression may name only series that GET /metrics of a real app shows,
 * with labels those series carry and routes the app names, so a renamed
 * metric, label or route fails here rather than as an empty panel.
 */

const dashboardFile = fileURLToPath(new URL('../../../../deploy/grafana-dashboard.json', import.meta.url));
const readmeFile = fileURLToPath(new URL('../../../../README.md', import.meta.url));
const TOKEN = 'metrics-token-0123456789abcdef';
/** The data source as Grafana writes it in an exported dashboard: chosen at import. */
const DATASOURCE = ['$', '{DS_PROMETHEUS}'].join('');

interface Target {
  readonly expr: string;
  readonly datasource?: { readonly uid?: string };
}
interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly gridPos: { readonly h: number; readonly w: number; readonly x: number; readonly y: number };
  readonly targets?: readonly Target[];
}
interface Dashboard {
  readonly schemaVersion: number;
  readonly __inputs: readonly { readonly name: string; readonly pluginId: string }[];
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { readonly definition?: string }[] };
}

/** Labels Prometheus adds to every series it scrapes, and the bucket bound. */
const ADDED_LABELS = new Set(['instance', 'job', 'le']);
const WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/** The series an expression selects (functions, keywords, labels, strings and ranges left out). */
function seriesNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)]
    .map((m) => m[1]!)
    .filter((word) => !WORDS.has(word));
}

/** Every label an expression names: in its matchers and in its by/without/on/ignoring lists. */
function labelNames(expr: string): string[] {
  const names: string[] = [];
  for (const [, body] of expr.matchAll(/\{([^}]*)\}/g)) {
    for (const [, name] of body!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"/g))
      names.push(name!);
  }
  for (const [, list] of expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
    names.push(
      ...list!
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  }
  return names;
}

/** The route values an expression matches on (`route="…"`, or each branch of `route=~"a|b"`). */
function routeValues(expr: string): string[] {
  return [...expr.matchAll(/\broute\s*(=~|=)\s*"([^"]*)"/g)].flatMap(([, op, value]) =>
    op === '=~' ? value!.split('|') : [value!],
  );
}

/** Series names and their labels in a Prometheus text exposition; histograms' parts included. */
function exposed(text: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const typed = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (typed) {
      const [, name, type] = typed;
      const parts = type === 'histogram' || type === 'summary' ? ['_sum', '_count'] : [];
      if (type === 'histogram') parts.push('_bucket');
      if (type !== 'histogram') parts.push('');
      for (const part of parts) series.set(`${name}${part}`, new Set());
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (!sample) continue;
    for (const [, label] of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) {
      series.get(sample[1]!)?.add(label!);
    }
  }
  return series;
}

const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as Dashboard;
const graphs = dashboard.panels.filter((p) => p.type !== 'row');
const expressions = [
  ...graphs.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...dashboard.templating.list.flatMap((v) =>
    [...(v.definition ?? '').matchAll(/label_values\((\w+),\s*(\w+)\)/g)].map(
      ([, m, l]) => `sum by (${l}) (${m})`,
    ),
  ),
];

describe('deploy/grafana-dashboard.json', () => {
  let app: TestApp;
  let series: Map<string, Set<string>>;
  let routes: Set<string>;

  beforeAll(async () => {
    const store = new InMemoryStore();
    const metrics = new PrometheusMetrics({
      pool: () => ({ total: 4, idle: 3, waiting: 0, max: 10 }),
      outbox: () => store.read((s) => s.outbox.depth(Date.now())),
    });
    app = await startTestApp(store, { metrics, http: { metricsToken: TOKEN } });
    // Requests on the routes the dashboard names, so that their series exist.
    const http = () => request(app.url);
    const account = { email: 'dash@example.com', password: 'dash-password', user_name: 'dash' };
    await http().post('/users/register').send(account).expect(201);
    const login = await http()
      .post('/users/login')
      .send({ email: account.email, password: account.password })
      .expect(200);
    await http().post('/reservations/1/confirm').auth(login.body.access_token, { type: 'bearer' });
    metrics.confirmation('confirmed');
    metrics.confirmation('capacity_exceeded');
    metrics.bookingRefusedForCapacity();
    metrics.confirmationBatch(1);
    metrics.admission({ confirmed: 1, rejected: 0, leftPending: 0 }, 0.1);
    metrics.webhookAttempt('delivered', 0.01);
    const scraped = await http().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    series = exposed(scraped.text);
    routes = new Set(
      [...scraped.text.matchAll(/^exam_http_requests_total\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]!),
    );
  });
  afterAll(async () => {
    await app?.close();
  });

  it('is a Grafana dashboard with a Prometheus data source to choose at import', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.__inputs).toContainEqual(
      expect.objectContaining({ name: 'DS_PROMETHEUS', pluginId: 'prometheus' }),
    );
    expect(graphs.length).toBeGreaterThan(10);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of graphs) {
      expect(panel.datasource?.uid, panel.title).toBe(DATASOURCE);
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
    // No two panels on the same cells.
    const taken = new Set<string>();
    for (const { gridPos, title } of dashboard.panels) {
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x++) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y++) {
          expect(taken.has(`${x},${y}`), `${title} overlaps at ${x},${y}`).toBe(false);
          taken.add(`${x},${y}`);
        }
      }
    }
  });

  it('names only series the app exposes, with labels they carry, and routes it names', () => {
    for (const expr of expressions) {
      const names = seriesNames(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      const labels = new Set(ADDED_LABELS);
      for (const name of names) {
        expect(series.has(name), `${name} in ${expr}`).toBe(true);
        for (const label of series.get(name)!) labels.add(label);
      }
      for (const label of labelNames(expr)) expect(labels.has(label), `label ${label} in ${expr}`).toBe(true);
      for (const route of routeValues(expr))
        expect(routes.has(route), `route ${route} in ${expr}`).toBe(true);
    }
  });

  it('shows every series the README tells operators to watch', () => {
    const readme = readFileSync(readmeFile, 'utf8');
    const table = readme.slice(readme.indexOf('### Metrics'), readme.indexOf('## Configuration'));
    const watched = new Set(
      [...table.matchAll(/`[^`]*`/g)].flatMap(([code]) =>
        seriesNames(code.slice(1, -1)).filter((n) => /^(exam|process|nodejs)_/.test(n)),
      ),
    );
    expect(watched.size).toBeGreaterThan(10);
    const shown = new Set(expressions.flatMap(seriesNames).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
    for (const name of watched) expect(shown.has(name.replace(/_(bucket|sum|count)$/, '')), name).toBe(true);
  });

  it('reads series names out of PromQL as Prometheus would', () => {
    expect(
      seriesNames(
        'histogram_quantile(0.99, sum by (le, route) (rate(exam_http_request_duration_seconds_bucket{route=~"/a|/b"}[$__rate_interval])))',
      ),
    ).toEqual(['exam_http_request_duration_seconds_bucket']);
    expect(seriesNames('sum(rate(a_total[5m])) / sum(rate(b_count[5m])) or on (instance) c')).toEqual([
      'a_total',
      'b_count',
      'c',
    ]);
    expect(labelNames('sum by (route, status) (x{instance=~"$instance", status="503"})')).toEqual([
      'instance',
      'status',
      'route',
      'status',
    ]);
  });
});
