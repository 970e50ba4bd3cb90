/**
 * Synthetic memories for the scale benchmark: short facts from English and Chinese templates and
 * random unit vectors, all from a seeded PRNG so every run stores the same data.
 */

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; same seed, same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

const NAMES = [
  "Anna",
  "Ben",
  "Chloe",
  "David",
  "Elena",
  "Farid",
  "Grace",
  "Hiro",
  "Isla",
  "Jonas",
  "Kofi",
  "Lena",
  "Mateo",
  "Nadia",
  "Omar",
  "Priya",
];
const CITIES = [
  "Lisbon",
  "Osaka",
  "Nairobi",
  "Toronto",
  "Berlin",
  "Lima",
  "Hanoi",
  "Oslo",
  "Austin",
  "Porto",
  "Seoul",
  "Dublin",
];
const FOODS = ["ramen", "tacos", "sushi", "lentil soup", "dumplings", "paella", "pho", "falafel", "risotto", "curry"];
const HOBBIES = [
  "climbing",
  "painting",
  "chess",
  "running",
  "pottery",
  "sailing",
  "baking",
  "photography",
  "gardening",
  "cycling",
];
const PETS = ["dog", "cat", "parrot", "rabbit", "turtle"];
const JOBS = ["nurse", "teacher", "data engineer", "carpenter", "designer", "lawyer", "chef", "pilot"];
const ZH_CITIES = ["上海", "北京", "成都", "杭州", "广州", "深圳", "西安", "南京", "武汉", "厦门"];
const ZH_FOODS = ["火锅", "饺子", "拉面", "小笼包", "烤鸭", "麻婆豆腐", "米粉", "煎饼"];
const ZH_HOBBIES = ["爬山", "书法", "游泳", "下棋", "摄影", "弹钢琴", "跑步", "钓鱼"];
const ZH_NAMES = ["小王", "李娜", "张伟", "陈静", "刘洋", "王芳"];

const DETAILS = [
  "",
  "",
  "",
  " since last year",
  " after a long break",
  " with an old colleague",
  " because of work",
  " on a rainy Tuesday",
  " for the first time",
  " every other week",
  " despite the cost",
  " near the old harbour",
  " with the kids",
  " before the holidays",
];
const ZH_DETAILS = ["", "", "，已经两年了", "，每个周末", "，和同事一起", "，因为工作需要", "，这是第一次"];

type Template = (r: () => number) => {
  text: string;
  category: "profile" | "preference" | "plan" | "event" | "relationship" | "skill";
};

const TEMPLATES: Template[] = [
  (r) => ({ text: `User lives in ${pick(r, CITIES)}`, category: "profile" }),
  (r) => ({ text: `User works as a ${pick(r, JOBS)}`, category: "profile" }),
  (r) => ({ text: `User likes ${pick(r, FOODS)} but not ${pick(r, FOODS)}`, category: "preference" }),
  (r) => ({ text: `User has a ${pick(r, PETS)} named ${pick(r, NAMES)}`, category: "relationship" }),
  (r) => ({ text: `User's friend ${pick(r, NAMES)} moved to ${pick(r, CITIES)}`, category: "relationship" }),
  (r) => ({
    text: `User plans a trip to ${pick(r, CITIES)} next ${pick(r, ["spring", "summer", "autumn", "winter"])}`,
    category: "plan",
  }),
  (r) => ({ text: `User took up ${pick(r, HOBBIES)} this year`, category: "skill" }),
  (r) => ({ text: `User went ${pick(r, HOBBIES)} with ${pick(r, NAMES)} on the weekend`, category: "event" }),
  (r) => ({ text: `用户住在${pick(r, ZH_CITIES)}`, category: "profile" }),
  (r) => ({ text: `用户喜欢吃${pick(r, ZH_FOODS)}`, category: "preference" }),
  (r) => ({ text: `用户最近开始学${pick(r, ZH_HOBBIES)}`, category: "skill" }),
  (r) => ({ text: `用户的朋友${pick(r, ZH_NAMES)}下个月去${pick(r, ZH_CITIES)}`, category: "relationship" }),
];

const QUERIES: ((r: () => number) => string)[] = [
  (r) => `Where does my friend ${pick(r, NAMES)} live now?`,
  (r) => `Do I like ${pick(r, FOODS)}?`,
  (r) => `What did I do with ${pick(r, NAMES)} last weekend?`,
  (r) => `When is my trip to ${pick(r, CITIES)}?`,
  (r) => `What hobby did I start, ${pick(r, HOBBIES)}?`,
  () => `What did I do last month?`,
  (r) => `我喜欢吃${pick(r, ZH_FOODS)}吗？`,
  (r) => `我的朋友去${pick(r, ZH_CITIES)}了吗？`,
];

export interface SyntheticFact {
  text: string;
  category: ReturnType<Template>["category"];
  /** ISO date between 2023-01-01 and 2025-12-31. */
  eventTime: string;
}

const START = Date.UTC(2023, 0, 1);
const SPAN = Date.UTC(2026, 0, 1) - START;

/** The same seed gives the same sequence of facts (texts repeat, as real users' facts do). */
export function syntheticFact(rand: () => number): SyntheticFact {
  const { text: base, category } = pick(rand, TEMPLATES)(rand);
  const text = base + pick(rand, /\p{Script=Han}/u.test(base) ? ZH_DETAILS : DETAILS);
  const eventTime = new Date(START + Math.floor(rand() * SPAN)).toISOString().slice(0, 10);
  return { text, category, eventTime };
}

export function syntheticQuery(rand: () => number): string {
  return pick(rand, QUERIES)(rand);
}

/** A uniformly random direction: Gaussian components (Box-Muller), normalised. */
export function randomUnitVector(rand: () => number, dims: number): number[] {
  const v = new Array<number>(dims);
  let norm = 0;
  for (let i = 0; i < dims; i += 2) {
    const u = Math.max(rand(), 1e-12);
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * rand();
    v[i] = r * Math.cos(theta);
    norm += v[i] * v[i];
    if (i + 1 < dims) {
      v[i + 1] = r * Math.sin(theta);
      norm += v[i + 1] * v[i + 1];
    }
  }
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < dims; i++) v[i] *= inv;
  return v;
}
