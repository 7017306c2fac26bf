/**
 * Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: no
 * port, no extra package): open a page, run script in it, press keys, take screenshots. Used
 * by the report-ui e2e, tools/report-screenshots.ts and the report bench. Needs Chromium
 * (Debian: apt-get install -y chromium); MONOCOV_CHROMIUM names another binary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = process.env.MONOCOV_CHROMIUM ?? '/usr/bin/chromium';

interface Pending {
  resolve(value: any): void;
  reject(error: Error): void;
}

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: Array<(message: any) => void> = [];
  private buffer = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly input: Writable,
    output: Readable,
  ) {
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 1);
        if (message.id !== undefined) {
          const waiting = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) waiting?.reject(new Error(`${message.error.message} (${message.error.code})`));
          else waiting?.resolve(message.result);
        } else {
          for (const listener of [...this.listeners]) listener(message);
        }
      }
    });
  }

  static launch(): Browser {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set MONOCOV_CHROMIUM`);
    const flags = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--remote-debugging-pipe',
      '--no-first-run',
      '--disable-background-networking',
      '--hide-scrollbars',
      '--allow-file-access-from-files',
    ];
    const child = spawn(CHROMIUM, [...flags, 'about:blank'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    return new Browser(child, child.stdio[3] as Writable, child.stdio[4] as Readable);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<any> {
    const id = this.nextId++;
    this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** Calls `listener` with every event the browser sends. */
  onEvent(listener: (message: any) => void): void {
    this.listeners.push(listener);
  }

  /** The next event named `method` for the session. */
  event(method: string, sessionId: string): Promise<any> {
    return new Promise((resolve) => {
      const listener = (message: any) => {
        if (message.method !== method || message.sessionId !== sessionId) return;
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(message.params);
      };
      this.listeners.push(listener);
    });
  }

  async newPage(width = 1280, height = 800): Promise<Page> {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId);
    await page.send('Page.enable');
    await page.send('Runtime.enable');
    await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
    return page;
  }

  close(): void {
    this.child.kill();
  }
}

export class Page {
  /** Uncaught errors and console errors the page reported. */
  readonly errors: string[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly sessionId: string,
  ) {
    browser.onEvent((message) => {
      if (message.sessionId !== sessionId) return;
      if (message.method === 'Runtime.exceptionThrown') this.errors.push(message.params.exceptionDetails.exception?.description ?? message.params.exceptionDetails.text);
      if (message.method === 'Runtime.consoleAPICalled' && message.params.type === 'error')
        this.errors.push(message.params.args.map((arg: any) => arg.value ?? arg.description).join(' '));
    });
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    return this.browser.send(method, params, this.sessionId);
  }

  /** Loads the URL afresh and waits for its load event (through about:blank: a change of the hash alone loads nothing). */
  async goto(url: string): Promise<void> {
    if (url !== 'about:blank') await this.goto('about:blank');
    const loaded = this.browser.event('Page.loadEventFired', this.sessionId);
    await this.send('Page.navigate', { url });
    await loaded;
  }

  /** The value of a JavaScript expression in the page (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const result = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (result.exceptionDetails) throw new Error(`in the page: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}\n${expression}`);
    return result.result.value as T;
  }

  /** Waits until the expression is truthy in the page (a data script loading, a re-render): the page's own pace, with a generous limit. */
  async waitFor(expression: string, limitMs = 30_000): Promise<void> {
    const started = Date.now();
    while (!(await this.evaluate<boolean>(`Boolean(${expression})`))) {
      if (Date.now() - started > limitMs) throw new Error(`the page never got to: ${expression}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Presses a letter key, as a keyboard would (`which`/`keyCode` too: istanbul's file pages read those). */
  async press(letter: string): Promise<void> {
    const keyCode = letter.toUpperCase().charCodeAt(0);
    const event = { key: letter, code: `Key${letter.toUpperCase()}`, windowsVirtualKeyCode: keyCode, nativeVirtualKeyCode: keyCode };
    await this.send('Input.dispatchKeyEvent', { type: 'keyDown', text: letter, ...event });
    await this.send('Input.dispatchKeyEvent', { type: 'keyUp', ...event });
  }

  async screenshot(): Promise<Buffer> {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png' });
    return Buffer.from(data, 'base64');
  }
}
