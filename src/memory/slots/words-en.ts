import { EN_KIN, EN_PETS } from "../entities/cues.js";

/**
 * The English words the slot rules (read-en.ts) read as cues and values, kept apart from the rules
 * so they can be read and extended as lists: ordinary vocabulary of jobs, diets, plans, times and
 * pets, none of it taken from a data set.
 */

/** Words that end a value: times, conjunctions, prepositions that start another phrase. */
export const STOP = new Set(
  (
    "now today yesterday last this next ago recently lately already since for with and but because so then as when where while " +
    "after before until by on at in from of to about again anymore any more too also though although just yet still i we my our " +
    "is are was were am be been it its which that who there here full-time part-time"
  ).split(" "),
);

export const WORD_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
};
export const NUMBER = `(\\d{1,3}|${Object.keys(WORD_NUMBERS).join("|")})`;

/** Heads of job titles: "I'm a nurse", "I'm a senior software engineer"; not "I'm a big fan". */
export const JOB_HEAD =
  /(?:er|or|ist|ian|ant|ent|eer|ee|nurse|doctor|chef|cook|surgeon|lawyer|attorney|clerk|pilot|nanny|medic|paramedic|dentist|vet|analyst|architect|consultant|specialist|intern|freelancer|student|barista|cashier|coach|tutor|professor|lecturer|scientist|officer|agent|artist|accountant|mechanic|electrician|plumber|firefighter|pharmacist|therapist|journalist|editor|assistant|director|lead|head|ceo|cto|cfo|founder|owner|programmer|dev|pm|sde|swe|ux)$/i;
export const NOT_JOB = new Set([
  "fan",
  "lover",
  "person",
  "member",
  "mother",
  "father",
  "parent",
  "mom",
  "dad",
  "beginner",
  "vegetarian",
  "vegan",
  "pescatarian",
  "runner-up",
  "other",
  "newcomer",
  "customer",
  "user",
  "owner",
  "sister",
  "brother",
  "daughter",
  "son",
  "wife",
  "husband",
  "partner",
  "grandmother",
  "grandfather",
  "leader",
  // Comparatives end like job words: "I'm trying to get better at SQL" names no job or employer.
  "better",
  "worse",
  "faster",
  "slower",
  "bigger",
  "smaller",
  "older",
  "younger",
  "smarter",
  "quicker",
  "stronger",
  "happier",
  "busier",
  "easier",
  "harder",
  "closer",
  "later",
  "earlier",
  "over",
  "never",
  "ever",
  "together",
  "rather",
]);

export const DIETS = [
  "vegetarian",
  "vegan",
  "pescatarian",
  "keto",
  "gluten-free",
  "dairy-free",
  "paleo",
  "carnivore",
  "flexitarian",
  "plant-based",
  "low-carb",
  "whole30",
];
export const EVENTS =
  "meeting|appointment|interview|dinner|lunch|breakfast|party|flight|trip|wedding|class|lesson|exam|test|call|checkup|check-up|surgery|concert|game|match|date|reservation|presentation|deadline|training|session|visit|ceremony|shift";
export const WEEKDAY = "monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight";
export const CLOCK = "\\d{1,2}(?::\\d{2})?\\s?(?:am|pm)|\\d{1,2}:\\d{2}|noon|midnight";
const MONTHS =
  "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec";
export const DATE = `(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?|\\d{1,2}(?:st|nd|rd|th)\\s+(?:of\\s+)?(?:${MONTHS})|the\\s+\\d{1,2}(?:st|nd|rd|th)`;

export const KIN_WORDS = Object.keys(EN_KIN).join("|");
/** Pet words, with the breeds people name their pet by ("my husky Juniper", "our lab Rufus"). */
export const PET_WORDS = [
  ...Object.keys(EN_PETS),
  ..."husky lab labrador retriever poodle beagle corgi terrier bulldog pug shepherd dachshund chihuahua collie spaniel tabby siamese".split(
    " ",
  ),
].join("|");

/** Capitalised words that open a chat message without naming anyone. */
export const NOT_SUBJECTS = new Set(
  (
    "user actually also now finally guess good great update news quick fun new big random little sad happy funny exciting " +
    "update btw fyi ps so then plus still anyway honestly lately recently tomorrow next last this day officially"
  ).split(" "),
);
