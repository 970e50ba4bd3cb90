/**
 * A three-node Qdrant cluster on 127.0.0.1 for tests (distributed mode, QDRANT_BIN): each node
 * its own HTTP, gRPC and peer-to-peer ports and its own storage; the first node starts the
 * cluster (`--uri`), the others join it (`--bootstrap`). A node stopped and started again keeps
 * its storage and ports, and so its place in the cluster.
 */
import { freePorts, qdrantProcess, type QdrantProcess } from "./qdrant-process.js";

export interface QdrantCluster {
  nodes: QdrantProcess[];
  /** Waits until every running node sees `peers` peers and a leader (the consensus is working). */
  settled: (peers?: number) => Promise<void>;
  /** Waits until every replica of the collection is Active (a returning node has caught up). */
  replicasActive: (collection: string, timeoutMs?: number) => Promise<void>;
  /** The version the nodes report at `/` (which build the test ran on). */
  version: () => Promise<string>;
  dispose: () => Promise<void>;
}

export interface ReplicaState {
  shard: number;
  peer: number;
  state: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? ((await res.json()) as { result: T }).result : undefined;
  } catch {
    return undefined;
  }
}

/** Every replica of a collection's shards as one node sees them (its own and the others'). */
export async function replicaStates(nodeUrl: string, collection: string): Promise<ReplicaState[] | undefined> {
  type Shard = { shard_id: number; peer_id?: number; state: string };
  const info = await getJson<{ peer_id: number; local_shards: Shard[]; remote_shards: Shard[] }>(
    `${nodeUrl}/collections/${collection}/cluster`,
  );
  if (!info) return undefined;
  return [
    ...info.local_shards.map((s) => ({ shard: s.shard_id, peer: info.peer_id, state: s.state })),
    ...info.remote_shards.map((s) => ({ shard: s.shard_id, peer: s.peer_id!, state: s.state })),
  ].sort((a, b) => a.shard - b.shard || a.peer - b.peer);
}

export async function qdrantCluster(binary: string, size = 3): Promise<QdrantCluster> {
  const ports = await freePorts(3 * size);
  const p2p = (i: number) => `http://127.0.0.1:${ports[3 * i + 2]}`;
  const nodes: QdrantProcess[] = [];
  for (let i = 0; i < size; i++) {
    nodes.push(
      await qdrantProcess(binary, {
        ports: { http: ports[3 * i], grpc: ports[3 * i + 1] },
        env: { QDRANT__CLUSTER__ENABLED: "true", QDRANT__CLUSTER__P2P__PORT: String(ports[3 * i + 2]) },
        args: i === 0 ? ["--uri", p2p(0)] : ["--uri", p2p(i), "--bootstrap", p2p(0)],
      }),
    );
  }
  const running = async () =>
    (await Promise.all(nodes.map(async (n) => ((await n.answers()) ? n : undefined)))).filter((n) => n !== undefined);

  const settled = async (peers = size) => {
    const deadline = Date.now() + 60_000;
    let last = "";
    while (Date.now() < deadline) {
      const views = await Promise.all(
        (await running()).map((n) =>
          getJson<{ peers: Record<string, unknown>; raft_info: { leader?: number | null } }>(`${n.url}/cluster`),
        ),
      );
      last = JSON.stringify(views.map((v) => v && { peers: Object.keys(v.peers).length, leader: v.raft_info.leader }));
      if (views.length > 0 && views.every((v) => v && Object.keys(v.peers).length === peers && v.raft_info.leader))
        return;
      await sleep(200);
    }
    throw new Error(
      `The Qdrant cluster did not settle on ${peers} peers with a leader within 60 s; the nodes saw ${last}`,
    );
  };

  const replicasActive = async (collection: string, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: ReplicaState[] | undefined;
    while (Date.now() < deadline) {
      const [first] = await running();
      last = first && (await replicaStates(first.url, collection));
      if (last && last.length > 0 && last.every((r) => r.state === "Active")) return;
      await sleep(250);
    }
    throw new Error(`Replicas of "${collection}" were not all Active within ${timeoutMs} ms: ${JSON.stringify(last)}`);
  };

  const start = async () => {
    await nodes[0].start();
    // The others bootstrap from the first node's peer port: it must be up before they join.
    for (const node of nodes.slice(1)) await node.start();
    await settled();
  };
  try {
    await start();
  } catch (error) {
    await Promise.all(nodes.map((n) => n.dispose()));
    throw new Error(`${(error as Error).message}\nFirst node's output:\n${nodes[0].output().slice(-2000)}`);
  }

  return {
    nodes,
    settled,
    replicasActive,
    // The root answers {title, version, commit}, not in a `result` envelope.
    version: async () => ((await (await fetch(nodes[0].url)).json()) as { version: string }).version,
    dispose: async () => {
      await Promise.all(nodes.map((n) => n.dispose()));
    },
  };
}
