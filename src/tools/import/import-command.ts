import { access, constants, stat } from 'node:fs/promises';
import { type CommandOutput, runCommand, UsageError } from '../run-cli.js';
import { createCliDataSource } from '../cli-data-source.js';
import { formatIssue } from './import-issue.js';
import { importDocument, type ImportSummary } from './importer.js';
import { fileSource } from './json-tokens.js';
import type { WriteCounts } from './upsert.js';

export const USAGE = 'Usage: npm run db:import -- <file.json>   (DATABASE_URL names the database)';

async function readableFile(args: string[]): Promise<string> {
  if (args.length !== 1 || args[0].startsWith('-')) throw new UsageError(USAGE);
  const [path] = args;
  try {
    await access(path, constants.R_OK);
    if ((await stat(path)).isFile()) return path;
  } catch {
    // reported below, as for a directory
  }
  throw new UsageError(`Cannot read the file ${path}\n${USAGE}`);
}

function describe(label: string, counts: WriteCounts): string {
  return `  ${label}: ${counts.inserted} inserted, ${counts.updated} updated, ${counts.unchanged} unchanged`;
}

function summaryLines(path: string, summary: ImportSummary): string[] {
  return [
    `Imported ${path} in ${(summary.durationMs / 1000).toFixed(1)} s`,
    describe('organizations', summary.organizations),
    describe('connections', summary.connections) +
      (summary.bulkLoaded ? ' (bulk loaded: indexes rebuilt after the load)' : ''),
    summary.maintenance.tables.length === 0
      ? '  planner statistics: nothing written, nothing to update'
      : `  planner statistics: VACUUM (ANALYZE) ${summary.maintenance.tables.join(', ')} ` +
        `in ${(summary.maintenance.durationMs / 1000).toFixed(1)} s`,
  ];
}

/** `npm run db:import -- <file.json>`: exit code 0 when imported, 1 otherwise. */
export function runImportCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
  output: CommandOutput,
): Promise<number> {
  return runCommand('Import', output, async () => {
    const path = await readableFile(args);
    const dataSource = createCliDataSource(env);
    await dataSource.initialize();
    try {
      // Every issue is printed as it is found, so a file with a million bad records is
      // reported in full without being held in memory.
      const result = await importDocument(dataSource, fileSource(path), {
        onIssue: (issue) => output.err(formatIssue(issue)),
        keepIssues: 0,
      });
      if (!result.ok) {
        const problems = `${result.issueCount} problem${result.issueCount === 1 ? '' : 's'}`;
        output.err(`Import refused: ${problems} in ${path}; nothing was written.`);
        return 1;
      }
      for (const line of summaryLines(path, result)) output.out(line);
      return 0;
    } finally {
      await dataSource.destroy();
    }
  });
}
