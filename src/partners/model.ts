// The one model of a partner and its licence, shared by the admin API, the PartnerDesk and the feeds.
// `PartnerInput` is what an admin puts (generated from schemas/partner.schema.json); `PartnerRecord`
// is what we keep and show: the same fields with defaults filled in, never a key or its hash.
import type { Partner as PartnerInput, PartnerLicense, PartnerRecord } from "../model/partner.gen";

export type { PartnerInput, PartnerLicense, PartnerRecord };

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 60;
/** Partner ids and licence ids: lowercase slugs (they appear in URLs and in Syndication-License). */
export const PARTNER_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** `sections: ["*"]` licenses every configured section. */
export const EVERY_SECTION = "*";

/** What a licence covers, as the feeds apply it. */
export type Entitlement = Pick<PartnerRecord, "sections" | "regions" | "topics" | "license">;

/** The licence record /licenses/{id} reads from KV (src/storage/kv-keys.ts licenceKey). */
export interface LicenceRecord {
  id: string;
  /** The partner whose licence this is: another partner may not take the id over. Not shown on the page. */
  partner: string;
  title?: string;
  url: string;
  attribution: string;
  expires_at: string;
  text?: string[];
}

export function licenceRecord(partner: PartnerRecord): LicenceRecord {
  const { id, url, attribution, expires_at, title, text } = partner.license;
  return {
    id,
    partner: partner.id,
    title: title ?? `${partner.name} 轉載授權`,
    url,
    attribution,
    expires_at,
    text: text ?? [
      `本許可授權 ${partner.name} 在有效期內,於授權範圍(欄目、地區與主題)內轉載本網內容。`,
      `轉載時須註明「${attribution}」;註明其他來源的作品未經原權利人許可不在授權範圍內。`,
      "內容被撤回時,被授權方應及時刪除已轉載的相應內容。",
    ],
  };
}

/** Has the licence ended at `now` (ms)? A past `expires_at` ends it. */
export function licenceExpired(license: Pick<PartnerLicense, "expires_at">, now: number): boolean {
  return Date.parse(license.expires_at) <= now;
}
