/** What a message's placeholders are filled with. */
export type Values = Record<string, string | number>;

/** `{name}`, or `{name|one|other}`: the word for a count of one, or for any other count. */
export const placeholderPattern = /\{(\w+)(?:\|([^|{}]*)\|([^{}]*))?\}/g;

/**
 * Fills a message's placeholders. Messages are plain text rather than functions so that a server page
 * can hand them to the browser, one language at a time. English needs the plural form; Korean does not.
 * A value that was not given stays visible as its placeholder: a wrong word on screen, not a broken page.
 */
export function format(template: string, values: Values): string {
  return template.replace(placeholderPattern, (placeholder, name: string, one?: string, other?: string) => {
    const value = values[name];
    if (value === undefined) return placeholder;
    return one === undefined ? String(value) : value === 1 ? one : other!;
  });
}
