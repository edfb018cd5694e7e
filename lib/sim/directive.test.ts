import { describe, expect, it } from 'vitest';
import { parseDirective, simLimits } from './directive';

describe('parseDirective', () => {
  it('strips the directive and reads every field', () => {
    const { text, directive } = parseDirective('Explain streams [[sim words=12 tps=0 tools=weather,notes fail_at=5 fail_step=1 fatal_at=9 quote=4]] please');
    expect(text).toBe('Explain streams please');
    expect(directive).toEqual({ words: 12, tokensPerSecond: 0, tools: ['weather', 'notes'], failAt: 5, failStep: 1, fatalAt: 9, quote: 4 });
  });

  it('leaves text without a directive alone', () => {
    expect(parseDirective('  hello  world ')).toEqual({
      text: 'hello  world',
      directive: { words: undefined, tokensPerSecond: undefined, tools: [], failAt: undefined, failStep: 0, fatalAt: undefined, quote: undefined },
    });
  });

  it('ignores unknown fields and invalid values instead of failing the turn', () => {
    const { directive } = parseDirective('[[sim words=-3 tps=fast color=red fail_at=2]]');
    expect(directive.words).toBeUndefined();
    expect(directive.tokensPerSecond).toBeUndefined();
    expect(directive.failAt).toBe(2);
  });

  it('caps what one message can ask of the model', () => {
    const { directive } = parseDirective('[[sim words=100000 quote=5000 tools=a,b,c,d,e,f,g,h,i,j tps=0]]');
    expect(directive.words).toBe(simLimits.words);
    expect(directive.quote).toBe(simLimits.words);
    expect(directive.tools).toHaveLength(simLimits.tools);
  });
});
