/**
 * Schemathesis fuzzes the memory routes from their own OpenAPI document (GET /openapi.json)
 * against a real `langgraph dev` process in token mode with two users. User B's memories and
 * memory update job are seeded first; the fuzzer then sends generated requests as user A: once
 * freely, once with B's memory id, job id and user id in every path. Counted from its reports:
 * requests sent, 5xx answers, answers that break the document's schemas (its checks), answers to
 * A that carry B's data A did not send, and changes to B's data. Skipped, with the reason
 * printed, when schemathesis is not installed (`bash scripts/setup-schemathesis.sh`; .ci/run
 * installs it).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevServer, type DevServer } from "../e2e/dev-server.js";
import { recordFigure } from "./figures.js";

const ST =
  process.env.SCHEMATHESIS_BIN ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "memory-chat/schemathesis/bin/st");
const installed = existsSync(ST);
if (!installed)
  console.log(
    `api fuzz skipped: schemathesis is not installed at ${ST}; run \`bash scripts/setup-schemathesis.sh\` (needs Python 3)`,
  );

/** Checks that judge one answer against the document; schemathesis's others judge the API's design. */
const CHECKS =
  "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance";
const SEED = process.env.FUZZ_SEED ?? "20261201";
const MIN_REQUESTS = 1000;

interface User {
  id: string;
  token: string;
}
const alice: User = { id: "alice", token: randomBytes(16).toString("hex") };
const bob: User = { id: "bob", token: randomBytes(16).toString("hex") };

let server: DevServer;
const work = mkdtempSync(join(tmpdir(), "memory-chat-fuzz-"));

async function call(user: User, method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      authorization: `Bearer ${user.token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** Everything of B's the memory routes could change: memories with history, and update jobs. */
async function bobsData(): Promise<string> {
  const exported = await call(bob, "GET", "/users/bob/export");
  const jobs = await call(bob, "GET", "/queue/jobs");
  expect(exported.status).toBe(200);
  expect(jobs.status).toBe(200);
  return JSON.stringify({ memories: exported.json.memories, jobs: jobs.json.jobs });
}

interface HarEntry {
  request: { method: string; url: string; postData?: { text?: string } };
  response: { status: number; content?: { text?: string } };
}

/** Runs schemathesis as A; returns its exchanges (HAR) and its failures (JSON report). */
async function fuzz(name: string, config: string | undefined, maxExamples: number) {
  const dir = join(work, name);
  const args = [
    ...(config ? ["--config-file", config] : []),
    "run",
    `${server.url}/openapi.json`,
    "-H",
    `Authorization: Bearer ${alice.token}`,
    "--checks",
    CHECKS,
    "--max-examples",
    String(maxExamples),
    "--seed",
    SEED,
    "--workers",
    "2",
    "--no-shrink",
    "--report",
    "har,json",
    "--report-dir",
    dir,
  ];
  const run = await promisify(execFile)(ST, args, { cwd: work, maxBuffer: 64 * 1024 * 1024, timeout: 420_000 }).catch(
    (error) => error,
  );
  const report = (prefix: string) => {
    const file = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith(prefix)) : undefined;
    if (!file)
      throw new Error(`schemathesis wrote no ${prefix} report. Its output:\n${run.stdout ?? ""}\n${run.stderr ?? ""}`);
    return JSON.parse(readFileSync(join(dir, file), "utf8"));
  };
  const entries: HarEntry[] = report("har-").log.entries;
  const summary = report("json-");
  return { entries, failures: summary.failures as unknown[], output: String(run.stdout ?? "") };
}

describe.skipIf(!installed)("API fuzz (schemathesis, token mode, two users)", () => {
  const bobSecrets: string[] = [];
  let bobMemoryId = "";
  let bobJobId = "";

  beforeAll(async () => {
    server = await startDevServer("test/e2e/langgraph.json", {
      AUTH_TOKENS: `${alice.id}:${alice.token},${bob.id}:${bob.token}`,
      MEMORY_UPDATE_MODE: "background",
    });
    const facts = ["Bob's locker code is 4711-TEAL.", "Bob keeps a ferret named Quincy."];
    const added = await call(bob, "POST", "/memories", {
      infer: false,
      facts: facts.map((text) => ({ text, category: "profile" })),
    });
    expect(added.status).toBe(201);
    bobMemoryId = added.json.changes[0].memoryId;
    // A chat turn leaves B a memory update job (and the memories it stores).
    const thread = await call(bob, "POST", "/threads", {});
    const turn = await call(bob, "POST", `/threads/${thread.json.thread_id}/runs/wait`, {
      assistant_id: "memory_chat",
      input: { messages: [{ role: "user", content: "I live in Tromso. I play the theremin." }] },
    });
    bobJobId = turn.json.memoryJobId;
    for (let i = 0; i < 100 && (await call(bob, "GET", `/queue/jobs/${bobJobId}`)).json.state !== "done"; i++)
      await new Promise((r) => setTimeout(r, 200));
    const seeded = await call(bob, "GET", "/memories?includeHistory=true");
    for (const m of seeded.json.memories) bobSecrets.push(m.id, m.text);
    bobSecrets.push(bobJobId);
    expect(seeded.json.memories.length).toBeGreaterThanOrEqual(4);
    // A has memories too, so the fuzzer's own reads and edits reach real records.
    await call(alice, "POST", "/memories", { infer: false, facts: [{ text: "Alice drinks green tea." }] });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("answers every generated request without a 5xx, as documented, and never with B's data", async () => {
    const before = await bobsData();
    const started = Date.now();
    const free = await fuzz("free", undefined, 25);
    const targetedConfig = join(work, "targeted.toml");
    writeFileSync(
      targetedConfig,
      [
        `[parameters]`,
        `"path.userId" = "${bob.id}"`,
        `[[operations]]`,
        `include-path-regex = "^/memories/"`,
        `parameters = { "path.id" = "${bobMemoryId}" }`,
        `[[operations]]`,
        `include-path-regex = "^/queue/jobs/"`,
        `parameters = { "path.id" = "${bobJobId}" }`,
        "",
      ].join("\n"),
    );
    const targeted = await fuzz("targeted", targetedConfig, 10);
    const seconds = Math.round((Date.now() - started) / 1000);
    const after = await bobsData();

    const entries = [...free.entries, ...targeted.entries];
    const serverErrors = entries.filter((e) => e.response.status >= 500);
    const leaks = entries.filter((e) => {
      const sent = e.request.url + (e.request.postData?.text ?? "");
      const answer = e.response.content?.text ?? "";
      return bobSecrets.some(
        (secret) => answer.includes(secret) && !sent.includes(secret) && !sent.includes(encodeURIComponent(secret)),
      );
    });
    const failures = [...free.failures, ...targeted.failures];
    const aimedAtB = targeted.entries.filter((e) =>
      [bobMemoryId, bobJobId, "/users/bob/"].some((s) => e.request.url.includes(s)),
    ).length;
    console.log(
      `api fuzz: ${entries.length} requests in ${seconds} s (seed ${SEED}); statuses ${JSON.stringify(countBy(entries.map((e) => e.response.status)))}`,
    );
    recordFigure({
      group: "api fuzz",
      name: "generated requests (two schemathesis passes as user A)",
      value: entries.length,
    });
    recordFigure({ group: "api fuzz", name: "requests naming B's memory id, job id or user", value: aimedAtB });
    recordFigure({ group: "api fuzz", name: "responses with status 5xx", value: serverErrors.length, goal: 0 });
    recordFigure({
      group: "api fuzz",
      name: "responses that break the OpenAPI document (check failures)",
      value: failures.length,
      goal: 0,
    });
    recordFigure({
      group: "api fuzz",
      name: "answers to A that reveal B's memories or jobs",
      value: leaks.length,
      goal: 0,
    });
    recordFigure({ group: "api fuzz", name: "changes to B's data", value: before === after ? 0 : 1, goal: 0 });

    expect(entries.length).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(aimedAtB).toBeGreaterThan(100);
    expect(serverErrors.map((e) => `${e.request.method} ${e.request.url} → ${e.response.status}`)).toEqual([]);
    expect(failures, `${free.output}\n${targeted.output}`).toEqual([]);
    expect(leaks.map((e) => `${e.request.method} ${e.request.url}`)).toEqual([]);
    expect(after).toBe(before);
  }, 900_000);
});

function countBy(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
