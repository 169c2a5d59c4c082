// An article of the portal's own (source.own, so `full` syndication by default) in yaowen, Lanzhou:
// the partner tests' building block; `extra` adds or overrides any field.
export const ownArticle = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  version: 1,
  section: "yaowen",
  title: `自有稿件 ${id}`,
  summary: `摘要 ${id}`,
  body_html: `<p>正文 ${id}</p>`,
  url: `https://gansu.news.example/a/${id}.html`,
  published_at: "2024-03-01T09:00:00+08:00",
  source: { name: "國際在線", own: true },
  regions: ["gansu/lanzhou"],
  ...extra,
});
