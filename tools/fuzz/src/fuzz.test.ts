// The short fuzz run of `npm test` (TFSLIM_FUZZ_COUNT mutants per format, 150 by default), and
// the long one of `npm run fuzz -- --count N`: every mutant of a checkpoint bundle, a
// safetensors file, tfjs weights and an event file reads as data consistent with its bytes or
// fails with the package's typed error; no untyped error, no hang, no over-allocation.
import { formatTable, runFuzz } from './harness';

const count = Number(process.env.TFSLIM_FUZZ_COUNT ?? 150);
const seed = Number(process.env.TFSLIM_FUZZ_SEED ?? 20261206);

it(`${count} mutants per format: typed errors or consistent data, nothing else`, async () => {
  const result = await runFuzz({ count, seed });
  console.log(formatTable(result));
  for (const f of result.failures.slice(0, 20))
    console.log(
      `${f.format} case ${f.caseNo}: ${f.verdict}: ${f.label}: ${f.detail} (files in ${f.dir})`,
    );
  expect(result.failures.map((f) => `${f.format} ${f.caseNo} ${f.verdict} ${f.label}`)).toEqual([]);
  // Both kinds of mutant reach the readers, and the crafted ones get past the CRCs.
  for (const row of Object.values(result.table)) {
    expect(row.crafted).toBeGreaterThan(count / 4);
    expect(row.typed).toBeGreaterThan(0);
  }
});
