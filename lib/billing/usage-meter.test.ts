import { describe, expect, it } from 'vitest';
import { noUsage } from './usage';
import { UsageMeter } from './usage-meter';

function meterWithOneFinishedStep(): UsageMeter {
  const meter = new UsageMeter();
  meter.promptSent(40);
  meter.observe({ type: 'start-step' });
  meter.observe({ type: 'text-delta', id: '0', delta: 'Hello there' });
  meter.stepFinished({ ...noUsage, inputTokens: 40, outputTokens: 2 });
  meter.promptSent(55);
  return meter;
}

describe('UsageMeter', () => {
  it('charges a stopped step the prompt it was sent and what it streamed', () => {
    const meter = meterWithOneFinishedStep();
    meter.observe({ type: 'start-step' });
    meter.observe({ type: 'text-delta', id: '1', delta: 'Partial' });
    expect(meter.stopped()).toEqual({ usage: { ...noUsage, inputTokens: 95, outputTokens: 3 }, source: 'estimated' });
  });

  it('charges a stopped step its prompt even before any output', () => {
    expect(meterWithOneFinishedStep().stopped().usage.inputTokens).toBe(95);
  });

  it('charges nothing for a call the provider refused before answering', () => {
    expect(meterWithOneFinishedStep().failed()).toEqual({ usage: { ...noUsage, inputTokens: 40, outputTokens: 2 }, source: 'estimated' });
  });

  it('charges the prompt of a call that failed while answering, or what the provider reported', () => {
    const meter = meterWithOneFinishedStep();
    meter.observe({ type: 'start-step' });
    meter.observe({ type: 'text-delta', id: '1', delta: 'Cut off' });
    expect(meter.failed().usage).toMatchObject({ inputTokens: 95, outputTokens: 4 });
    expect(meter.failed({ ...noUsage, inputTokens: 60, outputTokens: 9 })).toEqual({ usage: { ...noUsage, inputTokens: 100, outputTokens: 11 }, source: 'provider' });
  });
});
