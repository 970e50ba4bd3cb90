import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/settings.js";
import { collectionTopology, qdrantStoreSettings } from "../../src/stores/qdrant/settings.js";

describe("Qdrant collection topology from settings", () => {
  it("one node, one copy by default; shards left to Qdrant", () => {
    expect(collectionTopology(loadSettings({}))).toEqual({
      shards: undefined,
      replicationFactor: 1,
      writeConsistency: 1,
    });
  });

  it("a cluster that survives a node: two copies, one confirmation, shards as given", () => {
    const settings = loadSettings({
      QDRANT_URL: "http://127.0.0.1:6333",
      QDRANT_SHARDS: "6",
      QDRANT_REPLICATION_FACTOR: "2",
      QDRANT_WRITE_CONSISTENCY: "1",
    });
    expect(qdrantStoreSettings(settings, "The Qdrant store").topology).toEqual({
      shards: 6,
      replicationFactor: 2,
      writeConsistency: 1,
    });
  });

  it("refuses more confirmations than copies, saying what to change", () => {
    const settings = loadSettings({ QDRANT_REPLICATION_FACTOR: "2", QDRANT_WRITE_CONSISTENCY: "3" });
    expect(() => collectionTopology(settings)).toThrow(
      "QDRANT_WRITE_CONSISTENCY (3) is more than QDRANT_REPLICATION_FACTOR (2): a write cannot be confirmed by more copies than exist; lower QDRANT_WRITE_CONSISTENCY or raise QDRANT_REPLICATION_FACTOR",
    );
  });

  it("refuses a shard count that is not a positive whole number", () => {
    expect(() => loadSettings({ QDRANT_SHARDS: "0" })).toThrow("QDRANT_SHARDS must be greater than 0");
    expect(() => loadSettings({ QDRANT_REPLICATION_FACTOR: "1.5" })).toThrow(
      "QDRANT_REPLICATION_FACTOR must be a whole number",
    );
  });

  it("names the store when QDRANT_URL is missing", () => {
    expect(() => qdrantStoreSettings(loadSettings({}), "The Qdrant entity store")).toThrow(
      "The Qdrant entity store needs QDRANT_URL",
    );
  });
});
