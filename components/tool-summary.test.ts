import { describe, expect, it } from 'vitest';
import { summarize } from './tool-summary';

describe('summarize', () => {
  it('lists an object’s fields on one line, nested values shortened', () => {
    expect(summarize({ city: 'Paris', days: 3, hourly: [1, 2], detail: { a: 1 }, ok: true })).toBe('city: Paris, days: 3, hourly: 2 items, detail: {…}, ok: true');
  });

  it('cuts a long line at 80 characters', () => {
    const line = summarize({ topic: 'x'.repeat(200) });
    expect(line).toHaveLength(80);
    expect(line.endsWith('…')).toBe(true);
  });

  it('shows plain values as they are', () => {
    expect(summarize('sunny')).toBe('sunny');
    expect(summarize(undefined)).toBe('');
  });
});
