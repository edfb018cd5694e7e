import { describe, expect, it } from 'vitest';
import { defaultPoolSize, minimumPoolSize, poolBudget } from './pool-budget';

const sum = ({ world, memory, app }: ReturnType<typeof poolBudget>) => world + memory + app;

describe('poolBudget', () => {
  it('gives the world half, memory and the app a quarter each, within the total', () => {
    expect(poolBudget(defaultPoolSize)).toEqual({ world: 20, memory: 10, app: 10 });
    for (let total = minimumPoolSize; total <= 200; total++) {
      const budget = poolBudget(total);
      expect(sum(budget)).toBe(total);
      expect(Math.min(budget.world, budget.memory, budget.app)).toBeGreaterThanOrEqual(2);
    }
  });
});
