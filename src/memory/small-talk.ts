/**
 * Greetings, thanks and acknowledgements ("hello", "thanks!", "ok cool", "你好", "哈哈好的") say
 * nothing about the user, however long they are: a sentence made only of such words is never a
 * fact to remember. A sentence with one other word ("I'm vegan", "我是素食者") still is, so the
 * lists below hold only words that cannot carry a fact by themselves.
 */

const ENGLISH = new Set(
  (
    "hello hi hey heya hiya howdy yo greetings good morning afternoon evening night day " +
    "thanks thank thx ty tysm cheers appreciate appreciated you so much very a lot all again anyway " +
    "ok okay k kk cool nice great awesome perfect lovely sweet wonderful excellent amazing " +
    "sure yes yeah yep yup no nope nah alright right fine got it that's thats this that was is " +
    "sounds understood noted makes sense true indeed of course " +
    "bye goodbye see later ya soon take care welcome " +
    "lol haha hahaha hehe hmm hm oh ah wow well and too there everyone guys folks friend " +
    "helpful help i i'm im am doing it's its me not bad for the by way interesting funny one"
  ).split(" "),
);

/** Chinese small talk; a run of Han characters must be made wholly of these (longest first). */
const CHINESE = (
  "你好 您好 大家好 早上好 下午好 晚上好 早安 午安 晚安 哈喽 哈罗 嗨 早 " +
  "谢谢 谢谢你 谢谢您 谢了 多谢 感谢 感谢你 非常感谢 太感谢了 辛苦了 不客气 没关系 " +
  "好的 好吧 好呀 好啊 好滴 好 行 可以 没问题 知道了 知道 明白了 明白 懂了 收到 了解 对 是的 是 对的 嗯 恩 哦 噢 喔 " +
  "哈 呵 嘿 嘻 哇 耶 啦 了 呀 啊 吧 呢 哒 嘛 " +
  "有帮助 帮助 帮了大忙 有意思 有道理 总之 再次 对了 的 " +
  "不错 很好 太好了 真好 棒 很棒 真棒 厉害 酷 牛 再见 拜拜 回头见 下次见 " +
  "非常 很 太 真 挺 你 您 大家 你们 也 那 就 这样"
)
  .split(" ")
  .sort((a, b) => b.length - a.length);

const PIECE = /[\p{Script=Han}]+|[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Whether `sentence` is only greetings, thanks or acknowledgements (and punctuation). */
export function isSmallTalk(sentence: string): boolean {
  const pieces = sentence.toLowerCase().replace(/’/g, "'").match(PIECE);
  if (!pieces) return true;
  return pieces.every((piece) => (/\p{Script=Han}/u.test(piece) ? coveredByChinese(piece) : ENGLISH.has(piece)));
}

/** Whether a run of Han characters splits wholly into words of CHINESE. */
function coveredByChinese(run: string): boolean {
  const reachable = new Array<boolean>(run.length + 1).fill(false);
  reachable[0] = true;
  for (let i = 0; i < run.length; i++) {
    if (!reachable[i]) continue;
    for (const word of CHINESE) if (run.startsWith(word, i)) reachable[i + word.length] = true;
  }
  return reachable[run.length];
}
