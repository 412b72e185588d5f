// The dashboard's API types come from the API's contract, docs/openapi.json (written by `make openapi`).
//   node scripts/api-types.mjs          regenerate src/api/schema.d.ts
//   node scripts/api-types.mjs --check  fail if src/api/schema.d.ts is not what the contract generates (run before every build)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { COMMENT_HEADER, astToString } from 'openapi-typescript';

const contract = fileURLToPath(new URL('../../docs/openapi.json', import.meta.url));
const target = fileURLToPath(new URL('../src/api/schema.d.ts', import.meta.url));

const document = JSON.parse(readFileSync(contract, 'utf8'));
const generated = `${COMMENT_HEADER}${astToString(await openapiTS(document, { alphabetize: true }))}`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // a missing file is drift too
  }
  if (current !== generated) {
    console.error(
      'src/api/schema.d.ts does not match docs/openapi.json: run `npm run api-types` in frontend/ ' +
        '(after `make openapi` if the API changed) and commit both.',
    );
    process.exit(1);
  }
} else {
  writeFileSync(target, generated, 'utf8');
  console.log(`wrote ${target}`);
}
