/**
 * Deterministic, plausible-looking text: the simulated model's replies (lib/sim) and the demo
 * tools' results (mastra/tools). The same seed always gives the same text, so tests can compare
 * what a client assembled with what was stored.
 */

const openers = [
  'Here is how I would think about it.',
  'Good question, and the short answer is that it depends on the constraints.',
  'Let me walk through this step by step.',
  'There are a few moving parts worth separating.',
];

const vocabulary = (
  'the a durable stream keeps every chunk so a client can reconnect and continue where it stopped ' +
  'workflow step retries state memory thread message model token request response server browser ' +
  'network latency replay index cursor writer reader storage database ledger usage cost tool call ' +
  'result input output agent turn history context reliable simple careful explicit idempotent ' +
  'ordering boundary failure recovery process restart crash deploy queue event log snapshot ' +
  'after before while because therefore however usually often rarely always never then also'
).split(' ');

/** Mulberry32: tiny, fast, good enough for varied text. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export function hashString(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * A reply of exactly `words` whitespace-separated words, as markdown: an opener, paragraphs and
 * now and then a bulleted list. Returned as tokens (each word with its leading separator) so the
 * stream and the usage count agree.
 */
export function replyTokens(seedText: string, words: number): string[] {
  const random = prng(hashString(seedText));
  const tokens: string[] = [];
  const push = (word: string, separator: string) => tokens.push(tokens.length === 0 ? word : separator + word);
  for (const word of pick(openers, random).split(' ')) {
    if (tokens.length === words) return tokens;
    push(word, ' ');
  }
  let sentenceLength = 0;
  let inList = false;
  while (tokens.length < words) {
    const startsParagraph = sentenceLength === 0 && random() < 0.25;
    const startsList = startsParagraph && !inList && random() < 0.4;
    let word = pick(vocabulary, random);
    if (sentenceLength === 0) word = word.charAt(0).toUpperCase() + word.slice(1);
    const separator = startsList ? '\n\n- ' : inList && sentenceLength === 0 ? '\n- ' : startsParagraph ? '\n\n' : ' ';
    if (startsList) inList = true;
    else if (startsParagraph) inList = false;
    sentenceLength++;
    const endsSentence = sentenceLength > 5 && random() < 0.18;
    if (endsSentence || tokens.length === words - 1) {
      word += '.';
      sentenceLength = 0;
    } else if (random() < 0.04) {
      word = `**${word}**`;
    }
    push(word, separator);
  }
  return tokens;
}
