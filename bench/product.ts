// Measurement hook (bench only): the product's pure read/publish path, re-exported so the
// benchmark can bundle it with esbuild and time it in-process under Node. No product code here.
export { DEFAULT_FEED_LIMIT, findSection, SCRIPTS } from "../src/config/publication";
export { archiveHead, archiveSignature } from "../src/feeds/archive/documents";
export { chainLinks, cutParts } from "../src/feeds/archive/parts";
export { CHANGE_PAGE_SIZE } from "../src/feeds/change-log";
export type { FeedIndex } from "../src/feeds/feed-index";
export { feedEtag, feedLinks, isNotModified, linkHeader, syndicationLicense } from "../src/feeds/http";
export { FEED_FORMATS } from "../src/feeds/model";
export { partnerFragments, partnerItemsTag, partnerItemWrites } from "../src/feeds/partner-items";
export {
  feedHead,
  feedUrl,
  PLACEHOLDER_BASE,
  publicFragments,
  publicLicenceTerms,
  publicLicenceUrl,
  twinFragments,
  twinLink,
} from "../src/feeds/public-feed";
export { itemWrites, publishedItemsTag, sectionOutputs } from "../src/feeds/publish";
export { canonicalQuery, isUnfiltered, parseFeedQuery } from "../src/feeds/query";
export { rebase } from "../src/feeds/read";
export { publicRights, renderDocument, renderItem } from "../src/feeds/render";
export { ninjsTemplate } from "../src/feeds/render/ninjs";
export { lastModified, liftedEmbargoes, selectEntries } from "../src/feeds/select";
export { simplifiedArticle } from "../src/feeds/zh-hans/article";
export { toSimplified } from "../src/feeds/zh-hans/convert";
export { withDefaults } from "../src/model/article";
export { partnerDocument, selectPartnerEntries } from "../src/partners/partner-feed";
export * as kvKeys from "../src/storage/kv-keys";
