import { tokenize } from "../../search/tokenize.js";
import type { MemoryStore } from "../store.js";
import type { MemoryRecord } from "../types.js";
import { readSlots } from "./read.js";
import { TOPIC_TERMS, changedTopics } from "./topics.js";
import { USER } from "./types.js";

/**
 * The words memories of each attribute are stated with, in English and Chinese: a lexical search
 * for them finds the current memories a new fact may replace even where the embedder sees no
 * likeness ("I moved to Berlin" and "I live in Lisbon" share no word; with an English-only
 * embedder 我上个月搬到北京了 and 我住在杭州 share no vector either).
 */
const CUES: Record<string, string> = {
  residence: "live lives living lived moved relocated based home 住 住在 搬 搬到 搬去 搬家 定居 生活 老家",
  employer: "work works working job joined company hired employer quit left 工作 上班 入职 公司 跳槽 实习 辞职 离职",
  job: "work job as am engineer teacher nurse developer manager designer doctor promoted became 工作 职业 升职 当 做 工程师 老师 医生 护士 经理 设计师 程序员 学生",
  school: "study student school university college transferred 上学 读书 学校 大学 读研 考上 转学",
  relationship:
    "single engaged married divorced girlfriend boyfriend dating broke 单身 订婚 结婚 离婚 男朋友 女朋友 恋爱 分手 脱单",
  diet: "vegetarian vegan pescatarian keto meat diet 吃素 素食 纯素 生酮 吃肉",
  age: "old years age turned 岁 今年",
  children: "kids children 孩子 小孩",
  salary: "salary pay income earn make 月薪 年薪 工资 薪水 收入",
};

/** Enough to find every memory of one attribute for a chat user; a bound on one update's cost, not a tuned value. */
const PER_SLOT = 30;
/** How far back a correction ("sorry, I meant Thursday") looks for what it corrects. */
const CORRECTION_DAYS = 14;

/**
 * The current memories a batch of new facts is compared with: the related ones the engine found
 * by similarity, those stated with the words of each slot's attribute (and its subject and
 * thing), and for a correction the user's memories of the last two weeks.
 */
export async function slotCandidates(
  store: MemoryStore,
  userId: string,
  facts: { text: string; about?: string }[],
  related: MemoryRecord[],
  now: Date,
): Promise<MemoryRecord[]> {
  const byId = new Map(related.map((m) => [m.id, m]));
  const validity = { kind: "current" as const, now: now.toISOString() };
  for (const fact of facts) {
    const reading = readSlots(fact.text, fact.about || USER);
    const queries = new Set<string>();
    for (const slot of reading.slots) {
      const [kind, thing] = slot.attribute.split(":");
      const subject = slot.subject === USER ? "" : slot.subject;
      queries.add(`${CUES[kind] ?? ""} ${thing ?? ""} ${subject}`.trim());
    }
    for (const topic of changedTopics(fact.text)) queries.add(TOPIC_TERMS[topic]);
    for (const q of queries) {
      const terms = [...new Set(tokenize(q))];
      if (terms.length === 0) continue;
      for (const hit of await store.search({ userId, terms, validity, limit: PER_SLOT }))
        byId.set(hit.record.id, hit.record);
    }
    if (reading.correction) {
      const since = new Date(now.getTime() - CORRECTION_DAYS * 86_400_000).toISOString();
      for (const m of await store.list(userId, { filter: { createdAt: { gte: since } }, validity, limit: 200 }))
        byId.set(m.id, m);
    }
  }
  return [...byId.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
