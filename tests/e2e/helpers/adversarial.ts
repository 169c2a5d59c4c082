// Articles built to break feeds: every character class XML forbids or readers stumble on, hostile
// HTML, and sizes near the limits. Each is schema-valid, so the service must store and serve it.

const HOSTILE_TEXT = [
  "控制字元\u0001\u0008\u000B\u000C\u001F結束",
  "CDATA 結束 ]]> 與 ]]]]> 與 <![CDATA[ 開始",
  "孤立代理 \uD800 與 \uDFFF 之後",
  "非字元 \uFFFE \uFFFF 之後",
  "表情 📰🚄🏔️ 與擴展B 𠀋𡈽𪚲",
  "從右到左 \u200F\u202Eשלום\u202C 標記",
  "C1 \u0085\u0080\u009F 控制",
  "行分隔 \u2028 段分隔 \u2029",
  "A & B <c> \"q\" 'a' &amp; &lt; &#0; &nbsp;",
  "<script>alert('x')</script> 標題",
  "註解 <!-- x --> -- 與 \r\n 換行",
];

const HOSTILE_HTML = [
  "<p>正文 ]]> 與 <![CDATA[ x ]]> 結束</p>",
  '<p onclick="steal()">點擊 <a href="javascript:alert(1)">js</a> <a href="/relative/path">相對</a></p>',
  '<img src="x.png" onerror="alert(1)"><img src="data:image/svg+xml;base64,PHN2Zz4=">',
  "<script>document.write('x')</script><style>*{}</style><iframe src='https://evil.example'></iframe>",
  "<p>未閉合 <b>粗體 <i>斜體</p><table><tr><td>表格",
  "<p>\u0001\u0002 控制 \uD83D 孤立</p>",
  "<p>實體 &amp; &lt; &gt; &#0; &#xD800; &nbsp; &bogus;</p>",
];

export function adversarialArticles(): Record<string, unknown>[] {
  const articles: Record<string, unknown>[] = HOSTILE_TEXT.map((text, i) => ({
    id: `hostile-${i}`,
    version: 1,
    section: i % 2 ? "yaowen" : "wenlv",
    title: `${text} #${i}`,
    original_title: text,
    summary: `${text} 摘要`,
    body_html: `${HOSTILE_HTML[i % HOSTILE_HTML.length]}<p>${text.replace(/</g, "&lt;")}</p>`,
    url: `https://gansu.news.example/a/hostile/${i}.html?x=1&y=%3C2%3E`,
    published_at: `2024-03-${String(10 + i).padStart(2, "0")}T08:00:00+08:00`,
    source: i % 3 ? { name: "國際在線", own: true } : { name: `來源 & <${text}>`, url: "https://other.example/a?b=1&c=2", own: false },
    authors: [{ name: text.slice(0, 40) || "記者", role: "reporter" }],
    editors: [{ name: `編輯 ${text.slice(0, 10)}`, role: "editor" }],
    regions: ["gansu/lanzhou", i % 2 ? "gansu/tianshui" : "gansu/dunhuang"],
    topics: ["culture", i % 2 ? "tourism" : "transport"],
    images: [{ url: `https://gansu.news.example/img/h${i}.jpg?a=1&b=2`, caption: text }],
    rights: { attribution: `來源:${text}`, copyright: `© ${text}` },
  }));
  articles.push({
    id: "hostile-large",
    version: 1,
    section: "wenlv",
    title: "三百 KB 正文",
    body_html: `<p>${"長文".repeat(50_000)}</p>`,
    url: "https://gansu.news.example/a/hostile/large.html",
    published_at: "2024-03-30T08:00:00+08:00",
    source: { name: "國際在線", own: true },
    regions: ["gansu"],
    topics: ["culture"],
  });
  return articles;
}
