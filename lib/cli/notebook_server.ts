/**
 * The classic Jupyter Notebook server on `notebooks/`, started the way `deno task notebook` and the browser test
 * start it: bound to 127.0.0.1, a token, no browser, ready once its API answers.
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url).pathname;

/** A running server. */
export interface NotebookServer {
  /** The URL of the notebook list, token included. */
  url: string;
  /** The port and token. */
  port: number;
  token: string;
  /** Stops the server and waits for it. */
  stop(): Promise<void>;
}

/**
 * Starts `jupyter-notebook` on `notebooks/` and waits (up to `timeoutMs`) until `/api/status` answers.
 * `env` is added to the kernels' environment (e.g. `HOPFIELD_SCALE`); `quiet` sends the server's log to null.
 *
 * @example
 * ```ts ignore
 * const server = await startNotebookServer({ port: 8888 });
 * console.log(server.url);
 * await server.stop();
 * ```
 */
export async function startNotebookServer(
  options: {
    port?: number;
    token?: string;
    env?: Record<string, string>;
    quiet?: boolean;
    timeoutMs?: number;
  } = {},
): Promise<NotebookServer> {
  const port = options.port ?? 8888, token = options.token ?? crypto.randomUUID().replaceAll("-", "");
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new RangeError(
      `Cannot start the notebook server: port must be an integer from 1024 to 65535: port=${port}`,
    );
  }
  const root = Deno.uid?.() === 0 ? ["--allow-root"] : [];
  const child = new Deno.Command("jupyter-notebook", {
    args: [
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${ROOT}notebooks`,
      ...root,
    ],
    env: options.env,
    stdout: options.quiet ? "null" : "inherit",
    stderr: options.quiet ? "null" : "inherit",
  }).spawn();
  const base = `http://127.0.0.1:${port}`, deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let exited = false;
  child.status.then(() => (exited = true));
  while (true) {
    if (exited) {
      throw new Error(`Cannot start the notebook server: jupyter-notebook exited (port ${port} in use?)`);
    }
    try {
      const r = await fetch(`${base}/api/status?token=${token}`);
      await r.body?.cancel();
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(
        `Cannot start the notebook server: no answer on ${base} within ${options.timeoutMs ?? 60_000} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url: `${base}/tree?token=${token}`,
    port,
    token,
    async stop() {
      if (!exited) child.kill("SIGTERM");
      await child.status;
    },
  };
}
