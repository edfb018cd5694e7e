import { createTool } from '@mastra/core/tools';
import { z } from 'zod';
import type { AppDatabase } from '../../lib/db/database';
import { hashString } from '../../lib/seeded-text';
import { runToolOnce } from '../../lib/tools/run-once';
import { toolCallRequest } from './tool-context';

const conditions = ['clear', 'partly cloudy', 'overcast', 'light rain', 'windy', 'fog'] as const;

export const weatherOutputSchema = z.object({
  city: z.string(),
  temperatureC: z.number(),
  conditions: z.enum(conditions),
  humidityPercent: z.number(),
});

/** Demo data, not a forecast: the same city always gets the same weather. */
export function demoWeather(city: string): z.infer<typeof weatherOutputSchema> {
  const hash = hashString(city.trim().toLowerCase());
  return {
    city,
    temperatureC: (hash % 35) - 5,
    conditions: conditions[hash % conditions.length] ?? 'clear',
    humidityPercent: 30 + (hash % 60),
  };
}

/** The fast, pure tool: answers at once and changes nothing. */
export function createWeatherTool(db: AppDatabase) {
  return createTool({
    id: 'weather',
    description: 'Current weather for a city (demo data).',
    inputSchema: z.object({
      city: z
        .string()
        .min(1)
        .max(100)
        .meta({ examples: ['Lisbon'] }),
    }),
    outputSchema: weatherOutputSchema,
    execute: async (input, context) => runToolOnce(db, toolCallRequest('weather', input, context), { sideEffect: 'none' }, async () => demoWeather(input.city)),
  });
}
