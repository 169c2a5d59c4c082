// Text as the service keeps it, whoever sends it (the CMS's articles, an admin's partner records):
// Unicode NFC, without the characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates,
// U+FFFE/U+FFFF), so no feed can become invalid XML. The C1 controls and noncharacters XML 1.0 §2.2
// discourages go too: in news text they are always mis-decoded bytes, and validators flag them.

const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const XML_DISCOURAGED = /[\u007F-\u009F]|\p{Noncharacter_Code_Point}/gu;

/** `text` cleaned, and how many characters were removed (ingest reports them as warnings). */
export function cleanText(text: string): { text: string; removed: number } {
  let removed = 0;
  const drop = () => {
    removed++;
    return "";
  };
  const kept = text.replace(XML_FORBIDDEN, drop).replace(XML_DISCOURAGED, drop);
  return { text: kept.normalize("NFC"), removed };
}
