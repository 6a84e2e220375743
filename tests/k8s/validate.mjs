// Checks Kubernetes manifests against Kubernetes' OpenAPI schemas, as compiled into the npm package kubernetes-models:
// field types and formats, enums, required fields, for every document of every file; and, as the API server would,
// that object, container and volume names are DNS-1123 names and label values are valid (the schemas leave these out).
//   node validate.mjs FILE.yaml...    prints "ok KIND NAME" for each valid document; exits 1 naming each failure.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** What the API server checks beyond the OpenAPI schema, for the fields Winnow writes. */
function names(object) {
  const problems = [];
  const name = object.metadata?.name;
  if (typeof name !== "string" || name.length > 253 || !dns1123Subdomain.test(name)) problems.push(`metadata.name '${name}' is not a DNS-1123 subdomain`);
  // A Job's name becomes its pods' job-name label, so it is also held to a label's 63 characters.
  if (object.kind === "Job" && typeof name === "string" && name.length > 63) problems.push(`Job name '${name}' is longer than 63 characters`);
  const labels = [object.metadata?.labels, object.spec?.template?.metadata?.labels];
  for (const set of labels)
    for (const [key, value] of Object.entries(set ?? {}))
      if (typeof value !== "string" || value.length > 63 || !labelValue.test(value)) problems.push(`label ${key}='${value}' is not a valid label value`);
  const pod = object.spec?.template?.spec ?? (object.kind === "Pod" ? object.spec : undefined);
  for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])])
    if (typeof c.name !== "string" || c.name.length > 63 || !dns1123Label.test(c.name)) problems.push(`container name '${c.name}' is not a DNS-1123 label`);
  for (const v of pod?.volumes ?? [])
    if (typeof v.name !== "string" || v.name.length > 63 || !dns1123Label.test(v.name)) problems.push(`volume name '${v.name}' is not a DNS-1123 label`);
  return problems;
}

let failures = 0;
const fail = (where, message) => { failures++; console.error(`${where}: ${message}`); };

for (const file of process.argv.slice(2)) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  if (documents.length === 0) fail(file, "no YAML document");
  for (const [i, document] of documents.entries()) {
    const where = `${file} document ${i + 1}`;
    if (document.errors.length > 0) { fail(where, `YAML: ${document.errors.map((e) => e.message).join("; ")}`); continue; }
    const object = document.toJS();
    if (object === null || typeof object !== "object" || Array.isArray(object)) { fail(where, "not a mapping"); continue; }
    const { apiVersion, kind } = object;
    if (typeof apiVersion !== "string" || typeof kind !== "string") { fail(where, "apiVersion and kind are required"); continue; }
    // "batch/v1" → kubernetes-models/batch/v1/Job; "v1" (the core group) → kubernetes-models/v1/Pod.
    let Model;
    try {
      Model = (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
    } catch {
      fail(where, `unknown apiVersion/kind ${apiVersion} ${kind}`);
      continue;
    }
    try {
      new Model(object).validate();
      const problems = names(object);
      if (problems.length > 0) { fail(`${where} (${kind} ${object.metadata?.name ?? "?"})`, problems.join(", ")); continue; }
      console.log(`ok ${kind} ${object.metadata?.name ?? "(no name)"}`);
    } catch (error) {
      fail(`${where} (${kind} ${object.metadata?.name ?? "?"})`, String(error.message ?? error).replaceAll("\n", "; "));
    }
  }
}
process.exit(failures === 0 ? 0 : 1);
