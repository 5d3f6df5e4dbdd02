#!/usr/bin/env node
// validate.mjs [FILE|-]: checks pyfn-k8s output (multi-document YAML, default stdin)
// against the Kubernetes and KEDA OpenAPI schemas that the kubernetes-models packages
// carry (pinned in package.json; `npm ci` installs them into node_modules/).
// Every document goes through the model class of its apiVersion/kind and `.validate()`;
// http.keda.sh HTTPScaledObject has no model in @kubernetes-models/keda, so it is checked
// structurally here. Also checked: every object has pyfn-k8s's three labels, and a
// Deployment's selector matches its pod template's labels.
// Exit 0 when every document is valid; 1 naming the first bad object and the error;
// 2 when the input cannot be read or parsed.

import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { Deployment } from "kubernetes-models/apps/v1";
import { Service, Secret } from "kubernetes-models/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";

const MODELS = {
  "apps/v1/Deployment": Deployment,
  "v1/Service": Service,
  "v1/Secret": Secret,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
  "http.keda.sh/v1alpha1/HTTPScaledObject": null, // structural check below
};
const LABELS = ["app.kubernetes.io/name", "app.kubernetes.io/component",
  "app.kubernetes.io/managed-by"];
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function isInt(v) { return Number.isInteger(v); }

// HTTPScaledObject, KEDA HTTP add-on v0.8+ (http.keda.sh/v1alpha1): the fields pyfn-k8s
// writes and their types.
function checkHttpScaledObject(o) {
  const s = o.spec;
  if (!s || typeof s !== "object") throw new Error("spec is missing");
  const t = s.scaleTargetRef;
  if (!t || typeof t.name !== "string" || !t.name) throw new Error("spec.scaleTargetRef.name is missing");
  if (typeof t.service !== "string" || !t.service) throw new Error("spec.scaleTargetRef.service is missing");
  if (!isInt(t.port) || t.port < 1 || t.port > 65535) throw new Error("spec.scaleTargetRef.port must be a port number");
  if (s.hosts !== undefined && !(Array.isArray(s.hosts) && s.hosts.every((h) => typeof h === "string"))) {
    throw new Error("spec.hosts must be a list of strings");
  }
  const r = s.replicas || {};
  if (!isInt(r.min) || r.min < 0) throw new Error("spec.replicas.min must be an integer >= 0");
  if (!isInt(r.max) || r.max < 1 || r.max < r.min) throw new Error("spec.replicas.max must be an integer >= max(1, min)");
  const c = s.scalingMetric && s.scalingMetric.concurrency;
  if (c !== undefined && (!isInt(c.targetValue) || c.targetValue < 1)) {
    throw new Error("spec.scalingMetric.concurrency.targetValue must be an integer >= 1");
  }
}

function checkCommon(o) {
  const md = o.metadata || {};
  if (typeof md.name !== "string" || !DNS1123.test(md.name) || md.name.length > 63) {
    throw new Error(`metadata.name ${JSON.stringify(md.name)} is not a DNS-1123 label`);
  }
  for (const l of LABELS) {
    if (!md.labels || typeof md.labels[l] !== "string") throw new Error(`label ${l} is missing`);
  }
  if (o.kind === "Deployment") {
    const sel = (o.spec.selector || {}).matchLabels || {};
    const pod = ((o.spec.template || {}).metadata || {}).labels || {};
    for (const [k, v] of Object.entries(sel)) {
      if (pod[k] !== v) throw new Error(`selector ${k}=${v} does not match the pod template`);
    }
  }
  if (o.kind === "ScaledObject" || o.kind === "HTTPScaledObject") {
    for (const t of o.spec.triggers || []) {
      for (const [k, v] of Object.entries(t.metadata || {})) {
        if (typeof v !== "string") throw new Error(`trigger ${t.type} metadata.${k} must be a string`);
      }
    }
  }
}

function main() {
  const file = process.argv[2] || "-";
  let text;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    console.error(`validate.mjs: cannot read ${file}: ${e.message}`);
    return 2;
  }
  const docs = parseAllDocuments(text);
  let n = 0;
  for (const doc of docs) {
    if (doc.errors.length) {
      console.error(`validate.mjs: ${file}: YAML error: ${doc.errors[0].message}`);
      return 2;
    }
    const o = doc.toJS();
    if (o === null || o === undefined) continue;
    n++;
    const key = `${o.apiVersion}/${o.kind}`;
    const what = `${o.kind || "?"} ${(o.metadata && o.metadata.name) || "?"} (document ${n})`;
    if (!(key in MODELS)) {
      console.error(`validate.mjs: ${what}: unknown apiVersion/kind ${key}`);
      return 1;
    }
    try {
      const Model = MODELS[key];
      if (Model) new Model(o).validate();
      else checkHttpScaledObject(o);
      checkCommon(o);
    } catch (e) {
      console.error(`validate.mjs: ${what}: ${e.message}`);
      return 1;
    }
  }
  if (n === 0) {
    console.error(`validate.mjs: ${file}: no documents`);
    return 1;
  }
  console.log(`validate.mjs: ${n} objects valid`);
  return 0;
}

process.exitCode = main();
