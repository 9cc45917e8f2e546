/**
 * The run worker's frame (src/browser/sandbox-frame.mjs, the script of the opaque-origin frame that
 * starts it): what it accepts and from whom. Its script runs here in a context of its own with
 * fakes for the frame's globals (`parent`, `Worker`, `URL`) and its ports, so each rule is checked
 * message by message. (That learner code in the worker it starts reaches none of the site's
 * storage is shown in Chromium: test/browser/sandbox-origin.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import { FRAME_SCRIPT } from '../../src/browser/sandbox-frame.mjs';

interface Posted {
  message: unknown;
  transfer?: unknown[];
}

/** A port of the page's: what the frame posts on it, and the frame's `onmessage`/`close` on it. */
class FakePort {
  posted: Posted[] = [];
  closed = false;
  onmessage: ((ev: { data: unknown; ports: FakePort[] }) => void) | null = null;
  postMessage(message: unknown, transfer?: unknown[]): void {
    this.posted.push({ message, transfer });
  }
  close(): void {
    this.closed = true;
  }
  /** Delivers a message to the frame's listener on this port, as the page's `postMessage` on the other end would. */
  deliver(data: unknown, ports: FakePort[] = []): void {
    this.onmessage?.({ data, ports });
  }
}

/** The frame's document: its script evaluated with fake globals; `fromParent` and `fromOther` post to its window. */
function frame(opts: { workerThrows?: string } = {}) {
  const parent = { name: 'the page' };
  const workers: { url: string; options: unknown; posted: Posted[]; onerror: ((ev: { message: string; preventDefault(): void }) => void) | null }[] = [];
  class Worker {
    posted: Posted[] = [];
    onerror = null;
    constructor(
      readonly url: string,
      readonly options: unknown,
    ) {
      if (opts.workerThrows) throw new Error(opts.workerThrows);
      workers.push(this);
    }
    postMessage(message: unknown, transfer?: unknown[]): void {
      this.posted.push({ message, transfer });
    }
  }
  const urls: Blob[] = [];
  const URL = { createObjectURL: (b: Blob) => `blob:null/${urls.push(b)}` };
  const global: Record<string, unknown> = { onmessage: null, parent, Worker, URL, Blob };
  vm.runInNewContext(FRAME_SCRIPT, global);
  const post = (source: unknown, data: unknown, ports: FakePort[]) => {
    const listener = global.onmessage as ((ev: unknown) => void) | null;
    listener?.({ source, data, ports });
  };
  return {
    global,
    workers,
    urls,
    fromParent: (data: unknown, ports: FakePort[]) => post(parent, data, ports),
    fromOther: (data: unknown, ports: FakePort[]) => post({ name: 'another window' }, data, ports),
  };
}

const code = new Blob(['/* the run worker */'], { type: 'text/javascript' });
const startMessage = (exerciseId = 'demo') => ({ type: 'qc-run-frame', code, name: `exercise-run-${exerciseId}`, exerciseId });

/** A frame handed its start port by the page; returns the port and the start's two ports. */
function handedPort(f: ReturnType<typeof frame>) {
  const start = new FakePort();
  f.fromParent({ type: 'qc-run-frame-port' }, [start]);
  return { start, replies: new FakePort(), reports: new FakePort() };
}

describe('the run worker frame', () => {
  it('starts one worker from the script sent on the port its parent handed it, and gives it the reply port', () => {
    const f = frame();
    const { start, replies, reports } = handedPort(f);
    start.deliver(startMessage('read-fallback'), [replies, reports]);
    expect(f.workers).toHaveLength(1);
    expect(f.urls).toEqual([code]);
    expect(f.workers[0].url).toBe('blob:null/1');
    expect(f.workers[0].options).toEqual({ name: 'exercise-run-read-fallback' });
    expect(f.workers[0].posted).toEqual([{ message: { type: 'init', port: replies, exerciseId: 'read-fallback' }, transfer: [replies] }]);
    // The start port is done with: closed, and no longer listened to.
    expect(start.closed).toBe(true);
    expect(start.onmessage).toBeNull();
  });

  it('takes its start port only from its parent, only once, and only as one port', () => {
    const f = frame();
    const stray = new FakePort();
    f.fromOther({ type: 'qc-run-frame-port' }, [stray]);
    f.fromParent({ type: 'qc-run-frame-port' }, []);
    f.fromParent({ type: 'qc-run-frame-port' }, [new FakePort(), new FakePort()]);
    f.fromParent({ type: 'something else' }, [new FakePort()]);
    expect(stray.onmessage).toBeNull();
    const { start, replies, reports } = handedPort(f);
    expect(start.onmessage).not.toBeNull();
    expect(f.global.onmessage).toBeNull(); // the window is not listened to any more
    // A second port from the parent is not taken: a start on it starts nothing.
    const second = new FakePort();
    f.fromParent({ type: 'qc-run-frame-port' }, [second]);
    second.deliver(startMessage(), [new FakePort(), new FakePort()]);
    expect(f.workers).toHaveLength(0);
    start.deliver(startMessage(), [replies, reports]);
    expect(f.workers).toHaveLength(1);
  });

  it('starts nothing from a start sent to its window instead of its port', () => {
    const f = frame();
    f.fromParent(startMessage(), [new FakePort(), new FakePort()]);
    expect(f.workers).toHaveLength(0);
    expect(f.global.onmessage).not.toBeNull(); // still waiting for its port
  });

  it('ignores a start without a Blob or without both ports, then takes a proper one; never a second', () => {
    const f = frame();
    const { start, replies, reports } = handedPort(f);
    start.deliver({ ...startMessage(), code: 'self.postMessage("forged")' }, [replies, reports]);
    start.deliver(startMessage(), [replies]);
    start.deliver({ ...startMessage(), type: 'other' }, [replies, reports]);
    expect(f.workers).toHaveLength(0);
    start.deliver(startMessage(), [replies, reports]);
    start.deliver(startMessage('other'), [new FakePort(), new FakePort()]);
    expect(f.workers).toHaveLength(1);
    expect(f.workers[0].options).toEqual({ name: 'exercise-run-demo' });
  });

  it('reports a worker that cannot be made, or that throws, on the report port', () => {
    const refused = frame({ workerThrows: 'blob: refused' });
    const a = handedPort(refused);
    a.start.deliver(startMessage(), [a.replies, a.reports]);
    expect(a.reports.posted).toEqual([{ message: { type: 'worker-error', message: 'blob: refused' }, transfer: undefined }]);

    const f = frame();
    const b = handedPort(f);
    b.start.deliver(startMessage(), [b.replies, b.reports]);
    let prevented = false;
    f.workers[0].onerror!({ message: 'Uncaught SyntaxError', preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(b.reports.posted).toEqual([{ message: { type: 'worker-error', message: 'Uncaught SyntaxError' }, transfer: undefined }]);
    expect(b.replies.posted).toEqual([]); // the reply port went to the worker, untouched by the frame
  });
});
