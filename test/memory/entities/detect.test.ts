import { describe, expect, it } from "vitest";
import { detectEntities } from "../../../src/memory/entities/detect.js";

const names = (text: string, known: string[] = []) => detectEntities(text, known).entities.map((e) => e.name);

describe("deterministic entity extractor, English", () => {
  it("finds capitalised names inside a sentence and types them by their cues", () => {
    const found = detectEntities("Last week I moved to Berlin. My sister Melanie works at Google.");
    expect(found.entities).toEqual(
      expect.arrayContaining([
        { name: "Berlin", kind: "place" },
        { name: "Melanie", kind: "person", role: "sister" },
        { name: "Google", kind: "organisation" },
      ]),
    );
    expect(found.relations).toEqual(
      expect.arrayContaining([
        { from: "user", type: "lives in", to: "Berlin" },
        { from: "Melanie", type: "sister of", to: "user" },
      ]),
    );
  });

  it("does not take a sentence's first word for a name unless the user already has that entity", () => {
    expect(names("Yesterday was fun. Cooking relaxes me.")).toEqual([]);
    expect(names("Melanie called.")).toEqual([]);
    expect(names("Melanie called.", ["Melanie"])).toEqual(["Melanie"]);
  });

  it("reads a role with no name, a pet by its cue, and a transcript speaker's roles as theirs", () => {
    expect(detectEntities("I had lunch with my sister.").entities).toEqual([
      { name: "sister", kind: "person", role: "sister" },
    ]);
    expect(detectEntities("We adopted a dog named Rex.").entities).toEqual([{ name: "Rex", kind: "pet", role: "dog" }]);
    const line = detectEntities("Melanie: My kids love the beach.");
    expect(line.entities).toEqual(
      expect.arrayContaining([
        { name: "Melanie", kind: "person" },
        { name: "children", kind: "person", role: "children", of: "Melanie" },
      ]),
    );
  });

  it("marks a name that speaks to the listener as addressed, and one the text is about as not", () => {
    const addressed = (text: string, known: string[] = []) =>
      Object.fromEntries(detectEntities(text, known).entities.map((e) => [e.name, e.addressed ?? false]));
    expect(addressed("Melanie: Wow, that's cool, Caroline! Hey Mel, I met Jon at the park.", ["Mel"])).toEqual({
      Melanie: false,
      Caroline: true,
      Mel: true,
      Jon: false,
    });
    expect(addressed("Thanks, Melanie! See you soon.")).toEqual({ Melanie: true });
    expect(addressed("Yep, Mel. That was fun.")).toEqual({ Mel: true });
    // A known name opening a sentence before a comma is what the sentence is about.
    expect(addressed("John, along with his family, works out three times a week.", ["John"])).toEqual({ John: false });
    // Set off by commas on both sides, a name is in apposition, not addressed.
    expect(addressed("I want to work on my old area, West County, too.")).toEqual({ "West County": false });
    // Spoken to once and spoken of once: the text is about her.
    expect(addressed("Thanks, Gina! I told Gina about it.")).toEqual({ Gina: false });
  });

  it("names a relative or a pet given by 'is called', 'is named' or ''s name is', with the role", () => {
    for (const text of [
      "My sister is called Anna.",
      "My sister is named Anna.",
      "My sister's name is Anna.",
      "My little sister's called Anna.",
    ]) {
      expect(detectEntities(text), text).toEqual({
        entities: [{ name: "Anna", kind: "person", role: "sister" }],
        relations: [{ from: "Anna", type: "sister of", to: "user" }],
      });
    }
    expect(detectEntities("My dog's name is Rex.").entities).toEqual([{ name: "Rex", kind: "pet", role: "dog" }]);
    expect(detectEntities("My sister is happy.").entities).toEqual([
      { name: "sister", kind: "person", role: "sister" },
    ]);
  });

  it("keeps greetings, weekdays and quoted titles apart", () => {
    expect(names("Thanks, Melanie! See you on Friday.")).toEqual(["Melanie"]);
    expect(detectEntities('I loved reading "Becoming Nicole" this month.').entities).toEqual([
      { name: "Becoming Nicole", kind: "product" },
    ]);
  });
});

describe("deterministic entity extractor, Chinese", () => {
  it("finds a person by a kinship cue and by a person cue, not by characters alone", () => {
    const found = detectEntities("我的妹妹梅兰妮下周来看我。我和卡罗琳一起去了公园。");
    expect(found.entities).toEqual(
      expect.arrayContaining([
        { name: "梅兰妮", kind: "person", role: "妹妹" },
        { name: "卡罗琳", kind: "person" },
      ]),
    );
    expect(found.relations).toContainEqual({ from: "梅兰妮", type: "妹妹 of", to: "user" });
    // The same characters with no cue around them are not taken for a name.
    expect(names("兰妮的事情很多。")).toEqual([]);
  });

  it("finds places and organisations by their last word, and who lives or works there", () => {
    const found = detectEntities("我住在杭州市。我在阿里巴巴公司工作。我妈妈住在上海市。");
    expect(found.entities).toEqual(
      expect.arrayContaining([
        { name: "杭州市", kind: "place" },
        { name: "阿里巴巴公司", kind: "organisation" },
        { name: "上海市", kind: "place" },
      ]),
    );
    expect(found.relations).toContainEqual({ from: "user", type: "lives in", to: "杭州市" });
    expect(found.relations).toContainEqual({ from: "user", type: "works at", to: "阿里巴巴公司" });
    // 我妈妈住在上海市: the mother lives there, not the user.
    expect(found.relations).not.toContainEqual({ from: "user", type: "lives in", to: "上海市" });
    // Common words that end like places are not places.
    expect(names("我在社区里走了一路。")).toEqual([]);
  });

  it("finds a bare city name after a residence word, and nothing that only follows one", () => {
    expect(detectEntities("我住在杭州。").entities).toEqual([{ name: "杭州", kind: "place" }]);
    expect(detectEntities("我们搬到了深圳。").relations).toContainEqual({ from: "user", type: "lives in", to: "深圳" });
    expect(names("我妹妹梅兰妮住在上海的时候很开心。")).toEqual(expect.arrayContaining(["梅兰妮", "上海"]));
    for (const text of [
      "我住在家里。",
      "你打算住在哪里呢？",
      "我住在一个小镇上。",
      "灵感来自四面八方。",
      "我会住在戈尔韦。",
      "我住在宿舍。",
    ]) {
      expect(names(text).filter((n) => n !== "戈尔韦")).toEqual([]);
    }
  });

  it("reads speaker labels, addressed names, possessive roles and Latin names in Chinese text", () => {
    const found = detectEntities("卡罗琳：嘿，梅尔！梅兰妮的孩子们喜欢LGBTQ活动。", ["梅兰妮"]);
    expect(found.entities).toEqual(
      expect.arrayContaining([
        { name: "卡罗琳", kind: "person" },
        { name: "梅尔", kind: "person", addressed: true },
        { name: "梅兰妮", kind: "person" },
        { name: "孩子", kind: "person", role: "孩子", of: "梅兰妮" },
        { name: "LGBTQ", kind: "topic" },
      ]),
    );
  });

  it("marks a name that speaks to the listener as addressed: 嘿，梅尔！ 太棒了，卡罗琳！ but not 我和梅兰妮", () => {
    const addressed = (text: string, known: string[] = []) =>
      Object.fromEntries(detectEntities(text, known).entities.map((e) => [e.name, e.addressed ?? false]));
    expect(addressed("梅兰妮：哇，太棒了，卡罗琳！我和约翰去了公园。", ["约翰"])).toEqual({
      梅兰妮: false,
      卡罗琳: true,
      约翰: false,
    });
    expect(addressed("卡罗琳：我完全同意，梅兰妮。", ["梅兰妮"])).toEqual({ 卡罗琳: false, 梅兰妮: true });
    // Spoken to, then spoken of (梅尔的画): the text is about her.
    expect(addressed("卡罗琳：谢谢梅尔！梅尔的画很美。")).toEqual({ 卡罗琳: false, 梅尔: false });
    // Opening the sentence before a comma, as in English, is not taken for an address.
    expect(addressed("梅尔，和她的家人一起，每周锻炼三次。", ["梅尔"])).toEqual({ 梅尔: false });
  });

  it("names a relative after 叫, 名叫 or 叫做, a given name without surname included (小红, 阿明, 明明)", () => {
    expect(detectEntities("我妹妹叫小红。")).toEqual({
      entities: [{ name: "小红", kind: "person", role: "妹妹" }],
      relations: [{ from: "小红", type: "妹妹 of", to: "user" }],
    });
    expect(detectEntities("我的哥哥叫阿明，他住在上海。").entities).toContainEqual({
      name: "阿明",
      kind: "person",
      role: "哥哥",
    });
    expect(detectEntities("我女儿叫明明。").entities).toEqual([{ name: "明明", kind: "person", role: "女儿" }]);
    expect(detectEntities("我老婆叫王芳。").entities).toEqual([{ name: "王芳", kind: "person", role: "妻子" }]);
    expect(detectEntities("我的朋友名叫思远。").entities).toEqual([{ name: "思远", kind: "person", role: "朋友" }]);
  });

  it("does not take what follows a bare 叫 for a name when it tells or orders (叫我回家, 叫外卖)", () => {
    expect(names("我妈妈叫我回家。")).toEqual([]);
    expect(names("我朋友叫外卖了。")).toEqual([]);
  });

  it("names a pet only after 叫", () => {
    expect(detectEntities("我的狗叫旺财。").entities).toEqual([{ name: "旺财", kind: "pet", role: "狗" }]);
    expect(names("我的乌龟慢慢爬。")).not.toContain("慢慢爬");
  });
});
