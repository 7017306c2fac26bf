/**
 * Coverage of the web workers (dedicated and service workers) of the Chromiums this process
 * launches: what playwright-fixture.ts adds to each page's coverage.
 *
 * V8 counts blocks only from the moment a DevTools client starts precise coverage in the worker's
 * isolate. Chromium holds a new worker until a client attached to it says to run it, and the first
 * that says so wins: Playwright's own connection says so as soon as it hears of the worker, before
 * a second client (a `context.newCDPSession` session) could. So monocov joins Playwright's own
 * connection instead: Playwright launches Chromium with `--remote-debugging-pipe` from this process,
 * and the pipe's end it reads is watched here. When Chromium announces a worker that waits for its
 * debugger, monocov writes its own commands for that worker's session (start precise coverage)
 * before Playwright reads the announcement, so they reach the worker before Playwright's "run".
 * monocov's commands carry ids far above Playwright's, and their answers are taken out of the
 * stream; everything else reaches Playwright unchanged.
 */
import { isServedUrl } from '../convert/served-sources';
import type { V8FunctionCoverage } from '../convert/v8-data';
import type { BrowserScriptCoverage } from './browser';

/** Ids of monocov's own commands: Playwright numbers its commands from 1. */
const FIRST_OWN_ID = 1_000_000_000;
const WORKER_TYPES = new Set(['worker', 'service_worker']);
const NUL = 0;

interface Answer {
  result?: Record<string, unknown>;
  error?: { message: string };
}

interface MeasuredWorker {
  pipe: ChromiumPipe;
  sessionId: string;
  browserContextId: string;
}

const workers = new Map<string, MeasuredWorker>();
let watching = false;

/** Watches every Chromium this process launches over a pipe (Playwright's `launch`), from now on. */
export function watchChromiumLaunches(): void {
  if (watching) return;
  watching = true;
  // The module object itself: Playwright reads its spawn at each launch.
  const childProcess = require('node:child_process') as typeof import('node:child_process');
  const spawn = childProcess.spawn;
  childProcess.spawn = function (this: unknown, ...args: Parameters<typeof spawn>) {
    const child = spawn.apply(this, args);
    const argv = args[1];
    const [, , , toBrowser, fromBrowser] = child.stdio;
    if (Array.isArray(argv) && argv.includes('--remote-debugging-pipe') && toBrowser && fromBrowser) {
      new ChromiumPipe(toBrowser as NodeJS.WritableStream, fromBrowser as NodeJS.ReadableStream);
    }
    return child;
  } as typeof spawn;
}

/**
 * The coverage of the measured workers of a browser context still running, with each script's text.
 * A worker that ended before (terminated, or its page navigated or closed) took its coverage with it.
 */
export async function takeWorkerCoverage(browserContextId: string): Promise<BrowserScriptCoverage[]> {
  const entries: BrowserScriptCoverage[] = [];
  for (const worker of [...workers.values()].filter((candidate) => candidate.browserContextId === browserContextId)) {
    entries.push(...(await takeOne(worker)));
  }
  return entries;
}

async function takeOne({ pipe, sessionId }: MeasuredWorker): Promise<BrowserScriptCoverage[]> {
  const taken = await pipe.send(sessionId, 'Profiler.takePreciseCoverage');
  const scripts = ((taken.result?.result ?? []) as Array<{ scriptId: string; url: string; functions: V8FunctionCoverage[] }>).filter((script) => isServedUrl(script.url));
  if (scripts.length === 0) return [];
  // The scripts' text is what the ranges count in; the debugger gives it, and pauses at nothing meanwhile.
  pipe.quietDebugger.add(sessionId);
  await pipe.send(sessionId, 'Debugger.enable');
  await pipe.send(sessionId, 'Debugger.setSkipAllPauses', { skip: true });
  const entries: BrowserScriptCoverage[] = [];
  for (const script of scripts) {
    const text = await pipe.send(sessionId, 'Debugger.getScriptSource', { scriptId: script.scriptId });
    const source = text.result?.scriptSource;
    if (typeof source === 'string') entries.push({ url: script.url, scriptId: script.scriptId, source, functions: script.functions });
  }
  await pipe.send(sessionId, 'Debugger.disable');
  return entries;
}

/** One launched Chromium's protocol pipe: NUL-terminated JSON messages both ways. */
class ChromiumPipe {
  private nextId = FIRST_OWN_ID;
  private readonly waiting = new Map<number, (answer: Answer) => void>();
  private partial: Buffer[] = [];
  /** Worker sessions whose debugger monocov turned on: its events are not Playwright's to see. */
  readonly quietDebugger = new Set<string>();

  constructor(
    private readonly toBrowser: NodeJS.WritableStream,
    fromBrowser: NodeJS.ReadableStream,
  ) {
    const emit = fromBrowser.emit;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the pipe, inside the stream's emit
    const pipe = this;
    fromBrowser.emit = function (this: NodeJS.ReadableStream, event: string | symbol, ...args: unknown[]) {
      if (event === 'close') pipe.closed();
      if (event !== 'data' || !Buffer.isBuffer(args[0])) return emit.call(this, event, ...args);
      const passed = pipe.read(args[0]);
      return passed.length === 0 || emit.call(this, event, passed);
    } as typeof emit;
  }

  send(sessionId: string, method: string, params: Record<string, unknown> = {}): Promise<Answer> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.toBrowser.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  }

  /** The complete messages of a chunk that are Playwright's, each with its NUL; the rest of a message waits for the next chunk. */
  private read(chunk: Buffer): Buffer {
    const passed: Buffer[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NUL); end !== -1; start = end + 1, end = chunk.indexOf(NUL, start)) {
      const message = this.partial.length > 0 ? Buffer.concat([...this.partial, chunk.subarray(start, end)]) : chunk.subarray(start, end);
      this.partial = [];
      if (!this.takes(message)) passed.push(message, Buffer.from([NUL]));
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start));
    return Buffer.concat(passed);
  }

  /**
   * Whether the message is monocov's (an answer to its command, an event of its debugger); acts on
   * the workers announced. Reads the start of a message first (Chromium writes `id` or `method`
   * first): most messages, screenshots among them, are not parsed.
   */
  private takes(message: Buffer): boolean {
    const head = message.subarray(0, 48).toString('latin1');
    const answer = /^\{"id":(\d+)/.exec(head);
    if (answer) {
      const id = Number(answer[1]);
      if (id < FIRST_OWN_ID) return false;
      const parsed = JSON.parse(message.toString('utf8')) as Answer;
      this.waiting.get(id)?.(parsed);
      this.waiting.delete(id);
      return true;
    }
    if (head.startsWith('{"method":"Debugger.')) {
      return this.quietDebugger.has((JSON.parse(message.toString('utf8')) as { sessionId?: string }).sessionId ?? '');
    }
    if (head.startsWith('{"method":"Target.attachedToTarget"')) {
      const { params } = JSON.parse(message.toString('utf8')) as {
        params: { sessionId: string; waitingForDebugger: boolean; targetInfo: { type: string; browserContextId?: string } };
      };
      // A worker already running (not waiting) would be measured from the middle: left out.
      if (WORKER_TYPES.has(params.targetInfo.type) && params.waitingForDebugger && params.targetInfo.browserContextId) {
        workers.set(params.sessionId, { pipe: this, sessionId: params.sessionId, browserContextId: params.targetInfo.browserContextId });
        void this.send(params.sessionId, 'Profiler.enable');
        void this.send(params.sessionId, 'Profiler.startPreciseCoverage', { callCount: true, detailed: true });
      }
    } else if (head.startsWith('{"method":"Target.detachedFromTarget"')) {
      const { params } = JSON.parse(message.toString('utf8')) as { params: { sessionId: string } };
      workers.delete(params.sessionId);
      this.quietDebugger.delete(params.sessionId);
    }
    return false;
  }

  /** The browser is gone: its workers with it, and no answer will come. */
  private closed(): void {
    for (const [sessionId, worker] of workers) if (worker.pipe === this) workers.delete(sessionId);
    for (const resolve of this.waiting.values()) resolve({ error: { message: 'the browser closed' } });
    this.waiting.clear();
  }
}
