/**
 * Two "machines": two real `langgraph dev` servers of the product (langgraph.json), each with a
 * DATA_DIR of its own, sharing one PostgreSQL (DATABASE_URL: the update queue and the per-user
 * write lock) and one Qdrant (QDRANT_URL: long-term memory), driven over real HTTP as a load
 * balancer would. The same users talk through both at once; runs are delivered twice, to both
 * servers (a client retrying on another server, with the same message id), some late, after the
 * user's newer turns; a home is SUPERSEDEd and a hobby UPDATEd while other turns race; then the
 * server running an update is killed with SIGKILL and the other takes the update over.
 * Afterwards: every fact stored once, no update lost or applied out of the user's order, every
 * update job done once, read back through both servers' memory API. (Both processes run from one
 * checkout, so `langgraph dev`'s own thread files, `.langgraph_api/`, sit in one folder; each
 * process serves its threads from its own memory, and none of the product's shared state is there.)
 *
 * Needs QDRANT_BIN (a Qdrant server binary) and TEST_DATABASE_URL:
 *   QDRANT_BIN=/path/to/qdrant bash scripts/postgres-test-server.sh run npx vitest run test/scale/multi-machine.test.ts
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { api, startDevServer, type DevServer } from "../e2e/dev-server.js";
import { recordFigure } from "../faults/figures.js";
import { startScriptedOpenAI, type ScriptedServer } from "../faults/scripted-openai-server.js";
import { freshDatabase, postgresAvailable } from "../helpers/postgres.js";
import { qdrantProcess, type QdrantProcess } from "../helpers/qdrant-process.js";
import { changingScript } from "./changing-script.js";

const binary = process.env.QDRANT_BIN;
if (!binary) console.log("skipped: set QDRANT_BIN to a qdrant server binary to run the multi-machine test");
const ready = Boolean(binary) && postgresAvailable("the multi-machine test");

const USERS = ["ines", "joao", "kai", "lea"];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Memory {
  id: string;
  text: string;
  validTo: string | null;
  supersededBy: string | null;
}
interface HistoryEntry {
  operation: string;
  oldText: string | null;
  newText: string | null;
}
interface JobView {
  id: string;
  /** "memory update" (a turn's), or the profile refresh the engine queues after changes. */
  kind: string;
  state: string;
  sourceId: string | null;
  attempts: number;
  changes: { operation: string }[] | null;
}

let qdrant: QdrantProcess | undefined;
let endpoint: ScriptedServer | undefined;
let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
const servers: DevServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await qdrant?.dispose();
  await endpoint?.close();
  await database?.drop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** The process group a process belongs to (field 5 of /proc/<pid>/stat). */
function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

describe.skipIf(!ready)("two app servers on two DATA_DIRs sharing PostgreSQL and Qdrant", () => {
  it("concurrent and retried deliveries, UPDATE and SUPERSEDE races, a server killed mid-update: each fact once, in order", async () => {
    qdrant = await qdrantProcess(binary!);
    await qdrant.start();
    database = await freshDatabase();
    endpoint = await startScriptedOpenAI({ script: changingScript });
    const env = (name: string) => {
      const dataDir = mkdtempSync(join(tmpdir(), `memory-chat-machine-${name}-`));
      dirs.push(dataDir);
      return {
        DATA_DIR: dataDir,
        DATABASE_URL: database!.url,
        MEMORY_STORE: "qdrant",
        QDRANT_URL: qdrant!.url,
        QDRANT_COLLECTION: "multi_machine",
        CHAT_MODEL: "openai:fake",
        EMBEDDING_MODEL: "openai:fake",
        OPENAI_BASE_URL: endpoint!.url,
        OPENAI_API_KEY: "test",
        MODEL_MAX_RETRIES: "0",
        MEMORY_UPDATE_MODE: "background",
        LOG_LEVEL: "error",
      };
    };
    const machineEnv = { a: env("a"), b: env("b") };
    const machines = {
      a: await startDevServer("langgraph.json", machineEnv.a),
      b: await startDevServer("langgraph.json", machineEnv.b),
    };
    servers.push(machines.a, machines.b);
    let deliveries = 0;
    let retried = 0;

    // `langgraph dev` keeps threads in its own process: each server holds its own copy of a
    // user's conversation (a server that has not seen it yet creates it).
    const threads = new Map<string, string>();
    const threadOf = (server: DevServer, user: string) => {
      const key = `${server.pid}/${user}`;
      if (!threads.has(key)) threads.set(key, randomUUID());
      return threads.get(key)!;
    };
    /** One run of the user's thread on one server. */
    const deliver = async (server: DevServer, user: string, messageId: string, text: string) => {
      deliveries++;
      const thread = threadOf(server, user);
      const created = await api(server.url, "POST", "/threads", { thread_id: thread, if_exists: "do_nothing" });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const run = await api(server.url, "POST", `/threads/${thread}/runs/wait`, {
        assistant_id: "memory_chat",
        input: { messages: [{ role: "user", content: text, id: messageId }] },
        context: { userId: user },
      });
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      expect(run.body.messages?.at(-1)?.content, `the run answered: ${JSON.stringify(run.body)}`).toBeTruthy();
      return run.body;
    };
    /** Jobs not finished, over both servers (one queue), as a live server's queue API reports them. */
    let live = machines.a;
    const backlog = async () => {
      let n = 0;
      for (const user of USERS)
        n += (await api(live.url, "GET", `/queue/jobs?userId=${user}&limit=1000`)).body.jobs.filter(
          (j: JobView) => j.state === "queued" || j.state === "running",
        ).length;
      return n;
    };
    const drained = async () => {
      for (let i = 0; i < 600 && (await backlog()) > 0; i++) await sleep(100);
      expect(await backlog()).toBe(0);
    };

    // Each user's conversation, all users at once. Steps of a user follow each other (the run has
    // answered), but their memory updates are still queued when the next step arrives.
    const ids = new Map(
      USERS.map((u) => [u, { home: randomUUID(), move: randomUUID(), band: randomUUID(), cat: randomUUID() }]),
    );
    await Promise.all(
      USERS.map(async (user) => {
        const m = ids.get(user)!;
        // A run delivered to both servers at once (the client timed out on one and retried on the other).
        await Promise.all([
          deliver(machines.a, user, m.home, "I live in Lisbon. I play the piano."),
          deliver(machines.b, user, m.home, "I live in Lisbon. I play the piano."),
        ]);
        retried++;
        // Two turns at once, on different servers: a move (SUPERSEDE) and an UPDATE of the hobby.
        await Promise.all([
          deliver(machines.b, user, m.move, "I live in Porto."),
          deliver(machines.a, user, m.band, "I play the piano in a jazz band."),
        ]);
        // The move retried on the other server, beside a new fact.
        await Promise.all([
          deliver(machines.a, user, m.move, "I live in Porto."),
          deliver(machines.b, user, m.cat, "My cat is Miso."),
        ]);
        retried++;
      }),
    );
    await drained();

    // A server killed (SIGKILL) while it runs an update; the other takes the update over.
    const [victimUser] = USERS;
    endpoint.hang.add("extract");
    const extracting = endpoint.arrival("extract");
    const baker = randomUUID();
    await deliver(machines.a, victimUser, baker, "I work as a baker.");
    await extracting;
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const { rows } = await db.query<{ owner: string }>("SELECT owner FROM memory_jobs WHERE state = 'running'");
    await db.end();
    expect(rows).toHaveLength(1);
    const ownerGroup = processGroup(Number(rows[0].owner.split(":")[0]));
    const victimName = ownerGroup === machines.a.pid ? "a" : "b";
    expect(machines[victimName].pid).toBe(ownerGroup);
    const survivor = machines[victimName === "a" ? "b" : "a"];
    endpoint.hang.delete("extract");
    live = survivor;
    await machines[victimName].kill();
    // The user goes on talking through the server that is left: this update waits for the taken-over one.
    const tea = randomUUID();
    await deliver(survivor, victimUser, tea, "I drink green tea.");
    await drained();
    // The killed machine comes back (same DATA_DIR). Retries that arrive late, after the users'
    // newer turns, land on it: the first turn must not bring Lisbon back nor undo the jazz band.
    const restarted = await startDevServer("langgraph.json", machineEnv[victimName]);
    servers.push(restarted);
    await Promise.all(
      USERS.map((user) => deliver(restarted, user, ids.get(user)!.home, "I live in Lisbon. I play the piano.")),
    );
    retried += USERS.length;
    const back = await deliver(restarted, victimUser, tea, "I drink green tea.");
    retried++;
    expect(String(back.messages.at(-1).content)).toContain("I work as a baker.");
    await drained();

    // What both servers' memory API says, user by user.
    let duplicates = 0;
    let lost = 0;
    let lostUpdates = 0;
    let jobsRunTwice = 0;
    let differentViews = 0;
    const finalMemories: Record<string, string[]> = {};
    const jobStates: Record<string, string[]> = {};
    const refreshStates: Record<string, string[]> = {};
    const expected = (user: string) => [
      "I live in Porto.",
      "I play the piano in a jazz band.",
      "My cat is Miso.",
      ...(user === victimUser ? ["I work as a baker.", "I drink green tea."] : []),
    ];
    for (const user of USERS) {
      const views = await Promise.all(
        [survivor, restarted].map((s) => api(s.url, "GET", `/memories?userId=${user}&includeHistory=true&limit=1000`)),
      );
      for (const v of views) expect(v.status).toBe(200);
      if (JSON.stringify(views[0].body.memories) !== JSON.stringify(views[1].body.memories)) differentViews++;
      const all: Memory[] = views[0].body.memories;
      const current = all.filter((x) => x.validTo === null).map((x) => x.text);
      duplicates += current.length - new Set(current).size + (all.length - new Set(all.map((x) => x.text)).size);
      lost += expected(user).filter((t) => !current.includes(t)).length;
      // The user's order: Lisbon closed by Porto, once; the piano updated once, from its first text.
      const lisbon = all.filter((x) => x.text === "I live in Lisbon.");
      const porto = all.find((x) => x.text === "I live in Porto.");
      if (lisbon.length !== 1 || !porto || lisbon[0].supersededBy !== porto.id || porto.validTo !== null) lostUpdates++;
      const piano = all.find((x) => x.text === "I play the piano in a jazz band.");
      const pianoHistory: HistoryEntry[] = piano
        ? (await api(survivor.url, "GET", `/memories/${piano.id}/history?userId=${user}`)).body.history
        : [];
      const ops = pianoHistory.map((h) => `${h.operation}:${h.oldText ?? ""}>${h.newText ?? ""}`);
      if (
        JSON.stringify(ops) !==
        JSON.stringify(["ADD:>I play the piano.", "UPDATE:I play the piano.>I play the piano in a jazz band."])
      )
        lostUpdates++;
      if (lisbon[0]) {
        const homeOps = (
          (await api(survivor.url, "GET", `/memories/${lisbon[0].id}/history?userId=${user}`)).body
            .history as HistoryEntry[]
        ).map((h) => h.operation);
        if (JSON.stringify(homeOps) !== JSON.stringify(["ADD", "SUPERSEDE"])) lostUpdates++;
      }
      finalMemories[user] = current.sort();
      // One job per message, whichever server and however often it was delivered; each done.
      const allJobs: JobView[] = (await api(survivor.url, "GET", `/queue/jobs?userId=${user}&limit=1000`)).body.jobs;
      const jobs = allJobs.filter((j) => j.kind === "memory update");
      refreshStates[user] = allJobs.filter((j) => j.kind !== "memory update").map((j) => j.state);
      const bySource = new Map<string, number>();
      for (const j of jobs) bySource.set(j.sourceId ?? j.id, (bySource.get(j.sourceId ?? j.id) ?? 0) + 1);
      jobsRunTwice += [...bySource.values()].filter((n) => n > 1).length;
      jobStates[user] = jobs.map((j) => j.state);
    }
    const bakerJob: JobView = (
      await api(survivor.url, "GET", `/queue/jobs?userId=${victimUser}&limit=1000`)
    ).body.jobs.find((j: JobView) => j.sourceId === baker);

    // What stays per machine: nothing of the queue, the locks or the memories is in a DATA_DIR.
    const perMachineFiles = [machineEnv.a.DATA_DIR, machineEnv.b.DATA_DIR].flatMap((d) => readdirSync(d));
    recordFigure({ group: "multi-machine", name: "app servers (DATA_DIRs) sharing PostgreSQL and Qdrant", value: 2 });
    recordFigure({ group: "multi-machine", name: `runs delivered (${USERS.length} users)`, value: deliveries });
    recordFigure({ group: "multi-machine", name: "of those, retries of a run already delivered", value: retried });
    recordFigure({ group: "multi-machine", name: "servers killed with SIGKILL mid-update", value: 1 });
    recordFigure({ group: "multi-machine", name: "duplicate facts", value: duplicates, goal: 0 });
    recordFigure({ group: "multi-machine", name: "facts lost", value: lost, goal: 0 });
    recordFigure({
      group: "multi-machine",
      name: "lost or out-of-order updates (SUPERSEDE, UPDATE)",
      value: lostUpdates,
      goal: 0,
    });
    recordFigure({
      group: "multi-machine",
      name: "messages with more than one update job",
      value: jobsRunTwice,
      goal: 0,
    });
    recordFigure({
      group: "multi-machine",
      name: "users whose memory differs between the servers",
      value: differentViews,
      goal: 0,
    });
    recordFigure({
      group: "multi-machine",
      name: "killed server's update stored by the other (tries)",
      value: bakerJob.attempts,
    });
    console.log(`files in the two DATA_DIRs: ${JSON.stringify(perMachineFiles)}`);

    expect(finalMemories).toEqual(Object.fromEntries(USERS.map((u) => [u, expected(u).sort()])));
    // 4 messages per user (6 for the one who also spoke around the kill), each one job, each done.
    expect(jobStates).toEqual(Object.fromEntries(USERS.map((u) => [u, Array(u === victimUser ? 6 : 4).fill("done")])));
    expect(perMachineFiles.filter((f) => /^(queue|locks|memory|checkpoints)\.db/.test(f))).toEqual([]);
    // Other jobs (profile refreshes) all finished too.
    expect(
      Object.values(refreshStates)
        .flat()
        .filter((state) => state !== "done"),
    ).toEqual([]);
    expect(bakerJob.state).toBe("done");
    expect(bakerJob.changes!.map((c) => c.operation)).toEqual(["ADD"]);
    expect({ duplicates, lost, lostUpdates, jobsRunTwice, differentViews }).toEqual({
      duplicates: 0,
      lost: 0,
      lostUpdates: 0,
      jobsRunTwice: 0,
      differentViews: 0,
    });
  }, 600_000);
});
