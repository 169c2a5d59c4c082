// A generated, deterministic set of articles covering every section, several regions and topics,
// own and reprinted sources and every rights setting: sample data for npm start, the benchmark
// and the stress tests. `count` scales it; the same seed gives the same articles.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const SECTIONS = [
  "yaowen",
  "chengshi-yuanyang",
  "laowai-zai-gansu",
  "zhiguan-zhongguo",
  "shijie",
  "yuanchuang",
  "redian-zhuanti",
  "wenlv",
];
export const REGIONS = [
  "gansu",
  "gansu/lanzhou",
  "gansu/lanzhou/chengguan",
  "gansu/lanzhou/qilihe",
  "gansu/lanzhou/yongdeng",
  "gansu/tianshui",
  "gansu/dunhuang",
  "gansu/jiayuguan",
  "gansu/zhangye",
];
export const TOPICS = [
  "livelihood",
  "governance",
  "transport",
  "tourism",
  "culture",
  "heating",
  "employment",
  "education",
  "economy",
  "ecology",
];
const SOURCES = [
  { name: "國際在線", own: true },
  { name: "國際在線", own: true },
  { name: "國際在線", own: true },
  { name: "甘肅日報", url: "https://gansu.daily.example/", own: false },
  { name: "新甘肅", own: false },
];
const PLACES = ["蘭州", "天水", "敦煌", "嘉峪關", "張掖", "城關區", "七里河區", "永登縣"];
const SUBJECTS = ["民生答卷", "文旅融合", "交通大會戰", "冬季供暖", "就業創業", "生態保護", "鄉村振興", "絲路文化"];

export function seedArticle() {
  const path = fileURLToPath(new URL("../../fixtures/seed-article.json", import.meta.url));
  return JSON.parse(readFileSync(path, "utf8"));
}

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function sampleArticles(count = 48, { seed = 7, start = Date.parse("2024-02-01T08:00:00+08:00"), bodyParagraphs = 6 } = {}) {
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  return Array.from({ length: count }, (_, i) => {
    const source = SOURCES[i % SOURCES.length];
    const place = pick(PLACES);
    const subject = pick(SUBJECTS);
    const published = new Date(start + i * 3_600_000);
    const stamp = published.toISOString().replace(/\.\d+Z$/, "+00:00");
    const regions = [...new Set([pick(REGIONS), pick(REGIONS)])];
    const topics = [...new Set([pick(TOPICS), pick(TOPICS), pick(TOPICS)])];
    const paragraphs = Array.from(
      { length: bodyParagraphs },
      (_, p) => `<p>${place}${subject}:第${p + 1}段。2024年以來,${place}聚焦${subject},持續提升群眾獲得感、幸福感、安全感。</p>`,
    );
    const article = {
      id: `sample-${String(i + 1).padStart(5, "0")}`,
      version: 1,
      section: SECTIONS[i % SECTIONS.length],
      title: `${place}:${subject}(${i + 1})`,
      summary: `${place}聚焦${subject},精準發力,持續增進民生福祉。`,
      body_html: `<h3>${subject}</h3>${paragraphs.join("")}<p><img src="/img/${i + 1}.jpg" alt="${place}"></p>`,
      url: `https://gansu.news.example/a/${published.toISOString().slice(0, 10).replaceAll("-", "/")}/sample-${i + 1}.html`,
      published_at: stamp,
      source,
      authors: [{ name: pick(["薛硯", "顏晨", "李明", "張華"]), role: "reporter" }],
      editors: [{ name: "王奇英", role: "editor" }],
      regions,
      topics,
      images: [
        { url: `https://gansu.news.example/img/${i + 1}.jpg`, caption: `${place}${subject}`, width: 1200, height: 800, type: "image/jpeg" },
      ],
    };
    if (!source.own && i % 2 === 1) article.rights = { syndication: "headline" };
    return article;
  });
}
