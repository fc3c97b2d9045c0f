import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// `kustomize build` for the subset of features deploy/kubernetes uses, so the manifest test
// needs nothing but npm (no kustomize or kubectl binary). A field it does not know fails the
// build instead of being ignored: a new feature must be taught here first, and the test
// comparing with `kubectl kustomize` (where installed) keeps both in agreement.

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
} & Record<string, unknown>;

type Json = Record<string, unknown>;

interface Generator {
  name: string;
  behavior?: 'create' | 'merge';
  envs?: string[];
  literals?: string[];
}

interface Kustomization {
  apiVersion: string;
  kind: 'Kustomization' | 'Component';
  namespace?: string;
  labels?: Array<{ pairs: Record<string, string> }>;
  resources?: string[];
  components?: string[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  images?: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
  patches?: Array<{ path?: string; patch?: string; target?: { kind: string; name: string } }>;
}

// The fields understood, and for lists of entries the fields an entry may have.
const KNOWN_FIELDS: Record<string, readonly string[] | null> = {
  apiVersion: null,
  kind: null,
  namespace: null,
  resources: null,
  components: null,
  labels: ['pairs'],
  configMapGenerator: ['name', 'behavior', 'envs', 'literals'],
  secretGenerator: ['name', 'behavior', 'envs', 'literals'],
  images: ['name', 'newName', 'newTag', 'digest'],
  patches: ['path', 'patch', 'target'],
};
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
// Strategic merge: lists of these fields merge element by element on the key; any other
// list is replaced, as for the Kubernetes types these manifests patch.
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'name',
};
const GENERATED = Symbol('generated');

type Resource = Manifest & { [GENERATED]?: true };

/** The objects `kubectl kustomize <folder>` would print, in no particular order. */
export function kustomize(folder: string, overrides: Record<string, string> = {}): Manifest[] {
  const resources = build(folder, [], overrides);
  return withHashedNames(resources);
}

function readKustomization(folder: string, overrides: Record<string, string>): Kustomization {
  const file = join(folder, 'kustomization.yaml');
  const kustomization = parse(overrides[file] ?? readFileSync(file, 'utf8')) as Json;
  const unknown = Object.entries(kustomization).flatMap(([field, value]) => {
    if (!(field in KNOWN_FIELDS)) return [field];
    const entryFields = KNOWN_FIELDS[field];
    if (entryFields === null) return [];
    return (value as Json[]).flatMap((entry) =>
      Object.keys(entry)
        .filter((key) => !entryFields.includes(key))
        .map((key) => `${field}[].${key}`),
    );
  });
  if (unknown.length > 0) throw new Error(`${folder}: unsupported fields ${unknown.join(', ')}`);
  return kustomization as unknown as Kustomization;
}

/**
 * One kustomization: its resources, then its components, generators and transformers, in
 * kustomize's order. `overrides` replaces the text of files, by path, for tests.
 */
function build(
  folder: string,
  accumulated: Resource[],
  overrides: Record<string, string>,
): Resource[] {
  const kustomization = readKustomization(folder, overrides);
  const read = (file: string) =>
    overrides[join(folder, file)] ?? readFileSync(join(folder, file), 'utf8');
  let resources = [...accumulated];

  for (const entry of kustomization.resources ?? []) {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) resources.push(...build(path, [], overrides));
    else resources.push(...parseManifests(read(entry)));
  }
  for (const component of kustomization.components ?? []) {
    const path = join(folder, component);
    if (readKustomization(path, overrides).kind !== 'Component')
      throw new Error(`${path} is not a Component`);
    resources = build(path, resources, overrides);
  }
  for (const [kind, generators] of [
    ['ConfigMap', kustomization.configMapGenerator],
    ['Secret', kustomization.secretGenerator],
  ] as const) {
    for (const generator of generators ?? [])
      resources = generate(kind, generator, read, resources);
  }
  for (const patch of kustomization.patches ?? []) resources = applyPatch(patch, read, resources);
  if (kustomization.namespace !== undefined) {
    for (const resource of resources) {
      if (!CLUSTER_SCOPED.has(resource.kind)) resource.metadata.namespace = kustomization.namespace;
    }
  }
  for (const { pairs } of kustomization.labels ?? []) {
    for (const resource of resources) {
      resource.metadata.labels = { ...resource.metadata.labels, ...pairs };
    }
  }
  for (const image of kustomization.images ?? []) {
    for (const container of resources.flatMap(containersOf)) setImage(container, image);
  }
  return resources;
}

function parseManifests(text: string): Resource[] {
  return parseAllDocuments(text)
    .map((document) => document.toJSON() as Resource | null)
    .filter((manifest): manifest is Resource => manifest !== null);
}

/** The KEY=value lines of an env file, as a generator's `envs` reads them. */
export function envFile(text: string): Array<[string, string]> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
}

function generate(
  kind: 'ConfigMap' | 'Secret',
  generator: Generator,
  read: (file: string) => string,
  resources: Resource[],
): Resource[] {
  const pairs = [
    ...(generator.envs ?? []).flatMap((file) => envFile(read(file))),
    ...(generator.literals ?? []).map(
      (literal) =>
        [literal.slice(0, literal.indexOf('=')), literal.slice(literal.indexOf('=') + 1)] as [
          string,
          string,
        ],
    ),
  ];
  const data = Object.fromEntries(
    pairs.map(([key, value]) => [
      key,
      kind === 'Secret' ? Buffer.from(value).toString('base64') : value,
    ]),
  );
  const existing = resources.find(
    (resource) =>
      resource[GENERATED] && resource.kind === kind && resource.metadata.name === generator.name,
  );
  if ((generator.behavior ?? 'create') === 'merge') {
    if (existing === undefined) throw new Error(`no ${kind} ${generator.name} to merge into`);
    existing.data = { ...(existing.data as Json), ...data };
    return resources;
  }
  if (existing !== undefined) throw new Error(`${kind} ${generator.name} generated twice`);
  const created: Resource = {
    apiVersion: 'v1',
    kind,
    metadata: { name: generator.name },
    data,
    ...(kind === 'Secret' && { type: 'Opaque' }),
    [GENERATED]: true,
  };
  return [...resources, created];
}

function applyPatch(
  patch: NonNullable<Kustomization['patches']>[number],
  read: (file: string) => string,
  resources: Resource[],
): Resource[] {
  const text = patch.path === undefined ? patch.patch! : read(patch.path);
  const parsed = parse(text) as Json | Json[];
  if (Array.isArray(parsed)) {
    const target = patch.target!;
    const selectors = Object.keys(target).filter((key) => key !== 'kind' && key !== 'name');
    if (selectors.length > 0) throw new Error(`unsupported patch target ${selectors.join(', ')}`);
    const matched = resources.filter(
      (resource) => resource.kind === target.kind && resource.metadata.name === target.name,
    );
    if (matched.length === 0) throw new Error(`no ${target.kind} ${target.name} to patch`);
    for (const resource of matched)
      for (const operation of parsed) applyJsonPatch(resource, operation);
    return resources;
  }
  const { kind, metadata } = parsed as Manifest;
  const index = resources.findIndex(
    (resource) => resource.kind === kind && resource.metadata.name === metadata.name,
  );
  if (index === -1) throw new Error(`no ${kind} ${metadata.name} to patch`);
  const merged = strategicMerge(resources[index], parsed) as Resource;
  return resources.map((resource, at) => (at === index ? merged : resource));
}

function strategicMerge(base: unknown, patch: unknown, field = ''): unknown {
  if (Array.isArray(base) && Array.isArray(patch) && MERGE_KEYS[field] !== undefined) {
    const key = MERGE_KEYS[field];
    const merged = base.map((item: Json) => {
      const change = patch.find((candidate: Json) => candidate[key] === item[key]) as unknown;
      return change === undefined ? item : strategicMerge(item, change);
    });
    const added = patch.filter(
      (candidate: Json) => !base.some((item: Json) => item[key] === candidate[key]),
    ) as unknown[];
    return [...merged, ...added];
  }
  if (isObject(base) && isObject(patch)) {
    const merged: Json = { ...base };
    for (const [key, value] of Object.entries(patch))
      merged[key] = strategicMerge(base[key], value, key);
    return merged;
  }
  return patch;
}

function applyJsonPatch(resource: Json, operation: Json): void {
  const path = String(operation.path)
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = path.pop()!;
  let parent: unknown = resource;
  for (const part of path) parent = (parent as Json)[part];
  if (!isObject(parent) && !Array.isArray(parent)) throw new Error(`no ${String(operation.path)}`);
  const container = parent as Json;
  switch (operation.op) {
    case 'replace':
      if (!(last in container)) throw new Error(`nothing at ${String(operation.path)} to replace`);
      container[last] = operation.value;
      break;
    case 'add':
      if (Array.isArray(parent)) {
        parent.splice(last === '-' ? parent.length : Number(last), 0, operation.value);
      } else container[last] = operation.value;
      break;
    case 'remove':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete container[last];
      break;
    default:
      throw new Error(`unsupported JSON patch operation ${String(operation.op)}`);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function containersOf(resource: Resource): Json[] {
  const spec = (resource.spec as Json | undefined)?.template as Json | undefined;
  const pod = spec?.spec as Json | undefined;
  return [...((pod?.initContainers as Json[]) ?? []), ...((pod?.containers as Json[]) ?? [])];
}

function setImage(container: Json, image: NonNullable<Kustomization['images']>[number]): void {
  const reference = String(container.image);
  const [withoutDigest, digest] = reference.split('@');
  const tagAt = withoutDigest.lastIndexOf(':');
  const hasTag = tagAt > withoutDigest.lastIndexOf('/');
  const name = hasTag ? withoutDigest.slice(0, tagAt) : withoutDigest;
  if (name !== image.name) return;
  const tag = image.newTag ?? (hasTag ? withoutDigest.slice(tagAt + 1) : undefined);
  container.image =
    (image.newName ?? name) +
    (tag === undefined ? '' : `:${tag}`) +
    (image.digest !== undefined ? `@${image.digest}` : digest !== undefined ? `@${digest}` : '');
}

/** Generated names get a hash of the content, and every reference follows the new name. */
function withHashedNames(resources: Resource[]): Manifest[] {
  const renamed = new Map<string, string>();
  for (const resource of resources.filter((candidate) => candidate[GENERATED])) {
    const hash = createHash('sha256')
      .update(JSON.stringify({ kind: resource.kind, data: resource.data }))
      .digest('hex')
      .slice(0, 10);
    const name = `${resource.metadata.name}-${hash}`;
    renamed.set(`${resource.kind}/${resource.metadata.name}`, name);
    resource.metadata.name = name;
  }
  const follow = (kind: string, reference: Json | undefined) => {
    const name = reference?.name;
    if (typeof name === 'string' && renamed.has(`${kind}/${name}`)) {
      reference!.name = renamed.get(`${kind}/${name}`);
    }
  };
  for (const container of resources.flatMap(containersOf)) {
    for (const source of (container.envFrom as Json[]) ?? []) {
      follow('ConfigMap', source.configMapRef as Json);
      follow('Secret', source.secretRef as Json);
    }
    for (const variable of (container.env as Json[]) ?? []) {
      const from = variable.valueFrom as Json | undefined;
      follow('ConfigMap', from?.configMapKeyRef as Json);
      follow('Secret', from?.secretKeyRef as Json);
    }
  }
  return resources.map((resource) => {
    const manifest = { ...resource };
    delete manifest[GENERATED];
    return manifest;
  });
}
