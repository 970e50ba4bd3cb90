import { Embeddings } from "@langchain/core/embeddings";
import { describe, expect, it } from "vitest";
import { MemoryChatSystem } from "../../bench/locomo/systems/memory-chat.js";
import { sessionDocs } from "../../bench/locomo/documents.js";
import { parseLocomo } from "../../bench/lib/locomo.js";
import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";

class ConstantEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map(() => [1, 0, 0]);
  }
  async embedQuery(): Promise<number[]> {
    return [1, 0, 0];
  }
}

const data = parseLocomo([
  {
    sample_id: "c",
    conversation: {
      speaker_a: "Ana",
      speaker_b: "Bo",
      session_1_date_time: "9:00 am on 1 March, 2023",
      session_1: [
        { speaker: "Bo", dia_id: "D1:1", text: "Did you finish the pottery class?" },
        { speaker: "Ana", dia_id: "D1:2", text: "Yes, last week!" },
      ],
      session_2_date_time: "9:00 am on 2 March, 2023",
      session_2: [{ speaker: "Ana", dia_id: "D2:1", text: "Morning!" }],
    },
    qa: [],
  },
]);

describe("memory-chat on dialogue turns", () => {
  it("indexes each turn with the previous turn of its session as context, and returns only the turn", async () => {
    const sessions = sessionDocs(data.conversations[0], "turns");
    expect(sessions[0].docs.map((d) => d.context)).toEqual([undefined, "Bo: Did you finish the pottery class?"]);
    expect(sessions[1].docs[0].context).toBeUndefined();

    const store = new InMemoryMemoryStore();
    const system = new MemoryChatSystem({
      store: { store, dispose: () => store.close() },
      embeddings: new ConstantEmbeddings(),
      dims: 3,
      halfLifeDays: 0,
    });
    for (const s of sessions) await system.ingestSession("u1", s);
    const hits = await system.search("u1", "pottery class", 2, { now: "2023-03-03T00:00:00.000Z" });
    expect(hits.map((h) => h.sourceIds[0]).sort()).toEqual(["D1:1", "D1:2"]);
    expect(hits.find((h) => h.sourceIds[0] === "D1:2")?.text).toBe("Ana: Yes, last week!");
    await system.close();
  });
});
