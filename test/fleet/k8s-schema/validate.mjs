// Validates every document of the given YAML files against the Kubernetes OpenAPI schemas that
// kubernetes-models carries (compiled for ajv), offline. Prints one line per document; exits 1
// when one fails. Those schemas check types, enums, formats and required fields; like the
// OpenAPI document they come from, they do not refuse unknown field names.
//
//   node validate.mjs FILE.yaml...
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

async function model(apiVersion, kind) {
  const dir = apiVersion.includes("/") ? apiVersion : `v1`;
  const mod = await import(`kubernetes-models/${dir}/${kind}`);
  return mod[kind];
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.log(`FAIL ${file}: ${doc.errors[0].message}`);
      failed++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    const name = `${file}: ${obj.kind} ${obj.metadata?.namespace ? obj.metadata.namespace + "/" : ""}${obj.metadata?.name}`;
    try {
      const Model = await model(obj.apiVersion, obj.kind);
      new Model(obj).validate();
      console.log(`ok   ${name}`);
    } catch (e) {
      console.log(`FAIL ${name}: ${e.message.split("\n").slice(0, 4).join(" ")}`);
      failed++;
    }
  }
}
process.exit(failed ? 1 : 0);
