import { createWorld } from '@workflow/world-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dropTestDatabase, testsUsePostgres } from '../support/postgres';

/**
 * The Postgres world wrote a step's completion as an UPDATE of the step row, then an INSERT of
 * the event, each committed on its own. A crash between them left a completed row and no
 * `step_completed` event: every later delivery of the step was refused while the run waited
 * for the event forever (issue 23). A trigger that fails the event INSERT stands in for the
 * crash: it cuts the write at exactly that point, on a real database.
 */
describe.skipIf(!testsUsePostgres)('Postgres world: a crash inside a step completion', () => {
  let url = '';
  let client: pg.Client;
  let world: ReturnType<typeof createWorld>;
  const bytes = (text: string) => new TextEncoder().encode(text);

  beforeAll(async () => {
    url = await createTestDatabase();
    client = new pg.Client({ connectionString: url });
    await client.connect();
    world = createWorld({ connectionString: url, maxPoolSize: 4 });
  });

  afterAll(async () => {
    await world?.close?.();
    await client?.end();
    if (url) await dropTestDatabase(url);
  });

  async function runWithStartedStep(stepId: string) {
    const created = await world.events.create(null, {
      eventType: 'run_created',
      specVersion: 2,
      eventData: { deploymentId: 'test', workflowName: 'chatTurnWorkflow', input: bytes('[]') },
    });
    const runId = created.run!.runId;
    await world.events.create(runId, { eventType: 'run_started', specVersion: 2 });
    await world.events.create(runId, { eventType: 'step_created', specVersion: 2, correlationId: stepId, eventData: { stepName: 'recordUsage', input: bytes('[]') } });
    await world.events.create(runId, { eventType: 'step_started', specVersion: 2, correlationId: stepId, eventData: { stepName: 'recordUsage' } });
    return runId;
  }

  async function terminalEventCount(runId: string): Promise<number> {
    const { rows } = await client.query(`select count(*)::int as n from workflow.workflow_events where run_id = $1 and type in ('step_completed', 'step_failed')`, [runId]);
    return rows[0].n;
  }

  async function stepStatus(runId: string, stepId: string): Promise<string> {
    const { rows } = await client.query('select status from workflow.workflow_steps where run_id = $1 and step_id = $2', [runId, stepId]);
    return rows[0].status;
  }

  it('a completion cut off before its event leaves the step deliverable, and the next delivery completes it', async () => {
    const stepId = 'step_cut';
    const runId = await runWithStartedStep(stepId);
    await client.query(`
      create or replace function fail_step_completed() returns trigger language plpgsql as $$
      begin
        if new.type = 'step_completed' then raise exception 'crash between the step row and its event'; end if;
        return new;
      end $$;
      create trigger crash_before_event before insert on workflow.workflow_events for each row execute function fail_step_completed();
    `);
    await expect(
      world.events.create(runId, { eventType: 'step_completed', specVersion: 2, correlationId: stepId, eventData: { stepName: 'recordUsage', result: bytes('"charged"') } }),
    ).rejects.toThrow();
    await client.query('drop trigger crash_before_event on workflow.workflow_events');

    // Nothing of the cut-off completion stayed: the step is still running, not completed without its event.
    expect(await stepStatus(runId, stepId)).toBe('running');
    expect(await terminalEventCount(runId)).toBe(0);
    // The queue delivers the step again: it starts, runs, and its completion lands whole.
    await world.events.create(runId, { eventType: 'step_started', specVersion: 2, correlationId: stepId, eventData: { stepName: 'recordUsage' } });
    await world.events.create(runId, { eventType: 'step_completed', specVersion: 2, correlationId: stepId, eventData: { stepName: 'recordUsage', result: bytes('"charged"') } });
    expect(await stepStatus(runId, stepId)).toBe('completed');
    expect(await terminalEventCount(runId)).toBe(1);
  });

  it('a completed step row left without its event by an older installation gets its event on the next delivery', async () => {
    const stepId = 'step_orphan';
    const runId = await runWithStartedStep(stepId);
    // What the old non-transactional write left after a crash: the row completed, no event.
    await client.query(`update workflow.workflow_steps set status = 'completed', completed_at = now() where run_id = $1 and step_id = $2`, [runId, stepId]);
    await expect(world.events.create(runId, { eventType: 'step_started', specVersion: 2, correlationId: stepId, eventData: { stepName: 'recordUsage' } })).rejects.toThrow(/terminal state/);
    expect(await terminalEventCount(runId)).toBe(1);
    // Later deliveries add nothing.
    await expect(world.events.create(runId, { eventType: 'step_started', specVersion: 2, correlationId: stepId, eventData: { stepName: 'recordUsage' } })).rejects.toThrow(/terminal state/);
    expect(await terminalEventCount(runId)).toBe(1);
  });
});
