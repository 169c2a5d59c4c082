// The publication's own corrections to OpenCC's Traditional → Simplified output: words the tables
// leave as a Taiwan or literary form where a mainland editor writes another. Applied to the Simplified
// text after OpenCC, longest match first, so an entry mapping a word to itself protects it.

/** [OpenCC's Simplified output, what a mainland editor writes], with why. */
export const GLOSSARY: readonly (readonly [string, string])[] = [
  // Corner brackets are Traditional-script typography; mainland text quotes with curly quotes.
  ["「", "“"],
  ["」", "”"],
  ["『", "‘"],
  ["』", "’"],
  // OpenCC writes 报导 (Taiwan usage); mainland newsrooms write 报道.
  ["报导", "报道"],
  // Taiwan 程式 is mainland 程序 (按照程序, 小程序); the equation and the adjective keep 程式.
  ["程式", "程序"],
  ["方程式", "方程式"],
  ["程式化", "程式化"],
  // 著 as the aspect particle or in 着力/着眼 is 着 on the mainland; 著名, 著作, 显著 keep 著 (not listed).
  ...[
    "连著",
    "随著",
    "指著",
    "接著",
    "紧接著",
    "意味著",
    "沿著",
    "朝著",
    "向著",
    "带著",
    "绕著",
    "看著",
    "本著",
    "顺著",
    "有著",
    "跟著",
    "等著",
    "靠著",
    "忙著",
    "笑著",
    "说著",
    "想著",
    "写著",
    "拿著",
    "站著",
    "坐著",
    "走著",
    "穿著",
    "衣著",
    "沉著",
    "执著",
    "著力",
    "著眼",
    "著手",
    "著重",
    "著想",
    "著急",
    "著实",
    "著陆",
    "著装",
    "著落",
    "著迷",
  ].map((word) => [word, word.replace("著", "着")] as const),
];
