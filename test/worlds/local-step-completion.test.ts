import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLocalWorld } from '@workflow/world-local';
import { afterEach, describe, expect, it } from 'vitest';
import { testsUsePostgres } from '../support/postgres';
import { makeDataDir } from '../support/server';

/**
 * The local world writes a step's completion as a lock file, then the step entity, then the
 * event. A SIGKILL between them used to leave a step that refused every later delivery while
 * the run's event log waited for it forever (issue 23). These tests lay down exactly what such
 * a crash leaves on disk, then deliver the step again the way the runtime does.
 */
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);

async function runWithStartedStep() {
  const dataDir = await makeDataDir();
  dirs.push(dataDir);
  const world = createLocalWorld({ dataDir });
  await world.start?.();
  const created = await world.events.create(null, {
    eventType: 'run_created',
    specVersion: 2,
    eventData: { deploymentId: 'test', workflowName: 'chatTurnWorkflow', input: bytes('[]') },
  });
  const runId = created.run!.runId;
  await world.events.create(runId, { eventType: 'run_started', specVersion: 2 });
  const stepId = 'step_01';
  await world.events.create(runId, { eventType: 'step_created', specVersion: 2, correlationId: stepId, eventData: { stepName: 'alignStoredReply', input: bytes('[]') } });
  await world.events.create(runId, { eventType: 'step_started', specVersion: 2, correlationId: stepId, eventData: { stepName: 'alignStoredReply' } });
  const stepFile = path.join(dataDir, 'steps', `${runId}-${stepId}.json`);
  const lockFile = path.join(dataDir, '.locks', 'steps', `${runId}-${stepId}.terminal`);
  return { world, runId, stepId, stepFile, lockFile };
}

async function terminalEvents(world: ReturnType<typeof createLocalWorld>, runId: string) {
  const { data } = await world.events.list({ runId, resolveData: 'all' });
  return data.filter((event) => event.eventType === 'step_completed' || event.eventType === 'step_failed');
}

async function claimLock(lockFile: string) {
  await mkdir(path.dirname(lockFile), { recursive: true });
  await writeFile(lockFile, '');
}

describe.skipIf(testsUsePostgres)('local world: a crash inside a step completion', () => {
  it('a step whose entity completed but whose event was never written gets its event on the next delivery', async () => {
    const { world, runId, stepId, stepFile, lockFile } = await runWithStartedStep();
    // The crash: lock claimed, entity written as completed, the event write cut off.
    const step = JSON.parse(await readFile(stepFile, 'utf8'));
    await claimLock(lockFile);
    await writeFile(
      stepFile,
      JSON.stringify({ ...step, status: 'completed', output: { __type: 'Uint8Array', data: Buffer.from('"done"').toString('base64') }, completedAt: new Date().toISOString() }),
    );
    expect(await terminalEvents(world, runId)).toHaveLength(0);

    // The queue delivers the step again; the runtime's first call is step_started.
    await expect(world.events.create(runId, { eventType: 'step_started', specVersion: 2, correlationId: stepId, eventData: { stepName: 'alignStoredReply' } })).rejects.toThrow(/terminal state/);

    const events = await terminalEvents(world, runId);
    expect(events.map((event) => event.eventType)).toEqual(['step_completed']);
    const result = (events[0]!.eventData as { result: Uint8Array }).result;
    expect(new TextDecoder().decode(result)).toBe('"done"');
    // A further delivery finds the event and adds nothing.
    await expect(world.events.create(runId, { eventType: 'step_started', specVersion: 2, correlationId: stepId, eventData: { stepName: 'alignStoredReply' } })).rejects.toThrow(/terminal state/);
    expect(await terminalEvents(world, runId)).toHaveLength(1);
    await world.close?.();
  });

  it('a completion lock left without its entity and event does not refuse the step that completes again', async () => {
    const { world, runId, stepId, lockFile } = await runWithStartedStep();
    // The crash: lock claimed, nothing else written. The step re-runs and completes.
    await claimLock(lockFile);
    await world.events.create(runId, { eventType: 'step_started', specVersion: 2, correlationId: stepId, eventData: { stepName: 'alignStoredReply' } });
    await world.events.create(runId, { eventType: 'step_completed', specVersion: 2, correlationId: stepId, eventData: { stepName: 'alignStoredReply', result: bytes('"again"') } });
    expect((await terminalEvents(world, runId)).map((event) => event.eventType)).toEqual(['step_completed']);
    // A duplicate completion is still refused once the first is in the log.
    await expect(
      world.events.create(runId, { eventType: 'step_completed', specVersion: 2, correlationId: stepId, eventData: { stepName: 'alignStoredReply', result: bytes('"twice"') } }),
    ).rejects.toThrow(/terminal state/);
    expect(await terminalEvents(world, runId)).toHaveLength(1);
    await world.close?.();
  });
});
