export const SECTIONS: string[];
export const REGIONS: string[];
export const TOPICS: string[];
export function seedArticle(): any;
export function sampleArticles(count?: number, options?: { seed?: number; start?: number; bodyParagraphs?: number }): any[];
