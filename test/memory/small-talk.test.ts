import { describe, expect, it } from "vitest";
import { candidateSentences } from "../../src/memory/extract.js";
import { isSmallTalk } from "../../src/memory/small-talk.js";

describe("small talk is never a memory candidate", () => {
  it("drops English greetings, thanks and acknowledgements, whatever their length", () => {
    for (const text of [
      "hello",
      "Hello!",
      "hi there",
      "Hey everyone",
      "thanks!",
      "Thank you so much!",
      "ok cool",
      "Okay, sounds good.",
      "Thanks, that was helpful!",
      "Good morning",
      "got it",
      "lol ok",
      "I'm fine, thanks.",
      "Thanks for the help.",
      "Wow, interesting.",
    ]) {
      expect(isSmallTalk(text), text).toBe(true);
      expect(candidateSentences(text), text).toEqual([]);
    }
  });

  it("drops Chinese ones", () => {
    for (const text of [
      "你好",
      "你好！",
      "哈哈好的",
      "谢谢",
      "谢谢你！",
      "好的，知道了。",
      "嗯嗯，没问题",
      "大家好",
      "晚安啦",
      "太感谢了",
      "谢谢，很有帮助！",
      "有道理。",
      "总之，再次感谢。",
    ]) {
      expect(isSmallTalk(text), text).toBe(true);
      expect(candidateSentences(text), text).toEqual([]);
    }
  });

  it("keeps a sentence with one word that says something, next to the pleasantries", () => {
    for (const text of [
      "I'm vegan.",
      "Hi, I live in Lisbon.",
      "Thanks, my sister is called Anna.",
      "I'm allergic to peanuts.",
      "我是素食者。",
      "你好，我住在北京。",
      "谢谢，我对花生过敏。",
      "好的，我明天去上海。",
    ]) {
      expect(isSmallTalk(text), text).toBe(false);
    }
    expect(candidateSentences("Hello! I moved to Berlin last week. Thanks!")).toEqual(["I moved to Berlin last week."]);
    expect(candidateSentences("你好！我妹妹叫小红。谢谢！")).toEqual(["我妹妹叫小红。"]);
  });
});
