import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from './support/build.js';

interface PackageJson {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const PACKAGE = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as PackageJson;
const README = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
// Documents a reader of a clone follows from the README.
const LINKED_DOCUMENTS = ['README.md', 'docs/contract.md'];

function linksOf(file: string): string[] {
  const text = readFileSync(join(PROJECT_ROOT, file), 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]);
}

describe('the README', () => {
  it('should name every library package.json installs', () => {
    const names = [
      ...Object.keys(PACKAGE.dependencies),
      ...Object.keys(PACKAGE.devDependencies),
    ].filter((name) => !name.startsWith('@types/'));

    expect(names.filter((name) => !README.includes(`\`${name}\``))).toEqual([]);
  });

  it('should state the oldest Node version engines allows, and Node 24 for development', () => {
    const minimum = /^>=\s*(\d+\.\d+)/.exec(PACKAGE.engines.node)?.[1];

    expect(minimum).toBeDefined();
    expect(README).toContain(`(${minimum ?? ''})`);
    expect(README).toMatch(/Node\.js 24/);
  });

  it.each(LINKED_DOCUMENTS)('should link nothing outside the repository from %s', (file) => {
    const outside = linksOf(file).filter((link) => {
      if (/^https?:\/\/localhost[:/]/.test(link)) return false;
      if (/^[a-z]+:/i.test(link)) return true;
      const target = resolve(dirname(join(PROJECT_ROOT, file)), link.split('#')[0]);
      return relative(PROJECT_ROOT, target).startsWith('..') || !existsSync(target);
    });

    expect(linksOf(file).length).toBeGreaterThan(0);
    expect(outside).toEqual([]);
  });
});
