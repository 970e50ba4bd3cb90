/**
 * Long-term memory on a three-node Qdrant cluster (test/helpers/qdrant-cluster.ts): the product's
 * runtime creates its collections with two copies of every shard and one confirmation per write
 * (QDRANT_REPLICATION_FACTOR=2, QDRANT_WRITE_CONSISTENCY=1, QDRANT_SHARDS=3). One node is killed
 * (SIGKILL) while a turn runs: turns keep answering from memory and storing new facts; the node
 * comes back and catches up; then each node in turn is stopped and every fact is still read,
 * through a node that stayed up. Real processes, a real OpenAI-shaped model endpoint.
 *
 * Needs a Qdrant server binary: QDRANT_BIN=/path/to/qdrant npx vitest run test/scale/qdrant-cluster.test.ts
 */
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver } from "@langchain/langgraph";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRuntime, type Runtime } from "../../src/app/runtime.js";
import { loadSettings } from "../../src/config/settings.js";
import { buildGraph } from "../../src/graph/builder.js";
import { runContext } from "../../src/graph/context.js";
import { collectionNames } from "../../src/stores/qdrant/collections.js";
import { QdrantMemoryStore } from "../../src/stores/qdrant/memories.js";
import { recordFigure } from "../faults/figures.js";
import { productEnv, startScriptedOpenAI, type ScriptedServer } from "../faults/scripted-openai-server.js";
import { qdrantCluster, replicaStates, type QdrantCluster } from "../helpers/qdrant-cluster.js";

const binary = process.env.QDRANT_BIN;
if (!binary) console.log("skipped: set QDRANT_BIN to a qdrant server binary to run the three-node cluster test");

const USERS = ["ana", "bo", "chen"];
const FACTS: Record<string, string[]> = {
  ana: ["My name is Ana.", "I live in Faro.", "I keep bees.", "My bike is green.", "I teach maths.", "I swim at dawn."],
  bo: [
    "My name is Bo.",
    "I work as a welder.",
    "I own a kayak.",
    "My dog is Rex.",
    "I speak Danish.",
    "I grow chillies.",
  ],
  chen: [
    "My name is Chen.",
    "我住在成都。",
    "I play the erhu.",
    "My cat is Mochi.",
    "I drink oolong.",
    "I run marathons.",
  ],
};

let cluster: QdrantCluster | undefined;
let endpoint: ScriptedServer | undefined;
let runtime: Runtime | undefined;
let dataDir: string | undefined;
afterAll(async () => {
  await runtime?.close();
  await cluster?.dispose();
  await endpoint?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A collection's settings as Qdrant reports them: topology and which payload field is the tenant key. */
async function collectionConfig(url: string, name: string) {
  const res = await fetch(`${url}/collections/${name}`);
  expect(res.status, `collection ${name} exists`).toBe(200);
  const { result } = (await res.json()) as {
    result: {
      config: { params: Record<string, number> };
      payload_schema: Record<string, { params?: { is_tenant?: boolean } }>;
    };
  };
  const tenantKeys = Object.entries(result.payload_schema)
    .filter(([, s]) => s.params?.is_tenant)
    .map(([field]) => field);
  const { shard_number, replication_factor, write_consistency_factor } = result.config.params;
  return { shard_number, replication_factor, write_consistency_factor, tenantKeys };
}

/** Every current memory text of every user, read through a store on one node. */
async function readAll(url: string, collection: string): Promise<Map<string, string[]>> {
  const store = new QdrantMemoryStore({ url, collection, timeoutMs: 10_000 });
  const out = new Map<string, string[]>();
  for (const user of USERS)
    out.set(
      user,
      (await store.list(user)).map((m) => m.text),
    );
  return out;
}

function tallyAgainst(read: Map<string, string[]>, said: Map<string, string[]>) {
  let lost = 0;
  let duplicates = 0;
  for (const [user, facts] of said) {
    const texts = read.get(user) ?? [];
    lost += facts.filter((f) => !texts.includes(f)).length;
    duplicates += texts.length - new Set(texts).size;
  }
  return { lost, duplicates };
}

describe.skipIf(!binary)("long-term memory on a three-node Qdrant cluster", () => {
  it("a node killed mid-conversation: turns answer and store; after it returns, and with each node stopped in turn, 0 facts lost", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "memory-chat-cluster-"));
    cluster = await qdrantCluster(binary!);
    endpoint = await startScriptedOpenAI();
    const version = await cluster.version();
    console.log(`Qdrant cluster test: 3 nodes of Qdrant ${version}`);
    const [entry, , victim] = cluster.nodes;
    const collection = `cluster_${Date.now()}`;
    const env = productEnv(endpoint, dataDir, {
      MEMORY_STORE: "qdrant",
      QDRANT_URL: entry.url,
      QDRANT_COLLECTION: collection,
      QDRANT_SHARDS: "3",
      QDRANT_REPLICATION_FACTOR: "2",
      QDRANT_WRITE_CONSISTENCY: "1",
      MEMORY_UPDATE_MODE: "inline",
      MODEL_MAX_RETRIES: "0",
    });
    runtime = createRuntime(loadSettings(env));
    runtime.startMemoryWorker();
    const graph = buildGraph(runtime.graphDeps).compile({ checkpointer: new MemorySaver() });
    const said = new Map<string, string[]>(USERS.map((u) => [u, []]));
    const say = async (user: string, text: string) => {
      const t0 = performance.now();
      const turn = await graph.invoke(
        { messages: [new HumanMessage(text)] },
        { configurable: { thread_id: `${user}-chat` }, context: runContext({ userId: user }) },
      );
      said.get(user)!.push(text);
      return { turn, ms: performance.now() - t0 };
    };
    const round = (i: number) => Promise.all(USERS.map((u) => say(u, FACTS[u][i])));

    // Two rounds with every node up.
    for (const i of [0, 1]) for (const { turn } of await round(i)) expect(turn.memoryUpdateStatus).toBe("ok");
    const names = collectionNames(collection);
    const everyCollection = [names.memories, names.history, `${collection}_entities`, `${collection}_profiles`];
    const layouts = await Promise.all(everyCollection.map((n) => collectionConfig(entry.url, n)));
    for (const layout of layouts) {
      expect(layout).toEqual({
        shard_number: 3,
        replication_factor: 2,
        write_consistency_factor: 1,
        tenantKeys: ["userId"],
      });
    }
    const replicas = await replicaStates(entry.url, names.memories);
    expect(replicas).toHaveLength(3 * 2);
    // Every node holds some copy: killing any one leaves each shard a live copy.
    expect(new Set(replicas!.map((r) => r.peer)).size).toBe(3);

    // Round 3 is in flight when the third node is killed; rounds 4 and 5 run with it down.
    const midTurn = round(2);
    await victim.stop("SIGKILL");
    const whileDown = [...(await midTurn), ...(await round(3)), ...(await round(4))];
    const factsWhileDown = whileDown.length;
    const answered = whileDown.filter(({ turn }) =>
      String(turn.messages.at(-1)!.content).startsWith("From memory: "),
    ).length;
    const storedWhileDown = whileDown.filter(({ turn }) => turn.memoryUpdateStatus === "ok").length;
    const retrievedWhileDown = whileDown.filter(({ turn }) => turn.retrievalStatus === "ok").length;
    const slowest = Math.round(Math.max(...whileDown.map((t) => t.ms)));
    console.log(`turns while a node was down: ${whileDown.map((t) => Math.round(t.ms)).join(", ")} ms`);

    // Back on the same storage and ports: it rejoins, and its copies catch up from the others.
    await victim.start();
    await cluster.settled();
    for (const n of everyCollection) await cluster.replicasActive(n);
    for (const { turn } of await round(5)) expect(turn.memoryUpdateStatus).toBe("ok");
    await runtime.memoryWorker.idle();

    const afterReturn = tallyAgainst(await readAll(entry.url, collection), said);
    // Through the engine too: one memory per fact, each with the history entry that made it.
    const engine = await runtime.memory();
    let withoutHistory = 0;
    for (const user of USERS) {
      const memories = await engine.list({ userId: user });
      expect(memories.map((m) => m.text).sort()).toEqual([...said.get(user)!].sort());
      for (const m of memories) if ((await engine.history(m.id, { userId: user })).length === 0) withoutHistory++;
    }

    // Each node stopped in turn (the others serve the reads), started again, caught up.
    const missingWithNodeDown: number[] = [];
    for (const [i, node] of cluster.nodes.entries()) {
      await node.stop("SIGKILL");
      const survivor = cluster.nodes[(i + 1) % cluster.nodes.length];
      const read = tallyAgainst(await readAll(survivor.url, collection), said);
      missingWithNodeDown.push(read.lost + read.duplicates);
      await node.start();
      await cluster.settled();
      await cluster.replicasActive(names.memories);
    }

    const total = [...said.values()].flat().length;
    recordFigure({
      group: "cluster",
      name: "Qdrant nodes (replication factor 2, write consistency 1)",
      value: cluster.nodes.length,
    });
    recordFigure({
      group: "cluster",
      name: "turns while one node was killed (incl. the one it died in)",
      value: factsWhileDown,
    });
    recordFigure({ group: "cluster", name: "of those, answered from memory", value: answered, goal: factsWhileDown });
    recordFigure({
      group: "cluster",
      name: "of those, memory searched without error",
      value: retrievedWhileDown,
      goal: factsWhileDown,
    });
    recordFigure({
      group: "cluster",
      name: "of those, fact stored in the turn",
      value: storedWhileDown,
      goal: factsWhileDown,
    });
    recordFigure({ group: "cluster", name: "slowest turn with one node down (ms)", value: slowest });
    recordFigure({ group: "cluster", name: `facts said in all (${USERS.length} users)`, value: total });
    recordFigure({
      group: "cluster",
      name: "facts lost after the killed node returned",
      value: afterReturn.lost,
      goal: 0,
    });
    recordFigure({
      group: "cluster",
      name: "duplicate facts after the killed node returned",
      value: afterReturn.duplicates,
      goal: 0,
    });
    recordFigure({ group: "cluster", name: "memories without their history entry", value: withoutHistory, goal: 0 });
    recordFigure({
      group: "cluster",
      name: "facts missing or doubled, each node stopped in turn",
      value: missingWithNodeDown.reduce((a, b) => a + b, 0),
      goal: 0,
    });

    expect({ answered, retrievedWhileDown, storedWhileDown }).toEqual({
      answered: factsWhileDown,
      retrievedWhileDown: factsWhileDown,
      storedWhileDown: factsWhileDown,
    });
    expect(afterReturn).toEqual({ lost: 0, duplicates: 0 });
    expect(withoutHistory).toBe(0);
    expect(missingWithNodeDown).toEqual([0, 0, 0]);
    expect(total).toBe(USERS.length * 6);
  }, 600_000);
});
