import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// The streamer module is not among the package's exports; it is loaded from its file, as patched.
type StreamerModule = typeof import('../../node_modules/@workflow/world-local/dist/streamer.js');
const streamerFile = path.resolve(import.meta.dirname, '../../node_modules/@workflow/world-local/dist/streamer.js');
const { createStreamer }: StreamerModule = await import(pathToFileURL(streamerFile).href);

// Counts the stream listeners every emitter holds, by wrapping Node's EventEmitter itself, so
// the check does not depend on anything the patched streamer exposes.
function countStreamListeners(): { live: () => number; restore: () => void } {
  const { on, removeListener } = EventEmitter.prototype;
  const isStreamEvent = (event: unknown) => typeof event === 'string' && /^(chunk|close):/.test(event);
  let live = 0;
  EventEmitter.prototype.on = function (this: EventEmitter, event, listener) {
    if (isStreamEvent(event)) live++;
    return on.call(this, event, listener);
  };
  EventEmitter.prototype.removeListener = function (this: EventEmitter, event, listener) {
    if (isStreamEvent(event) && typeof event === 'string' && this.listeners(event).includes(listener)) live--;
    return removeListener.call(this, event, listener);
  };
  EventEmitter.prototype.off = EventEmitter.prototype.removeListener;
  return {
    live: () => live,
    restore: () => {
      EventEmitter.prototype.on = on;
      EventEmitter.prototype.removeListener = removeListener;
      EventEmitter.prototype.off = removeListener;
    },
  };
}

describe('the local world streamer (patches/@workflow+world-local)', () => {
  let dir: string | undefined;
  let restore = () => {};
  afterEach(async () => {
    restore();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('releases the listeners of readers that leave while it still reads the stream from disk', async () => {
    const counter = countStreamListeners();
    restore = counter.restore;
    dir = await mkdtemp(path.join(tmpdir(), 'world-local-streamer-'));
    const streamer = createStreamer(dir);
    const name = 'strm_01TESTSTREAM_user';
    for (let index = 0; index < 200; index++) await streamer.writeToStream(name, 'wrun_01TESTRUN', Buffer.from(`chunk ${index}`));

    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      for (let reader = 0; reader < 30; reader++) {
        const stream = await streamer.readFromStream(name, 0);
        const handle = stream.getReader();
        await handle.read();
        await handle.cancel();
      }
      await streamer.writeToStream(name, 'wrun_01TESTRUN', Buffer.from('after they left'));
      await streamer.closeStream(name, 'wrun_01TESTRUN');
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off('warning', onWarning);
    }
    expect(counter.live()).toBe(0);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
