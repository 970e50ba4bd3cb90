/**
 * The words and characters the deterministic entity extractor reads as cues, kept apart from the
 * rules so they can be read and extended as lists. None of them is tuned to a data set: they are
 * the ordinary words for family, pets, places and organisations in English and Chinese.
 */

/** "my sister Melanie", "my kids": the user's relation to a person, with the canonical role. */
export const EN_KIN: Record<string, string> = {
  sister: "sister",
  brother: "brother",
  sis: "sister",
  bro: "brother",
  mom: "mother",
  mum: "mother",
  mother: "mother",
  mommy: "mother",
  dad: "father",
  father: "father",
  daddy: "father",
  son: "son",
  daughter: "daughter",
  kid: "children",
  kids: "children",
  children: "children",
  child: "children",
  wife: "wife",
  husband: "husband",
  partner: "partner",
  boyfriend: "boyfriend",
  girlfriend: "girlfriend",
  fiance: "fiancé",
  fiancé: "fiancé",
  fiancée: "fiancée",
  friend: "friend",
  bestie: "friend",
  cousin: "cousin",
  aunt: "aunt",
  uncle: "uncle",
  niece: "niece",
  nephew: "nephew",
  grandma: "grandmother",
  grandmother: "grandmother",
  granny: "grandmother",
  grandpa: "grandfather",
  grandfather: "grandfather",
  boss: "boss",
  colleague: "colleague",
  coworker: "colleague",
  roommate: "roommate",
  neighbor: "neighbour",
  neighbour: "neighbour",
  family: "family",
  parents: "parents",
};

/** "my dog Rex", "a cat named Luna". */
export const EN_PETS: Record<string, string> = {
  dog: "dog",
  dogs: "dog",
  puppy: "dog",
  pup: "dog",
  cat: "cat",
  cats: "cat",
  kitten: "cat",
  kitty: "cat",
  pet: "pet",
  pets: "pet",
  horse: "horse",
  bird: "bird",
  parrot: "bird",
  rabbit: "rabbit",
  bunny: "rabbit",
  hamster: "hamster",
  turtle: "turtle",
  fish: "fish",
  snake: "snake",
  guinea: "guinea pig",
};

/** Capitalised words that name no entity: pronouns, greetings, days and months (those are times). */
export const EN_NOT_NAMES = new Set(
  (
    "i i'm i've i'll i'd im ive ok okay hey hi hello thanks thank wow yes yeah yep no nope oh ah aw awww omg lol " +
    "sure great cool nice good well so and but or if when what why how who where which that this these those " +
    "the a an my your our their his her its we you they he she it me us them there here please sorry congrats " +
    "congratulations absolutely definitely totally really also just anyway btw haha hmm " +
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july " +
    "august september october november december today tomorrow yesterday tonight christmas easter"
  ).split(/\s+/),
);

/** Greetings and interjections after which a name speaks to the listener: "Hey Caroline", "Thanks, Mel". */
export const EN_ADDRESS_OPENERS = [
  "hey",
  "hi",
  "hello",
  "hiya",
  "thanks",
  "thank you",
  "bye",
  "congrats",
  "congratulations",
  "wow",
  "yes",
  "yeah",
  "yep",
  "yup",
  "sorry",
  "oh",
  "aw+",
  "dear",
  "good morning",
  "good night",
  "welcome",
  "ok",
  "okay",
  "sure",
  "haha",
  "lol",
  "omg",
];

export const EN_ORG_SUFFIXES = new Set(
  "inc inc. corp corp. corporation ltd ltd. llc gmbh university college school academy hospital clinic bank company co " +
    "club institute foundation group center centre agency association society council ministry department studio studios labs",
);
export const EN_PLACE_SUFFIXES = new Set(
  "city town village street st road avenue park lake mountain mountains river beach island islands county state province bay valley hills forest".split(
    " ",
  ),
);
/** The word before a capitalised name that makes it a place: "in Paris", "moved to Berlin". */
export const EN_PLACE_PREPOSITIONS = new Set([
  "country",
  "city",
  "hometown",
  "in",
  "to",
  "from",
  "near",
  "visited",
  "visiting",
  "visit",
  "around",
  "across",
  "toward",
  "towards",
]);
/** "works at Google", "a job at Acme", "joined Acme". */
export const EN_ORG_CUES = [
  /\bwork(?:s|ed|ing)? (?:at|for)\s*$/i,
  /\bjob (?:at|with)\s*$/i,
  /\bjoined\s*$/i,
  /\bintern(?:ing|ed|ship)? at\s*$/i,
  /\bemployed (?:at|by)\s*$/i,
];
export const EN_LIVE_CUES = [
  /\b(?:i|we) (?:live|lived|am living|'m living|moved|have moved|'ve moved|relocated) (?:in|to)\s*$/i,
  /\bmoving to\s*$/i,
];
export const EN_WORK_CUES = [
  /\b(?:i|we) (?:work|worked|am working|'m working|started working|now work) (?:at|for)\s*$/i,
  /\bmy job at\s*$/i,
];

/** 我的妹妹梅兰妮, 我妈妈: role words of Chinese kinship and social ties, longest first where they overlap. */
export const ZH_KIN: Record<string, string> = {
  男朋友: "男朋友",
  女朋友: "女朋友",
  孩子们: "孩子",
  孩子: "孩子",
  儿子: "儿子",
  女儿: "女儿",
  妹妹: "妹妹",
  姐姐: "姐姐",
  哥哥: "哥哥",
  弟弟: "弟弟",
  妈妈: "母亲",
  母亲: "母亲",
  爸爸: "父亲",
  父亲: "父亲",
  丈夫: "丈夫",
  老公: "丈夫",
  妻子: "妻子",
  老婆: "妻子",
  朋友: "朋友",
  同事: "同事",
  老板: "老板",
  奶奶: "奶奶",
  爷爷: "爷爷",
  外婆: "外婆",
  外公: "外公",
  表姐: "表姐",
  表妹: "表妹",
  表哥: "表哥",
  表弟: "表弟",
  家人: "家人",
  父母: "父母",
  室友: "室友",
  邻居: "邻居",
};
export const ZH_PETS: Record<string, string> = {
  小狗: "狗",
  狗狗: "狗",
  狗: "狗",
  小猫: "猫",
  猫咪: "猫",
  猫: "猫",
  宠物: "宠物",
  兔子: "兔子",
  鹦鹉: "鸟",
  仓鼠: "仓鼠",
  乌龟: "乌龟",
  马: "马",
};

/**
 * Characters of the standard transcription of foreign names into Chinese (梅兰妮, 卡罗琳, 约翰):
 * a run of them after a cue is a name. Characters that are also common function words (的, 了,
 * 在, 和, 是, 一) are not in the table, so a run stops at them.
 */
export const ZH_TRANSLIT = new Set(
  (
    "阿埃艾爱安昂奥澳巴芭拜班邦保鲍贝倍本比彼毕宾滨波伯泊博布查达黛戴丹道德登迪蒂典丁东杜敦多厄恩尔" +
    "法范菲费芬丰佛弗福伏盖甘冈高戈格根贡古圭哈海汉豪赫亨洪胡华霍基吉加佳贾杰捷金津卡凯坎康考柯科克肯库夸" +
    "奎昆拉腊莱赖兰朗劳乐勒雷蕾里利莉丽连林琳灵留隆卢鲁路伦罗洛吕玛马迈麦曼梅美门蒙孟米密敏明摩莫默牟穆姆" +
    "纳娜奈南瑙内妮尼宁纽努诺欧帕派潘庞佩彭皮珀普奇琪齐恰乔切琴丘萨塞赛桑瑟森沙莎珊尚绍舍圣施史斯松苏索" +
    "塔泰坦汤唐陶特滕提托图瓦万旺威韦维温文沃乌伍西希茜锡夏辛休修雅亚扬耶伊依因英尤约泽扎詹珍朱卓兹祖琼" +
    "薇娅丝蒂娜黎伊"
  ).split(""),
);
/** Common Chinese surnames, for native names after a kinship cue (我的朋友王芳). */
export const ZH_SURNAMES = new Set(
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤".split(
    "",
  ),
);
/** Characters that end a name: time words, verbs and particles that follow names in a sentence. */
export const ZH_NAME_STOP = new Set(
  "今明昨的是在和跟与说也都很去来了要会每刚又就已还把被给对从让叫一不这那个们最正想喜爱住搬做有没带上下里中到过着呢吗吧啊呀".split(
    "",
  ),
);
export const ZH_PLACE_SUFFIXES = [
  "市",
  "省",
  "州",
  "县",
  "镇",
  "村",
  "岛",
  "国",
  "湾",
  "区",
  "湖",
  "海滩",
  "公园",
  "街",
  "路",
  "山",
];
export const ZH_ORG_SUFFIXES = [
  "公司",
  "大学",
  "学院",
  "医院",
  "银行",
  "集团",
  "中心",
  "协会",
  "学校",
  "俱乐部",
  "基金会",
  "研究所",
  "工作室",
  "餐厅",
];
/** Greetings and interjections after which a name speaks to the listener: 嘿，梅尔！ 谢谢梅尔！ */
export const ZH_ADDRESS_OPENERS = ["嘿", "嗨", "哇", "谢谢你", "谢谢", "感谢", "亲爱的", "哦", "噢", "嗯"];
/** Before a person's name: 和梅兰妮, 嘿，卡罗琳, 谢谢梅尔. */
export const ZH_PERSON_CUES = [
  "和",
  "跟",
  "与",
  "同",
  "对",
  "给",
  "告诉",
  "嘿，",
  "嘿",
  "嗨，",
  "嗨",
  "谢谢",
  "谢谢你，",
  "感谢",
  "亲爱的",
];

/**
 * Words after which a place name follows in Chinese (我住在杭州, 搬到了上海, 来自成都): a bare city
 * name has no suffix to tell it by. Residence only: 去 and 在 are followed by as many verbs and
 * things as places (去爬山, 在家), 来自 by anything (来自过去, 来自四面八方).
 */
export const ZH_PLACE_CUES = [
  "住在",
  "搬到了",
  "搬到",
  "搬去了",
  "搬去",
  "生活在",
  "出生在",
  "出生于",
  "定居在",
  "定居于",
];

/** Words a place cue can be followed by that name no place of their own (住在家里, 来自外地). */
export const ZH_NOT_PLACES = new Set([
  "家",
  "家里",
  "这里",
  "那里",
  "这儿",
  "那儿",
  "附近",
  "一起",
  "外地",
  "隔壁",
  "楼上",
  "楼下",
  "宿舍",
  "城里",
  "乡下",
  "国外",
  "海外",
  "本地",
  "当地",
  "哪里",
  "哪儿",
  "什么",
  "我们",
  "你们",
  "他们",
  "她们",
  "一起",
]);
