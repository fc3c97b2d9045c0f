import { validate } from 'dockerfile-utils';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  type DockerInstruction,
  type DockerStage,
  dockerignoreMatcher,
  readStages,
} from '../scripts/lib/dockerfile.mjs';
import { validateEnvironment } from '../src/config/env.schema.js';

// The Dockerfile cannot be built here (no Docker engine); scripts/docker-rehearsal.mjs
// performs its steps. This file checks what a linter and a reading can: syntax, pinning,
// what reaches the image and how it starts.
const DOCKERFILE = readFileSync('Dockerfile', 'utf8');
const stages = readStages(DOCKERFILE);
const stageNames = new Set(stages.map((stage) => stage.name));
const runtime = stages.at(-1)!;
const ignored = dockerignoreMatcher(readFileSync('.dockerignore', 'utf8'));

function instructions(stage: DockerStage, keyword: string): DockerInstruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}

/** A stage and the stages it is built FROM, nearest first. */
function lineage(stage: DockerStage): DockerStage[] {
  const parent = stages.find((candidate) => candidate.name === stage.from);
  return parent === undefined ? [stage] : [stage, ...lineage(parent)];
}

function stageNamed(name: string | undefined): DockerStage {
  const stage = stages.find((candidate) => candidate.name === name);
  if (stage === undefined) throw new Error(`no stage ${name}`);
  return stage;
}

describe('Dockerfile', () => {
  it('should pass the dockerfile-utils linter without a diagnostic', () => {
    expect(validate(DOCKERFILE)).toEqual([]);
  });

  it('should build from an exact release of an LTS line of Node.js on Debian bookworm', () => {
    const images = stages.map((stage) => stage.from).filter((from) => !stageNames.has(from ?? ''));

    expect(images.length).toBeGreaterThan(0);
    for (const image of images) {
      const version = /^node:(\d+)\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/.exec(
        image ?? '',
      );
      expect([image, version !== null]).toEqual([image, true]);
      // Even major versions become LTS; 22 is the oldest still supported.
      expect(Number(version![1]) % 2 === 0 && Number(version![1]) >= 22).toBe(true);
    }
  });

  it('should install dependencies from the lock file only', () => {
    for (const stage of stages) {
      const runs = instructions(stage, 'RUN').map((run) => run.content);
      expect(runs.filter((run) => /\bnpm (install|i|add|update)\b/.test(run))).toEqual([]);
      const firstInstall = stage.instructions.findIndex(
        (instruction) => instruction.keyword === 'RUN' && instruction.content.includes('npm ci'),
      );
      if (firstInstall === -1) continue;
      const copiedBefore = stage.instructions
        .slice(0, firstInstall)
        .filter((instruction) => instruction.keyword === 'COPY')
        .flatMap((copy) => copy.args.slice(0, -1));
      expect(copiedBefore).toEqual(expect.arrayContaining(['package.json', 'package-lock.json']));
    }
  });

  it('should set NODE_ENV=production in the final stage, and not where it would skip the build tools', () => {
    const env = (stage: DockerStage) => instructions(stage, 'ENV').flatMap((entry) => entry.args);
    const build = stages.find((stage) =>
      instructions(stage, 'RUN').some((run) => run.content.includes('npm run build')),
    )!;

    expect(env(runtime)).toContain('NODE_ENV=production');
    expect(
      lineage(build)
        .flatMap(env)
        .filter((pair) => pair.startsWith('NODE_ENV=')),
    ).toEqual([]);
  });

  it('should ship the build output, production dependencies and package.json only', () => {
    const copies = instructions(runtime, 'COPY');
    const fromContext = copies
      .filter((copy) => copy.from === undefined)
      .flatMap((copy) => copy.args.slice(0, -1));
    const modules = copies.find((copy) => copy.args.at(-1) === './node_modules')!;
    const dist = copies.find((copy) => copy.args.at(-1) === './dist')!;

    expect(fromContext).toEqual(['package.json']);
    expect(instructions(stageNamed(modules.from), 'RUN').map((run) => run.content)).toContainEqual(
      expect.stringMatching(/^npm ci --omit=dev --omit=optional --ignore-scripts\b/),
    );
    expect(instructions(stageNamed(dist.from), 'RUN').map((run) => run.content)).toContain(
      'npm run build',
    );
    expect(instructions(runtime, 'RUN').some((run) => /\bnpm (ci|run)\b/.test(run.content))).toBe(
      false,
    );
  });

  it('should remove the package managers from the final image', () => {
    const removed = instructions(runtime, 'RUN').flatMap((run) => run.args);

    expect(removed).toEqual(
      expect.arrayContaining([
        '/usr/local/lib/node_modules/npm',
        '/usr/local/bin/npm',
        '/usr/local/bin/npx',
      ]),
    );
  });

  it('should run as a numeric non-root user', () => {
    const users = instructions(runtime, 'USER').map((user) => user.args[0]);

    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^[1-9]\d*:[1-9]\d*$/);
  });

  it('should start node on the compiled main.ts in exec form, under tini as PID 1', () => {
    const [entrypoint] = instructions(runtime, 'ENTRYPOINT');
    const [cmd] = instructions(runtime, 'CMD');
    const tini = instructions(runtime, 'COPY').find(
      (copy) => copy.args.at(-1) === '/usr/bin/tini',
    )!;
    const tsconfig = JSON.parse(readFileSync('tsconfig.json', 'utf8')) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
    };

    expect(entrypoint.json).toEqual(['/usr/bin/tini', '--']);
    expect(cmd.json).toEqual(['node', '--no-memory-reducer', 'dist/src/main.js']);
    // npm run start:prod and the benchmark run the service as the image does.
    expect(packageJson.scripts['start:prod']).toBe(cmd.json?.join(' '));
    expect(tsconfig.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: '.' });
    expect(instructions(stageNamed(tini.from), 'RUN').map((run) => run.content)).toContainEqual(
      expect.stringContaining('apt-get install --yes --no-install-recommends tini'),
    );
  });

  it('should expose the default PORT and the metrics port', () => {
    const { PORT } = validateEnvironment({ JWT_SECRET: 'x'.repeat(32) });

    // 9464: the default METRICS_PORT, where GET /metrics is served.
    expect(instructions(runtime, 'EXPOSE').flatMap((expose) => expose.args)).toEqual([
      String(PORT),
      '9464',
    ]);
  });

  it('should label the image with the OCI annotations: name, version, commit and base image', () => {
    const labels = Object.fromEntries(
      instructions(runtime, 'LABEL').flatMap((label) =>
        [...label.content.matchAll(/([\w.-]+)="([^"]*)"/g)].map(([, key, value]) => [key, value]),
      ),
    );
    const buildArgs = instructions(runtime, 'ARG').map((arg) => arg.args[0].split('=')[0]);
    const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as {
      name: string;
      description: string;
    };

    expect(labels).toEqual({
      'org.opencontainers.image.title': packageJson.name,
      'org.opencontainers.image.description': packageJson.description,
      'org.opencontainers.image.version': '${VERSION}',
      'org.opencontainers.image.revision': '${REVISION}',
      'org.opencontainers.image.base.name': `docker.io/library/${stageNamed(runtime.from ?? undefined).from}`,
    });
    expect(buildArgs).toEqual(['VERSION', 'REVISION']);
  });
});

describe('.dockerignore', () => {
  const tracked = execFileSync('git', ['ls-files'], { encoding: 'utf8' }).trim().split('\n');

  it('should keep secrets, local data, dependencies, build output and tests out of the context', () => {
    for (const path of [
      '.env',
      '.env.local',
      '.data/PG_VERSION',
      '.git/config',
      'node_modules/pg/package.json',
      'dist/src/main.js',
      'test/smoke.e2e-spec.ts',
      'src/platform/logging/request-id.spec.ts',
      'deploy/kubernetes/overlays/production/secrets.env',
      'coverage/lcov.info',
      'Dockerfile',
    ]) {
      expect([path, ignored(path)]).toEqual([path, true]);
    }
  });

  it('should let in every file the Dockerfile copies from the context', () => {
    const sources = stages
      .flatMap((stage) => instructions(stage, 'COPY'))
      .filter((copy) => copy.from === undefined)
      .flatMap((copy) => copy.args.slice(0, -1));
    const needed = tracked.filter(
      (file) =>
        sources.some((source) => file === source || file.startsWith(`${source}/`)) &&
        !file.endsWith('.spec.ts'),
    );

    expect(needed).toEqual(
      expect.arrayContaining(['package-lock.json', 'src/main.ts', 'ormconfig.ts']),
    );
    expect(needed.filter(ignored)).toEqual([]);
  });
});
