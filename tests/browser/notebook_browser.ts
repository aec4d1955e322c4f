/**
 * `deno task browser-test`: the interactive path as a researcher meets it. Starts the notebook server of
 * `deno task notebook` (kernels at scale `smoke`), drives Debian's headless Chromium through the DevTools
 * protocol to open notebook 01, runs every cell with the Deno kernel, waits for the outputs, checks that every
 * figure rendered (SVG elements under the outputs, no error output) and saves a screenshot to
 * `.cache/browser/01_modern_hopfield.png`. Exits non-zero with the reason on failure.
 *
 * @module
 */
import { CHROMIUM_PACKAGE, NOTEBOOK_PACKAGE, setup } from "../../lib/cli/setup.ts";
import { startNotebookServer } from "../../lib/cli/notebook_server.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const NOTEBOOK = "01_modern_hopfield.ipynb";

/** A minimal DevTools-protocol client over one page's WebSocket. */
class Page {
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, (msg: { result?: unknown; error?: { message: string } }) => void>();
  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      if (msg.id && this.#pending.has(msg.id)) {
        this.#pending.get(msg.id)!(msg);
        this.#pending.delete(msg.id);
      }
    };
  }
  static async open(url: string): Promise<Page> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
    return new Page(ws);
  }
  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = this.#next++;
    this.#ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) =>
      this.#pending.set(
        id,
        (m) => (m.error
          ? reject(new Error(`${method}: ${m.error.message}`))
          : resolve(m.result as Record<string, unknown>)),
      )
    );
  }
  async eval<T>(expression: string): Promise<T> {
    const r = await this.send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) {
      throw new Error(`evaluation failed: ${expression}: ${JSON.stringify(r.exceptionDetails)}`);
    }
    return (r.result as { value: T }).value;
  }
  close(): void {
    this.#ws.close();
  }
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | false>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => null);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

async function main(): Promise<void> {
  const code = setup([NOTEBOOK_PACKAGE, CHROMIUM_PACKAGE]);
  if (code !== 0) throw new Error("setup failed (see above)");
  const server = await startNotebookServer({ port: 8897, env: { HOPFIELD_SCALE: "smoke" }, quiet: true });
  const profile = await Deno.makeTempDir();
  const chromium = new Deno.Command("chromium", {
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--remote-debugging-port=9333",
      `--user-data-dir=${profile}`,
      "--window-size=1280,4000",
      "about:blank",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const target = await until("Chromium's DevTools endpoint", 30_000, async () => {
      const r = await fetch(
        `http://127.0.0.1:9333/json/new?${server.url.replace("/tree?", `/notebooks/${NOTEBOOK}?`)}`,
        { method: "PUT" },
      );
      return r.ok ? (await r.json()) as { webSocketDebuggerUrl: string } : null;
    });
    const page = await Page.open(target.webSocketDebuggerUrl);
    await page.send("Runtime.enable");
    await until(
      "the notebook and its Deno kernel",
      60_000,
      () =>
        page.eval<boolean>(
          "!!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected())",
        ),
    );
    const cells = await page.eval<number>(
      "Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code').length",
    );
    await page.eval("Jupyter.notebook.execute_all_cells(), true");
    const t0 = Date.now();
    await until("every code cell to run", 600_000, () =>
      page.eval<boolean>(
        "Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code').every((c) => c.input_prompt_number !== '*' && c.input_prompt_number !== null && c.input_prompt_number !== undefined) && !Jupyter.notebook.kernel_busy",
      ));
    const report = await page.eval<{ svgs: number; errors: string[]; figures: number }>(`(() => {
      const errors = [...document.querySelectorAll('.output_error')].map((e) => e.textContent.slice(0, 300));
      const svgs = document.querySelectorAll('.output_area svg').length;
      const figures = [...document.querySelectorAll('.output_area')].filter((a) => a.querySelector('svg, img')).length;
      return { svgs, errors, figures };
    })()`);
    await page.eval("window.scrollTo(0, 0), true");
    const shot = await page.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true });
    await Deno.mkdir(`${ROOT}.cache/browser`, { recursive: true });
    const path = `${ROOT}.cache/browser/${NOTEBOOK.replace(".ipynb", ".png")}`;
    await Deno.writeFile(path, Uint8Array.from(atob(shot.data as string), (c) => c.charCodeAt(0)));
    page.close();
    console.log(
      `browser test: ${NOTEBOOK} ran ${cells} code cells in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
        `${report.figures} outputs with figures, ${report.svgs} SVG elements, ${report.errors.length} errors; screenshot ${path}`,
    );
    if (report.errors.length > 0) throw new Error(`error outputs: ${report.errors.join(" | ")}`);
    if (report.figures < 5) throw new Error(`only ${report.figures} outputs with figures rendered`);
  } finally {
    chromium.kill();
    await chromium.status;
    await server.stop();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(`browser test failed: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
