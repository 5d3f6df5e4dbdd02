// validate-sbom.mjs FILE...: each file must be a CycloneDX JSON document valid against the
// schema of its specVersion, as CycloneDX's own library checks it (@cyclonedx/cyclonedx-library,
// JsonStrictValidator: the bundled bom-1.x schema with SPDX license ids and JSF, via ajv).
// Prints "valid FILE" per file or the schema errors; exits 1 if any file is invalid.
// The library and ajv are dev dependencies in package.json (make deps: npm ci).
import { readFileSync } from 'node:fs';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const doc = JSON.parse(text);
  const version = doc.specVersion;
  if (doc.bomFormat !== 'CycloneDX' || !Object.values(Spec.Version).includes(version)) {
    console.log(`invalid ${file}: not a CycloneDX document of a known specVersion (${version})`);
    failed++;
    continue;
  }
  const errors = await new Validation.JsonStrictValidator(version).validate(text);
  if (errors === null) {
    console.log(`valid ${file} (CycloneDX ${version}, ${(doc.components || []).length} components)`);
  } else {
    console.log(`invalid ${file}:`);
    console.log(JSON.stringify(errors, null, 1).slice(0, 4000));
    failed++;
  }
}
process.exit(failed ? 1 : 0);
