// Sums Jest --json result files into the one line CI reads: "N passed, N failed".
// A missing or unreadable result file counts as a failure: its run never finished.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const result = JSON.parse(readFileSync(file, 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
    if (result.numRuntimeErrorTestSuites > 0) {
      console.log(`${file}: ${result.numRuntimeErrorTestSuites} test file(s) failed to run`);
      failed += result.numRuntimeErrorTestSuites;
    }
  } catch (error) {
    console.log(`${file}: no usable Jest result (${error.message})`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
