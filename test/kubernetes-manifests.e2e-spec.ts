import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import type { IContainer, IPodSpec } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import { readStages } from '../scripts/lib/dockerfile.mjs';
import { EnvironmentVariables, validateEnvironment } from '../src/config/env.schema.js';
import { READINESS_DATABASE_TIMEOUT_MS } from '../src/platform/health/readiness.indicators.js';
import { startTestApp } from './support/test-app.js';

const FOLDER = 'deploy/kubernetes';

interface Kustomization {
  resources: string[];
  secretGenerator: Array<{ name: string; envs: string[] }>;
  images: Array<{ name: string; newName: string; newTag: string }>;
}

type Manifest = { kind: string; metadata: { name: string } } & Record<string, unknown>;

const kustomization = parse(
  readFileSync(join(FOLDER, 'kustomization.yaml'), 'utf8'),
) as Kustomization;
const secretTemplate = parseEnvFile(readFileSync(join(FOLDER, 'secrets.env.example'), 'utf8'));

function parseEnvFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** `kubectl kustomize` (offline) on a copy of the folder whose secrets.env is the template. */
function render(): Manifest[] {
  const copy = mkdtempSync(join(tmpdir(), 'hc-kustomize-'));
  try {
    cpSync(FOLDER, copy, { recursive: true });
    cpSync(join(FOLDER, 'secrets.env.example'), join(copy, 'secrets.env'));
    const output = execFileSync('kubectl', ['kustomize', copy], { encoding: 'utf8' });
    return parseAllDocuments(output).map((document) =>
      unfoldSecretData(document.toJSON() as Manifest),
    );
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

// kustomize folds long base64 values over several lines; the API server joins them.
function unfoldSecretData(manifest: Manifest): Manifest {
  if (manifest.kind !== 'Secret') return manifest;
  const data = manifest.data as Record<string, string>;
  return {
    ...manifest,
    data: Object.fromEntries(
      Object.entries(data).map(([key, value]) => [key, value.replace(/\s/g, '')]),
    ),
  };
}

const manifests = render();

function one<T>(kind: string, model: new (data: never) => T & { validate(): void }): T {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  expect(found).toHaveLength(1);
  const resource = new model(found[0] as never);
  resource.validate();
  return resource;
}

function container(pod: IPodSpec | undefined): IContainer {
  expect(pod?.containers).toHaveLength(1);
  return pod!.containers[0];
}

const deployment = () => one('Deployment', Deployment);
const job = () => one('Job', Job);
const configMap = () => one('ConfigMap', ConfigMap);

/** The configuration a pod of the Deployment starts with: ConfigMap plus the Secret template. */
function podEnvironment(): Record<string, string> {
  const env: Record<string, string> = { ...configMap().data };
  for (const variable of container(deployment().spec?.template.spec).env ?? []) {
    const key = variable.valueFrom?.secretKeyRef?.key;
    env[variable.name] = key === undefined ? (variable.value ?? '') : secretTemplate[key];
  }
  return env;
}

function preStopSeconds(app: IContainer): number {
  const preStop = app.lifecycle?.preStop;
  const command = preStop?.exec?.command ?? [];
  if (command.length === 2 && /(^|\/)sleep$/.test(command[0])) return Number(command[1]);
  return preStop?.sleep?.seconds ?? 0;
}

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('should list every manifest in kustomization.yaml and generate the Secret from the template', () => {
    const files = readdirSync(FOLDER).filter((file) => file !== 'kustomization.yaml');

    expect([...kustomization.resources].sort()).toEqual(
      files.filter((file) => file.endsWith('.yaml')).sort(),
    );
    expect(files.filter((file) => !file.endsWith('.yaml'))).toEqual(['secrets.env.example']);
    expect(kustomization.secretGenerator).toEqual([
      { name: 'host-connections', envs: ['secrets.env'] },
    ]);
    expect(readFileSync('.gitignore', 'utf8').split('\n')).toContain(`${FOLDER}/secrets.env`);
  });

  it('should render valid objects of the expected API versions', () => {
    expect(
      manifests.map((manifest) => `${String(manifest.apiVersion)} ${manifest.kind}`).sort(),
    ).toEqual([
      'apps/v1 Deployment',
      'autoscaling/v2 HorizontalPodAutoscaler',
      'batch/v1 Job',
      'policy/v1 PodDisruptionBudget',
      'v1 ConfigMap',
      'v1 Secret',
      'v1 Service',
    ]);
    for (const [kind, model] of [
      ['Service', Service],
      ['HorizontalPodAutoscaler', HorizontalPodAutoscaler],
      ['PodDisruptionBudget', PodDisruptionBudget],
      ['Secret', Secret],
    ] as const) {
      expect(() => one(kind, model as new (data: never) => { validate(): void })).not.toThrow();
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
  });

  it('should pin the image and run the same one in the Deployment and the migration Job', () => {
    const images = [deployment(), job()].map(
      (workload) => container(workload.spec?.template.spec).image,
    );
    const [{ newName, newTag }] = kustomization.images;

    expect(images).toEqual([`${newName}:${newTag}`, `${newName}:${newTag}`]);
    expect(newTag).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('should run at least two replicas with resources and a spread across nodes', () => {
    const { spec } = deployment();
    const app = container(spec?.template.spec);

    expect(spec?.replicas).toBeGreaterThanOrEqual(2);
    expect(app.resources?.requests).toEqual({
      cpu: expect.any(String) as unknown,
      memory: expect.any(String) as unknown,
    });
    expect(app.resources?.limits).toMatchObject({ memory: expect.any(String) as unknown });
    expect(spec?.template.spec?.topologySpreadConstraints?.[0]?.topologyKey).toBe(
      'kubernetes.io/hostname',
    );
  });

  it('should probe endpoints the service serves, on the port it listens on', async () => {
    const app = container(deployment().spec?.template.spec);
    const probes = [app.startupProbe, app.livenessProbe, app.readinessProbe];
    const [port] = app.ports ?? [];
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
    expect(probes.map((probe) => probe?.httpGet?.port)).toEqual([port.name, port.name, port.name]);
    expect(port.containerPort).toBe(Number(podEnvironment().PORT));
    expect(app.readinessProbe!.timeoutSeconds! * 1000).toBeGreaterThan(
      READINESS_DATABASE_TIMEOUT_MS,
    );
  });

  it('should leave time for preStop and the drain before the kubelet kills the pod', () => {
    const pod = deployment().spec?.template.spec;
    const preStop = preStopSeconds(container(pod));
    const drain = Number(podEnvironment().SHUTDOWN_GRACE_PERIOD_MS) / 1000;

    expect(preStop).toBeGreaterThan(0);
    // One more second at least, for closing the pool and exiting.
    expect(pod?.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + drain + 1);
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

  it('should route the Service, the autoscaler and the disruption budget to the Deployment', () => {
    const target = deployment();
    const labels = target.spec?.template.metadata?.labels;
    const service = one('Service', Service);
    const hpa = one('HorizontalPodAutoscaler', HorizontalPodAutoscaler);
    const pdb = one('PodDisruptionBudget', PodDisruptionBudget);
    const portNames = (container(target.spec?.template.spec).ports ?? []).map((port) => port.name);

    expect(labels).toMatchObject(service.spec?.selector ?? { missing: true });
    expect(labels).toMatchObject(pdb.spec?.selector?.matchLabels ?? { missing: true });
    expect(target.spec?.selector.matchLabels).toEqual(pdb.spec?.selector?.matchLabels);
    expect(service.spec?.ports?.map((port) => port.targetPort)).toEqual(portNames);
    expect(hpa.spec?.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: target.metadata?.name,
    });
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec?.metrics?.[0]?.resource?.name).toBe('cpu');
    expect(pdb.spec?.maxUnavailable).toBe(1);
  });

  it('should migrate with a one-off Job connecting straight to PostgreSQL', () => {
    const { spec } = job();
    const migrate = container(spec?.template.spec);
    const database = migrate.env?.find((variable) => variable.name === 'DATABASE_URL');
    const build = JSON.parse(readFileSync('tsconfig.build.json', 'utf8')) as { include: string[] };
    const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
      dependencies: Record<string, string>;
    };

    expect(spec?.template.spec?.restartPolicy).toBe('Never');
    expect(migrate.command).toBeUndefined();
    expect(migrate.args).toEqual([
      'node',
      'node_modules/typeorm/cli.js',
      'migration:run',
      '-d',
      'dist/ormconfig.js',
    ]);
    expect(build.include).toContain('ormconfig.ts');
    expect(Object.keys(packageJson.dependencies)).toContain('typeorm');
    expect(database?.valueFrom?.secretKeyRef?.key).toBe('DATABASE_MIGRATION_URL');
  });

  // An index build over a large table takes far longer than a request may.
  it('should run migrations without the requests statement timeout', async () => {
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL ??= 'postgres://migrate@localhost/host_connections';
    const { default: migrations } = await import('../ormconfig.js');
    if (previous === undefined) delete process.env.DATABASE_URL;

    expect(migrations.options.extra).not.toHaveProperty('statement_timeout');
  });
});
