/** Escapes LIKE/ILIKE wildcards so user text matches literally (with `ESCAPE '\\'`, PostgreSQL's default). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&');
