import { describe, expect, it } from 'vitest';
import { applyWorkflowEnv } from './runtime-env';

const envOf = (vars: Record<string, string>) => ({ ...vars }) as NodeJS.ProcessEnv;

describe('applyWorkflowEnv', () => {
  it('points the Postgres world at DATABASE_URL with its share of the connection budget', () => {
    const env = envOf({ DATABASE_URL: 'postgres://127.0.0.1/chat', DATABASE_POOL_SIZE: '20' });
    applyWorkflowEnv(env);
    expect(env).toMatchObject({ WORKFLOW_TARGET_WORLD: '@workflow/world-postgres', WORKFLOW_POSTGRES_URL: 'postgres://127.0.0.1/chat', WORKFLOW_POSTGRES_MAX_POOL_SIZE: '10' });
    const defaults = envOf({ DATABASE_URL: 'postgres://127.0.0.1/chat' });
    applyWorkflowEnv(defaults);
    expect(defaults.WORKFLOW_POSTGRES_MAX_POOL_SIZE).toBe('20');
  });

  it('keeps the local world in the data dir without DATABASE_URL', () => {
    const env = envOf({ DATA_DIR: '/srv/chat' });
    applyWorkflowEnv(env);
    expect(env).toMatchObject({ WORKFLOW_TARGET_WORLD: 'local', WORKFLOW_LOCAL_DATA_DIR: '/srv/chat/workflow' });
    expect(env.WORKFLOW_POSTGRES_MAX_POOL_SIZE).toBeUndefined();
  });
});
