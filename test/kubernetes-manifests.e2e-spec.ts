import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { getMetadataStorage } from 'class-validator';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import { readStages } from '../scripts/lib/dockerfile.mjs';
import { EnvironmentVariables, validateEnvironment } from '../src/config/env.schema.js';
import { READINESS_DATABASE_TIMEOUT_MS } from '../src/platform/health/readiness.indicators.js';
import { createCliDataSource } from '../src/tools/cli-data-source.js';
import { envFile, kustomize, type Manifest } from './support/kustomize.js';
import { startTestApp } from './support/test-app.js';

const ROOT = 'deploy/kubernetes';
const BASE = join(ROOT, 'base');
const OVERLAYS = ['staging', 'production'] as const;
const SECRET_TEMPLATE_FILE = join(ROOT, 'secrets.env.example');
const SECRET_TEMPLATE = readFileSync(SECRET_TEMPLATE_FILE, 'utf8');
// The service's default METRICS_PORT, where GET /metrics is served.
const METRICS_PORT = 9464;

type Overlay = (typeof OVERLAYS)[number];

interface OverlayKustomization {
  images: Array<{ name: string; newName: string; newTag: string; digest: string }>;
  secretGenerator: Array<{ name: string; envs: string[] }>;
  components?: string[];
}

const overlayFolder = (overlay: Overlay) => join(ROOT, 'overlays', overlay);
const readYaml = <T>(path: string) => parse(readFileSync(path, 'utf8')) as T;

const secretTemplate = Object.fromEntries(envFile(SECRET_TEMPLATE));

/** An overlay as `kubectl apply -k` would send it, its secrets.env being the template. */
function render(overlay: Overlay, overrides: Record<string, string> = {}): Manifest[] {
  return kustomize(overlayFolder(overlay), {
    [join(overlayFolder(overlay), 'secrets.env')]: SECRET_TEMPLATE,
    ...overrides,
  });
}

const rendered = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, render(overlay)]));

function container(pod: IPodSpec | undefined): IContainer {
  expect(pod?.containers).toHaveLength(1);
  return pod!.containers[0];
}

describe.each(OVERLAYS)('Kubernetes manifests, overlays/%s', (overlay) => {
  const manifests = rendered[overlay];
  const kustomization = readYaml<OverlayKustomization>(
    join(overlayFolder(overlay), 'kustomization.yaml'),
  );

  function all(kind: string): Manifest[] {
    return manifests.filter((manifest) => manifest.kind === kind);
  }

  function one<T>(
    kind: string,
    model: new (data: never) => T & { validate(): void },
    name?: string,
  ): T {
    const found = all(kind).filter(
      (manifest) => name === undefined || manifest.metadata.name === name,
    );
    expect(found).toHaveLength(1);
    const resource = new model(found[0] as never);
    resource.validate();
    return resource;
  }

  const deployment = () => one('Deployment', Deployment);
  const job = () => one('Job', Job);
  const configMap = () => one('ConfigMap', ConfigMap);
  const service = () => one('Service', Service);
  const app = () => container(deployment().spec?.template.spec);

  /** The configuration a pod of the Deployment starts with: ConfigMap plus the Secret template. */
  function podEnvironment(): Record<string, string> {
    const env: Record<string, string> = { ...configMap().data };
    for (const variable of app().env ?? []) {
      const key = variable.valueFrom?.secretKeyRef?.key;
      env[variable.name] = key === undefined ? (variable.value ?? '') : secretTemplate[key];
    }
    return env;
  }

  it('should render valid objects of the expected API versions, all in one namespace', () => {
    const kinds = [
      'apps/v1 Deployment',
      'autoscaling/v2 HorizontalPodAutoscaler',
      'batch/v1 Job',
      'networking.k8s.io/v1 Ingress',
      'networking.k8s.io/v1 NetworkPolicy',
      'networking.k8s.io/v1 NetworkPolicy',
      'policy/v1 PodDisruptionBudget',
      'v1 ConfigMap',
      'v1 Namespace',
      'v1 Secret',
      'v1 Service',
      ...(overlay === 'production' ? ['monitoring.coreos.com/v1 ServiceMonitor'] : []),
    ];
    const namespace = one('Namespace', Namespace).metadata?.name;
    const namespaced = manifests.filter((manifest) => manifest.kind !== 'Namespace');

    expect(manifests.map((manifest) => `${manifest.apiVersion} ${manifest.kind}`).sort()).toEqual(
      kinds.sort(),
    );
    for (const [kind, model] of [
      ['Service', Service],
      ['Ingress', Ingress],
      ['HorizontalPodAutoscaler', HorizontalPodAutoscaler],
      ['PodDisruptionBudget', PodDisruptionBudget],
      ['Secret', Secret],
    ] as const) {
      expect(() => one(kind, model as new (data: never) => { validate(): void })).not.toThrow();
    }
    for (const policy of all('NetworkPolicy')) {
      expect(() => new NetworkPolicy(policy as never).validate()).not.toThrow();
    }
    expect(namespaced.map((manifest) => manifest.metadata.namespace)).toEqual(
      namespaced.map(() => namespace),
    );
  });

  it('should enforce, audit and warn on the restricted Pod Security profile', () => {
    const labels = one('Namespace', Namespace).metadata?.labels ?? {};

    for (const mode of ['enforce', 'audit', 'warn']) {
      expect(labels[`pod-security.kubernetes.io/${mode}`]).toBe('restricted');
    }
  });

  it('should hold no real secret, and every key the pods read', () => {
    const keys = [deployment(), job()].flatMap((workload) =>
      (container(workload.spec?.template.spec).env ?? []).flatMap(
        (variable) => variable.valueFrom?.secretKeyRef?.key ?? [],
      ),
    );

    expect(Object.keys(secretTemplate).sort()).toEqual([...new Set(keys)].sort());
    for (const url of [secretTemplate.DATABASE_URL, secretTemplate.DATABASE_MIGRATION_URL]) {
      expect(url).toContain(':CHANGE_ME@');
    }
    expect(secretTemplate.JWT_SECRET).toBe('');
    expect(kustomization.secretGenerator).toEqual([
      { name: 'host-connections', envs: ['secrets.env'] },
    ]);
    expect(readFileSync('.gitignore', 'utf8').split('\n')).toContain(
      `${ROOT}/overlays/*/secrets.env`,
    );
  });

  it('should give the pods a configuration the service accepts, without unknown variables', () => {
    const known = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
        .map((rule) => rule.propertyName),
    );
    const env = podEnvironment();

    expect(Object.keys(env).filter((name) => !known.has(name) && name !== 'NODE_OPTIONS')).toEqual(
      [],
    );
    expect(() => validateEnvironment(env)).not.toThrow();
    expect(env.JWKS_URL).toMatch(/^https:\/\//);
  });

  it('should roll the pods when the configuration or a secret changes', () => {
    const baseConfig = readFileSync(join(BASE, 'config.env'), 'utf8');
    const changed = render(overlay, {
      [join(BASE, 'config.env')]: baseConfig.replace('LOG_LEVEL=info', 'LOG_LEVEL=debug'),
    });
    const changedSecret = render(overlay, {
      [join(overlayFolder(overlay), 'secrets.env')]: SECRET_TEMPLATE.replace(
        'JWT_SECRET=',
        'JWT_SECRET=x',
      ),
    });
    const references = (objects: Manifest[]) => {
      const target = new Deployment(objects.find((m) => m.kind === 'Deployment'));
      const pod = container(target.spec?.template.spec);
      return {
        configMap: pod.envFrom?.[0]?.configMapRef?.name,
        secrets: [...new Set(pod.env?.map((variable) => variable.valueFrom?.secretKeyRef?.name))],
        generated: objects
          .filter((m) => m.kind === 'ConfigMap' || m.kind === 'Secret')
          .map((m) => m.metadata.name)
          .sort(),
      };
    };
    const before = references(manifests);

    expect(before.configMap).toMatch(/^host-connections-[a-z0-9]{10}$/);
    expect(before.generated).toEqual([before.configMap, ...before.secrets].sort());
    expect(references(changed).configMap).not.toBe(before.configMap);
    expect(references(changed).secrets).toEqual(before.secrets);
    expect(references(changedSecret).secrets).not.toEqual(before.secrets);
    expect(references(changedSecret).configMap).toBe(before.configMap);
  });

  it('should run the image pinned by digest, the same one in the Deployment and the migration Job', () => {
    const images = [deployment(), job()].map(
      (workload) => container(workload.spec?.template.spec).image,
    );
    const [{ name, newName, newTag, digest }] = kustomization.images;

    expect(name).toBe('host-connections');
    expect(newTag).toMatch(/^\d+\.\d+\.\d+$/);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(images).toEqual([`${newName}:${newTag}@${digest}`, `${newName}:${newTag}@${digest}`]);
  });

  it('should leave the replica count to the autoscaler, with resources and a spread across zones and nodes', () => {
    const { spec } = deployment();
    const hpa = one('HorizontalPodAutoscaler', HorizontalPodAutoscaler);
    const spread = spec?.template.spec?.topologySpreadConstraints ?? [];

    expect(spec).not.toHaveProperty('replicas');
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(overlay === 'production' ? 3 : 2);
    expect(app().resources?.requests).toEqual({
      cpu: expect.any(String) as unknown,
      memory: expect.any(String) as unknown,
    });
    expect(app().resources?.limits).toMatchObject({ memory: expect.any(String) as unknown });
    expect(spread.map((constraint) => constraint.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
    for (const constraint of spread) {
      expect(constraint.labelSelector?.matchLabels).toEqual(spec?.selector.matchLabels);
    }
  });

  it('should probe endpoints the service serves, on the port it listens on', async () => {
    const probes = [app().startupProbe, app().livenessProbe, app().readinessProbe];
    const http = app().ports?.find((port) => port.name === 'http');
    const t = await startTestApp();

    const statuses = await Promise.all(
      probes.map(async (probe) => (await t.http.get(probe!.httpGet!.path!)).status),
    );
    await t.close();

    expect(probes.map((probe) => probe?.httpGet?.path)).toEqual([
      '/health/live',
      '/health/live',
      '/health/ready',
    ]);
    expect(statuses).toEqual([200, 200, 200]);
    expect(probes.map((probe) => probe?.httpGet?.port)).toEqual(['http', 'http', 'http']);
    expect(http?.containerPort).toBe(Number(podEnvironment().PORT));
    expect(app().readinessProbe!.timeoutSeconds! * 1000).toBeGreaterThan(
      READINESS_DATABASE_TIMEOUT_MS,
    );
  });

  it('should expose the API port as http and the metrics port as metrics', () => {
    const annotations = deployment().spec?.template.metadata?.annotations ?? {};

    expect(app().ports?.map(({ name, containerPort }) => [name, containerPort])).toEqual([
      ['http', Number(podEnvironment().PORT)],
      ['metrics', METRICS_PORT],
    ]);
    expect(podEnvironment().METRICS_PORT ?? String(METRICS_PORT)).toBe(String(METRICS_PORT));
    expect(annotations['prometheus.io/port']).toBe(String(METRICS_PORT));
    expect(service().spec?.ports?.map(({ name, targetPort }) => [name, targetPort])).toEqual([
      ['http', 'http'],
      ['metrics', 'metrics'],
    ]);
  });

  it('should leave time for preStop and the drain before the kubelet kills the pod', () => {
    const pod = deployment().spec?.template.spec;
    const preStop = app().lifecycle?.preStop;
    const command = preStop?.exec?.command ?? [];
    const preStopSeconds =
      command.length === 2 && /(^|\/)sleep$/.test(command[0])
        ? Number(command[1])
        : (preStop?.sleep?.seconds ?? 0);
    const drain = Number(podEnvironment().SHUTDOWN_GRACE_PERIOD_MS) / 1000;

    expect(preStopSeconds).toBeGreaterThan(0);
    // One more second at least, for closing the pool and exiting.
    expect(pod?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStopSeconds + drain + 1);
  });

  it.each(['Deployment', 'Job'])(
    'should run the %s as the image user, non-root, read-only, without capabilities',
    (kind) => {
      const workload = kind === 'Deployment' ? deployment() : job();
      const pod = workload.spec?.template.spec;
      const [uid, gid] = readStages(readFileSync('Dockerfile', 'utf8'))
        .at(-1)!
        .instructions.find((instruction) => instruction.keyword === 'USER')!
        .args[0].split(':')
        .map(Number);

      expect(pod?.automountServiceAccountToken).toBe(false);
      expect(pod?.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: gid,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container(pod).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: gid,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    },
  );

  it('should route the Service, the Ingress, the autoscaler and the disruption budget to the Deployment', () => {
    const target = deployment();
    const labels = target.spec?.template.metadata?.labels;
    const hpa = one('HorizontalPodAutoscaler', HorizontalPodAutoscaler);
    const pdb = one('PodDisruptionBudget', PodDisruptionBudget);
    const ingress = one('Ingress', Ingress);
    const backends = ingress.spec?.rules?.flatMap((rule) =>
      (rule.http?.paths ?? []).map((path) => [path.path, path.backend.service]),
    );

    expect(labels).toMatchObject(service().spec?.selector ?? { missing: true });
    expect(labels).toMatchObject(pdb.spec?.selector?.matchLabels ?? { missing: true });
    expect(target.spec?.selector.matchLabels).toEqual(pdb.spec?.selector?.matchLabels);
    expect(hpa.spec?.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: target.metadata?.name,
    });
    expect(hpa.spec?.metrics?.[0]?.resource?.name).toBe('cpu');
    expect(pdb.spec?.maxUnavailable).toBe(1);
    expect(pdb.spec?.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
    // Only the API and its documentation: /health and /metrics stay inside the cluster.
    expect(backends).toEqual([
      ['/host-connections', { name: service().metadata?.name, port: { name: 'http' } }],
      ['/docs', { name: service().metadata?.name, port: { name: 'http' } }],
    ]);
  });

  it('should serve its own host name over TLS, set by the overlay', () => {
    const ingress = one('Ingress', Ingress);
    const hosts = ingress.spec?.rules?.map((rule) => rule.host);

    expect(hosts).toHaveLength(1);
    expect(hosts![0]).toMatch(/^[a-z0-9.-]+\.[a-z]+$/);
    expect(ingress.spec?.tls).toEqual([{ hosts, secretName: expect.any(String) as unknown }]);
    const other = OVERLAYS.find((candidate) => candidate !== overlay)!;
    const otherIngress = rendered[other].find((manifest) => manifest.kind === 'Ingress');
    expect(new Ingress(otherIngress as never).spec?.rules?.[0]?.host).not.toBe(hosts![0]);
  });

  it('should admit only the ingress controller and Prometheus, and reach only PostgreSQL, DNS and the identity provider', () => {
    const policy = one('NetworkPolicy', NetworkPolicy, 'host-connections');
    const dns = {
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
    };

    expect(policy.spec?.podSelector.matchLabels).toEqual(deployment().spec?.selector.matchLabels);
    expect(policy.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec?.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
          },
        ],
        ports: [{ port: 'http', protocol: 'TCP' }],
      },
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
          },
        ],
        ports: [{ port: 'metrics', protocol: 'TCP' }],
      },
    ]);
    expect(policy.spec?.egress).toEqual([
      { ports: [{ port: 5432, protocol: 'TCP' }] },
      dns,
      { ports: [{ port: 443, protocol: 'TCP' }] },
    ]);

    const migrate = one('NetworkPolicy', NetworkPolicy, 'host-connections-migrate');
    expect(migrate.spec?.podSelector.matchLabels).toEqual(job().spec?.template.metadata?.labels);
    expect(migrate.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(migrate.spec?.ingress).toBeUndefined();
    expect(migrate.spec?.egress).toEqual([{ ports: [{ port: 5432, protocol: 'TCP' }] }, dns]);
  });

  it('should migrate with the locked command of npm run db:migrate, in a Job named after the release', () => {
    const { metadata, spec } = job();
    const migrate = container(spec?.template.spec);
    const database = migrate.env?.find((variable) => variable.name === 'DATABASE_URL');
    const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
    };
    const [{ newTag }] = kustomization.images;

    expect(migrate.command).toBeUndefined();
    expect(migrate.args).toEqual(['node', 'dist/src/tools/migrate/migrate.cli.js', 'migrate']);
    expect(packageJson.scripts['db:migrate']).toBe(`npm run build && ${migrate.args!.join(' ')}`);
    expect(existsSync('src/tools/migrate/migrate.cli.ts')).toBe(true);
    expect(spec?.template.spec?.restartPolicy).toBe('Never');
    expect(database?.valueFrom?.secretKeyRef?.key).toBe('DATABASE_MIGRATION_URL');
    // A Job cannot be changed: a new release needs a new name, and finished ones go away.
    expect(metadata?.name).toBe(`host-connections-migrate-${newTag.replaceAll('.', '-')}`);
    expect(spec?.ttlSecondsAfterFinished).toBeGreaterThan(0);
  });

  it(`should ${overlay === 'production' ? '' : 'not '}scrape the metrics through a ServiceMonitor`, () => {
    const monitors = all('ServiceMonitor');

    expect(monitors).toHaveLength(overlay === 'production' ? 1 : 0);
    expect(kustomization.components ?? []).toEqual(
      overlay === 'production' ? ['../../components/service-monitor'] : [],
    );
    for (const monitor of monitors) {
      const model = new ServiceMonitor(monitor as never);
      model.validate();
      expect(service().metadata?.labels).toMatchObject(model.spec.selector.matchLabels ?? {});
      expect(model.spec.endpoints?.map((endpoint) => [endpoint.port, endpoint.path])).toEqual([
        ['metrics', '/metrics'],
      ]);
    }
  });
});

describe('Kubernetes manifests, the folder', () => {
  it('should list every file of the base, and keep environment values out of it', () => {
    const base = readYaml<{ resources: string[]; configMapGenerator: Array<{ envs: string[] }> }>(
      join(BASE, 'kustomization.yaml'),
    );
    const files = readdirSync(BASE).filter((file) => file !== 'kustomization.yaml');

    expect([...base.resources, ...base.configMapGenerator.flatMap((g) => g.envs)].sort()).toEqual(
      files.sort(),
    );
    for (const file of readdirSync(BASE)) {
      const text = readFileSync(join(BASE, file), 'utf8');
      expect([file, /example\.(com|org|net)|registry\./.test(text)]).toEqual([file, false]);
    }
    expect(parseAllDocuments(readFileSync(join(BASE, 'deployment.yaml'), 'utf8'))).toHaveLength(1);
  });

  it('should give the staging and production identity providers their own addresses', () => {
    const jwks = OVERLAYS.map(
      (overlay) =>
        new ConfigMap(rendered[overlay].find((m) => m.kind === 'ConfigMap') as never).data
          ?.JWKS_URL,
    );

    expect(new Set(jwks).size).toBe(OVERLAYS.length);
  });

  // The test's renderer implements only what the manifests use: anything else must fail
  // loudly rather than be silently left out of what the test checks.
  it.each([
    ['namePrefix', 'namePrefix: x-', /unsupported fields namePrefix/],
    [
      'labels[].includeSelectors',
      'labels:\n  - pairs: { a: b }\n    includeSelectors: true',
      /labels\[\]\.includeSelectors/,
    ],
  ])(
    'should refuse a kustomization field the test cannot render (%s)',
    (_field, extra, message) => {
      const file = join(overlayFolder('staging'), 'kustomization.yaml');

      expect(() =>
        render('staging', { [file]: `${readFileSync(file, 'utf8')}\n${extra}\n` }),
      ).toThrow(message);
    },
  );

  // An index build over a large table takes far longer than a request may.
  it('should run migrations without the requests statement timeout', () => {
    const options = createCliDataSource({ DATABASE_URL: 'postgres://migrate@localhost/db' })
      .options as { extra?: Record<string, unknown> };

    expect(options.extra).not.toHaveProperty('statement_timeout');
  });

  const kubectl = (process.env.PATH ?? '')
    .split(delimiter)
    .some((folder) => existsSync(join(folder, 'kubectl')));

  // Where kubectl is installed, the renderer above must agree with kustomize itself.
  (kubectl ? it.each(OVERLAYS) : it.skip.each(OVERLAYS))(
    'should render overlays/%s as kubectl kustomize does',
    (overlay) => {
      const copy = mkdtempSync(join(tmpdir(), 'hc-kustomize-'));
      try {
        cpSync(ROOT, copy, { recursive: true });
        cpSync(SECRET_TEMPLATE_FILE, join(copy, 'overlays', overlay, 'secrets.env'));
        const output = execFileSync('kubectl', ['kustomize', join(copy, 'overlays', overlay)], {
          encoding: 'utf8',
        });
        const theirs = parseAllDocuments(output).map((document) => document.toJSON() as Manifest);

        expect(normalized(rendered[overlay])).toEqual(normalized(theirs));
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    },
  );
});

/** Sorted, generated names without their hash, Secret values unfolded (kustomize wraps them). */
function normalized(manifests: Manifest[]): unknown[] {
  const text = JSON.stringify(
    manifests
      .map((manifest) =>
        manifest.kind === 'Secret'
          ? {
              ...manifest,
              data: Object.fromEntries(
                Object.entries(manifest.data as Record<string, string>).map(([key, value]) => [
                  key,
                  value.replace(/\s/g, ''),
                ]),
              ),
            }
          : manifest,
      )
      .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`)),
  );
  return JSON.parse(
    text.replace(/"host-connections-[a-z0-9]{10}"/g, '"host-connections-HASH"'),
  ) as unknown[];
}
