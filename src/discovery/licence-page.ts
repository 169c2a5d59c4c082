// GET /licenses/{id}: a licence as a readable page — the public reading licence from the publication's
// config, or a partner licence record the admin API keeps in KV. Only licence fields are ever shown.
import { PUBLICATION } from "../config/publication";
import { html, safeHref } from "./html";
import { renderPage } from "./layout";
import { formatShanghaiTime } from "./time";

/** What a licence page shows, whichever store it came from. */
export interface LicenceView {
  id: string;
  title: string;
  text: readonly string[];
  attribution: string;
  /** The licence's canonical URL, when it lives elsewhere (a contract page). */
  url?: string;
  expiresAt?: string;
}

/**
 * The displayable fields of a KV licence record `{ id, title?, url, attribution, expires_at, text? }`
 * (src/storage/kv-keys.ts), or null when it is not one. Picks fields one by one, so nothing else a
 * record might carry reaches the page.
 */
export function licenceViewFromRecord(id: string, record: unknown): LicenceView | null {
  if (!record || typeof record !== "object") return null;
  const r = record as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v.trim() ? v : undefined);
  const text = Array.isArray(r.text) ? r.text.filter((p): p is string => typeof p === "string") : [];
  return {
    id,
    title: str(r.title) ?? `授權許可 ${id}`,
    text,
    attribution: str(r.attribution) ?? PUBLICATION.attribution,
    url: str(r.url),
    expiresAt: str(r.expires_at),
  };
}

export function renderLicencePage(licence: LicenceView, base: string, now = Date.now()): string {
  const pageUrl = `${base}/licenses/${encodeURIComponent(licence.id)}`;
  const expired = licence.expiresAt !== undefined && Date.parse(licence.expiresAt) <= now;
  const body = html`<h1>${licence.title}</h1>
<p class="muted">許可編號 <code>${licence.id}</code></p>
${licence.text.map((paragraph) => html`<p>${paragraph}</p>`)}
<div class="hint">
<p><strong>署名要求:</strong>使用時請註明「${licence.attribution}」。</p>
${
  licence.expiresAt
    ? html`<p><strong>${expired ? "已於" : "有效期至"}</strong> <time datetime="${licence.expiresAt}">${formatShanghaiTime(licence.expiresAt)}</time>${expired ? "到期,不再授權使用。" : "(北京時間)。"}</p>`
    : ""
}
${licence.url && licence.url !== pageUrl ? html`<p>許可全文:<a href="${safeHref(licence.url)}">${licence.url}</a></p>` : ""}
</div>
<p><a href="${base}/">← 返回訂閱源目錄</a></p>
`;
  return renderPage({ title: `${licence.title} · ${PUBLICATION.title}`, body, homeUrl: `${base}/` });
}
