import type { AppDatabase } from '../../lib/db/database';
import { createResearchTool } from './research';
import { createSaveNoteTool } from './save-note';
import { createWeatherTool } from './weather';

/** The chat agent's tools, keyed by the name the model calls them by. */
export function createChatTools(options: { db: AppDatabase; slowToolMs: number }) {
  return {
    weather: createWeatherTool(options.db),
    research: createResearchTool(options.db, options.slowToolMs),
    save_note: createSaveNoteTool(options.db),
  };
}
