import { randomUUID } from "node:crypto";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { isAIMessage, isHumanMessage, type BaseMessage } from "@langchain/core/messages";
import { silentLogger, type Logger } from "../logger.js";
import type { MemoryStore, StoreHit, TimePeriod } from "./store.js";
import type {
  AddInput,
  AddOptions,
  AddResult,
  ChatTurnMessage,
  ListMemoriesOptions,
  ReadyFact,
  SearchOptions,
} from "./api.js";
import { EntityIndex, type MemoryToIndex } from "./entities/entity-index.js";
import { expandByEntities } from "./entities/expansion.js";
import { memoriesAnswering } from "./entities/relation-questions.js";
import type { EntityStore } from "./entities/store.js";
import type { DetectedEntities } from "./entities/types.js";
import { extractTurn, type ExtractedFact } from "./extract.js";
import type { ExtractionStyle } from "../models/chat.js";
import { isValidAt, sanitizeFilter } from "./filter.js";
import { UserProfiles } from "./profile/profiles.js";
import { relationLines } from "./profile/relations.js";
import type { ProfileStore } from "./profile/store.js";
import { questionTopics } from "./profile/topics.js";
import type { JobQueue } from "./queue/types.js";
import { buildIndexText, factHash } from "./indexing.js";
import { reconcileFacts, type Decision } from "./reconcile.js";
import { slotCandidates } from "./slots/candidates.js";
import { judgeFacts } from "./slots/judge.js";
import { messageText } from "../models/structured.js";
import { byScoreThenRecency, lastTouched, recencyWeight, sameTextSameScore } from "./recency.js";
import { applyFeedback, DEFAULT_FEEDBACK, type FeedbackKind, type FeedbackPolicy } from "./feedback.js";
import { UseRecorder } from "./use.js";
import { parseTimeRange } from "./time-range.js";
import { supersedeChain, type SupersedeChain } from "./supersede-chain.js";
import { tokenize } from "../search/tokenize.js";
import { DEFAULT_INTEREST_HALF_LIFE_DAYS, DEFAULT_MODEL_TIMEOUT_S } from "../config/settings.js";
import type {
  HistoryEntry,
  MemoryChange,
  MemoryFilter,
  MemoryRecord,
  ScoreExplanation,
  ScoredMemory,
  Validity,
} from "./types.js";
import { UserLocks, type UserLockRunner } from "./user-lock.js";
import { untilAborted } from "../util/abort.js";
import { traced } from "../tracing/traced.js";
import { addTrace, searchTrace } from "./trace-views.js";
import { InvalidInputError, toIsoTime, validateMetadata, validateText, validateUserId } from "./validation.js";
import { AppError } from "../util/errors.js";

interface MemoryEngineDeps {
  store: MemoryStore;
  embeddings: EmbeddingsInterface;
  /** Embedding size; the store is set up for it. */
  dims: number;
  /**
   * Share (0-1) of a text the embedder can read, e.g. of its words its vocabulary knows; the
   * search gives the dense side that much say (search/fusion.ts). Omitted: the embedder reads all.
   */
  queryCoverage?: (text: string) => Promise<number>;
  /** Needed for `add` with inference (the default); searches and `infer: false` work without it. */
  chatModel?: BaseChatModel;
  /** How the model states a turn's facts (extract.ts); "facts" when not given. */
  extractionStyle?: ExtractionStyle;
  /**
   * Who decides what a new fact does to the stored ones: "model" (it proposes, the slots check,
   * slots/judge.ts) or "rules" (the slots alone). Default: "rules" with the quotes style (a small
   * local model), "model" otherwise.
   */
  reconciliation?: "model" | "rules";
  logger?: Logger;
  /** Recency half-life in days (0 = no recency weighting). */
  halfLifeDays?: number;
  /** How many related memories each new fact is compared with. */
  relatedLimit?: number;
  now?: () => Date;
  /**
   * The per-user write lock around add's read-reconcile-write; by default one per engine (this
   * process). Processes sharing a store pass one that spans them (FileUserLocks).
   */
  userLocks?: UserLockRunner;
  /** Deadline of each model call (chat and embeddings) of an update, in ms (MODEL_TIMEOUT_S). */
  modelTimeoutMs?: number;
  /** The memory map (entities, their relations, which memories name them); without it, none is kept. */
  entities?: EntityStore;
  /** How "up" and "down" change a memory's weight (memory/feedback.ts); DEFAULT_FEEDBACK when not given. */
  feedback?: FeedbackPolicy;
  /**
   * The queue of memory updates: forgetUser erases the user's queued updates there too; with
   * `enqueue` and `list`, a change of memories queues the user's profile refresh there.
   */
  jobs?: Pick<JobQueue, "forgetUser"> & Partial<Pick<JobQueue, "enqueue" | "list">>;
  /** The user model's profiles and question topics (src/memory/profile); without it, none are kept. */
  profiles?: ProfileStore;
  /** Half-life of a question's weight in the interest trend, in days (INTEREST_HALF_LIFE_DAYS). */
  interestHalfLifeDays?: number;
}

/** A model call of a memory update did not answer within its deadline. */
export class ModelTimeoutError extends AppError {
  readonly code = "model_timeout";
  override readonly retryable = true;
  constructor(seconds: number) {
    super(`the model did not answer within ${seconds} s (MODEL_TIMEOUT_S); the update will be retried`);
  }
}

/** Cancels an update (e.g. the job's own deadline, or a worker that shuts down). */
interface AddControl {
  signal?: AbortSignal;
}

/** Thrown when an operation names a memory the user does not have. */
export class MemoryNotFoundError extends AppError {
  readonly code = "not_found";
  constructor(id: string) {
    super(`No memory with id ${id} for this user`);
  }
}

/** add() with inference was asked of an engine built without a chat model (a set-up problem, not bad data). */
class ChatModelMissingError extends InvalidInputError {
  /** The job waits for a chat model (or for a process that has one). */
  override readonly retryable = true;
  constructor() {
    super("add() with inference needs a chat model; pass chatModel, or use infer: false with facts");
  }
}

const DEFAULT_LIMIT = 8;
/**
 * How many earlier memories a newly learned name is looked for in: a bound on the cost of one
 * new entity, not a tuned value (a person of a LoCoMo conversation is named in at most ~200).
 */
const EARLIER_MENTIONS_LIMIT = 1000;

/**
 * The long-term memory engine: extracts facts from turns, reconciles them with what is stored
 * (add / update / supersede / delete), keeps an audit history, and searches with hybrid retrieval,
 * validity in time and recency. Independent of the graph; talks to a MemoryStore.
 */
export class MemoryEngine {
  private readonly log: Logger;
  private readonly locks: UserLockRunner;
  private readonly now: () => Date;
  private initialised?: Promise<void>;
  private readonly uses: UseRecorder;
  /** The memory map, when the engine has an entity store. */
  readonly entities?: EntityIndex;
  /** The user model's profiles, when the engine has a profile store. */
  readonly profiles?: UserProfiles;

  constructor(private readonly deps: MemoryEngineDeps) {
    this.entities = deps.entities
      ? new EntityIndex(deps.entities, (userId, name) => this.memoriesNaming(userId, name))
      : undefined;
    this.log = deps.logger ?? silentLogger;
    this.now = deps.now ?? (() => new Date());
    this.locks = deps.userLocks ?? new UserLocks();
    this.uses = new UseRecorder(() => this.init().then(() => this.deps.store), this.log, this.now);
    const { enqueue, list } = deps.jobs ?? {};
    this.profiles = deps.profiles
      ? new UserProfiles({
          store: deps.profiles,
          init: () => this.init(),
          memories: (userId) => this.list({ userId }),
          relations: this.entities ? (userId) => relationLines(this.entities!.store, userId) : undefined,
          chatModel: deps.chatModel,
          style: deps.extractionStyle,
          jobs: enqueue && list ? { enqueue: enqueue.bind(deps.jobs), list: list.bind(deps.jobs) } : undefined,
          interestHalfLifeDays: deps.interestHalfLifeDays ?? DEFAULT_INTEREST_HALF_LIFE_DAYS,
          modelCall: (call, cancel) => this.modelCall(call, cancel),
          now: this.now,
          logger: this.log,
        })
      : undefined;
  }

  /** Closes the stores (files, connections). The engine is not used afterwards. */
  async close(): Promise<void> {
    await this.uses.settled();
    await this.entities?.store.close();
    await this.deps.profiles?.close();
    await this.deps.store.close();
  }

  /** Sets up the store (tables, collection). Called on first use; safe to call again. */
  init(): Promise<void> {
    // A failed set-up (store down at start) is tried again on the next call, not remembered.
    // The entity store after the memory store: Qdrant's keeps its links on the memory collection.
    this.initialised ??= this.deps.store
      .init(this.deps.dims)
      .then(() => this.deps.entities?.init())
      .then(() => this.deps.profiles?.init())
      .catch((error: unknown) => {
        this.initialised = undefined;
        throw error;
      });
    return this.initialised;
  }

  /**
   * Stores what the turn says about the user; returns the changes made. Every model call has a
   * deadline (`modelTimeoutMs`) and stops when `control.signal` aborts; model output that stays
   * malformed throws MalformedOutputError (the queue decides whether to try again).
   */
  async add(input: AddInput, options: AddOptions, control: AddControl = {}): Promise<AddResult> {
    await this.init();
    return traced(
      "memory update",
      { input, ...options },
      () =>
        // Concurrent turns of one user take turns here, so neither misses the other's new facts.
        this.locks.run(validateUserId(options.userId), () => this.addLocked(input, options, control.signal)),
      addTrace,
    );
  }

  private async addLocked(input: AddInput, options: AddOptions, signal?: AbortSignal): Promise<AddResult> {
    // Cancelled while it waited for the user's lock: nothing to do, the lock goes to the next writer.
    signal?.throwIfAborted();
    const userId = validateUserId(options.userId);
    const metadata = validateMetadata(options.metadata);
    const time = toIsoTime(options.time, this.now());
    const ctx: WriteContext = {
      userId,
      time,
      threadId: options.threadId ?? null,
      sourceId: options.sourceId ?? null,
      metadata,
    };
    if (options.infer === false) {
      const facts = options.facts ?? readyFactsFrom(input);
      facts.forEach((f, i) => f.text !== undefined && validateText(f.text, `facts[${i}].text`));
      return { changes: await this.addReadyFacts(facts, ctx) };
    }
    if (!this.deps.chatModel) {
      throw new ChatModelMissingError();
    }
    const turn = turnText(input);
    if (!turn.userText.trim()) return { changes: [] };
    const model = this.deps.chatModel;
    const style = this.deps.extractionStyle;
    const { facts, topics } = await this.modelCall(
      (s) => extractTurn(model, { ...turn, time }, { style, signal: s }),
      signal,
    );
    // The interest trend: the model's topics of the message, else the deterministic ones.
    await this.profiles?.recordQuestion(userId, {
      sourceId: ctx.sourceId,
      text: turn.userText,
      at: time,
      topics: topics.length ? topics : questionTopics(turn.userText),
    });
    if (facts.length === 0) return { changes: [] };
    const related = await this.relatedMemories(userId, facts, signal);
    const candidates = await slotCandidates(this.deps.store, userId, facts, related, new Date(time));
    // A model that writes facts proposes what happens and the slots check it both ways; a small
    // local model (quotes style) is not asked: the slots alone decide (slots/judge.ts).
    const proposed =
      this.reconciliation() === "model"
        ? await this.modelCall((s) => reconcileFacts(model, facts, related, { style, signal: s }), signal)
        : undefined;
    signal?.throwIfAborted();
    const judged = judgeFacts(
      facts.map((fact, i) => ({ text: fact.text, about: fact.about, proposed: proposed?.[i] })),
      candidates,
    );
    const decisions: Decision[] = judged.map((j, i) => ({
      fact: facts[i],
      action: facts[i].forget && !proposed ? "NONE" : j.action,
      target: j.target,
      alsoCloses: j.alsoCloses,
      remainders: j.remainders,
      reason: j.reason,
      text: proposed?.[i] && j.action === proposed[i].action ? proposed[i].text : facts[i].text,
    }));
    for (const d of decisions)
      if (d.action !== "ADD" || proposed)
        this.log.debug("reconciled", { fact: d.fact.text, action: d.action, reason: d.reason });
    return { changes: await this.apply(decisions, ctx, signal) };
  }

  private reconciliation(): "model" | "rules" {
    return this.deps.reconciliation ?? (this.deps.extractionStyle === "quotes" ? "rules" : "model");
  }

  /** One model call of an update: given up at its deadline, or when the update is cancelled. */
  private async modelCall<T>(call: (signal: AbortSignal) => Promise<T>, cancel?: AbortSignal): Promise<T> {
    const ms = this.deps.modelTimeoutMs ?? DEFAULT_MODEL_TIMEOUT_S * 1000;
    const deadline = AbortSignal.timeout(ms);
    const signal = cancel ? AbortSignal.any([cancel, deadline]) : deadline;
    try {
      // Raced as well as passed on: not every model honours the signal.
      return await untilAborted(call(signal), signal);
    } catch (error) {
      if (deadline.aborted && !cancel?.aborted) throw new ModelTimeoutError(ms / 1000);
      throw error;
    }
  }

  /** Traced as "memory search" with the fused hits, their ranks and the fusion weights (src/tracing). */
  search(query: string, options: SearchOptions): Promise<ScoredMemory[]> {
    return traced("memory search", { query, ...options }, () => this.searchNow(query, options), searchTrace);
  }

  private async searchNow(query: string, options: SearchOptions): Promise<ScoredMemory[]> {
    await this.init();
    const userId = validateUserId(options.userId);
    validateText(query, "The search query");
    const limit = options.limit ?? DEFAULT_LIMIT;
    const filter = sanitizeFilter(options.filter, userId);
    const now = options.now ? new Date(toIsoTime(options.now, this.now())) : this.now();
    const validity: Validity = options.asOf
      ? { kind: "asOf", time: toIsoTime(options.asOf, this.now()) }
      : options.includeHistory
        ? { kind: "all" }
        : // Current also means not expired, at the now the query's time phrases refer to.
          { kind: "current", now: now.toISOString() };
    const [vector] = (await this.deps.embeddings.embedDocuments([query])).map(usableVector);
    const terms = tokenize(query);
    const coverage = vector && this.deps.queryCoverage ? await this.deps.queryCoverage(query) : undefined;
    const run = async (f: MemoryFilter | undefined, inPeriod?: TimePeriod) =>
      sameTextSameScore(
        await this.deps.store.search({
          userId,
          vector,
          terms,
          coverage,
          filter: f,
          period: inPeriod,
          validity,
          limit: limit * 2,
        }),
      );

    let hits = await run(filter);
    const period = options.timeAware === false ? null : parseTimeRange(query, now);
    if (period) {
      // Memories from the named period come first; the rest still follow, so a misread phrase
      // costs order, not recall.
      const periodHits = await run(filter, { gte: period.gte, lt: period.lt });
      const seen = new Set(periodHits.map((h) => h.record.id));
      hits = [...periodHits.map((h) => ({ ...h, score: h.score + 1 })), ...hits.filter((h) => !seen.has(h.record.id))];
    }
    if (this.entities) {
      const among = (ids: string[]) => run(filter ? { AND: [filter, { id: { in: ids } }] } : { id: { in: ids } });
      hits = await expandByEntities(this.entities, userId, query, hits, among);
      // A question about a time ("where did I live last year") is not asking what holds now.
      if (!period) hits = await this.liftRelationAnswers(userId, query, hits, among);
    }
    const fusion = hits[0]?.fusion;
    if (fusion) this.log.debug("search fusion", { ...fusion, period: period?.phrase ?? null });
    return hits
      .map((h) => ({
        memory: h.record,
        score: h.score * h.record.weight,
        denseRank: h.denseRank,
        lexicalRank: h.lexicalRank,
        fusion: h.fusion,
        ...(options.explain ? { explain: this.explainScore(h, now) } : {}),
      }))
      .sort(byScoreThenRecency(now, this.deps.halfLifeDays))
      .slice(0, limit);
  }

  private explainScore(hit: StoreHit, now: Date): ScoreExplanation {
    return {
      relevance: hit.score,
      feedback: hit.record.weight,
      recency: recencyWeight(lastTouched(hit.record), now, this.deps.halfLifeDays),
      // A fused score is a sum of two reciprocal ranks, each at most 1/(RRF_K + 1): only a lift adds a whole 1.
      lifted: hit.score >= 1,
    };
  }

  /**
   * A question asking where the user lives or works (entities/relation-questions.ts): the memory
   * that stated the relation holding now comes first, as period hits do, the rest still follow.
   */
  private async liftRelationAnswers(
    userId: string,
    query: string,
    hits: StoreHit[],
    among: (ids: string[]) => Promise<StoreHit[]>,
  ): Promise<StoreHit[]> {
    const ids = await memoriesAnswering(this.entities!.store, userId, query);
    if (ids.length === 0) return hits;
    const answers = await among(ids);
    const lifted = new Set(answers.map((h) => h.record.id));
    const scoreOf = new Map(hits.map((h) => [h.record.id, h.score]));
    return [
      ...answers.map((h) => ({ ...h, score: (scoreOf.get(h.record.id) ?? h.score) + 1 })),
      ...hits.filter((h) => !lifted.has(h.record.id)),
    ];
  }

  /** Memories (current and past) with the words of a name, for the memory map to link a name learned late. */
  private async memoriesNaming(userId: string, name: string): Promise<{ memoryId: string; text: string }[]> {
    // The tokenizer keeps "Jon's" as one token, and a name often opens a fact with its possessive.
    const terms = [...new Set(tokenize(`${name} ${name}'s ${name}’s`))];
    if (terms.length === 0) return [];
    const hits = await this.deps.store.search({
      userId,
      terms,
      validity: { kind: "all" },
      limit: EARLIER_MENTIONS_LIMIT,
    });
    return hits.map((h) => ({ memoryId: h.record.id, text: h.record.text }));
  }

  async get(id: string, options: { userId: string }): Promise<MemoryRecord | null> {
    await this.init();
    return this.deps.store.get(validateUserId(options.userId), id);
  }

  async list(options: ListMemoriesOptions): Promise<MemoryRecord[]> {
    await this.init();
    const userId = validateUserId(options.userId);
    const listing = this.listing(userId, options);
    const keep = listMatcher(options, this.now().toISOString());
    if (!keep) return this.deps.store.list(userId, { ...listing, limit: options.limit, offset: options.offset });
    // A text or "superseded" condition no backend indexes: read the user's listing whole, then take the page.
    const offset = options.offset ?? 0;
    const matching = (await this.deps.store.list(userId, listing)).filter(keep);
    return matching.slice(offset, options.limit === undefined ? undefined : offset + options.limit);
  }

  /** How many memories `list` would give without limit and offset. */
  async count(options: Omit<ListMemoriesOptions, "limit" | "offset">): Promise<number> {
    await this.init();
    const userId = validateUserId(options.userId);
    const listing = this.listing(userId, options);
    const keep = listMatcher(options, this.now().toISOString());
    if (!keep) return this.deps.store.count(userId, listing);
    return (await this.deps.store.list(userId, listing)).filter(keep).length;
  }

  private listing(userId: string, options: ListMemoriesOptions): { filter?: MemoryFilter; validity: Validity } {
    const state = options.state ?? (options.includeHistory ? "all" : "current");
    const validity: Validity = options.asOf
      ? { kind: "asOf", time: toIsoTime(options.asOf, this.now()) }
      : state === "current"
        ? { kind: "current", now: this.now().toISOString() }
        : { kind: "all" };
    return { filter: sanitizeFilter(options.filter, userId), validity };
  }

  /** Replaces a memory's text (an edit by the user or an operator); recorded in history. */
  async update(id: string, text: string, options: { userId: string; threadId?: string }): Promise<MemoryRecord> {
    await this.init();
    const userId = validateUserId(options.userId);
    if (!validateText(text, "The new memory text").trim()) throw new InvalidInputError("The new memory text is empty");
    const old = await this.deps.store.get(userId, id);
    if (!old) throw new MemoryNotFoundError(id);
    const at = this.now().toISOString();
    const updated = this.withText(old, text.trim(), at);
    const vectors = await this.embed([updated]);
    await this.deps.store.appendHistory([
      historyEntry(updated, "UPDATE", old.text, updated.text, at, options.threadId ?? null, null),
    ]);
    await this.deps.store.put([updated], vectors);
    await this.entities?.record(userId, [{ memoryId: updated.id, text: updated.text }], at);
    await this.profiles?.changed(userId);
    return updated;
  }

  /** Deletes a memory; its history stays (until forgetUser) so the change can be audited. */
  async delete(id: string, options: { userId: string; threadId?: string }): Promise<void> {
    await this.init();
    const userId = validateUserId(options.userId);
    const old = await this.deps.store.get(userId, id);
    if (!old) throw new MemoryNotFoundError(id);
    await this.deps.store.appendHistory([
      historyEntry(old, "DELETE", old.text, null, this.now().toISOString(), options.threadId ?? null, null),
    ]);
    await this.deps.store.delete(userId, [id]);
    await this.entities?.unlink(userId, [id]);
    await this.profiles?.changed(userId);
  }

  /**
   * The user's feedback on a memory (memory/feedback.ts): "wrong" invalidates it, "down" and "up"
   * change its ranking weight. Recorded in its history. Returns the memory as it now is.
   */
  async feedback(
    id: string,
    kind: FeedbackKind,
    options: { userId: string; threadId?: string },
  ): Promise<MemoryRecord> {
    await this.init();
    const userId = validateUserId(options.userId);
    return this.locks.run(userId, async () => {
      const record = await this.deps.store.get(userId, id);
      if (!record) throw new MemoryNotFoundError(id);
      const at = this.now().toISOString();
      return applyFeedback(this.deps.store, this.deps.feedback ?? DEFAULT_FEEDBACK, {
        record,
        kind,
        at,
        threadId: options.threadId ?? null,
      });
    });
  }

  /**
   * Records that these memories were given to an answer (memory/use.ts): in the background, never
   * failing or delaying the caller.
   */
  noteUse(ids: string[], options: { userId: string }): void {
    this.uses.note(validateUserId(options.userId), ids);
  }

  async history(id: string, options: { userId: string }): Promise<HistoryEntry[]> {
    await this.init();
    return this.deps.store.history(validateUserId(options.userId), id);
  }

  /** How many memories the user has: current ones, or every version with includeHistory. */
  /**
   * The stored memory holding exactly this fact (same text, same source), or null: how an import
   * or a store put names a fact the engine already had and so does not add again. A fact given
   * ready is hashed with its source, one a turn's model decided on (or an edit, or what stayed of a
   * superseded memory) without it while it still records the turn as its source: both are looked
   * up, so a memory is found whichever way it was made.
   */
  async findFact(text: string, options: { userId: string; sourceId?: string | null }): Promise<MemoryRecord | null> {
    const [found] = await this.findFacts([{ text, sourceId: options.sourceId }], { userId: options.userId });
    return found;
  }

  /** findFact for many facts of one user in one store round trip (an import's turn at a time). */
  async findFacts(
    facts: { text: string; sourceId?: string | null }[],
    options: { userId: string },
  ): Promise<(MemoryRecord | null)[]> {
    await this.init();
    const userId = validateUserId(options.userId);
    const wanted = facts.map((f) => {
      const text = f.text.trim();
      const source = f.sourceId ?? null;
      return { text, source, exact: factHash(userId, text, source), sourceless: factHash(userId, text, null) };
    });
    const found = await this.deps.store.getByHashes(userId, [
      ...new Set(wanted.flatMap((w) => [w.exact, w.sourceless])),
    ]);
    return wanted.map(
      (w) =>
        found.find((r) => r.hash === w.exact) ??
        found.find((r) => r.hash === w.sourceless && r.text === w.text && (r.sourceId ?? null) === w.source) ??
        null,
    );
  }

  /** Appends history lines carried over from an export (import); each must belong to the user. */
  async importHistory(entries: HistoryEntry[], options: { userId: string }): Promise<void> {
    await this.init();
    const userId = validateUserId(options.userId);
    const foreign = entries.find((e) => e.userId !== userId);
    if (foreign)
      throw new InvalidInputError(
        `A history line of another user (${foreign.userId}) cannot be imported for ${userId}`,
      );
    if (entries.length) await this.deps.store.appendHistory(entries);
  }

  /**
   * Users who have memories, ascending, at most `limit`: for operators and Studio's memory view
   * in open mode, never to answer a user.
   */
  async listUsers(limit: number): Promise<string[]> {
    await this.init();
    return this.deps.store.listUsers(limit);
  }

  /**
   * The memory with what it replaced and what replaced it
   * (see supersede-chain.ts); null if the user has no such memory.
   */
  async supersedeChain(id: string, options: { userId: string }): Promise<SupersedeChain | null> {
    const memory = await this.get(id, options);
    if (!memory) return null;
    return supersedeChain(memory, await this.list({ userId: options.userId, includeHistory: true }));
  }

  /** Erases the user's memories, their history and queued updates: a real forget. */
  async forgetUser(userId: string): Promise<{
    memories: number;
    history: number;
    queuedUpdates: number;
    entities: number;
    relations: number;
    profiles: number;
    questions: number;
  }> {
    await this.init();
    const user = validateUserId(userId);
    // Queued updates first: one that ran after the erase would bring a memory back.
    const queuedUpdates = (await this.deps.jobs?.forgetUser(user)) ?? 0;
    const result = await this.deps.store.forgetUser(user);
    const map = (await this.deps.entities?.forgetUser(user)) ?? { entities: 0, relations: 0 };
    const profile = (await this.profiles?.forgetUser(user)) ?? { profiles: 0, questions: 0 };
    this.log.info("forgot user", {
      memories: result.memories,
      history: result.history,
      queuedUpdates,
      ...map,
      ...profile,
    });
    return { ...result, queuedUpdates, ...map, ...profile };
  }

  // --- writing ---------------------------------------------------------------------------------

  private async addReadyFacts(facts: ReadyFact[], ctx: WriteContext): Promise<MemoryChange[]> {
    const records: MemoryRecord[] = [];
    const indexed: MemoryToIndex[] = [];
    const wanted = facts.filter((f) => f.text?.trim()).map((f) => ({ fact: f, sourceId: f.sourceId ?? ctx.sourceId }));
    const hashes = wanted.map((w) => factHash(ctx.userId, w.fact.text, w.sourceId));
    // One duplicate check for the whole batch: a store round trip per fact made imports crawl.
    const seen = new Set((await this.deps.store.getByHashes(ctx.userId, hashes)).map((r) => r.hash));
    for (const [i, { fact, sourceId }] of wanted.entries()) {
      const hash = hashes[i];
      if (seen.has(hash)) continue;
      seen.add(hash);
      const record = this.newRecord(
        ctx,
        {
          text: fact.text.trim(),
          category: fact.category ?? "other",
          about: fact.about ?? "user",
          eventTime: fact.eventTime ?? null,
          expiresAt: fact.expiresAt ? toIsoTime(fact.expiresAt, this.now()) : null,
          sourceId,
          hash,
          metadata: { ...ctx.metadata, ...validateMetadata(fact.metadata) },
        },
        this.carriedUsage(fact),
      );
      if (fact.context?.trim()) record.indexText = buildIndexText({ ...record, context: fact.context.trim() });
      records.push(record);
      indexed.push({ memoryId: record.id, text: record.text, given: givenEntities(fact) });
    }
    if (records.length === 0) return [];
    const vectors = await this.embed(records);
    // History first (see apply): a memory never exists without the entry that made it.
    await this.deps.store.appendHistory(
      records.map((r) => historyEntry(r, "ADD", null, r.text, ctx.time, ctx.threadId, r.sourceId)),
    );
    await this.deps.store.put(records, vectors);
    await this.entities?.record(ctx.userId, indexed, ctx.time);
    await this.profiles?.changed(ctx.userId);
    return records.map((r) => ({ operation: "ADD", memoryId: r.id, text: r.text, category: r.category }));
  }

  private async relatedMemories(userId: string, facts: ExtractedFact[], signal?: AbortSignal): Promise<MemoryRecord[]> {
    const vectors = await this.modelCall(() => this.deps.embeddings.embedDocuments(facts.map((f) => f.text)), signal);
    const limit = this.deps.relatedLimit ?? 5;
    const byId = new Map<string, MemoryRecord>();
    for (let i = 0; i < facts.length; i++) {
      const hits = await this.deps.store.search({
        userId,
        vector: usableVector(vectors[i]),
        terms: tokenize(facts[i].text),
        validity: { kind: "current", now: this.now().toISOString() },
        limit,
      });
      for (const h of hits) byId.set(h.record.id, h.record);
    }
    return [...byId.values()].slice(0, 2 * limit);
  }

  private async apply(decisions: Decision[], ctx: WriteContext, signal?: AbortSignal): Promise<MemoryChange[]> {
    const changes: MemoryChange[] = [];
    const toPut: MemoryRecord[] = [];
    const history: HistoryEntry[] = [];
    const toDelete: string[] = [];
    const touched = new Set<string>();
    const closedIds = new Set<string>();
    const indexed: MemoryToIndex[] = [];
    for (const d of decisions) {
      // Two decisions on one memory in a turn would overwrite each other: the first one wins.
      if (d.target && touched.has(d.target.id)) continue;
      if (d.target) touched.add(d.target.id);
      const fresh = () =>
        this.newRecord(ctx, {
          text: d.text,
          category: d.fact.category,
          about: d.fact.about,
          eventTime: d.fact.eventTime,
          expiresAt: d.fact.expiresAt ? toIsoTime(d.fact.expiresAt, this.now()) : null,
          sourceId: ctx.sourceId,
          hash: factHash(ctx.userId, d.text, null),
          metadata: ctx.metadata,
        });
      switch (d.action) {
        case "ADD": {
          const record = fresh();
          if ((await this.deps.store.getByHashes(ctx.userId, [record.hash])).length > 0) break;
          if (toPut.some((r) => r.hash === record.hash)) break;
          toPut.push(record);
          indexed.push({ memoryId: record.id, text: record.text, given: givenEntities(d.fact) });
          history.push(historyEntry(record, "ADD", null, record.text, ctx.time, ctx.threadId, ctx.sourceId, d.reason));
          changes.push({ operation: "ADD", memoryId: record.id, text: record.text, category: record.category });
          break;
        }
        case "UPDATE": {
          const old = d.target!;
          if (old.text === d.text) break;
          const expiresAt = d.fact.expiresAt ? toIsoTime(d.fact.expiresAt, this.now()) : old.expiresAt;
          const updated = {
            ...this.withText(old, d.text, ctx.time),
            eventTime: d.fact.eventTime ?? old.eventTime,
            expiresAt,
          };
          updated.indexText = buildIndexText(updated);
          toPut.push(updated);
          indexed.push({ memoryId: updated.id, text: updated.text, given: givenEntities(d.fact) });
          history.push(
            historyEntry(updated, "UPDATE", old.text, updated.text, ctx.time, ctx.threadId, ctx.sourceId, d.reason),
          );
          changes.push({
            operation: "UPDATE",
            memoryId: old.id,
            text: updated.text,
            oldText: old.text,
            category: updated.category,
          });
          break;
        }
        case "SUPERSEDE": {
          const record = fresh();
          // The target, and any other current memory of the same slot (slots/judge.ts).
          const olds = [d.target!, ...(d.alsoCloses ?? []).filter((m) => !touched.has(m.id))];
          for (const old of olds) {
            touched.add(old.id);
            closedIds.add(old.id);
            toPut.push({ ...old, validTo: ctx.time, supersededBy: record.id, updatedAt: ctx.time });
            history.push(
              historyEntry(old, "SUPERSEDE", old.text, record.text, ctx.time, ctx.threadId, ctx.sourceId, d.reason),
            );
          }
          const old = olds[0];
          // What else a closed memory said still holds: it stays current in a memory of its own.
          for (const closed of olds) {
            const rest = d.remainders?.get(closed.id);
            if (!rest || toPut.some((r) => r.text === rest)) continue;
            const { category, about, eventTime, expiresAt, sourceId, metadata } = closed;
            const kept = this.newRecord(ctx, {
              text: rest,
              category,
              about,
              eventTime,
              expiresAt,
              sourceId,
              metadata,
              hash: factHash(ctx.userId, rest, null),
            });
            toPut.push(kept);
            indexed.push({ memoryId: kept.id, text: kept.text });
            history.push(
              historyEntry(
                kept,
                "ADD",
                null,
                kept.text,
                ctx.time,
                ctx.threadId,
                ctx.sourceId,
                `what still holds of "${closed.text}"`,
              ),
            );
            changes.push({ operation: "ADD", memoryId: kept.id, text: kept.text, category: kept.category });
          }
          toPut.push(record);
          indexed.push({ memoryId: record.id, text: record.text, given: givenEntities(d.fact) });
          history.push(historyEntry(record, "ADD", null, record.text, ctx.time, ctx.threadId, ctx.sourceId, d.reason));
          changes.push({
            operation: "SUPERSEDE",
            memoryId: record.id,
            text: record.text,
            oldText: old.text,
            supersededId: old.id,
            category: record.category,
          });
          break;
        }
        case "DELETE": {
          const old = d.target!;
          toDelete.push(old.id);
          history.push(historyEntry(old, "DELETE", old.text, null, ctx.time, ctx.threadId, ctx.sourceId, d.reason));
          changes.push({ operation: "DELETE", memoryId: old.id, text: old.text, category: old.category });
          break;
        }
        case "NONE":
          break;
      }
    }
    const vectors = toPut.length ? await this.modelCall(() => this.embed(toPut), signal) : [];
    signal?.throwIfAborted();
    // The audit log is written ahead of the change: a process killed (or a store lost) between
    // the two writes leaves an entry whose change a replay makes again, never a change with no
    // entry (Qdrant has no transaction spanning both collections).
    // A closed memory keeps the entities it named (its timeline stays); a backend that keeps the
    // links on the memory itself (Qdrant's payload) loses them when the memory is stored again.
    const kept = await this.entities?.linksOf(
      ctx.userId,
      toPut.filter((r) => !indexed.some((i) => i.memoryId === r.id)).map((r) => r.id),
    );
    if (history.length) await this.deps.store.appendHistory(history);
    if (toPut.length) await this.deps.store.put(toPut, vectors);
    if (toDelete.length) await this.deps.store.delete(ctx.userId, toDelete);
    if (kept) await this.entities!.restore(ctx.userId, kept);
    await this.entities?.unlink(ctx.userId, toDelete);
    // The map follows the memories: the relations a superseded memory stated end with it.
    await this.entities?.record(ctx.userId, indexed, ctx.time, { closed: closedIds });
    if (changes.length) await this.profiles?.changed(ctx.userId);
    this.log.info("memory updated", { changes: changes.map((c) => c.operation) });
    return changes;
  }

  /** An import's feedback weight and use, the weight kept within this engine's bounds; a new fact's otherwise. */
  private carriedUsage(fact: ReadyFact): Pick<MemoryRecord, "weight" | "useCount" | "lastUsedAt"> {
    const { maxWeight } = this.deps.feedback ?? DEFAULT_FEEDBACK;
    const weight = Math.min(maxWeight, Math.max(1 / maxWeight, fact.usage?.weight ?? 1));
    return { weight, useCount: fact.usage?.useCount ?? 0, lastUsedAt: fact.usage?.lastUsedAt ?? null };
  }

  private newRecord(
    ctx: WriteContext,
    fact: Pick<
      MemoryRecord,
      "text" | "category" | "about" | "eventTime" | "expiresAt" | "sourceId" | "hash" | "metadata"
    >,
    usage: Pick<MemoryRecord, "weight" | "useCount" | "lastUsedAt"> = { weight: 1, useCount: 0, lastUsedAt: null },
  ): MemoryRecord {
    const record: MemoryRecord = {
      id: randomUUID(),
      userId: ctx.userId,
      ...fact,
      createdAt: ctx.time,
      updatedAt: ctx.time,
      validFrom: ctx.time,
      validTo: null,
      supersededBy: null,
      threadId: ctx.threadId,
      indexText: "",
      ...usage,
    };
    record.indexText = buildIndexText(record);
    return record;
  }

  private withText(old: MemoryRecord, text: string, at: string): MemoryRecord {
    const updated = { ...old, text, updatedAt: at, hash: factHash(old.userId, text, null) };
    updated.indexText = buildIndexText(updated);
    return updated;
  }

  private embed(records: MemoryRecord[]): Promise<number[][]> {
    return this.deps.embeddings.embedDocuments(records.map((r) => r.indexText));
  }
}

interface WriteContext {
  userId: string;
  time: string;
  threadId: string | null;
  sourceId: string | null;
  metadata: MemoryRecord["metadata"];
}

function historyEntry(
  record: MemoryRecord,
  operation: HistoryEntry["operation"],
  oldText: string | null,
  newText: string | null,
  at: string,
  threadId: string | null,
  sourceId: string | null,
  reason?: string,
): HistoryEntry {
  return {
    id: randomUUID(),
    memoryId: record.id,
    userId: record.userId,
    operation,
    oldText,
    newText,
    at,
    threadId,
    sourceId,
    ...(reason ? { reason } : {}),
  };
}

function toTurnMessages(input: AddInput): ChatTurnMessage[] {
  if (typeof input === "string") return [{ role: "user", content: input }];
  return input.map((m) => {
    if ("role" in m && typeof (m as ChatTurnMessage).role === "string" && !("lc_serializable" in m)) {
      return m as ChatTurnMessage;
    }
    const msg = m as BaseMessage;
    const role = isHumanMessage(msg) ? "user" : isAIMessage(msg) ? "assistant" : "system";
    return { role, content: messageText(msg) };
  });
}

/** The user's words (facts come only from these) and the assistant's reply (context). */
function turnText(input: AddInput): { userText: string; assistantText?: string } {
  const messages = toTurnMessages(input);
  const userText = messages
    .filter((m) => m.role === "user")
    .map((m) => m.content)
    .join("\n");
  const assistant = messages
    .filter((m) => m.role === "assistant")
    .map((m) => m.content)
    .join("\n");
  return { userText, assistantText: assistant || undefined };
}

/** The entities a model or an import named for a fact; none means they are detected from its text. */
function givenEntities(fact: Pick<ReadyFact, "entities" | "relations">): DetectedEntities | undefined {
  return fact.entities?.length ? { entities: fact.entities, relations: fact.relations ?? [] } : undefined;
}

function readyFactsFrom(input: AddInput): ReadyFact[] {
  return toTurnMessages(input)
    .filter((m) => m.role === "user")
    .map((m) => ({ text: m.content }));
}

/**
 * An embedder that returns nothing for a text (some do for scripts they cannot encode) leaves the
 * lexical half of a search; a vector of the wrong size stays the store's error to report.
 */
function usableVector(vector: number[] | undefined): number[] | undefined {
  return vector?.length ? vector : undefined;
}

/** The conditions of a listing that are checked record by record (none: the store pages it itself). */
function listMatcher(options: ListMemoriesOptions, now: string): ((record: MemoryRecord) => boolean) | undefined {
  const text = options.text?.trim().toLocaleLowerCase();
  const superseded = !options.asOf && options.state === "superseded";
  if (!text && !superseded) return undefined;
  // Expired facts are no longer current either.
  return (record) =>
    (!text || record.text.toLocaleLowerCase().includes(text)) &&
    (!superseded || !isValidAt(record, { kind: "current", now }));
}
