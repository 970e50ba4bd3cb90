/**
 * Answer latency and loops of the local answer model: 8 English and 8 Chinese chat turns, each a
 * fresh conversation with the answer node's system prompt, through the model the settings name
 * for answers (by default SmolLM2 135M). Prints seconds per turn (p50, p95, max) and how many
 * answers repeat a phrase three times (src/models/repetition.ts), and writes bench/results/answer.json.
 *   npm run bench:answer -- [--limit N] [--out file.json]
 */
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { loadSettings } from "../../src/config/settings.js";
import { DEFAULT_PERSONA } from "../../src/graph/context.js";
import { answerSystemPrompt } from "../../src/graph/prompts.js";
import { chatModelSpec, createChatModel } from "../../src/models/chat.js";
import { repetitionCut } from "../../src/models/repetition.js";

const TURNS = [
  {
    lang: "en",
    text: "Can you help me with my creative writing project? It is a short story about a lighthouse keeper.",
  },
  { lang: "en", text: "Hello! How are you today?" },
  { lang: "en", text: "I'm allergic to peanuts. What snacks could I take on a hike?" },
  { lang: "en", text: "Explain what a hash map is in two sentences." },
  { lang: "en", text: "I moved to Berlin last week. What should I see first?" },
  { lang: "en", text: "Give me three tips for learning to play the guitar." },
  { lang: "en", text: "What is the difference between weather and climate?" },
  { lang: "en", text: "Write a short poem about the sea." },
  { lang: "zh", text: "你好！今天过得怎么样？" },
  { lang: "zh", text: "我对花生过敏。去爬山可以带什么零食？" },
  { lang: "zh", text: "我上个月搬到北京了，周末可以去哪里玩？" },
  { lang: "zh", text: "请用两句话解释什么是机器学习。" },
  { lang: "zh", text: "给我三个学习吉他的建议。" },
  { lang: "zh", text: "帮我写一首关于大海的短诗。" },
  { lang: "zh", text: "我妹妹叫小红，她下个月过生日，送什么礼物好？" },
  { lang: "zh", text: "天气和气候有什么区别？" },
];

const { values } = parseArgs({
  options: {
    limit: { type: "string" },
    out: { type: "string", default: "bench/results/answer.json" },
  },
});
const chosen = values.limit ? TURNS.slice(0, Number(values.limit)) : TURNS;
const settings = loadSettings();
const spec = chatModelSpec(settings);
const model = await createChatModel(settings);
const system = answerSystemPrompt(DEFAULT_PERSONA, [], true, "2026-06-15");

interface Outcome {
  lang: string;
  text: string;
  seconds: number;
  chars: number;
  repeatsThrice: boolean;
  answer: string;
}
const outcomes: Outcome[] = [];
for (const [i, turn] of chosen.entries()) {
  const started = performance.now();
  const reply = await model.invoke([new SystemMessage(system), new HumanMessage(turn.text)]);
  const seconds = (performance.now() - started) / 1000;
  const answer = (reply as AIMessage).text;
  outcomes.push({
    ...turn,
    seconds: Math.round(seconds * 100) / 100,
    chars: answer.length,
    repeatsThrice: repetitionCut(answer) !== null,
    answer: answer.slice(0, 200),
  });
  process.stderr.write(`\r${i + 1}/${chosen.length} turns`);
}
process.stderr.write("\n");

const sorted = outcomes.map((o) => o.seconds).sort((a, b) => a - b);
const summary = (lang?: string) => {
  const rows = lang ? outcomes.filter((o) => o.lang === lang) : outcomes;
  const secs = rows.map((o) => o.seconds).sort((a, b) => a - b);
  const pct = (p: number) => secs[Math.min(secs.length - 1, Math.ceil((p / 100) * secs.length) - 1)];
  return {
    turns: rows.length,
    p50: pct(50),
    p95: pct(95),
    max: secs.at(-1),
    repeatsThrice: rows.filter((o) => o.repeatsThrice).length,
  };
};
const result = {
  model: spec,
  settings: {
    LOCAL_ANSWER_MAX_TOKENS: settings.LOCAL_ANSWER_MAX_TOKENS,
    LOCAL_ANSWER_DEADLINE_S: settings.LOCAL_ANSWER_DEADLINE_S,
  },
  all: summary(),
  en: summary("en"),
  zh: summary("zh"),
  outcomes,
};
for (const [name, s] of [
  ["all", result.all],
  ["en", result.en],
  ["zh", result.zh],
] as const) {
  console.log(
    `${name}: ${s.turns} turns, seconds p50 ${s.p50} p95 ${s.p95} max ${s.max}; answers repeating a phrase 3 times: ${s.repeatsThrice}`,
  );
}
mkdirSync(dirname(values.out!), { recursive: true });
writeFileSync(values.out!, JSON.stringify(result, null, 2) + "\n");
console.log(`wrote ${values.out}`);
