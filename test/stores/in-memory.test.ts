import { InMemoryMemoryStore } from "../../src/stores/in-memory/memories.js";
import { runStoreContract } from "./contract.js";

runStoreContract("in-memory", async () => new InMemoryMemoryStore());
