// Reads Lighthouse's JSON reports (lh-<build>-<page>-<run>.json) and prints, per build and
// page, the median of each figure over the runs as a Markdown table, with the bytes the
// page downloaded by kind (what went over the wire, compressed).
import { readFileSync } from "node:fs";
import { basename } from "node:path";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kib = (b) => `${(b / 1024).toFixed(0)} KiB`;

const groups = new Map();
for (const file of process.argv.slice(2)) {
  const [, build, page] = /^lh-(.+)-([a-z]+)-\d+\.json$/.exec(basename(file)) ?? [];
  if (!build) continue;
  const r = JSON.parse(readFileSync(file, "utf8"));
  const bytes = Object.fromEntries(
    (r.audits["resource-summary"]?.details?.items ?? []).map((i) => [i.resourceType, i.transferSize]),
  );
  const key = `${build}\t${page}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push({
    performance: r.categories.performance.score * 100,
    accessibility: r.categories.accessibility.score * 100,
    bestPractices: r.categories["best-practices"].score * 100,
    lcp: r.audits["largest-contentful-paint"].numericValue,
    tbt: r.audits["total-blocking-time"].numericValue,
    cls: r.audits["cumulative-layout-shift"].numericValue,
    tti: r.audits["interactive"]?.numericValue ?? 0,
    total: bytes.total ?? 0,
    script: bytes.script ?? 0,
    stylesheet: bytes.stylesheet ?? 0,
    document: bytes.document ?? 0,
    other: bytes.other ?? 0,
  });
}

console.log("| build | page | runs | perf | a11y | best pr. | LCP | TBT | CLS | interactive | bytes: total | script (JS) | other (WASM) | CSS | HTML |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const [key, runs] of groups) {
  const [build, page] = key.split("\t");
  const m = (f) => median(runs.map((r) => r[f]));
  console.log(
    `| ${build} | ${page} | ${runs.length} | ${m("performance").toFixed(0)} | ${m("accessibility").toFixed(0)} | ${m("bestPractices").toFixed(0)} | ` +
      `${(m("lcp") / 1000).toFixed(2)} s | ${m("tbt").toFixed(0)} ms | ${m("cls").toFixed(3)} | ${(m("tti") / 1000).toFixed(2)} s | ` +
      `${kib(m("total"))} | ${kib(m("script"))} | ${kib(m("other"))} | ${kib(m("stylesheet"))} | ${kib(m("document"))} |`,
  );
}
