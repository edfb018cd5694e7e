import { start } from 'workflow/api';
import type { StartTurnRun } from '@/lib/chat/start-turn';
import { chatTurnWorkflow } from './index';

/**
 * Starts the workflow run that answers one turn. The route hands it to `startChatTurn`, which
 * decides whether and when a turn starts (lib/ imports no workflow).
 */
export const startTurnRun: StartTurnRun = async (turn) => (await start(chatTurnWorkflow, [turn])).runId;
