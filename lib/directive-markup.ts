/**
 * The `[[sim words=N tps=N ...]]` markup a user message may carry to steer the simulated model
 * (lib/sim/directive.ts reads its fields). It is not part of what the message says: the model
 * never reads it, and a thread's title leaves it out.
 */
const directivePattern = /\[\[sim\b([^\]]*)\]\]/i;

/**
 * Splits a message's text into what it says (trimmed, and with its spaces collapsed where the
 * markup was taken out) and the markup's fields, undefined when it carries none.
 */
export function splitDirective(text: string): { text: string; fields: string | undefined } {
  const match = directivePattern.exec(text);
  if (!match) return { text: text.trim(), fields: undefined };
  return { text: text.replace(directivePattern, ' ').replace(/\s+/g, ' ').trim(), fields: match[1] ?? '' };
}
